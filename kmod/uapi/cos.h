/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * cos.h - the /dev/cos ioctl ABI: what the host process sees.
 *
 * A process opens /dev/cos to get one component *system*. It creates
 * components (each owns one top-level page-table slot of the user half and
 * starts in a protection domain of its own), maps memory into them, creates
 * threads with initial registers, and then loops on COS_RUN, which runs a
 * thread in component mode until something needs the host: the component
 * exits or prints, faults, its time budget runs out, or a signal is pending
 * for the host (KVM-style run loop). Closing the fd tears everything down.
 *
 * What code in component mode sees (syscall ops, upcalls, the capability
 * table, argument regions, I/O rings) is the components' ABI,
 * kmod/uapi/cos_comp_abi.h, included here for what both sides share.
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
#include "cos_comp_abi.h"

#define COS_ABI_MAJOR	3
#define COS_ABI_MINOR	1

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
/* COS_PROT_READ, _WRITE (never with EXEC), _EXEC: cos_comp_abi.h (COS_OP_MEM
 * takes them too). The memory mapper's window (COS_MM_REGION) is refused. */

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

/* ---- COS_EDGES ------------------------------------------------------------ */
/* The edge statistics (struct cos_edge, COS_EDGES_RESET: cos_comp_abi.h). */
#ifndef __ASSEMBLER__
struct cos_edges {
	__u64 rows;		/* in: user pointer to struct cos_edge[max] */
	__u32 max;		/* in: room in rows */
	__u32 flags;		/* in: COS_EDGES_* */
	__u32 count;		/* out: rows there are (may exceed max) */
	__u32 pad;
};
#endif

/* ---- COS_PD: protection domains (COS_PD_*: cos_comp_abi.h) --------------- */
#ifndef __ASSEMBLER__
struct cos_pd_op {
	__u32 op;		/* in: COS_PD_* */
	__u32 c0, c1;		/* in: component ids (c1 unused by SPLIT) */
	__u32 flags;		/* in: COS_PD_NOREUSE */
};
#endif

/* ---- COS_FAULT_HANDLER --------------------------------------------------- */
/* A component's fault handler: how it is entered is in cos_comp_abi.h. */
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
 * in cos_comp_abi.h (COS_OP_SWITCH .. COS_OP_THD_DESTROY; -EPERM elsewhere).
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


struct cos_run {
	__u32 thd;		/* in: thread to run; out (COS_RUN_SCHED): the
				 * thread that exited, faulted or printed */
	__u32 flags;		/* in: COS_RUN_* */
	__u64 budget_ns;	/* in: wall time before COS_EXIT_BUDGET; 0 = none */
	__u32 exit_reason;	/* out: COS_EXIT_* */
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

/* ---- COS_IO_ATTACH, COS_IO_DETACH ---------------------------------------- */
/*
 * I/O attachments (docs/io.md). COS_IO_ATTACH connects a component to a
 * Linux net_device (COS_IO_NET: an existing one, by name, through an rx
 * handler; COS_IO_NET_VDEV: a virtual one the module creates, whose other
 * end is the component) or to a block device or file (COS_IO_BLK, by
 * path, through the block layer). The kernel maps the attachment's region
 * and its rings in the component as the components' ABI describes
 * (COS_IO_REGION, struct cos_io_ctl).
 *
 * Who may attach (asked of the ioctl's caller, not of the opener of
 * /dev/cos, as tun does): COS_IO_NET and COS_IO_NET_VDEV need
 * CAP_NET_ADMIN in the user namespace of the caller's network namespace
 * (EPERM); COS_IO_BLK opens the path O_RDWR with the caller's
 * credentials (EACCES, EROFS, ... as open(2)).
 * COS_IO_ATTACH errors: EINVAL, ENAMETOOLONG, EPERM, ENOENT, ENODEV,
 * ENETDOWN, EBUSY, ENOSPC, EEXIST, EISDIR, the open's errno (docs/abi.md).
 */
#define COS_IO_NAME_MAX		256

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
#endif

/*
 * The ioctls, in number order. Directions as the kernel copies: _IOR
 * only writes the struct back, _IOW only reads it, _IOWR both.
 */
#ifndef __ASSEMBLER__
#define COS_IOC_MAGIC	0xC5
#define COS_VERSION	_IOR(COS_IOC_MAGIC, 0x00, struct cos_version)
#define COS_SYS_CONFIG	_IOW(COS_IOC_MAGIC, 0x01, struct cos_sys_config)
#define COS_COMP_CREATE	_IOWR(COS_IOC_MAGIC, 0x10, struct cos_comp_create)
#define COS_MEM_MAP	_IOW(COS_IOC_MAGIC, 0x11, struct cos_mem_map)
#define COS_CAP_CREATE	_IOWR(COS_IOC_MAGIC, 0x12, struct cos_cap_create)
#define COS_FAULT_HANDLER _IOW(COS_IOC_MAGIC, 0x13, struct cos_fault_handler)
#define COS_THD_CREATE	_IOWR(COS_IOC_MAGIC, 0x20, struct cos_thd_create)
#define COS_THD_GET_REGS _IOWR(COS_IOC_MAGIC, 0x21, struct cos_thd_regs)
#define COS_THD_SET_REGS _IOW(COS_IOC_MAGIC, 0x22, struct cos_thd_regs)
#define COS_RUN		_IOWR(COS_IOC_MAGIC, 0x30, struct cos_run)
#define COS_SCHED_CONFIG _IOW(COS_IOC_MAGIC, 0x31, struct cos_sched_config)
#define COS_EDGES	_IOWR(COS_IOC_MAGIC, 0x40, struct cos_edges)
#define COS_PD		_IOW(COS_IOC_MAGIC, 0x50, struct cos_pd_op)
#define COS_IO_ATTACH	_IOWR(COS_IOC_MAGIC, 0x60, struct cos_io_attach)
#define COS_IO_DETACH	_IOW(COS_IOC_MAGIC, 0x61, struct cos_io_detach)
#endif

#endif /* _UAPI_COS_H */
