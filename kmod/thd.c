// SPDX-License-Identifier: GPL-2.0
/*
 * thd.c - component threads: creation and register access.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/segment.h>
#include <asm/processor-flags.h>
#include <asm/fpu/api.h>
#include "sys.h"
#include "stats.h"
#include "paging.h"

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

	if (u->rip >= end || u->rsp > end || u->fs_base >= end ||
	    u->gs_base >= end)
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
	u->gs_base = thd->gs_base;
}

long cos_ioctl_thd_create(struct cos_sys *sys, void __user *arg)
{
	struct cos_thd_create req;
	struct cos_thd *thd;
	u32 id;
	long err;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.pad || (req.flags & ~(COS_THD_FPU | COS_THD_BENCH_LB)))
		return -EINVAL;

	thd = kzalloc(sizeof(*thd), GFP_KERNEL_ACCOUNT);
	if (!thd)
		return -ENOMEM;
	err = cos_regs_to_thd(thd, &req.regs);
	if (err)
		goto out_free;
	err = -ENOMEM;
	if ((req.flags & COS_THD_FPU) && !fpu_alloc_guest_fpstate(&thd->fpu))
		goto out_free;
	thd->flags = req.flags;
	thd->sys = sys;

	mutex_lock(&sys->lock);
	err = -ENOENT;
	thd->comp = thd->home = cos_comp_get(sys, req.comp);
	if (!thd->comp)
		goto out_unlock;
	for (id = 0; id < COS_MAX_THDS && sys->thds[id]; id++)
		;
	err = -ENOSPC;
	if (id == COS_MAX_THDS)
		goto out_unlock;
	err = -EBUSY;
	if (sys->nr_running)
		goto out_unlock;
	if ((req.flags & COS_THD_BENCH_LB) && !thd->comp->lb_twin.pgd) {
		err = -EBUSY;
		if (sys->nr_running)
			goto out_unlock;
		err = cos_pd_clone(sys, thd->comp->pd, &thd->comp->lb_twin);
		if (err)
			goto out_unlock;
	}
	thd->id = req.id = id;
	thd->args = cos_sys_page_alloc(sys);
	if (IS_ERR(thd->args)) {
		err = PTR_ERR(thd->args);
		goto out_unlock;
	}
	err = cos_args_map_thd(sys, thd);
	if (err)
		goto out_args;
	err = -EFAULT;
	if (copy_to_user(arg, &req, sizeof(req)))
		goto out_unmap;
	sys->thds[id] = thd;
	sys->nr_thds++;
	mutex_unlock(&sys->lock);
	atomic64_inc(&cos_stats.threads);
	return 0;

out_unmap:
	cos_args_unmap_thd(sys, thd);
out_args:
	cos_sys_page_free(sys, thd->args);
out_unlock:
	mutex_unlock(&sys->lock);
	if (thd->flags & COS_THD_FPU)
		fpu_free_guest_fpstate(&thd->fpu);
out_free:
	kfree(thd);
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
	if (atomic_read(&thd->running))
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

	if (thd->flags & COS_THD_FPU)
		fpu_free_guest_fpstate(&thd->fpu);
	cos_sys_page_free(sys, thd->args);
	sys->thds[thd->id] = NULL;
	sys->nr_thds--;
	kfree(thd);
	atomic64_dec(&cos_stats.threads);
}
