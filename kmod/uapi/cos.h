/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * cos.h - the /dev/cos ioctl ABI.
 *
 * A process opens /dev/cos to get one component *system*. It creates
 * components (each owns one top-level page-table slot of the user half and
 * starts in a protection domain of its own), maps memory into them, creates
 * threads with initial registers, and then loops on COS_RUN, which runs a
 * thread in component mode until something needs the host: the component
 * exits or prints, faults, its time budget runs out, or a signal is pending
 * for the host (KVM-style run loop). Closing the fd tears everything down.
 *
 * Rules for every struct below: fixed-width fields, explicit padding, and
 * every pad/reserved field must be zero on input (EINVAL otherwise), so that
 * later ABI versions can give them a meaning.
 */
#ifndef _UAPI_COS_H
#define _UAPI_COS_H

#ifndef __ASSEMBLER__
#include <linux/types.h>
#include <linux/ioctl.h>
#endif

#define COS_ABI_MAJOR	2
#define COS_ABI_MINOR	3

/* ---- COS_VERSION ------------------------------------------------------ */
#define COS_FEAT_LA57	(1ull << 0)	/* 5-level paging: slots are 2^48 bytes */
#define COS_FEAT_NX	(1ull << 1)	/* no-execute mappings are enforced */
#define COS_FEAT_PKU	(1ull << 2)	/* PKRU is saved/restored around RUN */
#define COS_FEAT_FSGSBASE (1ull << 3)	/* components may use wr{fs,gs}base */

#ifndef __ASSEMBLER__
struct cos_version {
	__u32 abi_major;	/* out: COS_ABI_MAJOR of the module */
	__u32 abi_minor;	/* out */
	__u32 paging_levels;	/* out: 4 or 5 */
	__u32 slot_shift;	/* out: log2 of the span of one slot (39/48) */
	__u32 nr_slots;		/* out: slots components may use (255: the
				 * last one of the user half holds the
				 * counters, see COS_CNT_CPU_SPAN) */
	__u32 page_size;	/* out: 4096 */
	__u64 user_va_end;	/* out: no mapping may reach this address */
	__u64 features;		/* out: COS_FEAT_* */
	__u64 max_pages;	/* out: page budget of one system */
	__u64 reserved[4];	/* out: zero */
};
#endif

/* ---- COS_SYS_CONFIG ----------------------------------------------------- */
#ifndef __ASSEMBLER__
struct cos_sys_config {
	__u64 max_pages;	/* in: page budget of this system (data, page
				 * tables, PDs), at most the module's
				 * max_pages_limit; only before the first
				 * component; 0 keeps the default */
	__u64 reserved[3];	/* in: zero */
};
#endif

/* ---- COS_COMP_CREATE ---------------------------------------------------- */
#ifndef __ASSEMBLER__
struct cos_comp_create {
	__u32 slot;		/* in: top-level slot, 0 .. nr_slots-1 */
	__u32 flags;		/* in: 0 */
	__u32 id;		/* out: component id */
	__u32 pad;
	__u64 base;		/* out: first address of the slot */
	__u64 end;		/* out: end of the slot (exclusive) */
};

#endif

/* ---- COS_MEM_MAP -------------------------------------------------------- */
#define COS_PROT_READ	(1 << 0)
#define COS_PROT_WRITE	(1 << 1)	/* never together with EXEC */
#define COS_PROT_EXEC	(1 << 2)

#ifndef __ASSEMBLER__
struct cos_mem_map {
	__u32 comp;		/* in: component id */
	__u32 prot;		/* in: COS_PROT_*; READ is implied */
	__u64 addr;		/* in: page aligned, inside the component's slot */
	__u64 len;		/* in: page multiple, > 0 */
	__u64 src;		/* in: user pointer to initial bytes, or 0 */
	__u64 src_len;		/* in: <= len; the rest is zero-filled */
};
#endif

/* ---- COS_CAP_CREATE ----------------------------------------------------- */
#ifndef __ASSEMBLER__
struct cos_cap_create {
	__u32 client;		/* in: component that may invoke it */
	__u32 server;		/* in: component it enters */
	__u64 entry;		/* in: entry address inside the server's slot */
	__u32 id;		/* out: capability id, valid for the client only */
	__u32 pad;
	__u64 client_fn;	/* in: the client's invocation stub (inside its
				 * slot), written into its capability table
				 * entry; 0 for none */
	__u64 server_fn;	/* in: the server function itself (inside the
				 * server's slot), which the entry points to
				 * while client and server share a PD; 0: the
				 * stub always (needs client_fn) */
};
#endif

/*
 * The user-level capability table: one read-only page at slot base +
 * COS_CAPTBL_REGION in every component, written only by the kernel. Entry
 * i belongs to capability i: the function the client calls to invoke it
 * and a word it passes as the fifth argument (R8):
 *   fn   - the client's inter-PD stub (client_fn) while client and server
 *          are in different PDs; the server function (server_fn) while
 *          they share one ("capability flipping"). One aligned 8-byte
 *          store flips it, so a racing call takes either, never neither.
 *   word - COS_UCAP_WORD(capability id, client id), constant: the stub
 *          takes the id from the low byte, a server function called
 *          directly finds its caller above it (the server entry stub of
 *          the kernel path passes the caller in the same form).
 * Once a component holds a capability with a stub, every entry it does
 * not hold points at that stub with its own id, so calling through one
 * gets COS_ERR_NOCAP from the kernel.
 *
 * Counting: every call through entry i adds one to the 8-byte counter at
 * user GS base + word * 8 (COS_UCAP_WORD is client << 8 | cap, so that is
 * the counter of the client's capability i), and the inter-PD stub takes
 * the one back: the kernel counts those itself. The kernel sets each
 * thread's GS base, at every entry, to the counter area of the CPU it
 * enters on: COS_CNT_CPU_SPAN bytes per CPU from COS_CNT_OFFSET into the
 * reserved last slot of the user half, mapped read+write in every PD
 * (the offset keeps the first clients' counters and their capability
 * tables, at a page index that is 0 modulo 64, apart in a small
 * direct-mapped TLB such as QEMU's). One plain increment on a CPU's own area loses nothing to another
 * CPU, nor to preemption. COS_EDGES adds the areas of all CPUs to the
 * kernel's count. Components can write any counter: they can only
 * distort statistics, and only while merged (direct calls are the only
 * ones counted there). THD_SET_REGS ignores gs_base.
 */
#define COS_CNT_SLOT_FROM_TOP	1	/* the last slot of the user half */
#define COS_CNT_CPU_SPAN	(256 * 256 * 8)	/* components x capabilities */
#define COS_CNT_OFFSET		0xa0000
#define COS_CAPTBL_REGION	0x5fe00000
#define COS_UCAP_WORD(cap, client)	(((__u64)(client) << 8) | (cap))
#ifndef __ASSEMBLER__
struct cos_ucap {
	__u64 fn;
	__u64 word;
};

#endif

/* ---- COS_EDGES ------------------------------------------------------------ */
/*
 * Edge statistics: the invocations each capability carried, one row per
 * capability: inter-PD ones counted by the kernel, intra-PD ones by the
 * client's runtime in the per-CPU counter areas (see COS_CNT_CPU_SPAN); the sum
 * over the rows of one client/server pair is that edge's count. With
 * COS_EDGES_RESET every counter is read and zeroed in one atomic exchange,
 * so windows neither lose nor double-count (an invocation racing with the
 * reset lands in one window or the next).
 */
#define COS_EDGES_RESET	(1 << 0)

#ifndef __ASSEMBLER__
struct cos_edge {
	__u32 client;		/* component ids */
	__u32 server;
	__u32 cap;		/* the client's capability id */
	__u32 pad;
	__u64 invocations;	/* all of them */
	__u64 intra;		/* of which direct calls inside one PD */
};

struct cos_edges {
	__u64 rows;		/* in: user pointer to struct cos_edge[max] */
	__u32 max;		/* in: room in rows */
	__u32 flags;		/* in: COS_EDGES_* */
	__u32 count;		/* out: rows there are (may exceed max) */
	__u32 pad;
};
#endif

/* ---- COS_PD: protection domains ---------------------------------------- */
/*
 * Every component starts in a PD of its own. COS_PD_MERGE puts all the
 * components of c0's and c1's PDs into one PD (they can then read and
 * write each other's memory); COS_PD_SPLIT takes c0 out of its PD into a
 * new one of its own; COS_PD_SEPARATE marks c0 and c1 as never to share a
 * PD (a merge that would join them fails with EPERM; there is no undo).
 * Capability entries between members of one PD point at the server
 * functions (see struct cos_ucap). Allowed while threads run: when a split
 * returns, every thread runs in the new layout except one that is inside
 * a direct call across the split, which keeps its old PD until that call
 * has returned (docs/mpd.md).
 * Errors: ENOENT (no such component), EINVAL (c0 == c1, bad op or flags),
 * EALREADY (MERGE: one PD already; SPLIT: alone already), EPERM (MERGE:
 * a separated pair would share a PD; SEPARATE: they share one now).
 */
#define COS_PD_MERGE	1
#define COS_PD_SPLIT	2
#define COS_PD_SEPARATE	3
#define COS_PD_POLICY	4	/* c0 may use COS_OP_PD (host only) */

/* flags */
#define COS_PD_NOREUSE	(1 << 0)	/* SPLIT: never reuse the old PD in
					 * place (a benchmark switch) */

#ifndef __ASSEMBLER__
struct cos_pd_op {
	__u32 op;		/* in: COS_PD_* */
	__u32 c0, c1;		/* in: component ids (c1 unused by SPLIT) */
	__u32 flags;		/* in: COS_PD_NOREUSE */
};
#endif

/* ---- COS_FAULT_HANDLER --------------------------------------------------- */
/*
 * A component's fault handler. A fault in the component inside an
 * invocation (depth >= 1) starts the thread at @entry in the same
 * component with RDI = vector, RSI = address (CR2), RDX = the faulting ip,
 * R10 = error code, R8 = the component's own id, R9 = depth, RAX = thread
 * id, RSP = 0; what it returns with COS_OP_RETURN is what the caller gets.
 * A fault in the handler itself, or at depth 0, is handled as without one,
 * at any nesting: a handler that invoked a component whose own handler
 * ran and returned is still running as a handler.
 */
#ifndef __ASSEMBLER__
struct cos_fault_handler {
	__u32 comp;		/* in */
	__u32 pad;
	__u64 entry;		/* in: inside comp's slot; 0 removes it */
};
#endif

/* ---- threads ------------------------------------------------------------ */
#ifndef __ASSEMBLER__
struct cos_regs {
	__u64 rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
	__u64 r8, r9, r10, r11, r12, r13, r14, r15;
	__u64 rip, rflags;
	__u64 fs_base, gs_base;
};
#endif

/*
 * COS_THD_FPU: the thread gets an FPU/SSE/AVX state of its own in each
 * activation: its own at depth 0, the init state in every server it
 * invokes (dropped when the server returns), so no FPU register crosses
 * a PD. Such a thread invokes through the slow path. Without the flag the
 * FPU is off in component mode (CR0.TS): the first FPU or SSE instruction
 * is a #NM fault exit. Components are built without FPU use.
 */
#define COS_THD_FPU	(1 << 0)
/* Benchmark only (module parameter bench=1, else -EPERM): the thread gets
 * a private clone of its component's PD, and COS_OP_BENCH_LB at depth 0
 * swaps between the two. Its system refuses MPD operations (-EBUSY). */
#define COS_THD_BENCH_LB (1 << 1)

#ifndef __ASSEMBLER__
struct cos_thd_create {
	__u32 comp;		/* in: component the thread starts in */
	__u32 flags;		/* in: COS_THD_* */
	__u32 id;		/* out: thread id */
	__u32 sched_param;	/* in: opaque to the kernel: passed to the
				 * scheduler in the thread's COS_SEV_THD
				 * event (cos_sched: the priority) */
	struct cos_regs regs;	/* in: initial registers */
};

struct cos_thd_regs {
	__u32 thd;		/* in */
	__u32 pad;
	struct cos_regs regs;	/* in (SET) or out (GET) */
};

#endif

/* ---- COS_SCHED_CONFIG: a scheduler component ----------------------------- */
/*
 * Scheduling is a component's business. COS_SCHED_CONFIG makes thread
 * @thd the system's scheduler thread; its home component becomes the
 * scheduler component. From then on the host runs the system with
 * COS_RUN_SCHED (one host thread at a time), never single threads, and
 * code running in the scheduler component may use the scheduler ops
 * below (COS_OP_SWITCH .. COS_OP_THD_DESTROY; -EPERM elsewhere).
 *
 * Upcalls: the kernel queues events for the scheduler (struct
 * cos_sched_event: timer ticks every @tick_ns of wall time while the
 * system runs, threads the host created, threads that exited or faulted;
 * packet and I/O completions later). When events are pending and the
 * current thread is not executing scheduler code, the kernel preempts it
 * (it stays switchable, with all its registers) and resumes the scheduler
 * thread, whose COS_OP_SWITCH or COS_OP_IDLE returns COS_SCHED_EVENTS; it
 * collects them with COS_OP_SCHED_RCV. Code in the scheduler component is
 * never preempted by an upcall: events wait for the thread's next kernel
 * entry outside it, or its next COS_OP_SWITCH. So the scheduler's own data
 * needs no locks (one host thread runs the system).
 *
 * Idle: COS_OP_IDLE (scheduler thread) leaves RUN with COS_EXIT_IDLE; the
 * host sleeps in poll() on the fd, which reports POLLIN once an event is
 * pending (the idle deadline passed, the host created a thread, ...), and
 * RUNs again. No ticks are taken while idle.
 *
 * Errors: ENOENT (no such thread), EINVAL (bad flags, pad, a tick under
 * COS_SCHED_TICK_MIN or over 2^63 - 1 ns, an FPU thread), EBUSY (the
 * system runs, or has a scheduler already).
 */
#define COS_SCHED_TICK_MIN	100000ull	/* 100 us */

#ifndef __ASSEMBLER__
struct cos_sched_config {
	__u32 thd;		/* in: the scheduler thread */
	__u32 flags;		/* in: 0 */
	__u64 tick_ns;		/* in: timer tick; 0: none */
	__u64 reserved[2];	/* in: zero */
};
#endif

/* struct cos_sched_event.type */
#define COS_SEV_TICK	1	/* arg: ticks since the last TICK event (0:
				 * a deadline of COS_OP_IDLE or COS_OP_SWITCH
				 * passed) */
#define COS_SEV_THD	2	/* thd: the host created it; arg: sched_param */
#define COS_SEV_EXIT	3	/* thd called COS_OP_EXIT; arg: the status */
#define COS_SEV_FAULT	4	/* thd faulted outside any invocation (or the
				 * fault could not be unwound); it cannot run
				 * again; arg: the vector */
#define COS_SEV_LOST	5	/* arg: events dropped, the queue was full */
#define COS_SEV_IO	6	/* arg: an I/O attachment's id: frames arrived
				 * or requests completed while its ring was
				 * armed (struct cos_io_ctl) */

#ifndef __ASSEMBLER__
struct cos_sched_event {
	__u32 type;		/* COS_SEV_* */
	__u32 thd;
	__u64 arg;
	__u64 time;		/* CLOCK_MONOTONIC ns when it was raised */
};
#endif

/* What the scheduler thread's COS_OP_SWITCH / COS_OP_IDLE return when
 * events are pending (any other thread's COS_OP_SWITCH returns 0). */
#define COS_SCHED_EVENTS	1

/*
 * Threads the scheduler creates get a stack of their own in the component
 * they start in: [COS_THD_STACK_REGION + id * COS_THD_STACK_SIZE + 4 KiB,
 * COS_THD_STACK_REGION + (id + 1) * COS_THD_STACK_SIZE) from the slot base
 * (the lowest page unmapped: its guard), mapped on first use of that id in
 * that component and kept for the next thread with the id. COS_MEM_MAP
 * refuses nothing there: the host maps these stacks for its threads the
 * same way (libcos).
 */
#define COS_THD_STACK_REGION	0x4f000000
#define COS_THD_STACK_SIZE	0x4000

/* ---- COS_RUN ------------------------------------------------------------ */
/* cos_run.exit_reason */
#define COS_EXIT_NONE	0
#define COS_EXIT_EXIT	1	/* the component asked to exit: exit.status */
#define COS_EXIT_FAULT	2	/* contained fault: fault.* */
#define COS_EXIT_BUDGET	3	/* budget_ns of wall time used up in this call */
#define COS_EXIT_SIGNAL	4	/* a signal is pending for the host */
#define COS_EXIT_PRINT	5	/* the component printed print.len bytes */
#define COS_EXIT_IDLE	6	/* COS_RUN_SCHED: nothing to run before
				 * idle.until_ns (0: no deadline); poll the
				 * fd, then RUN again */
#define COS_EXIT_MCE	7	/* a machine check (a hardware memory error
				 * Linux acts on) hit the thread in component
				 * mode: fault.* says where (vector 18); see
				 * "Machine checks" below */

/* cos_run.flags */
#define COS_RUN_SCHED	(1 << 0)	/* run the system under its scheduler:
					 * resume the thread that ran last
					 * (first: the scheduler thread); thd
					 * in must be 0, out: the thread the
					 * exit concerns */

/*
 * Pseudo-vectors above 255 in cos_fault.vector: the component tried to
 * enter the kernel other than through the cos syscall ABI.
 */
#define COS_VEC_SYSCALL		256	/* 64-bit syscall, unknown op */
#define COS_VEC_SYSCALL32	257	/* syscall from 32-bit code */
#define COS_VEC_SYSENTER	258	/* sysenter (ip/sp unknown: 0) */

/* cos_fault.fault_flags */
#define COS_FAULT_UNWOUND	(1 << 0)	/* the invocation that faulted returned
						 * COS_ERR_FAULT to its caller; RUN
						 * again to go on in the caller */
#define COS_FAULT_HANDLED	(1 << 1)	/* the component's fault handler runs
						 * next; RUN again to go on */

/*
 * Machine checks. A machine check (#MC) that hits a thread in component
 * mode goes to Linux's handler as if it had hit the host in user mode.
 * If Linux queues recovery work for the host task (an uncorrected memory
 * error: memory_failure() on the page, usually SIGBUS to the host), RUN
 * stops with COS_EXIT_MCE, so that the work runs when the ioctl returns;
 * the thread stays at fault.ip (nothing is unwound, no fault handler
 * runs). Expect SIGBUS right after it: BUS_MCEERR_AR if the page was the
 * host's own, plain SIGBUS if it was a page of the system (a
 * component's). A host without a SIGBUS handler dies; closing the fd
 * frees the system as usual. A machine check that leaves nothing to do
 * for the host (a corrected error, another CPU's error) is Linux's
 * business alone and RUN goes on.
 *
 * Poisoned pages: after a COS_EXIT_MCE, the next RUN of the system that
 * starts while none of its threads runs takes every page Linux marked
 * poisoned (PageHWPoison) out of its components' page tables, so an
 * access to it is a contained #PF (COS_EXIT_FAULT, not-present) instead of
 * another machine check. Such an address stays unusable: COS_MEM_MAP over
 * it, and any other mapping of the page, fail with EHWPOISON; its page is
 * freed (kept from reuse by Linux) with the component. A page Linux had
 * marked poisoned is never put into a component (EHWPOISON).
 */

#ifndef __ASSEMBLER__
struct cos_fault {
	__u32 vector;		/* 0..255 exception/int vector, or COS_VEC_* */
	__u32 comp;		/* component the thread was in */
	__u64 error_code;	/* CPU error code (0: none); #DB: DR6;
				 * syscall: the op, all 64 bits (even -1) */
	__u64 address;		/* #PF: CR2; otherwise 0 */
	__u64 ip;		/* faulting (or, for traps, next) instruction */
	__u64 sp;
	__u64 flags;		/* RFLAGS at the fault */
	__u32 depth;		/* invocation depth at the fault (0 = home) */
	__u32 fault_flags;	/* COS_FAULT_* */
};

#define COS_PRINT_MAX	256

struct cos_run {
	__u32 thd;		/* in: thread to run; out (COS_RUN_SCHED): the
				 * thread that exited, faulted or printed */
	__u32 flags;		/* in: COS_RUN_* */
	__u64 budget_ns;	/* in: wall time before COS_EXIT_BUDGET; 0 = none */
	__u32 exit_reason;	/* out: enum cos_exit_reason */
	__u32 pad;
	__u64 run_ns;		/* out: wall time spent in this call */
	__u64 slow_entries;	/* out: kernel entries that left the fast path */
	union {
		struct {
			__u64 status;
		} exit;
		struct cos_fault fault;
		struct {
			__u32 len;
			__u32 pad;
			char data[COS_PRINT_MAX];
		} print;
		struct {
			__u64 until_ns;	/* CLOCK_MONOTONIC; 0: none */
		} idle;
		__u64 raw[40];
	};
};
#endif

/*
 * Component syscall ABI (x86-64 `syscall` in component mode). RAX = op,
 * arguments in RDI, RSI, RDX, R10; result in RAX. RCX and R11 are clobbered
 * by the instruction itself; every other register, RFLAGS, and the FS/GS
 * bases are preserved.
 */
#define COS_OP_NULL	0	/* returns 0; never leaves the fast path */
#define COS_OP_EXIT	1	/* RDI = status; COS_EXIT_EXIT */
#define COS_OP_PRINT	2	/* RDI = buf, RSI = len; COS_EXIT_PRINT; returns len or -EFAULT */
#define COS_OP_YIELD	3	/* returns 0 through the slow path (lets Linux run pending work) */
#define COS_OP_INVOKE	4	/* RDI = capability, RSI, RDX, R10, R8 = arguments */
#define COS_OP_RETURN	5	/* RDI, RSI = the two return words */
#define COS_OP_PD	6	/* policy component only: RDI = COS_PD_MERGE/
				 * SPLIT/SEPARATE, RSI, RDX = component ids,
				 * R10 = COS_PD_* flags (whole words: bit 32
				 * set is -EINVAL or -ENOENT); returns 0 or
				 * -errno (-EPERM if not the policy) */
#define COS_OP_EDGES	7	/* policy component only: RDI = buffer for
				 * struct cos_edge rows in its own writable
				 * memory, RSI = room (rows), RDX = COS_EDGES_*
				 * flags; returns the rows there are (as
				 * COS_EDGES' count), -EPERM, -EINVAL or
				 * -EFAULT (buffer not writable) */

/*
 * Scheduler ops: only from code running in the scheduler component
 * (-EPERM otherwise, -EINVAL without a scheduler). See COS_SCHED_CONFIG.
 */
#define COS_OP_SWITCH	8	/* RDI = thread: save this thread (its
				 * SWITCH returns 0 when it is switched to
				 * again) and run that one; RSI = when to
				 * raise a COS_SEV_TICK with arg 0 (the next
				 * timeout, CLOCK_MONOTONIC ns; 0: keep the
				 * one set before). COS_SCHED_EVENTS
				 * at once for the scheduler thread with
				 * events pending (another thread is taken
				 * to the scheduler thread instead). Errors:
				 * -ENOENT (no such thread), -EBUSY (running
				 * elsewhere), -ESRCH (exited or faulted) */
#define COS_OP_SCHED_RCV 9	/* RDI = buffer of struct cos_sched_event,
				 * RSI = room: events taken (0: none),
				 * -EFAULT */
#define COS_OP_IDLE	10	/* scheduler thread: RDI = CLOCK_MONOTONIC
				 * deadline in ns or 0. Leaves RUN with
				 * COS_EXIT_IDLE; returns COS_SCHED_EVENTS
				 * when the system is RUN again (at once if
				 * events are pending). -EPERM from another
				 * thread */
#define COS_OP_THD_CREATE 11	/* RDI = component, RSI = entry (in it),
				 * RDX, R10 = two arguments: a new thread,
				 * switchable, that starts at the entry with
				 * RDI, RDX = the arguments, RSI = its
				 * argument region in
				 * that component, RAX = its id and RSP at
				 * the top of its stack (see
				 * COS_THD_STACK_REGION). Returns its id;
				 * -ENOENT, -EINVAL (entry outside the
				 * component), -ENOSPC (no thread id or page
				 * left) */
#define COS_OP_THD_DESTROY 12	/* RDI = thread: its id may be reused.
				 * -ENOENT, -EBUSY (running, the caller, the
				 * scheduler thread) */
#define COS_OP_NOW	13	/* anyone: CLOCK_MONOTONIC in ns */

/*
 * Invocation (migrating threads). COS_OP_INVOKE through a capability the
 * calling component holds switches the thread into the server: its PD is
 * loaded and it starts at the capability's entry with
 *   RDI, RSI, RDX, R10 = the four arguments,
 *   R8 = the calling component's id (authenticated by the kernel),
 *   R9 = the invocation depth (1 for the first), RAX = the thread id,
 *   RCX = the entry address, R11 = RFLAGS, RSP = 0 (the entry stub takes
 *   a stack of its own), every other register zero.
 * COS_OP_RETURN goes back to the caller with RAX, RDX = RDI, RSI of the
 * server; the caller's RBX, RBP, RSP, R12-R15 and RFLAGS are as before the
 * call; RSI, RDI, R8-R10 are zero, RCX and R11 clobbered. Errors come back
 * in RAX without a switch (RCX, R9, R11 clobbered): COS_ERR_NOCAP (not a
 * capability of the caller), COS_ERR_DEPTH (invocation stack full); a fault
 * in the server unwinds the invocation and returns COS_ERR_FAULT.
 */
/* Benchmark only: swap between two page tables mapping the caller and
 * return (the hardware lower bound of an invocation round trip's half). */
#define COS_OP_BENCH_LB	15
#define COS_OP_IO_KICK	14	/* RDI = I/O attachment id: drains the
				 * component's ring (net: tx, now, one
				 * ring's worth; blk: requests, by the
				 * worker it queues). 0; -ENOENT no such id; -EPERM
				 * not the component it is attached to;
				 * -ENODEV detached. See cos_io_ctl.kicked */

/*
 * I/O attachments (docs/io.md). COS_IO_ATTACH connects a component to a
 * Linux net_device (COS_IO_NET: an existing one, by name, through an rx
 * handler; COS_IO_NET_VDEV: a virtual one the module creates, whose other
 * end is the component) or to a block device or file (COS_IO_BLK, by
 * path, through the block layer). The kernel maps the attachment's region
 * at slot base + COS_IO_REGION + id * COS_IO_REGION_SIZE in the component:
 * page 0 is struct cos_io_ctl, then the rings' slots.
 *
 * Rings are single-producer single-consumer with free-running indices;
 * each side keeps its own index privately and only publishes it here, so
 * a component that writes garbage into the page hurts only itself.
 *   net: rx (kernel -> component) and tx (component -> kernel) of
 *        nslots struct cos_io_frame each, at rx_off and tx_off.
 *   blk: tx carries struct cos_io_req (nslots of them at tx_off); the
 *        kernel completes them in order, writing status and advancing
 *        tx.tail. Data moves through ndata pages at data_off.
 * Events, one per batch: the component sets "armed" before it waits; the
 * kernel clears it and raises COS_SEV_IO (arg = id) when it next produces
 * (frames in rx, completions in tx). Kicks, one per batch: the component
 * sets "kicked" and calls COS_OP_IO_KICK only if it was 0; the worker
 * clears it once the ring is empty. A full rx ring drops the frame and
 * counts it (debugfs cos/io). The kernel takes at most nslots entries
 * per drain (kick or worker run), however fast the component produces.
 *
 * Who may attach (asked of the ioctl's caller, not of the opener of
 * /dev/cos, as tun does): COS_IO_NET and COS_IO_NET_VDEV need
 * CAP_NET_ADMIN in the user namespace of the caller's network namespace
 * (EPERM); COS_IO_BLK opens the path O_RDWR with the caller's
 * credentials (EACCES, EROFS, ... as open(2)).
 * COS_IO_ATTACH errors: EINVAL, ENAMETOOLONG, EPERM, ENOENT, ENODEV,
 * ENETDOWN, EBUSY, ENOSPC, EEXIST, EISDIR, the open's errno (docs/abi.md).
 */
#define COS_IO_REGION		0x51000000	/* above the pool stacks (cos_stacks.h) */
#define COS_IO_REGION_SIZE	0x01000000	/* 16 MiB */
#define COS_IO_MAX		8		/* attachments per system */
#define COS_IO_MAGIC		0xc05010c7
#define COS_IO_NET		1
#define COS_IO_NET_VDEV		2
#define COS_IO_BLK		3
#define COS_IO_NAME_MAX		256
#define COS_IO_FRAME_SIZE	2048		/* a net slot */
#define COS_IO_FRAME_MAX	(COS_IO_FRAME_SIZE - 8)	/* bytes of frame */
#define COS_IO_BLOCK		4096		/* a blk block */
#define COS_IO_REQ_READ		1
#define COS_IO_REQ_WRITE	2
#define COS_IO_REQ_FLUSH	3		/* durable: the device's cache too */

#ifndef __ASSEMBLER__
struct cos_io_attach {
	__u32 kind;		/* in: COS_IO_NET, COS_IO_NET_VDEV, COS_IO_BLK */
	__u32 comp;		/* in: the component that gets the region */
	__u32 nslots;		/* in: per ring, a power of two; 0: default
				 * (net 256, max 2048; blk 64, max 128) */
	__u32 ndata;		/* in: blk data pages; 0: 64 (max 1024) */
	char name[COS_IO_NAME_MAX];	/* in: NET: interface (in the caller's
				 * network namespace); NET_VDEV: the name to
				 * give (empty: cos%d); BLK: path.
				 * out: NET_VDEV: the name it got */
	__u8 mac[6];		/* in: NET*: the component system's MAC (zero:
				 * a random locally administered one) */
	__u8 pad[2];		/* in: zero */
	__u32 id;		/* out: attachment id (< COS_IO_MAX) */
	__u32 ifindex;		/* out: NET*: the interface's index */
	__u64 va;		/* out: the region in the component */
	__u64 nblocks;		/* out: BLK: size in COS_IO_BLOCK blocks */
	__u64 reserved[2];	/* in: zero */
};

struct cos_io_detach {
	__u32 id;		/* in */
	__u32 pad;		/* in: zero */
};

struct cos_io_ring {
	__u32 head;		/* producer: slots filled (free-running) */
	__u32 pad0[15];
	__u32 tail;		/* consumer: slots taken (free-running) */
	__u32 pad1[15];
};

struct cos_io_ctl {
	__u32 magic;		/* COS_IO_MAGIC */
	__u32 kind;
	__u32 id;
	__u32 nslots;
	__u32 rx_off, tx_off;	/* byte offsets of the slots in the region */
	__u32 data_off, ndata;	/* blk: data pages */
	__u64 nblocks;		/* blk */
	__u8 mac[6];		/* net: the component system's MAC */
	__u8 pad[2];
	__u32 armed;		/* component: 1 = raise COS_SEV_IO next time */
	__u32 kicked;		/* component: 1 = a kick is in flight */
	__u32 detached;		/* kernel: 1 = the device is gone */
	__u32 pad2;
	struct cos_io_ring rx;	/* at 64 */
	struct cos_io_ring tx;	/* at 192 */
};

struct cos_io_frame {
	__u32 len;		/* bytes of data (a whole Ethernet frame, no FCS) */
	__u32 pad;
	__u8 data[COS_IO_FRAME_MAX];
};

struct cos_io_req {
	__u64 block;		/* first COS_IO_BLOCK block */
	__u32 count;		/* blocks (0 for FLUSH) */
	__u32 buf;		/* first data page */
	__u32 op;		/* COS_IO_REQ_* */
	__s32 status;		/* kernel: 0 or -errno (ENXIO past the end,
				 * EINVAL bad request, ENODEV detached, EIO) */
	__u64 tag;		/* the component's, untouched */
};
#endif

/*
 * Argument regions: every thread owns COS_ARG_SIZE bytes, mapped read+write
 * at slot base + COS_ARG_REGION + thread id * COS_ARG_SIZE in every
 * component, so bulk data passes between client and server without copies.
 * A server learns the thread id in RAX at its entry. COS_MEM_MAP refuses
 * the whole range [COS_ARG_REGION, COS_ARG_REGION + COS_MAX_THREADS *
 * COS_ARG_SIZE) of every slot.
 */
#define COS_ARG_REGION		0x60000000
#define COS_ARG_SIZE		4096
#define COS_MAX_THREADS		64

#define COS_INV_DEPTH_MAX	32
#define COS_ERR_NOCAP		(-2)	/* -ENOENT */
#define COS_ERR_DEPTH		(-40)	/* -ELOOP */
#define COS_ERR_FAULT		(-14)	/* -EFAULT */

#ifndef __ASSEMBLER__
#define COS_IOC_MAGIC	0xC5
#define COS_VERSION	_IOWR(COS_IOC_MAGIC, 0x00, struct cos_version)
#define COS_SYS_CONFIG	_IOWR(COS_IOC_MAGIC, 0x01, struct cos_sys_config)
#define COS_COMP_CREATE	_IOWR(COS_IOC_MAGIC, 0x10, struct cos_comp_create)
#define COS_MEM_MAP	_IOWR(COS_IOC_MAGIC, 0x11, struct cos_mem_map)
#define COS_THD_CREATE	_IOWR(COS_IOC_MAGIC, 0x20, struct cos_thd_create)
#define COS_THD_GET_REGS _IOWR(COS_IOC_MAGIC, 0x21, struct cos_thd_regs)
#define COS_THD_SET_REGS _IOWR(COS_IOC_MAGIC, 0x22, struct cos_thd_regs)
#define COS_CAP_CREATE	_IOWR(COS_IOC_MAGIC, 0x12, struct cos_cap_create)
#define COS_FAULT_HANDLER _IOWR(COS_IOC_MAGIC, 0x13, struct cos_fault_handler)
#define COS_EDGES	_IOWR(COS_IOC_MAGIC, 0x40, struct cos_edges)
#define COS_PD		_IOWR(COS_IOC_MAGIC, 0x50, struct cos_pd_op)
#define COS_RUN		_IOWR(COS_IOC_MAGIC, 0x30, struct cos_run)
#define COS_SCHED_CONFIG _IOWR(COS_IOC_MAGIC, 0x31, struct cos_sched_config)
#define COS_IO_ATTACH	_IOWR(COS_IOC_MAGIC, 0x60, struct cos_io_attach)
#define COS_IO_DETACH	_IOWR(COS_IOC_MAGIC, 0x61, struct cos_io_detach)
#endif

#endif /* _UAPI_COS_H */
