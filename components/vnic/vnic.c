// SPDX-License-Identifier: GPL-2.0
/*
 * vnic - the virtual NIC (interface: vnic.h): owns the rings of the
 * system's COS_IO_NET attachment. Receive copies a frame from the rx ring
 * into the caller's argument region, waiting on the scheduler's I/O
 * channel with the ring armed when it is empty; send copies into the tx
 * ring and kicks the Linux-side worker unless a kick is in flight.
 */
#include "cos_rt.h"
#include "bare.h"
#include "cos_io.h"
#include "sched.h"
#include "vnic.h"

COS_IFACE_SERVER(VNIC_IFACE)
COS_IFACE_CLIENT(SCHED_IFACE)

long cos_io_net = -1;		/* the attachment: written by the loader */

#define VNIC_TX_BATCH	16

static __u32 rx_tail, tx_head;	/* our own indices (one receiver, one sender) */
static __u32 tx_kicked;		/* tx_head at the last kick */
static unsigned long counts[3];

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

long vnic_recv(long ns)
{
	struct cos_io_ctl *c = vnic_ctl();
	struct cos_io_frame *f;
	__u32 len;

	if (!c)
		return -ENODEV;
	while (cos_io_load(&c->rx.head) == rx_tail) {
		if (__atomic_load_n(&c->detached, __ATOMIC_ACQUIRE))
			return -ENODEV;
		if (cos_io_arm(c, &c->rx.head, rx_tail))
			break;
		if (tx_kicked != tx_head) {	/* frames vnic_send gathered */
			tx_kicked = tx_head;
			cos_io_kick(c, cos_io_net);
		}
		if (sched_io_wait(cos_io_net, ns) == 1)
			return 0;
	}
	f = vnic_frame(c, c->rx_off, rx_tail);
	len = f->len < COS_IO_FRAME_MAX ? f->len : COS_IO_FRAME_MAX;
	memcpy(cos_args(), f->data, len);
	*(__u32 *)((char *)cos_args() + VNIC_FLAGS_OFF) = f->flags & COS_IO_FRAME_CSUM_OK;
	cos_io_publish(&c->rx.tail, ++rx_tail);
	counts[0]++;
	return len;
}

long vnic_send(long arg)
{
	struct cos_io_ctl *c = vnic_ctl();
	long err, len = arg & 0xffff;
	struct cos_io_frame *f;

	if (!c || __atomic_load_n(&c->detached, __ATOMIC_ACQUIRE))
		return -ENODEV;
	if (arg & ~(0xffffl | VNIC_SEND_CSUM_TCP))
		return -EINVAL;
	if (len < 14 || len > COS_IO_FRAME_MAX)
		return -EINVAL;
	if (tx_head - cos_io_load(&c->tx.tail) >= c->nslots) {
		counts[2]++;
		return -EAGAIN;
	}
	f = vnic_frame(c, c->tx_off, tx_head);
	memcpy(f->data, cos_args(), (unsigned long)len);
	f->len = (__u32)len;
	f->flags = arg & VNIC_SEND_CSUM_TCP ? COS_IO_FRAME_CSUM_TCP : 0;
	cos_io_publish(&c->tx.head, ++tx_head);
	counts[1]++;
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
	return i >= 0 && i < 3 ? (long)counts[i] : -EINVAL;
}

long cos_main(unsigned long base, unsigned long data)
{
	(void)base;
	(void)data;
	return 0;
}
