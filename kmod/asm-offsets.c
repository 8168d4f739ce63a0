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

void cos_kmod_offsets(void)
{
	COMMENT("struct cos_thd");
	OFFSET(COS_THD_COMP, cos_thd, comp);
	OFFSET(COS_THD_DEPTH, cos_thd, depth);
	OFFSET(COS_THD_ID, cos_thd, id);
	OFFSET(COS_THD_HANDLERS, cos_thd, handlers);
	OFFSET(COS_THD_PD, cos_thd, pd);
	OFFSET(COS_THD_SEQ, cos_thd, seq);
	OFFSET(COS_THD_FLAGS, cos_thd, flags);
	OFFSET(COS_THD_BENCH, cos_thd, bench);
	OFFSET(COS_THD_INV, cos_thd, inv);
	BLANK();

	COMMENT("struct cos_inv_frame");
	OFFSET(COS_FR_COMP, cos_inv_frame, comp);
	OFFSET(COS_FR_IP, cos_inv_frame, ip);
	OFFSET(COS_FR_SP, cos_inv_frame, sp);
	OFFSET(COS_FR_FLAGS, cos_inv_frame, flags);
	OFFSET(COS_FR_BX, cos_inv_frame, bx);
	OFFSET(COS_FR_BP, cos_inv_frame, bp);
	OFFSET(COS_FR_R12, cos_inv_frame, r12);
	OFFSET(COS_FR_R13, cos_inv_frame, r13);
	OFFSET(COS_FR_R14, cos_inv_frame, r14);
	OFFSET(COS_FR_R15, cos_inv_frame, r15);
	OFFSET(COS_FR_PD, cos_inv_frame, pd);
	OFFSET(COS_FR_FS, cos_inv_frame, fs_base);
	OFFSET(COS_FR_PKRU, cos_inv_frame, pkru);
	DEFINE(COS_FR_SIZE, sizeof(struct cos_inv_frame));
	BLANK();

	COMMENT("struct cos_bench_lb");
	OFFSET(COS_LB_CR3, cos_bench_lb, cr3);
	BLANK();

	COMMENT("struct cos_comp");
	OFFSET(COS_COMP_PD, cos_comp, pd);
	OFFSET(COS_COMP_CAPS, cos_comp, caps);
	OFFSET(COS_COMP_NR_CAPS, cos_comp, nr_caps);
	OFFSET(COS_COMP_ID, cos_comp, id);
	OFFSET(COS_COMP_BASE, cos_comp, base);
	OFFSET(COS_COMP_END, cos_comp, end);
	BLANK();

	COMMENT("struct cos_pd");
	OFFSET(COS_PD_PA, cos_pd, pa);
	BLANK();

	COMMENT("struct cos_cap: an entry of comp->caps, 5 words (lea x5)");
	OFFSET(COS_CAP_SERVER, cos_cap, server);
	OFFSET(COS_CAP_ENTRY, cos_cap, entry);
	OFFSET(COS_CAP_INVOCATIONS, cos_cap, invocations);
	DEFINE(COS_CAP_WORDS, sizeof(struct cos_cap) / 8);
	BLANK();

	COMMENT("per CPU: kmod's struct cos_kcpu, hijack's struct cos_cpu");
	OFFSET(COS_KCPU_THD, cos_kcpu, thd);
	OFFSET(COS_KCPU_USER_GS, cos_kcpu, user_gs);
	OFFSET(COS_KCPU_SCRATCH, cos_kcpu, scratch);
	OFFSET(COS_KCPU_REFUSAL, cos_kcpu, refusal);
	OFFSET(COS_HJ_CR3_BITS, cos_cpu, cr3_bits);
	BLANK();

	COMMENT("the fast path's preconditions (fastpath.h)");
#define COS_FP_DEFINE(name, op, what) DEFINE(COS_FP_##name, COS_FP_##name);
	COS_FP_CHECKS(COS_FP_DEFINE)
#undef COS_FP_DEFINE
	BLANK();

	COMMENT("bits of struct cos_thd.flags (uapi)");
	DEFINE(COS_THD_FLAG_FPU, COS_THD_FPU);
}
