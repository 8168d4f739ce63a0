/* SPDX-License-Identifier: GPL-2.0 */
/*
 * crt.S - entry of a bare component (flat binary, loaded by cos_bare_load
 * at slot base + COS_BARE_CODE): call cos_main(base, data), then exit with
 * its return value. RSP arrives 16-byte aligned.
 */
#include "cos.h"

	.section .text.entry, "ax"
	.globl	_start
_start:
	call	cos_main
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
