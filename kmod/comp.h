/* SPDX-License-Identifier: GPL-2.0 */
/*
 * comp.h - components (comp.c): one top-level slot of the user half each,
 * with their own lower page tables, memory, capability table and fault
 * handler.
 *
 * Lifetime: created by COS_COMP_CREATE (nothing running), destroyed with
 * the system; ids index sys->comps[], slots sys->by_slot[].
 *
 * Locking: sys->lock for creation, COS_MEM_MAP (refused with EBUSY while
 * a thread runs) and the capability fields (cap.c, also refused while one
 * runs). pd changes under sys->lock while threads run (mpd.c, published
 * with WRITE_ONCE, read with READ_ONCE on any CPU); while threads run the
 * page tables gain entries and lose leaves only in the memory mapper's
 * window (paging.h, mem.h: mm_sem, written by COS_OP_MEM FREE, read by
 * cos_comp_read/write). The first fields are read by fastpath.S (offsets
 * in asm-offsets.c).
 */
#ifndef COS_COMP_H
#define COS_COMP_H

#include <linux/types.h>
#include <linux/rwsem.h>
#include "uapi/cos.h"

#define COS_MAX_COMPS	256	/* one per slot of the user half */

struct cos_sys;
struct cos_pd;
struct cos_cap;

struct cos_comp {
	struct cos_pd *pd;		/* the PD it is in now (see mpd.c) */
	struct cos_cap *caps;		/* COS_MAX_CAPS, allocated on first use */
	unsigned long nr_caps;		/* ids 0 .. nr_caps-1 are valid */
	u32 id;
	u32 slot;
	unsigned long base, end;	/* [base, end) may be mapped */
	struct cos_ucap *captbl;	/* the user-level table (read-only page) */
	u64 *pt_root;			/* table the slot entry points to */
	unsigned long fault_entry;	/* its fault handler, or 0 */
	bool policy;			/* may change PDs (COS_OP_PD) */
	bool mm;			/* may map pages (COS_OP_MEM, mem.c) */
	struct rw_semaphore mm_sem;	/* leaves of the window go (mem.h) */
};

long cos_ioctl_comp_create(struct cos_sys *sys, void __user *arg);
long cos_ioctl_mem_map(struct cos_sys *sys, void __user *arg);
void cos_comp_destroy(struct cos_sys *sys, struct cos_comp *comp);

/* Copy from or to a component's memory as the component itself may (its
 * own mappings, writes only where it may write); -EFAULT otherwise. Any
 * context that may sleep, sys->lock held or not: takes comp->mm_sem for
 * reading, so that no page of the window is freed under the copy. */
int cos_comp_read(struct cos_comp *comp, unsigned long va, void *buf,
		  size_t len);
int cos_comp_write(struct cos_comp *comp, unsigned long va, const void *buf,
		   size_t len);

#endif
