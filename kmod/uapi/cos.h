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
#define COS_ABI_MINOR	0

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
 * A fault in the handler itself, or at depth 0, is handled as without one.
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
 * COS_THD_FPU: the thread gets an FPU/SSE/AVX state of its own. Without it
 * the FPU is off in component mode (CR0.TS): the first FPU or SSE
 * instruction is a #NM fault exit. Components are built without FPU use.
 */
#define COS_THD_FPU	(1 << 0)
/* Benchmark: give the thread's component a second top-level page table so
 * that COS_OP_BENCH_LB really switches page tables. */
#define COS_THD_BENCH_LB (1 << 1)

#ifndef __ASSEMBLER__
struct cos_thd_create {
	__u32 comp;		/* in: component the thread starts in */
	__u32 flags;		/* in: COS_THD_* */
	__u32 id;		/* out: thread id */
	__u32 pad;
	struct cos_regs regs;	/* in: initial registers */
};

struct cos_thd_regs {
	__u32 thd;		/* in */
	__u32 pad;
	struct cos_regs regs;	/* in (SET) or out (GET) */
};

#endif

/* ---- COS_RUN ------------------------------------------------------------ */
/* cos_run.exit_reason */
#define COS_EXIT_NONE	0
#define COS_EXIT_EXIT	1	/* the component asked to exit: exit.status */
#define COS_EXIT_FAULT	2	/* contained fault: fault.* */
#define COS_EXIT_BUDGET	3	/* budget_ns of wall time used up in this call */
#define COS_EXIT_SIGNAL	4	/* a signal is pending for the host */
#define COS_EXIT_PRINT	5	/* the component printed print.len bytes */

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

#ifndef __ASSEMBLER__
struct cos_fault {
	__u32 vector;		/* 0..255 exception/int vector, or COS_VEC_* */
	__u32 comp;		/* component the thread was in */
	__u64 error_code;	/* CPU error code; #DB: DR6; syscall: the op */
	__u64 address;		/* #PF: CR2; otherwise 0 */
	__u64 ip;		/* faulting (or, for traps, next) instruction */
	__u64 sp;
	__u64 flags;		/* RFLAGS at the fault */
	__u32 depth;		/* invocation depth at the fault (0 = home) */
	__u32 fault_flags;	/* COS_FAULT_* */
};

#define COS_PRINT_MAX	256

struct cos_run {
	__u32 thd;		/* in: thread to run */
	__u32 flags;		/* in: 0 */
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
				 * R10 = COS_PD_* flags; returns 0 or -errno
				 * (-EPERM if not the policy) */
#define COS_OP_EDGES	7	/* policy component only: RDI = buffer for
				 * struct cos_edge rows in its own writable
				 * memory, RSI = room (rows), RDX = COS_EDGES_*
				 * flags; returns the rows there are (as
				 * COS_EDGES' count), -EPERM, -EINVAL or
				 * -EFAULT (buffer not writable) */

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
#endif

#endif /* _UAPI_COS_H */
