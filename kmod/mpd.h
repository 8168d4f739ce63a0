/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mpd.h - Mutable Protection Domains (mpd.c): merge, split and separate,
 * from the host (COS_PD) or the policy component (COS_OP_PD), while
 * threads run. The rules that keep running threads safe are R1-R5 in
 * mpd.c; the PD object is pd.h's.
 *
 * Locking: sys->lock, process context (the ioctl, or the run loop's slow
 * path with interrupts on). Threads on other CPUs are moved by IPIs.
 */
#ifndef COS_MPD_H
#define COS_MPD_H

#include <linux/types.h>

struct cos_sys;

long cos_ioctl_pd(struct cos_sys *sys, void __user *arg);
/* One operation; @from_host: 32-bit fields and COS_PD_POLICY, COS_PD_MM
 * allowed. */
long cos_pd_op(struct cos_sys *sys, unsigned long op, unsigned long c0,
	       unsigned long c1, unsigned long flags, bool from_host);

/*
 * The TLB shootdown of a system: every CPU that has one of its PDs loaded
 * flushes its TLB by IPI (and, if it came from component mode, settles
 * its thread: R4), and this returns once all of them have. After a page
 * table store, before anything relies on no CPU translating the old
 * entry (split's removed slot entry; mem.c's FREE before its pages go).
 * sys->lock held (sys->resync), process context, interrupts on.
 */
void cos_pd_resync_all(struct cos_sys *sys);

#endif
