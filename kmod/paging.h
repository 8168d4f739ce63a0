/* SPDX-License-Identifier: GPL-2.0 */
/*
 * paging.h - the geometry of the user half and the page tables under one
 * component slot (paging.c); top-level pages are pd.h's.
 *
 * Locking: sys->lock for anything that allocates or frees. While a system
 * runs, tables gain entries (threads map stacks and argument pages, the
 * memory mapper its window) and lose leaves only in the memory mapper's
 * window (COS_OP_MEM FREE, mem.h: under the component's mm_sem, with a
 * TLB shootdown before the page goes); tables themselves, and every other
 * entry, go away only with their component, when nothing runs, or as
 * poisoned leaves (cos_pt_poison_sweep, before a RUN, no thread running).
 * A lookup without @sys (no allocation) may run on any CPU: the tables it
 * walks stay; a leaf it finds in the window may be cleared under it,
 * which is why cos_comp_read/write take mm_sem (mem.h says who else
 * reads without it, and why that is safe).
 */
#ifndef COS_PAGING_H
#define COS_PAGING_H

#include <asm/pgtable_types.h>

struct cos_sys;

/* Geometry: 4- or 5-level paging, the span of a slot, the end of what
 * may be mapped (keeps sysret's RCX canonical). */
unsigned int cos_paging_levels(void);
unsigned int cos_slot_shift(void);
unsigned long cos_user_va_end(void);

/* Non-leaf entries: permissions are decided at the leaf. */
#define COS_PT_TABLE_FLAGS (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)

/* A leaf that maps a page the component does not own (an argument region). */
#define COS_PTE_SHARED	_PAGE_SOFTW1

/*
 * A leaf whose page Linux marked poisoned (hardware memory error), taken
 * out by cos_pt_poison_sweep: not present, its PFN and COS_PTE_SHARED
 * kept, so that the page is still freed by whoever owns it and the
 * address is never mapped again (EHWPOISON).
 */
#define COS_PTE_POISON	_PAGE_SOFTW2

u64 *cos_pt_lookup(struct cos_sys *sys, u64 *root, unsigned long va);
void cos_pt_free(struct cos_sys *sys, u64 *root);
u64 cos_pte_flags(u32 prot);
void *cos_pt_map_page(struct cos_sys *sys, u64 *root, unsigned long va, u32 prot);
int cos_pte_install(u64 *pte, void *page, u64 flags);
unsigned long cos_pt_poison_sweep(u64 *root);

#endif
