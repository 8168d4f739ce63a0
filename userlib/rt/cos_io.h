/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cos_io.h - a component's side of an I/O attachment (cos.h, docs/io.md):
 * where its region is, the ring indices, arming and kicking.
 *
 * The host attaches a device to a component and the loader writes the
 * attachment's id into the component's "long cos_io_net" or "long
 * cos_io_blk" (give it an initial value, -1: "none attached"). One
 * thread at a time may consume a ring and one may produce into it.
 */
#ifndef COS_IO_RT_H
#define COS_IO_RT_H

#include "cos_comp_abi.h"
#include "cos_iface.h"
#include "cos_sched_ops.h"

static inline struct cos_io_ctl *cos_io_ctl_of(long id)
{
	return (struct cos_io_ctl *)(cos_captbl_addr - COS_CAPTBL_REGION +
				     COS_IO_REGION + id * COS_IO_REGION_SIZE);
}

static inline void *cos_io_at(struct cos_io_ctl *c, unsigned long off)
{
	return (char *)c + off;
}

static inline __u32 cos_io_load(const __u32 *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void cos_io_publish(__u32 *p, __u32 v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/*
 * Before waiting: ask for an event, then look again. True if the ring
 * the kernel produces into has something at @mine (consumer index) now;
 * otherwise the next arrival raises COS_SEV_IO.
 */
static inline int cos_io_arm(struct cos_io_ctl *c, const __u32 *head, __u32 mine)
{
	__atomic_store_n(&c->armed, 1, __ATOMIC_SEQ_CST);
	return cos_io_load(head) != mine;
}

/* After producing: wake the Linux-side worker unless a kick is in flight. */
static inline long cos_io_kick(struct cos_io_ctl *c, long id)
{
	if (__atomic_exchange_n(&c->kicked, 1, __ATOMIC_SEQ_CST))
		return 0;
	return cos_kop(COS_OP_IO_KICK, id, 0, 0, 0);
}

#endif
