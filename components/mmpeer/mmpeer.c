// SPDX-License-Identifier: GPL-2.0
/*
 * mmpeer - the other side of shared pages in the memory mapper's tests
 * (components/interfaces/mmpeer.h, selftests/cos_mm.c).
 */
#include "cos_rt.h"
#include "bare.h"
#include "cos_mm.h"
#include "mm.h"
#include "mmpeer.h"

COS_IFACE_CLIENT(MM_IFACE)
COS_IFACE_SERVER(MMPEER_IFACE)

long mmpeer_read(long off)
{
	return *(volatile long *)cos_mm_at(off);
}

long mmpeer_write(long off, long v)
{
	*(volatile long *)cos_mm_at(off) = v;
	return 0;
}

long mmpeer_peek(long addr)
{
	return *(volatile long *)addr;
}

long mmpeer_base(void)
{
	return (long)cos_mm_base();
}

long mmpeer_share(long off, long n, long dst, long prot)
{
	return mm_share(off, n, dst, prot);
}

long mmpeer_free(long off, long n)
{
	return mm_free(off, n);
}

long cos_main(unsigned long base, unsigned long data)
{
	(void)base;
	(void)data;
	return 0;
}
