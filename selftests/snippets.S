/* SPDX-License-Identifier: GPL-2.0 */
/*
 * snippets.S - tiny components used by the selftests. Each is copied to
 * slot base + COS_BARE_CODE and started with RDI = slot base, RSI = data
 * region (if any), RSP = stack top. Marks export the offsets of the
 * instructions a test expects a fault at (see userlib/libcos/snippet.h).
 */
#include "cos.h"
#include "snippet.h"

#define EXIT(code)	movl $(code), %edi; movl $COS_OP_EXIT, %eax; syscall; ud2

	.text

/* ---- register preservation ----------------------------------------------
 * R12 = iterations. Every iteration loads all preserved registers with
 * values derived from R12, makes the call, and checks each of them, RSP,
 * RAX == 0, CF and DF. Exit status: 0, or 10 + index of the bad register.
 */
.macro SETREGS
	movq	%r12, %rbx
	xorq	$0x1111, %rbx
	leaq	0x2222(%r12), %rdx
	movq	%r12, %rsi
	notq	%rsi
	leaq	0x4444(%r12,%r12), %rdi
	movq	%r12, %rbp
	rolq	$13, %rbp
	leaq	7(%r12), %r8
	leaq	8(%r12), %r9
	leaq	9(%r12), %r10
	movq	%r12, %r13
	rorq	$7, %r13
	movq	%r12, %r14
	bswapq	%r14
	movq	%r12, %r15
	negq	%r15
.endm

.macro REGCHECK_LOOP name, op
SNIPPET \name
	movq	%rsp, %rax
	pushq	%rax			/* (%rsp) == RSP + 8 */
1:	SETREGS
	movq	%r12, %rax
	andq	$1, %rax		/* alternate CF and DF on each iteration */
	jz	2f
	std
	stc
	jmp	3f
2:	cld
	clc
3:	movl	$\op, %eax
	syscall
	/* CF and DF must be as set: flags come back through R11/iret. */
	pushfq
	testq	%rax, %rax
	jnz	.Lbad_rax_\name
	popq	%rcx
	movq	%r12, %rax
	andq	$1, %rax
	movq	%rcx, %r11
	andq	$1, %r11		/* CF */
	cmpq	%rax, %r11
	jne	.Lbad_flags_\name
	shrq	$10, %rcx
	andq	$1, %rcx		/* DF */
	cmpq	%rax, %rcx
	jne	.Lbad_flags_\name
	cld
	movq	%r12, %rax
	xorq	$0x1111, %rax
	cmpq	%rax, %rbx
	jne	.Lbad_rbx_\name
	leaq	0x2222(%r12), %rax
	cmpq	%rax, %rdx
	jne	.Lbad_rdx_\name
	movq	%r12, %rax
	notq	%rax
	cmpq	%rax, %rsi
	jne	.Lbad_rsi_\name
	leaq	0x4444(%r12,%r12), %rax
	cmpq	%rax, %rdi
	jne	.Lbad_rdi_\name
	movq	%r12, %rax
	rolq	$13, %rax
	cmpq	%rax, %rbp
	jne	.Lbad_rbp_\name
	leaq	7(%r12), %rax
	cmpq	%rax, %r8
	jne	.Lbad_r8_\name
	leaq	8(%r12), %rax
	cmpq	%rax, %r9
	jne	.Lbad_r9_\name
	leaq	9(%r12), %rax
	cmpq	%rax, %r10
	jne	.Lbad_r10_\name
	movq	%r12, %rax
	rorq	$7, %rax
	cmpq	%rax, %r13
	jne	.Lbad_r13_\name
	movq	%r12, %rax
	bswapq	%rax
	cmpq	%rax, %r14
	jne	.Lbad_r14_\name
	movq	%r12, %rax
	negq	%rax
	cmpq	%rax, %r15
	jne	.Lbad_r15_\name
	leaq	8(%rsp), %rax
	cmpq	(%rsp), %rax
	jne	.Lbad_rsp_\name
	decq	%r12
	jnz	1b
	EXIT(0)
.Lbad_rax_\name:	EXIT(10)
.Lbad_rbx_\name:	EXIT(11)
.Lbad_rdx_\name:	EXIT(12)
.Lbad_rsi_\name:	EXIT(13)
.Lbad_rdi_\name:	EXIT(14)
.Lbad_rbp_\name:	EXIT(15)
.Lbad_r8_\name:		EXIT(16)
.Lbad_r9_\name:		EXIT(17)
.Lbad_r10_\name:	EXIT(18)
.Lbad_r13_\name:	EXIT(19)
.Lbad_r14_\name:	EXIT(20)
.Lbad_r15_\name:	EXIT(21)
.Lbad_rsp_\name:	EXIT(22)
.Lbad_flags_\name:	EXIT(23)
SNIPPET_END \name
.endm

REGCHECK_LOOP null_regs, COS_OP_NULL
REGCHECK_LOOP yield_regs, COS_OP_YIELD

/* RAX must be 0 after every null call: a tight loop that checks only it. */
SNIPPET null_rax
1:	movq	$-1, %rax
	xorl	%eax, %eax
	syscall
	testq	%rax, %rax
	jnz	2f
	decq	%r12
	jnz	1b
	EXIT(0)
2:	EXIT(10)
SNIPPET_END null_rax

/* FPU thread: XMM0/XMM7 survive null calls and preemption; R12 iterations. */
SNIPPET fpu_regs
	movabsq	$0x5a5a5a5a5a5a5a5a, %rax
	movq	%rax, %xmm7		/* clobbers the host's XMM7 if not isolated */
1:	movq	%r12, %xmm0
	xorl	%eax, %eax
	syscall
	movq	%xmm0, %rax
	cmpq	%rax, %r12
	jne	2f
	movq	%xmm7, %rax
	movabsq	$0x5a5a5a5a5a5a5a5a, %rcx
	cmpq	%rax, %rcx
	jne	2f
	decq	%r12
	jnz	1b
	EXIT(0)
2:	EXIT(30)
SNIPPET_END fpu_regs

/* FS/GS bases as set by the host (R13/R14 expected), then clobber host
 * state a component can reach: bases, selectors, PKRU. Needs FSGSBASE. */
/* FS as given (R13); GS the kernel's: a counter area, R14 + k * span. */
SNIPPET fsgs
	rdfsbase %rax
	cmpq	%rax, %r13
	jne	1f
	rdgsbase %rax
	subq	%r14, %rax
	testl	$(COS_CNT_CPU_SPAN - 1), %eax
	jnz	2f
	shrq	$19, %rax		/* log2(COS_CNT_CPU_SPAN): the CPU */
	cmpq	$8192, %rax
	jae	2f
	xorl	%eax, %eax
	syscall				/* still there after a call */
	rdfsbase %rax
	cmpq	%rax, %r13
	jne	1f
	movabsq	$0x1234000, %rax
	wrfsbase %rax
	wrgsbase %rax
	movl	$0x2b, %eax
	movl	%eax, %ds
	movl	%eax, %es
	xorl	%eax, %eax
	movl	%eax, %fs
	testq	%r15, %r15		/* R15 != 0: the CPU has PKU */
	jz	3f
	xorl	%ecx, %ecx
	xorl	%edx, %edx
	movl	$0xfffffffc, %eax	/* deny every key but 0... and key 0 writes */
	wrpkru
3:	EXIT(0)
1:	EXIT(31)
2:	EXIT(32)
SNIPPET_END fsgs

SNIPPET spin
1:	jmp	1b
SNIPPET_END spin

SNIPPET exit42
	EXIT(42)
SNIPPET_END exit42

/* Print "hi\n" from the stack, then exit 0. */
SNIPPET print_hi
	subq	$16, %rsp
	movl	$0x0a6968, (%rsp)	/* "hi\n" */
	movq	%rsp, %rdi
	movl	$3, %esi
	movl	$COS_OP_PRINT, %eax
	syscall
	cmpq	$3, %rax
	jne	1f
	EXIT(0)
1:	EXIT(1)
SNIPPET_END print_hi

/* Print from an unmapped address: the op returns -EFAULT (exit 14 = EFAULT). */
SNIPPET print_bad
	leaq	-0x8000(%rip), %rdi
	movl	$8, %esi
	movl	$COS_OP_PRINT, %eax
	syscall
	negq	%rax
	movq	%rax, %rdi
	movl	$COS_OP_EXIT, %eax
	syscall
	ud2
SNIPPET_END print_bad

/* ---- exceptions: each sets "at" on the instruction the ip must name ----- */

SNIPPET f_de
	xorl	%edx, %edx
	movl	$1, %eax
	xorl	%ecx, %ecx
f_de_at:	divl	%ecx
	EXIT(99)
SNIPPET_MARK f_de, at
SNIPPET_END f_de

/* TF set by popf: the trap comes after the instruction following popf. */
SNIPPET f_db_tf
	pushfq
	orq	$0x100, (%rsp)
	popfq
	nop
f_db_tf_at:	EXIT(99)
SNIPPET_MARK f_db_tf, at
SNIPPET_END f_db_tf

SNIPPET f_db_icebp
f_db_icebp_at:	.byte	0xf1		/* int1 / icebp: a trap, ip after it */
	EXIT(99)
SNIPPET_MARK f_db_icebp, at
SNIPPET_END f_db_icebp

SNIPPET f_bp
	int3
f_bp_at:	EXIT(99)
SNIPPET_MARK f_bp, at
SNIPPET_END f_bp

SNIPPET f_ud
f_ud_at:	ud2
	EXIT(99)
SNIPPET_MARK f_ud, at
SNIPPET_END f_ud

/* into is invalid in 64-bit mode. */
SNIPPET f_into64
f_into64_at:	.byte	0xce
	EXIT(99)
SNIPPET_MARK f_into64, at
SNIPPET_END f_into64

/*
 * Far jump to the 32-bit user code segment (code must run below 4 GiB).
 * An indirect ljmp rather than lret: QEMU's TCG pops lret frames with
 * supervisor accesses, which SMAP then refuses.
 */
.macro TO_COMPAT
	leaq	9f(%rip), %rax
	subq	$8, %rsp
	movl	%eax, (%rsp)
	movw	$0x23, 4(%rsp)		/* __USER32_CS */
	ljmpl	*(%rsp)
	.code32
9:
.endm

SNIPPET f_of32
	TO_COMPAT
	movl	$0x7fffffff, %eax
	addl	$1, %eax
	into
f_of32_at:	ud2
	.code64
SNIPPET_MARK f_of32, at
SNIPPET_END f_of32

SNIPPET f_br32
	TO_COMPAT
	pushl	$1
	pushl	$0
	movl	$5, %eax
f_br32_at:	boundl	%eax, (%esp)
	ud2
	.code64
SNIPPET_MARK f_br32, at
SNIPPET_END f_br32

/* Any FPU/SSE instruction in a thread without COS_THD_FPU. */
SNIPPET f_nm
f_nm_at:	xorps	%xmm0, %xmm0
	EXIT(99)
SNIPPET_MARK f_nm, at
SNIPPET_END f_nm

SNIPPET f_gp_hlt
f_gp_hlt_at:	hlt
	EXIT(99)
SNIPPET_MARK f_gp_hlt, at
SNIPPET_END f_gp_hlt

SNIPPET f_gp_cli
f_gp_cli_at:	cli
	EXIT(99)
SNIPPET_MARK f_gp_cli, at
SNIPPET_END f_gp_cli

SNIPPET f_gp_int21
f_gp_int21_at:	int	$0x21
	EXIT(99)
SNIPPET_MARK f_gp_int21, at
SNIPPET_END f_gp_int21

SNIPPET f_gp_intff
f_gp_intff_at:	int	$0xff
	EXIT(99)
SNIPPET_MARK f_gp_intff, at
SNIPPET_END f_gp_intff

SNIPPET f_gp_cr0
f_gp_cr0_at:	movq	%cr0, %rax
	EXIT(99)
SNIPPET_MARK f_gp_cr0, at
SNIPPET_END f_gp_cr0

SNIPPET f_gp_noncanon
	movabsq	$0x8000000000000000, %rax
f_gp_noncanon_at:	movq	(%rax), %rax
	EXIT(99)
SNIPPET_MARK f_gp_noncanon, at
SNIPPET_END f_gp_noncanon

SNIPPET f_ss
	movabsq	$0x8000000000000000, %rsp
f_ss_at:	pushq	%rax
	EXIT(99)
SNIPPET_MARK f_ss, at
SNIPPET_END f_ss

/* Read the page just below the code (a guard page: never mapped). */
SNIPPET f_pf_read
	leaq	f_pf_read_start - 0x1000(%rip), %rbx
f_pf_read_at:	movq	(%rbx), %rax
	EXIT(99)
SNIPPET_MARK f_pf_read, at
SNIPPET_END f_pf_read

/* Write to our own (read+execute) code. */
SNIPPET f_pf_write
	leaq	f_pf_write_start(%rip), %rbx
f_pf_write_at:	movb	$0, (%rbx)
	EXIT(99)
SNIPPET_MARK f_pf_write, at
SNIPPET_END f_pf_write

/* Execute from the stack (no-execute). */
SNIPPET f_pf_exec
	subq	$16, %rsp
	movb	$0xc3, (%rsp)		/* ret */
	call	*%rsp
	EXIT(99)
SNIPPET_END f_pf_exec

/* Read kernel memory that is always mapped, whatever KASLR did: the
 * read-only IDT at the start of the CPU entry area. Supervisor only. */
SNIPPET f_pf_kernel
	movabsq	$0xfffffe0000000000, %rbx
f_pf_kernel_at:	movq	(%rbx), %rax
	EXIT(99)
SNIPPET_MARK f_pf_kernel, at
SNIPPET_END f_pf_kernel

/* AC set and a misaligned load (Linux runs with CR0.AM set). */
SNIPPET f_ac
	pushfq
	orl	$0x40000, (%rsp)
	popfq
f_ac_at:	movl	-7(%rsp), %eax		/* misaligned, inside the stack */
	EXIT(99)
SNIPPET_MARK f_ac, at
SNIPPET_END f_ac

/* x87 divide by zero with the exception unmasked, raised at fwait. */
SNIPPET f_mf
	fninit
	subq	$16, %rsp
	fnstcw	(%rsp)
	andw	$~0x5, (%rsp)		/* unmask IE and ZE */
	fldcw	(%rsp)
	fldz
	fldz
	fdivp				/* 0/0: invalid operation */
f_mf_at:	fwait
	EXIT(99)
SNIPPET_MARK f_mf, at
SNIPPET_END f_mf

/* SSE divide by zero with ZM cleared in MXCSR. */
SNIPPET f_xm
	subq	$16, %rsp
	stmxcsr	(%rsp)
	andl	$~0x200, (%rsp)		/* unmask ZE */
	ldmxcsr	(%rsp)
	movl	$0x3f800000, %eax	/* 1.0f */
	movd	%eax, %xmm0
	xorps	%xmm1, %xmm1
f_xm_at:	divss	%xmm1, %xmm0
	EXIT(99)
SNIPPET_MARK f_xm, at
SNIPPET_END f_xm

/* ---- escape attempts: none may reach a Linux system call ---------------- */

SNIPPET e_getpid
	movl	$39, %eax		/* __NR_getpid */
e_getpid_at:	syscall
	EXIT(99)
SNIPPET_MARK e_getpid, at
SNIPPET_END e_getpid

SNIPPET e_exit_group
	movl	$231, %eax		/* __NR_exit_group */
	movl	$7, %edi
e_exit_group_at:	syscall
	EXIT(99)
SNIPPET_MARK e_exit_group, at
SNIPPET_END e_exit_group

SNIPPET e_int80
	movl	$20, %eax		/* __NR_getpid (i386) */
	int	$0x80
e_int80_at:	EXIT(99)
SNIPPET_MARK e_int80, at
SNIPPET_END e_int80

SNIPPET e_sysenter
	movl	$20, %eax
e_sysenter_at:	sysenter
	EXIT(99)
SNIPPET_MARK e_sysenter, at
SNIPPET_END e_sysenter

/* sysenter with TF set: a #DB on the module's sysenter entry, absorbed. */
SNIPPET e_sysenter_tf
	movl	$20, %eax
	pushfq
	orq	$0x100, (%rsp)
	popfq
e_sysenter_tf_at:	sysenter
	EXIT(99)
SNIPPET_MARK e_sysenter_tf, at
SNIPPET_END e_sysenter_tf

SNIPPET e_syscall32
	TO_COMPAT
	movl	$20, %eax
e_syscall32_at:	syscall
	ud2
	.code64
SNIPPET_MARK e_syscall32, at
SNIPPET_END e_syscall32

SNIPPET e_int80_32
	TO_COMPAT
	movl	$20, %eax
	int	$0x80
e_int80_32_at:	ud2
	.code64
SNIPPET_MARK e_int80_32, at
SNIPPET_END e_int80_32

SNIPPET e_sysenter32
	TO_COMPAT
	movl	$20, %eax
e_sysenter32_at:	sysenter
	ud2
	.code64
SNIPPET_MARK e_sysenter32, at
SNIPPET_END e_sysenter32

/* The same from 32-bit code, where more CPUs (and QEMU) execute sysenter:
 * exercises the module's #DB fixup on its sysenter entry. */
SNIPPET e_sysenter32_tf
	TO_COMPAT
	movl	$20, %eax
	pushfl
	orl	$0x100, (%esp)
	popfl
e_sysenter32_tf_at:	sysenter
	ud2
	.code64
SNIPPET_MARK e_sysenter32_tf, at
SNIPPET_END e_sysenter32_tf


/* ---- invocations -------------------------------------------------------
 * A server entry has no stack (RSP = 0): these test servers take one in
 * their own slot, below the stack top, 256 bytes per invocation depth (R9),
 * so that A->B->A does not reuse a live frame. Real components will use
 * the runtime's stack pool.
 */
#define COS_BARE_CODE_OFF	0x10000		/* as COS_BARE_CODE in libcos.h */
#define COS_BARE_STACK_TOP_OFF	0x400000	/* as COS_BARE_STACK_TOP */

.macro SERVER_STACK name
	leaq	\name\()_start + (COS_BARE_STACK_TOP_OFF - COS_BARE_CODE_OFF) - 0x1000(%rip), %rsp
	movq	%r9, %rax
	shlq	$8, %rax
	subq	%rax, %rsp
.endm

.macro INVOKE
	movl	$COS_OP_INVOKE, %eax
	syscall
.endm

.macro RETURN
	movl	$COS_OP_RETURN, %eax
	syscall
	ud2
.endm

/* ---- no CPU state crosses a PD (cos_inv test_cpu_state) ---------------
 * cpu_client: R12 = flags (1: PKU, 2: FPU thread, 4: AVX). It sets FS base
 * 0x1111000, GS base 0x2222000, PKRU 0xc, x87 (one push), XMM0/XMM1 and
 * YMM0's upper half, then invokes cap 0 (cpu_server) with ops 0, 1, 2
 * and keeps what the server saw: RBX, RBP = its GS, FS base; R12, R13 =
 * its PKRU, XMM0; R14, R15 = its x87 status word, YMM0 upper half. Then
 * it checks its own state came back and exits 0, or 100 + a bit per
 * difference (1 FS, 2 GS, 4 PKRU, 8 XMM0, 16 XMM1, 32 x87, 64 YMM0).
 */
#define CPU_PATTERN	0x5555aaaa5555aaaa
SNIPPET cpu_client
	pushq	%r12				/* 8(%rsp): flags */
	rdgsbase %rax
	pushq	%rax				/* (%rsp): the GS base it got */
	movq	$0x1111000, %rax
	wrfsbase %rax
	movq	$0x2222000, %rax
	wrgsbase %rax
	testq	$1, 8(%rsp)
	jz	1f
	xorl	%ecx, %ecx
	xorl	%edx, %edx
	movl	$0xc, %eax
	wrpkru
1:	testq	$2, 8(%rsp)
	jz	2f
	fld1
	movabsq	$CPU_PATTERN, %rax
	movq	%rax, %xmm0
	movq	%rax, %xmm1
	testq	$4, 8(%rsp)
	jz	2f
	vinsertf128 $1, %xmm0, %ymm0, %ymm0
2:	xorl	%edi, %edi
	xorl	%esi, %esi
	movq	8(%rsp), %rdx
	INVOKE
	movq	%rax, %rbx
	movq	%rdx, %rbp
	xorl	%edi, %edi
	movl	$1, %esi
	movq	8(%rsp), %rdx
	INVOKE
	movq	%rax, %r12
	movq	%rdx, %r13
	xorl	%edi, %edi
	movl	$2, %esi
	movq	8(%rsp), %rdx
	INVOKE
	movq	%rax, %r14
	movq	%rdx, %r15

	xorl	%edi, %edi
	rdfsbase %rax
	cmpq	$0x1111000, %rax
	je	3f
	orl	$1, %edi
3:	rdgsbase %rax
	cmpq	(%rsp), %rax
	je	4f
	orl	$2, %edi
4:	testq	$1, 8(%rsp)
	jz	5f
	xorl	%ecx, %ecx
	rdpkru
	cmpl	$0xc, %eax
	je	5f
	orl	$4, %edi
5:	testq	$2, 8(%rsp)
	jz	8f
	movabsq	$CPU_PATTERN, %rcx
	movq	%xmm0, %rax
	cmpq	%rcx, %rax
	je	6f
	orl	$8, %edi
6:	movq	%xmm1, %rax
	cmpq	%rcx, %rax
	je	7f
	orl	$16, %edi
7:	fnstsw	%ax
	andl	$0x3800, %eax			/* TOP: 7 after one push */
	cmpl	$0x3800, %eax
	je	71f
	orl	$32, %edi
71:	testq	$4, 8(%rsp)
	jz	8f
	vextractf128 $1, %ymm0, %xmm2
	movq	%xmm2, %rax
	cmpq	%rcx, %rax
	je	8f
	orl	$64, %edi
8:	testl	%edi, %edi
	jz	9f
	addl	$100, %edi
9:	movl	$COS_OP_EXIT, %eax
	syscall
	ud2
SNIPPET_END cpu_client

/* cpu_server: RDI = op, RSI = the client's flags; no stack. Reports what
 * it sees (see cpu_client), then sets FS/GS base 0x3333000, PKRU 0x30,
 * x87, XMM0/XMM1 and YMM0 to garbage and returns. */
SNIPPET cpu_server
	movq	%rsi, %r9
	cmpq	$1, %rdi
	je	1f
	cmpq	$2, %rdi
	je	2f
	rdgsbase %rdi
	rdfsbase %rsi
	jmp	4f
1:	xorl	%edi, %edi
	xorl	%esi, %esi
	testq	$1, %r9
	jz	3f
	xorl	%ecx, %ecx
	rdpkru
	movl	%eax, %edi
3:	testq	$2, %r9
	jz	4f
	movq	%xmm0, %rsi
	jmp	4f
2:	xorl	%edi, %edi
	xorl	%esi, %esi
	testq	$2, %r9
	jz	4f
	fnstsw	%ax
	movzwl	%ax, %edi
	testq	$4, %r9
	jz	4f
	vextractf128 $1, %ymm0, %xmm2
	movq	%xmm2, %rsi
4:	movq	$0x3333000, %rax
	wrfsbase %rax
	wrgsbase %rax
	testq	$1, %r9
	jz	5f
	xorl	%ecx, %ecx
	xorl	%edx, %edx
	movl	$0x30, %eax
	wrpkru
5:	testq	$2, %r9
	jz	6f
	fldpi
	fldpi
	movabsq	$0xbadbadbadbad, %rax
	movq	%rax, %xmm0
	movq	%rax, %xmm1
	testq	$4, %r9
	jz	6f
	vinsertf128 $1, %xmm0, %ymm0, %ymm0
6:	RETURN
SNIPPET_END cpu_server

/* ---- the lower-bound benchmark op (cos_bench_lb) ------------------------
 * lb_self: RBX round trips of COS_OP_BENCH_LB, then exit 0.
 * lb_client: invoke cap 0 once, exit with what it returned.
 * lb_server: COS_OP_BENCH_LB inside an invocation (depth 1), then return 7. */
SNIPPET lb_self
1:	movl	$COS_OP_BENCH_LB, %eax
	syscall
	decq	%rbx
	jnz	1b
	EXIT(0)
SNIPPET_END lb_self

SNIPPET lb_client
	xorl	%edi, %edi
	INVOKE
	movq	%rax, %rdi
	movl	$COS_OP_EXIT, %eax
	syscall
	ud2
SNIPPET_END lb_client

SNIPPET lb_server
	movl	$COS_OP_BENCH_LB, %eax
	syscall
	movl	$7, %edi
	RETURN
SNIPPET_END lb_server

/* Server: RET0 = a0 + 3*a1 + 5*a2 + 7*a3, RET1 = caller id | depth << 32. */
SNIPPET inv_echo
	SERVER_STACK inv_echo
	leaq	(%rsi,%rsi,2), %rax
	addq	%rdi, %rax
	leaq	(%rdx,%rdx,4), %r11
	addq	%r11, %rax
	imulq	$7, %r10, %r10
	addq	%r10, %rax
	movq	%r9, %rsi
	shlq	$32, %rsi
	orq	%r8, %rsi
	movq	%rax, %rdi
	RETURN
SNIPPET_END inv_echo

/* Client: invoke cap 0 with R12..R15, then RBX, RBP = RAX, RDX; exit 0. */
SNIPPET inv_args
	movl	$0, %edi
	movq	%r12, %rsi
	movq	%r13, %rdx
	movq	%r14, %r10
	movq	%r15, %r8
	INVOKE
	movq	%rax, %rbx
	movq	%rdx, %rbp
	EXIT(0)
SNIPPET_END inv_args

/* Server of a chain: pass a0 + 1 on through cap 0; the last one (no cap)
 * answers (a0, its depth). Errors come back unchanged. */
SNIPPET inv_chain
	SERVER_STACK inv_chain
	pushq	%rdi
	pushq	%r9
	leaq	1(%rdi), %rsi
	movl	$0, %edi
	INVOKE
	popq	%r9
	popq	%rdi
	cmpq	$COS_ERR_NOCAP, %rax
	je	1f
	movq	%rax, %rdi
	movq	%rdx, %rsi
	RETURN
1:	movq	%r9, %rsi
	RETURN
SNIPPET_END inv_chain

/* Client: R12 iterations of cap 0 with a0 = R12; expects RAX = a0 + R13,
 * RDX = R14 each time; RBX survives every call. Exit 0, or 40/41/42. */
SNIPPET inv_loop
	movabsq	$0x0123456789abcdef, %rbx
1:	movl	$0, %edi
	movq	%r12, %rsi
	INVOKE
	movq	%r12, %rcx
	addq	%r13, %rcx
	cmpq	%rcx, %rax
	jne	2f
	cmpq	%r14, %rdx
	jne	3f
	movabsq	$0x0123456789abcdef, %rcx
	cmpq	%rcx, %rbx
	jne	4f
	decq	%r12
	jnz	1b
	EXIT(0)
2:	EXIT(40)
3:	EXIT(41)
4:	EXIT(42)
SNIPPET_END inv_loop

/* Client of a star: cap i for i < R12, each answering (i, 1). */
SNIPPET inv_star
	xorl	%ebx, %ebx
1:	movl	%ebx, %edi
	movq	%rbx, %rsi
	INVOKE
	cmpq	%rbx, %rax
	jne	2f
	cmpq	$1, %rdx
	jne	2f
	incq	%rbx
	cmpq	%r12, %rbx
	jne	1b
	EXIT(0)
2:	EXIT(43)
SNIPPET_END inv_star

/* Recursion: the thread starts at inv_rec (client: invoke cap 0 with
 * a0 = R12, RBX, RBP = the answer); inv_rec_serve answers a0 == 0 with
 * (0, depth), otherwise invokes cap 0 with a0 - 1 and adds 1; negative
 * answers (errors) come back unchanged. */
SNIPPET inv_rec
	movl	$0, %edi
	movq	%r12, %rsi
	INVOKE
	movq	%rax, %rbx
	movq	%rdx, %rbp
	EXIT(0)
inv_rec_serve:
	SERVER_STACK inv_rec
	testq	%rdi, %rdi
	jnz	1f
	movq	%r9, %rsi
	RETURN
1:	leaq	-1(%rdi), %rsi
	movl	$0, %edi
	INVOKE
	testq	%rax, %rax
	js	2f
	incq	%rax
2:	movq	%rax, %rdi
	movq	%rdx, %rsi
	RETURN
SNIPPET_MARK inv_rec, serve
SNIPPET_END inv_rec

/*
 * Invocation fuzzer: needs no stack (servers start with RSP = 0). R12 is a
 * xorshift state, R13 a count: each step issues INVOKE (mostly), RETURN,
 * NULL or YIELD with random capability ids and arguments; it runs in
 * clients and, entered through a capability, in servers too.
 */
SNIPPET fuzz_inv
	testq	%r12, %r12
	jnz	1f
	movq	%rcx, %r12		/* as a server: seed from the entry */
	orq	$1, %r12
	movq	%r9, %r13
	addq	$17, %r13
1:	movq	%r12, %rax
	shlq	$13, %rax
	xorq	%rax, %r12
	movq	%r12, %rax
	shrq	$7, %rax
	xorq	%rax, %r12
	movq	%r12, %rax
	shlq	$17, %rax
	xorq	%rax, %r12
	movq	%r12, %rdi
	andq	$7, %rdi		/* capability 0..7 */
	testb	$0x80, %r12b
	jz	2f
	movq	%r12, %rdi		/* sometimes any value */
2:	movq	%r12, %rsi
	movq	%r12, %rdx
	rorq	$5, %rdx
	movq	%r12, %rax
	shrq	$20, %rax
	andq	$7, %rax
	cmpq	$6, %rax
	jb	3f
	testq	%r9, %r9		/* 6, 7: return, when in a server */
	jz	3f
	movl	$COS_OP_RETURN, %eax
	jmp	4f
3:	cmpq	$1, %rax
	ja	5f
	movl	$COS_OP_YIELD, %eax	/* 0, 1: yield */
	jmp	4f
5:	movl	$COS_OP_INVOKE, %eax	/* 2..4: invoke */
4:	syscall
	decq	%r13
	jnz	1b
	EXIT(0)
SNIPPET_END fuzz_inv

/* Invoke capability R12 (which it may not hold); exit with -RAX. */
SNIPPET inv_badcap
	movq	%r12, %rdi
	INVOKE
	negq	%rax
	movq	%rax, %rdi
	movl	$COS_OP_EXIT, %eax
	syscall
	ud2
SNIPPET_END inv_badcap

/* The capability table is read-only and the kernel's: entry 1 holds the
 * stub address given at creation (R12) and its word R13 (the client << 8
 * | id 1); entry 7, not held, the same stub and id 7; the counter area at
 * GS is writable; a write to the table faults. */
SNIPPET inv_captbl
	movq	COS_CAPTBL_REGION + 16(%rdi), %rax
	cmpq	%r12, %rax
	jne	1f
	cmpq	%r13, COS_CAPTBL_REGION + 24(%rdi)
	jne	1f
	cmpq	%r12, COS_CAPTBL_REGION + 7 * 16(%rdi)
	jne	1f
	leaq	6(%r13), %rax
	cmpq	%rax, COS_CAPTBL_REGION + 7 * 16 + 8(%rdi)
	jne	1f
	movq	%gs:(,%r13,8), %rax
	incq	%gs:(,%r13,8)
	incq	%rax
	cmpq	%rax, %gs:(,%r13,8)
	jne	1f
inv_captbl_at:
	movq	$0, COS_CAPTBL_REGION + 16(%rdi)
	EXIT(0)
1:	EXIT(46)
SNIPPET_MARK inv_captbl, at
SNIPPET_END inv_captbl

/* MPD probe: read the quadword at R12 (another component's code); exit 7
 * if it is R13, 8 otherwise; a #PF if it is not mapped in this PD. */
SNIPPET mpd_probe
mpd_probe_at:
	movq	(%r12), %rax
	cmpq	%r13, %rax
	jne	1f
	EXIT(7)
1:	EXIT(8)
SNIPPET_MARK mpd_probe, at
SNIPPET_END mpd_probe

/* Policy: COS_OP_PD with RDI = R12 (op), RSI = R13, RDX = R14; exit -RAX. */
SNIPPET mpd_policy
	movq	%r12, %rdi
	movq	%r13, %rsi
	movq	%r14, %rdx
	movl	$COS_OP_PD, %eax
	syscall
	negq	%rax
	movq	%rax, %rdi
	movl	$COS_OP_EXIT, %eax
	syscall
	ud2
SNIPPET_END mpd_policy

/* Policy: COS_OP_EDGES with flags R12 into 32 rows below RSP; exit with
 * (sum of the rows' invocations) << 8 | rows there are, or 1 << 62 |
 * errno on an error. */
SNIPPET mpd_edges
	subq	$1024, %rsp
	movq	%rsp, %rdi
	movl	$32, %esi
	movq	%r12, %rdx
	movl	$COS_OP_EDGES, %eax
	syscall
	testq	%rax, %rax
	js	2f
	movq	%rax, %rcx
	xorl	%ebx, %ebx
	movq	%rsp, %rsi
1:	testq	%rcx, %rcx
	jz	3f
	addq	16(%rsi), %rbx			/* struct cos_edge.invocations */
	addq	$32, %rsi
	decq	%rcx
	jmp	1b
3:	shlq	$8, %rbx
	orq	%rax, %rbx
	movq	%rbx, %rdi
	movl	$COS_OP_EXIT, %eax
	syscall
	ud2
2:	negq	%rax
	btsq	$62, %rax
	movq	%rax, %rdi
	movl	$COS_OP_EXIT, %eax
	syscall
	ud2
SNIPPET_END mpd_edges

/* Jump to address R12 (another component's code). */
SNIPPET inv_jump
	jmp	*%r12
SNIPPET_END inv_jump

/* Server that faults at once. */
SNIPPET inv_faulty
inv_faulty_at:	ud2
SNIPPET_MARK inv_faulty, at
SNIPPET_END inv_faulty

/* Client: cap 0 faults (expects COS_ERR_FAULT), then cap 1 still works
 * (inv_echo with a0 = 5: answer 5). Exit 0, or 44/45. */
SNIPPET inv_survive
	movl	$0, %edi
	INVOKE
	cmpq	$COS_ERR_FAULT, %rax
	jne	1f
	movl	$1, %edi
	movl	$5, %esi
	xorl	%edx, %edx
	xorl	%r10d, %r10d
	xorl	%r8d, %r8d
	INVOKE
	cmpq	$5, %rax
	jne	2f
	EXIT(0)
1:	EXIT(44)
2:	EXIT(45)
SNIPPET_END inv_survive

/*
 * Nested fault handlers: the entry faults at once; the handler (mark
 * "handler") invokes capability 0 and faults after it returns, unless
 * the component holds no capability 0, when it returns 77. A chain
 * A -> B -> C of these: B faults, B's handler invokes C, C faults, C's
 * handler returns 77, B's handler faults and must be unwound (A gets
 * COS_ERR_FAULT), not restarted. No stack needed.
 */
SNIPPET inv_hfault
	ud2
inv_hfault_handler:
	xorl	%edi, %edi
	INVOKE
	cmpq	$COS_ERR_NOCAP, %rax
	je	1f
inv_hfault_at:
	ud2				/* a fault in the handler: unwound */
1:	movl	$77, %edi
	xorl	%esi, %esi
	RETURN
SNIPPET_MARK inv_hfault, handler
SNIPPET_MARK inv_hfault, at
SNIPPET_END inv_hfault

/* Any op with whole 64-bit registers: RAX = R12, RDI = R13, RSI = R14,
 * RDX = R15, R10 = RBX; exits with the word the op returns in RAX. */
SNIPPET op_raw
	movq	%r12, %rax
	movq	%r13, %rdi
	movq	%r14, %rsi
	movq	%r15, %rdx
	movq	%rbx, %r10
op_raw_at:
	syscall
	movq	%rax, %rdi
	movl	$COS_OP_EXIT, %eax
	syscall
	ud2
SNIPPET_MARK op_raw, at
SNIPPET_END op_raw

/* cos_mce: read the data page at RSI for ever (a machine check stops it). */
SNIPPET mce_read
1:	movq	(%rsi), %rax
	jmp	1b
SNIPPET_END mce_read

/* COS_OP_RETURN with nothing to return to. */
SNIPPET inv_stray_return
inv_stray_return_at:	RETURN
SNIPPET_MARK inv_stray_return, at
SNIPPET_END inv_stray_return

	.section .note.GNU-stack, "", @progbits
