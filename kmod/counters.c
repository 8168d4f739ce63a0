// SPDX-License-Identifier: GPL-2.0
/*
 * counters.c - where clients count their direct (intra-PD) calls: one
 * area per CPU in the reserved last slot of the user half, mapped in
 * every PD (cos_pd_init adds the slot), with the user GS base of a thread
 * pointing at the area of the CPU it runs on (set at every entry). See
 * COS_CNT_CPU_SPAN in cos.h for the layout and why plain increments lose
 * nothing.
 *
 * Pages: a component's counters (256 of 8 bytes: half a page) are mapped
 * on every possible CPU when it is created, from the system's budget, and
 * freed with the system. Locking: sys->lock for mapping and for reading
 * (COS_EDGES); the pages themselves are the components' to write.
 */
#include <linux/mm.h>
#include <linux/err.h>
#include "sys.h"
#include "paging.h"
#include "comp.h"
#include "counters.h"
#include "cap.h"

unsigned int cos_cnt_slot(void)
{
	return PTRS_PER_PGD / 2 - COS_CNT_SLOT_FROM_TOP;
}

/* The counter area of @cpu: what a thread's GS base is on that CPU. */
unsigned long cos_cnt_area(unsigned int cpu)
{
	return ((unsigned long)cos_cnt_slot() << cos_slot_shift()) +
	       COS_CNT_OFFSET + (unsigned long)cpu * COS_CNT_CPU_SPAN;
}

static unsigned long cos_cnt_va(unsigned int cpu, u32 client, u32 cap)
{
	return cos_cnt_area(cpu) + ((unsigned long)client * COS_MAX_CAPS + cap) * 8;
}

/* Map @comp's counters on every possible CPU (sys->lock held). */
int cos_cnt_comp_init(struct cos_sys *sys, struct cos_comp *comp)
{
	unsigned int cpu;

	BUILD_BUG_ON(COS_CNT_CPU_SPAN != COS_MAX_COMPS * COS_MAX_CAPS * 8);
	if (!sys->cnt_root) {
		void *root = cos_sys_page_alloc(sys);

		if (IS_ERR(root))
			return PTR_ERR(root);
		sys->cnt_root = root;
	}
	for_each_possible_cpu(cpu) {
		unsigned long va = cos_cnt_va(cpu, comp->id, 0);
		void *page = cos_pt_map_page(sys, sys->cnt_root, va & PAGE_MASK,
					     COS_PROT_READ | COS_PROT_WRITE);

		if (PTR_ERR(page) == -EEXIST) {	/* shared with id ^ 1: zero ours */
			u64 *pte = cos_pt_lookup(NULL, sys->cnt_root, va);

			memset((char *)__va(*pte & PTE_PFN_MASK) + offset_in_page(va),
			       0, COS_MAX_CAPS * 8);
		} else if (IS_ERR(page)) {
			return PTR_ERR(page);
		}
	}
	return 0;
}

/* The intra-PD calls of @client's capability @cap, all CPUs; zeroed if
 * @reset (a call racing with the reset on another CPU may be lost). */
u64 cos_cnt_read(struct cos_sys *sys, u32 client, u32 cap, bool reset)
{
	unsigned int cpu;
	u64 sum = 0;

	for_each_possible_cpu(cpu) {
		unsigned long va = cos_cnt_va(cpu, client, cap);
		u64 *pte = sys->cnt_root ? cos_pt_lookup(NULL, sys->cnt_root, va) : NULL;
		u64 *n;

		if (!pte || !(*pte & _PAGE_PRESENT))
			continue;
		n = (u64 *)((char *)__va(*pte & PTE_PFN_MASK) + offset_in_page(va));
		sum += reset ? xchg(n, 0) : READ_ONCE(*n);
	}
	return sum;
}

void cos_cnt_free(struct cos_sys *sys)
{
	cos_pt_free(sys, sys->cnt_root);
	sys->cnt_root = NULL;
}
