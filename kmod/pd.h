/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pd.h - protection domains: the object (pd.c). What merge and split do
 * with them is mpd.h's.
 *
 * A PD is one top-level page table: Linux's kernel half, the counter slot
 * and the slot entries of its member components, whose lower tables it
 * only points at. A PD that is nobody's any more (the old PD of a split,
 * the other PD of a merge) is *retired*: it stays as it is, on
 * sys->retired, while a thread runs in it or a frame of an invocation
 * stack will return to it ("holds" it), and is freed once none does.
 *
 * Locking: sys->lock for everything here (cos_pd_maps excepted: any CPU
 * may ask). Entries are added with WRITE_ONCE, so a thread on another CPU
 * running in the PD sees either page table, never a torn entry; which
 * PDs a thread holds is read from another CPU with the thread's seq count
 * (pd.c, cos_thd_holds). The fast path reads pd->pa (asm-offsets.c).
 */
#ifndef COS_PD_H
#define COS_PD_H

#include <linux/list.h>
#include <linux/types.h>

struct cos_sys;
struct cos_comp;

struct cos_pd {
	unsigned long pa;		/* __pa(pgd): what CR3 gets */
	u64 *pgd;			/* the top-level page */
	unsigned int members;		/* components whose PD it is */
	bool shrinking;			/* a split may take an entry out now */
	struct list_head retired;	/* on sys->retired once retired */
};

/* A fresh top-level page: kernel half and counter slot, no member. */
int cos_pd_init(struct cos_sys *sys, struct cos_pd *pd);
/* Another top-level page with @from's entries (the bench twin). */
int cos_pd_clone(struct cos_sys *sys, const struct cos_pd *from,
		 struct cos_pd *to);
/* Give back the top-level page of a PD whose struct is not kmalloc'ed
 * on its own (init's undo); cos_pd_free frees both. */
void cos_pd_fini(struct cos_sys *sys, struct cos_pd *pd);
void cos_pd_free(struct cos_sys *sys, struct cos_pd *pd);

/* A kmalloc'ed PD with @comp as its one member. */
struct cos_pd *cos_pd_create(struct cos_sys *sys, struct cos_comp *comp);

/* Map @comp's slot (its tables) in @pd, or every member of @from. */
void cos_pd_add(struct cos_pd *pd, struct cos_comp *comp);
void cos_pd_add_members(struct cos_sys *sys, struct cos_pd *to,
			const struct cos_pd *from);
/* Does @pd map @comp's slot, with @comp's tables? Any CPU. */
bool cos_pd_maps(const struct cos_pd *pd, const struct cos_comp *comp);

/* Does a thread of @sys hold @pd (run in it, or return to it)? */
bool cos_pd_held(struct cos_sys *sys, const struct cos_pd *pd);
/* Nobody's PD any more: on sys->retired until no thread holds it. */
void cos_pd_retire(struct cos_sys *sys, struct cos_pd *pd);
/* Free every retired PD no thread holds. */
void cos_pd_free_retired(struct cos_sys *sys);

/* @comp goes away (nothing runs): out of its PD, freed if it was last. */
void cos_pd_leave(struct cos_sys *sys, struct cos_comp *comp);

#endif
