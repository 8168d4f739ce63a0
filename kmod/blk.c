// SPDX-License-Identifier: GPL-2.0
/*
 * blk.c - 4 KiB blocks between a component's request ring and a block
 * device or file, through Linux's block layer.
 *
 * The path is opened with O_DIRECT where the file system allows it (a
 * block device always does), so reads and writes go straight to the
 * device as bios from the data pages, with no page cache in between;
 * FLUSH is vfs_fsync(), which for a block device sends a cache flush. The
 * worker (process context, cos_io_wq) takes requests in order and
 * completes each in place (status, then tx.tail), one COS_SEV_IO per
 * batch when the component armed the ring.
 */
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/uio.h>
#include <linux/bvec.h>
#include <linux/mm.h>
#include "io.h"

#define COS_BLK_CHUNK	16	/* pages per vfs call */

int cos_blk_open(struct cos_io *io, const char *path)
{
	struct file *f;
	umode_t mode;

	f = filp_open(path, O_RDWR | O_LARGEFILE | O_DIRECT, 0);
	if (IS_ERR(f) && PTR_ERR(f) == -EINVAL)	/* no direct I/O here */
		f = filp_open(path, O_RDWR | O_LARGEFILE, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	mode = file_inode(f)->i_mode;
	if (!S_ISBLK(mode) && !S_ISREG(mode)) {
		filp_close(f, NULL);
		return -EINVAL;
	}
	io->file = f;
	io->nblocks = i_size_read(f->f_mapping->host) / COS_IO_BLOCK;
	io->ctl->nblocks = io->nblocks;
	strscpy(io->ifname, S_ISBLK(mode) ? "bdev" : "file", sizeof(io->ifname));
	return 0;
}

static ssize_t cos_blk_rw(struct cos_io *io, bool write, u32 page,
			  unsigned int n, loff_t pos)
{
	struct bio_vec bv[COS_BLK_CHUNK];
	struct iov_iter it;
	unsigned int i;
	ssize_t ret;

	for (i = 0; i < n; i++) {
		bv[i].bv_page = virt_to_page(cos_io_slot(io, io->data_off +
					     (unsigned long)(page + i) * PAGE_SIZE));
		bv[i].bv_len = PAGE_SIZE;
		bv[i].bv_offset = 0;
	}
	iov_iter_bvec(&it, write ? ITER_SOURCE : ITER_DEST, bv, n, n * PAGE_SIZE);
	if (!write)
		return vfs_iter_read(io->file, &it, &pos, 0);
	file_start_write(io->file);
	ret = vfs_iter_write(io->file, &it, &pos, 0);
	file_end_write(io->file);
	return ret;
}

/* One request, copied out of shared memory: 0 or -errno. */
static int cos_blk_do(struct cos_io *io, const struct cos_io_req *r)
{
	bool write = r->op == COS_IO_REQ_WRITE;
	u32 done, n;
	ssize_t ret;

	if (r->op == COS_IO_REQ_FLUSH)
		return vfs_fsync(io->file, 0);
	if (r->op != COS_IO_REQ_READ && !write)
		return -EINVAL;
	if (!r->count || r->count > io->ndata || r->buf > io->ndata - r->count)
		return -EINVAL;
	if (r->block >= io->nblocks || r->count > io->nblocks - r->block)
		return -ENXIO;
	for (done = 0; done < r->count; done += n) {
		if (READ_ONCE(io->stopped))
			return -ENODEV;	/* stop waits for one chunk at most */
		n = min_t(u32, r->count - done, COS_BLK_CHUNK);
		ret = cos_blk_rw(io, write, r->buf + done, n,
				 (loff_t)(r->block + done) * COS_IO_BLOCK);
		if (ret < 0)
			return ret;
		if (ret != n * PAGE_SIZE)
			return -EIO;
	}
	return 0;
}

/*
 * Complete the requests queued when it starts (at most nslots): done, or
 * with @err without doing them. Without @err it stops early once
 * io->stopped is set (cos_blk_stop fails the rest). False if the
 * component's head index is garbage (nothing is done).
 */
static bool cos_blk_drain(struct cos_io *io, int err)
{
	struct cos_io_ctl *c = io->ctl;
	u32 tail = io->tx_tail, head = smp_load_acquire(&c->tx.head);

	if (unlikely(head - tail > io->nslots)) {
		atomic64_inc(&io->tx_errors);
		return false;
	}
	while (tail != head && (err || !READ_ONCE(io->stopped))) {
		struct cos_io_req *slot = cos_io_slot(io, io->tx_off +
				(tail & (io->nslots - 1)) * sizeof(*slot));
		struct cos_io_req r;
		int status;

		memcpy(&r, slot, sizeof(r));
		status = err ? err : cos_blk_do(io, &r);
		if (status)
			atomic64_inc(&io->tx_errors);
		else
			atomic64_inc(&io->tx);
		WRITE_ONCE(slot->status, status);
		io->tx_tail = ++tail;
		smp_store_release(&c->tx.tail, tail);
		cond_resched();
	}
	cos_io_event(io);
	return true;
}

/*
 * The block worker (cos_io_wq): one batch, at most a ring's worth, a run.
 * Then the kick protocol: clear kicked, look at head once more, and if
 * more came and kicked was still 0, queue itself again for the rest
 * (unless stopped). So stop's cancel_work_sync waits for one request at
 * most, however fast the component produces.
 */
void cos_blk_work(struct work_struct *w)
{
	struct cos_io *io = container_of(w, struct cos_io, work);

	if (!cos_blk_drain(io, 0))
		WRITE_ONCE(io->ctl->kicked, 0);	/* garbage: its next kick retries */
	else if (cos_io_drain_more(io, io->tx_tail))
		cos_io_queue(io);
}

/* Detach (io->stop_lock held, the worker stopped): fail what is queued. */
void cos_blk_stop(struct cos_io *io)
{
	if (!io->file)
		return;
	cos_blk_drain(io, -ENODEV);
	filp_close(io->file, NULL);
	io->file = NULL;
}
