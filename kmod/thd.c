// SPDX-License-Identifier: GPL-2.0
/*
 * thd.c - component threads: creation and register access.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/segment.h>
#include <asm/processor-flags.h>
#include "sys.h"
#include "stats.h"
#include "paging.h"
#include "comp.h"
#include "thd.h"
#include "pd.h"
#include "args.h"
#include "sched.h"
#include "ustate.h"

/*
 * The lower-bound benchmark's machinery (COS_THD_BENCH_LB, COS_OP_BENCH_LB)
 * exists only when the module is loaded with bench=1; it cannot be turned
 * on later.
 */
static bool cos_bench;
module_param_named(bench, cos_bench, bool, 0444);
MODULE_PARM_DESC(bench,
	"Allow COS_THD_BENCH_LB threads for `cos bench invoke` (default off; such a system refuses MPD operations)");

/* RFLAGS bits a component may own; IF is always set, IOPL always 0. */
#define COS_USER_RFLAGS (X86_EFLAGS_CF | X86_EFLAGS_PF | X86_EFLAGS_AF | \
			 X86_EFLAGS_ZF | X86_EFLAGS_SF | X86_EFLAGS_TF | \
			 X86_EFLAGS_DF | X86_EFLAGS_OF | X86_EFLAGS_AC | \
			 X86_EFLAGS_ID | X86_EFLAGS_RF)

/*
 * Make the saved frame safe to iret to: user selectors, user RFLAGS. RIP and
 * RSP were validated when set, or come from the CPU (always canonical).
 */
void cos_thd_sanitize(struct cos_thd *thd)
{
	struct cos_hw_regs *r = &thd->hw;

	if (r->cs != __USER32_CS)
		r->cs = __USER_CS;
	r->ss = __USER_DS;
	r->flags = (r->flags & COS_USER_RFLAGS) | X86_EFLAGS_IF | X86_EFLAGS_FIXED;
}

static int cos_regs_to_thd(struct cos_thd *thd, const struct cos_regs *u)
{
	unsigned long end = cos_user_va_end();
	struct cos_hw_regs *r = &thd->hw;

	/* gs_base is not checked: it is ignored (below), whatever it is */
	if (u->rip >= end || u->rsp > end || u->fs_base >= end)
		return -EINVAL;
	r->ax = u->rax; r->bx = u->rbx; r->cx = u->rcx; r->dx = u->rdx;
	r->si = u->rsi; r->di = u->rdi; r->bp = u->rbp; r->sp = u->rsp;
	r->r8 = u->r8; r->r9 = u->r9; r->r10 = u->r10; r->r11 = u->r11;
	r->r12 = u->r12; r->r13 = u->r13; r->r14 = u->r14; r->r15 = u->r15;
	r->ip = u->rip;
	r->flags = u->rflags;
	r->cs = __USER_CS;
	r->vector = 0;
	r->error_code = 0;
	thd->fs_base = u->fs_base;
	/* gs_base is the kernel's: the CPU's counter area (counters.c) */
	cos_thd_sanitize(thd);
	return 0;
}

static void cos_thd_to_regs(const struct cos_thd *thd, struct cos_regs *u)
{
	const struct cos_hw_regs *r = &thd->hw;

	u->rax = r->ax; u->rbx = r->bx; u->rcx = r->cx; u->rdx = r->dx;
	u->rsi = r->si; u->rdi = r->di; u->rbp = r->bp; u->rsp = r->sp;
	u->r8 = r->r8; u->r9 = r->r9; u->r10 = r->r10; u->r11 = r->r11;
	u->r12 = r->r12; u->r13 = r->r13; u->r14 = r->r14; u->r15 = r->r15;
	u->rip = r->ip;
	u->rflags = r->flags;
	u->fs_base = thd->fs_base;
	u->gs_base = 0;		/* the kernel's, set at every entry */
}

/* A private clone of @comp's PD for COS_OP_BENCH_LB (fastpath.S). */
static int cos_thd_bench_init(struct cos_sys *sys, struct cos_thd *thd,
			      struct cos_comp *comp)
{
	struct cos_bench_lb *b;
	int err;

	b = kzalloc(sizeof(*b), GFP_KERNEL_ACCOUNT);
	if (!b)
		return -ENOMEM;
	err = cos_pd_clone(sys, comp->pd, &b->twin);
	if (err) {
		kfree(b);
		return err;
	}
	b->cr3[0] = comp->pd->pa;
	b->cr3[1] = b->twin.pa;
	thd->bench = b;
	sys->nr_bench++;
	return 0;
}

static void cos_thd_bench_release(struct cos_sys *sys, struct cos_thd *thd)
{
	if (!thd->bench)
		return;
	cos_pd_fini(sys, &thd->bench->twin);
	kfree(thd->bench);
	thd->bench = NULL;
	sys->nr_bench--;
}

/*
 * A new thread in @comp with @regs (validated here); sys->lock held. A
 * destroyed thread's struct, id and argument page are reused first (its
 * region is zeroed), else a new id gets a new page, mapped into every
 * component. Only adds mappings, so it is safe while the system runs.
 */
struct cos_thd *cos_thd_new(struct cos_sys *sys, struct cos_comp *comp,
			    u32 flags, const struct cos_regs *regs)
{
	struct cos_thd *thd = NULL;
	u32 id, free_id = COS_MAX_THDS;
	long err;

	lockdep_assert_held(&sys->lock);
	for (id = 0; id < COS_MAX_THDS; id++) {
		if (!sys->thds[id]) {
			if (free_id == COS_MAX_THDS)
				free_id = id;
		} else if (sys->thds[id]->state == COS_THD_RECYCLED &&
			   !sys->thds[id]->bench) {
			thd = sys->thds[id];
			break;
		}
	}
	if (thd) {
		void *args = thd->args;

		memset(thd, 0, sizeof(*thd));
		thd->args = args;
		thd->id = id;
		memset(args, 0, COS_ARG_SIZE);
	} else {
		if (free_id == COS_MAX_THDS)
			return ERR_PTR(-ENOSPC);
		thd = kzalloc(sizeof(*thd), GFP_KERNEL_ACCOUNT);
		if (!thd)
			return ERR_PTR(-ENOMEM);
		thd->id = free_id;
		thd->args = NULL;
	}
	thd->sys = sys;
	thd->flags = flags;
	thd->comp = thd->home = comp;
	thd->state = COS_THD_LIVE;
	err = cos_regs_to_thd(thd, regs);
	if (err)
		goto out_free;
	if (flags & COS_THD_FPU) {
		err = cos_fpu_alloc(thd);
		if (err)
			goto out_free;
	}
	if (flags & COS_THD_BENCH_LB) {
		err = cos_thd_bench_init(sys, thd, comp);
		if (err)
			goto out_fpu;
	}
	if (!thd->args) {
		thd->args = cos_sys_page_alloc(sys);
		if (IS_ERR(thd->args)) {
			err = PTR_ERR(thd->args);
			thd->args = NULL;
			goto out_bench;
		}
		err = cos_args_map_thd(sys, thd);
		if (err)
			goto out_args;
		smp_store_release(&sys->thds[thd->id], thd);	/* sched.c */
		sys->nr_thds++;
		atomic64_inc(&cos_stats.threads);
	}
	return thd;

out_args:
	cos_sys_page_free(sys, thd->args);
	thd->args = NULL;
out_bench:
	cos_thd_bench_release(sys, thd);
out_fpu:
	cos_fpu_free(thd);
out_free:
	if (sys->thds[thd->id] == thd) {	/* a reused one stays free */
		thd->state = COS_THD_RECYCLED;
		thd->flags = 0;
	} else {
		kfree(thd);
	}
	return ERR_PTR(err);
}

/*
 * Map thread @thd's own stack in @comp if it is not there yet (see
 * COS_THD_STACK_REGION); its top in *@top. sys->lock held; only adds
 * mappings.
 */
int cos_thd_stack_map(struct cos_sys *sys, struct cos_comp *comp,
		      struct cos_thd *thd, unsigned long *top)
{
	unsigned long lo = comp->base + COS_THD_STACK_REGION +
			   thd->id * COS_THD_STACK_SIZE;
	unsigned long va;

	if (lo + COS_THD_STACK_SIZE > comp->end)
		return -EINVAL;
	for (va = lo + PAGE_SIZE; va < lo + COS_THD_STACK_SIZE; va += PAGE_SIZE) {
		void *page = cos_pt_map_page(sys, comp->pt_root, va,
					     COS_PROT_READ | COS_PROT_WRITE);

		if (IS_ERR(page) && PTR_ERR(page) != -EEXIST)
			return PTR_ERR(page);	/* mapped already is fine */
	}
	*top = lo + COS_THD_STACK_SIZE;
	return 0;
}

/*
 * Destroy a thread that does not run and is on no CPU: it becomes
 * COS_THD_RECYCLED for cos_thd_new. It holds no PD any more (mpd.c).
 */
void cos_thd_recycle(struct cos_thd *thd)
{
	cos_thd_seq_begin(thd);
	thd->pd = NULL;
	thd->pd_next = NULL;
	thd->depth = 0;
	cos_thd_seq_end(thd);
	thd->handlers = 0;
	cos_fpu_free(thd);
	/* a bench twin stays until the system ends (cos_thd_destroy) */
	thd->flags = 0;
	thd->state = COS_THD_RECYCLED;
}

/*
 * Undo cos_thd_new for a thread nobody has seen (THD_CREATE could not
 * give its id back): a fresh one goes with its page and its mappings, a
 * reused one is free again, and a benchmark twin made for it goes too.
 * sys->lock held, nothing running. (Page tables that mapping its
 * argument region added to components stay with them.)
 */
static void cos_thd_unnew(struct cos_sys *sys, struct cos_thd *thd, bool fresh)
{
	cos_thd_bench_release(sys, thd);
	if (fresh) {
		cos_args_unmap_thd(sys, thd);
		cos_thd_destroy(thd);
	} else {
		cos_thd_recycle(thd);
	}
}

long cos_ioctl_thd_create(struct cos_sys *sys, void __user *arg)
{
	struct cos_thd_create req;
	struct cos_comp *comp;
	struct cos_thd *thd;
	unsigned int nr_thds;
	long err;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.flags & ~(COS_THD_FPU | COS_THD_BENCH_LB))
		return -EINVAL;
	if ((req.flags & COS_THD_BENCH_LB) && !cos_bench)
		return -EPERM;		/* load the module with bench=1 */
	/* A struct the id cannot be written back into fails before anything
	 * is made (the same bytes back: nothing changes for the caller). */
	if (copy_to_user(arg, &req, sizeof(req)))
		return -EFAULT;

	mutex_lock(&sys->lock);
	err = -ENOENT;
	comp = cos_comp_get(sys, req.comp);
	if (!comp)
		goto out_unlock;
	err = -EBUSY;
	if (sys->nr_running)
		goto out_unlock;
	nr_thds = sys->nr_thds;
	thd = cos_thd_new(sys, comp, req.flags, &req.regs);
	if (IS_ERR(thd)) {
		err = PTR_ERR(thd);
		goto out_unlock;
	}
	req.id = thd->id;
	err = -EFAULT;
	if (copy_to_user(arg, &req, sizeof(req))) {	/* unmapped since */
		cos_thd_unnew(sys, thd, sys->nr_thds != nr_thds);
		goto out_unlock;
	}
	/* The scheduler hears of it (sched.c). */
	if (sys->sched.thd)
		cos_sched_raise(sys, COS_SEV_THD, thd->id, req.sched_param);
	err = 0;
out_unlock:
	mutex_unlock(&sys->lock);
	return err;
}

long cos_ioctl_thd_regs(struct cos_sys *sys, void __user *arg, bool set)
{
	struct cos_thd_regs req;
	struct cos_thd *thd;
	long err;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.pad)
		return -EINVAL;
	mutex_lock(&sys->lock);
	err = -ENOENT;
	thd = cos_thd_get(sys, req.thd);
	if (!thd)
		goto out;
	err = -EBUSY;
	if (atomic_read(&thd->running) || sys->sched.active)
		goto out;
	if (set) {
		err = cos_regs_to_thd(thd, &req.regs);
		/* a fresh start: its component's PD (mpd.c, R4) */
		if (!err)
			thd->pd_fresh = true;
	} else {
		cos_thd_to_regs(thd, &req.regs);
		err = copy_to_user(arg, &req, sizeof(req)) ? -EFAULT : 0;
	}
out:
	mutex_unlock(&sys->lock);
	return err;
}

void cos_thd_destroy(struct cos_thd *thd)
{
	struct cos_sys *sys = thd->sys;

	cos_fpu_free(thd);
	cos_thd_bench_release(sys, thd);
	cos_sys_page_free(sys, thd->args);
	sys->thds[thd->id] = NULL;
	sys->nr_thds--;
	kfree(thd);
	atomic64_dec(&cos_stats.threads);
}
