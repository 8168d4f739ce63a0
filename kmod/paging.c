// SPDX-License-Identifier: GPL-2.0
/*
 * paging.c - geometry of the user half and the page tables under one slot.
 *
 * A component owns one top-level entry ("slot") of the user half. Its lower
 * page tables hang from pt_root and belong to the component alone, so a PD
 * (one top-level page) only points at them. 4-level paging: slots are
 * 512 GiB and pt_root is a PUD table; 5-level: slots are 256 TiB and
 * pt_root is a P4D table. All tables are ordinary kernel pages we own.
 */
#include <linux/mm.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include "sys.h"
#include "paging.h"

unsigned int cos_paging_levels(void)
{
	return pgtable_l5_enabled() ? 5 : 4;
}

unsigned int cos_slot_shift(void)
{
	return pgtable_l5_enabled() ? 48 : 39;
}

/* Nothing may be mapped at or above this: keeps sysret's RCX canonical. */
unsigned long cos_user_va_end(void)
{
	return TASK_SIZE_MAX;
}

/* Levels of tables below the top-level page (3 or 4). */
static unsigned int cos_pt_levels(void)
{
	return cos_paging_levels() - 1;
}

static unsigned int cos_pt_shift(unsigned int level)
{
	return PAGE_SHIFT + 9 * level;
}

/*
 * Find the PTE for @va under @root, creating missing tables if @sys is
 * given (charged to its budget). Returns NULL if absent and not creating,
 * ERR_PTR on allocation failure.
 */
u64 *cos_pt_lookup(struct cos_sys *sys, u64 *root, unsigned long va)
{
	u64 *table = root;
	unsigned int l;

	for (l = cos_pt_levels() - 1; l > 0; l--) {
		u64 *e = &table[(va >> cos_pt_shift(l)) & (PTRS_PER_PTE - 1)];

		if (!(*e & _PAGE_PRESENT)) {
			void *next;

			if (!sys)
				return NULL;
			next = cos_sys_page_alloc(sys);
			if (IS_ERR(next))
				return next;
			WRITE_ONCE(*e, __pa(next) | COS_PT_TABLE_FLAGS);
		}
		table = __va(*e & PTE_PFN_MASK);
	}
	return &table[(va >> PAGE_SHIFT) & (PTRS_PER_PTE - 1)];
}

static void cos_pt_free_level(struct cos_sys *sys, u64 *table,
			      unsigned int level)
{
	unsigned int i;

	for (i = 0; i < PTRS_PER_PTE; i++) {
		u64 e = table[i];

		if (!(e & (level ? _PAGE_PRESENT : _PAGE_PRESENT | COS_PTE_POISON)))
			continue;
		if (level)
			cos_pt_free_level(sys, __va(e & PTE_PFN_MASK),
					  level - 1);
		else if (!(e & COS_PTE_SHARED))	/* a poisoned page too: Linux
						 * keeps it from reuse; an
						 * aliased one at its last
						 * mapping (mem.c) */
			cos_sys_page_put(sys, __va(e & PTE_PFN_MASK));
	}
	cos_sys_page_free(sys, table);
}

/* Free a slot's tables and every page they map. */
void cos_pt_free(struct cos_sys *sys, u64 *root)
{
	if (root)
		cos_pt_free_level(sys, root, cos_pt_levels() - 1);
}

u64 cos_pte_flags(u32 prot)
{
	u64 f = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED;

	if (prot & COS_PROT_WRITE)
		f |= _PAGE_RW | _PAGE_DIRTY;
	if (!(prot & COS_PROT_EXEC))
		f |= _PAGE_NX & __supported_pte_mask;
	return f;		/* never _PAGE_GLOBAL: user pages must go with CR3 */
}

/*
 * Every page goes into a component through here: point the empty leaf
 * @pte at @page with @flags, unless Linux marked the page poisoned (a
 * hardware memory error): -EHWPOISON then, and @pte stays empty.
 */
int cos_pte_install(u64 *pte, void *page, u64 flags)
{
	if (PageHWPoison(virt_to_page(page)))
		return -EHWPOISON;
	WRITE_ONCE(*pte, __pa(page) | flags);
	return 0;
}

/*
 * A zeroed page of @sys's budget mapped at @va, with @prot, in the tables
 * under @root, which own it (cos_pt_free frees it). Its kernel address;
 * ERR_PTR(-EEXIST) if @va is mapped already, -EHWPOISON if its page was
 * taken out poisoned or the new page is poisoned, or another error.
 */
void *cos_pt_map_page(struct cos_sys *sys, u64 *root, unsigned long va, u32 prot)
{
	u64 *pte = cos_pt_lookup(sys, root, va);
	void *page;
	int err;

	if (IS_ERR(pte))
		return pte;
	if (*pte & COS_PTE_POISON)
		return ERR_PTR(-EHWPOISON);
	if (*pte & _PAGE_PRESENT)
		return ERR_PTR(-EEXIST);
	page = cos_sys_page_alloc(sys);
	if (IS_ERR(page))
		return page;
	err = cos_pte_install(pte, page, cos_pte_flags(prot));
	if (err) {
		cos_sys_page_free(sys, page);	/* Linux keeps it from reuse */
		return ERR_PTR(err);
	}
	return page;
}

static unsigned long cos_pt_sweep_level(u64 *table, unsigned int level)
{
	unsigned long n = 0;
	unsigned int i;

	for (i = 0; i < PTRS_PER_PTE; i++) {
		u64 e = READ_ONCE(table[i]);
		struct page *pg;

		if (!(e & _PAGE_PRESENT))
			continue;
		pg = pfn_to_page((e & PTE_PFN_MASK) >> PAGE_SHIFT);
		if (level) {
			/* A poisoned table cannot be read safely; the CPU's
			 * walks through it are beyond help here, as for
			 * Linux's own page tables. */
			if (!PageHWPoison(pg))
				n += cos_pt_sweep_level(page_address(pg), level - 1);
		} else if (PageHWPoison(pg)) {
			WRITE_ONCE(table[i], (e & ~_PAGE_PRESENT) | COS_PTE_POISON);
			n++;
		}
	}
	return n;
}

/*
 * Take every leaf under @root whose page Linux marked poisoned out of the
 * tables (COS_PTE_POISON); the number taken out. sys->lock held and no
 * thread of the system runs, so no CPU holds a translation through these
 * tables: leaving component mode always reloads Linux's CR3, which
 * flushes them (cr3.c), so no TLB flush is needed.
 */
unsigned long cos_pt_poison_sweep(u64 *root)
{
	return cos_pt_sweep_level(root, cos_pt_levels() - 1);
}
