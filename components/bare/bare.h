/* SPDX-License-Identifier: GPL-2.0 */
/* bare.h - the few services a bare component has: syscall ops of cos.h. */
#ifndef COS_BARE_H
#define COS_BARE_H

#include "cos_comp_abi.h"

#include <stddef.h>

static inline long cos_syscall2(long op, long a, long b)
{
	long ret;

	asm volatile("syscall" : "=a"(ret) : "a"(op), "D"(a), "S"(b)
		     : "rcx", "r11", "memory");
	return ret;
}

long cos_main(unsigned long base, unsigned long data);

#endif
