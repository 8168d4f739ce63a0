/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mm - the memory mapper (components/mm): pages at run time, from the
 * system's page budget, in the caller's memory mapper window (cos_mm.h:
 * cos_mm_base(), cos_mm_at(off)). mm is the only component the kernel
 * lets map pages into others (COS_OP_MEM; the description's "mm NAME").
 *
 *   mm_alloc(npages)         npages fresh zeroed read+write pages, one
 *                            run, in the caller's window: their offset;
 *                            -EINVAL (npages 0 or over MM_MAX_PAGES),
 *                            -ENOMEM (no run that long free in the
 *                            window), -ENOSPC (the page budget is spent)
 *   mm_share(off, npages, dst, prot)
 *                            the caller's pages [off, off + npages pages)
 *                            mapped in component dst's window too, with
 *                            prot COS_PROT_READ or COS_PROT_READ |
 *                            COS_PROT_WRITE (no wider than the caller's):
 *                            their offset there; both see every write at
 *                            once, no copy. -ENXIO (not all the caller's),
 *                            -ENOENT (no such dst, or one over
 *                            MM_MAX_COMPS), -EACCES, -EINVAL, -ENOMEM,
 *                            -ENOSPC (a page table)
 *   mm_free(off, npages)     unmap the caller's pages: 0, or -ENXIO (not
 *                            all mapped), -EINVAL. When it returns no CPU
 *                            reaches them through the caller's window (a
 *                            later access faults); a shared page goes back
 *                            to the budget when its last mapping goes
 *
 * Every component manages its own window through mm: dst frees what it
 * was given with mm_free like its own pages. Callers are told apart by
 * the component id the kernel passes with every invocation (cos_caller),
 * so no component can free or share another's pages. Thread safe.
 */
#ifndef COS_IFACE_MM_H
#define COS_IFACE_MM_H

#include "cos_iface.h"
#include "cos_mm.h"

#define MM_PAGE_SIZE	4096ul	/* what npages counts */
#define MM_MAX_COMPS	64	/* components mm serves: ids 0..63 */
#define MM_MAX_PAGES	4096	/* pages mm manages per window (16 MiB of
				 * COS_MM_SIZE, from its start) */

#define MM_IFACE(FN)		\
	FN(mm, alloc, 1)	\
	FN(mm, share, 4)	\
	FN(mm, free, 2)

#endif
