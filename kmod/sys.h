/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sys.h - a component system: what one open /dev/cos holds.
 *
 * Objects: components (struct cos_comp, one top-level slot each, in a PD of
 * their own), their memory, and threads (struct cos_thd). All of them live
 * until the fd is released; ids index fixed tables.
 *
 * Locking: sys->lock (a mutex) serialises every configuration ioctl and
 * guards the tables, the page budget and nr_running. COS_RUN takes it only
 * to check in and out (nr_running); while any thread runs, configuration
 * ioctls that change memory fail with EBUSY, so the page tables of a
 * running system never change. A thread runs on at most one host thread at
 * a time (cos_thd.running).
 */
#ifndef COS_SYS_H
#define COS_SYS_H

#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/hrtimer.h>
#include <linux/poll.h>
#include <linux/cpumask.h>
#include <linux/atomic.h>
#include <linux/types.h>
#include "hijack.h"
#include "uapi/cos.h"

#define COS_MAX_COMPS	256	/* one per slot of the user half */
#define COS_MAX_THDS	COS_MAX_THREADS
#define COS_MAX_CAPS	256	/* capabilities one component may hold */

/*
 * A protection domain: one top-level page, shared by its members. A PD no
 * component is in any more ("retired": the old PD of a split, the other
 * PD of a merge) stays as it is while a thread runs in it or a frame of
 * an invocation stack will return to it, and is freed once none does
 * (mpd.c explains the rules). pa is read by fastpath.S.
 */
struct cos_pd {
	unsigned long pa;		/* __pa(pgd): what CR3 gets */
	u64 *pgd;			/* the top-level page */
	unsigned int members;		/* components whose PD it is */
	bool shrinking;			/* a split may take an entry out now */
	struct list_head retired;	/* on sys->retired once retired */
};

/* A capability: the right of one client component to enter a server. */
struct cos_cap {
	struct cos_comp *server;	/* NULL: no capability at this id */
	unsigned long entry;
	u64 invocations;		/* inter-PD invocations, by the kernel */
	unsigned long stub;		/* client_fn: its captbl entry across PDs */
	unsigned long direct;		/* server_fn: the entry inside one PD */
};

/* The first fields are read by fastpath.S: see fastpath.h. */
struct cos_comp {
	struct cos_pd *pd;		/* the PD it is in now (see mpd.c) */
	struct cos_cap *caps;		/* COS_MAX_CAPS, allocated on first use */
	unsigned long nr_caps;		/* ids 0 .. nr_caps-1 are valid */
	u32 id;
	u32 slot;
	unsigned long base, end;	/* [base, end) may be mapped */
	struct cos_ucap *captbl;	/* the user-level table (read-only page) */
	u64 *pt_root;			/* table the slot entry points to */
	unsigned long fault_entry;	/* its fault handler, or 0 */
	bool policy;			/* may change PDs (COS_OP_PD) */
};

/*
 * What COS_OP_INVOKE saves of the caller, restored by COS_OP_RETURN: its
 * callee-saved registers and the user CPU state that belongs to the
 * caller's activation (FS base, PKRU; the FPU state of an FPU thread is
 * in fpu.c's areas), so that none of it crosses into the server or back.
 */
struct cos_inv_frame {
	struct cos_comp *comp;
	unsigned long ip, sp, flags;
	unsigned long bx, bp, r12, r13, r14, r15;
	struct cos_pd *pd;		/* the PD the caller ran in */
	unsigned long fs_base;
	unsigned long pkru;
};

/*
 * COS_THD_BENCH_LB (module parameter bench=1 only): the two CR3 values
 * COS_OP_BENCH_LB swaps between, the thread's PD and a private clone of
 * it. Valid while the thread lives: cos_pd_op refuses every MPD
 * operation in a system with such a thread (sys->nr_bench).
 */
struct cos_bench_lb {
	unsigned long cr3[2];		/* read by fastpath.S */
	struct cos_pd twin;
};

/*
 * hw, comp, depth, pd, seq and inv are read by entry.S and fastpath.S.
 * pd, pd_next, depth and inv[].pd change only on the thread's own CPU,
 * inside an odd seq (cos_thd_seq_begin/end), and pd only together with
 * CR3, so that mpd.c can tell from another CPU which PDs a thread holds
 * or has loaded (cos_thd_holds).
 */
struct cos_thd {
	struct cos_hw_regs hw;		/* saved by entry.S; see layout.h */
	struct cos_comp *comp;		/* the component it runs in now */
	unsigned long depth;		/* frames on the invocation stack */
	unsigned long id;
	unsigned long handlers;		/* bit d - 1: a fault handler runs in the
					 * activation at depth d (inv.c); only
					 * bits below depth are ever set */
	struct cos_pd *pd;		/* the PD it runs in (NULL: not yet) */
	unsigned long seq;		/* odd while pd/depth/inv[].pd change */
	u32 flags;			/* COS_THD_* */
	u32 state;			/* COS_THD_LIVE .. (sched.c) */
	struct cos_bench_lb *bench;	/* COS_THD_BENCH_LB only */
	struct cos_inv_frame inv[COS_INV_DEPTH_MAX];
	/* Set by the slow paths (inv.c) for the next entry, which applies
	 * them with CR3 (cos_thd_enter_pd): */
	struct cos_pd *pd_next;		/* a return: the caller's PD */
	bool pd_fresh;			/* an invocation: the server's PD */
	void *args;			/* its argument region (one page) */
	/* The user CPU state of its current activation while it is not
	 * in component mode (run.c saves it at every exit and loads it at
	 * every entry); the callers' are in their frames. The GS base is
	 * not here: every entry gets the kernel's (cos_cpu.user_gs). */
	unsigned long fs_base;
	u32 pkru;
	void *fpu;			/* COS_THD_FPU only: fpu.c's areas */
	struct cos_sys *sys;
	struct cos_comp *home;		/* where it was created (depth 0) */
	atomic_t running;
};

/* cos_thd.state: changes only in the run loop of the system's scheduler
 * (sched.c) or under sys->lock with nothing running. */
#define COS_THD_LIVE	0	/* may run */
#define COS_THD_EXITED	1	/* called COS_OP_EXIT under a scheduler */
#define COS_THD_FAULTED	2	/* faulted beyond recovery under a scheduler */
#define COS_THD_FREE	3	/* destroyed: its id, args page and struct wait
				 * for the next thread (never freed before the
				 * system: its pages stay mapped) */

#define COS_SCHED_QLEN	64

/*
 * The scheduler of a system (sched.c). thd, comp and tick_ns are set once
 * (sys->lock, nothing running). active, cur and host change under
 * sys->lock at the start and end of a COS_RUN_SCHED; while one runs only
 * its host thread switches threads. The event queue, ticks, lost and
 * pending are under lock (irq-safe: timers raise events); pending is read
 * locklessly by the run loop and by poll.
 */
struct cos_sched {
	struct cos_thd *thd;		/* the scheduler thread; NULL: none */
	struct cos_comp *comp;		/* its home: the scheduler component */
	u64 tick_ns;
	bool active;			/* a COS_RUN_SCHED is in progress */
	struct cos_thd *cur;		/* the thread the next RUN resumes */
	struct task_struct *host;	/* the task running it, for kicks */
	spinlock_t lock;
	struct cos_sched_event q[COS_SCHED_QLEN];
	unsigned int head, len;
	u64 ticks, lost;
	bool pending;			/* something for the scheduler */
	wait_queue_head_t wq;		/* poll() of an idle host */
	struct hrtimer wake;		/* the scheduler's next timeout */
	u64 wake_at;			/* what wake is set to (run loop) */
	struct hrtimer tick;		/* periodic while the system runs */
};

struct cos_io;

struct cos_sys {
	struct mutex lock;
	struct cos_comp *comps[COS_MAX_COMPS];
	struct cos_comp *by_slot[COS_MAX_COMPS];
	struct cos_thd *thds[COS_MAX_THDS];
	unsigned int nr_comps, nr_thds;
	unsigned long *separate;	/* COS_MAX_COMPS^2 bits: never one PD */
	struct list_head retired;	/* retired PDs still held (mpd.c) */
	u64 *cnt_root;			/* the counter slot's table (counters.c) */
	cpumask_var_t resync;		/* mpd.c: CPUs to resync (sys->lock) */
	unsigned int nr_running;
	unsigned int nr_bench;		/* COS_THD_BENCH_LB threads: no MPD */
	/* A RUN stopped with COS_EXIT_MCE since the last sweep (run.c sets
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

/* Before a RUN: take poisoned pages out after a machine check (sys.c). */
void cos_sys_mce_sweep(struct cos_sys *sys);

/* Lookups under sys->lock (objects are never freed before the sys). */
struct cos_comp *cos_comp_get(struct cos_sys *sys, unsigned long id);
struct cos_thd *cos_thd_get(struct cos_sys *sys, unsigned long id);

/* comp.c */
long cos_ioctl_comp_create(struct cos_sys *sys, void __user *arg);
long cos_ioctl_mem_map(struct cos_sys *sys, void __user *arg);
void cos_comp_destroy(struct cos_sys *sys, struct cos_comp *comp);
int cos_comp_read(struct cos_comp *comp, unsigned long va, void *buf,
		  size_t len);
int cos_comp_write(struct cos_comp *comp, unsigned long va, const void *buf,
		   size_t len);

/* thd.c */
long cos_ioctl_thd_create(struct cos_sys *sys, void __user *arg);
struct cos_thd *cos_thd_new(struct cos_sys *sys, struct cos_comp *comp,
			    u32 flags, const struct cos_regs *regs);
int cos_thd_stack_map(struct cos_sys *sys, struct cos_comp *comp,
		      struct cos_thd *thd, unsigned long *top);
void cos_thd_free(struct cos_thd *thd);
long cos_ioctl_thd_regs(struct cos_sys *sys, void __user *arg, bool set);
void cos_thd_destroy(struct cos_thd *thd);
void cos_thd_sanitize(struct cos_thd *thd);

/* args.c: argument regions; sys->lock held, nothing running. */
bool cos_args_overlap(const struct cos_comp *c, unsigned long addr,
		      unsigned long len);
int cos_args_map_thd(struct cos_sys *sys, struct cos_thd *t);
void cos_args_unmap_thd(struct cos_sys *sys, struct cos_thd *t);
int cos_args_map_comp(struct cos_sys *sys, struct cos_comp *c);

/* counters.c: intra-PD call counters; sys->lock held */
unsigned int cos_cnt_slot(void);
unsigned long cos_cnt_area(unsigned int cpu);
int cos_cnt_comp_init(struct cos_sys *sys, struct cos_comp *comp);
u64 cos_cnt_read(struct cos_sys *sys, u32 client, u32 cap, bool reset);
void cos_cnt_free(struct cos_sys *sys);

/* cap.c */
long cos_ioctl_cap_create(struct cos_sys *sys, void __user *arg);
long cos_ioctl_fault_handler(struct cos_sys *sys, void __user *arg);
long cos_ioctl_edges(struct cos_sys *sys, void __user *arg);
long cos_edges_op(struct cos_sys *sys, struct cos_comp *comp, unsigned long va,
		  unsigned long max, unsigned long flags);
void cos_cap_flip(struct cos_comp *client, unsigned int id);
void cos_cap_stub(struct cos_comp *client, unsigned int id);

/* mpd.c */
long cos_ioctl_pd(struct cos_sys *sys, void __user *arg);
long cos_pd_op(struct cos_sys *sys, unsigned long op, unsigned long c0,
	       unsigned long c1, unsigned long flags, bool from_host);
void cos_pd_leave(struct cos_sys *sys, struct cos_comp *comp);
void cos_pd_free_retired(struct cos_sys *sys);
void cos_thd_enter_pd(struct cos_thd *thd);
bool cos_pd_maps(const struct cos_pd *pd, const struct cos_comp *comp);

static inline void cos_thd_seq_begin(struct cos_thd *thd)
{
	WRITE_ONCE(thd->seq, thd->seq + 1);
	smp_mb();		/* odd before any change, as fastpath.S's lock inc */
}

static inline void cos_thd_seq_end(struct cos_thd *thd)
{
	smp_wmb();
	WRITE_ONCE(thd->seq, thd->seq + 1);
}

/* inv.c: the run loop's invocation ops; the thread is not running. */
struct cos_comp *cos_thd_running_comp(struct cos_thd *thd);
void cos_inv_invoke(struct cos_thd *thd);
bool cos_inv_fault_handler(struct cos_thd *thd, unsigned long address);
unsigned long cos_fault_error(const struct cos_hw_regs *r);
int cos_inv_return(struct cos_thd *thd, unsigned long ret0, unsigned long ret1);

/* sched.c: see struct cos_sched */
enum cos_next { COS_AGAIN, COS_STOP };
void cos_sched_init(struct cos_sys *sys);
void cos_sched_destroy(struct cos_sys *sys);
long cos_ioctl_sched_config(struct cos_sys *sys, void __user *arg);
void cos_sched_raise(struct cos_sys *sys, u32 type, u32 thd, u64 arg);
__poll_t cos_sched_poll(struct cos_sys *sys, struct file *file,
			poll_table *pt);
int cos_sched_run_begin(struct cos_sys *sys, struct cos_thd **thd);
void cos_sched_run_end(struct cos_sys *sys, struct cos_thd *thd,
		       bool stop_tick);
bool cos_sched_upcall_due(struct cos_sys *sys, struct cos_thd *thd);
struct cos_thd *cos_sched_upcall(struct cos_sys *sys, struct cos_thd *thd);
bool cos_sched_is_op(unsigned long op);
enum cos_next cos_sched_op(struct cos_sys *sys, struct cos_thd **thd,
			   struct cos_run *run);
enum cos_next cos_sched_exit(struct cos_sys *sys, struct cos_thd **thd,
			     struct cos_run *run);
void cos_sched_fault(struct cos_sys *sys, struct cos_thd **thd);

/* run.c */
long cos_ioctl_run(struct cos_sys *sys, void __user *arg);
void cos_run_exit(void);	/* module exit: no fd is open */

/* geometry of the user half (paging.c) */
unsigned int cos_paging_levels(void);
unsigned int cos_slot_shift(void);
unsigned long cos_user_va_end(void);

#endif
