/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hijack.h - x86-64 vector takeover: the lower layer of cos.
 *
 * hijack/ knows nothing of components. It takes a CPU's syscall MSRs, IDT
 * and CR3 over while one host thread runs there, enters user mode with a
 * given register file, and comes back, KVM style, with the registers
 * saved and the reason in regs->vector. The layer above (kmod/) plugs in
 * through this header only:
 *
 *  - cos_hijack_init(@syscall_entry) checks that the kernel and CPU are
 *    safe to hijack (-EOPNOTSUPP and one log line otherwise), records
 *    Linux's vectors and builds the module's IDT. @syscall_entry is what
 *    MSR_LSTAR points to while the vectors are installed: the layer
 *    above's fast path, entered exactly as a `syscall` from user mode
 *    leaves the CPU (user RSP and user GS live, IF clear, RCX = user RIP,
 *    R11 = user RFLAGS). It returns to user mode itself (sysretq, after
 *    CLEAR_CPU_BUFFERS) or jumps to cos_syscall_slow with that state
 *    intact, which saves the registers and leaves cos_enter_component()
 *    with vector COS_HW_VEC_SYSCALL and the RAX value as error code.
 *    cos_hijack_exit() undoes init.
 *  - cos_session_begin() / cos_session_end() bracket the time the current
 *    task uses component mode (one COS_RUN): the host's user CPU state
 *    (segments, FS/GS bases, PKRU) is saved and put back, and a preempt
 *    notifier installs the vectors on whatever CPU the task is scheduled
 *    in on and restores Linux's vectors and CR3 at every sched_out, so
 *    Linux tasks never run on them (session.c).
 *  - cos_cr3_load() switches this CPU to a top-level page table and
 *    cos_cr3_restore() back to the Linux CR3 it replaced; between the
 *    two, cos_cpu.cr3_bits are the bits a CR3 load must OR into a page
 *    table's physical address on this CPU (the host's PCID), which the
 *    layer above's fast path reads; cos_cr3_pd_loaded(cpu) says whether
 *    a CPU runs on such a page table now (cr3.c).
 *  - cos_enter_component(regs) runs @regs in user mode until the next
 *    kernel entry (any exception, interrupt, NMI, a syscall the fast path
 *    passed on, sysenter); it then returns with the registers saved and
 *    regs->vector telling why (a vector, or COS_HW_VEC_*).
 *  - cos_call_idt_handler() runs Linux's handler for an interrupt that
 *    arrived in component mode, as if it had hit kernel code there;
 *    cos_deliver_nmi() does the same for an NMI (entry.S).
 *
 * Per-CPU data: struct cos_cpu is hijack's alone; the layer above reads
 * only cr3_bits (from assembly, offset COS_CPU_CR3_BITS of its own
 * asm-offsets) and keeps its own per-CPU state.
 *
 * Locking: everything but init/exit and the session calls is per CPU and
 * runs with interrupts disabled; no locks. The IDT and the table of
 * Linux's handlers are read-only after init.
 */
#ifndef COS_HIJACK_H
#define COS_HIJACK_H

/*
 * Pseudo-vectors in cos_hw_regs.vector for kernel entries that are not
 * CPU vectors (the uapi's COS_VEC_* report them with the same numbers).
 */
#define COS_HW_VEC_SYSCALL	256	/* via cos_syscall_slow; error_code = RAX */
#define COS_HW_VEC_SYSCALL32	257	/* syscall from 32-bit code */
#define COS_HW_VEC_SYSENTER	258	/* sysenter (RIP, RSP unknown: 0) */

#ifndef __ASSEMBLY__

#include <linux/types.h>
#include <linux/percpu.h>
#include <linux/preempt.h>

/*
 * A user register file, in the order the entry code pushes it (like
 * pt_regs); the entry code reaches it through asm-offsets.
 */
struct cos_hw_regs {
	unsigned long r15, r14, r13, r12, bp, bx, r11, r10, r9, r8;
	unsigned long ax, cx, dx, si, di;
	unsigned long vector, error_code;
	unsigned long ip, cs, flags, sp, ss;
};

/* Per-CPU state of the vector takeover (read by entry.S via %gs). */
struct cos_cpu {
	unsigned long regs_end;		/* one past the regs being run: the
					 * entry code saves into it */
	unsigned long host_rsp;		/* the stack cos_enter_component
					 * returns on */
	unsigned long scratch;		/* the user RSP during an entry */
	unsigned long linux_cr3;	/* CR3 a loaded page table replaced,
					 * else 0 */
	unsigned long cr3_bits;		/* OR into a page table's address for
					 * CR3 (valid while linux_cr3 is) */
	bool installed;			/* module vectors live on this CPU */
	u64 installs;
};

DECLARE_PER_CPU(struct cos_cpu, cos_cpu);

int cos_hijack_init(void (*syscall_entry)(void));
void cos_hijack_exit(void);

/* What the host had in the registers a component can change. */
struct cos_host_state {
	unsigned short ds, es, fs, gs;
	unsigned long fs_base, gs_base;
	u32 pkru;
};

/* One task's use of component mode (session.c); on the task's stack. */
struct cos_session {
	struct preempt_notifier pn;
	struct cos_host_state host;
};

/* Process context, preemption on; returns with interrupts on. */
void cos_session_begin(struct cos_session *s);
/* Interrupts off (the run loop's last exit); returns with them on. */
void cos_session_end(struct cos_session *s);

void cos_cr3_load(unsigned long pgd_pa);
void cos_cr3_restore(void);

static inline bool cos_cr3_pd_loaded(unsigned int cpu)
{
	return READ_ONCE(per_cpu_ptr(&cos_cpu, cpu)->linux_cr3) != 0;
}

/* Linux's handler for a vector, read from Linux's IDT at init. */
unsigned long cos_linux_handler(unsigned int vector);

/* entry.S */
void cos_enter_component(struct cos_hw_regs *regs);
void cos_call_idt_handler(unsigned long handler);
void cos_deliver_nmi(void);
void cos_syscall_slow(void);	/* a jump target for @syscall_entry only */

/* Per-CPU vector state for debugfs: what the hardware holds right now. */
struct cos_cpu_vectors {
	bool idt_is_cos, lstar_is_cos, cstar_is_cos, sysenter_is_cos;
	bool installed;
	u64 installs;
};
void cos_vectors_read(void *out /* struct cos_cpu_vectors */);

#endif /* __ASSEMBLY__ */
#endif
