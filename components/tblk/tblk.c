// SPDX-License-Identifier: GPL-2.0
/*
 * tblk - timed blocking (interface: tblk.h): a wait channel of the
 * scheduler per thread, allocated on the thread's first tblk_block (or
 * the first tblk_wake of it), so a wake before the block is kept by the
 * channel's token.
 */
#include "cos_rt.h"
#include "bare.h"
#include "sched.h"
#include "tblk.h"

COS_IFACE_SERVER(TBLK_IFACE)
COS_IFACE_CLIENT(SCHED_IFACE)

static long chan[COS_MAX_THREADS];	/* channel id + 1, 0 none yet */

/* Thread @t's channel, allocated on first use: its id or -errno. */
static long tblk_chan(long t)
{
	long c = __atomic_load_n(&chan[t], __ATOMIC_ACQUIRE), nc, want = 0;

	if (c)
		return c - 1;
	nc = sched_chan_alloc();
	if (nc < 0)
		return nc;
	/* Two first uses at once: the loser's channel stays unused. */
	if (!__atomic_compare_exchange_n(&chan[t], &want, nc + 1, 0,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return want - 1;
	return nc;
}

long tblk_block(long ns)
{
	long t = cos_thread(), c;

	if (t < 0 || t >= COS_MAX_THREADS)
		return -EINVAL;
	c = tblk_chan(t);
	return c < 0 ? c : sched_chan_wait(c, ns);
}

long tblk_wake(long thd)
{
	long c;

	if (thd < 0 || thd >= COS_MAX_THREADS)
		return -EINVAL;
	c = tblk_chan(thd);
	return c < 0 ? c : sched_chan_post(c);
}

long tblk_periodic(long ns)
{
	return ns > 0 ? sched_periodic(ns) : -EINVAL;
}

long tblk_wait_period(void)
{
	return sched_wait_period();
}

long cos_main(unsigned long base, unsigned long data)
{
	(void)base;
	(void)data;
	return 0;
}
