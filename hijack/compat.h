/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h - every difference between the kernels hijack/ builds for
 * (Debian 12's 6.1 and 6.12; docs/kernels.md), in one place. Where a
 * name can be tested (a macro, a feature bit) it is tested rather than
 * the version, so a backport is picked up too; LINUX_VERSION_CODE is
 * compared here and in kmod/kcompat.h only.
 *
 * Safe in assembly (entry.S, kmod/fastpath.S include it for the hints).
 */
#ifndef COS_HIJACK_COMPAT_H
#define COS_HIJACK_COMPAT_H

#include <linux/version.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "cos needs Linux 6.1 or later"
#endif

/*
 * objtool's hint for "the kernel stack ends here (a user entry)":
 * UNWIND_HINT_EMPTY up to Linux 6.3, UNWIND_HINT_END_OF_STACK from 6.4.
 */
#include <asm/unwind_hints.h>
#ifdef UNWIND_HINT_TYPE_END_OF_STACK
#define COS_UNWIND_HINT_END_OF_STACK	UNWIND_HINT_END_OF_STACK
#else
#define COS_UNWIND_HINT_END_OF_STACK	UNWIND_HINT_EMPTY
#endif

#ifndef __ASSEMBLY__
#include <asm/cpufeature.h>
#include <asm/special_insns.h>

/*
 * FRED (Linux 6.9+, CONFIG_X86_FRED; Debian's 6.12 is built without
 * it): events no longer go through the IDT or MSR_LSTAR, so nothing cos
 * installs would be used.
 * The feature bit exists only in kernels that know FRED; CR4.FRED (bit
 * 32) is read on every kernel, so a FRED-enabled CPU under a kernel
 * that did not name it is caught too.
 */
#define COS_CR4_FRED	BIT_ULL(32)

static inline bool cos_fred_active(void)
{
#ifdef X86_FEATURE_FRED
	if (cpu_feature_enabled(X86_FEATURE_FRED))
		return true;
#endif
	return __read_cr4() & COS_CR4_FRED;
}
#endif /* !__ASSEMBLY__ */

#endif
