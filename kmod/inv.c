// SPDX-License-Identifier: GPL-2.0
/*
 * inv.c - invocations between components on a migrating thread: the
 * thread itself moves into the server (PD, registers) and back, and the
 * kernel keeps the caller's state on the thread's invocation stack.
 *
 * Called by the run loop between two entries into the component, so the
 * thread's registers are saved in thd->hw and nothing else touches them.
 */
#include <linux/string.h>
#include <linux/nospec.h>
#include <asm/segment.h>
#include <asm/processor-flags.h>
#include "sys.h"
#include "fastpath.h"
#include "fpu.h"

/* fastpath.S reads these structs by hand. */
static inline void cos_fastpath_layout_checks(void)
{
	BUILD_BUG_ON(offsetof(struct cos_thd, comp) != COS_THD_COMP);
	BUILD_BUG_ON(offsetof(struct cos_thd, depth) != COS_THD_DEPTH);
	BUILD_BUG_ON(offsetof(struct cos_thd, id) != COS_THD_ID);
	BUILD_BUG_ON(offsetof(struct cos_thd, handlers) != COS_THD_HANDLER);
	BUILD_BUG_ON(COS_INV_DEPTH_MAX > BITS_PER_LONG);	/* one handler bit a depth */
	BUILD_BUG_ON(offsetof(struct cos_thd, inv) != COS_THD_INV);
	BUILD_BUG_ON(offsetof(struct cos_thd, pd) != COS_THD_PD);
	BUILD_BUG_ON(offsetof(struct cos_thd, seq) != COS_THD_SEQ);
	BUILD_BUG_ON(offsetof(struct cos_thd, flags) != COS_THD_FLAGS);
	BUILD_BUG_ON(offsetof(struct cos_thd, bench) != COS_THD_BENCH);
	BUILD_BUG_ON(offsetof(struct cos_inv_frame, fs_base) != COS_FR_FS);
	BUILD_BUG_ON(offsetof(struct cos_inv_frame, pkru) != COS_FR_PKRU);
	BUILD_BUG_ON(offsetof(struct cos_bench_lb, cr3) != COS_LB_CR3);
	BUILD_BUG_ON(offsetof(struct cos_inv_frame, pd) != COS_FR_PD);
	BUILD_BUG_ON(offsetof(struct cos_pd, pa) != COS_PD_PA);
	BUILD_BUG_ON(sizeof(struct cos_inv_frame) != COS_FR_SIZE);
	BUILD_BUG_ON(offsetof(struct cos_inv_frame, comp) != COS_FR_COMP);
	BUILD_BUG_ON(offsetof(struct cos_inv_frame, ip) != COS_FR_IP);
	BUILD_BUG_ON(offsetof(struct cos_inv_frame, sp) != COS_FR_SP);
	BUILD_BUG_ON(offsetof(struct cos_inv_frame, flags) != COS_FR_FLAGS);
	BUILD_BUG_ON(offsetof(struct cos_inv_frame, bx) != COS_FR_BX);
	BUILD_BUG_ON(offsetof(struct cos_inv_frame, bp) != COS_FR_BP);
	BUILD_BUG_ON(offsetof(struct cos_inv_frame, r12) != COS_FR_R12);
	BUILD_BUG_ON(offsetof(struct cos_inv_frame, r15) != COS_FR_R15);
	BUILD_BUG_ON(offsetof(struct cos_comp, pd) != COS_COMP_PD);
	BUILD_BUG_ON(offsetof(struct cos_comp, base) != COS_COMP_BASE);
	BUILD_BUG_ON(offsetof(struct cos_comp, end) != COS_COMP_END);
	BUILD_BUG_ON(offsetof(struct cos_comp, caps) != COS_COMP_CAPS);
	BUILD_BUG_ON(offsetof(struct cos_comp, nr_caps) != COS_COMP_NR_CAPS);
	BUILD_BUG_ON(offsetof(struct cos_comp, id) != COS_COMP_ID);
	BUILD_BUG_ON(sizeof(struct cos_cap) != COS_CAP_SIZE);
	BUILD_BUG_ON(offsetof(struct cos_cap, server) != COS_CAP_SERVER);
	BUILD_BUG_ON(offsetof(struct cos_cap, entry) != COS_CAP_ENTRY);
	BUILD_BUG_ON(offsetof(struct cos_cap, invocations) != COS_CAP_INVOCATIONS);
	BUILD_BUG_ON(COS_HW_OP_INVOKE != COS_OP_INVOKE);
	BUILD_BUG_ON(COS_HW_OP_RETURN != COS_OP_RETURN);
	BUILD_BUG_ON(COS_HW_OP_BENCH_LB != COS_OP_BENCH_LB);
}

/* thd->handlers: the bit of the activation at @depth (1 ..
 * COS_INV_DEPTH_MAX); COS_HANDLER_BIT(d + 1) - 1 masks depths 1 .. d. */
#define COS_HANDLER_BIT(depth)	(1UL << ((depth) - 1))

/* A clean user frame at @ip/@sp: 64-bit code, IF on, every GPR zero. */
static void cos_inv_regs_reset(struct cos_hw_regs *r, unsigned long ip,
			       unsigned long sp, unsigned long flags)
{
	memset(r, 0, sizeof(*r));
	r->ip = ip;
	r->sp = sp;
	r->flags = flags;
	r->cs = __USER_CS;
	r->ss = __USER_DS;
}

/*
 * A fresh activation (a server, a fault handler) starts with the kernel's
 * user CPU state: FS base 0, PKRU 0 and, for an FPU thread, the FPU init
 * state; run.c gives it the GS base at entry. What the caller had is in
 * its frame (fastpath.S F9 does the same).
 */
static void cos_inv_user_state_reset(struct cos_thd *thd)
{
	thd->fs_base = 0;
	thd->pkru = 0;
	if (thd->flags & COS_THD_FPU)
		cos_fpu_reset(thd, thd->depth);
}

/*
 * The component whose code the thread is running: thd->comp, the one the
 * last kernel-visible activation entered, unless a server function called
 * directly inside one PD (cos.h: capability flipping) is running, which
 * the ip tells: the component of the ip's slot, if the thread's PD maps it
 * (it could not run otherwise; merged components trust each other).
 */
struct cos_comp *cos_thd_running_comp(struct cos_thd *thd)
{
	unsigned long slot = thd->hw.ip >> cos_slot_shift();
	struct cos_pd *pd = thd->pd ? thd->pd : thd->comp->pd;
	struct cos_comp *c;

	if (likely(thd->hw.ip >= thd->comp->base && thd->hw.ip < thd->comp->end))
		return thd->comp;
	c = slot < COS_MAX_COMPS ?
	    READ_ONCE(thd->sys->by_slot[array_index_nospec(slot, COS_MAX_COMPS)]) :
	    NULL;
	return c && cos_pd_maps(pd, c) ? c : thd->comp;
}

void cos_inv_invoke(struct cos_thd *thd)
{
	struct cos_hw_regs *r = &thd->hw;
	struct cos_comp *client = cos_thd_running_comp(thd);
	unsigned long id = r->di, a0 = r->si, a1 = r->dx, a2 = r->r10, a3 = r->r8;
	struct cos_inv_frame *f;
	struct cos_cap *cap;

	cos_fastpath_layout_checks();
	if (unlikely(id >= client->nr_caps)) {
		r->ax = COS_ERR_NOCAP;
		return;
	}
	/* Spectre v1: no load through an id the check has not passed. */
	id = array_index_nospec(id, client->nr_caps);
	cap = &client->caps[id];
	if (unlikely(!cap->server)) {
		r->ax = COS_ERR_NOCAP;
		return;
	}
	if (unlikely(thd->depth >= COS_INV_DEPTH_MAX)) {
		r->ax = COS_ERR_DEPTH;
		return;
	}
	atomic64_inc((atomic64_t *)&cap->invocations);

	cos_thd_seq_begin(thd);
	f = &thd->inv[thd->depth++];
	*f = (struct cos_inv_frame){
		.comp = client, .ip = r->ip, .sp = r->sp, .flags = r->flags,
		.bx = r->bx, .bp = r->bp, .r12 = r->r12, .r13 = r->r13,
		.r14 = r->r14, .r15 = r->r15,
		.pd = thd->pd ? thd->pd : client->pd,
		.fs_base = thd->fs_base, .pkru = thd->pkru,
	};
	cos_inv_user_state_reset(thd);	/* the server's: the kernel's */
	thd->pd_fresh = true;	/* the server's PD, loaded at entry */
	cos_thd_seq_end(thd);
	cos_inv_regs_reset(r, cap->entry, 0, X86_EFLAGS_IF | X86_EFLAGS_FIXED);
	r->di = a0;
	r->si = a1;
	r->dx = a2;
	r->r10 = a3;
	r->cx = cap->entry;
	r->r11 = r->flags;
	r->r8 = client->id;
	r->r9 = thd->depth;
	r->ax = thd->id;
	thd->comp = cap->server;
}

/*
 * Back to the caller with two return words (COS_OP_RETURN, or an unwound
 * fault with COS_ERR_FAULT). -ENOENT if the thread is at its home.
 */
int cos_inv_return(struct cos_thd *thd, unsigned long ret0, unsigned long ret1)
{
	struct cos_hw_regs *r = &thd->hw;
	struct cos_inv_frame *f;

	if (!thd->depth)
		return -ENOENT;
	cos_thd_seq_begin(thd);
	f = &thd->inv[thd->depth - 1];
	thd->pd_next = f->pd;	/* the PD the caller ran in, loaded at entry */
	thd->pd_fresh = false;
	thd->depth--;
	cos_thd_seq_end(thd);
	cos_inv_regs_reset(r, f->ip, f->sp, f->flags);
	r->ax = ret0;
	r->dx = ret1;
	r->bx = f->bx;
	r->bp = f->bp;
	r->r12 = f->r12;
	r->r13 = f->r13;
	r->r14 = f->r14;
	r->r15 = f->r15;
	thd->fs_base = f->fs_base;	/* the caller's own, and its FPU */
	thd->pkru = f->pkru;		/* state at thd->depth (fpu.c) */
	thd->comp = f->comp;
	/* The activation that ended may have been a fault handler's; the
	 * ones below it, handlers or not, go on (fastpath.S returns only
	 * while no handler runs at all, so this is the one place). */
	thd->handlers &= COS_HANDLER_BIT(thd->depth + 1) - 1;
	return 0;
}

/*
 * The error code of the fault saved in @r, as a handler and the host see
 * it: the CPU's, 0 for a vector that pushes none (the entry's -1), and
 * for a syscall the op, whatever its value (-1 included).
 */
unsigned long cos_fault_error(const struct cos_hw_regs *r)
{
	if (r->vector == COS_HW_VEC_SYSCALL || r->vector == COS_HW_VEC_SYSCALL32)
		return r->error_code;
	return r->error_code == -1UL ? 0 : r->error_code;
}

/*
 * Start the current component's fault handler for the fault saved in
 * thd->hw, if it has one, the thread is inside an invocation, and no
 * handler runs in this activation already: a fault in a handler unwinds,
 * at any nesting (a handler that invoked another component whose own
 * handler ran and returned is still a handler). False otherwise.
 */
bool cos_inv_fault_handler(struct cos_thd *thd, unsigned long address)
{
	struct cos_hw_regs *r = &thd->hw;
	unsigned long vector = r->vector, ip = r->ip;
	unsigned long error = cos_fault_error(r);

	if (!thd->comp->fault_entry || !thd->depth ||
	    (thd->handlers & COS_HANDLER_BIT(thd->depth)))
		return false;
	thd->handlers |= COS_HANDLER_BIT(thd->depth);
	cos_inv_user_state_reset(thd);
	cos_inv_regs_reset(r, thd->comp->fault_entry, 0,
			   X86_EFLAGS_IF | X86_EFLAGS_FIXED);
	r->di = vector;
	r->si = address;
	r->dx = ip;
	r->r10 = error;
	r->r8 = thd->comp->id;
	r->r9 = thd->depth;
	r->ax = thd->id;
	r->cx = thd->comp->fault_entry;
	r->r11 = r->flags;
	return true;
}
