// SPDX-License-Identifier: GPL-2.0
/*
 * lock - the slow path of the futex-style locks of lock.h: contended
 * takers block on a scheduler channel per lock, releases that saw waiters
 * post it. The fast path never comes here (lock.h says why that is safe).
 *
 * Preemptible code, entered by many threads at once: a lock id is claimed
 * with an atomic increment and published (owner last, with release
 * order); after that its entry is read only.
 */
#include "cos_rt.h"
#include "bare.h"
#define COS_LOCK_SERVER
#include "lock.h"
#include "sched.h"

COS_IFACE_SERVER(LOCK_IFACE)
COS_IFACE_CLIENT(SCHED_IFACE)

#define NLOCKS	128

static unsigned long nlocks;		/* ids handed out (may pass NLOCKS) */
static long owner[NLOCKS];		/* component id + 1; 0: not ready */
static long chan[NLOCKS];
static unsigned long calls;		/* lock_wait + lock_wake served */

long lock_alloc(COS_CALLER_PARAMS(0))
{
	unsigned long id = __atomic_fetch_add(&nlocks, 1, __ATOMIC_RELAXED);
	long ch;

	if (id >= NLOCKS)
		return -ENOSPC;
	ch = sched_chan_alloc();
	if (ch < 0)
		return ch;
	chan[id] = ch;
	__atomic_store_n(&owner[id], cos_caller() + 1, __ATOMIC_RELEASE);
	return (long)id;
}

static long lock_chan(long id, long caller)
{
	if (id < 0 || id >= NLOCKS)
		return -EINVAL;
	if (__atomic_load_n(&owner[id], __ATOMIC_ACQUIRE) != caller + 1)
		return -EPERM;
	__atomic_fetch_add(&calls, 1, __ATOMIC_RELAXED);
	return chan[id];
}

long lock_wait(long id, COS_CALLER_PARAMS(1))
{
	long ch = lock_chan(id, cos_caller());

	return ch < 0 ? ch : sched_chan_wait(ch, 0);
}

long lock_wake(long id, COS_CALLER_PARAMS(1))
{
	long ch = lock_chan(id, cos_caller());

	return ch < 0 ? ch : sched_chan_post(ch);
}

/* lock_wait and lock_wake calls served so far (tests: the fast path). */
long lock_calls(void)
{
	return (long)__atomic_load_n(&calls, __ATOMIC_RELAXED);
}

long cos_main(unsigned long base, unsigned long data)
{
	(void)base;
	(void)data;
	return 0;
}
