// SPDX-License-Identifier: GPL-2.0
/*
 * mpd.c - Mutable Protection Domains: merge, split, the pairs that must
 * never share a PD, and moving the threads of other CPUs onto the new
 * layout (mpd.h). The PD object is pd.c's; a thread's settling is
 * thd_pd.c's.
 *
 * A PD is one top-level page holding Linux's kernel half and the slot
 * entries of its members; the lower-level tables belong to the components,
 * so merging copies top-level entries and splitting allocates one page.
 * Capability entries point straight at server functions between members
 * of one PD (cap.c, cos_cap_flip), so a thread may be deep inside a chain
 * of direct calls through several components of its PD, all on one stack,
 * when an operation runs on another CPU. The rules that keep it safe:
 *
 *  R1. A thread runs in thd->pd, not in its component's PD: the PD it was
 *      given at its last entry (run loop, invocation, return). Operations
 *      never change a PD a thread may be running in, except to add
 *      entries (merge) or, when no thread holds it, to remove one (a split
 *      reusing the PD in place).
 *  R2. A PD that is nobody's any more is *retired*, not freed: it stays
 *      as it is while a thread runs in it or an invocation frame will
 *      return to it, and is freed once none does (cos_pd_free_retired,
 *      after every operation). Which PDs a thread holds is read from
 *      another CPU with its seq count (pd.c, cos_thd_holds).
 *  R3. A retired PD maps, with every component it maps, that component's
 *      whole current PD (a merge adds the new members' entries to every
 *      retired PD that maps one of them). So a thread in a retired PD
 *      that follows a flipped capability into a newly merged component
 *      finds it mapped: no spurious fault.
 *  R4. A thread leaves a PD that is not its component's current one at
 *      the first kernel entry where it is provably not inside a direct
 *      call into a component the move would unmap (cos_thd_may_leave):
 *      ip and stack in the same component, and no word of the stack
 *      pointing into such a component. Every interrupt is a kernel entry
 *      (the run loop), and a split interrupts every CPU running a thread,
 *      so a thread in a plain loop is moved before the split returns, and
 *      one inside a direct call as soon as that call has returned.
 *  R5. Capability entries point at server functions only between members
 *      of one PD, and a PD a component is published in maps every
 *      component its entries call directly: a merge maps all the moving
 *      members in the kept PD before it publishes any of them there, and
 *      flips entries once every PD involved maps the whole merged set; a
 *      split flips them back before anything else, before the split
 *      component's new PD is published in particular; a split undone
 *      (no page for the rest) maps the old members in the new PD before
 *      it publishes the component in the old one and flips back.
 */
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/uaccess.h>
#include <linux/nospec.h>
#include <asm/tlbflush.h>
#include "sys.h"
#include "comp.h"
#include "cap.h"
#include "thd.h"
#include "pd.h"
#include "mpd.h"
#include "cpu.h"
#include "stats.h"

/*
 * IPI callback: a CPU running a thread of ours flushes its TLB (reloading
 * CR3) and, if it got here from component mode, settles its thread (R4)
 * now rather than at its next entry.
 */
static void cos_pd_resync(void *unused)
{
	struct cos_kcpu *k = this_cpu_ptr(&cos_kcpu);
	struct cos_thd *thd = k->thd;
	unsigned long cr3;

	if (!cos_cr3_pd_loaded(smp_processor_id()) || !thd)
		return;		/* Linux's CR3: nothing of ours here */
	if (k->handling_irq)
		cos_thd_resettle(thd);
	cr3 = __read_cr3();
	write_cr3(cr3);		/* flush, whether or not the PD changed */
}

/*
 * Resync the CPUs that have a PD of @sys loaded. A CPU that loads one
 * after we looked writes CR3 afresh, which flushes (cos_cr3_load sets
 * linux_cr3 before it writes CR3, and we look after our page-table
 * stores), and then runs its thread through cos_thd_enter_pd anyway.
 * The system's one TLB shootdown (mpd.h): a split's, and COS_OP_MEM
 * FREE's (mem.c) before it lets the pages go.
 */
void cos_pd_resync_all(struct cos_sys *sys)
{
	unsigned int cpu;

	smp_mb();	/* the page-table stores before the looks */
	cpumask_clear(sys->resync);
	for_each_online_cpu(cpu)
		if (cos_cr3_pd_loaded(cpu) &&
		    READ_ONCE(per_cpu_ptr(&cos_kcpu, cpu)->sys) == sys)
			cpumask_set_cpu(cpu, sys->resync);
	if (!cpumask_empty(sys->resync))
		on_each_cpu_mask(sys->resync, cos_pd_resync, NULL, true);
}

/* ---- the operations ------------------------------------------------------ */

/* Point the capability entries of @pd's members where they belong now. */
static void cos_pd_flip(struct cos_sys *sys, struct cos_pd *pd)
{
	unsigned int i, c;

	for (i = 0; i < COS_MAX_COMPS; i++) {
		struct cos_comp *m = sys->comps[i];

		for (c = 0; m && m->pd == pd && c < m->nr_caps; c++)
			cos_cap_flip(m, c);
	}
}

/* Point every entry between @c and the rest of @old at the stubs. */
static void cos_pd_unflip(struct cos_sys *sys, struct cos_comp *c,
			  struct cos_pd *old)
{
	unsigned int i, k;

	for (i = 0; i < COS_MAX_COMPS; i++) {
		struct cos_comp *m = sys->comps[i];

		for (k = 0; m && m->pd == old && k < m->nr_caps; k++)
			if ((m == c) != (m->caps[k].server == c))
				cos_cap_stub(m, k);
	}
}

static bool cos_separated(struct cos_sys *sys, u32 a, u32 b)
{
	return sys->separate && test_bit(a * COS_MAX_COMPS + b, sys->separate);
}

/* Would merging @p and @q put a separated pair into one PD? */
static bool cos_pd_merge_forbidden(struct cos_sys *sys, struct cos_pd *p,
				   struct cos_pd *q)
{
	unsigned int i, j;

	if (!sys->separate)
		return false;
	for (i = 0; i < COS_MAX_COMPS; i++) {
		if (!sys->comps[i] || sys->comps[i]->pd != p)
			continue;
		for (j = 0; j < COS_MAX_COMPS; j++)
			if (sys->comps[j] && sys->comps[j]->pd == q &&
			    cos_separated(sys, i, j))
				return true;
	}
	return false;
}

static int cos_pd_merge(struct cos_sys *sys, struct cos_comp *c0,
			struct cos_comp *c1)
{
	struct cos_pd *keep = c0->pd, *gone = c1->pd, *r;
	unsigned int i;

	if (keep == gone)
		return -EALREADY;
	if (cos_pd_merge_forbidden(sys, keep, gone))
		return -EPERM;
	/*
	 * R5: "keep" maps every member of "gone" before any of them is
	 * published in it. Their entries to each other are direct calls
	 * already, so a thread that enters one of them afresh in "keep"
	 * must find all of them mapped. (The first version added and
	 * published one member at a time: a thread entering n0 in "keep"
	 * called n7 directly before n7 was added. The stress test caught
	 * it about once in 300,000 operations.)
	 */
	cos_pd_add_members(sys, keep, gone);
	smp_wmb();
	for (i = 0; i < COS_MAX_COMPS; i++) {
		struct cos_comp *m = sys->comps[i];

		if (!m || m->pd != gone)
			continue;
		WRITE_ONCE(m->pd, keep);
		keep->members++;
	}
	/* R3: "gone" and every retired PD that maps a member map them all
	 * (adding entries needs no TLB flush: nothing caches absent ones). */
	cos_pd_add_members(sys, gone, keep);
	list_for_each_entry(r, &sys->retired, retired)
		for (i = 0; i < COS_MAX_COMPS; i++)
			if (sys->comps[i] && sys->comps[i]->pd == keep &&
			    cos_pd_maps(r, sys->comps[i])) {
				cos_pd_add_members(sys, r, keep);
				break;
			}
	cos_pd_retire(sys, gone);	/* R2: freed below unless held */
	cos_pd_flip(sys, keep);		/* R5 */
	return 0;
}

static int cos_pd_split(struct cos_sys *sys, struct cos_comp *c, bool reuse)
{
	struct cos_pd *old = c->pd, *pd, *rest = NULL;
	unsigned int i;
	int err;

	if (old->members == 1)
		return -EALREADY;
	pd = cos_pd_create(sys, c);
	if (IS_ERR(pd))
		return PTR_ERR(pd);
	/*
	 * R5: every entry between c and the others back to the stubs
	 * *before* c's new PD is published: a thread that enters c in it
	 * (a fresh entry reads c->pd) must find no direct call out of it.
	 */
	cos_pd_unflip(sys, c, old);
	smp_wmb();
	WRITE_ONCE(c->pd, pd);
	old->members--;

	/*
	 * Reuse "old" in place only if no thread holds it now: anyone who
	 * enters it later comes through a fresh entry after the flip, so is
	 * not inside a direct call into c, or (R4) moves in only after
	 * "shrinking" is clear again, judged against the PD without c.
	 * Otherwise (R1) leave it whole and retire it, and the others get a
	 * new PD too.
	 */
	WRITE_ONCE(old->shrinking, true);	/* cos_pd_held: mb, then looks */
	if (!reuse || cos_pd_held(sys, old)) {
		rest = kzalloc(sizeof(*rest), GFP_KERNEL_ACCOUNT);
		err = rest ? cos_pd_init(sys, rest) : -ENOMEM;
		if (err)
			goto undo;
		cos_pd_add_members(sys, rest, old);
		rest->members = old->members;
		for (i = 0; i < COS_MAX_COMPS; i++)
			if (sys->comps[i] && sys->comps[i]->pd == old)
				WRITE_ONCE(sys->comps[i]->pd, rest);
		cos_pd_retire(sys, old);
	} else {
		WRITE_ONCE(old->pgd[c->slot], 0);
		atomic64_inc(&cos_stats.pds_reused);
	}
	smp_wmb();			/* the entry is gone before the flag */
	WRITE_ONCE(old->shrinking, false);
	cos_pd_resync_all(sys);		/* the TLB, and R4 */
	return 0;

undo:
	/*
	 * No page for the rest: c goes back into "old", which never lost
	 * c's entry on this path. A thread may have entered c in "pd"
	 * meanwhile and run there still, so R5 again, in this order: "pd"
	 * maps all of c's PD to be (R3: the retired superset) before c is
	 * published in "old" and before any entry between c and the others
	 * turns back into a direct call. (The first version flipped first:
	 * a thread in c in "pd" could call a neighbour "pd" did not map.)
	 */
	kfree(rest);
	cos_pd_add_members(sys, pd, old);
	smp_wmb();			/* the entries before the publish, the flips */
	WRITE_ONCE(c->pd, old);
	old->members++;
	smp_wmb();			/* c in "old" before its entries flip */
	cos_pd_flip(sys, old);
	WRITE_ONCE(old->shrinking, false);
	cos_pd_retire(sys, pd);		/* R2: freed below unless held */
	atomic64_inc(&cos_stats.pd_split_undos);
	return err;
}

long cos_ioctl_pd(struct cos_sys *sys, void __user *arg)
{
	struct cos_pd_op req;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.flags & ~COS_PD_NOREUSE)
		return -EINVAL;
	return cos_pd_op(sys, req.op, req.c0, req.c1, req.flags, true);
}

/*
 * One PD operation, from the host (ioctl: 32-bit fields) or from the
 * policy component (COS_OP_PD: the registers, whole, so that no high bit
 * is dropped: (1 << 32) | COS_PD_MERGE is an unknown op; in the run loop:
 * process context, interrupts on).
 */
long cos_pd_op(struct cos_sys *sys, unsigned long op, unsigned long i0,
	       unsigned long i1, unsigned long flags, bool from_host)
{
	struct cos_comp *c0, *c1 = NULL;
	bool pair = op != COS_PD_SPLIT && op != COS_PD_POLICY &&
		    op != COS_PD_MM;
	long err;

	if (op < COS_PD_MERGE || op > COS_PD_MM ||
	    ((op == COS_PD_POLICY || op == COS_PD_MM) && !from_host) ||
	    (flags & ~COS_PD_NOREUSE))
		return -EINVAL;
	mutex_lock(&sys->lock);
	err = -ENOENT;
	c0 = cos_comp_get(sys, i0);
	if (pair)
		c1 = cos_comp_get(sys, i1);
	if (!c0 || (pair && !c1))
		goto out;
	err = -EINVAL;
	if (pair && c0 == c1)
		goto out;
	err = -EBUSY;		/* the lower-bound benchmark's PDs stay */
	if (sys->nr_bench && op != COS_PD_POLICY && op != COS_PD_MM)
		goto out;
	switch (op) {
	case COS_PD_POLICY:
		c0->policy = true;
		err = 0;
		break;
	case COS_PD_MM:
		WRITE_ONCE(c0->mm, true);	/* mem.c reads it unlocked */
		err = 0;
		break;
	case COS_PD_MERGE:
		err = cos_pd_merge(sys, c0, c1);
		break;
	case COS_PD_SPLIT:
		err = cos_pd_split(sys, c0, !(flags & COS_PD_NOREUSE));
		break;
	case COS_PD_SEPARATE:
		err = -EPERM;
		if (c0->pd == c1->pd)
			break;		/* split them first */
		err = -ENOMEM;
		if (!sys->separate)
			sys->separate = bitmap_zalloc(COS_MAX_COMPS * COS_MAX_COMPS,
						      GFP_KERNEL_ACCOUNT);
		if (!sys->separate)
			break;
		set_bit(c0->id * COS_MAX_COMPS + c1->id, sys->separate);
		set_bit(c1->id * COS_MAX_COMPS + c0->id, sys->separate);
		err = 0;
		break;
	}
	if (!err && (op == COS_PD_MERGE || op == COS_PD_SPLIT))
		atomic64_inc(&cos_stats.pd_ops);
	cos_pd_free_retired(sys);
out:
	mutex_unlock(&sys->lock);
	return err;
}
