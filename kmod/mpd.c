// SPDX-License-Identifier: GPL-2.0
/*
 * mpd.c - Mutable Protection Domains: merge, split, the pairs that must
 * never share a PD, and the PDs threads still run in after an operation.
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
 *      another CPU with its seq count (cos_thd_holds).
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
#include "paging.h"
#include "stats.h"

/* Does @pd map @comp's slot (with @comp's tables)? */
bool cos_pd_maps(const struct cos_pd *pd, const struct cos_comp *comp)
{
	u64 e = READ_ONCE(pd->pgd[comp->slot]);

	return (e & _PAGE_PRESENT) && (e & PTE_PFN_MASK) == __pa(comp->pt_root);
}

/* ---- which PDs threads hold -------------------------------------------- */

/*
 * Does @t run in @pd or have a frame that returns to it? Read on any CPU:
 * the thread's fast and slow paths change pd, depth and frames only while
 * seq is odd, and make seq even only once CR3 holds the new PD.
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

static bool cos_pd_held(struct cos_sys *sys, const struct cos_pd *pd)
{
	unsigned int i;

	smp_mb();	/* our stores (who is in which PD) before the reads */
	for (i = 0; i < COS_MAX_THDS; i++)
		if (sys->thds[i] && cos_thd_holds(sys->thds[i], pd))
			return true;
	return false;
}

static void cos_pd_free(struct cos_sys *sys, struct cos_pd *pd)
{
	cos_pd_release(sys, pd);
	kfree(pd);
}

/* R2: free every retired PD no thread holds. sys->lock held. */
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

static void cos_pd_retire(struct cos_sys *sys, struct cos_pd *pd)
{
	pd->members = 0;
	list_add(&pd->retired, &sys->retired);
}

/* ---- leaving a PD (R4) --------------------------------------------------- */

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
 * IPI callback: a CPU running a thread of ours flushes its TLB (reloading
 * CR3) and, if it got here from component mode, settles its thread (R4)
 * now rather than at its next entry.
 */
static void cos_pd_resync(void *unused)
{
	struct cos_cpu *c = this_cpu_ptr(&cos_cpu);
	struct cos_thd *thd = c->thd;
	unsigned long cr3;

	if (!c->linux_cr3 || !thd)
		return;		/* Linux's CR3: nothing of ours here */
	if (c->exited) {
		cos_thd_seq_begin(thd);
		cos_thd_load_pd(thd, cos_thd_settle(thd));
		cos_thd_seq_end(thd);
	}
	cr3 = __read_cr3();
	write_cr3(cr3);		/* flush, whether or not the PD changed */
}

/*
 * Resync the CPUs that have a PD of @sys loaded. A CPU that loads one
 * after we looked writes CR3 afresh, which flushes (cos_cr3_load sets
 * linux_cr3 before it writes CR3, and we look after our page-table
 * stores), and then runs its thread through cos_thd_enter_pd anyway.
 */
static void cos_pd_resync_all(struct cos_sys *sys)
{
	unsigned int cpu;

	smp_mb();	/* the page-table stores before the looks */
	cpumask_clear(sys->resync);
	for_each_online_cpu(cpu) {
		struct cos_cpu *c = per_cpu_ptr(&cos_cpu, cpu);

		if (READ_ONCE(c->linux_cr3) && READ_ONCE(c->sys) == sys)
			cpumask_set_cpu(cpu, sys->resync);
	}
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

/* Add every member of @pd to @to. */
static void cos_pd_add_members(struct cos_sys *sys, struct cos_pd *to,
			       struct cos_pd *pd)
{
	unsigned int i;

	for (i = 0; i < COS_MAX_COMPS; i++)
		if (sys->comps[i] && sys->comps[i]->pd == pd)
			cos_pd_add(to, sys->comps[i]);
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
	pd = kzalloc(sizeof(*pd), GFP_KERNEL_ACCOUNT);
	if (!pd)
		return -ENOMEM;
	err = cos_pd_init(sys, pd);
	if (err) {
		kfree(pd);
		return err;
	}
	cos_pd_add(pd, c);
	pd->members = 1;
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

/* A component goes away (nothing runs): out of its PD, freed if last. */
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
	bool pair = op != COS_PD_SPLIT && op != COS_PD_POLICY;
	long err;

	if (op < COS_PD_MERGE || op > COS_PD_POLICY ||
	    (op == COS_PD_POLICY && !from_host) || (flags & ~COS_PD_NOREUSE))
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
	if (sys->nr_bench && op != COS_PD_POLICY)
		goto out;
	switch (op) {
	case COS_PD_POLICY:
		c0->policy = true;
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
