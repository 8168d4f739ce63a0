/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lock - mutual exclusion between threads (components/lock), futex style:
 * the lock word lives in the client's own memory and an uncontended take
 * or release is one compare-and-swap on it, with no call to the lock
 * component and no kernel entry. Only contention goes to the lock
 * component, which blocks and wakes through the scheduler's channels.
 *
 * The word: 0 free; the holder's thread id + 1; that | COS_LOCK_WAITERS
 * when threads may be blocked on it.
 *
 * Why it is safe under preemption in any PD layout: the fast path is a
 * single atomic instruction on memory of the calling component, so a
 * thread preempted anywhere (its instruction pointer in any member of a
 * merged PD) has either done it or not; nothing is restarted or rolled
 * back. The slow path closes the lost wake-up window with the channel's
 * token: a release that finds WAITERS posts the channel even when nobody
 * sleeps yet, and a taker that set WAITERS and then waits takes that
 * token and tries again. Every taker that leaves the slow path takes the
 * lock with WAITERS set, so a thread still blocked is always woken by a
 * later release.
 *
 * Interface (the lock component): lock_alloc() a lock id (or -ENOSPC),
 * lock_wait(id) block until a release hands over, lock_wake(id) hand over
 * to one waiter, lock_calls() how many waits and wakes it served (tests
 * check that the fast path never comes). Ids belong to the component that
 * allocated them (-EPERM for others).
 */
#ifndef COS_IFACE_LOCK_H
#define COS_IFACE_LOCK_H

#include "cos_iface.h"

#define LOCK_IFACE(FN)		\
	FN(lock, alloc, 0)	\
	FN(lock, wait, 1)	\
	FN(lock, wake, 1)	\
	FN(lock, calls, 0)

#define COS_LOCK_WAITERS	(1ul << 63)

struct cos_lock {
	unsigned long word;
	long id;		/* the lock component's id */
	unsigned long fast;	/* takes and releases on the fast path */
	unsigned long slow;	/* ... through the lock component */
};

#ifndef COS_LOCK_SERVER		/* the client library */
COS_IFACE_DECLARE(LOCK_IFACE)

/* 0 or -errno from lock_alloc. */
static inline long cos_lock_init(struct cos_lock *l)
{
	l->word = 0;
	l->fast = l->slow = 0;
	l->id = lock_alloc();
	return l->id < 0 ? l->id : 0;
}

static inline int cos_lock_cas(unsigned long *w, unsigned long old,
			       unsigned long new)
{
	return __atomic_compare_exchange_n(w, &old, new, 0, __ATOMIC_ACQ_REL,
					   __ATOMIC_RELAXED);
}

static inline void cos_lock_take(struct cos_lock *l)
{
	unsigned long me = (unsigned long)cos_thread() + 1, v;

	if (__builtin_expect(cos_lock_cas(&l->word, 0, me), 1)) {
		l->fast++;	/* under the lock: exact */
		return;
	}
	for (;;) {
		v = __atomic_load_n(&l->word, __ATOMIC_ACQUIRE);
		if (!v) {
			if (cos_lock_cas(&l->word, 0, me | COS_LOCK_WAITERS))
				break;
			continue;
		}
		if (!(v & COS_LOCK_WAITERS) &&
		    !cos_lock_cas(&l->word, v, v | COS_LOCK_WAITERS))
			continue;
		lock_wait(l->id);
	}
	l->slow++;
}

static inline void cos_lock_release(struct cos_lock *l)
{
	unsigned long me = (unsigned long)cos_thread() + 1;

	l->fast++;	/* counted while held; undone below if slow */
	if (__builtin_expect(cos_lock_cas(&l->word, me, 0), 1))
		return;
	l->fast--;
	l->slow++;
	__atomic_store_n(&l->word, 0, __ATOMIC_RELEASE);
	lock_wake(l->id);
}
#endif /* COS_LOCK_SERVER */

#endif
