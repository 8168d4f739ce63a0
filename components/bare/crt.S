/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crt.S - entry of a component's threads: call cos_main(base, data), or
 * the function in RDX if the thread was given one (`thread NAME FUNCTION`
 * in a system description), then exit with its return value. RDI = slot
 * base, RSI = data (the thread's argument region); RSP arrives 16-byte
 * aligned.
 */
#include "cos_comp_abi.h"

	.section .text.entry, "ax"
	.globl	_start
_start:
	testq	%rdx, %rdx
	jnz	1f
	call	cos_main
	jmp	2f
1:	call	*%rdx
2:
	movq	%rax, %rdi
	movl	$COS_OP_EXIT, %eax
	syscall
	ud2

	/* The component's name, for printc (COS_COMP_NAME from the build). */
	.section .rodata
	.globl	cos_comp_name
cos_comp_name:
	.asciz	COS_COMP_NAME
	.section .note.GNU-stack, "", @progbits
