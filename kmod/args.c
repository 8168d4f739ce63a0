// SPDX-License-Identifier: GPL-2.0
/*
 * args.c - per-thread argument regions. A thread's region is one page it
 * owns, mapped at the same offset (by thread id) in every component, so a
 * client and its server see the same bytes without a copy. The page-table
 * entries are marked COS_PTE_SHARED: the component's teardown leaves the
 * page to the thread. Locking as args.h says: sys->lock; mapping also
 * while the system runs (it only adds entries), unmapping only for a
 * thread nobody has seen, with nothing running.
 */
#include <linux/err.h>
#include <linux/mm.h>
#include "sys.h"
#include "paging.h"
#include "comp.h"
#include "thd.h"
#include "args.h"

static unsigned long cos_args_va(const struct cos_comp *c, const struct cos_thd *t)
{
	return c->base + COS_ARG_REGION + t->id * COS_ARG_SIZE;
}

bool cos_args_overlap(const struct cos_comp *c, unsigned long addr,
		      unsigned long len)
{
	unsigned long lo = c->base + COS_ARG_REGION;
	unsigned long hi = lo + (unsigned long)COS_MAX_THREADS * COS_ARG_SIZE;

	return addr < hi && addr + len > lo;
}

static int cos_args_map(struct cos_sys *sys, struct cos_comp *c, struct cos_thd *t)
{
	unsigned long va = cos_args_va(c, t);
	u64 *pte;

	if (va + COS_ARG_SIZE > c->end)
		return 0;	/* a slot too small to hold it (the last one) */
	pte = cos_pt_lookup(sys, c->pt_root, va);
	if (IS_ERR(pte))
		return PTR_ERR(pte);
	/* A region Linux marked poisoned goes in as taken out (paging.h):
	 * an access faults, and the other components and threads go on. */
	if (cos_pte_install(pte, t->args, COS_PTE_SHARED |
			    cos_pte_flags(COS_PROT_READ | COS_PROT_WRITE)))
		WRITE_ONCE(*pte, __pa(t->args) | COS_PTE_SHARED | COS_PTE_POISON);
	return 0;
}

static void cos_args_unmap(struct cos_comp *c, struct cos_thd *t)
{
	u64 *pte = cos_pt_lookup(NULL, c->pt_root, cos_args_va(c, t));

	if (pte)
		WRITE_ONCE(*pte, 0);
}

/* Take a thread's region out of every component. */
void cos_args_unmap_thd(struct cos_sys *sys, struct cos_thd *t)
{
	unsigned int i;

	for (i = 0; i < COS_MAX_COMPS; i++)
		if (sys->comps[i])
			cos_args_unmap(sys->comps[i], t);
}

/* A new thread's region into every component; all or nothing. */
int cos_args_map_thd(struct cos_sys *sys, struct cos_thd *t)
{
	unsigned int i;
	int err;

	for (i = 0; i < COS_MAX_COMPS; i++) {
		if (!sys->comps[i])
			continue;
		err = cos_args_map(sys, sys->comps[i], t);
		if (err) {
			cos_args_unmap_thd(sys, t);
			return err;
		}
	}
	return 0;
}

/* Every thread's region into a new component. */
int cos_args_map_comp(struct cos_sys *sys, struct cos_comp *c)
{
	unsigned int i;
	int err;

	for (i = 0; i < COS_MAX_THDS; i++) {
		if (!sys->thds[i])
			continue;
		err = cos_args_map(sys, c, sys->thds[i]);
		if (err)
			return err;	/* the caller frees c's tables */
	}
	return 0;
}
