/* SPDX-License-Identifier: GPL-2.0 */
/*
 * io.h - I/O attachments: a component's shared-memory rings to a Linux
 * net_device (net.c) or a block device or file (blk.c). io.c owns the
 * common part: ids, the region mapped into the component, the kick op,
 * detach and teardown, and debugfs cos/io.
 *
 * Lifetime: an attachment is created by COS_IO_ATTACH and lives until its
 * system is destroyed; COS_IO_DETACH (or the device going away) only
 * *stops* it: Linux's side is released, the region stays mapped in the
 * component (its pages belong to the component's page tables, freed with
 * it), ctl->detached reads 1 and kicks get -ENODEV. So a kick that races
 * with a detach reads a live struct.
 *
 * Locking:
 *   sys->lock       attach, detach, teardown (sys->ios[] changes only
 *                   under it; the kick op reads it with READ_ONCE).
 *   io->stop_lock   serialises stop (detach, teardown); a net device that
 *                   unregisters stops its attachment under rtnl instead,
 *                   and io->dev changes only under rtnl.
 *   io->kick_lock   the worker is queued (cos_io_queue: by a kick, or by
 *                   itself) only while !stopped; stop sets stopped under
 *                   it, then cancels the worker.
 *   io->tx_lock     net: the tx ring is drained by the kick itself, in
 *                   the run loop (Linux context, never the fast path),
 *                   under this mutex, and by the worker for what came
 *                   meanwhile; stop takes it once after setting stopped,
 *                   so no drain uses the device after that.
 *   bounds          every drain (net kick, net or blk worker) takes at
 *                   most one ring's worth (nslots) per call and looks at
 *                   stopped after each frame or request: a component
 *                   that produces without end cannot make stop (under
 *                   rtnl, for a device that unregisters) wait for it.
 *   io->rx_lock     net: producers of the rx ring (rx handler on any CPU,
 *                   the virtual device's xmit). BH-safe.
 *   the worker      blk: the only consumer of tx and producer of tx.tail
 *                   (net: it and the kick, under tx_lock); it runs on
 *                   cos_io_wq, is never queued once io->stopped is set,
 *                   and stop waits for it (cancel_work_sync).
 * Shared-memory indices are published with release stores and read with
 * acquire loads; the kernel keeps its own copy of every index it owns and
 * never trusts the component's beyond a bounds check.
 */
#ifndef COS_IO_H
#define COS_IO_H

#include <linux/workqueue.h>
#include <linux/spinlock.h>
#include <linux/mutex.h>
#include <linux/list.h>
#include "sys.h"

struct net_device;
struct file;

struct cos_io {
	struct cos_sys *sys;
	struct cos_comp *comp;		/* the component with the region */
	u32 id, kind;			/* COS_IO_* */
	bool stopped;			/* no more kicks (kick_lock) */
	spinlock_t kick_lock;		/* kicks against stop */
	struct mutex tx_lock;		/* net: the kick's drain against stop */
	struct mutex stop_lock;
	struct list_head all;		/* cos_io_all, for debugfs */

	/* the region: page 0 is ctl, then slots (and blk data pages) */
	struct cos_io_ctl *ctl;
	void **pages;
	unsigned int nr_pages, nslots;
	unsigned long va;
	unsigned long rx_off, tx_off, data_off;	/* the kernel's copies */

	struct work_struct work;	/* the Linux-side worker (blk; net: the
					 * rest of a kick's drain) */
	u32 tx_tail;			/* private copy: next tx slot to take */

	/* net.c */
	struct net_device *dev;		/* changes under rtnl */
	char ifname[16];		/* for debugfs */
	int ifindex;
	bool vdev;			/* the module's own device */
	spinlock_t rx_lock;
	u32 rx_head;			/* private copy: next rx slot to fill */
	u8 mac[6];

	/* blk.c */
	struct file *file;
	u64 nblocks;
	unsigned int ndata;

	/* counters (debugfs cos/io) */
	atomic64_t rx, rx_drops, rx_errors, tx, tx_errors, events, kicks;
};

extern struct workqueue_struct *cos_io_wq;

/* io.c */
long cos_ioctl_io_attach(struct cos_sys *sys, void __user *arg);
long cos_ioctl_io_detach(struct cos_sys *sys, void __user *arg);
long cos_io_kick(struct cos_thd *thd, unsigned long id);
void cos_io_destroy_all(struct cos_sys *sys);	/* sys->lock, nothing runs */
void *cos_io_slot(struct cos_io *io, unsigned long off);
void cos_io_event(struct cos_io *io);
bool cos_io_queue(struct cos_io *io);	/* false: stopped */
bool cos_io_drain_more(struct cos_io *io, u32 tail);	/* true: queue it */
void cos_io_stop(struct cos_io *io);
void cos_io_stop_kicks(struct cos_io *io);
int cos_io_init(void);
void cos_io_exit(void);

/* net.c: the region is mapped and ctl filled before start */
int cos_net_start(struct cos_io *io, const char *name, bool vdev);
void cos_net_stop(struct cos_io *io);
bool cos_net_tx(struct cos_io *io);	/* io->tx_lock; true: queue the worker */
void cos_net_work(struct work_struct *w);
int cos_net_init(void);
void cos_net_exit(void);

/* blk.c */
int cos_blk_open(struct cos_io *io, const char *path);
void cos_blk_stop(struct cos_io *io);
void cos_blk_work(struct work_struct *w);

#endif
