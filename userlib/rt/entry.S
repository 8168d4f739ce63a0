/* SPDX-License-Identifier: GPL-2.0 */
/*
 * entry.S - the server side of an invocation: stacks from the component's
 * pool, then the interface function (see cos_iface.h).
 *
 * The pool: COS_STACKS stacks of COS_STACK_SIZE bytes at cos_stack_area
 * (mapped by the loader, each with an unmapped guard page below), and a
 * bitmap word cos_stack_busy. Claiming and releasing use lock bts/btr on
 * the bitmap, so concurrent threads never share a stack and there is no
 * ABA problem. Stack i's top holds a header (cos_stacks.h) with the
 * thread id while the function runs (cos_thread).
 */
#include "cos_comp_abi.h"
#include "cos_stacks.h"

	.text
	.globl	cos_server_entry
/* R11 = the interface function; RDI, RSI, RDX, R10 = arguments; R8 = caller;
 * RAX = thread id. RBX, RBP, R12-R15 are zero at entry: free to use. */
cos_server_entry:
	movq	%rax, %r12		/* the thread id (RAX at entry) */
	cmpq	$0, cos_stack_area(%rip)
	je	3f			/* no pool mapped */
	movq	%r12, %r13
	shlq	$8, %r13
	orq	%r9, %r13		/* R13 = owner key: thread << 8 | depth */
	leaq	cos_stack_owner(%rip), %rbx

	/*
	 * Stacks this thread holds at this depth or deeper belong to
	 * activations that are gone (a fault unwound them, or this is the
	 * fault handler replacing the one that faulted): give them back.
	 * Only this thread ever writes its own key, and a release clears the
	 * owner before the busy bit, so no live stack is taken from anyone.
	 */
	xorl	%ecx, %ecx
5:	movq	(%rbx,%rcx,8), %rax
	testq	%rax, %rax
	jz	6f
	movq	%rax, %r14
	shrq	$8, %r14
	cmpq	%r12, %r14
	jne	6f			/* another thread's */
	movzbl	%al, %r14d
	cmpq	%r9, %r14
	jb	6f			/* a live caller of ours, shallower */
	movq	$0, (%rbx,%rcx,8)
	lock btrq %rcx, cos_stack_busy(%rip)
6:	incl	%ecx
	cmpl	$COS_STACKS, %ecx
	jb	5b

1:	movq	cos_stack_busy(%rip), %rax
	notq	%rax
	bsfq	%rax, %rcx		/* first free stack */
	jz	3f
	cmpq	$COS_STACKS, %rcx
	jae	3f
	lock btsq %rcx, cos_stack_busy(%rip)
	jc	1b			/* taken meanwhile: again */
	movq	%r13, (%rbx,%rcx,8)	/* ours */
	movq	%rcx, %rax
	incq	%rax
	imulq	$COS_STACK_SIZE, %rax
	addq	cos_stack_area(%rip), %rax	/* top of stack RCX */
	movq	%rax, %rsp
	pushq	%rcx			/* top - 8: stack index */
	pushq	%r8			/* top - 16: caller */
	pushq	%r12			/* top - 24: thread id, for cos_thread */
	pushq	%r12			/* top - 32: keeps RSP 16-byte aligned */
	movq	%r10, %rcx
	shlq	$8, %r8			/* the caller, as a direct call gets it */
	call	*%r11			/* R8: COS_CALLER_PARAMS */
	movq	%rax, %rdi		/* result */
	addq	$16, %rsp
	popq	%r8
	popq	%rcx
	leaq	cos_stack_owner(%rip), %rbx
	movq	$0, (%rbx,%rcx,8)	/* owner first, then the busy bit */
	lock btrq %rcx, cos_stack_busy(%rip)
	/* no stack from here on */
	xorl	%esi, %esi
	movl	$COS_OP_RETURN, %eax
	syscall
	ud2
3:	movq	$COS_ERR_NOSTACK, %rdi
	xorl	%esi, %esi
	movl	$COS_OP_RETURN, %eax
	syscall
	ud2

	.globl	cos_inv_stub
/*
 * The inter-PD invocation stub a capability table entry points to:
 * RDI, RSI, RDX, RCX = arguments, R8 = the entry's word (our id << 8 |
 * capability id). cos_call counted the call in the entry's counter; the
 * kernel counts inter-PD invocations itself, so take that one back.
 */
cos_inv_stub:
	decq	%gs:(,%r8,8)
	movzbl	%r8b, %r11d			/* the capability id */
	movq	%rcx, %r8
	movq	%rdx, %r10
	movq	%rsi, %rdx
	movq	%rdi, %rsi
	movq	%r11, %rdi
	movl	$COS_OP_INVOKE, %eax
	syscall
	ret

	.globl	cos_thd_start
/*
 * A thread the scheduler created (COS_OP_THD_CREATE): RSP = the top of its
 * own stack, RDI = the function, RDX = its argument, RAX = the thread id.
 * Writes the stack header (cos_stacks.h), runs fn(arg) and exits with its
 * result; an exited thread never runs again.
 */
cos_thd_start:
	pushq	$-1			/* top - 8: not a pool stack */
	pushq	$0			/* top - 16: no caller */
	pushq	%rax			/* top - 24: the thread id */
	pushq	%rax			/* top - 32: keeps RSP 16-byte aligned */
	movq	%rdi, %r11
	movq	%rdx, %rdi
	call	*%r11
	movq	%rax, %rdi
1:	movl	$COS_OP_EXIT, %eax
	syscall
	jmp	1b

	.globl	cos_thread
/* The thread running this server function: at top - 24 of its stack. */
cos_thread:
	movq	%rsp, %rax
	addq	$(COS_STACK_SIZE - 1), %rax
	andq	$~(COS_STACK_SIZE - 1), %rax
	movq	-24(%rax), %rax
	ret

	.globl	cos_args
/* This thread's argument region, seen from this component. */
cos_args:
	call	cos_thread
	imulq	$COS_ARG_SIZE, %rax
	addq	cos_arg_area(%rip), %rax
	ret

	.section .rodata
	.p2align 3
	.globl	cos_captbl_addr
/* Set by the loader: slot base + COS_CAPTBL_REGION (read-only). */
cos_captbl_addr: .quad	0

	.data
	.p2align 3
	.globl	cos_stack_busy, cos_stack_area, cos_arg_area
/* Set by the loader: slot base + COS_ARG_REGION. */
cos_arg_area:	.quad	0
/* Owner key (thread << 8 | depth) of each busy stack, 0 when free. */
cos_stack_owner: .fill	COS_STACKS, 8, 0
cos_stack_busy:	.quad	0
/* Set by the loader: where the stack region starts (0: no pool). */
cos_stack_area:	.quad	0
	.section .note.GNU-stack, "", @progbits
