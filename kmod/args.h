/* SPDX-License-Identifier: GPL-2.0 */
/*
 * args.h - per-thread argument regions (args.c): one page a thread owns,
 * mapped at the same offset (COS_ARG_REGION + id * COS_ARG_SIZE) in
 * every component.
 *
 * Locking: sys->lock. Mapping only adds entries, so it runs while the
 * system runs too (a thread the scheduler creates, COS_OP_THD_CREATE);
 * unmapping runs only for a thread nobody has seen (THD_CREATE's undo),
 * with nothing running.
 */
#ifndef COS_ARGS_H
#define COS_ARGS_H

#include <linux/types.h>

struct cos_sys;
struct cos_comp;
struct cos_thd;

/* Does [addr, addr + len) reach into @c's argument regions? */
bool cos_args_overlap(const struct cos_comp *c, unsigned long addr,
		      unsigned long len);
/* @t's page in every component / every thread's page in a new @c. */
int cos_args_map_thd(struct cos_sys *sys, struct cos_thd *t);
int cos_args_map_comp(struct cos_sys *sys, struct cos_comp *c);
void cos_args_unmap_thd(struct cos_sys *sys, struct cos_thd *t);

#endif
