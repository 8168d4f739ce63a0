// SPDX-License-Identifier: GPL-2.0
/*
 * vectors.c - install and restore the syscall MSRs and the IDT on one CPU.
 *
 * The module's vectors are live on a CPU only while a session's task
 * runs there (session.c): cos_session_begin installs them and its
 * preempt notifier swaps them on every sched_in/sched_out, so Linux tasks
 * scheduled on the same CPU always run on Linux's vectors.
 */
#define pr_fmt(fmt) "cos: " fmt

#include <linux/kernel.h>
#include <linux/smp.h>
#include <linux/cpu.h>
#include <linux/slab.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include "hijack.h"
#include "internal.h"

DEFINE_PER_CPU(struct cos_cpu, cos_cpu);

/* Linux's values, the same on every CPU (checked at init). */
static unsigned long linux_lstar, linux_cstar, linux_sysenter;

/* MSR_LSTAR in component mode: the layer above's syscall entry. */
static unsigned long cos_lstar __ro_after_init;

struct cos_cpu_snapshot {
	unsigned long lstar, cstar, sysenter, idt;
};

static void cos_snapshot_cpu(void *arg)
{
	struct cos_cpu_snapshot *s = arg;
	struct desc_ptr dt;

	s += smp_processor_id();
	rdmsrl(MSR_LSTAR, s->lstar);
	rdmsrl(MSR_CSTAR, s->cstar);
	rdmsrl(MSR_IA32_SYSENTER_EIP, s->sysenter);
	store_idt(&dt);
	s->idt = dt.address;
}

/* Record Linux's vectors; refuse if CPUs disagree (someone else hooked). */
static int cos_record_linux_vectors(void)
{
	struct cos_cpu_snapshot *snap;
	unsigned int cpu, first = smp_processor_id();
	int err = 0;

	snap = kcalloc(nr_cpu_ids, sizeof(*snap), GFP_KERNEL);
	if (!snap)
		return -ENOMEM;
	cpus_read_lock();
	on_each_cpu(cos_snapshot_cpu, snap, 1);
	first = cpumask_first(cpu_online_mask);
	for_each_online_cpu(cpu) {
		if (memcmp(&snap[cpu], &snap[first], sizeof(*snap))) {
			pr_err("refusing to load: CPU %u and CPU %u have different syscall vectors or IDTs\n",
			       first, cpu);
			err = -EOPNOTSUPP;
			break;
		}
	}
	cpus_read_unlock();
	if (!err) {
		linux_lstar = snap[first].lstar;
		linux_cstar = snap[first].cstar;
		linux_sysenter = snap[first].sysenter;
		if (snap[first].idt != cos_linux_idt_desc.address) {
			pr_err("refusing to load: IDT moved during init\n");
			err = -EOPNOTSUPP;
		}
	}
	kfree(snap);
	return err;
}

void cos_vectors_install(void)
{
	struct cos_cpu *c = this_cpu_ptr(&cos_cpu);

	lockdep_assert_irqs_disabled();
	load_idt(&cos_idt_desc);
	wrmsrl(MSR_LSTAR, cos_lstar);
	wrmsrl(MSR_CSTAR, (unsigned long)cos_entry_syscall32);
	wrmsrl(MSR_IA32_SYSENTER_EIP, (unsigned long)cos_entry_sysenter);
	c->installed = true;
	c->installs++;
}

void cos_vectors_restore(void)
{
	struct cos_cpu *c = this_cpu_ptr(&cos_cpu);

	lockdep_assert_irqs_disabled();
	wrmsrl(MSR_LSTAR, linux_lstar);
	wrmsrl(MSR_CSTAR, linux_cstar);
	wrmsrl(MSR_IA32_SYSENTER_EIP, linux_sysenter);
	load_idt(&cos_linux_idt_desc);
	c->installed = false;
	c->regs_end = 0;
}

/* smp_call_function_single() callback: what this CPU's hardware holds. */
void cos_vectors_read(void *arg)
{
	struct cos_cpu_vectors *v = arg;
	struct cos_cpu *c = this_cpu_ptr(&cos_cpu);
	unsigned long lstar, cstar, sysenter;
	struct desc_ptr dt;

	rdmsrl(MSR_LSTAR, lstar);
	rdmsrl(MSR_CSTAR, cstar);
	rdmsrl(MSR_IA32_SYSENTER_EIP, sysenter);
	store_idt(&dt);
	v->idt_is_cos = dt.address == cos_idt_desc.address;
	v->lstar_is_cos = lstar == cos_lstar;
	v->cstar_is_cos = cstar == (unsigned long)cos_entry_syscall32;
	v->sysenter_is_cos = sysenter == (unsigned long)cos_entry_sysenter;
	v->installed = c->installed;
	v->installs = c->installs;
}

int cos_hijack_init(void (*syscall_entry)(void))
{
	int err;

	cos_lstar = (unsigned long)syscall_entry;
	err = cos_hijack_check();
	if (err)
		return err;
	err = cos_idt_build();
	if (err)
		return err;
	err = cos_record_linux_vectors();
	if (err)
		cos_idt_free();
	return err;
}

void cos_hijack_exit(void)
{
	cos_session_exit();
	cos_idt_free();
}
