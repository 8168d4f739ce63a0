/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cos_mm.h - a component's memory mapper window (cos_comp_abi.h, section
 * 4; docs/mm.md): where it is, and COS_OP_MEM as a function.
 *
 * Every component has the window; pages appear in it only when the mm
 * component maps them (components/interfaces/mm.h: mm_alloc, mm_share).
 * An offset mm returns is from cos_mm_base(). cos_mem_op is the kernel
 * op itself: only the mm component gets anything but -EPERM.
 */
#ifndef COS_MM_RT_H
#define COS_MM_RT_H

#include "cos_comp_abi.h"
#include "cos_iface.h"

/* The first byte of this component's window. */
static inline void *cos_mm_base(void)
{
	return (void *)(cos_captbl_addr - COS_CAPTBL_REGION + COS_MM_REGION);
}

/* The address of window offset @off. */
static inline void *cos_mm_at(unsigned long off)
{
	return (char *)cos_mm_base() + off;
}

/* COS_OP_MEM: RDI = @cmd (COS_MEM_CMD), RSI, RDX, R10, R8, R9. */
static inline long cos_mem_op(unsigned long cmd, unsigned long a1,
			      unsigned long a2, unsigned long a3,
			      unsigned long a4, unsigned long a5)
{
	register unsigned long r10 asm("r10") = a3;
	register unsigned long r8 asm("r8") = a4;
	register unsigned long r9 asm("r9") = a5;
	long ret;

	asm volatile("syscall" : "=a"(ret)
		     : "a"((long)COS_OP_MEM), "D"(cmd), "S"(a1), "d"(a2),
		       "r"(r10), "r"(r8), "r"(r9)
		     : "rcx", "r11", "memory");
	return ret;
}

#endif
