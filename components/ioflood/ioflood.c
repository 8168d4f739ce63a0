// SPDX-License-Identifier: GPL-2.0
/*
 * ioflood - a producer that never stops, for selftests/cos_io_drain.c
 * (docs/io.md, "Kicks"), on the system's one attachment. A system
 * without a scheduler: each thread runs on a host thread of its own.
 *   flood_main  fills every slot of the ring the component produces into
 *               (net: 1514-byte frames to a MAC nobody has; disk: reads
 *               of all the data pages' worth from block 0) and then keeps
 *               it full, publishing tx.head = tx.tail + nslots as fast as
 *               it can, until the attachment reads detached: status 0.
 *               On a disk it also kicks, once, after its first batch (a
 *               kick there only queues the worker): from then on it is
 *               the worker's to keep going, and the producer never
 *               touches "kicked" again.
 *   kick_main   net: a kick drains the ring in the kicking thread, so a
 *               second thread does it, over and over (ignoring "kicked")
 *               until it gets -ENODEV: status 0; another error: 2.
 * So while the device is attached the kernel's drain always finds more:
 * it must bound itself, or the host's detach waits for it forever.
 */
#include "cos_rt.h"
#include "bare.h"
#include "cos_io.h"

long cos_io_net = -1;		/* written by the loader: one of the two */
long cos_io_blk = -1;

#define FLOOD_LEN	1514	/* the largest frame a 1500-byte MTU takes */

static struct cos_io_ctl *flood_ctl(long *id)
{
	struct cos_io_ctl *c;

	*id = cos_io_net >= 0 ? cos_io_net : cos_io_blk;
	if (*id < 0 || *id >= COS_IO_MAX)
		return NULL;
	c = cos_io_ctl_of(*id);
	return c->magic == COS_IO_MAGIC ? c : NULL;
}

static void flood_fill(struct cos_io_ctl *c)
{
	__u32 i;

	for (i = 0; i < c->nslots; i++) {
		if (c->kind == COS_IO_BLK) {
			struct cos_io_req *r = cos_io_at(c, c->tx_off + i * sizeof(*r));

			r->op = COS_IO_REQ_READ;
			r->block = 0;
			r->count = c->ndata;	/* slow: each takes a while */
			r->buf = 0;
		} else {
			struct cos_io_frame *f = cos_io_at(c, c->tx_off + i * COS_IO_FRAME_SIZE);
			static const unsigned char dst[6] = { 0x02, 0, 0, 0, 0xf1, 0x0d };

			memset(f->data, 0, FLOOD_LEN);
			memcpy(f->data, dst, 6);
			memcpy(f->data + 6, c->mac, 6);
			f->data[12] = 0x88;	/* IEEE local experimental */
			f->data[13] = 0xb5;
			f->len = FLOOD_LEN;
		}
	}
}

long flood_main(long arg)
{
	long id;
	struct cos_io_ctl *c = flood_ctl(&id);

	(void)arg;
	if (!c)
		return 1;
	flood_fill(c);
	cos_io_publish(&c->tx.head, c->nslots);
	if (c->kind == COS_IO_BLK) {
		long err = cos_io_kick(c, id);

		if (err)
			return err == -ENODEV ? 0 : 2;
	}
	while (!__atomic_load_n(&c->detached, __ATOMIC_ACQUIRE))
		cos_io_publish(&c->tx.head, cos_io_load(&c->tx.tail) + c->nslots);
	return 0;
}

long kick_main(long arg)
{
	long id, err;
	struct cos_io_ctl *c = flood_ctl(&id);

	(void)arg;
	if (!c)
		return 1;
	do
		err = cos_kop(COS_OP_IO_KICK, id, 0, 0, 0);
	while (!err);
	return err == -ENODEV ? 0 : 2;
}

long cos_main(unsigned long base, unsigned long data)
{
	(void)base;
	(void)data;
	return 0;
}
