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

void cos_hijack_offsets(void)
{
	COMMENT("struct cos_hw_regs: the order the entry code pushes");
	OFFSET(COS_HW_R15, cos_hw_regs, r15);
	OFFSET(COS_HW_VECTOR, cos_hw_regs, vector);
	OFFSET(COS_HW_RIP, cos_hw_regs, ip);
	DEFINE(COS_HW_SIZE, sizeof(struct cos_hw_regs));
	BLANK();

	COMMENT("struct cos_cpu: per CPU, through %gs after swapgs");
	OFFSET(COS_CPU_REGS_END, cos_cpu, regs_end);
	OFFSET(COS_CPU_HOST_RSP, cos_cpu, host_rsp);
	OFFSET(COS_CPU_SCRATCH, cos_cpu, scratch);
}
