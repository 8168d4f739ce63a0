/* SPDX-License-Identifier: GPL-2.0 */
/*
 * net - the tcp component's interface (components/tcp, TCP/IPv4 on lwIP;
 * docs/net.md), named as in the paper (net_accept, net_listen, ...): connections as
 * small ids, data through the calling thread's argument region. No call
 * blocks: one that cannot go on returns -EAGAIN, and the event the
 * caller gave (evt.h) is triggered when it could: data or a FIN arrived
 * with none buffered, the send buffer has room again after a -EAGAIN, a
 * listener has a connection to accept, a connect finished, an error. So
 * one thread can wait for many connections (the fd component does).
 *
 *   net_listen(port, backlog, evt)  listen on the stack's address: a
 *                          listener id; -EADDRINUSE (portmgr), -ENOSPC no
 *                          free id, -ENOMEM lwIP's pools, -EINVAL
 *   net_accept(lid, evt)   a connection from lid's queue, its readiness
 *                          signalled on evt from now on: its id; -EAGAIN
 *   net_connect(addr, port, evt)  to IPv4 addr (host byte order): an id at
 *                          once; NET_WRITABLE once established, NET_ERROR
 *                          if refused or unreachable
 *   net_send(id, len)      queue up to len bytes (1 .. COS_ARG_SIZE) from
 *                          the start of the argument region: how many were
 *                          taken (at least 1); -EAGAIN the send buffer is
 *                          full; -EPIPE after net_shutdown or a peer's RST.
 *                          The region's first n bytes (those taken) are
 *                          undefined afterwards, the rest as they were
 *   net_recv(id, max)      up to max bytes (1 .. COS_ARG_SIZE) into the
 *                          argument region: how many; 0 at end of stream;
 *                          -EAGAIN none yet; -ECONNRESET after a RST
 *   net_shutdown(id)       send a FIN (writes end; reads go on): 0
 *   net_close(id)          release the id (FIN, or RST if data was left
 *                          unread); 0
 *   net_status(id)         NET_* bits of what would not return -EAGAIN now
 *   net_evt(id, evt, cookie)  trigger evt from now on for id, and mark id
 *                          with cookie for net_poll (triggers at once if
 *                          id is ready): 0
 *   net_poll(evt, max)     the ids of event evt that were signalled since
 *                          the last poll, at most max (1 .. NET_POLL_MAX):
 *                          struct net_ready entries in the argument
 *                          region, their count; the marks are cleared
 *   net_stat(i)            counter i (NET_STAT_*)
 *
 * Ids: > 0; -EBADF for one not open (or of the wrong kind). Memory is
 * bounded: when the ids or lwIP's pools run out, connections are refused
 * (NET_STAT_REFUSED) and frames dropped (NET_STAT_RX_DROP,
 * NET_STAT_TX_DROP), never more.
 */
#ifndef COS_IFACE_NET_H
#define COS_IFACE_NET_H

#include "cos_iface.h"

#define NET_READABLE	1	/* net_recv has data or the end of stream */
#define NET_WRITABLE	2	/* net_send would take something */
#define NET_ACCEPTABLE	4	/* a listener has a connection queued */
#define NET_HUP		8	/* the peer sent its FIN (all data read) */
#define NET_ERROR	16	/* reset, refused or aborted */

#define NET_STAT_RX_FRAMES	0	/* frames given to lwIP */
#define NET_STAT_RX_DROP	1	/* frames dropped: no pool slot free */
#define NET_STAT_ACCEPTED	2	/* connections accepted (listeners) */
#define NET_STAT_REFUSED	3	/* connections refused: no id, queue full */
#define NET_STAT_OPEN		4	/* ids open now (listeners too) */
#define NET_STAT_POOL_ERR	5	/* lwIP pool and heap allocation failures */
#define NET_STAT_RESETS		6	/* connections ended by an error */
#define NET_STAT_PCBS		7	/* lwIP TCP pcbs in use now */
#define NET_STAT_SYN_DROPPED	8	/* handshakes dropped for newer SYNs */
#define NET_STAT_BAD		9	/* frames lwIP dropped: bad checksum,
					 * length, header, no such port, ... */
#define NET_STAT_TX_DROP	10	/* frames out dropped: no slot, ring full */
#define NET_STAT_SLOTS_FREE	11	/* pool slots free now (docs/net.md) */
#define NET_STAT_RX_REFUSED	12	/* received data refused for a while
					 * because the pool ran low */
#define NET_STAT_N		13

/* What net_poll writes: one entry per signalled id. */
struct net_ready {
	long cookie;		/* as given to net_evt (the id until then) */
	long status;		/* NET_* bits, as net_status */
};
#define NET_POLL_MAX	64

#define NET_IFACE(FN)			\
	FN(net, listen, 3)		\
	FN(net, accept, 2)		\
	FN(net, connect, 3)		\
	FN(net, send, 2)		\
	FN(net, recv, 2)		\
	FN(net, shutdown, 1)		\
	FN(net, close, 1)		\
	FN(net, status, 1)		\
	FN(net, evt, 3)			\
	FN(net, poll, 2)		\
	FN(net, stat, 1)

#endif
