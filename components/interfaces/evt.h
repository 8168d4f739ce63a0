/* SPDX-License-Identifier: GPL-2.0 */
/*
 * evt - the event manager (components/evt): edge-triggered events.
 *
 *   evt_create()        an event id, or -ENOSPC
 *   evt_wait(id, ns)    block until the event is triggered: 0; 1 when the
 *                       deadline ns (CLOCK_MONOTONIC, 0: none) passed
 *   evt_trigger(id)     wake the first waiter; with none waiting, the
 *                       trigger is kept (one, not counted) for the next
 *                       wait, so no wake-up is ever lost
 *
 * Any component holding the interface may wait on or trigger any event it
 * knows the id of. -EINVAL for an id never created.
 */
#ifndef COS_IFACE_EVT_H
#define COS_IFACE_EVT_H

#include "cos_iface.h"

#define EVT_IFACE(FN)		\
	FN(evt, create, 0)	\
	FN(evt, wait, 2)	\
	FN(evt, trigger, 1)

#endif
