/* SPDX-License-Identifier: GPL-2.0 */
/*
 * entry.S - kernel entry and exit for component mode.
 *
 * Component mode is a "VM exit" model, as KVM uses for a guest: the run loop
 * of the layer above calls cos_enter_component(), which irets to the component in
 * user mode; every later entry into the kernel from the component saves the
 * component's registers into its struct cos_hw_regs and returns from
 * cos_enter_component() to the run loop, on the run loop's own stack. The
 * run loop then decides: hand an interrupt or NMI to Linux's own handler,
 * service a syscall op, or leave RUN with an exit reason.
 *
 * Invariants (each relied on below):
 *  I1. The module's IDT and syscall MSRs are loaded on a CPU only while a
 *      host thread runs there inside COS_RUN. So on this IDT, an entry with
 *      CS.RPL == 3 always comes from a component.
 *  I2. Kernel-mode entries through the module's IDT jump to Linux's own
 *      handler with the hardware frame untouched (one test of CS first).
 *  I3. cos_cpu.regs_end and cos_cpu.host_rsp are valid whenever component
 *      code runs on this CPU: cos_enter_component sets both, with
 *      interrupts off, for the register file it runs (the fast path of the
 *      layer above never changes which one that is).
 *  I4. Nothing below runs with interrupts enabled: syscall masks IF (Linux's
 *      MSR_SYSCALL_MASK), the IDT gates are interrupt gates, sysenter clears
 *      IF. NMI, #MC and #DB use IST stacks, so they never land on the user
 *      stack of the syscall fast path.
 *  I5. The component can never reach a Linux system-call entry: CSTAR,
 *      SYSENTER_EIP and vector 0x80 point here, LSTAR at the syscall entry
 *      given to cos_hijack_init, which ends in sysretq or here.
 *  I6. Every way back to user mode (iretq here, each sysretq of the
 *      syscall entry) runs CLEAR_CPU_BUFFERS first: VERW where Linux set
 *      X86_FEATURE_CLEAR_CPU_BUF (MDS, TAA, MMIO, RFDS, TSA), as Linux's
 *      own exit to user mode does; a patched-out jump elsewhere.
 *  I7. The run loop's C code never sees a component's value in a
 *      register: cos_exit_to_loop clears the caller-saved GPRs (the
 *      callee-saved ones are the run loop's own, from its stack), as
 *      Linux's PUSH_AND_CLEAR_REGS does before it calls C.
 *  I8. struct cos_hw_regs mirrors the push order of PUSH_GPRS and the
 *      frames below (one push per field, lowest address last pushed);
 *      every other offset comes from asm-offsets.h.
 *  I9. objtool checks this file: every stack switch carries an
 *      UNWIND_HINT that says what really is at RSP (the user iret frame
 *      being built, or the run loop's frame), so an NMI or #MC that
 *      unwinds through here finds the truth, and a change that breaks
 *      the frame is a build warning.
 */
#include <linux/linkage.h>
#include <asm/segment.h>
#include <asm/processor-flags.h>
#include <asm/percpu.h>
#include <asm/nospec-branch.h>
#include <asm/smap.h>
#include <asm/ibt.h>
#include <asm/trapnr.h>
#include "hijack.h"
#include "internal.h"
#include "asm-offsets.h"		/* generated from asm-offsets.c */
#include "compat.h"

#ifndef CLEAR_CPU_BUFFERS
#error "cos needs CLEAR_CPU_BUFFERS from <asm/nospec-branch.h> (Linux 6.1.79+, 6.6.18+, 6.7.6+ or 6.8+)"
#endif

#define CPU_VAR(off)	PER_CPU_VAR(cos_cpu + off)

/*
 * Push the GPRs so that they land in struct cos_hw_regs order: the
 * struct's fields are declared in the reverse of these pushes, followed
 * by vector, error code and the hardware frame (I8).
 */
.macro PUSH_GPRS
	pushq	%rdi
	pushq	%rsi
	pushq	%rdx
	pushq	%rcx
	pushq	%rax
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
.endm

.macro POP_GPRS
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rax
	popq	%rcx
	popq	%rdx
	popq	%rsi
	popq	%rdi
.endm

	.text

/**
 * cos_enter_component - run a component thread until its next kernel entry
 * @regs (%rdi): the thread's struct cos_hw_regs, already validated by C
 *		 (CS/SS are user selectors, RIP/RSP canonical user addresses,
 *		 RFLAGS has IF set and no privileged bits).
 *
 * Saves the callee-saved registers and the stack pointer of the caller in
 * cos_cpu.host_rsp, loads every GPR from @regs and irets to user mode.
 * "Returns" through cos_exit_to_loop when the component enters the kernel.
 * Called with interrupts disabled; returns with interrupts disabled.
 */
SYM_CODE_START(cos_enter_component)
	UNWIND_HINT_FUNC		/* called from C: return address at (%rsp) */
	ENDBR
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, CPU_VAR(COS_CPU_HOST_RSP)
	leaq	COS_HW_SIZE(%rdi), %rax			/* I3 */
	movq	%rax, CPU_VAR(COS_CPU_REGS_END)

	/* Use @regs as a stack: pop the GPRs, skip vector and error code. */
	movq	%rdi, %rsp
	/* From here RSP walks the component's frame up to its iret frame
	 * (17 * 8 is COS_HW_RIP, checked below: a hint takes no spaces). */
	UNWIND_HINT_IRET_REGS offset=17*8
	POP_GPRS
	addq	$(COS_HW_RIP - COS_HW_VECTOR), %rsp
	/* An NMI from here to iretq sees kernel CS with the user GS: Linux's
	 * paranoid NMI entry handles that, as for its own exit path. */
	CLEAR_CPU_BUFFERS			/* I6 */
	swapgs
	iretq
SYM_CODE_END(cos_enter_component)
.if COS_HW_RIP != 17*8
	.error "COS_HW_RIP moved: fix the UNWIND_HINT_IRET_REGS above"
.endif

/*
 * cos_exit_to_loop - the common tail of every entry from component mode.
 * The component's registers are saved; switch back to the run loop's stack
 * and return from cos_enter_component() to its caller.
 */
SYM_CODE_START_LOCAL(cos_exit_to_loop)
	/*
	 * Reached only by jmp, with the component's whole frame at RSP (every
	 * path agrees: objtool checks it; no hint here on purpose). Take the
	 * run loop's callee-saved registers from its stack through RAX, then
	 * switch to it at its return address, so that at each instruction
	 * the unwind state is exactly one of the two frames.
	 */
	movq	CPU_VAR(COS_CPU_HOST_RSP), %rax
	movq	0*8(%rax), %r15
	movq	1*8(%rax), %r14
	movq	2*8(%rax), %r13
	movq	3*8(%rax), %r12
	movq	4*8(%rax), %rbx
	movq	5*8(%rax), %rbp
	leaq	6*8(%rax), %rsp
	UNWIND_HINT_FUNC		/* as at the return of cos_enter_component */
	/* Return-stack mitigations the CPU needs on kernel entry. */
	UNTRAIN_RET
	/* I7: no component value stays in a register C may use (the
	 * callee-saved ones are the run loop's, loaded above). */
	xorl	%eax, %eax
	xorl	%ecx, %ecx
	xorl	%edx, %edx
	xorl	%esi, %esi
	xorl	%edi, %edi
	xorl	%r8d, %r8d
	xorl	%r9d, %r9d
	xorl	%r10d, %r10d
	xorl	%r11d, %r11d
	RET
SYM_CODE_END(cos_exit_to_loop)

/**
 * cos_syscall_slow - the 64-bit syscall entry's way to the run loop.
 *
 * Jumped to (never called) by the syscall entry the layer above gave
 * cos_hijack_init(), in the state the `syscall` instruction left: user
 * RSP and user GS live, IF clear (I4), RAX = the op, RCX = user RIP,
 * R11 = user RFLAGS, every other register the component's. Saves them as
 * an iret frame plus GPRs, vector COS_HW_VEC_SYSCALL and RAX as the error
 * code, and returns from cos_enter_component() to its caller.
 */
SYM_CODE_START(cos_syscall_slow)
	/* Jumped to from another object, whose jumps objtool does not
	 * follow: user RSP and GS, no kernel stack. */
	COS_UNWIND_HINT_END_OF_STACK
	swapgs
	lfence				/* no speculation with the user GS */
	movq	%rsp, CPU_VAR(COS_CPU_SCRATCH)
	movq	CPU_VAR(COS_CPU_REGS_END), %rsp
	pushq	$__USER_DS		/* ss */
	pushq	CPU_VAR(COS_CPU_SCRATCH) /* rsp */
	pushq	%r11			/* rflags */
	pushq	$__USER_CS		/* cs */
	pushq	%rcx			/* rip */
	UNWIND_HINT_IRET_REGS		/* a user iret frame at RSP */
	pushq	%rax			/* error code: the op */
	pushq	$COS_HW_VEC_SYSCALL	/* vector */
	PUSH_GPRS
	jmp	cos_exit_to_loop
SYM_CODE_END(cos_syscall_slow)

/**
 * cos_entry_syscall32 - MSR_CSTAR: syscall from 32-bit code (a component
 * that far-jumped to a compat code segment). Always an escape attempt.
 */
SYM_CODE_START(cos_entry_syscall32)
	UNWIND_HINT_ENTRY		/* user RSP and GS: no kernel stack */
	ENDBR
	swapgs
	lfence
	movq	%rsp, CPU_VAR(COS_CPU_SCRATCH)
	movq	CPU_VAR(COS_CPU_REGS_END), %rsp
	pushq	$__USER_DS
	pushq	CPU_VAR(COS_CPU_SCRATCH)
	pushq	%r11
	pushq	$__USER32_CS
	pushq	%rcx
	UNWIND_HINT_IRET_REGS
	pushq	%rax
	pushq	$COS_HW_VEC_SYSCALL32
	PUSH_GPRS
	jmp	cos_exit_to_loop
SYM_CODE_END(cos_entry_syscall32)

/**
 * cos_entry_sysenter - MSR_IA32_SYSENTER_EIP. Always an escape attempt.
 * sysenter saves neither RIP nor RSP: both are reported as 0. It clears IF
 * but not TF, DF or AC: a component that sysenters with TF set takes a #DB
 * on the first instruction here, which cos_db_kernel below absorbs.
 */
SYM_CODE_START(cos_entry_sysenter)
	UNWIND_HINT_ENTRY
	ENDBR
	swapgs
	lfence
	movq	CPU_VAR(COS_CPU_REGS_END), %rsp
	pushq	$__USER_DS
	pushq	$0			/* rsp: unknown */
	pushfq
	orq	$X86_EFLAGS_IF, (%rsp)
	pushq	$__USER_CS
	pushq	$0			/* rip: unknown */
	UNWIND_HINT_IRET_REGS
	pushq	$-1
	pushq	$COS_HW_VEC_SYSENTER
	PUSH_GPRS
	cld
	ASM_CLAC
	jmp	cos_exit_to_loop
SYM_CODE_END(cos_entry_sysenter)

/*
 * cos_user_event - an exception, interrupt or NMI from component mode.
 * On the stack the CPU chose (Linux's entry stack or an IST stack):
 *   0: vector  8: error code  16: rip  24: cs  32: rflags  40: rsp  48: ss
 * Copy all of it into the thread's registers and leave this stack for
 * good: for IST stacks nothing of ours stays there (NMIs stay blocked until
 * Linux's NMI handler irets, called later by the run loop).
 */
SYM_CODE_START_LOCAL(cos_user_event)
	swapgs
	lfence
	cld
	ASM_CLAC
	movq	%rdx, CPU_VAR(COS_CPU_SCRATCH)
	movq	%rsp, %rdx
	movq	CPU_VAR(COS_CPU_REGS_END), %rsp
	/* The CPU's frame stays where it is, at RDX, while it is copied
	 * (RDX, not RAX: a hint's base can only be a few registers). */
	UNWIND_HINT_IRET_REGS base=%rdx offset=16
	pushq	6*8(%rdx)		/* ss */
	pushq	5*8(%rdx)		/* rsp */
	pushq	4*8(%rdx)		/* rflags */
	pushq	3*8(%rdx)		/* cs */
	pushq	2*8(%rdx)		/* rip */
	pushq	1*8(%rdx)		/* error code */
	pushq	0*8(%rdx)		/* vector */
	UNWIND_HINT_IRET_REGS offset=16	/* now the copy, above vector and error */
	movq	CPU_VAR(COS_CPU_SCRATCH), %rdx
	PUSH_GPRS
	jmp	cos_exit_to_loop
SYM_CODE_END(cos_user_event)

/*
 * cos_db_kernel - #DB in kernel mode on the module's IDT. The one case that
 * is ours is a single step on the first instruction of cos_entry_sysenter
 * (a component ran sysenter with TF set): clear TF and DR6 and retry, the
 * same fix Linux applies to its own sysenter entry. Everything else goes
 * to Linux's #DB handler untouched (I2).
 */
SYM_CODE_START_LOCAL(cos_db_kernel)
	pushq	%rax
	leaq	cos_entry_sysenter(%rip), %rax
	cmpq	%rax, 8(%rsp)
	jne	1f
	andq	$~X86_EFLAGS_TF, 3*8(%rsp)
	movl	$0xffff0ff0, %eax	/* DR6_RESERVED: clear the BS bit */
	movq	%rax, %dr6
	popq	%rax
	iretq
1:	popq	%rax
	ANNOTATE_RETPOLINE_SAFE
	jmp	*cos_linux_handlers+8*X86_TRAP_DB(%rip)
	int3				/* no straight-line speculation */
SYM_CODE_END(cos_db_kernel)

/*
 * The IDT stubs: 256 of them, COS_IDT_STUB_SIZE bytes apart, one per vector.
 * From kernel mode: jump to Linux's handler, frame untouched (I2).
 * From user mode: push a fake error code where the CPU pushed none, push
 * the vector, and go to cos_user_event. #DF always goes to Linux.
 */
.macro COS_IDT_STUB
.Lstub_\@:
	.if (vec == X86_TRAP_DF) | (vec == X86_TRAP_TS) | (vec == X86_TRAP_NP) | (vec == X86_TRAP_SS) | (vec == X86_TRAP_GP) | (vec == X86_TRAP_PF) | (vec == X86_TRAP_AC) | (vec == X86_TRAP_CP) | (vec == X86_TRAP_VC) | (vec == 30)
	.set	has_err, 1		/* (gas's true is -1) */
	.else
	.set	has_err, 0
	.endif
	/* The CPU's frame, from user or kernel mode, above its error code. */
	UNWIND_HINT_IRET_REGS offset=has_err*8
	ENDBR
	.if vec == X86_TRAP_DF
	ANNOTATE_RETPOLINE_SAFE
	jmp	*cos_linux_handlers+8*vec(%rip)
	.elseif vec == X86_TRAP_DB
	testb	$3, 8(%rsp)
	jz	cos_db_kernel
	pushq	$-1
	pushq	$vec
	jmp	cos_user_event
	.else
	.if has_err
	testb	$3, 16(%rsp)		/* CS, above the error code */
	jz	1f
	.else
	testb	$3, 8(%rsp)		/* CS */
	jz	1f
	pushq	$-1			/* no error code from the CPU */
	.endif
	pushq	$vec
	jmp	cos_user_event
1:	ANNOTATE_RETPOLINE_SAFE
	jmp	*cos_linux_handlers+8*vec(%rip)
	.endif
	.org	.Lstub_\@ + COS_IDT_STUB_SIZE, 0xcc
.endm

	.p2align 5
SYM_CODE_START(cos_idt_stubs)
	.set	vec, 0
	.rept	256
	COS_IDT_STUB
	.set	vec, vec + 1
	.endr
SYM_CODE_END(cos_idt_stubs)

/**
 * cos_call_idt_handler - run Linux's IDT handler for an event that arrived
 * in component mode, as if it had interrupted this function.
 * @handler (%rdi): the handler's address from Linux's IDT (an external
 *		    interrupt's: not for IST vectors, see cos_deliver_nmi).
 *
 * Builds the frame the CPU would push for an interrupt in kernel mode
 * (SS, RSP, RFLAGS with IF clear as now, CS, and RIP through the call) and
 * calls the handler, which returns here with iretq. KVM delivers external
 * interrupts that exit a guest the same way.
 */
SYM_FUNC_START(cos_call_idt_handler)
	pushq	%rbp
	movq	%rsp, %rbp
	andq	$-16, %rsp		/* the CPU aligns the frame too */
	pushq	$__KERNEL_DS
	pushq	%rbp
	pushfq
	pushq	$__KERNEL_CS
	CALL_NOSPEC rdi
	movq	%rbp, %rsp
	popq	%rbp
	RET
SYM_FUNC_END(cos_call_idt_handler)

/**
 * cos_deliver_nmi - hand Linux an NMI that arrived in component mode.
 *
 * Called by the run loop with interrupts disabled, after the NMI left
 * component mode through cos_user_event (NMIs are still blocked: no iret
 * has run since). `int $2` enters vector 2's gate of the loaded IDT with
 * its IST stack, as a hardware NMI from kernel mode would; the module's
 * IDT entry for vector 2 jumps to Linux's handler from kernel mode (I2),
 * which runs its nested-NMI protocol on the NMI stack and irets here,
 * unblocking NMIs.
 * This needs nothing exported: KVM delivered NMIs of a guest the same
 * way before Linux grew asm_exc_nmi_noist (KVM_INTEL only, renamed in
 * 6.2).
 */
SYM_FUNC_START(cos_deliver_nmi)
	int	$2
	RET
SYM_FUNC_END(cos_deliver_nmi)
