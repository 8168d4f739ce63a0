/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cpu.h - what the component kernel keeps per CPU (hijack/ keeps its own,
 * struct cos_cpu).
 *
 * Written only by the CPU itself, with interrupts off: the run loop
 * (run.c) sets thd, sys and user_gs before every entry into component
 * mode, and handling_irq while it hands an interrupt that came from
 * component mode to Linux. Read from other CPUs only by mpd.c's resync
 * (sys, READ_ONCE), and through %gs by fastpath.S (thd, user_gs,
 * scratch, refusal; offsets in asm-offsets.c).
 */
#ifndef COS_CPU_H
#define COS_CPU_H

#include <linux/percpu.h>
#include <linux/types.h>

struct cos_thd;
struct cos_sys;

struct cos_kcpu {
	struct cos_thd *thd;		/* the thread running on this CPU */
	unsigned long user_gs;		/* the GS base every entry gets: this
					 * CPU's counter area (counters.c) */
	unsigned long scratch;		/* fastpath.S: the user RSP */
	unsigned long refusal;		/* fastpath.S: why it passed the last
					 * op on (enum cos_fp_check) */
	struct cos_sys *sys;		/* its system (compared, never followed
					 * from another CPU) */
	bool handling_irq;		/* the run loop hands Linux an interrupt
					 * that came from component mode:
					 * thd->hw is the thread's, stable */
};

DECLARE_PER_CPU(struct cos_kcpu, cos_kcpu);

#endif
