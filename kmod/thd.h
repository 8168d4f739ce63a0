/* SPDX-License-Identifier: GPL-2.0 */
/*
 * thd.h - threads (thd.c) and the PD a thread runs in (thd_pd.c).
 *
 * A thread migrates: it runs in one component at a time (comp) at some
 * depth of invocations, each of which left a frame on its invocation
 * stack (inv.c, fastpath.S). It runs on at most one host thread at a time
 * (running).
 *
 * Lifetime: created by COS_THD_CREATE or COS_OP_THD_CREATE, destroyed
 * with the system; a thread the scheduler destroys is *recycled*: its id,
 * argument page and struct wait for the next thread (its pages stay
 * mapped, so the struct is never freed before the system).
 *
 * Locking: sys->lock for creation, recycling and register access (EBUSY
 * while it runs). hw, comp, depth, pd, seq, inv and flags are read by
 * entry.S and fastpath.S (offsets in asm-offsets.c). pd, pd_next, depth
 * and inv[].pd change only on the thread's own CPU, inside an odd seq
 * (cos_thd_seq_begin/end), and pd only together with CR3, so that pd.c
 * can tell from another CPU which PDs a thread holds or has loaded.
 */
#ifndef COS_THD_H
#define COS_THD_H

#include <linux/atomic.h>
#include <linux/types.h>
#include "hijack.h"
#include "uapi/cos.h"
#include "pd.h"

#define COS_MAX_THDS	COS_MAX_THREADS

struct cos_sys;
struct cos_comp;

/*
 * What COS_OP_INVOKE saves of the caller, restored by COS_OP_RETURN: its
 * callee-saved registers and the user CPU state that belongs to the
 * caller's activation (FS base, PKRU; the FPU state of an FPU thread is
 * in ustate.c's areas), so that none of it crosses into the server or
 * back.
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
 * it. Benchmark state lives here, apart from the thread (thd->bench is
 * NULL for every other thread). Valid while the thread lives: cos_pd_op
 * refuses every MPD operation in a system with such a thread
 * (sys->nr_bench).
 */
struct cos_bench_lb {
	unsigned long cr3[2];		/* read by fastpath.S */
	struct cos_pd twin;
};

struct cos_thd {
	struct cos_hw_regs hw;		/* saved by entry.S */
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
	 * in component mode (ustate.c saves it at every exit and loads it
	 * at every entry); the callers' are in their frames. The GS base
	 * is not here: every entry gets the kernel's (cos_kcpu.user_gs). */
	unsigned long fs_base;
	u32 pkru;
	void *fpu;			/* COS_THD_FPU only: ustate.c's areas */
	struct cos_sys *sys;
	struct cos_comp *home;		/* where it was created (depth 0) */
	atomic_t running;
};

/* cos_thd.state: changes only in the run loop of the system's scheduler
 * (sched.c) or under sys->lock with nothing running. */
#define COS_THD_LIVE		0	/* may run */
#define COS_THD_EXITED		1	/* called COS_OP_EXIT under a scheduler */
#define COS_THD_FAULTED		2	/* faulted beyond recovery under a scheduler */
#define COS_THD_RECYCLED	3	/* destroyed: id, args page and struct
					 * wait for the next thread */

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

/* thd.c; sys->lock held unless said otherwise */
long cos_ioctl_thd_create(struct cos_sys *sys, void __user *arg);
long cos_ioctl_thd_regs(struct cos_sys *sys, void __user *arg, bool set);
/* A new (or recycled) thread in @comp with @regs; only adds mappings, so
 * safe while the system runs (the scheduler's COS_OP_THD_CREATE). */
struct cos_thd *cos_thd_new(struct cos_sys *sys, struct cos_comp *comp,
			    u32 flags, const struct cos_regs *regs);
/* Map @thd's own stack in @comp (COS_THD_STACK_REGION); only adds. */
int cos_thd_stack_map(struct cos_sys *sys, struct cos_comp *comp,
		      struct cos_thd *thd, unsigned long *top);
/* The thread neither runs nor is on a CPU: COS_THD_RECYCLED, holding no
 * PD, for cos_thd_new to reuse. Frees nothing. */
void cos_thd_recycle(struct cos_thd *thd);
/* Free the thread, its argument page and its state (system teardown). */
void cos_thd_destroy(struct cos_thd *thd);
/* Make the saved frame safe to iret to (interrupts off or not running). */
void cos_thd_sanitize(struct cos_thd *thd);
/* The component whose code the thread runs (inv.c): thd->comp, or a
 * server called directly inside one PD, found by the ip. Not running. */
struct cos_comp *cos_thd_running_comp(struct cos_thd *thd);

/* thd_pd.c: the PD a thread runs in; on the thread's CPU, interrupts
 * off. */
/* At every entry: apply what the slow paths left, settle (mpd.c R4),
 * load CR3. */
void cos_thd_enter_pd(struct cos_thd *thd);
/* In mpd.c's resync IPI, for a thread stopped in the kernel on this CPU
 * (cos_kcpu.handling_irq): settle it now, not at its next entry. */
void cos_thd_resettle(struct cos_thd *thd);

#endif
