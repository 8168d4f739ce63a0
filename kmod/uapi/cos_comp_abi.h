/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * cos_comp_abi.h - the components' ABI: what code running in component mode
 * sees of the kernel.
 *
 *  1. the syscall ops (COS_OP_*) and their register convention;
 *  2. upcalls: how a thread enters a server (invocation) or a fault
 *     handler, and the events a scheduler component receives;
 *  3. the layouts the kernel shares with components in their own slots:
 *     the user-level capability table and the counter area, the argument
 *     regions, thread stacks, and the rings of I/O attachments;
 *  4. the memory mapper's window and COS_OP_MEM's sub-ops.
 *
 * The host's ioctl ABI (/dev/cos) is kmod/uapi/cos.h, which includes this
 * header for what both sides share (edge rows, PD operations). The
 * component runtime (userlib/rt, components/bare) includes only this one.
 * Every struct is fixed-width with explicit padding; addresses are offsets
 * from a component's slot base unless said otherwise.
 */
#ifndef _UAPI_COS_COMP_ABI_H
#define _UAPI_COS_COMP_ABI_H

#ifndef __ASSEMBLER__
#include <linux/types.h>
#endif

/* ==== 1. Syscall ops ==================================================== */
/*
 * x86-64 `syscall` in component mode: RAX = op, arguments in RDI, RSI,
 * RDX, R10 (and R8 for COS_OP_INVOKE); result in RAX. RCX and R11 are
 * clobbered by the instruction itself; every other register, RFLAGS, and
 * the FS/GS bases are preserved (except as COS_OP_INVOKE/RETURN say). An
 * op not listed is a fault: COS_EXIT_FAULT with vector COS_VEC_SYSCALL
 * and the whole op word as error code (kmod/uapi/cos.h).
 */
#define COS_OP_NULL	0	/* returns 0; never leaves the fast path */
#define COS_OP_EXIT	1	/* RDI = status; COS_EXIT_EXIT */
#define COS_OP_PRINT	2	/* RDI = buf, RSI = len (at most
				 * COS_PRINT_MAX are taken); COS_EXIT_PRINT;
				 * returns len or -EFAULT */
#define COS_OP_YIELD	3	/* returns 0 through the slow path (lets Linux
				 * run pending work) */
#define COS_OP_INVOKE	4	/* RDI = capability, RSI, RDX, R10, R8 =
				 * arguments: see "Invocation" below */
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
 * Scheduler ops, COS_OP_SWITCH .. COS_OP_THD_DESTROY: only from code
 * running in the scheduler component (-EPERM otherwise, -EINVAL without a
 * scheduler). See COS_SCHED_CONFIG in kmod/uapi/cos.h.
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
				 * argument region in that component, RAX =
				 * its id and RSP at the top of its stack
				 * (see COS_THD_STACK_REGION). Returns its
				 * id; -ENOENT, -EINVAL (entry outside the
				 * component), -ENOSPC (no thread id or page
				 * left) */
#define COS_OP_THD_DESTROY 12	/* RDI = thread: its id may be reused.
				 * -ENOENT, -EBUSY (running, the caller, the
				 * scheduler thread) */
#define COS_OP_NOW	13	/* anyone: CLOCK_MONOTONIC in ns */
#define COS_OP_IO_KICK	14	/* RDI = I/O attachment id: drains the
				 * component's ring (net: tx, now, one
				 * ring's worth; blk: requests, by the
				 * worker it queues). 0; -ENOENT no such id;
				 * -EPERM not the component it is attached
				 * to; -ENODEV detached. See
				 * cos_io_ctl.kicked */
#define COS_OP_BENCH_LB	15	/* benchmark only (a COS_THD_BENCH_LB thread
				 * at depth 0, else an unknown op): swap
				 * between two page tables that map the
				 * caller and return, the hardware lower
				 * bound of half an invocation round trip */
#define COS_OP_MEM	16	/* memory mapper only (COS_PD_MM, else
				 * -EPERM): RDI = COS_MEM_CMD(sub-op, prot),
				 * RSI, RDX, R10, R8, R9 as the sub-op says
				 * (section 4, "Memory mapper"); 0 or
				 * -errno */

#define COS_PRINT_MAX	256	/* bytes one COS_OP_PRINT takes */

/* ==== 2. Upcalls ======================================================== */
/*
 * Invocation (migrating threads). COS_OP_INVOKE through a capability the
 * calling component holds switches the thread into the server: its PD is
 * loaded and it starts at the capability's entry with
 *   RDI, RSI, RDX, R10 = the four arguments,
 *   R8 = the calling component's id (authenticated by the kernel),
 *   R9 = the invocation depth (1 for the first), RAX = the thread id,
 *   RCX = the entry address, R11 = RFLAGS, RSP = 0 (the entry stub takes
 *   a stack of its own), every other register zero; GS base = the
 *   counter area of the CPU (section 3), FS base 0, PKRU 0.
 * COS_OP_RETURN goes back to the caller with RAX, RDX = RDI, RSI of the
 * server; the caller's RBX, RBP, RSP, R12-R15, RFLAGS, FS base and PKRU
 * are as before the call; RSI, RDI, R8-R10 are zero, RCX and R11
 * clobbered. Errors come back in RAX without a switch (RCX, R9, R11
 * clobbered): COS_ERR_NOCAP (not a capability of the caller),
 * COS_ERR_DEPTH (invocation stack full); a fault in the server unwinds
 * the invocation and returns COS_ERR_FAULT.
 */
#define COS_INV_DEPTH_MAX	32
#define COS_ERR_NOCAP		(-2)	/* -ENOENT */
#define COS_ERR_DEPTH		(-40)	/* -ELOOP */
#define COS_ERR_FAULT		(-14)	/* -EFAULT */

/*
 * Fault handler (set by the host, COS_FAULT_HANDLER). A fault in the
 * component inside an invocation (depth >= 1) starts the thread at the
 * handler in the same component with RDI = vector, RSI = address (CR2),
 * RDX = the faulting ip, R10 = error code, R8 = the component's own id,
 * R9 = depth, RAX = thread id, RSP = 0; what it returns with
 * COS_OP_RETURN is what the caller gets. A fault in the handler itself,
 * or at depth 0, is handled as without one, at any nesting: a handler
 * that invoked a component whose own handler ran and returned is still
 * running as a handler.
 */

/*
 * Scheduler events, taken with COS_OP_SCHED_RCV. The kernel queues them
 * (ticks, threads the host created, threads that exited or faulted, I/O)
 * and upcalls the scheduler thread: its COS_OP_SWITCH or COS_OP_IDLE
 * returns COS_SCHED_EVENTS (any other thread's COS_OP_SWITCH returns 0).
 */
#define COS_SCHED_EVENTS	1

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

/* ==== PD operations and edge statistics (COS_OP_PD, COS_OP_EDGES) ======= */
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
#define COS_PD_MM	5	/* c0 may use COS_OP_MEM (host only) */

/* flags */
#define COS_PD_NOREUSE	(1 << 0)	/* SPLIT: never reuse the old PD in
					 * place (a benchmark switch) */

/*
 * Edge statistics: the invocations each capability carried, one row per
 * capability: inter-PD ones counted by the kernel, intra-PD ones by the
 * client's runtime in the per-CPU counter areas (see COS_CNT_CPU_SPAN);
 * the sum over the rows of one client/server pair is that edge's count.
 * With COS_EDGES_RESET every counter is read and zeroed in one atomic
 * exchange, so windows neither lose nor double-count (an invocation
 * racing with the reset lands in one window or the next).
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
#endif

/* ==== 3. Shared layouts ================================================= */
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
 * direct-mapped TLB such as QEMU's). One plain increment on a CPU's own
 * area loses nothing to another CPU, nor to preemption. COS_EDGES adds
 * the areas of all CPUs to the kernel's count. Components can write any
 * counter: they can only distort statistics, and only while merged
 * (direct calls are the only ones counted there).
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

/*
 * I/O attachments (docs/io.md; the host attaches them, COS_IO_ATTACH).
 * The kernel maps an attachment's region at slot base + COS_IO_REGION +
 * id * COS_IO_REGION_SIZE in its component: page 0 is struct cos_io_ctl,
 * then the rings' slots.
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
 */
#define COS_IO_REGION		0x51000000	/* above the pool stacks (cos_stacks.h) */
#define COS_IO_REGION_SIZE	0x01000000	/* 16 MiB */
#define COS_IO_MAX		8		/* attachments per system */
#define COS_IO_MAGIC		0xc05010c7
#define COS_IO_NET		1		/* cos_io_ctl.kind */
#define COS_IO_NET_VDEV		2
#define COS_IO_BLK		3
#define COS_IO_FRAME_SIZE	2048		/* a net slot */
#define COS_IO_FRAME_MAX	(COS_IO_FRAME_SIZE - 8)	/* bytes of frame */
#define COS_IO_BLOCK		4096		/* a blk block */
#define COS_IO_REQ_READ		1
#define COS_IO_REQ_WRITE	2
#define COS_IO_REQ_FLUSH	3		/* durable: the device's cache too */

#ifndef __ASSEMBLER__
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

/*
 * cos_io_frame.flags. Checksum offload, as Linux's drivers do it: on rx
 * the kernel may vouch for a frame's TCP/UDP checksum (the device checked
 * it, or the frame comes from this machine's own stack, which may leave
 * the sum partial: either way the data is as sent), so the component
 * need not check it; on tx a component may leave an IPv4 TCP frame's TCP
 * checksum to the kernel (it ignores the flag on any other frame).
 */
#define COS_IO_FRAME_CSUM_OK	1	/* rx: TCP/UDP checksum good (the IPv4
					 * header's is not vouched for) */
#define COS_IO_FRAME_CSUM_TCP	2	/* tx: fill in the TCP checksum */

struct cos_io_frame {
	__u32 len;		/* bytes of data (a whole Ethernet frame, no FCS) */
	__u32 flags;		/* COS_IO_FRAME_*; 0 before ABI 3.1 */
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

/* ==== 4. Memory mapper (COS_OP_MEM) ===================================== */
/*
 * Every component has a window of COS_MM_SIZE bytes at slot base +
 * COS_MM_REGION that only COS_OP_MEM maps into, at run time, while threads
 * run (COS_MEM_MAP refuses the window; nothing else of a slot is there:
 * ELF images below 1 GiB, stacks, I/O regions, the capability table and
 * the argument regions below 0x60040000). Only code running in a component
 * the host marked with COS_PD_MM (a description's "mm NAME") may call it;
 * docs/mm.md. Offsets are bytes from the start of the window, page
 * aligned; npages > 0 and the range inside the window. Every register is
 * a whole word: a bit set above what a field takes is -EINVAL (or -ENOENT
 * for a component id).
 *
 * RDI = COS_MEM_CMD(sub-op, prot): the sub-op in bits 0-7, COS_PROT_* in
 * bits 8-15, the rest zero. prot is COS_PROT_READ or COS_PROT_READ |
 * COS_PROT_WRITE (never EXEC: the window holds data); FREE takes 0.
 *
 *   ALLOC  RSI = comp, RDX = off, R10 = npages: fresh zeroed pages of the
 *          system's page budget mapped at off in comp's window.
 *   ALIAS  RSI = src comp, RDX = src off, R10 = dst comp, R8 = dst off,
 *          R9 = npages: the pages src has mapped at src off mapped in
 *          dst's window too (src == dst: at another offset), with prot no
 *          wider than src's own mapping of each page. A page is shared by
 *          all its mappings: it counts once in the budget and goes back to
 *          it when its last mapping goes (FREE, or the system's end).
 *   FREE   RSI = comp, RDX = off, R10 = npages: unmapped from comp. When
 *          FREE returns no CPU translates those addresses any more (every
 *          CPU that runs a PD of the system has flushed its TLB): the next
 *          access is a fault, contained as any other (docs/components.md,
 *          "Fault model"). A page Linux marked poisoned stays taken out.
 *
 * Errors, checked in this order: EPERM (not the mm component); EINVAL (bad
 * word, sub-op, prot, alignment, npages, range); ENOENT (no such
 * component); then page by page EHWPOISON (a page taken out poisoned),
 * EEXIST (ALLOC, ALIAS: the destination is mapped), ENXIO (ALIAS: the
 * source, FREE: the range, is not wholly mapped), EACCES (ALIAS: write to
 * a page src may only read); ENOSPC (the page budget is spent: counted as
 * mem_nospc in debugfs cos/stats), ENOMEM. A failed call changes nothing
 * a component can see (a page table it made stays, as page tables do).
 */
#define COS_PROT_READ		(1 << 0)	/* COS_MEM_MAP's too (cos.h) */
#define COS_PROT_WRITE		(1 << 1)	/* never together with EXEC */
#define COS_PROT_EXEC		(1 << 2)
#define COS_MM_REGION		0x80000000	/* 2 GiB into the slot */
#define COS_MM_SIZE		0x10000000	/* 256 MiB: 65536 pages */
#define COS_MEM_ALLOC		1
#define COS_MEM_ALIAS		2
#define COS_MEM_FREE		3
#define COS_MEM_CMD(sub, prot)	((__u64)(sub) | (__u64)(prot) << 8)

#endif /* _UAPI_COS_COMP_ABI_H */
