// SPDX-License-Identifier: GPL-2.0
/*
 * thd_pd.c - the PD a thread runs in (thd.h): what every entry into
 * component mode loads, and when a thread may leave a PD that is not its
 * component's any more (mpd.c's rule R4). On the thread's own CPU with
 * interrupts off; PD changes inside the thread's seq.
 */
#include <linux/mm.h>
#include <linux/nospec.h>
#include <linux/bitmap.h>
#include <asm/tlbflush.h>
#include "sys.h"
#include "comp.h"
#include "thd.h"
#include "pd.h"
#include "paging.h"
#include "stats.h"

/*
 * The component whose code the thread is running: thd->comp, the one the
 * last kernel-visible activation entered, unless a server function called
 * directly inside one PD (cos.h: capability flipping) is running, which
 * the ip tells: the component of the ip's slot, if the thread's PD maps it
 * (it could not run otherwise; merged components trust each other).
 */
struct cos_comp *cos_thd_running_comp(struct cos_thd *thd)
{
	unsigned long slot = thd->hw.ip >> cos_slot_shift();
	struct cos_pd *pd = thd->pd ? thd->pd : thd->comp->pd;
	struct cos_comp *c;

	if (likely(thd->hw.ip >= thd->comp->base && thd->hw.ip < thd->comp->end))
		return thd->comp;
	c = slot < COS_MAX_COMPS ?
	    READ_ONCE(thd->sys->by_slot[array_index_nospec(slot, COS_MAX_COMPS)]) :
	    NULL;
	return c && cos_pd_maps(pd, c) ? c : thd->comp;
}

#define COS_SCAN_MAX	(64 * 1024)	/* stack bytes cos_thd_may_leave reads */

/*
 * May @thd, stopped in the kernel (thd->hw), go from @from to @to? Only if
 * no direct call into a component @from maps and @to does not is live:
 * ip and stack in one component, and no stack word up to the first
 * unmapped page (at most COS_SCAN_MAX bytes) pointing into such a
 * component. Conservative: a word that merely looks like such an address
 * keeps the thread where it is until the word is gone.
 */
static bool cos_thd_may_leave(struct cos_thd *thd, struct cos_pd *from,
			      struct cos_pd *to)
{
	DECLARE_BITMAP(lost, COS_MAX_COMPS);
	struct cos_sys *sys = thd->sys;
	unsigned int shift = cos_slot_shift(), i;
	unsigned long ip = thd->hw.ip, sp = thd->hw.sp, va;
	struct cos_comp *c;

	if (ip >> shift != sp >> shift || ip >> shift >= COS_MAX_COMPS)
		return false;
	c = READ_ONCE(sys->by_slot[array_index_nospec(ip >> shift, COS_MAX_COMPS)]);
	if (!c)
		return false;
	bitmap_zero(lost, COS_MAX_COMPS);
	for (i = 0; i < COS_MAX_COMPS; i++) {
		struct cos_comp *m = READ_ONCE(sys->by_slot[i]);

		if (m && cos_pd_maps(from, m) && !cos_pd_maps(to, m))
			__set_bit(i, lost);
	}
	if (bitmap_empty(lost, COS_MAX_COMPS))
		return true;
	if (test_bit(ip >> shift, lost))
		return false;
	for (va = sp & ~7UL; va < (sp & ~7UL) + COS_SCAN_MAX && va < c->end;) {
		u64 *pte = cos_pt_lookup(NULL, c->pt_root, va);
		unsigned long *w, *e;

		if (!pte || !(*pte & _PAGE_PRESENT))
			break;
		w = (unsigned long *)((char *)__va(*pte & PTE_PFN_MASK) +
				      offset_in_page(va));
		e = (unsigned long *)((char *)__va(*pte & PTE_PFN_MASK) + PAGE_SIZE);
		for (; w < e; w++, va += sizeof(*w)) {
			unsigned long s = *w >> shift;	/* the component's word */

			if (s < COS_MAX_COMPS &&
			    test_bit(array_index_nospec(s, COS_MAX_COMPS), lost))
				return false;
		}
	}
	return true;
}

/*
 * R4: the PD @thd is to run in now: its component's current PD unless
 * the thread may not leave the one it is in. Inside the caller's seq.
 */
static struct cos_pd *cos_thd_settle(struct cos_thd *thd)
{
	struct cos_pd *pd = thd->pd, *now;

	now = READ_ONCE(cos_thd_running_comp(thd)->pd);
	if (likely(pd == now))
		return pd;
	/* Not into a PD a split is deciding about: what may_leave checks
	 * against could lose an entry under us (see cos_pd_split). */
	if (pd && (READ_ONCE(now->shrinking) || !cos_thd_may_leave(thd, pd, now))) {
		atomic64_inc(&cos_stats.pd_stays);
		return pd;
	}
	return now;
}

static void cos_thd_load_pd(struct cos_thd *thd, struct cos_pd *pd)
{
	cos_cr3_load(pd->pa);
	thd->pd = pd;
}

/*
 * Entering @thd (run loop, interrupts off): apply what the slow paths
 * left for this entry, settle (R4), load CR3. pd and CR3 change together
 * inside the seq, and the component's PD is read inside it too, so a
 * split that finds the thread not holding a PD knows it never will.
 */
void cos_thd_enter_pd(struct cos_thd *thd)
{
	struct cos_pd *pd;

	cos_thd_seq_begin(thd);
	if (thd->pd_next) {
		thd->pd = thd->pd_next;
		thd->pd_next = NULL;
	}
	if (thd->pd_fresh) {	/* a fresh entry: no direct call is live */
		pd = READ_ONCE(thd->comp->pd);
		thd->pd_fresh = false;
	} else {
		pd = cos_thd_settle(thd);
	}
	cos_thd_load_pd(thd, pd);
	cos_thd_seq_end(thd);
}

/*
 * A thread stopped in the kernel on this CPU while a PD operation ran
 * (mpd.c's resync IPI): settle it now rather than at its next entry.
 */
void cos_thd_resettle(struct cos_thd *thd)
{
	cos_thd_seq_begin(thd);
	cos_thd_load_pd(thd, cos_thd_settle(thd));
	cos_thd_seq_end(thd);
}
