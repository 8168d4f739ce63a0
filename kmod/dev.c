// SPDX-License-Identifier: GPL-2.0
/*
 * dev.c - /dev/cos: one component system per open file, ioctl dispatch.
 */
#include <linux/miscdevice.h>
#include <linux/fs.h>
#include <linux/uaccess.h>
#include <asm/cpufeature.h>
#include "sys.h"
#include "dev.h"
#include "io.h"
#include "comp.h"
#include "cap.h"
#include "thd.h"
#include "mpd.h"
#include "run.h"
#include "sched.h"
#include "paging.h"
#include "counters.h"

static long cos_ioctl_version(void __user *arg)
{
	struct cos_version v = {
		.abi_major = COS_ABI_MAJOR,
		.abi_minor = COS_ABI_MINOR,
		.paging_levels = cos_paging_levels(),
		.slot_shift = cos_slot_shift(),
		.nr_slots = cos_cnt_slot(),
		.page_size = PAGE_SIZE,
		.user_va_end = cos_user_va_end(),
		.max_pages = READ_ONCE(cos_max_pages),
	};

	if (cos_paging_levels() == 5)
		v.features |= COS_FEAT_LA57;
	if (__supported_pte_mask & _PAGE_NX)
		v.features |= COS_FEAT_NX;
	if (boot_cpu_has(X86_FEATURE_OSPKE))
		v.features |= COS_FEAT_PKU;
	if (boot_cpu_has(X86_FEATURE_FSGSBASE))
		v.features |= COS_FEAT_FSGSBASE;
	return copy_to_user(arg, &v, sizeof(v)) ? -EFAULT : 0;
}

static long cos_dev_ioctl(struct file *file, unsigned int cmd,
			  unsigned long uarg)
{
	struct cos_sys *sys = file->private_data;
	void __user *arg = (void __user *)uarg;

	switch (cmd) {
	case COS_VERSION:
		return cos_ioctl_version(arg);
	case COS_SYS_CONFIG:
		return cos_ioctl_sys_config(sys, arg);
	case COS_COMP_CREATE:
		return cos_ioctl_comp_create(sys, arg);
	case COS_MEM_MAP:
		return cos_ioctl_mem_map(sys, arg);
	case COS_CAP_CREATE:
		return cos_ioctl_cap_create(sys, arg);
	case COS_FAULT_HANDLER:
		return cos_ioctl_fault_handler(sys, arg);
	case COS_EDGES:
		return cos_ioctl_edges(sys, arg);
	case COS_PD:
		return cos_ioctl_pd(sys, arg);
	case COS_THD_CREATE:
		return cos_ioctl_thd_create(sys, arg);
	case COS_THD_GET_REGS:
		return cos_ioctl_thd_regs(sys, arg, false);
	case COS_THD_SET_REGS:
		return cos_ioctl_thd_regs(sys, arg, true);
	case COS_RUN:
		cos_sys_mce_sweep(sys);
		return cos_ioctl_run(sys, arg);
	case COS_SCHED_CONFIG:
		return cos_ioctl_sched_config(sys, arg);
	case COS_IO_ATTACH:
		return cos_ioctl_io_attach(sys, arg);
	case COS_IO_DETACH:
		return cos_ioctl_io_detach(sys, arg);
	}
	return -ENOTTY;
}

static int cos_dev_open(struct inode *inode, struct file *file)
{
	struct cos_sys *sys = cos_sys_create();

	if (!sys)
		return -ENOMEM;
	file->private_data = sys;
	return 0;
}

/* POLLIN: the scheduler has events (an idle host RUNs again). */
static __poll_t cos_dev_poll(struct file *file, poll_table *pt)
{
	return cos_sched_poll(file->private_data, file, pt);
}

/* No RUN can be in progress: an ioctl holds a reference to the file. */
static int cos_dev_release(struct inode *inode, struct file *file)
{
	cos_sys_destroy(file->private_data);
	return 0;
}

static const struct file_operations cos_dev_fops = {
	.owner = THIS_MODULE,
	.open = cos_dev_open,
	.release = cos_dev_release,
	.unlocked_ioctl = cos_dev_ioctl,
	.poll = cos_dev_poll,
	.llseek = noop_llseek,
};

static struct miscdevice cos_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "cos",
	.fops = &cos_dev_fops,
	.mode = 0600,
};

int cos_dev_init(void)
{
	return misc_register(&cos_miscdev);
}

void cos_dev_exit(void)
{
	misc_deregister(&cos_miscdev);
}
