/* SPDX-License-Identifier: GPL-2.0 */
/* bare.h - the few services a bare component has: syscall ops of cos.h. */
#ifndef COS_BARE_H
#define COS_BARE_H

#include "cos.h"

typedef unsigned long size_t;

static inline long cos_syscall2(long op, long a, long b)
{
	long ret;

	asm volatile("syscall" : "=a"(ret) : "a"(op), "D"(a), "S"(b)
		     : "rcx", "r11", "memory");
	return ret;
}

static inline size_t cos_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static inline void cos_print(const char *s)
{
	cos_syscall2(COS_OP_PRINT, (long)s, (long)cos_strlen(s));
}

long cos_main(unsigned long base, unsigned long data);

#endif
