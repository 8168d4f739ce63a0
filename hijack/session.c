// SPDX-License-Identifier: GPL-2.0
/*
 * session.c - one task's use of component mode: the host's user CPU state
 * saved and put back, and the preempt notifier that keeps the module's
 * vectors and CR3 on the CPU only while the task runs there.
 *
 * Nothing runs with the module's vectors on a CPU that is not running the
 * session's task: sched_out restores Linux's CR3 and vectors before Linux
 * can switch away, sched_in installs the vectors again wherever the task
 * lands (the layer above loads its CR3 at its next entry).
 */
#include <linux/mutex.h>
#include <linux/sched.h>
#include <asm/fsgsbase.h>
#include <asm/special_insns.h>
#include <asm/segment.h>
#include <asm/msr.h>
#include "hijack.h"
#include "internal.h"

/* ---- host user state --------------------------------------------------- */

static void cos_host_save(struct cos_host_state *h)
{
	savesegment(ds, h->ds);
	savesegment(es, h->es);
	savesegment(fs, h->fs);
	savesegment(gs, h->gs);
	/* In the kernel the user GS base sits in MSR_KERNEL_GS_BASE. */
	rdmsrl(MSR_FS_BASE, h->fs_base);
	rdmsrl(MSR_KERNEL_GS_BASE, h->gs_base);
	if (boot_cpu_has(X86_FEATURE_OSPKE))
		h->pkru = rdpkru();
}

/* Null selectors for component mode: a selector load would reset a base
 * the layer above sets. Interrupts off. */
static void cos_host_selectors_clear(const struct cos_host_state *h)
{
	if (h->fs)
		loadsegment(fs, 0);
	if (h->gs)
		load_gs_index(0);
}

static void cos_host_restore(const struct cos_host_state *h)
{
	unsigned short sel;

	savesegment(ds, sel);
	if (sel != h->ds)
		loadsegment(ds, h->ds);
	savesegment(es, sel);
	if (sel != h->es)
		loadsegment(es, h->es);
	savesegment(fs, sel);
	if (sel != h->fs)
		loadsegment(fs, h->fs);
	savesegment(gs, sel);
	if (sel != h->gs)
		load_gs_index(h->gs);
	wrmsrl(MSR_FS_BASE, h->fs_base);
	wrmsrl(MSR_KERNEL_GS_BASE, h->gs_base);
	if (boot_cpu_has(X86_FEATURE_OSPKE))
		wrpkru(h->pkru);
}

/* ---- preemption -------------------------------------------------------- */

static void cos_sched_in(struct preempt_notifier *pn, int cpu)
{
	unsigned long flags;

	local_irq_save(flags);
	cos_vectors_install();	/* CR3: at the next entry into component mode */
	local_irq_restore(flags);
}

static void cos_sched_out(struct preempt_notifier *pn, struct task_struct *next)
{
	cos_cr3_restore();
	cos_vectors_restore();
}

static struct preempt_ops cos_preempt_ops = {
	.sched_in = cos_sched_in,
	.sched_out = cos_sched_out,
};

/*
 * Preempt notifiers sit behind a static key that Linux patches into its
 * context-switch path. Turn it on at the first session, not at load time,
 * so a loaded but idle module costs Linux nothing, and never turn it off:
 * with no notifier registered it costs one static branch in the scheduler
 * (as when KVM is loaded), while switching it off would rewrite the
 * scheduler's hottest code again, which has been seen to hang QEMU's TCG
 * guests. So the key is patched at most once per boot.
 */
static DEFINE_MUTEX(cos_pn_lock);
static bool cos_pn_on;

static void cos_preempt_notifiers_enable(void)
{
	if (smp_load_acquire(&cos_pn_on))
		return;
	mutex_lock(&cos_pn_lock);
	if (!cos_pn_on) {
		preempt_notifier_inc();
		smp_store_release(&cos_pn_on, true);
	}
	mutex_unlock(&cos_pn_lock);
}

void cos_session_exit(void)
{
	/* The key's reference stays (see above); no notifier is left. */
	cos_pn_on = false;
}

/* ---- the session ------------------------------------------------------- */

void cos_session_begin(struct cos_session *s)
{
	cos_host_save(&s->host);
	cos_preempt_notifiers_enable();
	preempt_notifier_init(&s->pn, &cos_preempt_ops);
	preempt_disable();
	preempt_notifier_register(&s->pn);
	local_irq_disable();
	cos_vectors_install();
	cos_host_selectors_clear(&s->host);
	local_irq_enable();
	preempt_enable();
}

void cos_session_end(struct cos_session *s)
{
	lockdep_assert_irqs_disabled();
	/* Interrupts are off: nothing can preempt us in the middle. */
	cos_cr3_restore();
	cos_host_restore(&s->host);
	cos_vectors_restore();
	preempt_notifier_unregister(&s->pn);
	local_irq_enable();
}
