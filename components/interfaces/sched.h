/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sched - the scheduler component's interface (components/sched): fixed
 * priorities, round robin within one, blocking on channels and time.
 *
 * Priorities: 1 (highest) .. 8 (lowest); 0 means the default, 4.
 *
 *   sched_yield()                  to the next thread of the same priority
 *   sched_thd_create(entry, fn, arg, prio)
 *                                  a thread in the calling component; use
 *                                  cos_thd_spawn() below. Its id, or -errno
 *   sched_sleep_until(ns)          block until CLOCK_MONOTONIC ns
 *   sched_chan_alloc()             a wait channel: a binary semaphore with
 *                                  a FIFO of waiters; its id or -ENOSPC
 *   sched_chan_wait(ch, ns)        take the channel's token, or block until
 *                                  a post hands it over: 0; 1 when the
 *                                  deadline ns (0: none) passed first
 *   sched_chan_post(ch)            wake the first waiter, or leave the token
 *                                  (at most one) for the next wait
 *   sched_set_prio(thd, prio)      0 or -errno
 *   sched_periodic(period_ns)      from now on the caller's period
 *   sched_wait_period()            block until the caller's next period
 *                                  starts: periods missed (0 on time)
 *   sched_io_wait(io, ns)          block until I/O attachment io raises
 *                                  COS_SEV_IO (its ring armed: cos_io.h):
 *                                  0; 1 at the deadline ns (0: none). An
 *                                  event with no waiter is kept for the
 *                                  next wait, so none is lost
 *
 * A wait and a post never lose each other: the scheduler's code is never
 * preempted (cos.h), so each runs whole.
 */
#ifndef COS_IFACE_SCHED_H
#define COS_IFACE_SCHED_H

#include "cos_iface.h"

#define SCHED_PRIO_MAX		1	/* the highest priority */
#define SCHED_PRIO_MIN		8
#define SCHED_PRIO_DEFAULT	4

#define SCHED_IFACE(FN)			\
	FN(sched, yield, 0)		\
	FN(sched, thd_create, 4)	\
	FN(sched, sleep_until, 1)	\
	FN(sched, chan_alloc, 0)	\
	FN(sched, chan_wait, 2)		\
	FN(sched, chan_post, 1)		\
	FN(sched, set_prio, 2)		\
	FN(sched, periodic, 1)		\
	FN(sched, wait_period, 0)	\
	FN(sched, io_wait, 2)

/* Runtime entry of threads the scheduler creates (userlib/rt/entry.S):
 * RDI = fn, RDX = arg; runs fn(arg) on the thread's own stack and exits
 * with its result. */
void cos_thd_start(void);

/* A thread in this component running fn(arg) at priority prio. */
#define cos_thd_spawn(fn, arg, prio)					\
	sched_thd_create((long)cos_thd_start, (long)(fn), (long)(arg),	\
			 (long)(prio))

#endif
