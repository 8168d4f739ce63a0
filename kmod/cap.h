/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cap.h - capabilities (cap.c): the right of a client component to enter
 * a server, its user-level table entry (flipped between the stub and the
 * server function by mpd.c), fault handlers, and the edge statistics
 * read over capabilities.
 *
 * Locking: created under sys->lock with nothing running (EBUSY
 * otherwise), so ids below comp->nr_caps never change while a thread runs
 * (fastpath.S relies on it). invocations is incremented atomically by the
 * fast and slow paths on any CPU and read/zeroed with atomic exchanges
 * (COS_EDGES). Flips are single aligned stores (cos_ucap.fn), under
 * sys->lock.
 */
#ifndef COS_CAP_H
#define COS_CAP_H

#include <linux/types.h>

#define COS_MAX_CAPS	256	/* capabilities one component may hold */

struct cos_sys;
struct cos_comp;

struct cos_cap {
	struct cos_comp *server;	/* NULL: no capability at this id */
	unsigned long entry;
	u64 invocations;		/* inter-PD invocations, by the kernel */
	unsigned long stub;		/* client_fn: its captbl entry across PDs */
	unsigned long direct;		/* server_fn: the entry inside one PD */
};

long cos_ioctl_cap_create(struct cos_sys *sys, void __user *arg);
long cos_ioctl_fault_handler(struct cos_sys *sys, void __user *arg);
long cos_ioctl_edges(struct cos_sys *sys, void __user *arg);
/* COS_OP_EDGES: rows into @comp's memory at @va (run loop, process
 * context). */
long cos_edges_op(struct cos_sys *sys, struct cos_comp *comp, unsigned long va,
		  unsigned long max, unsigned long flags);
/* Point @client's table entry @id at the server function / the stub. */
void cos_cap_flip(struct cos_comp *client, unsigned int id);
void cos_cap_stub(struct cos_comp *client, unsigned int id);

#endif
