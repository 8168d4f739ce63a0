/* SPDX-License-Identifier: GPL-2.0 */
/*
 * paging.h - page tables of a component slot and top-level pages of PDs.
 * Callers hold sys->lock for anything that allocates or frees.
 */
#ifndef COS_PAGING_H
#define COS_PAGING_H

#include <asm/pgtable_types.h>

struct cos_sys;
struct cos_pd;
struct cos_comp;

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

int cos_pd_init(struct cos_sys *sys, struct cos_pd *pd);
void cos_pd_add(struct cos_pd *pd, struct cos_comp *comp);
void cos_pd_release(struct cos_sys *sys, struct cos_pd *pd);
int cos_pd_clone(struct cos_sys *sys, const struct cos_pd *from,
		 struct cos_pd *to);
unsigned long cos_pd_pa(const struct cos_pd *pd);

#endif
