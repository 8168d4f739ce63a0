// SPDX-License-Identifier: GPL-2.0
/*
 * vnic - the virtual NIC (interface: vnic.h): owns the rings of the
 * system's COS_IO_NET attachment. Receive copies a frame from the rx ring
 * into the caller's argument region, waiting on the scheduler's I/O
 * channel with the ring armed when it is empty; send copies into the tx
 * ring and kicks the Linux-side worker unless a kick is in flight. The
 * batched calls do the same for many frames at once, between the rings
 * and the slots of a pool this component allocates from mm and shares
 * with its caller.
 */
#include "cos_rt.h"
#include "bare.h"
#include "cos_io.h"
#include "sched.h"
#include "mm.h"
#include "vnic.h"

COS_IFACE_SERVER(VNIC_IFACE)
COS_IFACE_CLIENT(SCHED_IFACE)
COS_IFACE_CLIENT(MM_IFACE)

long cos_io_net = -1;		/* the attachment: written by the loader */

#define VNIC_TX_BATCH	16

static __u32 rx_tail, tx_head;	/* our own indices (one receiver, one sender) */
static __u32 tx_kicked;		/* tx_head at the last kick */
static unsigned long counts[4];
static struct vnic_pool *pool;	/* in our window; NULL until vnic_pool */
static unsigned int pool_slots;	/* slots, the descriptors' slot 0 included */
static int pool_state;		/* 0 none, 1 being made, 2 made */

static struct cos_io_ctl *vnic_ctl(void)
{
	struct cos_io_ctl *c;

	if (cos_io_net < 0 || cos_io_net >= COS_IO_MAX)
		return NULL;
	c = cos_io_ctl_of(cos_io_net);
	return c->magic == COS_IO_MAGIC && c->kind != COS_IO_BLK ? c : NULL;
}

static struct cos_io_frame *vnic_frame(struct cos_io_ctl *c, __u32 off, __u32 i)
{
	return cos_io_at(c, off + (i & (c->nslots - 1)) * COS_IO_FRAME_SIZE);
}

/*
 * Wait until the rx ring holds a frame: 1, or 0 at the deadline @ns,
 * -ENODEV. Kicks what vnic_send gathered before it sleeps.
 */
static long vnic_wait(struct cos_io_ctl *c, long ns)
{
	while (cos_io_load(&c->rx.head) == rx_tail) {
		if (__atomic_load_n(&c->detached, __ATOMIC_ACQUIRE))
			return -ENODEV;
		if (cos_io_arm(c, &c->rx.head, rx_tail))
			break;
		if (tx_kicked != tx_head) {
			tx_kicked = tx_head;
			cos_io_kick(c, cos_io_net);
		}
		if (sched_io_wait(cos_io_net, ns) == 1)
			return 0;
	}
	return 1;
}

long vnic_recv(long ns)
{
	struct cos_io_ctl *c = vnic_ctl();
	struct cos_io_frame *f;
	long err;
	__u32 len;

	if (!c)
		return -ENODEV;
	err = vnic_wait(c, ns);
	if (err <= 0)
		return err;
	f = vnic_frame(c, c->rx_off, rx_tail);
	len = f->len < COS_IO_FRAME_MAX ? f->len : COS_IO_FRAME_MAX;
	memcpy(cos_args(), f->data, len);
	*(__u32 *)((char *)cos_args() + VNIC_FLAGS_OFF) = f->flags & COS_IO_FRAME_CSUM_OK;
	cos_io_publish(&c->rx.tail, ++rx_tail);
	counts[0]++;
	return len;
}

/* One frame of @len bytes at @src into the tx ring, not kicked: 0, or
 * -EAGAIN the ring is full (the frame dropped and counted). */
static long vnic_tx_one(struct cos_io_ctl *c, const void *src, __u32 len, __u32 flags)
{
	struct cos_io_frame *f;

	if (tx_head - cos_io_load(&c->tx.tail) >= c->nslots) {
		counts[2]++;
		return -EAGAIN;
	}
	f = vnic_frame(c, c->tx_off, tx_head);
	memcpy(f->data, src, len);
	f->len = len;
	f->flags = flags;
	cos_io_publish(&c->tx.head, ++tx_head);
	counts[1]++;
	return 0;
}

long vnic_send(long arg)
{
	struct cos_io_ctl *c = vnic_ctl();
	long err, len = arg & 0xffff;

	if (!c || __atomic_load_n(&c->detached, __ATOMIC_ACQUIRE))
		return -ENODEV;
	if (arg & ~(0xffffl | VNIC_SEND_CSUM_TCP))
		return -EINVAL;
	if (len < 14 || len > COS_IO_FRAME_MAX)
		return -EINVAL;
	err = vnic_tx_one(c, cos_args(), (__u32)len,
			  arg & VNIC_SEND_CSUM_TCP ? COS_IO_FRAME_CSUM_TCP : 0);
	if (err)
		return err;
	/*
	 * One kick per batch: while received frames still wait (this thread
	 * will be back before it sleeps), gather up to VNIC_TX_BATCH; kick
	 * when none waits, so nothing sent sits behind a receiver asleep.
	 */
	if (cos_io_load(&c->rx.head) != rx_tail && tx_head - tx_kicked < VNIC_TX_BATCH)
		return 0;
	tx_kicked = tx_head;
	err = cos_io_kick(c, cos_io_net);
	return err < 0 ? err : 0;
}

long vnic_mac(void)
{
	struct cos_io_ctl *c = vnic_ctl();
	long mac = 0;
	int i;

	if (!c)
		return -ENODEV;
	for (i = 0; i < 6; i++)
		mac = mac << 8 | c->mac[i];
	return mac;
}

long vnic_count(long i)
{
	return i >= 0 && i < 4 ? (long)counts[i] : -EINVAL;
}

/* ---- the batched path --------------------------------------------------- */

static void *vnic_slot(unsigned int slot)
{
	return (char *)pool + (unsigned long)slot * VNIC_SLOT_SIZE;
}

long vnic_pool(long npages, COS_CALLER_PARAMS(1))
{
	long off, mine, err;
	int s = 0;

	if (npages < VNIC_POOL_MIN_PAGES || npages > VNIC_POOL_MAX_PAGES)
		return -EINVAL;
	if (!__atomic_compare_exchange_n(&pool_state, &s, 1, 0, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		return -EBUSY;
	mine = mm_alloc(npages);
	if (mine < 0) {
		err = mine;
		goto out_none;
	}
	off = mm_share(mine, npages, cos_caller(), COS_PROT_READ | COS_PROT_WRITE);
	if (off < 0) {
		err = off;
		goto out_free;
	}
	pool = cos_mm_at((unsigned long)mine);
	pool_slots = (unsigned int)(npages * MM_PAGE_SIZE / VNIC_SLOT_SIZE);
	__atomic_store_n(&pool_state, 2, __ATOMIC_RELEASE);
	return off;
out_free:
	mm_free(mine, npages);
out_none:
	__atomic_store_n(&pool_state, 0, __ATOMIC_RELEASE);
	return err;
}

static int vnic_pool_ready(void)
{
	return __atomic_load_n(&pool_state, __ATOMIC_ACQUIRE) == 2;
}

long vnic_recv_batch(long n, long ns)
{
	struct cos_io_ctl *c = vnic_ctl();
	unsigned int slot[VNIC_BATCH], i;
	__u32 head, len;
	long err;

	if (!c)
		return -ENODEV;
	if (!vnic_pool_ready())
		return -ENOENT;
	if (n < 0 || n > VNIC_BATCH)
		return -EINVAL;
	for (i = 0; i < (unsigned int)n; i++) {	/* read once: the caller's */
		slot[i] = __atomic_load_n(&pool->rx[i].slot, __ATOMIC_RELAXED);
		if (!slot[i] || slot[i] >= pool_slots)
			return -EINVAL;
	}
	err = vnic_wait(c, ns);
	if (err <= 0)
		return err;
	head = cos_io_load(&c->rx.head);
	for (i = 0; rx_tail != head && (i < (unsigned int)n || !n); rx_tail++) {
		struct cos_io_frame *f = vnic_frame(c, c->rx_off, rx_tail);

		if (!n) {
			counts[3]++;
			continue;
		}
		len = f->len < COS_IO_FRAME_MAX ? f->len : COS_IO_FRAME_MAX;
		memcpy(vnic_slot(slot[i]), f->data, len);
		pool->rx[i].len = (__u16)len;
		pool->rx[i].flags = f->flags & COS_IO_FRAME_CSUM_OK;
		i++;
	}
	cos_io_publish(&c->rx.tail, rx_tail);
	counts[0] += i;
	return i;
}

long vnic_send_batch(long n)
{
	struct cos_io_ctl *c = vnic_ctl();
	long i, sent = 0, err = 0;

	if (!c || __atomic_load_n(&c->detached, __ATOMIC_ACQUIRE))
		return -ENODEV;
	if (!vnic_pool_ready())
		return -ENOENT;
	if (n < 0 || n > VNIC_BATCH)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		struct vnic_desc d = pool->tx[i];	/* read once: the caller's */

		if (!d.slot || d.slot >= pool_slots || d.len < 14 || d.len > COS_IO_FRAME_MAX ||
		    (d.flags & ~(__u32)COS_IO_FRAME_CSUM_TCP)) {
			err = -EINVAL;
			break;
		}
		if (!vnic_tx_one(c, vnic_slot(d.slot), d.len, d.flags))
			sent++;
	}
	if (tx_kicked != tx_head) {
		long k;

		tx_kicked = tx_head;
		k = cos_io_kick(c, cos_io_net);
		if (k < 0 && !err)
			err = k;
	}
	return err ? err : sent;
}

long cos_main(unsigned long base, unsigned long data)
{
	(void)base;
	(void)data;
	return 0;
}
