// SPDX-License-Identifier: GPL-2.0
/*
 * stats.c - counters and debugfs: /sys/kernel/debug/cos/{stats,cpus}.
 */
#define pr_fmt(fmt) "cos: " fmt

#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/smp.h>
#include <linux/cpumask.h>
#include <linux/cpu.h>
#include "hijack.h"
#include "stats.h"

struct cos_stats cos_stats;
struct dentry *cos_debugfs_dir;	/* io.c adds cos/io */

static const char *const cos_exit_names[COS_EXIT_REASONS] = {
	"none", "exit", "fault", "budget", "signal", "print", "idle", "mce",
};

static int cos_stats_show(struct seq_file *m, void *v)
{
	unsigned int i;

	seq_printf(m, "systems %lld\nthreads %lld\npages %lld\n",
		   atomic64_read(&cos_stats.systems),
		   atomic64_read(&cos_stats.threads),
		   atomic64_read(&cos_stats.pages));
	seq_printf(m, "runs %lld\nslow_entries %lld\nirqs %lld\nnmis %lld\n",
		   atomic64_read(&cos_stats.runs),
		   atomic64_read(&cos_stats.slow_entries),
		   atomic64_read(&cos_stats.irqs),
		   atomic64_read(&cos_stats.nmis));
	seq_printf(m, "pd_ops %lld\npds_freed_late %lld\npd_stays %lld\npds_reused %lld\npd_split_undos %lld\n",
		   atomic64_read(&cos_stats.pd_ops),
		   atomic64_read(&cos_stats.pds_freed_late),
		   atomic64_read(&cos_stats.pd_stays),
		   atomic64_read(&cos_stats.pds_reused),
		   atomic64_read(&cos_stats.pd_split_undos));
	seq_printf(m, "switches %lld\nupcalls %lld\n",
		   atomic64_read(&cos_stats.switches),
		   atomic64_read(&cos_stats.upcalls));
	seq_printf(m, "poisoned %lld\n", atomic64_read(&cos_stats.poisoned));
	seq_printf(m, "mem_nospc %lld\nmem_shootdowns %lld\n",
		   atomic64_read(&cos_stats.mem_nospc),
		   atomic64_read(&cos_stats.mem_shootdowns));
	for (i = 1; i < COS_EXIT_REASONS; i++)
		seq_printf(m, "exit_%s %lld\n", cos_exit_names[i],
			   atomic64_read(&cos_stats.exits[i]));
	for (i = 1; i < COS_FP_NR; i++)
		seq_printf(m, "fastpath_refused_%s %lld\n", cos_fp_check_name(i),
			   atomic64_read(&cos_stats.fp_refused[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cos_stats);

/*
 * One line per online CPU: what its hardware holds right now ("cos" only
 * while a host thread runs there in component mode) and how often the
 * module's vectors were installed on it.
 */
static int cos_cpus_show(struct seq_file *m, void *v)
{
	unsigned int cpu;

	cpus_read_lock();
	for_each_online_cpu(cpu) {
		struct cos_cpu_vectors cv = {};

		smp_call_function_single(cpu, cos_vectors_read, &cv, 1);
		seq_printf(m, "cpu%u idt=%s lstar=%s cstar=%s sysenter=%s installs=%llu\n",
			   cpu, cv.idt_is_cos ? "cos" : "linux",
			   cv.lstar_is_cos ? "cos" : "linux",
			   cv.cstar_is_cos ? "cos" : "linux",
			   cv.sysenter_is_cos ? "cos" : "linux", cv.installs);
	}
	cpus_read_unlock();
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cos_cpus);

int cos_debugfs_init(void)
{
	cos_debugfs_dir = debugfs_create_dir("cos", NULL);
	debugfs_create_file("stats", 0444, cos_debugfs_dir, NULL,
			    &cos_stats_fops);
	debugfs_create_file("cpus", 0444, cos_debugfs_dir, NULL,
			    &cos_cpus_fops);
	return 0;
}

void cos_debugfs_exit(void)
{
	debugfs_remove_recursive(cos_debugfs_dir);
}

void cos_stats_check_leaks(void)
{
	s64 s = atomic64_read(&cos_stats.systems);
	s64 t = atomic64_read(&cos_stats.threads);
	s64 p = atomic64_read(&cos_stats.pages);

	if (s || t || p)
		pr_err("leak: %lld systems, %lld threads, %lld pages still allocated\n",
		       s, t, p);
}
