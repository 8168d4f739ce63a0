/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcp_priv.h - what the tcp component's files share (interface: net.h).
 *
 * stack.c: lwIP's start, the netif over the ip component, the network
 * thread (frames in) and the timer thread (lwIP's timeouts). conn.c: the
 * ids and the net_* calls, with lwIP's callbacks. pool.c: the slots of
 * the vNIC's pool, frames in as pbufs over them, frames out in batches.
 *
 * Locking: lwIP runs NO_SYS, so all of it, and everything here, is under
 * the core lock (tcp_lock/tcp_unlock): the network thread, the timer
 * thread and every thread that calls tcp_* take it. Events are not
 * triggered under it: tcp_evt_later() queues them and tcp_unlock()
 * triggers them after the release, so a woken thread never runs into a
 * held lock. Frames lwIP sends under it are gathered in pool slots and
 * go out, one batch, when tcp_unlock() releases it (or when a batch is
 * full). No frame is built in a caller's argument region.
 */
#ifndef COS_TCP_PRIV_H
#define COS_TCP_PRIV_H

#include "cos_rt.h"
#include "lwip/tcp.h"
#include "lwip/priv/tcp_priv.h"
#include "net.h"

extern unsigned long tcp_stats[NET_STAT_N];

/* 0, or -ENOMEM if the lock could not be allocated (not taken then). */
int tcp_lock(void);
void tcp_unlock(void);
void tcp_evt_later(long evt);

/* Before a frame goes to lwIP: make room for a SYN (conn.c). */
void tcp_syn_guard(const unsigned char *frame, long len);

/* pool.c, under the core lock unless said otherwise. */
#define TCP_POOL_PAGES	1024	/* 2,047 frame slots of 2 KiB (vnic.h) */

long tcp_pool_up(void);		/* ip_pool and the free list: 0 or -errno */
int tcp_pool_low(void);		/* under a quarter of the slots free */
long tcp_pool_free_slots(void);
/* The network thread only, without the lock: ip_recv into its reserve. */
long tcp_pool_recv(long ns);
unsigned int tcp_pool_rx_reserved(void);	/* the network thread's */
/* Received frame i as a pbuf over its slot (its checksum flags in
 * *flags), or NULL if ip dropped it; then tcp_pool_rx_done(frames). */
struct pbuf *tcp_pool_rx_frame(unsigned int i, u32_t *flags);
void tcp_pool_rx_done(unsigned int used);
err_t tcp_pool_send(struct pbuf *p, u32_t flags);	/* a frame out, gathered */
void tcp_pool_flush(void);		/* send what was gathered */

/* Bring the stack up (once, under the lock): 0 or -ENETDOWN. */
long tcp_stack_up(void);

/* The stack's IPv4 address, network byte order (after tcp_stack_up). */
const ip4_addr_t *tcp_stack_addr(void);

#endif
