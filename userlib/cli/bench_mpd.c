// SPDX-License-Identifier: GPL-2.0
/*
 * bench_mpd.c - `cos bench mpd`: MPD's two tables (Parmer & West, TSE
 * 2012, Tables 1 and 2) side by side in one run: merge and split against
 * cloning an address space in Linux, and an intra-PD invocation against a
 * C indirect call and an inter-PD invocation.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "libcos.h"
#include "sysdesc.h"
#include "cli.h"
#include "bench.h"

/*
 * clone() whose child exits at once without touching memory (so it can
 * share our stack under CLONE_VM); the child's pid.
 */
static long raw_clone_exit(unsigned long flags)
{
	register long r10 asm("r10") = 0;
	register long r8 asm("r8") = 0;
	long ret;

	asm volatile("syscall\n\t"
		     "testq %%rax, %%rax\n\t"
		     "jnz 1f\n\t"
		     "movl $60, %%eax\n\t"	/* the child: exit(0) */
		     "xorl %%edi, %%edi\n\t"
		     "syscall\n"
		     "1:"
		     : "=a"(ret), "+r"(r10), "+r"(r8)
		     : "0"((long)SYS_clone), "D"(flags), "S"(0L), "d"(0L)
		     : "rcx", "r11", "memory");
	return ret;
}

/* Linux: clone() that copies the address space minus one that shares it,
 * for a process with about 200 touched pages (the paper's comparison). */
static double bench_clone_as_us(unsigned long iters)
{
	static char pages[200 * 4096];
	double t_copy = 0, t_share = 0;
	unsigned long i;
	int pass;

	memset(pages, 1, sizeof(pages));
	for (pass = 0; pass < 2; pass++) {
		double t0 = now_ns();

		for (i = 0; i < iters; i++) {
			pid_t pid = raw_clone_exit(pass ? CLONE_VM | SIGCHLD : SIGCHLD);

			if (pid > 0)
				waitpid(pid, NULL, 0);
		}
		if (pass)
			t_share = (now_ns() - t0) / iters;
		else
			t_copy = (now_ns() - t0) / iters;
	}
	return (t_copy - t_share) / 1000.0;
}

/* Merge 10 components into one PD, then split them off one at a time,
 * @rounds times; the mean cost of one merge and of one split, in us. */
static int bench_merge_split(int fd, const struct cos_bare *c, unsigned long rounds,
			     unsigned int split_flags, double *merge_us, double *split_us)
{
	double t_merge = 0, t_split = 0;
	unsigned long r;
	int i;

	for (r = 0; r < rounds; r++) {
		double t0 = now_ns();

		for (i = 1; i < 10; i++)
			if (cos_pd(fd, COS_PD_MERGE, c[0].comp, c[i].comp))
				return 1;
		t_merge += now_ns() - t0;
		t0 = now_ns();
		for (i = 1; i < 10; i++)
			if (cos_pd_flags(fd, COS_PD_SPLIT, c[i].comp, 0, split_flags))
				return 1;
		t_split += now_ns() - t0;
	}
	*merge_us = t_merge / (rounds * 9.0 * 1000.0);
	*split_us = t_split / (rounds * 9.0 * 1000.0);
	return 0;
}

/* ns per iteration of thread @thd's loop of @n calls (its exit status 0). */
static int bench_loop(int fd, int thd, const struct cos_regs *start, unsigned long n,
		      double *ns)
{
	struct cos_regs regs = *start;
	struct cos_run r = { .thd = thd };
	double t0;

	regs.rsi = n;
	if (cos_thd_set_regs(fd, thd, &regs))
		return 1;
	t0 = now_ns();
	if (cos_run(fd, &r) || r.exit_reason != COS_EXIT_EXIT || r.exit.status)
		return 1;
	*ns = (now_ns() - t0) / n;
	return 0;
}

/*
 * The invocation figures of MPD: b0 calls b1's bench_inc through a
 * capability merged (a direct call: the counter increment and an indirect
 * call) and split (an inter-PD invocation from C, stubs included), and
 * calls a function of its own through a C function pointer.
 */
static int bench_calls(unsigned long n, double *intra, double *indirect, double *inter)
{
	static struct cos_sysdesc sd;
	char path[64], elf[4096], err[512] = "";
	struct cos_regs calls, ind;
	int fd, bad;
	FILE *f;

	if (cli_path(elf, sizeof(elf), CLI_COMPONENTS, "mpdbench.elf"))
		return 1;
	snprintf(path, sizeof(path), "/tmp/cos-bench-%d.sys", (int)getpid());
	f = fopen(path, "w");
	if (!f)
		return 1;
	fprintf(f, "component b0 %s\n"
		   "component b1 %s\n"
		   "import b0 b1 bench\nimport b1 b0 bench\nthread b0 bench_calls\nthread b0 bench_indirect\n",
		elf, elf);
	fclose(f);
	fd = open_cos();
	bad = cos_sd_parse(path, &sd, err, sizeof(err)) || cos_sd_load(fd, &sd, err, sizeof(err)) ||
	      cos_thd_get_regs(fd, sd.thread_ids[0], &calls) ||
	      cos_thd_get_regs(fd, sd.thread_ids[1], &ind) ||
	      cos_pd(fd, COS_PD_MERGE, sd.comps[0].bare.comp, sd.comps[1].bare.comp) ||
	      bench_loop(fd, sd.thread_ids[0], &calls, n / 10, intra) ||	/* warm up */
	      bench_loop(fd, sd.thread_ids[0], &calls, n, intra) ||
	      bench_loop(fd, sd.thread_ids[1], &ind, n, indirect) ||
	      cos_pd(fd, COS_PD_SPLIT, sd.comps[1].bare.comp, 0) ||
	      bench_loop(fd, sd.thread_ids[0], &calls, n / 100 + 1, inter);
	unlink(path);
	cos_sd_free(&sd);
	close(fd);
	if (bad)
		fprintf(stderr, "%s: bench mpd: the call loops failed %s\n", prog, err);
	return bad;
}

/* Table 1's primitives on 10 bare components: the mean merge and split
 * (PD reused in place, and not), in us. */
static int bench_pd_ops(unsigned long rounds, double *merge, double *split,
			double *merge_nr, double *split_nr)
{
	struct cos_bare c[10];
	int fd = open_cos(), i, ret = 1;

	for (i = 0; i < 10; i++) {
		struct cos_bare_opts o = { .slot = i + 1 };

		if (cos_bare_load_comp(fd, cos_snippet_start(bench_ret),
				       cos_snippet_len(bench_ret), &o, &c[i])) {
			fprintf(stderr, "%s: bench mpd: cannot load components\n", prog);
			goto out;
		}
	}
	if (bench_merge_split(fd, c, rounds, 0, merge, split) ||
	    bench_merge_split(fd, c, rounds, COS_PD_NOREUSE, merge_nr, split_nr)) {
		fprintf(stderr, "%s: bench mpd: merge or split failed\n", prog);
		goto out;
	}
	ret = 0;
out:
	close(fd);
	return ret;
}

/* Both tables: the calls, the PD operations, Linux's clone. */
int cmd_bench_mpd(unsigned long rounds)
{
	double merge, split, merge_nr, split_nr, clone_us, intra, indirect, inter;

	pin_cpu0();
	/*
	 * The calls first: thousands of CR3 loads (the merges and splits)
	 * shrink QEMU's dynamically sized TLB, which then stays small
	 * through a loop that loads no CR3 and makes it thrash on aliases.
	 */
	if (bench_calls(rounds * 10000, &intra, &indirect, &inter) ||
	    bench_pd_ops(rounds, &merge, &split, &merge_nr, &split_nr))
		return 1;
	clone_us = bench_clone_as_us(rounds * 2);

	printf("%-48s %12s\n", "operation (Table 1)", "us");
	printf("%-48s %12.2f\n", "merge (10 components, ioctl)", merge);
	printf("%-48s %12.2f\n", "split, PD reused in place", split);
	printf("%-48s %12.2f\n", "split, without PD reuse", split_nr);
	printf("%-48s %12.2f\n", "Linux: clone an address space of 200 pages", clone_us);
	printf("%-48s %12.1f\n", "clone / merge", clone_us / merge);
	printf("%-48s %12.1f\n", "clone / split (reuse)", clone_us / split);
	printf("%-48s %12.1f\n", "clone / split (no reuse)", clone_us / split_nr);
	printf("%-48s %12s\n", "invocation (Table 2)", "ns");
	printf("%-48s %12.2f\n", "intra-PD invocation (counter + indirect call)", intra);
	printf("%-48s %12.2f\n", "C indirect call", indirect);
	printf("%-48s %12.2f\n", "inter-PD invocation (from C, with stubs)", inter);
	printf("%-48s %12.2f\n", "intra-PD / indirect call", intra / indirect);
	printf("bench: pd_merge=%.2f us\n", merge);
	printf("bench: pd_split_reuse=%.2f us\n", split);
	printf("bench: pd_split_noreuse=%.2f us\n", split_nr);
	printf("bench: linux_clone_as=%.2f us\n", clone_us);
	printf("bench: clone_vs_merge=%.1f ratio\n", clone_us / merge);
	printf("bench: clone_vs_split_reuse=%.1f ratio\n", clone_us / split);
	printf("bench: clone_vs_split_noreuse=%.1f ratio\n", clone_us / split_nr);
	printf("bench: intra_pd_call=%.2f ns\n", intra);
	printf("bench: indirect_call_in_component=%.2f ns\n", indirect);
	printf("bench: inter_pd_call_c=%.2f ns\n", inter);
	printf("bench: intra_vs_indirect=%.3f ratio\n", intra / indirect);
	return 0;
}
