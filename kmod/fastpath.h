/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fastpath.h - the fast path's preconditions: one list for fastpath.S and
 * for the C slow path.
 *
 * fastpath.S handles COS_OP_INVOKE, COS_OP_RETURN and COS_OP_BENCH_LB
 * without leaving the syscall entry only while every precondition of the
 * op holds. It tests them in the order of COS_FP_CHECKS, and at the first
 * that fails it stores which one in cos_kcpu.refusal (the enum's value,
 * through asm-offsets) and passes the op on, unchanged, to the slow path:
 * the run loop and inv.c, which do the general thing (a direct callee
 * found by its ip, an error code, the FPU switch, MSR writes).
 *
 * The slow path evaluates the same list in C (cos_fp_refusal) and warns
 * once if its answer is not the assembly's, so the two cannot drift apart
 * unnoticed; debugfs cos/stats counts the refusals per check
 * ("fastpath_refused_<check>").
 *
 * Each entry: X(name, op, what must hold for the fast path).
 */
#ifndef COS_FASTPATH_H
#define COS_FASTPATH_H

#define COS_FP_CHECKS(X)						\
	X(INV_CALLER,  INVOKE,   "the syscall comes from the code of thd->comp (not from a server function called directly inside a PD)") \
	X(INV_CAP,     INVOKE,   "the capability id is below the caller's nr_caps") \
	X(INV_DEPTH,   INVOKE,   "the invocation stack has room")	\
	X(INV_FPU,     INVOKE,   "the thread has no FPU state of its own") \
	X(INV_FSGS,    INVOKE,   "the CPU has FSGSBASE")		\
	X(RET_HOME,    RETURN,   "there is a frame to return to (depth > 0)") \
	X(RET_HANDLER, RETURN,   "no fault handler runs in any activation") \
	X(RET_FPU,     RETURN,   "the thread has no FPU state of its own") \
	X(RET_FSGS,    RETURN,   "the CPU has FSGSBASE")		\
	X(LB_DEPTH,    BENCH_LB, "the thread is at depth 0")		\
	X(LB_THREAD,   BENCH_LB, "it is a COS_THD_BENCH_LB thread")

#ifndef __ASSEMBLY__
enum cos_fp_check {
	COS_FP_NONE,		/* every precondition holds */
#define COS_FP_ENUM(name, op, what) COS_FP_##name,
	COS_FP_CHECKS(COS_FP_ENUM)
#undef COS_FP_ENUM
	COS_FP_NR
};

struct cos_thd;

/* The first precondition of @op that @thd, stopped in the kernel, fails;
 * COS_FP_NONE if all hold (inv.c). */
enum cos_fp_check cos_fp_refusal(const struct cos_thd *thd, unsigned long op);

/* The slow path got @op from fastpath.S, which said @asm_says: check
 * that C agrees and count it (inv.c). */
void cos_fp_refused(const struct cos_thd *thd, unsigned long op,
		    unsigned long asm_says);

/* The check's name as debugfs shows it ("INV_CAP"), "none" for 0. */
const char *cos_fp_check_name(unsigned int check);

/* fastpath.S: MSR_LSTAR in component mode (cos_hijack_init). */
void cos_syscall_fast(void);
#endif

#endif
