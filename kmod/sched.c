// SPDX-License-Identifier: GPL-2.0
/*
 * sched.c - what a scheduler component needs from the kernel, and nothing
 * more: thread switch, thread create/destroy, upcalls (an event queue and
 * a periodic tick), and idling in the host (uapi/cos.h, COS_SCHED_CONFIG).
 *
 * One host thread runs a system with a scheduler (COS_RUN_SCHED); the
 * thread it runs changes by a switch, which only swaps the run loop's
 * notion of the current thread (run.c loads its registers, PD and bases at
 * the next entry). Every thread not current keeps the registers of its
 * last kernel entry: a thread that switched away resumes from its
 * COS_OP_SWITCH, one that an upcall preempted resumes where the interrupt
 * hit it.
 *
 * Events come from timers (hard irq; on PREEMPT_RT the timer softirq
 * thread, where sched->lock, a spinlock_t, may sleep), from ioctls and
 * from the run loop;
 * they go into sched->q under sched->lock and set sched->pending, which
 * the run loop tests at every round and poll() reports. A raise kicks the
 * host thread (an IPI takes its CPU out of component mode) or wakes its
 * poll().
 */
#define pr_fmt(fmt) "cos: " fmt

#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>
#include <linux/ktime.h>
#include <linux/err.h>
#include <linux/nospec.h>
#include "sys.h"
#include "stats.h"
#include "comp.h"
#include "thd.h"
#include "sched.h"
#include "run.h"
#include "paging.h"
#include "args.h"

static void cos_sched_kick(struct cos_sched *s)
{
	if (s->host)
		kick_process(s->host);
	wake_up_interruptible(&s->wq);
}

void cos_sched_raise(struct cos_sys *sys, u32 type, u32 thd, u64 arg)
{
	struct cos_sched *s = &sys->sched;
	unsigned long flags;

	spin_lock_irqsave(&s->lock, flags);
	if (s->len == COS_SCHED_QLEN) {
		s->lost++;
	} else {
		struct cos_sched_event *e =
			&s->q[(s->head + s->len++) % COS_SCHED_QLEN];

		e->type = type;
		e->thd = thd;
		e->arg = arg;
		e->time = ktime_get_ns();
	}
	WRITE_ONCE(s->pending, true);
	cos_sched_kick(s);
	spin_unlock_irqrestore(&s->lock, flags);
}

static enum hrtimer_restart cos_sched_tick_fire(struct hrtimer *t)
{
	struct cos_sched *s = container_of(t, struct cos_sched, tick);
	unsigned long flags;

	spin_lock_irqsave(&s->lock, flags);
	s->ticks++;
	WRITE_ONCE(s->pending, true);
	cos_sched_kick(s);
	spin_unlock_irqrestore(&s->lock, flags);
	hrtimer_forward_now(t, ns_to_ktime(s->tick_ns));
	return HRTIMER_RESTART;
}

static enum hrtimer_restart cos_sched_wake_fire(struct hrtimer *t)
{
	struct cos_sched *s = container_of(t, struct cos_sched, wake);

	cos_sched_raise(container_of(s, struct cos_sys, sched), COS_SEV_TICK,
			0, 0);
	return HRTIMER_NORESTART;
}

void cos_sched_init(struct cos_sys *sys)
{
	struct cos_sched *s = &sys->sched;

	spin_lock_init(&s->lock);
	init_waitqueue_head(&s->wq);
	hrtimer_init(&s->wake, CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
	s->wake.function = cos_sched_wake_fire;
	/*
	 * Not _HARD: the tick takes sched->lock and wakes the poll() wait
	 * queue, both sleeping locks on PREEMPT_RT, so there it must run in
	 * the timer softirq (elsewhere it still fires in hard irq).
	 */
	hrtimer_init(&s->tick, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED);
	s->tick.function = cos_sched_tick_fire;
}

/* The fd is going: no RUN, no poll, no ioctl is left. */
void cos_sched_destroy(struct cos_sys *sys)
{
	hrtimer_cancel(&sys->sched.wake);
	hrtimer_cancel(&sys->sched.tick);
}

long cos_ioctl_sched_config(struct cos_sys *sys, void __user *arg)
{
	struct cos_sched_config req;
	struct cos_sched *s = &sys->sched;
	struct cos_thd *thd;
	unsigned int i;
	long err;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	/* A tick beyond KTIME_MAX would be a negative ktime: a timer that
	 * fires again at once, forever (hrtimer_forward clamps it up to
	 * the resolution), not one that never fires. */
	if (req.flags || req.reserved[0] || req.reserved[1] ||
	    (req.tick_ns && req.tick_ns < COS_SCHED_TICK_MIN) ||
	    req.tick_ns > KTIME_MAX)
		return -EINVAL;
	mutex_lock(&sys->lock);
	err = -ENOENT;
	thd = cos_thd_get(sys, req.thd);
	if (!thd)
		goto out;
	err = -EBUSY;
	if (sys->nr_running || s->thd)
		goto out;
	err = -EINVAL;
	if (thd->flags & COS_THD_FPU)
		goto out;
	s->tick_ns = req.tick_ns;
	s->comp = thd->home;
	s->cur = thd;
	WRITE_ONCE(s->thd, thd);
	/* The threads there are already: the scheduler hears of them. */
	for (i = 0; i < COS_MAX_THDS; i++)
		if (sys->thds[i] && sys->thds[i] != thd &&
		    sys->thds[i]->state == COS_THD_LIVE)
			cos_sched_raise(sys, COS_SEV_THD, i, 0);
	err = 0;
out:
	mutex_unlock(&sys->lock);
	return err;
}

__poll_t cos_sched_poll(struct cos_sys *sys, struct file *file,
			poll_table *pt)
{
	poll_wait(file, &sys->sched.wq, pt);
	return READ_ONCE(sys->sched.pending) ? EPOLLIN | EPOLLRDNORM : 0;
}

/* ---- the run loop's side ---------------------------------------------- */

/* Check in a COS_RUN_SCHED: the thread to resume in *thd. */
int cos_sched_run_begin(struct cos_sys *sys, struct cos_thd **thd)
{
	struct cos_sched *s = &sys->sched;
	unsigned long flags;
	int err = 0;

	mutex_lock(&sys->lock);
	if (!s->thd)
		err = -EINVAL;
	else if (s->active || atomic_cmpxchg(&s->cur->running, 0, 1))
		err = -EBUSY;
	if (!err) {
		s->active = true;
		sys->nr_running++;
		*thd = s->cur;
		spin_lock_irqsave(&s->lock, flags);
		s->host = current;
		spin_unlock_irqrestore(&s->lock, flags);
	}
	mutex_unlock(&sys->lock);
	if (err)
		return err;
	/* The tick goes on across exits for printing and the like (so a
	 * thread that prints often is still preempted); it stops only
	 * while the system idles or has stopped. */
	if (s->tick_ns && !hrtimer_active(&s->tick))
		hrtimer_start(&s->tick, ns_to_ktime(s->tick_ns),
			      HRTIMER_MODE_REL_PINNED);
	return 0;
}

void cos_sched_run_end(struct cos_sys *sys, struct cos_thd *thd,
		       bool stop_tick)
{
	struct cos_sched *s = &sys->sched;
	unsigned long flags;

	if (stop_tick)
		hrtimer_cancel(&s->tick);
	mutex_lock(&sys->lock);
	spin_lock_irqsave(&s->lock, flags);
	s->host = NULL;
	spin_unlock_irqrestore(&s->lock, flags);
	s->cur = thd;
	atomic_set(&thd->running, 0);
	s->active = false;
	sys->nr_running--;
	mutex_unlock(&sys->lock);
}

/* Make @next current instead of @prev, which resumes with @ret. */
static struct cos_thd *cos_sched_switch(struct cos_thd *prev,
					struct cos_thd *next, long ret)
{
	prev->hw.ax = ret;
	atomic_set(&prev->running, 0);
	atomic64_inc(&cos_stats.switches);
	return next;
}

/*
 * Events are pending and @thd may be preempted: it runs, but not in the
 * scheduler component (whose code is never preempted, see cos.h), and it
 * is not the scheduler thread itself.
 */
bool cos_sched_upcall_due(struct cos_sys *sys, struct cos_thd *thd)
{
	struct cos_sched *s = &sys->sched;

	return READ_ONCE(s->pending) && thd != s->thd &&
	       cos_thd_running_comp(thd) != s->comp;
}

/* Preempt @thd (its registers are saved as they are) for the scheduler. */
struct cos_thd *cos_sched_upcall(struct cos_sys *sys, struct cos_thd *thd)
{
	struct cos_thd *st = sys->sched.thd;
	atomic64_inc(&cos_stats.upcalls);
	atomic_set(&thd->running, 0);
	atomic_set(&st->running, 1);	/* only this loop runs it */
	st->hw.ax = COS_SCHED_EVENTS;
	return st;
}

/* Hand the CPU to the scheduler thread after @thd stopped for good. */
static void cos_sched_to_scheduler(struct cos_sys *sys, struct cos_thd **thd)
{
	struct cos_thd *st = sys->sched.thd;

	atomic_set(&(*thd)->running, 0);
	atomic_set(&st->running, 1);
	st->hw.ax = COS_SCHED_EVENTS;
	*thd = st;
}

/* A fault that nothing unwound, under a scheduler: the thread is done. */
void cos_sched_fault(struct cos_sys *sys, struct cos_thd **thd)
{
	struct cos_thd *t = *thd;

	if (t == sys->sched.thd)
		return;		/* the host hears of it and should stop */
	t->state = COS_THD_FAULTED;
	cos_sched_raise(sys, COS_SEV_FAULT, t->id, t->hw.vector);
	cos_sched_to_scheduler(sys, thd);
}

/* COS_OP_EXIT under a scheduler: the scheduler thread ends the system. */
enum cos_next cos_sched_exit(struct cos_sys *sys, struct cos_thd **thd,
			     struct cos_run *run)
{
	struct cos_thd *t = *thd;

	if (t == sys->sched.thd) {
		run->exit_reason = COS_EXIT_EXIT;
		run->exit.status = t->hw.di;
		t->hw.ax = 0;
		return COS_STOP;
	}
	t->state = COS_THD_EXITED;
	cos_sched_raise(sys, COS_SEV_EXIT, t->id, t->hw.di);
	cos_sched_to_scheduler(sys, thd);
	return COS_AGAIN;
}

/* ---- the ops ------------------------------------------------------------ */

bool cos_sched_is_op(unsigned long op)
{
	return op >= COS_OP_SWITCH && op <= COS_OP_NOW;
}

/* Raise a COS_SEV_TICK (arg 0) at @until, CLOCK_MONOTONIC ns. */
static void cos_sched_wake_at(struct cos_sys *sys, u64 until)
{
	struct cos_sched *s = &sys->sched;

	if (until == s->wake_at && hrtimer_active(&s->wake))
		return;
	s->wake_at = until;
	if (until <= ktime_get_ns())
		cos_sched_raise(sys, COS_SEV_TICK, 0, 0);
	else
		/* past KTIME_MAX: never (ns_to_ktime would go negative:
		 * a deadline in the past, firing at once) */
		hrtimer_start(&s->wake, ns_to_ktime(min_t(u64, until, KTIME_MAX)),
			      HRTIMER_MODE_ABS);
}

static long cos_sched_op_switch(struct cos_sys *sys, struct cos_thd **thd,
				unsigned long id, u64 until)
{
	struct cos_sched *s = &sys->sched;
	struct cos_thd *t = *thd, *next;

	if (until)
		cos_sched_wake_at(sys, until);

	if (id >= COS_MAX_THDS)
		return -ENOENT;
	next = smp_load_acquire(&sys->thds[array_index_nospec(id, COS_MAX_THDS)]);
	if (!next || next->state == COS_THD_RECYCLED)
		return -ENOENT;
	if (next->state != COS_THD_LIVE)
		return -ESRCH;
	if (READ_ONCE(s->pending)) {
		if (t == s->thd)
			return COS_SCHED_EVENTS;
		next = s->thd;	/* the scheduler first: as if preempted */
	}
	if (next == t)
		return 0;
	if ((next->flags & COS_THD_FPU) || atomic_cmpxchg(&next->running, 0, 1))
		return -EBUSY;
	if (next == s->thd)
		next->hw.ax = READ_ONCE(s->pending) ? COS_SCHED_EVENTS : 0;
	*thd = cos_sched_switch(t, next, 0);
	return 0;
}

/* Copy out what is queued: a TICK for the ticks, the queue, LOST. */
static long cos_sched_op_rcv(struct cos_sys *sys, struct cos_comp *comp,
			     unsigned long va, unsigned long max)
{
	struct cos_sched *s = &sys->sched;
	struct cos_sched_event ev[16];
	unsigned long flags;
	unsigned int n = 0, from_q = 0;
	bool ticks = false, lost = false;

	max = min_t(unsigned long, max, ARRAY_SIZE(ev));
	spin_lock_irqsave(&s->lock, flags);
	if (n < max && s->ticks) {
		ev[n++] = (struct cos_sched_event){ .type = COS_SEV_TICK,
			.arg = s->ticks, .time = ktime_get_ns() };
		ticks = true;
	}
	while (n < max && from_q < s->len) {
		ev[n++] = s->q[(s->head + from_q) % COS_SCHED_QLEN];
		from_q++;
	}
	if (n < max && s->lost) {
		ev[n++] = (struct cos_sched_event){ .type = COS_SEV_LOST,
			.arg = s->lost, .time = ktime_get_ns() };
		lost = true;
	}
	spin_unlock_irqrestore(&s->lock, flags);
	if (n && cos_comp_write(comp, va, ev, n * sizeof(ev[0])))
		return -EFAULT;		/* nothing taken */
	/* Only this loop takes events, so they are still first. */
	spin_lock_irqsave(&s->lock, flags);
	if (ticks)
		s->ticks -= ev[0].arg;
	if (lost)
		s->lost -= ev[n - 1].arg;
	s->head = (s->head + from_q) % COS_SCHED_QLEN;
	s->len -= from_q;
	WRITE_ONCE(s->pending, s->ticks || s->len || s->lost);
	spin_unlock_irqrestore(&s->lock, flags);
	return n;
}

static long cos_sched_op_thd_create(struct cos_sys *sys, unsigned long comp_id,
				    unsigned long ip, unsigned long arg0,
				    unsigned long arg1)
{
	struct cos_regs regs = { .rdi = arg0, .rdx = arg1,
				 .rflags = X86_EFLAGS_IF };
	struct cos_comp *comp;
	struct cos_thd *thd;
	unsigned long top;
	long err;

	mutex_lock(&sys->lock);
	err = -ENOENT;
	comp = comp_id < COS_MAX_COMPS ? cos_comp_get(sys, comp_id) : NULL;
	if (!comp)
		goto out;
	err = -EINVAL;
	if (ip < comp->base || ip >= comp->end)
		goto out;
	regs.rip = ip;
	thd = cos_thd_new(sys, comp, 0, &regs);
	if (IS_ERR(thd)) {
		err = PTR_ERR(thd);
		goto out;
	}
	err = cos_thd_stack_map(sys, comp, thd, &top);
	if (err) {
		cos_thd_recycle(thd);
		goto out;
	}
	thd->hw.sp = top;
	thd->hw.si = comp->base + COS_ARG_REGION + thd->id * COS_ARG_SIZE;
	thd->hw.ax = thd->id;
	thd->pd_fresh = true;		/* mpd.c, R4: its component's PD */
	err = thd->id;
out:
	mutex_unlock(&sys->lock);
	if (err == -ENOMEM)
		err = -ENOSPC;
	return err;
}

static long cos_sched_op_thd_destroy(struct cos_sys *sys, struct cos_thd *self,
				     unsigned long id)
{
	struct cos_thd *t;
	long err;

	mutex_lock(&sys->lock);
	err = -ENOENT;
	t = id < COS_MAX_THDS ? cos_thd_get(sys, id) : NULL;
	if (!t)
		goto out;
	err = -EBUSY;
	if (t == self || t == sys->sched.thd || atomic_read(&t->running))
		goto out;
	cos_thd_recycle(t);
	err = 0;
out:
	mutex_unlock(&sys->lock);
	return err;
}

/*
 * A scheduler op (cos_sched_is_op) from thread *@thd, whose registers are
 * saved; interrupts on. May make another thread current (*@thd).
 */
enum cos_next cos_sched_op(struct cos_sys *sys, struct cos_thd **thd,
			   struct cos_run *run)
{
	struct cos_sched *s = &sys->sched;
	struct cos_thd *t = *thd;
	struct cos_hw_regs *r = &t->hw;
	struct cos_comp *comp;
	u64 until;

	if (r->error_code == COS_OP_NOW) {
		r->ax = ktime_get_ns();
		return COS_AGAIN;
	}
	comp = cos_thd_running_comp(t);
	if (!s->thd || !s->active) {
		r->ax = -EINVAL;
		return COS_AGAIN;
	}
	if (comp != s->comp) {
		r->ax = -EPERM;
		return COS_AGAIN;
	}
	switch (r->error_code) {
	case COS_OP_SWITCH:
		r->ax = cos_sched_op_switch(sys, thd, r->di, r->si);
		return COS_AGAIN;
	case COS_OP_SCHED_RCV:
		r->ax = cos_sched_op_rcv(sys, comp, r->di, r->si);
		return COS_AGAIN;
	case COS_OP_THD_CREATE:
		r->ax = cos_sched_op_thd_create(sys, r->di, r->si, r->dx,
						 r->r10);
		return COS_AGAIN;
	case COS_OP_THD_DESTROY:
		r->ax = cos_sched_op_thd_destroy(sys, t, r->di);
		return COS_AGAIN;
	case COS_OP_IDLE:
		break;
	default:
		r->ax = -EINVAL;
		return COS_AGAIN;
	}
	if (t != s->thd) {
		r->ax = -EPERM;
		return COS_AGAIN;
	}
	r->ax = COS_SCHED_EVENTS;
	if (READ_ONCE(s->pending))
		return COS_AGAIN;
	until = r->di;
	if (until) {
		cos_sched_wake_at(sys, until);
		if (READ_ONCE(s->pending))
			return COS_AGAIN;	/* it has passed */
	}
	run->exit_reason = COS_EXIT_IDLE;
	run->idle.until_ns = until;
	return COS_STOP;
}
