/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stats.h - module-wide counters, shown in debugfs (cos/stats). Live
 * objects (systems, threads, pages) must read 0 when no fd is open; the
 * module reports "cos: leak" on unload otherwise. Lock-free atomics.
 */
#ifndef COS_STATS_H
#define COS_STATS_H

#include <linux/atomic.h>
#include "uapi/cos.h"
#include "fastpath.h"

#define COS_EXIT_REASONS	(COS_EXIT_MCE + 1)

struct cos_stats {
	atomic64_t systems, threads, pages;	/* live objects */
	atomic64_t runs, slow_entries, irqs, nmis;
	atomic64_t pd_ops;		/* merges and splits done */
	atomic64_t pds_freed_late;	/* retired PDs freed after a thread left */
	atomic64_t pd_stays;		/* entries that kept a thread in its old PD */
	atomic64_t pds_reused;		/* splits that reused the old PD in place */
	atomic64_t pd_split_undos;	/* splits undone: no page for the rest */
	atomic64_t switches;		/* thread switches (sched.c) */
	atomic64_t upcalls;		/* preemptions for the scheduler */
	atomic64_t poisoned;		/* poisoned pages taken out of components */
	atomic64_t mem_nospc;		/* COS_OP_MEM calls refused: no budget */
	atomic64_t mem_shootdowns;	/* COS_OP_MEM FREEs (one TLB shootdown each) */
	atomic64_t exits[COS_EXIT_REASONS];
	atomic64_t fp_refused[COS_FP_NR];	/* ops fastpath.S passed on, by
						 * the check that failed */
};

extern struct cos_stats cos_stats;
extern struct dentry *cos_debugfs_dir;

int cos_debugfs_init(void);
void cos_debugfs_exit(void);
void cos_stats_check_leaks(void);

#endif
