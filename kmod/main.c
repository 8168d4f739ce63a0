// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - module init and exit: wires the subsystems together.
 */
#define pr_fmt(fmt) "cos: " fmt

#include <linux/module.h>
#include "hijack.h"
#include "dev.h"
#include "stats.h"
#include "io.h"
#include "paging.h"
#include "ustate.h"
#include "fastpath.h"
#include "kcompat.h"

/*
 * What the module needs from the kernel it is built for: only interfaces
 * every x86-64 6.1+ configuration with these options has (no KVM
 * exports), so a kernel without them fails here, at build time, with one
 * clear line (the version itself: kcompat.h) (docs/hijack.md, "Kernels").
 */
#ifndef CONFIG_X86_64
#error "cos runs on x86-64 only"
#endif
#ifndef CONFIG_PREEMPT_NOTIFIERS
#error "cos needs CONFIG_PREEMPT_NOTIFIERS=y (selected by CONFIG_KVM): it swaps its vectors on every context switch of the host thread"
#endif

static int __init cos_init(void)
{
	int err;

	err = cos_hijack_init(cos_syscall_fast);	/* fastpath.S: MSR_LSTAR */
	if (err)
		return err;
	cos_fpu_init();
	cos_debugfs_init();
	err = cos_io_init();
	if (err)
		goto err_io;
	err = cos_dev_init();
	if (err)
		goto err_dev;
	pr_info("loaded: ABI %u.%u, %u-level paging, /dev/cos ready\n",
		COS_ABI_MAJOR, COS_ABI_MINOR, cos_paging_levels());
	return 0;

err_dev:
	cos_io_exit();
err_io:
	cos_debugfs_exit();
	cos_hijack_exit();
	return err;
}

static void __exit cos_exit(void)
{
	cos_dev_exit();
	cos_io_exit();
	cos_debugfs_exit();
	cos_hijack_exit();
	cos_stats_check_leaks();
	pr_info("unloaded\n");
}

module_init(cos_init);
module_exit(cos_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("cos: a component-based kernel running beside Linux on a hijacked host thread");
MODULE_AUTHOR("The cos developers");
MODULE_VERSION("0.1");
