// SPDX-License-Identifier: GPL-2.0
/*
 * mem.c - COS_OP_MEM (mem.h): the memory mapper's ALLOC, ALIAS and FREE
 * in the window of a component's slot. Why FREE may take leaves out while
 * threads run, and what every lockless reader does about it, is in mem.h.
 */
#include <linux/err.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/rwsem.h>
#include "sys.h"
#include "comp.h"
#include "paging.h"
#include "mpd.h"
#include "mem.h"
#include "stats.h"

#define COS_MM_PAGES	(COS_MM_SIZE >> PAGE_SHIFT)
#define COS_MEM_RW	(COS_PROT_READ | COS_PROT_WRITE)

bool cos_mem_overlap(const struct cos_comp *c, unsigned long addr,
		     unsigned long len)
{
	unsigned long lo = c->base + COS_MM_REGION, hi = lo + COS_MM_SIZE;

	return addr < hi && addr + len > lo;
}

/* @npages pages from @off: inside the window, page aligned, not empty. */
static bool cos_mem_range_ok(unsigned long off, unsigned long npages)
{
	return npages && PAGE_ALIGNED(off) && off < COS_MM_SIZE &&
	       npages <= (COS_MM_SIZE - off) >> PAGE_SHIFT;
}

/* Read or read+write: the window holds data, never code. */
static bool cos_mem_prot_ok(unsigned long prot)
{
	return prot == COS_PROT_READ || prot == COS_MEM_RW;
}

/* The address of window offset @off in @c, or 0 if @c's slot is too
 * small to hold the window (not one of the 4- or 5-level slots today). */
static unsigned long cos_mem_va(const struct cos_comp *c, unsigned long off)
{
	if (c->base + COS_MM_REGION + COS_MM_SIZE > c->end)
		return 0;
	return c->base + COS_MM_REGION + off;
}

/* The leaf for @va in @c as it is now (0: none). */
static u64 cos_mem_leaf(const struct cos_comp *c, unsigned long va)
{
	u64 *pte = cos_pt_lookup(NULL, c->pt_root, va);

	return pte ? READ_ONCE(*pte) : 0;
}

/**
 * cos_mem_install() - map @pages at @n pages from @va in @c
 * @sys:   the system (sys->lock held)
 * @c:     the component
 * @va:    first address, every leaf empty (the caller checked)
 * @n:     pages
 * @pages: kernel addresses of the pages
 * @flags: leaf flags (cos_pte_flags)
 * @alias: the pages are mapped elsewhere already: count one more mapping
 *
 * Every table first (charged to the budget; they stay on failure, as
 * tables do), then every leaf, when nothing can fail any more, so that a
 * running thread never saw a page of a failed call. A page Linux marks
 * poisoned between the check and its leaf goes in taken out, as args.c
 * does it: the leaf owns it, an access faults.
 *
 * Return: 0; -ENOSPC or -ENOMEM (a table), -EHWPOISON (a poisoned page).
 */
static int cos_mem_install(struct cos_sys *sys, struct cos_comp *c,
			   unsigned long va, unsigned long n, void **pages,
			   u64 flags, bool alias)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		u64 *pte = cos_pt_lookup(sys, c->pt_root, va + i * PAGE_SIZE);

		if (IS_ERR(pte))
			return PTR_ERR(pte);
	}
	for (i = 0; i < n; i++)
		if (PageHWPoison(virt_to_page(pages[i])))
			return -EHWPOISON;
	for (i = 0; i < n; i++) {
		u64 *pte = cos_pt_lookup(NULL, c->pt_root, va + i * PAGE_SIZE);

		if (alias)
			cos_sys_page_get(sys, pages[i]);
		if (cos_pte_install(pte, pages[i], flags))
			WRITE_ONCE(*pte, __pa(pages[i]) | COS_PTE_POISON);
	}
	return 0;
}

/* ALLOC: @n fresh zeroed pages of the budget at @va in @c. */
static long cos_mem_alloc(struct cos_sys *sys, struct cos_comp *c,
			  unsigned long va, unsigned long n, unsigned long prot)
{
	unsigned long i, done;
	void **pages;
	long err;

	for (i = 0; i < n; i++) {
		u64 e = cos_mem_leaf(c, va + i * PAGE_SIZE);

		if (e & COS_PTE_POISON)
			return -EHWPOISON;
		if (e & _PAGE_PRESENT)
			return -EEXIST;
	}
	if (n > sys->max_pages - sys->pages)
		return -ENOSPC;
	pages = kvcalloc(n, sizeof(*pages), GFP_KERNEL_ACCOUNT);
	if (!pages)
		return -ENOMEM;
	for (done = 0; done < n; done++) {
		pages[done] = cos_sys_page_alloc(sys);
		if (IS_ERR(pages[done])) {
			err = PTR_ERR(pages[done]);
			goto out;
		}
	}
	err = cos_mem_install(sys, c, va, n, pages, cos_pte_flags(prot), false);
	if (!err)
		done = 0;	/* the leaves own them now */
out:
	while (done--)
		cos_sys_page_free(sys, pages[done]);
	kvfree(pages);
	return err;
}

/* ALIAS: the pages at @sva in @s mapped at @dva in @d too. */
static long cos_mem_alias(struct cos_sys *sys, struct cos_comp *s,
			  unsigned long sva, struct cos_comp *d,
			  unsigned long dva, unsigned long n, unsigned long prot)
{
	unsigned long i;
	void **pages;
	long err = -ENOMEM;

	pages = kvcalloc(n, sizeof(*pages), GFP_KERNEL_ACCOUNT);
	if (!pages)
		return err;
	for (i = 0; i < n; i++) {
		u64 se = cos_mem_leaf(s, sva + i * PAGE_SIZE);
		u64 de = cos_mem_leaf(d, dva + i * PAGE_SIZE);

		err = -EHWPOISON;
		if ((se | de) & COS_PTE_POISON)
			goto out;
		err = -EEXIST;
		if (de & _PAGE_PRESENT)
			goto out;
		err = -ENXIO;
		if (!(se & _PAGE_PRESENT))
			goto out;
		err = -EACCES;
		if ((prot & COS_PROT_WRITE) && !(se & _PAGE_RW))
			goto out;
		pages[i] = __va(se & PTE_PFN_MASK);
	}
	err = cos_mem_install(sys, d, dva, n, pages, cos_pte_flags(prot), true);
out:
	kvfree(pages);
	return err;
}

/*
 * FREE: take @n pages at @va out of @c. Three steps, under mm_sem for
 * writing: each present leaf loses its present bit (its PFN stays, so no
 * memory is needed to remember the pages); every CPU with a PD of the
 * system loaded flushes (cos_pd_resync_all waits for them); then each
 * such leaf is zeroed and its page put. Leaves taken out poisoned stay.
 */
static long cos_mem_free(struct cos_sys *sys, struct cos_comp *c,
			 unsigned long va, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		if (!(cos_mem_leaf(c, va + i * PAGE_SIZE) &
		      (_PAGE_PRESENT | COS_PTE_POISON)))
			return -ENXIO;
	down_write(&c->mm_sem);
	for (i = 0; i < n; i++) {
		u64 *pte = cos_pt_lookup(NULL, c->pt_root, va + i * PAGE_SIZE);
		u64 e = READ_ONCE(*pte);

		if (e & _PAGE_PRESENT)
			WRITE_ONCE(*pte, e & ~_PAGE_PRESENT);
	}
	cos_pd_resync_all(sys);		/* mpd.c: the IPIs, and their wait */
	atomic64_inc(&cos_stats.mem_shootdowns);
	for (i = 0; i < n; i++) {
		u64 *pte = cos_pt_lookup(NULL, c->pt_root, va + i * PAGE_SIZE);
		u64 e = READ_ONCE(*pte);

		if (e & COS_PTE_POISON)
			continue;
		WRITE_ONCE(*pte, 0);
		cos_sys_page_put(sys, __va(e & PTE_PFN_MASK));
	}
	up_write(&c->mm_sem);
	return 0;
}

/**
 * cos_mem_op() - COS_OP_MEM (cos_comp_abi.h, section 4)
 * @sys:    the caller's system
 * @caller: the component whose code made the call (by its ip)
 * @cmd:    RDI, COS_MEM_CMD(sub-op, prot)
 * @a1:     RSI: the component (ALIAS: the source)
 * @a2:     RDX: its window offset
 * @a3:     R10: npages (ALIAS: the destination component)
 * @a4:     R8: ALIAS: the destination's offset
 * @a5:     R9: ALIAS: npages
 *
 * Run loop, process context, interrupts on; takes sys->lock.
 *
 * Return: 0 or -errno, in the order the ABI lists them; -ENOSPC is
 * counted (debugfs cos/stats mem_nospc).
 */
long cos_mem_op(struct cos_sys *sys, struct cos_comp *caller,
		unsigned long cmd, unsigned long a1, unsigned long a2,
		unsigned long a3, unsigned long a4, unsigned long a5)
{
	unsigned long sub = cmd & 0xff, prot = (cmd >> 8) & 0xff;
	struct cos_comp *c, *d = NULL;
	unsigned long va, dva = 0;
	long err;

	if (!READ_ONCE(caller->mm))
		return -EPERM;
	if (cmd >> 16)
		return -EINVAL;
	switch (sub) {
	case COS_MEM_ALLOC:
		if (!cos_mem_prot_ok(prot) || !cos_mem_range_ok(a2, a3))
			return -EINVAL;
		break;
	case COS_MEM_ALIAS:
		if (!cos_mem_prot_ok(prot) || !cos_mem_range_ok(a2, a5) ||
		    !cos_mem_range_ok(a4, a5))
			return -EINVAL;
		break;
	case COS_MEM_FREE:
		if (prot || !cos_mem_range_ok(a2, a3))
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}

	mutex_lock(&sys->lock);
	err = -ENOENT;
	c = cos_comp_get(sys, a1);
	if (sub == COS_MEM_ALIAS)
		d = cos_comp_get(sys, a3);
	if (!c || (sub == COS_MEM_ALIAS && !d))
		goto out;
	err = -EINVAL;
	va = cos_mem_va(c, a2);
	if (d)
		dva = cos_mem_va(d, a4);
	if (!va || (d && !dva))
		goto out;
	switch (sub) {
	case COS_MEM_ALLOC:
		err = cos_mem_alloc(sys, c, va, a3, prot);
		break;
	case COS_MEM_ALIAS:
		err = cos_mem_alias(sys, c, va, d, dva, a5, prot);
		break;
	case COS_MEM_FREE:
		err = cos_mem_free(sys, c, va, a3);
		break;
	}
out:
	mutex_unlock(&sys->lock);
	if (err == -ENOSPC)
		atomic64_inc(&cos_stats.mem_nospc);
	return err;
}
