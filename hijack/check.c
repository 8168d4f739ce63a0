// SPDX-License-Identifier: GPL-2.0
/*
 * check.c - refuse to hijack a kernel or CPU where it is not safe.
 */
#define pr_fmt(fmt) "cos: " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/cc_platform.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/processor-flags.h>
#include <asm/special_insns.h>
#include "hijack.h"
#include "internal.h"
#include "compat.h"

/*
 * Testing only: QEMU 7.2 cannot emulate FRED, so the guest test of the
 * FRED refusal loads the module with test_fred=1, which makes the check
 * below see FRED as active (docs/kernels.md).
 */
static bool test_fred;
module_param(test_fred, bool, 0444);
MODULE_PARM_DESC(test_fred, "testing only: refuse to load as if FRED were active");

/* Return why cos cannot run here, or NULL. */
static const char *cos_unsafe_reason(void)
{
	u64 mask;

	if (boot_cpu_has(X86_FEATURE_PTI))
		return "page-table isolation (PTI) is active; cos needs one page table per protection domain (boot with pti=off on a CPU that is not vulnerable)";
	if (cos_fred_active() || test_fred)
		return "FRED is active; cos hijacks the IDT and the syscall MSRs, which FRED replaces (boot with fred=off)";
	if (boot_cpu_has(X86_FEATURE_XENPV))
		return "running as a Xen PV guest, whose IDT and MSRs are paravirtualised";
	if (cc_platform_has(CC_ATTR_GUEST_STATE_ENCRYPT))
		return "running as an SEV-ES/SNP guest (#VC handling is not supported)";
	if (boot_cpu_has(X86_FEATURE_TDX_GUEST))
		return "running as a TDX guest (#VE handling is not supported)";
	if (!boot_cpu_has(X86_FEATURE_SYSCALL))
		return "the CPU has no SYSCALL/SYSRET";
	/* The syscall fast path runs on the user stack: IF must be masked. */
	rdmsrl(MSR_SYSCALL_MASK, mask);
	if ((mask & (X86_EFLAGS_IF | X86_EFLAGS_TF | X86_EFLAGS_DF)) !=
	    (X86_EFLAGS_IF | X86_EFLAGS_TF | X86_EFLAGS_DF))
		return "MSR_SYSCALL_MASK does not mask IF, TF and DF";
	return NULL;
}

int cos_hijack_check(void)
{
	const char *why = cos_unsafe_reason();

	if (why) {
		pr_err("refusing to load: %s\n", why);
		return -EOPNOTSUPP;
	}
	if (!(__supported_pte_mask & _PAGE_NX))
		pr_notice("the CPU has no NX: component data pages are executable\n");
	if (!boot_cpu_has(X86_FEATURE_UMIP))
		pr_notice("no UMIP: components can read the IDT address with sidt\n");
	return 0;
}
