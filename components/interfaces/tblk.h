/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tblk - timed blocking (components/tblk), the paper's timed_blk: a thread
 * blocks until a time or until another thread wakes it, whichever comes
 * first, and periodic threads wake on their period. The tcp component's
 * timer thread blocks here between lwIP's timer runs.
 *
 *   tblk_block(ns)       block until CLOCK_MONOTONIC ns (0: no deadline)
 *                        or a tblk_wake of this thread: 0 woken, 1 the
 *                        deadline passed; a wake that came first is kept
 *                        (one) and returns at once
 *   tblk_wake(thd)       wake thread thd out of tblk_block: 0; -EINVAL
 *                        no such thread id
 *   tblk_periodic(ns)    the caller's period from now on: 0; -EINVAL
 *   tblk_wait_period()   block until the caller's next period begins:
 *                        periods missed (0 on time)
 *
 * Built on the scheduler's channels and periods: one channel per thread
 * that ever blocks here (allocated on its first block).
 */
#ifndef COS_IFACE_TBLK_H
#define COS_IFACE_TBLK_H

#include "cos_iface.h"

#define TBLK_IFACE(FN)			\
	FN(tblk, block, 1)		\
	FN(tblk, wake, 1)		\
	FN(tblk, periodic, 1)		\
	FN(tblk, wait_period, 0)

#endif
