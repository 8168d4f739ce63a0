// SPDX-License-Identifier: GPL-2.0
/*
 * run.c - COS_RUN: run a thread in component mode until the host is needed.
 *
 * The loop, KVM style:
 *
 *   check in (sys->lock), save the host's user state (segments, FS/GS
 *   bases, PKRU), register the preempt notifier and install the vectors
 *   on this CPU, arm the budget timer;
 *   loop (interrupts off at the top):
 *	signal pending -> COS_EXIT_SIGNAL; budget gone -> COS_EXIT_BUDGET;
 *	need_resched -> cond_resched() with interrupts on, again;
 *	load the PD, enter the component; it comes back on the next entry:
 *	  interrupt / NMI -> Linux's own handler, again;
 *	  #MC -> Linux's handler; COS_EXIT_MCE if it queued recovery work
 *	  for the task (else again);
 *	  syscall op -> service it (again, or exit);
 *	  anything else -> COS_EXIT_FAULT;
 *   undo all of the above, in reverse.
 *
 * Nothing here runs with the module's vectors on a CPU that is not running
 * the host thread: sched_out restores Linux's CR3 and vectors before Linux
 * can switch away, sched_in installs them again wherever the thread lands.
 */
#define pr_fmt(fmt) "cos: " fmt

#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/preempt.h>
#include <linux/hrtimer.h>
#include <linux/uaccess.h>
#include <linux/ktime.h>
#include <asm/desc.h>
#include <asm/idtentry.h>
#include <asm/mce.h>
#include <asm/fsgsbase.h>
#include <asm/special_insns.h>
#include <asm/debugreg.h>
#include <asm/irq_vectors.h>
#include <asm/segment.h>
#include <asm/traps.h>
#include "sys.h"
#include "io.h"
#include "paging.h"
#include "stats.h"
#include "fpu.h"

/* What the host had in the registers a component can change. */
struct cos_host_state {
	unsigned short ds, es, fs, gs;
	unsigned long fs_base, gs_base;
	u32 pkru;
};

struct cos_run_ctx {
	struct preempt_notifier pn;
	struct hrtimer budget;
	struct task_struct *task;
	struct cos_sys *sys;
	struct cos_thd *thd;		/* current; a scheduler switches it */
	bool sched;			/* COS_RUN_SCHED */
	unsigned long cr0;		/* Linux's CR0 (TS clear) */
	struct cos_host_state host;
	bool fpu;			/* COS_THD_FPU: fpu.c at each entry */
	bool budget_expired;
	u64 slow_entries;
};

static bool cos_has_fsgsbase(void)
{
	return cpu_feature_enabled(X86_FEATURE_FSGSBASE);
}

/* ---- host user state --------------------------------------------------- */

static void cos_host_save(struct cos_run_ctx *ctx)
{
	struct cos_host_state *h = &ctx->host;

	savesegment(ds, h->ds);
	savesegment(es, h->es);
	savesegment(fs, h->fs);
	savesegment(gs, h->gs);
	/* In the kernel the user GS base sits in MSR_KERNEL_GS_BASE. */
	rdmsrl(MSR_FS_BASE, h->fs_base);
	rdmsrl(MSR_KERNEL_GS_BASE, h->gs_base);
	if (boot_cpu_has(X86_FEATURE_OSPKE))
		h->pkru = rdpkru();
}

/*
 * The user CPU state of @thd's current activation into the registers, at
 * every entry into component mode (interrupts off): its FS base and PKRU
 * (thd, or the frames of inv.c), and the kernel's GS base, the counter
 * area of this CPU (counters.c). Whatever a component did to these
 * registers never reaches another activation: fastpath.S does the same
 * for the invocations it handles.
 */
static void cos_user_state_load(struct cos_thd *thd, unsigned long gs)
{
	if (cos_has_fsgsbase())
		wrfsbase(thd->fs_base);
	else
		wrmsrl(MSR_FS_BASE, thd->fs_base);
	this_cpu_write(cos_cpu.user_gs, gs);
	/* The user GS base, inactive while in the kernel: with FSGSBASE the
	 * way Linux writes it (swapgs, wrgsbase, swapgs; interrupts are
	 * off, and a paranoid NMI entry copes with either GS), else the MSR. */
	if (cos_has_fsgsbase())
		asm volatile("swapgs; wrgsbase %0; swapgs" : : "r"(gs) : "memory");
	else
		wrmsrl(MSR_KERNEL_GS_BASE, gs);
	if (cpu_feature_enabled(X86_FEATURE_OSPKE) && rdpkru() != thd->pkru)
		wrpkru(thd->pkru);	/* a write costs more than a read */
}

/* ... and back into @thd at every exit (interrupts off). */
static void cos_user_state_save(struct cos_thd *thd)
{
	if (cos_has_fsgsbase())
		thd->fs_base = rdfsbase();
	else
		rdmsrl(MSR_FS_BASE, thd->fs_base);
	if (cpu_feature_enabled(X86_FEATURE_OSPKE))
		thd->pkru = rdpkru();
}

static void cos_comp_state_load(struct cos_run_ctx *ctx)
{
	struct cos_host_state *h = &ctx->host;

	/* Null selectors: a selector load would reset a base we set. */
	if (h->fs)
		loadsegment(fs, 0);
	if (h->gs)
		load_gs_index(0);
}

static void cos_host_restore(struct cos_run_ctx *ctx)
{
	struct cos_host_state *h = &ctx->host;
	unsigned short sel;

	savesegment(ds, sel);
	if (sel != h->ds)
		loadsegment(ds, h->ds);
	savesegment(es, sel);
	if (sel != h->es)
		loadsegment(es, h->es);
	savesegment(fs, sel);
	if (sel != h->fs)
		loadsegment(fs, h->fs);
	savesegment(gs, sel);
	if (sel != h->gs)
		load_gs_index(h->gs);
	wrmsrl(MSR_FS_BASE, h->fs_base);
	wrmsrl(MSR_KERNEL_GS_BASE, h->gs_base);
	if (boot_cpu_has(X86_FEATURE_OSPKE))
		wrpkru(h->pkru);
}

/*
 * The scheduler made another thread ctx->thd. Its user CPU state is
 * loaded at its next entry like any thread's. Interrupts off.
 */
static void cos_run_switched(struct cos_run_ctx *ctx)
{
	cos_thd_sanitize(ctx->thd);
}

/* ---- preemption -------------------------------------------------------- */

static void cos_sched_in(struct preempt_notifier *pn, int cpu)
{
	unsigned long flags;

	local_irq_save(flags);
	cos_vectors_install();	/* the thread's state: at its next entry */
	local_irq_restore(flags);
}

static void cos_sched_out(struct preempt_notifier *pn, struct task_struct *next)
{
	cos_cr3_restore();
	cos_vectors_restore();
}

static struct preempt_ops cos_preempt_ops = {
	.sched_in = cos_sched_in,
	.sched_out = cos_sched_out,
};

/*
 * Preempt notifiers sit behind a static key that Linux patches into its
 * context-switch path. Turn it on at the first RUN, not at load time, so a
 * loaded but idle module costs Linux nothing, and never turn it off: with
 * no notifier registered it costs one static branch in the scheduler (as
 * when KVM is loaded), while switching it off would rewrite the
 * scheduler's hottest code again, which has been seen to hang QEMU's TCG
 * guests. So the key is patched at most once per boot.
 */
static DEFINE_MUTEX(cos_pn_lock);
static bool cos_pn_on;

static void cos_preempt_notifiers_enable(void)
{
	if (smp_load_acquire(&cos_pn_on))
		return;
	mutex_lock(&cos_pn_lock);
	if (!cos_pn_on) {
		preempt_notifier_inc();
		smp_store_release(&cos_pn_on, true);
	}
	mutex_unlock(&cos_pn_lock);
}

void cos_run_exit(void)
{
	/* The key's reference stays (see above); no notifier is left. */
	cos_pn_on = false;
}

/* ---- budget ------------------------------------------------------------ */

static enum hrtimer_restart cos_budget_fire(struct hrtimer *t)
{
	struct cos_run_ctx *ctx = container_of(t, struct cos_run_ctx, budget);

	WRITE_ONCE(ctx->budget_expired, true);
	/* An IPI makes the host's CPU leave component mode and look. */
	kick_process(ctx->task);
	return HRTIMER_NORESTART;
}

/* ---- exits ------------------------------------------------------------- */

static void cos_fault_fill(struct cos_run *run, struct cos_thd *thd,
			   unsigned long address, unsigned long dr6)
{
	const struct cos_hw_regs *r = &thd->hw;
	struct cos_fault *f = &run->fault;

	run->exit_reason = COS_EXIT_FAULT;
	f->vector = r->vector;
	f->comp = cos_thd_running_comp(thd)->id;
	f->depth = thd->depth;
	f->error_code = cos_fault_error(r);	/* a syscall's op, even -1 */
	f->address = 0;
	f->ip = r->ip;
	f->sp = r->sp;
	f->flags = r->flags;
	switch (r->vector) {
	case X86_TRAP_PF:
		f->address = address;
		break;
	case X86_TRAP_DB:
		f->error_code = dr6;
		break;
	case COS_HW_VEC_SYSCALL:
	case COS_HW_VEC_SYSCALL32:
		f->ip = r->ip - 2;	/* the syscall instruction itself */
		break;
	}
}

/*
 * Report a fault (saved in thd->hw) and decide what comes next: inside an
 * invocation, the component's fault handler if it has one, else the
 * invocation returns COS_ERR_FAULT to its caller; the host hears of it
 * either way and may RUN on. At depth 0 the thread stays at the fault.
 */
static void cos_fault_dispose(struct cos_run_ctx *ctx, struct cos_run *run,
			      unsigned long cr2, unsigned long dr6)
{
	struct cos_thd *thd = ctx->thd, *prev = thd;

	cos_fault_fill(run, thd, cr2, dr6);
	run->thd = thd->id;
	if (cos_inv_fault_handler(thd, cr2)) {
		run->fault.fault_flags |= COS_FAULT_HANDLED;
	} else if (!cos_inv_return(thd, COS_ERR_FAULT, 0)) {
		run->fault.fault_flags |= COS_FAULT_UNWOUND;
	} else if (ctx->sched) {
		/* the thread is done; the scheduler runs next (sched.c) */
		cos_sched_fault(ctx->sys, &ctx->thd);
		if (ctx->thd != prev) {
			local_irq_disable();
			cos_run_switched(ctx);
			local_irq_enable();
		}
	}
}

/*
 * A machine check Linux queued recovery for (cos_enter_once): report where
 * it hit, and have the system's next RUN take the poisoned page out
 * (cos_sys_mce_sweep). The thread stays where it was: not a fault of its
 * own, nothing is unwound.
 */
static void cos_mce_exit(struct cos_run_ctx *ctx, struct cos_run *run)
{
	cos_fault_fill(run, ctx->thd, 0, 0);
	run->exit_reason = COS_EXIT_MCE;
	run->fault.error_code = 0;
	run->thd = ctx->thd->id;
	WRITE_ONCE(ctx->sys->mce_pending, true);
}

/* A syscall that left the fast path: the op is in error_code. */
static enum cos_next cos_syscall_op(struct cos_run_ctx *ctx,
				    struct cos_run *run)
{
	struct cos_thd *thd = ctx->thd;
	struct cos_hw_regs *r = &thd->hw;
	size_t len;

	if (cos_sched_is_op(r->error_code) ||
	    (ctx->sched && r->error_code == COS_OP_EXIT)) {
		struct cos_thd *prev = thd;
		enum cos_next next;

		next = r->error_code == COS_OP_EXIT ?
			cos_sched_exit(ctx->sys, &ctx->thd, run) :
			cos_sched_op(ctx->sys, &ctx->thd, run);
		if (ctx->thd != prev) {
			local_irq_disable();
			cos_run_switched(ctx);
			local_irq_enable();
		}
		return next;
	}
	switch (r->error_code) {
	case COS_OP_EXIT:
		run->exit_reason = COS_EXIT_EXIT;
		run->exit.status = r->di;
		r->ax = 0;
		return COS_STOP;
	case COS_OP_PRINT:
		len = min_t(unsigned long, r->si, COS_PRINT_MAX);
		if (cos_comp_read(cos_thd_running_comp(thd), r->di,
				  run->print.data, len)) {
			r->ax = -EFAULT;
			return COS_AGAIN;
		}
		r->ax = len;
		run->exit_reason = COS_EXIT_PRINT;
		run->print.len = len;
		return COS_STOP;
	case COS_OP_NULL:
	case COS_OP_YIELD:
		r->ax = 0;
		return COS_AGAIN;
	case COS_OP_INVOKE:
		cos_inv_invoke(thd);
		return COS_AGAIN;
	case COS_OP_RETURN:
		if (!cos_inv_return(thd, r->di, r->si))
			return COS_AGAIN;
		break;		/* nothing to return to: a fault */
	case COS_OP_IO_KICK:
		r->ax = cos_io_kick(thd, r->di);	/* io.c: queues the worker */
		return COS_AGAIN;
	case COS_OP_EDGES:
		/* The policy component reads the edge statistics. */
		r->ax = cos_edges_op(thd->sys, cos_thd_running_comp(thd), r->di,
				     r->si, r->dx);
		return COS_AGAIN;
	case COS_OP_PD:
		/* The policy component changes protection domains: the same
		 * operation as the host's ioctl; the resync IPIs also move
		 * this CPU onto its thread's current PD. */
		r->ax = cos_thd_running_comp(thd)->policy ?
			cos_pd_op(thd->sys, r->di, r->si, r->dx, r->r10, false) :
			-EPERM;
		return COS_AGAIN;
	}
	cos_fault_dispose(ctx, run, 0, 0);
	return COS_STOP;
}

/*
 * Enter the component once and come back on its next kernel entry.
 * Interrupts off. Returns COS_AGAIN after handing an interrupt, NMI or
 * machine check to Linux, COS_STOP with the vector in hw.vector otherwise
 * (a machine check too, if Linux queued work for the task).
 */
static enum cos_next cos_enter_once(struct cos_run_ctx *ctx,
				    unsigned long *cr2, unsigned long *dr6)
{
	struct cos_thd *thd = ctx->thd;
	unsigned long vec;

	if (ctx->fpu)
		cos_fpu_enter(thd);	/* fpu.c: this activation's state */
	else
		write_cr0(ctx->cr0 | X86_CR0_TS);	/* FPU use is #NM */
	this_cpu_write(cos_cpu.thd, thd);	/* before CR3: mpd.c looks */
	this_cpu_write(cos_cpu.sys, thd->sys);
	cos_thd_enter_pd(thd);		/* mpd.c: R1, R4; CR3 */
	cos_user_state_load(thd, cos_cnt_area(smp_processor_id()));
	this_cpu_write(cos_cpu.regs_end, (unsigned long)(&thd->hw + 1));
	this_cpu_write(cos_cpu.pcid, cos_cr3_value(0));

	cos_enter_component(&thd->hw);

	/* The fast path may have moved the thread: ctx->thd is the same
	 * thread, at whatever depth it is now. */
	cos_user_state_save(thd);
	if (ctx->fpu)
		cos_fpu_exit(thd);
	else
		write_cr0(ctx->cr0);
	vec = thd->hw.vector;
	if (likely(vec >= FIRST_EXTERNAL_VECTOR && vec < NR_VECTORS &&
		   vec != IA32_SYSCALL_VECTOR)) {
		atomic64_inc(&cos_stats.irqs);
		this_cpu_write(cos_cpu.exited, true);	/* mpd.c: resync IPIs */
		cos_call_idt_handler(cos_linux_handler(vec));
		this_cpu_write(cos_cpu.exited, false);
		return COS_AGAIN;
	}
	switch (vec) {
	case X86_TRAP_NMI:
		atomic64_inc(&cos_stats.nmis);
		cos_deliver_nmi();	/* entry.S: int $2, Linux's handler */
		return COS_AGAIN;
#ifdef CONFIG_X86_MCE	/* without it CR4.MCE is off: no #MC, a shutdown */
	case X86_TRAP_MC: {
		/* As KVM does: report it as if it hit user mode. */
		struct pt_regs regs = { .cs = 3, .flags = X86_EFLAGS_IF };
		int queued = current->mce_count;

		do_machine_check(&regs);
		/* Recovery for this task (memory_failure, SIGBUS) is task
		 * work that runs only on the way back to user mode: stop, or
		 * the thread would hit the poisoned page again and again
		 * until Linux panics. Nothing queued (a corrected error,
		 * another CPU's): go on. */
		if (current->mce_count == queued)
			return COS_AGAIN;
		return COS_STOP;
	}
#endif
	case X86_TRAP_PF:
		*cr2 = read_cr2();	/* before anything can fault again */
		break;
	case X86_TRAP_DB:
		get_debugreg(*dr6, 6);
		set_debugreg(DR6_RESERVED, 6);
		break;
	}
	return COS_STOP;
}

static void cos_run_loop(struct cos_run_ctx *ctx, struct cos_run *run)
{
	unsigned long cr2 = 0, dr6 = 0;

	for (;;) {
		local_irq_disable();
		if (unlikely(signal_pending(current))) {
			run->exit_reason = COS_EXIT_SIGNAL;
			break;
		}
		if (unlikely(READ_ONCE(ctx->budget_expired))) {
			run->exit_reason = COS_EXIT_BUDGET;
			break;
		}
		if (unlikely(need_resched())) {
			local_irq_enable();
			cond_resched();
			continue;
		}
		if (ctx->sched && cos_sched_upcall_due(ctx->sys, ctx->thd)) {
			struct cos_thd *prev = ctx->thd;

			ctx->thd = cos_sched_upcall(ctx->sys, prev);
			cos_run_switched(ctx);
		}
		if (cos_enter_once(ctx, &cr2, &dr6) == COS_AGAIN) {
			local_irq_enable();
			continue;
		}
		local_irq_enable();
		ctx->slow_entries++;
		if (ctx->thd->hw.vector == COS_HW_VEC_SYSCALL) {
			if (cos_syscall_op(ctx, run) == COS_AGAIN)
				continue;
		} else if (ctx->thd->hw.vector == X86_TRAP_MC) {
			cos_mce_exit(ctx, run);
		} else {
			cos_fault_dispose(ctx, run, cr2, dr6);
		}
		local_irq_disable();
		break;
	}
	/* Interrupts are off here. */
}

/* ---- the ioctl --------------------------------------------------------- */

static int cos_run_check_in(struct cos_sys *sys, struct cos_run *run,
			    struct cos_thd **thdp)
{
	struct cos_thd *thd;
	int err = 0;

	mutex_lock(&sys->lock);
	thd = cos_thd_get(sys, run->thd);
	if (sys->sched.thd)
		err = -EPERM;	/* configured since cos_ioctl_run looked */
	else if (!thd)
		err = -ENOENT;
	else if (atomic_cmpxchg(&thd->running, 0, 1))
		err = -EBUSY;
	else
		sys->nr_running++;
	mutex_unlock(&sys->lock);
	*thdp = thd;
	return err;
}

static void cos_run_check_out(struct cos_sys *sys, struct cos_thd *thd)
{
	mutex_lock(&sys->lock);
	sys->nr_running--;
	atomic_set(&thd->running, 0);
	mutex_unlock(&sys->lock);
}

long cos_ioctl_run(struct cos_sys *sys, void __user *arg)
{
	struct cos_run run;
	struct cos_run_ctx ctx = {};
	struct cos_thd *thd;
	u64 t0 = ktime_get_ns();
	long err;

	if (copy_from_user(&run, arg, offsetof(struct cos_run, exit_reason)))
		return -EFAULT;
	if (run.flags & ~COS_RUN_SCHED)
		return -EINVAL;
	ctx.sched = run.flags & COS_RUN_SCHED;
	if (ctx.sched && run.thd)
		return -EINVAL;
	if (!ctx.sched && READ_ONCE(sys->sched.thd))
		return -EPERM;		/* its scheduler runs the threads (and
					 * again under sys->lock at check-in) */
	err = ctx.sched ? cos_sched_run_begin(sys, &thd) :
			  cos_run_check_in(sys, &run, &thd);
	if (err)
		return err;
	memset((char *)&run + offsetof(struct cos_run, exit_reason), 0,
	       sizeof(run) - offsetof(struct cos_run, exit_reason));

	ctx.task = current;
	ctx.sys = sys;
	ctx.thd = thd;
	ctx.fpu = thd->flags & COS_THD_FPU;
	ctx.cr0 = read_cr0() & ~X86_CR0_TS;
	cos_thd_sanitize(thd);
	atomic64_inc(&cos_stats.runs);

	cos_host_save(&ctx);

	cos_preempt_notifiers_enable();
	preempt_notifier_init(&ctx.pn, &cos_preempt_ops);
	preempt_disable();
	preempt_notifier_register(&ctx.pn);
	local_irq_disable();
	cos_vectors_install();
	cos_comp_state_load(&ctx);
	local_irq_enable();
	preempt_enable();

	hrtimer_init(&ctx.budget, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	ctx.budget.function = cos_budget_fire;
	if (run.budget_ns)
		hrtimer_start(&ctx.budget,
			      ns_to_ktime(min_t(u64, run.budget_ns, KTIME_MAX)),
			      HRTIMER_MODE_REL_HARD);

	cos_run_loop(&ctx, &run);

	/* Interrupts are off: nothing can preempt us in the middle. */
	cos_cr3_restore();
	cos_host_restore(&ctx);
	cos_vectors_restore();
	preempt_notifier_unregister(&ctx.pn);
	local_irq_enable();

	hrtimer_cancel(&ctx.budget);
	if (ctx.sched) {
		if (run.exit_reason != COS_EXIT_FAULT)
			run.thd = ctx.thd->id;
		cos_sched_run_end(sys, ctx.thd,
				  run.exit_reason == COS_EXIT_IDLE ||
				  run.exit_reason == COS_EXIT_EXIT ||
				  run.exit_reason == COS_EXIT_SIGNAL ||
				  run.exit_reason == COS_EXIT_MCE);
	} else {
		cos_run_check_out(sys, thd);
	}

	run.run_ns = ktime_get_ns() - t0;
	run.slow_entries = ctx.slow_entries;
	atomic64_add(ctx.slow_entries, &cos_stats.slow_entries);
	atomic64_inc(&cos_stats.exits[run.exit_reason]);
	if (copy_to_user(arg, &run, sizeof(run)))
		return -EFAULT;
	return 0;
}
