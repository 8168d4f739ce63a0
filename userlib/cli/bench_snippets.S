/* SPDX-License-Identifier: GPL-2.0 */
/* Components for `cos bench`. RBX = iterations. */
#include "cos.h"
#include "snippet.h"

	.text
/* bench_null: RBX null round trips (the fast path), then exit 0. */
SNIPPET bench_null
1:	xorl	%eax, %eax
	syscall
	decq	%rbx
	jnz	1b
	movl	$COS_OP_EXIT, %eax
	xorl	%edi, %edi
	syscall
	ud2
SNIPPET_END bench_null

/* bench_yield: RBX round trips through the run loop, then exit 0. */
SNIPPET bench_yield
1:	movl	$COS_OP_YIELD, %eax
	syscall
	decq	%rbx
	jnz	1b
	movl	$COS_OP_EXIT, %eax
	xorl	%edi, %edi
	syscall
	ud2
SNIPPET_END bench_yield
/* bench_inv: RBX invocations of capability 0, then exit 0. */
SNIPPET bench_inv
1:	xorl	%edi, %edi
	movl	$COS_OP_INVOKE, %eax
	syscall
	decq	%rbx
	jnz	1b
	movl	$COS_OP_EXIT, %eax
	xorl	%edi, %edi
	syscall
	ud2
SNIPPET_END bench_inv

/* bench_ret: a server that returns at once (needs no stack). */
SNIPPET bench_ret
	movl	$COS_OP_RETURN, %eax
	syscall
	ud2
SNIPPET_END bench_ret

/* bench_lb: RBX round trips of the hardware lower bound: two page-table
 * switches through syscall/sysret, as an invocation and its return. */
SNIPPET bench_lb
1:	movl	$COS_OP_BENCH_LB, %eax
	syscall
	movl	$COS_OP_BENCH_LB, %eax
	syscall
	decq	%rbx
	jnz	1b
	movl	$COS_OP_EXIT, %eax
	xorl	%edi, %edi
	syscall
	ud2
SNIPPET_END bench_lb

	.section .note.GNU-stack, "", @progbits
