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
	.section .note.GNU-stack, "", @progbits
