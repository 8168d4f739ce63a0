// SPDX-License-Identifier: GPL-2.0
/*
 * asm-offsets.c - every offset and constant fastpath.S uses, turned into
 * asm-offsets.h by Kbuild (as Linux's arch/x86/kernel/asm-offsets.c):
 * never written by hand, so a struct change cannot leave the assembly
 * behind. hijack/ has its own for entry.S.
 */
#include <linux/kbuild.h>
#include <linux/stddef.h>
#include "hijack.h"
#include "comp.h"
#include "cap.h"
#include "thd.h"
#include "pd.h"
#include "cpu.h"
#include "fastpath.h"

void cos_kmod_offsets(void);

/* One line per struct: FIELD(asm name, member), prefixed per struct. */
#define THD(sym, mem)	OFFSET(COS_THD_##sym, cos_thd, mem);
#define FR(sym, mem)	OFFSET(COS_FR_##sym, cos_inv_frame, mem);
#define COMP(sym, mem)	OFFSET(COS_COMP_##sym, cos_comp, mem);
#define CAP(sym, mem)	OFFSET(COS_CAP_##sym, cos_cap, mem);
#define KCPU(sym, mem)	OFFSET(COS_KCPU_##sym, cos_kcpu, mem);
#define FP(name, op, what) DEFINE(COS_FP_##name, COS_FP_##name);

void cos_kmod_offsets(void)
{
	COMMENT("struct cos_thd");
	THD(COMP, comp) THD(DEPTH, depth) THD(ID, id) THD(HANDLERS, handlers)
	THD(PD, pd) THD(SEQ, seq) THD(FLAGS, flags) THD(BENCH, bench)
	THD(INV, inv)
	BLANK();

	COMMENT("struct cos_inv_frame: what COS_OP_INVOKE saves of the caller");
	FR(COMP, comp) FR(IP, ip) FR(SP, sp) FR(FLAGS, flags) FR(BX, bx)
	FR(BP, bp) FR(R12, r12) FR(R13, r13) FR(R14, r14) FR(R15, r15)
	FR(PD, pd) FR(FS, fs_base) FR(PKRU, pkru)
	DEFINE(COS_FR_SIZE, sizeof(struct cos_inv_frame));
	BLANK();

	COMMENT("struct cos_comp, struct cos_pd, struct cos_bench_lb");
	COMP(PD, pd) COMP(CAPS, caps) COMP(NR_CAPS, nr_caps) COMP(ID, id)
	COMP(BASE, base) COMP(END, end)
	OFFSET(COS_PD_PA, cos_pd, pa);
	OFFSET(COS_LB_CR3, cos_bench_lb, cr3);
	BLANK();

	COMMENT("struct cos_cap: an entry of comp->caps, 5 words (lea x5)");
	CAP(SERVER, server) CAP(ENTRY, entry) CAP(INVOCATIONS, invocations)
	DEFINE(COS_CAP_WORDS, sizeof(struct cos_cap) / 8);
	BLANK();

	COMMENT("per CPU: kmod's struct cos_kcpu, hijack's struct cos_cpu");
	KCPU(THD, thd) KCPU(USER_GS, user_gs) KCPU(SCRATCH, scratch)
	KCPU(REFUSAL, refusal)
	OFFSET(COS_HJ_CR3_BITS, cos_cpu, cr3_bits);
	BLANK();

	COMMENT("the fast path's preconditions (fastpath.h)");
	COS_FP_CHECKS(FP)
	BLANK();

	COMMENT("bits of struct cos_thd.flags (uapi)");
	DEFINE(COS_THD_FLAG_FPU, COS_THD_FPU);
}
