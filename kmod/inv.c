// SPDX-License-Identifier: GPL-2.0
/*
 * inv.c - invocations between components on a migrating thread: the
 * thread itself moves into the server (PD, registers) and back, and the
 * kernel keeps the caller's state on the thread's invocation stack.
 *
 * Called by the run loop between two entries into the component, so the
 * thread's registers are saved in thd->hw and nothing else touches them
 * (inv.h). fastpath.S does the common case of invoke and return without
 * coming here; the preconditions it checks are evaluated here too
 * (cos_fp_refusal), from the one list in fastpath.h.
 */
#include <linux/string.h>
#include <linux/nospec.h>
#include <asm/segment.h>
#include <asm/processor-flags.h>
#include <linux/bug.h>
#include <asm/cpufeature.h>
#include "sys.h"
#include "comp.h"
#include "cap.h"
#include "thd.h"
#include "inv.h"
#include "fastpath.h"
#include "stats.h"
#include "ustate.h"

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

void cos_inv_invoke(struct cos_thd *thd)
{
	struct cos_hw_regs *r = &thd->hw;
	struct cos_comp *client = cos_thd_running_comp(thd);
	unsigned long id = r->di, a0 = r->si, a1 = r->dx, a2 = r->r10, a3 = r->r8;
	struct cos_inv_frame *f;
	struct cos_cap *cap;

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
	cos_ustate_reset(thd);	/* the server's: the kernel's */
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
	thd->pkru = f->pkru;		/* state at thd->depth (ustate.c) */
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
	cos_ustate_reset(thd);
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

/* ---- the fast path's preconditions, in C ------------------------------- */

static const char *const cos_fp_check_names[COS_FP_NR] = {
	[COS_FP_NONE] = "none",
#define COS_FP_NAME(name, op, what) [COS_FP_##name] = #name,
	COS_FP_CHECKS(COS_FP_NAME)
#undef COS_FP_NAME
};

const char *cos_fp_check_name(unsigned int check)
{
	return check < COS_FP_NR ? cos_fp_check_names[check] : "?";
}

/*
 * The same tests as fastpath.S, in the same order (fastpath.h): the ip
 * is the one the syscall saved (RCX there), the registers the ones it
 * had. A new check goes into COS_FP_CHECKS, fastpath.S and here.
 */
enum cos_fp_check cos_fp_refusal(const struct cos_thd *thd, unsigned long op)
{
	const struct cos_hw_regs *r = &thd->hw;
	const struct cos_comp *c = thd->comp;
	bool fpu = thd->flags & COS_THD_FPU;
	bool fsgs = cpu_feature_enabled(X86_FEATURE_FSGSBASE);

	switch (op) {
	case COS_OP_INVOKE:
		if (r->ip < c->base || r->ip >= c->end)
			return COS_FP_INV_CALLER;
		if (r->di >= c->nr_caps)
			return COS_FP_INV_CAP;
		if (thd->depth >= COS_INV_DEPTH_MAX)
			return COS_FP_INV_DEPTH;
		if (fpu)
			return COS_FP_INV_FPU;
		if (!fsgs)
			return COS_FP_INV_FSGS;
		break;
	case COS_OP_RETURN:
		if (!thd->depth)
			return COS_FP_RET_HOME;
		if (thd->handlers)
			return COS_FP_RET_HANDLER;
		if (fpu)
			return COS_FP_RET_FPU;
		if (!fsgs)
			return COS_FP_RET_FSGS;
		break;
	case COS_OP_BENCH_LB:
		if (thd->depth)
			return COS_FP_LB_DEPTH;
		if (!thd->bench)
			return COS_FP_LB_THREAD;
		break;
	}
	return COS_FP_NONE;
}

/*
 * The slow path got @op from fastpath.S, which named @asm_says as the
 * check that failed. Nothing may have changed in between (the thread was
 * stopped in the kernel all along), so C must name the same one: if it
 * does not, the assembly and the list have drifted apart.
 */
void cos_fp_refused(const struct cos_thd *thd, unsigned long op,
		    unsigned long asm_says)
{
	enum cos_fp_check c = cos_fp_refusal(thd, op);

	WARN_ONCE(c == COS_FP_NONE || c != asm_says,
		  "cos: fast path and C disagree on op %lu: fastpath.S says %s, C says %s\n",
		  op, cos_fp_check_name(asm_says), cos_fp_check_name(c));
	atomic64_inc(&cos_stats.fp_refused[c < COS_FP_NR ? c : COS_FP_NONE]);
}
