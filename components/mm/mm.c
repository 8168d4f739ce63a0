// SPDX-License-Identifier: GPL-2.0
/*
 * mm - the memory mapper: the server of the mm interface
 * (components/interfaces/mm.h). The only component the kernel lets map
 * pages into others (COS_OP_MEM, the description's "mm NAME"); it keeps,
 * per client component, which pages of the first MM_MAX_PAGES of its
 * window are taken, and asks the kernel for the pages themselves.
 *
 * Entered by any number of threads at once, preemptible anywhere: the
 * maps are under one spin lock, held only to look at or change bits,
 * never across a kernel call. A run is marked taken before the kernel
 * maps it and given back only after the kernel unmapped it (or failed),
 * so a bit that is clear is never mapped, and a page is never handed out
 * twice. The pages themselves, and what is shared with whom, are the
 * kernel's (mem.c): mm's maps only say which offsets are free.
 */
#include <linux/errno.h>
#include "cos_rt.h"
#include "bare.h"
#include "mm.h"

COS_IFACE_SERVER(MM_IFACE)

#define MM_WORDS	(MM_MAX_PAGES / 64)

_Static_assert(MM_MAX_PAGES * MM_PAGE_SIZE <= COS_MM_SIZE,
	       "mm manages part of the window, never more");

/* Bit p of maps[c]: page p of component c's window is taken. */
static unsigned long maps[MM_MAX_COMPS][MM_WORDS];
static int mm_lock_word;

static void mm_lock(void)
{
	while (__atomic_exchange_n(&mm_lock_word, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&mm_lock_word, __ATOMIC_RELAXED))
			__builtin_ia32_pause();
}

static void mm_unlock(void)
{
	__atomic_store_n(&mm_lock_word, 0, __ATOMIC_RELEASE);
}

static int mm_taken(const unsigned long *m, unsigned long p)
{
	return (m[p / 64] >> (p % 64)) & 1;
}

/* Mark [p, p + n) taken (@on) or free. */
static void mm_mark(unsigned long *m, unsigned long p, unsigned long n, int on)
{
	for (; n; n--, p++) {
		if (on)
			m[p / 64] |= 1UL << (p % 64);
		else
			m[p / 64] &= ~(1UL << (p % 64));
	}
}

/* Are all of [p, p + n) taken? */
static int mm_all_taken(const unsigned long *m, unsigned long p, unsigned long n)
{
	for (; n; n--, p++)
		if (!mm_taken(m, p))
			return 0;
	return 1;
}

/* The first free run of @n pages, marked taken; -ENOMEM if none. */
static long mm_claim(unsigned long *m, unsigned long n)
{
	unsigned long p, run = 0;

	for (p = 0; p < MM_MAX_PAGES; p++) {
		run = mm_taken(m, p) ? 0 : run + 1;
		if (run == n) {
			mm_mark(m, p + 1 - n, n, 1);
			return (long)(p + 1 - n);
		}
	}
	return -ENOMEM;
}

static void mm_release(unsigned long *m, unsigned long p, unsigned long n)
{
	mm_lock();
	mm_mark(m, p, n, 0);
	mm_unlock();
}

/* A component mm serves (a caller id comes from the kernel). */
static int mm_comp_ok(long c)
{
	return c >= 0 && c < MM_MAX_COMPS;
}

/* [off, off + n pages) inside what mm manages, page aligned. */
static int mm_range_ok(long off, long n)
{
	return n > 0 && n <= MM_MAX_PAGES && off >= 0 && !(off % MM_PAGE_SIZE) &&
	       (unsigned long)off / MM_PAGE_SIZE <= MM_MAX_PAGES - (unsigned long)n;
}

long mm_alloc(long npages, COS_CALLER_PARAMS(1))
{
	long c = cos_caller(), p, err;

	if (!mm_comp_ok(c))
		return -ENOENT;
	if (npages <= 0 || npages > MM_MAX_PAGES)
		return -EINVAL;
	mm_lock();
	p = mm_claim(maps[c], npages);
	mm_unlock();
	if (p < 0)
		return p;
	err = cos_mem_op(COS_MEM_CMD(COS_MEM_ALLOC, COS_PROT_READ | COS_PROT_WRITE),
			 c, p * MM_PAGE_SIZE, npages, 0, 0);
	if (err) {
		mm_release(maps[c], p, npages);
		return err;
	}
	return p * MM_PAGE_SIZE;
}

long mm_share(long off, long npages, long dst, long prot, COS_CALLER_PARAMS(4))
{
	long c = cos_caller(), p, err;

	if (!mm_comp_ok(c) || !mm_comp_ok(dst))
		return -ENOENT;
	if (!mm_range_ok(off, npages))
		return -EINVAL;
	mm_lock();
	if (!mm_all_taken(maps[c], off / MM_PAGE_SIZE, npages)) {
		mm_unlock();
		return -ENXIO;
	}
	p = mm_claim(maps[dst], npages);
	mm_unlock();
	if (p < 0)
		return p;
	err = cos_mem_op(COS_MEM_CMD(COS_MEM_ALIAS, prot), c, off, dst,
			 p * MM_PAGE_SIZE, npages);
	if (err) {
		mm_release(maps[dst], p, npages);
		return err;
	}
	return p * MM_PAGE_SIZE;
}

long mm_free(long off, long npages, COS_CALLER_PARAMS(2))
{
	long c = cos_caller(), err;
	int mine;

	if (!mm_comp_ok(c))
		return -ENOENT;
	if (!mm_range_ok(off, npages))
		return -EINVAL;
	mm_lock();
	mine = mm_all_taken(maps[c], off / MM_PAGE_SIZE, npages);
	mm_unlock();
	if (!mine)
		return -ENXIO;
	err = cos_mem_op(COS_MEM_CMD(COS_MEM_FREE, 0), c, off, npages, 0, 0);
	if (!err)
		mm_release(maps[c], off / MM_PAGE_SIZE, npages);
	return err;
}

/* Started as a thread, mm has nothing to do. */
long cos_main(unsigned long base, unsigned long data)
{
	(void)base;
	(void)data;
	printc("mm is a server: invoke it\n");
	return 0;
}
