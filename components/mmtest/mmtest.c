// SPDX-License-Identifier: GPL-2.0
/*
 * mmtest - the memory mapper's tests, component side (selftests/cos_mm.c
 * runs them: components/systems/mm.sys, every component in a PD of its
 * own, and mm-merged.sys, mm, mmk and mmtest in one PD).
 *
 * Each check prints "CHECK <1|0> what (got G want W)", which the host
 * turns into a TAP line; "SYNC <tag> <value>" asks the host to look at
 * something while this thread is stopped (page counts, the last fault,
 * a merge or split of mmpeer, starting the spinner). Component ids are
 * those of the descriptions' order (cos_sd_load makes sure of it).
 *
 * Threads: test_isolated or test_merged (the tests), spin_main (reads a
 * page in a loop on another CPU until the test frees it: it must fault,
 * never read stale data).
 */
#include "cos_rt.h"
#include "bare.h"
#include "cos_mm.h"
#include "cos_sched_ops.h"
#include "mm.h"
#include "mmk.h"
#include "mmpeer.h"

COS_IFACE_CLIENT(MM_IFACE)
COS_IFACE_CLIENT(MMK_IFACE)
COS_IFACE_CLIENT(MMPEER_IFACE)

#define ME	2		/* mm 0, mmk 1, mmtest 2, mmpeer 3 */
#define PEER	3
#define PG	4096L
#define RO	COS_PROT_READ
#define RW	(COS_PROT_READ | COS_PROT_WRITE)
#define K	(MM_MAX_PAGES * PG)	/* past what mm manages: mmk's tests */
#define CMD(sub, prot)	COS_MEM_CMD(COS_MEM_##sub, prot)
#define SPIN_MAGIC	0x5a5a5a5aL

static void check(long got, long want, const char *what)
{
	printc("CHECK %d %s (got %ld want %ld)\n", got == want, what, got, want);
}

static void sync(const char *tag, long v)
{
	printc("SYNC %s %ld\n", tag, v);
}

/* COS_OP_MEM through mmk, which holds the right. */
static long kop(unsigned long cmd, unsigned long a1, unsigned long a2,
		unsigned long a3, unsigned long a4, unsigned long a5)
{
	unsigned long *w = cos_args();

	w[0] = cmd;
	w[1] = a1;
	w[2] = a2;
	w[3] = a3;
	w[4] = a4;
	w[5] = a5;
	return mmk_op();
}

static volatile long *word(long off)
{
	return cos_mm_at(off);
}

static void test_right(void)
{
	check(cos_mem_op(CMD(ALLOC, RW), ME, K, 1, 0, 0), -EPERM,
	      "COS_OP_MEM from a component without the right: EPERM");
	check(cos_mem_op(~0UL, ~0UL, 0, 0, 0, 0), -EPERM,
	      "... with a bad command too: EPERM comes first");
}

/* mm_alloc, mm_share both ways, mm_free, and the faults after it. */
static void test_mm(void)
{
	long off, poff, roff, w, i, v = 0;

	off = mm_alloc(4);
	check(off >= 0 && off % PG == 0, 1, "mm_alloc(4) gives a page-aligned offset");
	if (off < 0)
		return;
	for (i = 0; i < 4 * PG / 8; i++)
		v |= word(off)[i];
	check(v, 0, "the new pages are zeroed");
	for (i = 0; i < 4; i++)
		word(off + i * PG)[0] = 0x1000 + i;
	check(word(off + 3 * PG)[0], 0x1003, "they take writes");

	poff = mm_share(off, 4, PEER, RW);
	check(poff >= 0, 1, "mm_share(off, 4, mmpeer, read+write)");
	check(mmpeer_read(poff + 2 * PG), 0x1002, "mmpeer reads what mmtest wrote");
	mmpeer_write(poff + PG + 8, 0x77);
	check(word(off + PG)[1], 0x77, "mmtest reads what mmpeer wrote");

	roff = mm_share(off, 1, PEER, RO);
	check(roff >= 0, 1, "mm_share read-only");
	check(mmpeer_read(roff), 0x1000, "mmpeer reads the read-only share");
	check(mmpeer_write(roff, 1), COS_ERR_FAULT,
	      "mmpeer's write to it faults, contained (COS_ERR_FAULT)");
	sync("fault", mmpeer_base() + roff);
	check(mmpeer_share(roff, 1, ME, RW), -EACCES,
	      "mmpeer shares its read-only page read+write: EACCES");
	w = mmpeer_share(roff, 1, ME, RO);
	check(w >= 0, 1, "... read-only: a share of a share");
	check(word(w)[0], 0x1000, "... which is the same page");
	check(mm_free(w, 1), 0, "mm_free of it");

	check(mm_share(off + 8 * PG, 1, PEER, RW), -ENXIO,
	      "mm_share of pages the caller does not have: ENXIO");
	check(mm_share(off, 1, 200, RW), -ENOENT, "mm_share to no component: ENOENT");
	check(mm_share(off, 1, PEER, RW | COS_PROT_EXEC), -EINVAL,
	      "mm_share executable: EINVAL (the kernel's)");
	check(mm_free(off + 100 * PG, 1), -ENXIO, "mm_free of pages not had: ENXIO");
	check(mm_alloc(0), -EINVAL, "mm_alloc(0): EINVAL");
	check(mm_alloc(MM_MAX_PAGES + 1), -EINVAL, "mm_alloc over the window: EINVAL");

	check(mm_free(off, 4), 0, "mm_free in mmtest");
	check(mmpeer_read(poff + 2 * PG), 0x1002, "mmpeer's share outlives mmtest's free");
	check(mmpeer_free(poff, 4), 0, "mm_free in mmpeer");
	check(mmpeer_read(poff + 2 * PG), COS_ERR_FAULT,
	      "mmpeer reads the page after its free: a contained fault");
	sync("fault", mmpeer_base() + poff + 2 * PG);
	check(mmpeer_read(roff), 0x1000, "the read-only share is still there");
	check(mmpeer_free(roff, 1), 0, "its last mapping goes");
	check(mmpeer_read(roff), COS_ERR_FAULT, "... and reading it faults");
	sync("fault", mmpeer_base() + roff);
	off = mm_alloc(4);
	check(off >= 0, 1, "mm_alloc(4) again: the offsets came back");
	check(word(off)[0] | word(off + 3 * PG)[0], 0, "... with zeroed pages");
	check(mm_free(off, 4), 0, "mm_free");
}

/* The kernel's own answers, through mmk. */
static void test_kernel(void)
{
	check(kop(CMD(ALLOC, RW), ME, K, 2, 0, 0), 0, "ALLOC 2 pages");
	check(kop(CMD(ALLOC, RW), ME, K, 2, 0, 0), -EEXIST, "ALLOC over them: EEXIST");
	check(kop(CMD(ALLOC, RW), ME, K + PG, 2, 0, 0), -EEXIST, "ALLOC overlapping: EEXIST");
	check(kop(CMD(ALLOC, RW | COS_PROT_EXEC), ME, K + 4 * PG, 1, 0, 0), -EINVAL,
	      "ALLOC write+execute: EINVAL");
	check(kop(CMD(ALLOC, RO | COS_PROT_EXEC), ME, K + 4 * PG, 1, 0, 0), -EINVAL,
	      "ALLOC executable: EINVAL");
	check(kop(CMD(ALLOC, COS_PROT_WRITE), ME, K + 4 * PG, 1, 0, 0), -EINVAL,
	      "ALLOC write-only: EINVAL");
	check(kop(CMD(ALLOC, 0), ME, K + 4 * PG, 1, 0, 0), -EINVAL, "ALLOC prot 0: EINVAL");
	check(kop(CMD(ALLOC, RW), ME, K + 4 * PG + 8, 1, 0, 0), -EINVAL,
	      "ALLOC unaligned: EINVAL");
	check(kop(CMD(ALLOC, RW), ME, K + 4 * PG, 0, 0, 0), -EINVAL, "ALLOC 0 pages: EINVAL");
	check(kop(CMD(ALLOC, RW), ME, COS_MM_SIZE - PG, 2, 0, 0), -EINVAL,
	      "ALLOC across the window's end: EINVAL");
	check(kop(CMD(ALLOC, RW), ME, COS_MM_SIZE, 1, 0, 0), -EINVAL,
	      "ALLOC at the window's end: EINVAL");
	check(kop(CMD(ALLOC, RW), ME, PG, ~0UL, 0, 0), -EINVAL,
	      "ALLOC of 2^64-1 pages: EINVAL");
	check(kop(CMD(ALLOC, RW) | 1UL << 16, ME, K + 4 * PG, 1, 0, 0), -EINVAL,
	      "a stray bit in the command: EINVAL");
	check(kop(COS_MEM_CMD(0, RW), ME, K + 4 * PG, 1, 0, 0), -EINVAL, "sub-op 0: EINVAL");
	check(kop(COS_MEM_CMD(4, RW), ME, K + 4 * PG, 1, 0, 0), -EINVAL, "sub-op 4: EINVAL");
	check(kop(CMD(ALLOC, RW), 250, K, 1, 0, 0), -ENOENT, "ALLOC in no component: ENOENT");
	check(kop(CMD(ALLOC, RW), 1UL << 32 | ME, K + 4 * PG, 1, 0, 0), -ENOENT,
	      "a component id with bit 32 set: ENOENT");

	check(kop(CMD(FREE, 0), ME, K + 4 * PG, 1, 0, 0), -ENXIO, "FREE of nothing: ENXIO");
	check(kop(CMD(FREE, 0), ME, K + PG, 2, 0, 0), -ENXIO, "FREE of a half-mapped range: ENXIO");
	word(K + PG)[0] = 0x99;
	check(word(K + PG)[0], 0x99, "... which freed nothing");
	check(kop(CMD(FREE, RO), ME, K, 2, 0, 0), -EINVAL, "FREE with a prot: EINVAL");

	check(kop(CMD(ALIAS, RW), ME, K, ME, K + 8 * PG, 2), 0, "ALIAS within one component");
	word(K)[0] = 0xabc;
	check(word(K + 8 * PG)[0], 0xabc, "... two addresses, one page");
	check(kop(CMD(ALIAS, RW), ME, K, ME, K + 8 * PG, 2), -EEXIST, "ALIAS onto a mapping: EEXIST");
	check(kop(CMD(ALIAS, RW), ME, K, ME, K, 1), -EEXIST, "ALIAS onto itself: EEXIST");
	check(kop(CMD(ALIAS, RW), ME, K + 16 * PG, PEER, K, 1), -ENXIO,
	      "ALIAS of an unmapped source: ENXIO");
	check(kop(CMD(ALIAS, RW), ME, K, 250, K, 1), -ENOENT, "ALIAS to no component: ENOENT");
	check(kop(CMD(ALIAS, RW), ME, K, PEER, COS_MM_SIZE, 1), -EINVAL,
	      "ALIAS outside the destination's window: EINVAL");
	check(kop(CMD(ALIAS, RO), ME, K, PEER, K, 1), 0, "ALIAS read-only into mmpeer");
	check(mmpeer_read(K), 0xabc, "... mmpeer reads it");
	check(kop(CMD(ALIAS, RW), PEER, K, ME, K + 20 * PG, 1), -EACCES,
	      "ALIAS read+write of a read-only source: EACCES");
	check(kop(CMD(FREE, 0), ME, K, 2, 0, 0), 0, "FREE the source");
	check(mmpeer_read(K), 0xabc, "mmpeer's alias keeps the page");
	check(kop(CMD(FREE, 0), PEER, K, 1, 0, 0), 0, "FREE mmpeer's alias");
	check(mmpeer_read(K), COS_ERR_FAULT, "... then mmpeer's read faults");
	sync("fault", mmpeer_base() + K);
	check(kop(CMD(FREE, 0), ME, K + 8 * PG, 2, 0, 0), 0, "FREE the other alias");
}

/* The page budget: spent, and given back exactly. */
static void test_budget(void)
{
	long n1, n2, e;

	sync("pages", 0);
	for (n1 = 0; !(e = kop(CMD(ALLOC, RW), ME, K + n1 * PG, 1, 0, 0)); n1++)
		;
	check(e, -ENOSPC, "ALLOC page by page until the budget is spent: ENOSPC");
	sync("full", n1);
	check(mm_alloc(1), -ENOSPC, "mm_alloc with the budget spent: ENOSPC");
	check(kop(CMD(FREE, 0), ME, K, n1, 0, 0), 0, "FREE them all at once");
	sync("back", n1);
	for (n2 = 0; !(e = kop(CMD(ALLOC, RW), ME, K + n2 * PG, 1, 0, 0)); n2++)
		;
	check(n2, n1, "the budget came back: as many pages again");
	sync("full", n2);
	check(kop(CMD(FREE, 0), ME, K, n2, 0, 0), 0, "FREE them all again");
	sync("back", n2);
	sync("nospc", 3);
}

/* A mapping made while merged shows in the merged PD (the tables are the
 * component's); after a split only through a share. */
static void test_pd(void)
{
	long off = mm_alloc(1), off2, poff;

	check(off >= 0, 1, "mm_alloc while mm and mmtest share a PD");
	word(off)[0] = 0x4242;
	sync("merge", PEER);
	check(mmpeer_peek((long)word(off)), 0x4242,
	      "mmpeer merged in: it reads mmtest's page at mmtest's address");
	off2 = mm_alloc(1);
	check(off2 >= 0, 1, "mm_alloc while all four share a PD");
	word(off2)[0] = 0x4343;
	check(mmpeer_peek((long)word(off2)), 0x4343,
	      "... the new mapping shows in the merged PD at once");
	check(mm_free(off2, 1), 0, "mm_free of it, merged");
	check(mmpeer_peek((long)word(off)), 0x4242, "... the other page stays");
	sync("split", PEER);
	check(mmpeer_peek((long)word(off)), COS_ERR_FAULT,
	      "mmpeer split out: the same read faults, contained");
	sync("fault", (long)word(off));
	poff = mm_share(off, 1, PEER, RW);
	check(poff >= 0, 1, "after the split: mm_share");
	check(mmpeer_read(poff), 0x4242, "... mmpeer reads the page through its window");
	check(mmpeer_free(poff, 1), 0, "mmpeer frees its share");
	check(mm_free(off, 1), 0, "mmtest frees the page");
}

/* The spinner's page and flags (spin_main). */
static volatile long *spin_p, *spin_f;
static int spin_go;

/*
 * Free a page while spin_main reads it on the other CPU: once mm_free has
 * returned (then spin_f[0] is set), its next read must fault.
 */
static void test_shootdown(void)
{
	long poff = mm_alloc(1), foff = mm_alloc(1);
	unsigned long t0;

	check(poff >= 0 && foff >= 0, 1, "mm_alloc the spinner's page and flags");
	spin_p = word(poff);
	spin_f = word(foff);
	spin_p[0] = SPIN_MAGIC;
	sync("spin", (long)spin_p);
	__atomic_store_n(&spin_go, 1, __ATOMIC_RELEASE);
	for (t0 = cos_now(); spin_f[1] < 1000 && cos_now() - t0 < 10000000000UL;)
		__builtin_ia32_pause();
	check(spin_f[1] >= 1000, 1, "the spinner reads the page on the other CPU");
	check(mm_free(poff, 1), 0, "mm_free of the page it reads");
	spin_f[0] = 1;		/* after FREE returned: its next read faults */
}

long spin_main(unsigned long base, unsigned long data)
{
	volatile long *p, *f;

	(void)base;
	(void)data;
	while (!__atomic_load_n(&spin_go, __ATOMIC_ACQUIRE))
		__builtin_ia32_pause();
	p = spin_p;
	f = spin_f;
	for (;;) {
		long freed = f[0];
		long v = p[0];

		f[1]++;
		if (freed)	/* read after the free returned: stale */
			return v == SPIN_MAGIC ? 99 : 98;
	}
}

static long run(int merged)
{
	test_right();
	test_mm();
	test_kernel();
	test_budget();
	if (merged)
		test_pd();
	test_shootdown();
	return 0;
}

long test_isolated(unsigned long base, unsigned long data)
{
	(void)base;
	(void)data;
	return run(0);
}

long test_merged(unsigned long base, unsigned long data)
{
	(void)base;
	(void)data;
	return run(1);
}

long cos_main(unsigned long base, unsigned long data)
{
	return test_isolated(base, data);
}
