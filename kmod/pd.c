// SPDX-License-Identifier: GPL-2.0
/*
 * pd.c - protection domains: init, clone, the members they map, who holds
 * them, retire and free (pd.h). The rules that make merge and split safe
 * while threads run (R1-R5) are mpd.c's; this file keeps R2: a retired PD
 * is freed only once no thread holds it.
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/sched.h>
#include <asm/pgtable.h>
#include "sys.h"
#include "comp.h"
#include "thd.h"
#include "pd.h"
#include "paging.h"
#include "counters.h"
#include "stats.h"

/*
 * A PD's top-level page: Linux's kernel half (the same entries every mm
 * has; they never change after boot because Linux preallocates the
 * top-level entries of vmalloc and module space), the counter slot, and
 * (cos_pd_add) the slot entries of its member components.
 */
int cos_pd_init(struct cos_sys *sys, struct cos_pd *pd)
{
	u64 *pgd = cos_sys_page_alloc(sys);

	if (IS_ERR(pgd))
		return PTR_ERR(pgd);
	memcpy(pgd + PTRS_PER_PGD / 2, (u64 *)current->mm->pgd + PTRS_PER_PGD / 2,
	       PTRS_PER_PGD / 2 * sizeof(u64));
	if (sys->cnt_root)	/* the counter areas (counters.c) */
		pgd[cos_cnt_slot()] = __pa(sys->cnt_root) | COS_PT_TABLE_FLAGS;
	pd->pgd = pgd;
	pd->pa = __pa(pgd);
	return 0;
}

int cos_pd_clone(struct cos_sys *sys, const struct cos_pd *from,
		 struct cos_pd *to)
{
	u64 *pgd = cos_sys_page_alloc(sys);

	if (IS_ERR(pgd))
		return PTR_ERR(pgd);
	memcpy(pgd, from->pgd, PAGE_SIZE);
	to->pgd = pgd;
	to->pa = __pa(pgd);
	return 0;
}

void cos_pd_fini(struct cos_sys *sys, struct cos_pd *pd)
{
	if (pd->pgd)
		cos_sys_page_free(sys, pd->pgd);
	pd->pgd = NULL;
}

void cos_pd_free(struct cos_sys *sys, struct cos_pd *pd)
{
	cos_pd_fini(sys, pd);
	kfree(pd);
}

struct cos_pd *cos_pd_create(struct cos_sys *sys, struct cos_comp *comp)
{
	struct cos_pd *pd = kzalloc(sizeof(*pd), GFP_KERNEL_ACCOUNT);
	int err;

	if (!pd)
		return ERR_PTR(-ENOMEM);
	err = cos_pd_init(sys, pd);
	if (err) {
		kfree(pd);
		return ERR_PTR(err);
	}
	cos_pd_add(pd, comp);
	pd->members = 1;
	return pd;
}

void cos_pd_add(struct cos_pd *pd, struct cos_comp *comp)
{
	WRITE_ONCE(pd->pgd[comp->slot], __pa(comp->pt_root) | COS_PT_TABLE_FLAGS);
}

void cos_pd_add_members(struct cos_sys *sys, struct cos_pd *to,
			const struct cos_pd *from)
{
	unsigned int i;

	for (i = 0; i < COS_MAX_COMPS; i++)
		if (sys->comps[i] && sys->comps[i]->pd == from)
			cos_pd_add(to, sys->comps[i]);
}

bool cos_pd_maps(const struct cos_pd *pd, const struct cos_comp *comp)
{
	u64 e = READ_ONCE(pd->pgd[comp->slot]);

	return (e & _PAGE_PRESENT) && (e & PTE_PFN_MASK) == __pa(comp->pt_root);
}

/* ---- holders ------------------------------------------------------------ */

/*
 * Does @t run in @pd or have a frame that returns to it? Read on any CPU:
 * the thread's fast and slow paths change pd, depth and frames only while
 * seq is odd, and make seq even only once CR3 holds the new PD (thd.h).
 */
static bool cos_thd_holds(struct cos_thd *t, const struct cos_pd *pd)
{
	unsigned long seq, depth, i;
	bool held;

	do {
		while ((seq = READ_ONCE(t->seq)) & 1)
			cpu_relax();
		smp_rmb();
		held = READ_ONCE(t->pd) == pd || READ_ONCE(t->pd_next) == pd;
		depth = min_t(unsigned long, READ_ONCE(t->depth), COS_INV_DEPTH_MAX);
		for (i = 0; !held && i < depth; i++)
			held = READ_ONCE(t->inv[i].pd) == pd;
		smp_rmb();
	} while (READ_ONCE(t->seq) != seq);
	return held;
}

bool cos_pd_held(struct cos_sys *sys, const struct cos_pd *pd)
{
	unsigned int i;

	smp_mb();	/* our stores (who is in which PD) before the reads */
	for (i = 0; i < COS_MAX_THDS; i++)
		if (sys->thds[i] && cos_thd_holds(sys->thds[i], pd))
			return true;
	return false;
}

/* ---- retire and free ---------------------------------------------------- */

void cos_pd_retire(struct cos_sys *sys, struct cos_pd *pd)
{
	pd->members = 0;
	list_add(&pd->retired, &sys->retired);
}

void cos_pd_free_retired(struct cos_sys *sys)
{
	struct cos_pd *pd, *tmp;

	list_for_each_entry_safe(pd, tmp, &sys->retired, retired) {
		if (cos_pd_held(sys, pd))
			continue;
		list_del(&pd->retired);
		cos_pd_free(sys, pd);
		atomic64_inc(&cos_stats.pds_freed_late);
	}
}

void cos_pd_leave(struct cos_sys *sys, struct cos_comp *comp)
{
	struct cos_pd *pd = comp->pd;

	if (!pd)
		return;
	comp->pd = NULL;
	if (--pd->members) {
		WRITE_ONCE(pd->pgd[comp->slot], 0);
		return;
	}
	cos_pd_free(sys, pd);
}
