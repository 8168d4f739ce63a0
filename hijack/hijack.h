/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hijack.h - x86-64 vector takeover for cos.
 *
 * Interface:
 *  - cos_hijack_init() checks that the kernel and CPU are safe to hijack
 *    (refusing with -EOPNOTSUPP and one log line otherwise), records
 *    Linux's vectors and builds the module's IDT. cos_hijack_exit() undoes.
 *  - cos_vectors_install() / cos_vectors_restore() swap IDTR, MSR_LSTAR,
 *    MSR_CSTAR and MSR_IA32_SYSENTER_EIP on the *current* CPU. Called only
 *    by the run loop and its preempt notifier, with interrupts disabled.
 *  - cos_cr3_load() / cos_cr3_restore() switch this CPU to a PD's top-level
 *    page and back to the Linux CR3 it replaced. Interrupts disabled.
 *  - cos_enter_component() runs the thread whose registers it is given in
 *    user mode until the next kernel entry (any exception, interrupt, NMI,
 *    syscall that leaves the fast path, sysenter); it then returns with the
 *    registers saved and regs->vector telling why. Interrupts disabled on
 *    entry and on return; this CPU's cos_cpu.regs_end must point past regs.
 *  - cos_call_idt_handler() runs Linux's handler for an interrupt that
 *    arrived in component mode, as if it had hit kernel code here;
 *    cos_deliver_nmi() does the same for an NMI.
 *
 * Locking: all of the above are per-CPU and run with interrupts disabled;
 * no locks. The IDT and the table of Linux's handlers are read-only after
 * init.
 */
#ifndef COS_HIJACK_H
#define COS_HIJACK_H

#include <linux/types.h>
#include <linux/percpu.h>
#include "layout.h"

/* Saved component registers; layout fixed by layout.h and entry.S. */
struct cos_hw_regs {
	unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8;
	unsigned long ax, cx, dx, si, di;
	unsigned long vector, error_code;
	unsigned long ip, cs, flags, sp, ss;
};

/* Per-CPU state used by the entry code; layout fixed by layout.h. */
struct cos_cpu {
	unsigned long regs_end;		/* one past the running thread's regs */
	unsigned long host_rsp;		/* run loop's stack in cos_enter_component */
	unsigned long scratch;
	unsigned long linux_cr3;	/* CR3 a loaded PD replaced, else 0 */
	unsigned long user_gs;		/* the GS base every entry into
					 * component mode gets on this CPU */
	void *thd;			/* running thread (kmod's struct cos_thd) */
	unsigned long pcid;		/* PCID bits for CR3 loads of PDs */
	void *sys;			/* its system (compared, never followed) */
	bool installed;			/* module vectors live on this CPU */
	bool exited;			/* the run loop hands an interrupt that
					 * came from component mode to Linux:
					 * thd->hw is the thread's, stable */
	u64 installs;
};

DECLARE_PER_CPU(struct cos_cpu, cos_cpu);

int cos_hijack_init(void);
void cos_hijack_exit(void);

void cos_vectors_install(void);
void cos_vectors_restore(void);

void cos_cr3_load(unsigned long pd_pa);
/* The CR3 value cos_cr3_load() would use for @pd_pa (after one load). */
unsigned long cos_cr3_value(unsigned long pd_pa);
void cos_cr3_restore(void);

/* Linux's handler for a vector, read from Linux's IDT at init. */
unsigned long cos_linux_handler(unsigned int vector);

/* entry.S */
void cos_enter_component(struct cos_hw_regs *regs);
void cos_call_idt_handler(unsigned long handler);
void cos_deliver_nmi(void);

/* Per-CPU vector state for debugfs: what the hardware holds right now. */
struct cos_cpu_vectors {
	bool idt_is_cos, lstar_is_cos, cstar_is_cos, sysenter_is_cos;
	bool installed;
	u64 installs;
};
void cos_vectors_read(void *out /* struct cos_cpu_vectors */);

#endif
