/* SPDX-License-Identifier: GPL-2.0 */
/*
 * achan - asynchronous invocation (components/achan): a bidirectional,
 * message-oriented channel between a client thread and a server thread,
 * usually in different components. The client sends requests and receives
 * responses; the server receives requests and sends responses; each
 * direction is FIFO and holds up to ACHAN_DEPTH messages, so a client may
 * have several requests in flight.
 *
 * Messages travel through the calling thread's argument region (offset
 * 0, up to ACHAN_MSG_MAX bytes), copied by the achan component:
 *
 *   achan_create()            a channel id, or -ENOSPC
 *   achan_send(id, end, len)  queue len bytes from the caller's argument
 *                             region; blocks while the direction is full;
 *                             0 or -errno (-EINVAL bad id/end/len)
 *   achan_recv(id, end)       block until a message arrives, copy it to
 *                             the caller's argument region: its length
 *
 * end: ACHAN_CLIENT (sends requests, receives responses) or ACHAN_SERVER.
 * Each end is used by one thread: the first to use it (-EBUSY for others).
 */
#ifndef COS_IFACE_ACHAN_H
#define COS_IFACE_ACHAN_H

#include "cos_iface.h"

#define ACHAN_CLIENT	0
#define ACHAN_SERVER	1
#define ACHAN_DEPTH	8
#define ACHAN_MSG_MAX	256

#define ACHAN_IFACE(FN)		\
	FN(achan, create, 0)	\
	FN(achan, send, 3)	\
	FN(achan, recv, 2)

#endif
