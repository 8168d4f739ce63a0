/* SPDX-License-Identifier: GPL-2.0 */
/*
 * run.h - COS_RUN: the run loop (run.c) and what it does at an exit that
 * needs more than an interrupt handed to Linux (exit.c).
 *
 * The loop runs on the host task's own thread, in a hijack session
 * (hijack.h); everything that may sleep happens between two entries into
 * component mode, with interrupts on. One run context per COS_RUN, on the
 * task's stack; only its task touches it (the budget timer only sets a
 * flag and kicks the task).
 */
#ifndef COS_RUN_H
#define COS_RUN_H

#include <linux/hrtimer.h>
#include <linux/types.h>
#include "hijack.h"

struct cos_sys;
struct cos_thd;
struct cos_run;

/* What the loop does after an exit was dealt with. */
enum cos_next { COS_AGAIN, COS_STOP };

struct cos_run_ctx {
	struct cos_session session;	/* hijack: vectors, host state */
	struct hrtimer budget;
	struct task_struct *task;
	struct cos_sys *sys;
	struct cos_thd *thd;		/* current; a scheduler switches it */
	bool sched;			/* COS_RUN_SCHED */
	unsigned long cr0;		/* Linux's CR0 (TS clear) */
	bool fpu;			/* COS_THD_FPU: ustate.c at each entry */
	bool budget_expired;
	unsigned long refusal;		/* fastpath.S's, read at the exit */
	u64 slow_entries;
};

long cos_ioctl_run(struct cos_sys *sys, void __user *arg);

/* exit.c: a syscall op that left the fast path; a fault; a machine
 * check Linux queued recovery for. Interrupts on. */
enum cos_next cos_exit_syscall(struct cos_run_ctx *ctx, struct cos_run *run);
void cos_exit_fault(struct cos_run_ctx *ctx, struct cos_run *run,
		    unsigned long cr2, unsigned long dr6);
void cos_exit_mce(struct cos_run_ctx *ctx, struct cos_run *run);

#endif
