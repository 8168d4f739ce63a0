// SPDX-License-Identifier: GPL-2.0
/*
 * exit.c - the run loop's exit dispatch (run.h): a syscall op that left
 * the fast path, a fault, a machine check. Each fills struct cos_run for
 * the host when it ends the RUN, and says whether the loop goes on.
 *
 * Process context, interrupts on, the thread stopped in the kernel with
 * its registers in thd->hw; sleeping is allowed (PD operations, I/O
 * kicks, printing happen here, never on the fast path).
 */
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <asm/trapnr.h>
#include "sys.h"
#include "comp.h"
#include "cap.h"
#include "thd.h"
#include "inv.h"
#include "mpd.h"
#include "sched.h"
#include "io.h"
#include "run.h"
#include "fastpath.h"
#include "paging.h"
#include "mem.h"

/* The host sees hijack's pseudo-vectors under the uapi's names. */
static_assert(COS_HW_VEC_SYSCALL == COS_VEC_SYSCALL);
static_assert(COS_HW_VEC_SYSCALL32 == COS_VEC_SYSCALL32);
static_assert(COS_HW_VEC_SYSENTER == COS_VEC_SYSENTER);

/*
 * The scheduler made another thread ctx->thd: its frame must be safe to
 * iret to; its user CPU state is loaded at its next entry like any
 * thread's.
 */
static void cos_exit_switched(struct cos_run_ctx *ctx)
{
	local_irq_disable();
	cos_thd_sanitize(ctx->thd);
	local_irq_enable();
}

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
void cos_exit_fault(struct cos_run_ctx *ctx, struct cos_run *run,
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
		if (ctx->thd != prev)
			cos_exit_switched(ctx);
	}
}

/*
 * A machine check Linux queued recovery for (run.c, cos_enter_once):
 * report where it hit, and have the system's next RUN take the poisoned
 * page out (cos_sys_mce_sweep). The thread stays where it was: not a
 * fault of its own, nothing is unwound.
 */
void cos_exit_mce(struct cos_run_ctx *ctx, struct cos_run *run)
{
	cos_fault_fill(run, ctx->thd, 0, 0);
	run->exit_reason = COS_EXIT_MCE;
	run->fault.error_code = 0;
	run->thd = ctx->thd->id;
	WRITE_ONCE(ctx->sys->mce_pending, true);
}

/* A syscall that left the fast path: the op is in error_code. */
enum cos_next cos_exit_syscall(struct cos_run_ctx *ctx, struct cos_run *run)
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
		if (ctx->thd != prev)
			cos_exit_switched(ctx);
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
		cos_fp_refused(thd, r->error_code, ctx->refusal);
		cos_inv_invoke(thd);
		return COS_AGAIN;
	case COS_OP_RETURN:
		cos_fp_refused(thd, r->error_code, ctx->refusal);
		if (!cos_inv_return(thd, r->di, r->si))
			return COS_AGAIN;
		break;		/* nothing to return to: a fault */
	case COS_OP_BENCH_LB:
		cos_fp_refused(thd, r->error_code, ctx->refusal);
		break;		/* not a benchmark thread at depth 0: a fault */
	case COS_OP_IO_KICK:
		r->ax = cos_io_kick(thd, r->di);	/* io.c: queues the worker */
		return COS_AGAIN;
	case COS_OP_EDGES:
		/* The policy component reads the edge statistics. */
		r->ax = cos_edges_op(thd->sys, cos_thd_running_comp(thd), r->di,
				     r->si, r->dx);
		return COS_AGAIN;
	case COS_OP_MEM:
		/* The memory mapper maps and unmaps pages (mem.c); FREE's
		 * shootdown flushes this CPU too. */
		r->ax = cos_mem_op(thd->sys, cos_thd_running_comp(thd), r->di,
				   r->si, r->dx, r->r10, r->r8, r->r9);
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
	cos_exit_fault(ctx, run, 0, 0);
	return COS_STOP;
}
