/* SPDX-License-Identifier: GPL-2.0 */
/*
 * schedpeer - the other side of the scheduling tests (components/schedpeer):
 * threads of its own that the test component starts through it.
 *
 *   schedpeer_spin_start(prio)     a thread that loops without ever entering
 *                                  the kernel (a runaway) until spin_stop
 *   schedpeer_spin_stop()          stop it: the loop's iteration count
 *   schedpeer_serve(chan, prio)    a thread serving achan channel chan:
 *                                  "req N" gets "resp 3N+1", "quit" ends it
 *   schedpeer_produce(evt, n, seed) a producer thread for the event stress:
 *                                  n times schedtest_deposit() then
 *                                  evt_trigger(evt), with random yields and
 *                                  sleeps
 */
#ifndef COS_IFACE_SCHEDPEER_H
#define COS_IFACE_SCHEDPEER_H

#include "cos_iface.h"

#define SCHEDPEER_IFACE(FN)		\
	FN(schedpeer, spin_start, 1)	\
	FN(schedpeer, spin_stop, 0)	\
	FN(schedpeer, serve, 2)		\
	FN(schedpeer, produce, 3)

/* schedtest's side: an item for the event stress, and a producer's end. */
#define SCHEDTEST_IFACE(FN)		\
	FN(schedtest, deposit, 0)	\
	FN(schedtest, producer_done, 0)

#endif
