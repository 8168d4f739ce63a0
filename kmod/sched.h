/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sched.h - what a scheduler component gets from the kernel (sched.c):
 * thread switch, create and destroy, upcalls (an event queue, a tick, a
 * deadline timer) and idling in the host's poll().
 *
 * Locking: thd, comp and tick_ns are set once (sys->lock, nothing
 * running). active, cur and host change under sys->lock at the start and
 * end of a COS_RUN_SCHED; while one runs only its host thread switches
 * threads. The event queue, ticks, lost and pending are under lock
 * (irq-safe: timers raise events); pending is read locklessly by the run
 * loop and by poll.
 */
#ifndef COS_SCHED_H
#define COS_SCHED_H

#include <linux/hrtimer.h>
#include <linux/poll.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include "uapi/cos.h"
#include "run.h"

#define COS_SCHED_QLEN	64

struct cos_sys;
struct cos_thd;

struct cos_sched {
	struct cos_thd *thd;		/* the scheduler thread; NULL: none */
	struct cos_comp *comp;		/* its home: the scheduler component */
	u64 tick_ns;
	bool active;			/* a COS_RUN_SCHED is in progress */
	struct cos_thd *cur;		/* the thread the next RUN resumes */
	struct task_struct *host;	/* the task running it, for kicks */
	spinlock_t lock;
	struct cos_sched_event q[COS_SCHED_QLEN];
	unsigned int head, len;
	u64 ticks, lost;
	bool pending;			/* something for the scheduler */
	wait_queue_head_t wq;		/* poll() of an idle host */
	struct hrtimer wake;		/* the scheduler's next timeout */
	u64 wake_at;			/* what wake is set to (run loop) */
	struct hrtimer tick;		/* periodic while the system runs */
};

void cos_sched_init(struct cos_sys *sys);
void cos_sched_destroy(struct cos_sys *sys);
long cos_ioctl_sched_config(struct cos_sys *sys, void __user *arg);
/* Queue an event for the scheduler; any context. */
void cos_sched_raise(struct cos_sys *sys, u32 type, u32 thd, u64 arg);
__poll_t cos_sched_poll(struct cos_sys *sys, struct file *file,
			poll_table *pt);

/* The run loop's side (run.c, exit.c). */
int cos_sched_run_begin(struct cos_sys *sys, struct cos_thd **thd);
void cos_sched_run_end(struct cos_sys *sys, struct cos_thd *thd,
		       bool stop_tick);
bool cos_sched_upcall_due(struct cos_sys *sys, struct cos_thd *thd);
struct cos_thd *cos_sched_upcall(struct cos_sys *sys, struct cos_thd *thd);
bool cos_sched_is_op(unsigned long op);
enum cos_next cos_sched_op(struct cos_sys *sys, struct cos_thd **thd,
			   struct cos_run *run);
enum cos_next cos_sched_exit(struct cos_sys *sys, struct cos_thd **thd,
			     struct cos_run *run);
void cos_sched_fault(struct cos_sys *sys, struct cos_thd **thd);

#endif
