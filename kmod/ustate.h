/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ustate.h - the user CPU state that belongs to one activation of a
 * thread (ustate.c): FS base, GS base and PKRU for every thread, and the
 * FPU/SSE/AVX state of COS_THD_FPU threads. None of it crosses a PD
 * boundary: a server or fault handler starts with the kernel's (FS base
 * 0, PKRU 0, the FPU init state, the GS base of the CPU's counter area),
 * and its caller gets its own back (the frames, inv.c and fastpath.S F9).
 *
 * Interface (the thread not running, or on its own CPU with interrupts
 * off around cos_enter_component):
 *  - cos_ustate_reset(thd): the kernel's state for a new activation.
 *  - cos_ustate_load(thd, gs) at every entry, cos_ustate_save(thd) at
 *    every exit: the current activation's FS base and PKRU between the
 *    registers and thd; the GS base is always @gs.
 *
 * FPU threads get one state per
 * activation: the thread's own at depth 0 and a fresh one for each
 * server it invokes (index = depth). A server starts from the init state
 * and its state is dropped when it returns, so no FPU register value
 * crosses a PD boundary either way.
 *
 * The states are XSAVE areas (x87, SSE, AVX and AVX-512 only: never
 * PKRU, which the functions above and the frames handle, nor AMX or supervisor state),
 * or FXSAVE areas on CPUs without XSAVE. They are loaded into the
 * registers only inside kernel_fpu_begin()/kernel_fpu_end(), around one
 * entry into component mode, so the host task's own FPU state is saved
 * and restored by Linux as for any kernel FPU use: no KVM interface.
 *
 * Interface:
 *  - cos_fpu_init() once at module load: the area size for this CPU.
 *  - cos_fpu_alloc()/cos_fpu_free(): a thread's areas (sys->lock held).
 *  - cos_fpu_reset(thd, depth): the init state for a new activation
 *    (an invocation's server, a fault handler). The thread not running.
 *  - cos_fpu_enter(thd)/cos_fpu_exit(thd): around cos_enter_component,
 *    interrupts disabled; between them the registers hold the state of
 *    thd's activation at thd->depth.
 */
#ifndef COS_USTATE_H
#define COS_USTATE_H

struct cos_thd;

void cos_ustate_reset(struct cos_thd *thd);
void cos_ustate_load(struct cos_thd *thd, unsigned long gs);
void cos_ustate_save(struct cos_thd *thd);

void cos_fpu_init(void);
int cos_fpu_alloc(struct cos_thd *thd);
void cos_fpu_free(struct cos_thd *thd);
void cos_fpu_reset(struct cos_thd *thd, unsigned long depth);
void cos_fpu_enter(struct cos_thd *thd);
void cos_fpu_exit(struct cos_thd *thd);

#endif
