/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mem.h - the memory mapper's kernel operation, COS_OP_MEM (mem.c): pages
 * mapped and unmapped at run time in the window [COS_MM_REGION,
 * COS_MM_REGION + COS_MM_SIZE) of every component's slot, by the one
 * component the host marked (COS_PD_MM, comp->mm). ABI: cos_comp_abi.h,
 * section 4; docs/mm.md.
 *
 * Locking: sys->lock (a mutex) around every sub-op, from the run loop's
 * slow path (process context, interrupts on); FREE also holds the
 * component's mm_sem for writing from before it clears a leaf until the
 * page is put. Shared pages count their extra mappings in the page
 * (cos_sys_page_get/put, sys.h), under sys->lock.
 *
 * ALLOC and ALIAS only add entries: they make every table and take every
 * page first and install the leaves last, when nothing can fail, so that
 * a failed call never had a page visible to a running thread (no flush
 * needed on the way out).
 *
 * FREE takes leaves out while threads run, which the rest of the kernel
 * assumed never happens ("page tables only gain entries"). What makes it
 * safe, reader by reader:
 *  - the CPUs: the leaves are cleared, then every CPU that has a PD of the
 *    system loaded flushes its TLB by IPI (cos_pd_resync_all, mpd.h, the
 *    one shootdown split uses too) and FREE waits for all of them; a CPU
 *    that loads a PD later writes CR3 afresh, which flushes. Only then
 *    are the pages put, so no CPU can reach a page once it is reused.
 *  - cos_comp_read/write (print, the scheduler's events, COS_OP_EDGES):
 *    they walk without sys->lock (COS_OP_EDGES holds it: lock order
 *    sys->lock, then mm_sem) but hold mm_sem for reading, so the page
 *    they copy to or from stays the component's until they are done.
 *  - cos_thd_may_leave (thd_pd.c, R4) reads a stopped thread's stack
 *    words without a lock, interrupts off. A stack in the window that is
 *    freed meanwhile may be read after the free: the direct map still
 *    maps the page, so the read is harmless, and what it reads can only
 *    make a thread whose own stack was just taken away stay in its PD
 *    or move; it faults on that stack either way.
 *  - the tables: FREE never frees a table, so a lookup without a lock
 *    (cos_pt_lookup(NULL, ...)) always walks valid tables.
 *  - the poison sweep (cos_pt_poison_sweep) runs under sys->lock with no
 *    thread running; FREE needs a running thread and sys->lock. A leaf
 *    the sweep took out stays: FREE leaves it (freed with the system),
 *    ALLOC and ALIAS refuse it (EHWPOISON).
 *  - argument regions (COS_PTE_SHARED) and everything else lie outside
 *    the window, where FREE never looks.
 */
#ifndef COS_MEM_H
#define COS_MEM_H

#include <linux/types.h>

struct cos_sys;
struct cos_comp;

/* Does [addr, addr + len) reach into @c's memory mapper window? */
bool cos_mem_overlap(const struct cos_comp *c, unsigned long addr,
		     unsigned long len);

/* COS_OP_MEM from code running in @caller, the registers whole. */
long cos_mem_op(struct cos_sys *sys, struct cos_comp *caller,
		unsigned long cmd, unsigned long a1, unsigned long a2,
		unsigned long a3, unsigned long a4, unsigned long a5);

#endif
