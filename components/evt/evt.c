// SPDX-License-Identifier: GPL-2.0
/*
 * evt - the event manager (interface: evt.h). An event is a scheduler
 * channel: a trigger hands its token to the first waiter or leaves it for
 * the next wait, and the scheduler runs each wait and trigger whole, so
 * none is lost. Ids are claimed with an atomic increment and published
 * with release order (preemptible code, entered concurrently).
 */
#include "cos_rt.h"
#include "bare.h"
#include "evt.h"
#include "sched.h"

COS_IFACE_SERVER(EVT_IFACE)
COS_IFACE_CLIENT(SCHED_IFACE)

#define NEVTS	128

static unsigned long nevts;
static long chan[NEVTS];		/* channel + 1; 0: not ready */

long evt_create(void)
{
	unsigned long id = __atomic_fetch_add(&nevts, 1, __ATOMIC_RELAXED);
	long ch;

	if (id >= NEVTS)
		return -ENOSPC;
	ch = sched_chan_alloc();
	if (ch < 0)
		return ch;
	__atomic_store_n(&chan[id], ch + 1, __ATOMIC_RELEASE);
	return (long)id;
}

static long evt_chan(long id)
{
	long ch;

	if (id < 0 || id >= NEVTS)
		return -EINVAL;
	ch = __atomic_load_n(&chan[id], __ATOMIC_ACQUIRE);
	return ch ? ch - 1 : -EINVAL;
}

long evt_wait(long id, long deadline)
{
	long ch = evt_chan(id);

	return ch < 0 ? ch : sched_chan_wait(ch, deadline);
}

long evt_trigger(long id)
{
	long ch = evt_chan(id);

	return ch < 0 ? ch : sched_chan_post(ch);
}

long cos_main(unsigned long base, unsigned long data)
{
	(void)base;
	(void)data;
	return 0;
}
