// SPDX-License-Identifier: GPL-2.0
/*
 * cr3.c - load a protection domain's top-level page into CR3 and back.
 *
 * Linux keeps believing that the host's mm is loaded (cpu_tlbstate is not
 * touched). That is safe because (a) every PD carries Linux's kernel half,
 * so kernel code and interrupts run unchanged on it; (b) Linux's own TLB
 * flushes for the host mm reload whatever CR3 holds; (c) the run loop puts
 * Linux's CR3 back before anything can switch mm: at every sched_out and
 * before the session ends, so no lazy kernel thread ever borrows a PD.
 * With PCID the PD runs under the host's PCID (cos_cpu.cr3_bits, which
 * the layer above's fast path ORs into its CR3 loads) and every switch
 * flushes it.
 */
#include <linux/kernel.h>
#include <asm/tlbflush.h>
#include <asm/special_insns.h>
#include "hijack.h"

void cos_cr3_load(unsigned long pgd_pa)
{
	struct cos_cpu *c = this_cpu_ptr(&cos_cpu);
	unsigned long cr3 = __read_cr3(), want;

	lockdep_assert_irqs_disabled();
	if (!c->linux_cr3) {
		c->cr3_bits = cr3 & CR3_PCID_MASK;
		WRITE_ONCE(c->linux_cr3, cr3);
	}
	want = pgd_pa | c->cr3_bits;
	if (cr3 != want)
		write_cr3(want);
}

void cos_cr3_restore(void)
{
	struct cos_cpu *c = this_cpu_ptr(&cos_cpu);

	lockdep_assert_irqs_disabled();
	if (c->linux_cr3) {
		write_cr3(c->linux_cr3);
		WRITE_ONCE(c->linux_cr3, 0);
	}
}
