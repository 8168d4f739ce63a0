/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fastpath.S - the syscall entry of component mode: COS_OP_NULL,
 * COS_OP_INVOKE, COS_OP_RETURN and COS_OP_BENCH_LB without leaving it,
 * each a run of precondition checks that fall back to the C slow path
 * (the run loop and inv.c), then the switch, straight-line (seL4's
 * fastpath is the model).
 *
 * cos_syscall_fast is MSR_LSTAR while the vectors are installed
 * (cos_hijack_init, hijack.h), entered as the syscall left the CPU: user
 * RSP and user GS live, IF clear, RAX = the op, RCX = user RIP, R11 =
 * user RFLAGS. Everything it does not finish goes to hijack's
 * cos_syscall_slow in exactly that state (RAX = the op), so the slow path
 * sees what the syscall gave. Offsets come from asm-offsets.h, generated
 * from asm-offsets.c; the preconditions are the list in fastpath.h, whose
 * values asm-offsets.h carries too.
 *
 * Invariants relied on:
 *  F1. cos_kcpu.thd is the thread running on this CPU (set by the run
 *      loop before every entry) and hijack's cos_cpu.cr3_bits the bits
 *      of a CR3 load on this CPU (set by cos_cr3_load, which every entry
 *      calls).
 *  F2. Capability ids below comp->nr_caps are valid and never change while
 *      the system runs (configuration is refused while a thread runs), and
 *      every cap->entry is a user address below user_va_end, as is every
 *      saved RIP: sysret never sees a non-canonical RCX.
 *  F3. While RSP holds a kernel pointer here nothing can use the stack:
 *      interrupts are off and NMI, #MC and #DB run on IST stacks.
 *  F4. thd->comp, thd->depth and thd->inv mean the same as in inv.c; the
 *      slow path and the fast path can take turns on one thread.
 *  F6. thd->seq is odd while thd->pd, thd->depth or a frame's pd change
 *      and until CR3 holds the new PD; the lock prefix makes the odd
 *      value visible before anything else (pd.c, cos_thd_holds).
 *  F5. The caller is thd->comp only if the syscall came from its code;
 *      from a server function called directly inside one PD, the slow
 *      path finds the caller by the ip (cos_thd_running_comp).
 *  F7. Every path starts with its precondition checks, in the order of
 *      COS_FP_CHECKS (fastpath.h), each a branch to a REFUSE stub that
 *      stores the check in cos_kcpu.refusal and goes to the slow path,
 *      which evaluates the same list in C (cos_fp_refusal) and warns if
 *      it disagrees. Past the marked point of no return nothing branches
 *      back.
 *  F8. A capability id is used for a load only after it is masked to 0
 *      when the bounds check was mispredicted (Spectre v1: the cmp/sbb/
 *      and form of array_index_nospec).
 *  F9. No user-visible CPU state crosses a PD: the server gets the
 *      kernel's GS base (the CPU's counter area, cos_kcpu.user_gs), FS
 *      base 0 and PKRU 0, and the caller gets back exactly what it had
 *      (saved in its frame); callee-saved registers come back from the
 *      frame and every other register is cleared or an argument. FPU
 *      threads take the slow path, which switches their FPU state
 *      (ustate.c); without FSGSBASE everything takes the slow path.
 *  F10. objtool checks this file: RSP never holds a kernel stack here
 *      (a thread or frame pointer, 0, or the user's), so every path
 *      is "end of stack" for the unwinder.
 */
#include <linux/linkage.h>
#include <asm/percpu.h>
#include <asm/processor-flags.h>
#include <asm/cpufeatures.h>
#include <asm/alternative.h>
#include <asm/nospec-branch.h>
#include <asm/ibt.h>
#include "hijack.h"
#include "fastpath.h"
#include "uapi/cos_comp_abi.h"
#include "asm-offsets.h"		/* generated from asm-offsets.c */
#include "compat.h"			/* hijack/: the hint names */

#define KCPU(off)	PER_CPU_VAR(cos_kcpu + off)
#define HJCPU(off)	PER_CPU_VAR(cos_cpu + off)

/*
 * A precondition failed (F7): say which, go to @slow. GS is the kernel's
 * here; nothing else is touched. Off the fast path: only refusals run it.
 */
#define REFUSE(check, slow)					\
.Lrefuse_##check:						\
	movq	$COS_FP_##check, KCPU(COS_KCPU_REFUSAL);	\
	jmp	slow

	.text

/**
 * cos_syscall_fast - MSR_LSTAR in component mode (64-bit syscall).
 *
 * COS_OP_NULL (RAX == 0) returns 0 straight away with sysretq, touching
 * neither the stack nor GS (only the CPU-buffer clearing of hijack's I6).
 * RCX (return RIP) is always canonical: the last page below user_va_end
 * is never mapped, so sysret cannot #GP in ring 0 (the Intel SYSRET
 * hazard). The other fast ops jump to their paths below; everything else
 * goes to cos_syscall_slow (hijack/entry.S) as the syscall left it.
 */
SYM_CODE_START(cos_syscall_fast)
	UNWIND_HINT_ENTRY		/* user RSP and GS: no kernel stack (F3) */
	ENDBR
	testq	%rax, %rax
	jnz	.Lsyscall_op
	CLEAR_CPU_BUFFERS
	sysretq
.Lsyscall_op:
	cmpq	$COS_OP_INVOKE, %rax
	je	cos_fastpath_invoke
	cmpq	$COS_OP_RETURN, %rax
	je	cos_fastpath_return
	cmpq	$COS_OP_BENCH_LB, %rax
	je	cos_fastpath_bench_lb
	jmp	cos_syscall_slow
SYM_CODE_END(cos_syscall_fast)

/**
 * cos_fastpath_invoke - COS_OP_INVOKE: RDI = capability id, RSI, RDX, R10,
 * R8 = arguments. Falls back to the slow path for a capability the caller
 * does not hold, a full invocation stack, an FPU thread (inv.c switches
 * its FPU state) or a CPU without FSGSBASE (ustate.c and inv.c move the FS
 * base with MSRs there).
 */
SYM_CODE_START_LOCAL(cos_fastpath_invoke)
	COS_UNWIND_HINT_END_OF_STACK	/* never a kernel stack here (F3) */
	ENDBR
	swapgs
	movq	%rsp, KCPU(COS_KCPU_SCRATCH)		/* user RSP */
	movq	KCPU(COS_KCPU_THD), %rsp		/* RSP = thd (F3) */

	/* Preconditions (F7): any one false, and the slow path decides. */
	movq	COS_THD_COMP(%rsp), %rax		/* RAX = client */
	cmpq	COS_COMP_BASE(%rax), %rcx		/* INV_CALLER: called */
	jb	.Lrefuse_INV_CALLER			/* from its code (not */
	cmpq	COS_COMP_END(%rax), %rcx		/* a direct callee's)? */
	jae	.Lrefuse_INV_CALLER
	cmpq	COS_COMP_NR_CAPS(%rax), %rdi		/* INV_CAP */
	jae	.Lrefuse_INV_CAP
	sbbq	%r9, %r9				/* F8: all ones here, */
	andq	%r9, %rdi				/* 0 if mispredicted */
	movq	COS_THD_DEPTH(%rsp), %r9		/* INV_DEPTH */
	cmpq	$COS_INV_DEPTH_MAX, %r9
	jae	.Lrefuse_INV_DEPTH
	testl	$COS_THD_FLAG_FPU, COS_THD_FLAGS(%rsp)	/* INV_FPU */
	jnz	.Lrefuse_INV_FPU
	ALTERNATIVE "jmp .Lrefuse_INV_FSGS", "", X86_FEATURE_FSGSBASE

	/* ---- Point of no return: nothing below goes back to the slow path. */

	/* Push the caller's frame: thd->inv[depth++] (F6: seq odd). */
	lock incq COS_THD_SEQ(%rsp)
	incq	COS_THD_DEPTH(%rsp)
	imulq	$COS_FR_SIZE, %r9, %r9
	leaq	COS_THD_INV(%rsp,%r9), %rsp		/* RSP = frame */
	movq	%rax, COS_FR_COMP(%rsp)
	movq	%rcx, COS_FR_IP(%rsp)
	movq	%r11, COS_FR_FLAGS(%rsp)
	movq	%rbx, COS_FR_BX(%rsp)
	movq	%rbp, COS_FR_BP(%rsp)
	movq	%r12, COS_FR_R12(%rsp)
	movq	%r13, COS_FR_R13(%rsp)
	movq	%r14, COS_FR_R14(%rsp)
	movq	%r15, COS_FR_R15(%rsp)
	movq	KCPU(COS_KCPU_SCRATCH), %rbx
	movq	%rbx, COS_FR_SP(%rsp)
	movq	KCPU(COS_KCPU_THD), %rbp		/* RBP = thd */
	movq	COS_THD_PD(%rbp), %rbx
	movq	%rbx, COS_FR_PD(%rsp)			/* the PD the caller ran in */

	/* F9: the caller's FS base and PKRU go with its frame; the server
	 * starts with the kernel's (0 and 0). */
	rdfsbase %rbx
	movq	%rbx, COS_FR_FS(%rsp)
	xorl	%ebx, %ebx
	wrfsbase %rbx
	movq	%rax, %r15				/* R15 = client */
	ALTERNATIVE "jmp .Linvoke_pkru_done", "", X86_FEATURE_OSPKE
	movq	%rdx, %r14
	xorl	%ecx, %ecx
	rdpkru
	movq	%rax, COS_FR_PKRU(%rsp)
	testl	%eax, %eax			/* the kernel's already: */
	jz	1f				/* rdpkru is cheap, wrpkru not */
	xorl	%eax, %eax
	xorl	%edx, %edx
	wrpkru
1:	movq	%r14, %rdx
.Linvoke_pkru_done:

	/* The capability: count it, find the server and its entry. */
	movq	COS_COMP_CAPS(%r15), %rbx
	leaq	(%rdi,%rdi,4), %r13			/* COS_CAP_WORDS: 5 */
	leaq	(%rbx,%r13,8), %rbx			/* RBX = &caps[id] */
	lock incq COS_CAP_INVOCATIONS(%rbx)		/* exact across CPUs */
	movq	COS_CAP_SERVER(%rbx), %r12
	movq	COS_CAP_ENTRY(%rbx), %rcx		/* sysret RIP */
	movq	%r12, COS_THD_COMP(%rbp)		/* thd->comp = server */
	movq	COS_THD_DEPTH(%rbp), %r9		/* server's R9 */

	/* Arguments: RSI, RDX, R10, R8 -> RDI, RSI, RDX, R10; R8 = caller. */
	movq	%rsi, %rdi
	movq	%rdx, %rsi
	movq	%r10, %rdx
	movq	%r8, %r10
	movl	COS_COMP_ID(%r15), %r8d

	/* Into the server's protection domain, as it is now. */
	movq	COS_COMP_PD(%r12), %rax
	movq	%rax, COS_THD_PD(%rbp)
	movq	COS_PD_PA(%rax), %rax
	orq	HJCPU(COS_HJ_CR3_BITS), %rax
	movq	%rax, %cr3
	incq	COS_THD_SEQ(%rbp)			/* F6: even, CR3 switched */

	movq	COS_THD_ID(%rbp), %rax			/* the thread id */
	movq	KCPU(COS_KCPU_USER_GS), %r13		/* F9: the counter area */
	xorl	%ebx, %ebx
	xorl	%ebp, %ebp
	xorl	%r12d, %r12d
	xorl	%r14d, %r14d
	xorl	%r15d, %r15d
	movl	$(X86_EFLAGS_IF | X86_EFLAGS_FIXED), %r11d
	xorl	%esp, %esp				/* no stack: the entry stub takes one */
	CLEAR_CPU_BUFFERS
	swapgs
	wrgsbase %r13
	xorl	%r13d, %r13d
	sysretq

	REFUSE(INV_CALLER, .Linvoke_slow)
	REFUSE(INV_CAP, .Linvoke_slow)
	REFUSE(INV_DEPTH, .Linvoke_slow)
	REFUSE(INV_FPU, .Linvoke_slow)
	REFUSE(INV_FSGS, .Linvoke_slow)
.Linvoke_slow:
	movq	KCPU(COS_KCPU_SCRATCH), %rsp
	movl	$COS_OP_INVOKE, %eax
	swapgs
	jmp	cos_syscall_slow
SYM_CODE_END(cos_fastpath_invoke)
.if COS_CAP_WORDS != 5
	.error "struct cos_cap is no longer 5 words: fix the lea pair that indexes caps"
.endif

/**
 * cos_fastpath_return - COS_OP_RETURN: RDI, RSI = the return words. Falls
 * back to the slow path when there is nothing to return to (a fault), a
 * fault handler runs, for an FPU thread, or without FSGSBASE.
 */
SYM_CODE_START_LOCAL(cos_fastpath_return)
	COS_UNWIND_HINT_END_OF_STACK	/* never a kernel stack here (F3) */
	ENDBR
	swapgs
	movq	%rsp, KCPU(COS_KCPU_SCRATCH)
	movq	KCPU(COS_KCPU_THD), %rsp		/* RSP = thd (F3) */

	/* Preconditions (F7). */
	movq	COS_THD_DEPTH(%rsp), %rax		/* RET_HOME */
	testq	%rax, %rax
	jz	.Lrefuse_RET_HOME
	cmpq	$0, COS_THD_HANDLERS(%rsp)	/* RET_HANDLER: C tracks them */
	jne	.Lrefuse_RET_HANDLER
	testl	$COS_THD_FLAG_FPU, COS_THD_FLAGS(%rsp)	/* RET_FPU */
	jnz	.Lrefuse_RET_FPU
	ALTERNATIVE "jmp .Lrefuse_RET_FSGS", "", X86_FEATURE_FSGSBASE

	/* ---- Point of no return. */

	/* Pop the caller's frame: thd->inv[--depth] (F6: seq odd). */
	lock incq COS_THD_SEQ(%rsp)
	decq	%rax
	imulq	$COS_FR_SIZE, %rax, %rcx
	leaq	COS_THD_INV(%rsp,%rcx), %rcx		/* RCX = frame */
	xchgq	%rax, %rcx				/* RAX = frame, RCX = depth */
	movq	COS_FR_PD(%rax), %rdx
	movq	%rdx, COS_THD_PD(%rsp)			/* before the frame goes */
	movq	%rcx, COS_THD_DEPTH(%rsp)
	movq	COS_FR_COMP(%rax), %rcx
	movq	%rcx, COS_THD_COMP(%rsp)		/* thd->comp = caller */

	/* Back into the PD the caller ran in (it may be retired: mpd.c). */
	movq	COS_PD_PA(%rdx), %rcx
	orq	HJCPU(COS_HJ_CR3_BITS), %rcx
	movq	%rcx, %cr3
	incq	COS_THD_SEQ(%rsp)			/* F6: even, CR3 switched */

	/* F9: the caller's FS base and PKRU, as its frame kept them. */
	movq	COS_FR_FS(%rax), %rcx
	wrfsbase %rcx
	ALTERNATIVE "jmp .Lreturn_pkru_done", "", X86_FEATURE_OSPKE
	movq	%rax, %r8
	xorl	%ecx, %ecx
	rdpkru					/* the server's now */
	cmpl	COS_FR_PKRU(%r8), %eax
	je	1f
	movl	COS_FR_PKRU(%r8), %eax
	xorl	%edx, %edx
	wrpkru
1:	movq	%r8, %rax
.Lreturn_pkru_done:

	movq	COS_FR_BX(%rax), %rbx
	movq	COS_FR_BP(%rax), %rbp
	movq	COS_FR_R12(%rax), %r12
	movq	COS_FR_R13(%rax), %r13
	movq	COS_FR_R14(%rax), %r14
	movq	COS_FR_R15(%rax), %r15
	movq	COS_FR_IP(%rax), %rcx			/* sysret RIP */
	movq	COS_FR_FLAGS(%rax), %r11		/* sysret RFLAGS */
	movq	COS_FR_SP(%rax), %rsp			/* the caller's stack */
	movq	KCPU(COS_KCPU_USER_GS), %r9		/* F9: the counter area */
	movq	%rdi, %rax
	movq	%rsi, %rdx
	xorl	%esi, %esi
	xorl	%edi, %edi
	xorl	%r8d, %r8d
	xorl	%r10d, %r10d
	CLEAR_CPU_BUFFERS
	swapgs
	wrgsbase %r9
	xorl	%r9d, %r9d
	sysretq

	REFUSE(RET_HOME, .Lreturn_slow)
	REFUSE(RET_HANDLER, .Lreturn_slow)
	REFUSE(RET_FPU, .Lreturn_slow)
	REFUSE(RET_FSGS, .Lreturn_slow)
.Lreturn_slow:
	movq	KCPU(COS_KCPU_SCRATCH), %rsp
	movl	$COS_OP_RETURN, %eax
	swapgs
	jmp	cos_syscall_slow
SYM_CODE_END(cos_fastpath_return)

/**
 * cos_fastpath_bench_lb - COS_OP_BENCH_LB, the hardware lower bound of an
 * invocation for `cos bench invoke`: syscall, swapgs, a CR3 load, swapgs,
 * sysret. Only for a thread created with COS_THD_BENCH_LB (possible only
 * with the module parameter bench=1) at depth 0: it swaps between the
 * two PDs in thd->bench (its PD and a private clone of it, both its own
 * and valid while the thread lives: MPD operations are refused in a
 * system with such a thread). Anything else is an unknown op: a fault.
 */
SYM_CODE_START_LOCAL(cos_fastpath_bench_lb)
	COS_UNWIND_HINT_END_OF_STACK	/* never a kernel stack here (F3) */
	ENDBR
	swapgs
	movq	%rsp, KCPU(COS_KCPU_SCRATCH)
	movq	KCPU(COS_KCPU_THD), %rsp
	cmpq	$0, COS_THD_DEPTH(%rsp)			/* LB_DEPTH */
	jne	.Lrefuse_LB_DEPTH
	movq	COS_THD_BENCH(%rsp), %rsp		/* LB_THREAD */
	testq	%rsp, %rsp
	jz	.Lrefuse_LB_THREAD

	/* ---- Point of no return. */
	movq	COS_LB_CR3(%rsp), %rax
	xchgq	%rax, COS_LB_CR3+8(%rsp)
	movq	%rax, COS_LB_CR3(%rsp)
	orq	HJCPU(COS_HJ_CR3_BITS), %rax
	movq	%rax, %cr3
	movq	KCPU(COS_KCPU_SCRATCH), %rsp
	swapgs
	xorl	%eax, %eax
	sysretq

	REFUSE(LB_DEPTH, .Lbench_slow)
	REFUSE(LB_THREAD, .Lbench_slow)
.Lbench_slow:
	movq	KCPU(COS_KCPU_SCRATCH), %rsp
	movl	$COS_OP_BENCH_LB, %eax
	swapgs
	jmp	cos_syscall_slow
SYM_CODE_END(cos_fastpath_bench_lb)
