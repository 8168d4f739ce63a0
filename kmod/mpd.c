// SPDX-License-Identifier: GPL-2.0
/*
 * mpd.c - protection domains shared by components: merge, split, and the
 * pairs that must never share one.
 *
 * A PD is one top-level page holding Linux's kernel half and the slot
 * entries of its members; the lower-level tables belong to the components,
 * so merging copies top-level entries and frees a page, and splitting
 * allocates one page and clears one entry.
 *
 * They may run while threads of the system run on other CPUs (sys->lock
 * held: one operation at a time). Rules that keep that safe:
 *  M1. Nothing loses a mapping it may use: a split first gives the split
 *      component its new PD and moves everyone onto it, and only then
 *      takes it out of the old PD; a merge first builds the merged PD and
 *      moves everyone onto it, and only then frees the other page.
 *  M2. "Moves everyone": cos_pd_resync() on every CPU reloads CR3 with the
 *      current PD of the thread running there (and drops the benchmark's
 *      twin tables), which also flushes the TLB. It runs in an IPI, so on
 *      a CPU in component mode it happens at the next instruction boundary
 *      with interrupts on, after any CR3 load the fast path or the run
 *      loop was making with interrupts off. When on_each_cpu() returns no
 *      CPU uses a PD it should not, nor holds a stale translation.
 *  M3. Every later entry loads comp->pd_pa afresh (run loop, fast path),
 *      so a long-running thread follows the layout at its next interrupt.
 *  M4. Capability entries point at server functions only between members
 *      of one PD: a merge flips them after every CPU has the merged PD, a
 *      split flips them back before it takes anything away.
 */
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/uaccess.h>
#include <asm/tlbflush.h>
#include "sys.h"
#include "paging.h"

/* IPI callback: this CPU's PD, if any, becomes its thread's current one. */
static void cos_pd_resync(void *unused)
{
	struct cos_cpu *c = this_cpu_ptr(&cos_cpu);
	struct cos_thd *thd = c->thd;
	unsigned long cr3;

	if (!c->linux_cr3 || !thd)
		return;		/* Linux's CR3: nothing of ours here */
	cr3 = cos_cr3_value(thd->comp->pd_pa);
	c->lb_cr3[0] = c->lb_cr3[1] = cr3;
	write_cr3(cr3);
}

static void cos_pd_resync_all(void)
{
	on_each_cpu(cos_pd_resync, NULL, 1);
}

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
	struct cos_pd *keep = c0->pd, *gone = c1->pd;
	unsigned int i;

	if (keep == gone)
		return 0;
	if (cos_pd_merge_forbidden(sys, keep, gone))
		return -EPERM;
	for (i = 0; i < COS_MAX_COMPS; i++) {
		struct cos_comp *m = sys->comps[i];

		if (!m || m->pd != gone)
			continue;
		cos_pd_add(keep, m);
		m->pd = keep;
		WRITE_ONCE(m->pd_pa, cos_pd_pa(keep));
		keep->members++;
	}
	cos_pd_resync_all();		/* M1, M2: nobody is on "gone" now */
	cos_pd_flip(sys, keep);		/* M4: direct calls only now */
	cos_pd_release(sys, gone);
	kfree(gone);
	return 0;
}

static int cos_pd_split(struct cos_sys *sys, struct cos_comp *c)
{
	struct cos_pd *old = c->pd, *pd;
	int err;

	if (old->members == 1)
		return 0;
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
	c->pd = pd;
	WRITE_ONCE(c->pd_pa, cos_pd_pa(pd));
	cos_pd_flip(sys, old);		/* M4: no new direct call across */
	cos_pd_flip(sys, pd);
	cos_pd_resync_all();		/* M1: threads in c move to its PD */
	WRITE_ONCE(old->pgd[c->slot], 0);
	old->members--;
	cos_pd_resync_all();		/* M2: no stale translation of c survives */
	return 0;
}

/* A component goes away: out of its PD, which goes too if it was the last. */
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
	cos_pd_release(sys, pd);
	kfree(pd);
}

long cos_ioctl_pd(struct cos_sys *sys, void __user *arg)
{
	struct cos_pd_op req;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.pad)
		return -EINVAL;
	return cos_pd_op(sys, req.op, req.c0, req.c1, true);
}

/*
 * One PD operation, from the host (ioctl) or from the policy component
 * (COS_OP_PD, in the run loop: process context, interrupts on).
 */
long cos_pd_op(struct cos_sys *sys, u32 op, u32 i0, u32 i1, bool from_host)
{
	struct cos_comp *c0, *c1 = NULL;
	long err;

	if (op < COS_PD_MERGE || op > COS_PD_POLICY ||
	    (op == COS_PD_POLICY && !from_host))
		return -EINVAL;
	mutex_lock(&sys->lock);
	err = -ENOENT;
	c0 = cos_comp_get(sys, i0);
	if (op != COS_PD_SPLIT && op != COS_PD_POLICY)
		c1 = cos_comp_get(sys, i1);
	if (!c0 || (op != COS_PD_SPLIT && op != COS_PD_POLICY && !c1))
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
		err = cos_pd_split(sys, c0);
		break;
	case COS_PD_SEPARATE:
		err = -EINVAL;
		if (c0 == c1)
			break;
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
out:
	mutex_unlock(&sys->lock);
	return err;
}
