// SPDX-License-Identifier: GPL-2.0
/*
 * io.c - I/O attachments, the common part (see io.h): COS_IO_ATTACH and
 * COS_IO_DETACH, the region mapped into the component, COS_OP_IO_KICK,
 * events to the scheduler, teardown, debugfs cos/io.
 */
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/uaccess.h>
#include <linux/err.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/nospec.h>
#include <linux/capability.h>
#include <linux/nsproxy.h>
#include <net/net_namespace.h>
#include "io.h"
#include "paging.h"
#include "stats.h"

struct workqueue_struct *cos_io_wq;
static LIST_HEAD(cos_io_all);		/* every attachment, for debugfs */
static DEFINE_SPINLOCK(cos_io_all_lock);

/*
 * Kernel address of byte @off of @io's region. Every offset comes from
 * indices the component controls (ring slots, data pages), bounds-checked
 * by the caller; the page index is clamped for speculation too.
 */
void *cos_io_slot(struct cos_io *io, unsigned long off)
{
	unsigned long pg = array_index_nospec(off >> PAGE_SHIFT,
					      (unsigned long)io->nr_pages);

	return (char *)io->pages[pg] + offset_in_page(off);
}

/* The ring's consumer armed it: one COS_SEV_IO for the batch. */
void cos_io_event(struct cos_io *io)
{
	smp_mb();	/* the producer's index before the look at armed */
	if (READ_ONCE(io->ctl->armed) && xchg(&io->ctl->armed, 0)) {
		atomic64_inc(&io->events);
		cos_sched_raise(io->sys, COS_SEV_IO, 0, io->id);
	}
}

/* ---- the region ------------------------------------------------------------ */

/* Take the first @n pages of the region out again (attach failed). */
static void cos_io_unmap(struct cos_io *io, unsigned int n)
{
	while (n--) {
		WRITE_ONCE(*cos_pt_lookup(NULL, io->comp->pt_root,
					  io->va + n * PAGE_SIZE), 0);
		cos_sys_page_free(io->sys, io->pages[n]);
	}
	kvfree(io->pages);
	io->pages = NULL;
}

/*
 * Map @n zeroed pages at @va in @comp, owned by its page tables (freed
 * with the component). sys->lock held, nothing runs.
 */
static int cos_io_map(struct cos_io *io, unsigned long va, unsigned int n)
{
	struct cos_sys *sys = io->sys;
	unsigned int i;

	if (n > sys->max_pages - sys->pages)
		return -ENOSPC;
	io->pages = kvcalloc(n, sizeof(*io->pages), GFP_KERNEL_ACCOUNT);
	if (!io->pages)
		return -ENOMEM;
	io->va = va;
	for (i = 0; i < n; i++) {
		void *page = cos_pt_map_page(sys, io->comp->pt_root,
					     va + i * PAGE_SIZE,
					     COS_PROT_READ | COS_PROT_WRITE);

		if (IS_ERR(page)) {
			cos_io_unmap(io, i);	/* EEXIST: the component's memory */
			return PTR_ERR(page);
		}
		io->pages[i] = page;
	}
	io->nr_pages = n;
	io->ctl = io->pages[0];
	return 0;
}

/* Pages of the region for @req, and its layout in ctl. */
static unsigned int cos_io_layout(struct cos_io *io, const struct cos_io_attach *req)
{
	struct cos_io_ctl *c = io->ctl;
	unsigned long frames = (unsigned long)io->nslots * COS_IO_FRAME_SIZE;

	if (io->kind == COS_IO_BLK) {
		io->tx_off = PAGE_SIZE;
		io->data_off = 2 * PAGE_SIZE;
	} else {
		io->rx_off = PAGE_SIZE;
		io->tx_off = PAGE_SIZE + frames;
	}
	if (c) {
		c->rx_off = io->rx_off;
		c->tx_off = io->tx_off;
		c->data_off = io->data_off;
		c->ndata = io->ndata;
	}
	return io->kind == COS_IO_BLK ? 2 + io->ndata : 1 + 2 * frames / PAGE_SIZE;
}

static int cos_io_check(const struct cos_io_attach *req)
{
	bool blk = req->kind == COS_IO_BLK;
	u32 n = req->nslots;

	if (req->kind < COS_IO_NET || req->kind > COS_IO_BLK)
		return -EINVAL;
	if (req->pad[0] || req->pad[1] || req->reserved[0] || req->reserved[1])
		return -EINVAL;
	if (n && (!is_power_of_2(n) || n < 2 || n > (blk ? 128 : 2048)))
		return -EINVAL;
	if (req->ndata > 1024 || (!blk && req->ndata))
		return -EINVAL;
	if (!memchr(req->name, 0, sizeof(req->name)))
		return -ENAMETOOLONG;
	if (req->kind != COS_IO_NET_VDEV && !req->name[0])
		return -EINVAL;
	return 0;
}

/*
 * Who may attach, as tun decides (docs/io.md, "Who may attach"): the
 * caller of the ioctl, not the opener of /dev/cos, so an fd passed on
 * grants nothing by itself. A network device (an existing one, which can
 * then be sniffed and written to, or a new one) needs CAP_NET_ADMIN in
 * the user namespace that owns the caller's network namespace, where the
 * device is looked up or created. A disk needs what open(2) of the path
 * for reading and writing needs: cos_blk_open opens it with the caller's
 * credentials (EACCES, EROFS, ... from the open).
 */
static int cos_io_may_attach(const struct cos_io_attach *req)
{
	if (req->kind == COS_IO_BLK)
		return 0;
	if (!ns_capable(current->nsproxy->net_ns->user_ns, CAP_NET_ADMIN))
		return -EPERM;
	return 0;
}

long cos_ioctl_io_attach(struct cos_sys *sys, void __user *arg)
{
	struct cos_io_attach req;
	struct cos_io *io;
	unsigned int id;
	long err;

	BUILD_BUG_ON(offsetof(struct cos_io_ctl, rx) != 64);	/* as cos.h says */
	BUILD_BUG_ON(offsetof(struct cos_io_ctl, tx) != 192);
	BUILD_BUG_ON(sizeof(struct cos_io_ctl) > PAGE_SIZE);
	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	err = cos_io_check(&req);
	if (!err)
		err = cos_io_may_attach(&req);
	if (err)
		return err;
	io = kzalloc(sizeof(*io), GFP_KERNEL_ACCOUNT);
	if (!io)
		return -ENOMEM;
	io->kind = req.kind;
	io->nslots = req.nslots ? req.nslots : req.kind == COS_IO_BLK ? 64 : 256;
	io->ndata = req.kind == COS_IO_BLK ? (req.ndata ? req.ndata : 64) : 0;
	mutex_init(&io->stop_lock);
	mutex_init(&io->tx_lock);
	spin_lock_init(&io->kick_lock);
	spin_lock_init(&io->rx_lock);
	INIT_LIST_HEAD(&io->all);
	INIT_WORK(&io->work, req.kind == COS_IO_BLK ? cos_blk_work : cos_net_work);
	memcpy(io->mac, req.mac, sizeof(io->mac));

	mutex_lock(&sys->lock);
	err = -EBUSY;
	if (sys->nr_running)
		goto out_free;
	err = -ENOENT;
	io->comp = cos_comp_get(sys, req.comp);
	if (!io->comp)
		goto out_free;
	err = -ENOSPC;
	for (id = 0; id < COS_IO_MAX && sys->ios[id]; id++)
		;
	if (id == COS_IO_MAX)
		goto out_free;
	io->sys = sys;
	io->id = id;
	err = -EINVAL;
	if (io->comp->base + COS_IO_REGION + (id + 1UL) * COS_IO_REGION_SIZE >
	    io->comp->end)
		goto out_free;
	err = cos_io_map(io, io->comp->base + COS_IO_REGION +
			 id * COS_IO_REGION_SIZE, cos_io_layout(io, &req));
	if (err)
		goto out_free;
	io->ctl->magic = COS_IO_MAGIC;
	io->ctl->kind = io->kind;
	io->ctl->id = id;
	io->ctl->nslots = io->nslots;
	cos_io_layout(io, &req);

	if (io->kind == COS_IO_BLK)
		err = cos_blk_open(io, req.name);
	else
		err = cos_net_start(io, req.name, io->kind == COS_IO_NET_VDEV);
	if (err)
		goto out_region;	/* the pages stay with the component */
	req.id = id;
	req.va = io->va;
	req.nblocks = io->nblocks;
	req.ifindex = io->ifindex;
	if (io->kind == COS_IO_NET_VDEV)
		strscpy(req.name, io->ifname, sizeof(req.name));
	memcpy(req.mac, io->mac, sizeof(req.mac));
	sys->ios[id] = io;
	spin_lock(&cos_io_all_lock);
	list_add_tail(&io->all, &cos_io_all);
	spin_unlock(&cos_io_all_lock);
	mutex_unlock(&sys->lock);
	if (copy_to_user(arg, &req, sizeof(req)))
		return -EFAULT;	/* attached all the same: detach by id */
	return 0;

out_region:
	cos_io_unmap(io, io->nr_pages);	/* nothing ran: no TLB holds them */
out_free:
	mutex_unlock(&sys->lock);
	kvfree(io->pages);
	kfree(io);
	return err;
}

/*
 * The end of a bounded drain that took the tx ring up to @tail (net kick,
 * net or blk worker): the kick protocol (cos_io_ctl.kicked). Clear
 * kicked, look at head once more, and if more came and kicked was still
 * 0, take it back: true, and the caller queues the worker for the rest.
 * False once @io is stopped.
 */
bool cos_io_drain_more(struct cos_io *io, u32 tail)
{
	struct cos_io_ctl *c = io->ctl;

	WRITE_ONCE(c->kicked, 0);
	if (READ_ONCE(io->stopped))
		return false;
	smp_mb();	/* kicked clear before the last look at head */
	return smp_load_acquire(&c->tx.head) != tail && !xchg(&c->kicked, 1);
}

/* Queue @io's worker, unless @io is stopped: false then. */
bool cos_io_queue(struct cos_io *io)
{
	bool ok;

	spin_lock(&io->kick_lock);
	ok = !io->stopped;
	if (ok)
		queue_work(cos_io_wq, &io->work);
	spin_unlock(&io->kick_lock);
	return ok;
}

/*
 * No kick queues the worker any more, and the worker has finished. Every
 * drain is bounded (one ring's worth) and looks at stopped after each
 * frame or request, and the worker queues itself again only while not
 * stopped, so this waits for one frame or request at most: it runs under
 * rtnl when a device unregisters.
 */
void cos_io_stop_kicks(struct cos_io *io)
{
	spin_lock(&io->kick_lock);
	io->stopped = true;
	spin_unlock(&io->kick_lock);
	cancel_work_sync(&io->work);
	mutex_lock(&io->tx_lock);	/* a drain in progress finishes */
	mutex_unlock(&io->tx_lock);
}

/* Stop @io: Linux's side released, kicks refused. Idempotent. */
void cos_io_stop(struct cos_io *io)
{
	mutex_lock(&io->stop_lock);
	cos_io_stop_kicks(io);
	if (io->kind == COS_IO_BLK)
		cos_blk_stop(io);
	else
		cos_net_stop(io);
	WRITE_ONCE(io->ctl->detached, 1);
	cos_io_event(io);	/* a waiter sees it */
	mutex_unlock(&io->stop_lock);
}

long cos_ioctl_io_detach(struct cos_sys *sys, void __user *arg)
{
	struct cos_io_detach req;
	struct cos_io *io;
	long err = 0;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.pad)
		return -EINVAL;
	mutex_lock(&sys->lock);
	io = req.id < COS_IO_MAX ?
		sys->ios[array_index_nospec(req.id, COS_IO_MAX)] : NULL;
	if (!io)
		err = -ENOENT;
	else if (READ_ONCE(io->stopped))
		err = -ENODEV;
	mutex_unlock(&sys->lock);
	if (!err)
		cos_io_stop(io);	/* io lives as long as sys */
	return err;
}

/* COS_OP_IO_KICK from @thd (run loop, interrupts on). */
long cos_io_kick(struct cos_thd *thd, unsigned long id)
{
	struct cos_io *io;
	bool more;

	if (id >= COS_IO_MAX)
		return -ENOENT;
	io = READ_ONCE(thd->sys->ios[array_index_nospec(id, COS_IO_MAX)]);
	if (!io)
		return -ENOENT;
	if (cos_thd_running_comp(thd) != io->comp)
		return -EPERM;
	atomic64_inc(&io->kicks);
	if (io->kind != COS_IO_BLK) {
		/* frames go out now, from this thread, one ring's worth at
		 * most; the worker only for what came meanwhile */
		mutex_lock(&io->tx_lock);
		more = cos_net_tx(io);
		mutex_unlock(&io->tx_lock);
		if (more)
			cos_io_queue(io);
		return READ_ONCE(io->stopped) ? -ENODEV : 0;
	}
	return cos_io_queue(io) ? 0 : -ENODEV;
}

/* The system goes: stop and free every attachment (before its components). */
void cos_io_destroy_all(struct cos_sys *sys)
{
	unsigned int id;

	for (id = 0; id < COS_IO_MAX; id++) {
		struct cos_io *io = sys->ios[id];

		if (!io)
			continue;
		cos_io_stop(io);
		spin_lock(&cos_io_all_lock);
		list_del(&io->all);
		spin_unlock(&cos_io_all_lock);
		sys->ios[id] = NULL;
		kvfree(io->pages);	/* the pages themselves are the component's */
		kfree(io);
	}
}

/* ---- debugfs cos/io ---------------------------------------------------------- */

static const char *const cos_io_kinds[] = { "?", "net", "vdev", "blk" };

static int cos_io_show(struct seq_file *m, void *v)
{
	struct cos_io *io;

	spin_lock(&cos_io_all_lock);
	list_for_each_entry(io, &cos_io_all, all) {
		struct cos_io_ctl *c = io->ctl;
		u32 rx = READ_ONCE(io->rx_head) - READ_ONCE(c->rx.tail);
		u32 tx = READ_ONCE(c->tx.head) - READ_ONCE(io->tx_tail);

		seq_printf(m, "io %u %s %s%s slots %u rx %lld rx_drops %lld rx_errors %lld tx %lld tx_errors %lld events %lld kicks %lld rx_queued %u tx_queued %u\n",
			   io->id, cos_io_kinds[io->kind],
			   io->ifname[0] ? io->ifname : io->kind == COS_IO_BLK ? "disk" : "-",
			   io->stopped ? " detached" : "", io->nslots,
			   atomic64_read(&io->rx), atomic64_read(&io->rx_drops),
			   atomic64_read(&io->rx_errors), atomic64_read(&io->tx),
			   atomic64_read(&io->tx_errors),
			   atomic64_read(&io->events), atomic64_read(&io->kicks),
			   min(rx, io->nslots), min(tx, io->nslots));
	}
	spin_unlock(&cos_io_all_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cos_io);

int cos_io_init(void)
{
	int err;

	cos_io_wq = alloc_workqueue("cos_io", WQ_UNBOUND, 0);
	if (!cos_io_wq)
		return -ENOMEM;
	err = cos_net_init();
	if (err) {
		destroy_workqueue(cos_io_wq);
		return err;
	}
	debugfs_create_file("io", 0444, cos_debugfs_dir, NULL, &cos_io_fops);
	return 0;
}

void cos_io_exit(void)
{
	cos_net_exit();
	destroy_workqueue(cos_io_wq);
}
