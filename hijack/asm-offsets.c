// SPDX-License-Identifier: GPL-2.0
/*
 * asm-offsets.c - the offsets entry.S uses, turned into asm-offsets.h by
 * Kbuild (as Linux's own arch/x86/kernel/asm-offsets.c): never written by
 * hand, so a struct change cannot leave the assembly behind.
 */
#include <linux/kbuild.h>
#include <linux/stddef.h>
#include "hijack.h"

void cos_hijack_offsets(void);

#define HW(sym, mem)	OFFSET(COS_HW_##sym, cos_hw_regs, mem);
#define CPU(sym, mem)	OFFSET(COS_CPU_##sym, cos_cpu, mem);

void cos_hijack_offsets(void)
{
	COMMENT("struct cos_hw_regs: the order the entry code pushes (I8)");
	HW(R15, r15) HW(VECTOR, vector) HW(RIP, ip)
	DEFINE(COS_HW_SIZE, sizeof(struct cos_hw_regs));
	BLANK();

	COMMENT("struct cos_cpu: per CPU, through %gs after swapgs");
	CPU(REGS_END, regs_end) CPU(HOST_RSP, host_rsp) CPU(SCRATCH, scratch)
}
