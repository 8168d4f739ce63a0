// SPDX-License-Identifier: GPL-2.0
/*
 * blk - the block component (interface: blk.h): owns the request ring of
 * the system's COS_IO_BLK attachment. A request goes into the ring and
 * one kick wakes the Linux-side worker, which completes requests in order;
 * the component waits (ring armed) only when it needs the data: the next
 * read window is read ahead while the current one is used, and gathered
 * writes go out while the next ones gather. In-order completion keeps a
 * read queued after a write of the same block seeing the write.
 */
#include "cos_rt.h"
#include "bare.h"
#include "cos_io.h"
#include "sched.h"
#include "blk.h"

COS_IFACE_SERVER(BLK_IFACE)
COS_IFACE_CLIENT(SCHED_IFACE)

#define WIN	16		/* blocks per request: a window of data pages */

long cos_io_blk = -1;		/* the attachment: written by the loader */

/*
 * Four windows of WIN data pages: 0 and 1 read (one being used, the other
 * read ahead), 2 and 3 write (one gathering, the other being written).
 * A window's data stays valid until the window is reused.
 */
struct win {
	long start;		/* first block; -1: empty */
	unsigned long count;
	__u32 req;		/* its request, while pending */
	int pending, submitted;
	long status;		/* of its last request */
};

static __u32 req_head;		/* our own index */
static struct win rw[2] = { { .start = -1 }, { .start = -1 } };
static struct win ww[2] = { { .start = -1 }, { .start = -1 } };
static int wcur;		/* the write window gathering */
static long flush_err;		/* the first error since the last flush */

/* The attachment, or NULL: none, or detached. */
static struct cos_io_ctl *blk_ctl(void)
{
	struct cos_io_ctl *c;

	if (cos_io_blk < 0 || cos_io_blk >= COS_IO_MAX)
		return NULL;
	c = cos_io_ctl_of(cos_io_blk);
	if (c->magic != COS_IO_MAGIC || c->kind != COS_IO_BLK || c->ndata < 4 * WIN)
		return NULL;
	/* nothing cached answers for a device that is gone */
	return __atomic_load_n(&c->detached, __ATOMIC_ACQUIRE) ? NULL : c;
}

static void *blk_page(struct cos_io_ctl *c, int w, unsigned long i)
{
	return cos_io_at(c, c->data_off + (w * WIN + i) * COS_IO_BLOCK);
}

static struct cos_io_req *blk_req(struct cos_io_ctl *c, __u32 i)
{
	return cos_io_at(c, c->tx_off + (i & (c->nslots - 1)) * sizeof(struct cos_io_req));
}

static int blk_done(struct cos_io_ctl *c, __u32 req)
{
	return (__s32)(cos_io_load(&c->tx.tail) - req) > 0;
}

/* Wait for @w's request (if any): its status. */
static long blk_wait(struct cos_io_ctl *c, struct win *w)
{
	while (w->pending && !blk_done(c, w->req)) {
		if (__atomic_load_n(&c->detached, __ATOMIC_ACQUIRE)) {
			w->pending = 0;
			w->start = -1;
			return w->status = -ENODEV;
		}
		__atomic_store_n(&c->armed, 1, __ATOMIC_SEQ_CST);
		if (!blk_done(c, w->req))
			sched_io_wait(cos_io_blk, 0);
	}
	if (w->pending) {
		w->status = blk_req(c, w->req)->status;
		w->pending = 0;
	}
	return w->status;
}

static void blk_reap(struct cos_io_ctl *c)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (rw[i].pending && blk_done(c, rw[i].req))
			blk_wait(c, &rw[i]);
		if (ww[i].pending && blk_done(c, ww[i].req))
			blk_wait(c, &ww[i]);
	}
}

/* Queue a request for window @w (data window @dw) without waiting. */
static long blk_submit(struct cos_io_ctl *c, struct win *w, __u32 op, int dw)
{
	long err;

	blk_reap(c);		/* statuses out before their slots come round */
	*blk_req(c, req_head) = (struct cos_io_req){ .block = (unsigned long)(w ? w->start : 0),
		.count = w ? (__u32)w->count : 0, .buf = (__u32)(dw * WIN),
		.op = op, .tag = req_head };
	if (w) {
		w->req = req_head;
		w->pending = 1;
		w->status = 0;
	}
	cos_io_publish(&c->tx.head, ++req_head);
	err = cos_io_kick(c, cos_io_blk);
	if (err && w) {
		w->pending = 0;
		w->status = err;
	}
	return err;
}

static void blk_write_out(struct cos_io_ctl *c, int k);

/* Read up to WIN blocks from @b into read window @k, without waiting. */
static long blk_fetch(struct cos_io_ctl *c, int k, unsigned long b)
{
	unsigned long n = c->nblocks - b < WIN ? c->nblocks - b : WIN;
	int i;

	/* gathered writes to these blocks go first: the worker keeps order */
	for (i = 0; i < 2; i++)
		if (ww[i].start >= 0 && (unsigned long)ww[i].start < b + n &&
		    b < (unsigned long)ww[i].start + ww[i].count)
			blk_write_out(c, i);
	blk_wait(c, &rw[k]);
	rw[k].start = (long)b;
	rw[k].count = n;
	return blk_submit(c, &rw[k], COS_IO_REQ_READ, k);
}

static int blk_in(const struct win *w, long b)
{
	return w->start >= 0 && b >= w->start && (unsigned long)(b - w->start) < w->count;
}

/* A write window's request: sent, and its error kept for the flush. */
static void blk_write_out(struct cos_io_ctl *c, int k)
{
	if (ww[k].count && !ww[k].submitted) {
		ww[k].submitted = 1;
		blk_submit(c, &ww[k], COS_IO_REQ_WRITE, 2 + k);
	}
}

static void blk_write_reap(struct cos_io_ctl *c, int k)
{
	long err = blk_wait(c, &ww[k]);

	if (err && !flush_err)
		flush_err = err;
}

long blk_size(void)
{
	struct cos_io_ctl *c = blk_ctl();

	return c ? (long)c->nblocks : -ENODEV;
}

long blk_read(long b)
{
	struct cos_io_ctl *c = blk_ctl();
	unsigned long next;
	long err;
	int k, i;

	if (!c)
		return -ENODEV;
	if (b < 0 || (unsigned long)b >= c->nblocks)
		return -ENXIO;
	for (k = wcur, i = 0; i < 2; k = !k, i++)	/* the newest first */
		if (blk_in(&ww[k], b)) {
			memcpy(cos_args(), blk_page(c, 2 + k, (unsigned long)(b - ww[k].start)),
			       COS_IO_BLOCK);
			return 0;
		}
	k = blk_in(&rw[0], b) ? 0 : blk_in(&rw[1], b) ? 1 : -1;
	if (k < 0) {
		k = rw[0].pending ? 1 : 0;
		err = blk_fetch(c, k, (unsigned long)b);
		if (err)
			return err;
	}
	err = blk_wait(c, &rw[k]);
	if (err) {
		rw[k].start = -1;
		return err;
	}
	/* read ahead: the next window into the other buffer */
	next = (unsigned long)rw[k].start + rw[k].count;
	if (next < c->nblocks && rw[!k].start != (long)next)
		blk_fetch(c, !k, next);
	memcpy(cos_args(), blk_page(c, k, (unsigned long)(b - rw[k].start)), COS_IO_BLOCK);
	return 0;
}

long blk_write(long b)
{
	struct cos_io_ctl *c = blk_ctl();
	struct win *w;
	int k;

	if (!c)
		return -ENODEV;
	if (b < 0 || (unsigned long)b >= c->nblocks)
		return -ENXIO;
	for (k = 0; k < 2; k++)
		if (blk_in(&rw[k], b)) {	/* keep the read-ahead true */
			if (blk_wait(c, &rw[k]))
				rw[k].start = -1;
			else
				memcpy(blk_page(c, k, (unsigned long)(b - rw[k].start)),
				       cos_args(), COS_IO_BLOCK);
		}
	w = &ww[wcur];
	if (w->submitted || !(w->count && b >= w->start &&
			      (unsigned long)(b - w->start) <= w->count &&
			      (unsigned long)(b - w->start) < WIN)) {
		/* this window is sent (or b does not fit): the other one */
		blk_write_out(c, wcur);
		wcur = !wcur;
		w = &ww[wcur];
		blk_write_reap(c, wcur);
		*w = (struct win){ .start = b };
	}
	memcpy(blk_page(c, 2 + wcur, (unsigned long)(b - w->start)), cos_args(), COS_IO_BLOCK);
	if ((unsigned long)(b - w->start) == w->count)
		w->count++;
	if (w->count == WIN)
		blk_write_out(c, wcur);
	return 0;
}

long blk_flush(void)
{
	struct cos_io_ctl *c = blk_ctl();
	struct win f = { .start = -1 };
	long err;

	if (!c)
		return -ENODEV;
	blk_write_out(c, wcur);
	blk_write_reap(c, 0);
	blk_write_reap(c, 1);
	err = blk_submit(c, &f, COS_IO_REQ_FLUSH, 0);
	if (!err)
		err = blk_wait(c, &f);
	if (!flush_err)
		flush_err = err;
	err = flush_err;
	flush_err = 0;
	return err;
}

long cos_main(unsigned long base, unsigned long data)
{
	(void)base;
	(void)data;
	return 0;
}
