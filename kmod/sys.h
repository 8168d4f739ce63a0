/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sys.h - a component system: what one open /dev/cos holds (sys.c).
 *
 * Objects: components (comp.h), their PDs (pd.h), threads (thd.h), the
 * scheduler (sched.h) and I/O attachments (io.h). All of them live until
 * the fd is released; ids index fixed tables.
 *
 * Locking: sys->lock (a mutex) serialises every configuration ioctl and
 * every operation that changes the system while it runs, and guards the
 * tables, the page budget and nr_running. COS_RUN takes it only to check
 * in and out (nr_running). While a thread runs:
 *  - COS_COMP_CREATE, COS_MEM_MAP, COS_CAP_CREATE, COS_FAULT_HANDLER,
 *    COS_IO_ATTACH, COS_SCHED_CONFIG and the host's COS_THD_CREATE fail
 *    with EBUSY;
 *  - page tables gain entries: the scheduler's COS_OP_THD_CREATE maps a
 *    thread's stack and argument page (under sys->lock, from the run
 *    loop's slow path), the memory mapper maps pages in its window;
 *  - leaves go away only in the memory mapper's window (COS_OP_MEM FREE,
 *    mem.h: sys->lock, the component's mm_sem, a TLB shootdown before
 *    the page is reused); page tables themselves stay until the end;
 *  - PDs change (COS_PD, COS_OP_PD: mpd.c's rules R1-R5);
 *  - poisoned leaves are taken out only before a RUN that starts while
 *    none runs (cos_sys_mce_sweep).
 * A thread runs on at most one host thread at a time (cos_thd.running).
 */
#ifndef COS_SYS_H
#define COS_SYS_H

#include <linux/mutex.h>
#include <linux/cpumask.h>
#include <linux/list.h>
#include <linux/types.h>
#include "uapi/cos.h"
#include "comp.h"
#include "thd.h"
#include "sched.h"

struct cos_io;

struct cos_sys {
	struct mutex lock;
	struct cos_comp *comps[COS_MAX_COMPS];
	struct cos_comp *by_slot[COS_MAX_COMPS];
	struct cos_thd *thds[COS_MAX_THDS];
	unsigned int nr_comps, nr_thds;
	unsigned long *separate;	/* COS_MAX_COMPS^2 bits: never one PD */
	struct list_head retired;	/* retired PDs still held (pd.c) */
	u64 *cnt_root;			/* the counter slot's table (counters.c) */
	cpumask_var_t resync;		/* mpd.c: CPUs to resync (sys->lock) */
	unsigned int nr_running;
	unsigned int nr_bench;		/* COS_THD_BENCH_LB threads: no MPD */
	/* A RUN stopped with COS_EXIT_MCE since the last sweep (exit.c sets
	 * it, cos_sys_mce_sweep clears it under sys->lock). */
	bool mce_pending;
	unsigned long pages, max_pages;
	struct cos_sched sched;
	struct cos_io *ios[COS_IO_MAX];	/* io.c (sys->lock) */
};

extern unsigned int cos_max_pages;

struct cos_sys *cos_sys_create(void);
long cos_ioctl_sys_config(struct cos_sys *sys, void __user *arg);
void cos_sys_destroy(struct cos_sys *sys);

/* Page budget; caller holds sys->lock. -ENOSPC when exhausted. */
void *cos_sys_page_alloc(struct cos_sys *sys);
void cos_sys_page_free(struct cos_sys *sys, void *page);
/*
 * A page of the budget mapped more than once (mem.c's ALIAS): get adds a
 * mapping, put drops one and frees the page at its last. Every leaf that
 * owns its page (not COS_PTE_SHARED) drops it with put. Counted in the
 * page's private word (extra mappings), not in its refcount, which Linux
 * may raise on its own (memory_failure). sys->lock, or teardown.
 */
void cos_sys_page_get(struct cos_sys *sys, void *page);
void cos_sys_page_put(struct cos_sys *sys, void *page);

/* Before a RUN: take poisoned pages out after a machine check. */
void cos_sys_mce_sweep(struct cos_sys *sys);

/* Lookups of whole ids (a bit 32 set is no id) under sys->lock; objects
 * are never freed before the system. NULL for none (or a recycled
 * thread). */
struct cos_comp *cos_comp_get(struct cos_sys *sys, unsigned long id);
struct cos_thd *cos_thd_get(struct cos_sys *sys, unsigned long id);

#endif
