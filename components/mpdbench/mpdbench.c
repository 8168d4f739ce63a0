// SPDX-License-Identifier: GPL-2.0
/*
 * mpdbench - `cos bench mpd`'s invocation loops. Two instances: b0 calls
 * bench_inc of b1 through a capability (an inter-PD invocation, or a
 * direct call once both share a PD), and through a C function pointer
 * to a function of its own with the same body, for comparison. Thread
 * functions take the iteration count as their data argument and exit
 * with 0 when every answer was right.
 */
#include "cos_rt.h"
#include "bare.h"
#include "cos_iface.h"

#define BENCH_IFACE(FN)	FN(bench, inc, 1)
COS_IFACE_SERVER(BENCH_IFACE)

/* Only the capability word: b0 and b1 are one ELF, which serves
 * bench_inc itself (see mpdnode.c). */
COS_CLIENT_CAP(bench, inc)

long bench_inc(long x)
{
	asm volatile("" : "+r"(x));
	return x + 1;
}

static long local_inc(long x)
{
	asm volatile("" : "+r"(x));
	return x + 1;
}

long (*volatile bench_fp)(long) = local_inc;

long bench_calls(unsigned long base, unsigned long n)
{
	unsigned long i;
	long x = 0;

	(void)base;
	for (i = 0; i < n; i++)
		x = cos_call_1(__cos_cap_bench_inc, x);
	return x != (long)n;
}

long bench_indirect(unsigned long base, unsigned long n)
{
	unsigned long i;
	long x = 0;

	(void)base;
	for (i = 0; i < n; i++)
		x = bench_fp(x);
	return x != (long)n;
}

long cos_main(unsigned long base, unsigned long data)
{
	(void)base;
	(void)data;
	return 0;
}
