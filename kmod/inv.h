/* SPDX-License-Identifier: GPL-2.0 */
/*
 * inv.h - invocations on a migrating thread, the slow path (inv.c): what
 * fastpath.S does for the common case, plus what it leaves to C (errors,
 * direct callees, FPU threads, fault handlers, unwinding a fault).
 *
 * Called by the run loop between two entries into component mode, so the
 * thread's registers are saved in thd->hw and nothing else touches them;
 * PD changes go through the thread's seq (thd.h).
 */
#ifndef COS_INV_H
#define COS_INV_H

#include <linux/types.h>

struct cos_thd;
struct cos_hw_regs;

/* COS_OP_INVOKE from thd->hw; errors in hw.ax. */
void cos_inv_invoke(struct cos_thd *thd);
/* Back to the caller with two words; -ENOENT at depth 0. */
int cos_inv_return(struct cos_thd *thd, unsigned long ret0, unsigned long ret1);
/* Start the running component's fault handler for the fault in thd->hw,
 * if it has one and may (see inv.c); false otherwise. */
bool cos_inv_fault_handler(struct cos_thd *thd, unsigned long address);
/* The error code of the saved fault as handlers and the host see it. */
unsigned long cos_fault_error(const struct cos_hw_regs *r);

#endif
