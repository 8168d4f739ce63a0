// SPDX-License-Identifier: GPL-2.0
/*
 * run.c - COS_RUN: run a thread in component mode until the host is needed.
 *
 * The loop, KVM style:
 *
 *   check in (sys->lock), begin a hijack session (hijack.h: the host's
 *   user state saved, the vectors installed on this CPU and kept there by
 *   a preempt notifier), arm the budget timer;
 *   loop (interrupts off at the top):
 *	signal pending -> COS_EXIT_SIGNAL; budget gone -> COS_EXIT_BUDGET;
 *	need_resched -> schedule() with interrupts on, again;
 *	load the PD, enter the component; it comes back on the next entry:
 *	  interrupt / NMI -> Linux's own handler, again;
 *	  #MC -> Linux's handler; COS_EXIT_MCE if it queued recovery work
 *	  for the task (else again);
 *	  syscall op -> service it (exit.c: again, or exit);
 *	  anything else -> COS_EXIT_FAULT (exit.c);
 *   undo all of the above, in reverse.
 *
 * It owns this CPU's struct cos_kcpu (cpu.h) while it runs.
 */
#define pr_fmt(fmt) "cos: " fmt

#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/hrtimer.h>
#include <linux/uaccess.h>
#include <linux/ktime.h>
#include <asm/mce.h>
#include <asm/special_insns.h>
#include <asm/debugreg.h>
#include <asm/irq_vectors.h>
#include <asm/traps.h>
#include "hijack.h"
#include "sys.h"
#include "thd.h"
#include "sched.h"
#include "run.h"
#include "cpu.h"
#include "counters.h"
#include "stats.h"
#include "ustate.h"

DEFINE_PER_CPU(struct cos_kcpu, cos_kcpu);

/* ---- budget ------------------------------------------------------------ */

static enum hrtimer_restart cos_budget_fire(struct hrtimer *t)
{
	struct cos_run_ctx *ctx = container_of(t, struct cos_run_ctx, budget);

	WRITE_ONCE(ctx->budget_expired, true);
	/* An IPI makes the host's CPU leave component mode and look. */
	kick_process(ctx->task);
	return HRTIMER_NORESTART;
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

	unsigned long gs = cos_cnt_area(smp_processor_id());

	if (ctx->fpu)
		cos_fpu_enter(thd);	/* ustate.c: this activation's state */
	else
		write_cr0(ctx->cr0 | X86_CR0_TS);	/* FPU use is #NM */
	this_cpu_write(cos_kcpu.thd, thd);	/* before CR3: mpd.c looks */
	this_cpu_write(cos_kcpu.sys, thd->sys);
	this_cpu_write(cos_kcpu.user_gs, gs);	/* fastpath.S F9 */
	cos_thd_enter_pd(thd);		/* thd_pd.c: mpd.c's R1, R4; CR3 */
	cos_ustate_load(thd, gs);

	cos_enter_component(&thd->hw);

	/* The fast path may have moved the thread: ctx->thd is the same
	 * thread, at whatever depth it is now. Why the fast path passed an
	 * op on is read now, before another task can use this CPU. */
	ctx->refusal = this_cpu_read(cos_kcpu.refusal);
	cos_ustate_save(thd);
	if (ctx->fpu)
		cos_fpu_exit(thd);
	else
		write_cr0(ctx->cr0);
	vec = thd->hw.vector;
	if (likely(vec >= FIRST_EXTERNAL_VECTOR && vec < NR_VECTORS &&
		   vec != IA32_SYSCALL_VECTOR)) {
		atomic64_inc(&cos_stats.irqs);
		this_cpu_write(cos_kcpu.handling_irq, true);	/* mpd.c: resync */
		cos_call_idt_handler(cos_linux_handler(vec));
		this_cpu_write(cos_kcpu.handling_irq, false);
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
			/*
			 * schedule(), not cond_resched(): on a preemptible
			 * kernel (PREEMPT_RT, preempt=full) cond_resched() is
			 * a no-op, and enabling interrupts does not preempt,
			 * so the loop would spin until an interrupt happened
			 * to arrive in this window.
			 */
			local_irq_enable();
			schedule();
			continue;
		}
		if (ctx->sched && cos_sched_upcall_due(ctx->sys, ctx->thd)) {
			struct cos_thd *prev = ctx->thd;

			ctx->thd = cos_sched_upcall(ctx->sys, prev);
			cos_thd_sanitize(ctx->thd);	/* safe to iret to */
		}
		if (cos_enter_once(ctx, &cr2, &dr6) == COS_AGAIN) {
			local_irq_enable();
			continue;
		}
		local_irq_enable();
		ctx->slow_entries++;
		if (ctx->thd->hw.vector == COS_HW_VEC_SYSCALL) {
			if (cos_exit_syscall(ctx, run) == COS_AGAIN)
				continue;
		} else if (ctx->thd->hw.vector == X86_TRAP_MC) {
			cos_exit_mce(ctx, run);
		} else {
			cos_exit_fault(ctx, run, cr2, dr6);
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

	cos_session_begin(&ctx.session);

	hrtimer_init(&ctx.budget, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	ctx.budget.function = cos_budget_fire;
	if (run.budget_ns)
		hrtimer_start(&ctx.budget,
			      ns_to_ktime(min_t(u64, run.budget_ns, KTIME_MAX)),
			      HRTIMER_MODE_REL_HARD);

	cos_run_loop(&ctx, &run);

	cos_session_end(&ctx.session);	/* interrupts were off, now on */

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
