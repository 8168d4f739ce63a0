/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcp_priv.h - what the tcp component's files share (interface: net.h).
 *
 * stack.c: lwIP's start, the netif over the ip component, the network
 * thread (frames in) and the timer thread (lwIP's timeouts). conn.c: the
 * ids and the tcp_* calls, with lwIP's callbacks.
 *
 * Locking: lwIP runs NO_SYS, so all of it, and everything here, is under
 * the core lock (tcp_lock/tcp_unlock): the network thread, the timer
 * thread and every thread that calls tcp_* take it. Events are not
 * triggered under it: tcp_evt_later() queues them and tcp_unlock()
 * triggers them after the release, so a woken thread never runs into a
 * held lock.
 *
 * The argument region: lwIP's output (tcp_linkoutput) builds each frame
 * in the calling thread's region, so a tcp_* call reads its input from
 * the region before it calls into lwIP and writes its result there only
 * after its last lwIP call.
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

/* Bring the stack up (once, under the lock): 0 or -ENETDOWN. */
long tcp_stack_up(void);

/* The stack's IPv4 address, network byte order (after tcp_stack_up). */
const ip4_addr_t *tcp_stack_addr(void);

#endif
