// SPDX-License-Identifier: GPL-2.0
/*
 * blk - the block component (interface: blk.h): owns the request ring of
 * the system's COS_IO_BLK attachment. Requests go one at a time: put it
 * in the ring, kick the Linux-side worker, wait with the ring armed until
 * the kernel completes it. Data pages 0..15 hold the read-ahead window,
 * 16..31 the writes being gathered.
 */
#include "cos_rt.h"
#include "bare.h"
#include "cos_io.h"
#include "sched.h"
#include "blk.h"

COS_IFACE_SERVER(BLK_IFACE)
COS_IFACE_CLIENT(SCHED_IFACE)

#define WIN	16		/* blocks per request */

long cos_io_blk = -1;		/* the attachment: written by the loader */

static __u32 req_head;		/* our own index */
static long rstart = -1, wstart = -1;
static unsigned long rcount, wcount;
static long flush_err;		/* the first error since the last flush */

/* The attachment, or NULL: none, or detached (then *err is -ENODEV). */
static struct cos_io_ctl *blk_ctl(void)
{
	struct cos_io_ctl *c;

	if (cos_io_blk < 0 || cos_io_blk >= COS_IO_MAX)
		return NULL;
	c = cos_io_ctl_of(cos_io_blk);
	if (c->magic != COS_IO_MAGIC || c->kind != COS_IO_BLK || c->ndata < 2 * WIN)
		return NULL;
	/* nothing cached answers for a device that is gone */
	return __atomic_load_n(&c->detached, __ATOMIC_ACQUIRE) ? NULL : c;
}

static void *blk_page(struct cos_io_ctl *c, unsigned long i)
{
	return cos_io_at(c, c->data_off + i * COS_IO_BLOCK);
}

/* One request, waited for: its status. */
static long blk_submit(struct cos_io_ctl *c, __u32 op, unsigned long block,
		       unsigned long count, unsigned long buf)
{
	struct cos_io_req *r = cos_io_at(c, c->tx_off +
					 (req_head & (c->nslots - 1)) * sizeof(*r));
	long err;

	if (__atomic_load_n(&c->detached, __ATOMIC_ACQUIRE))
		return -ENODEV;
	*r = (struct cos_io_req){ .block = block, .count = (__u32)count,
				  .buf = (__u32)buf, .op = op, .tag = req_head };
	cos_io_publish(&c->tx.head, ++req_head);
	err = cos_io_kick(c, cos_io_blk);
	if (err)
		return err;
	while (cos_io_load(&c->tx.tail) != req_head) {
		if (__atomic_load_n(&c->detached, __ATOMIC_ACQUIRE))
			return -ENODEV;
		__atomic_store_n(&c->armed, 1, __ATOMIC_SEQ_CST);
		if (cos_io_load(&c->tx.tail) == req_head)
			break;
		sched_io_wait(cos_io_blk, 0);
	}
	return r->status;
}

static long blk_write_out(struct cos_io_ctl *c)
{
	long err = 0;

	if (wcount)
		err = blk_submit(c, COS_IO_REQ_WRITE, (unsigned long)wstart, wcount, WIN);
	wcount = 0;
	wstart = -1;
	if (err && !flush_err)
		flush_err = err;
	return err;
}

long blk_size(void)
{
	struct cos_io_ctl *c = blk_ctl();

	return c ? (long)c->nblocks : -ENODEV;
}

long blk_read(long b)
{
	struct cos_io_ctl *c = blk_ctl();
	unsigned long n;
	long err;

	if (!c)
		return -ENODEV;
	if (b < 0 || (unsigned long)b >= c->nblocks)
		return -ENXIO;
	if (wcount && b >= wstart && (unsigned long)(b - wstart) < wcount) {
		memcpy(cos_args(), blk_page(c, WIN + (unsigned long)(b - wstart)),
		       COS_IO_BLOCK);
		return 0;
	}
	if (rstart < 0 || b < rstart || (unsigned long)(b - rstart) >= rcount) {
		n = c->nblocks - (unsigned long)b < WIN ? c->nblocks - (unsigned long)b : WIN;
		rstart = -1;
		err = blk_submit(c, COS_IO_REQ_READ, (unsigned long)b, n, 0);
		if (err)
			return err;
		rstart = b;
		rcount = n;
	}
	memcpy(cos_args(), blk_page(c, (unsigned long)(b - rstart)), COS_IO_BLOCK);
	return 0;
}

long blk_write(long b)
{
	struct cos_io_ctl *c = blk_ctl();
	long err = 0;

	if (!c)
		return -ENODEV;
	if (b < 0 || (unsigned long)b >= c->nblocks)
		return -ENXIO;
	if (rstart >= 0 && b >= rstart && (unsigned long)(b - rstart) < rcount)
		memcpy(blk_page(c, (unsigned long)(b - rstart)), cos_args(), COS_IO_BLOCK);
	if (!(wcount && b >= wstart && (unsigned long)(b - wstart) <= wcount &&
	      (unsigned long)(b - wstart) < WIN)) {
		err = blk_write_out(c);
		wstart = b;
	}
	memcpy(blk_page(c, WIN + (unsigned long)(b - wstart)), cos_args(), COS_IO_BLOCK);
	if ((unsigned long)(b - wstart) == wcount)
		wcount++;
	if (wcount == WIN) {
		long e = blk_write_out(c);

		err = err ? err : e;
	}
	return err;
}

long blk_flush(void)
{
	struct cos_io_ctl *c = blk_ctl();
	long err;

	if (!c)
		return -ENODEV;
	blk_write_out(c);
	err = blk_submit(c, COS_IO_REQ_FLUSH, 0, 0, 0);
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
