/* SPDX-License-Identifier: GPL-2.0 */
/*
 * counters.h - the intra-PD call counters (counters.c): a per-CPU area in
 * the last slot of the user half, mapped read+write in every PD, where a
 * client's runtime counts its direct calls (cos_comp_abi.h,
 * COS_CNT_CPU_SPAN). Every entry into component mode sets the GS base to
 * the area of the CPU it enters on.
 *
 * Locking: sys->lock for setup, reads (COS_EDGES) and teardown; the
 * counters themselves are plain per-CPU words, read with atomic
 * exchanges when reset.
 */
#ifndef COS_COUNTERS_H
#define COS_COUNTERS_H

#include <linux/types.h>

struct cos_sys;
struct cos_comp;

unsigned int cos_cnt_slot(void);		/* the slot index */
unsigned long cos_cnt_area(unsigned int cpu);	/* a CPU's area: GS base */
int cos_cnt_comp_init(struct cos_sys *sys, struct cos_comp *comp);
u64 cos_cnt_read(struct cos_sys *sys, u32 client, u32 cap, bool reset);
void cos_cnt_free(struct cos_sys *sys);

#endif
