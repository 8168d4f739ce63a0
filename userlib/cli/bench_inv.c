// SPDX-License-Identifier: GPL-2.0
/*
 * bench_inv.c - `cos bench null` (the null op and a yield through the run
 * loop against Linux getppid()) and `cos bench invoke` (an inter-PD
 * invocation against the hardware lower bound, Linux pipe RPC and a C
 * indirect call).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "libcos.h"
#include "cli.h"
#include "bench.h"

/* @code, a bare component that loops RBX times and exits, loaded on @fd
 * (with @server, a second one it holds capability 0 to); its thread. */
static int snippet_load(int fd, const void *code, size_t len, unsigned int flags,
			const void *server, size_t server_len, unsigned long iters,
			unsigned int *thd)
{
	struct cos_bare_opts o = { .slot = 1, .thd_flags = flags };
	struct cos_bare bare, srv;
	struct cos_regs regs;
	int err;

	err = cos_bare_load(fd, code, len, &o, &bare);
	if (!err && server) {
		struct cos_bare_opts so = { .slot = 2 };

		err = cos_bare_load_comp(fd, server, server_len, &so, &srv);
		if (!err)
			err = cos_cap_create(fd, bare.comp, srv.comp, srv.code);
	}
	if (!err)
		err = cos_thd_get_regs(fd, bare.thd, &regs);
	if (!err) {
		regs.rbx = iters;
		err = cos_thd_set_regs(fd, bare.thd, &regs);
	}
	if (err) {
		fprintf(stderr, "%s: bench: %s\n", prog, strerror(-err));
		if (err == -EPERM && (flags & COS_THD_BENCH_LB))
			fprintf(stderr, "%s: the lower-bound benchmark needs the module loaded with bench=1 (insmod cos.ko bench=1)\n",
				prog);
		return 1;
	}
	*thd = bare.thd;
	return 0;
}

/* Run that snippet once; the cost of one of its iterations. */
static int bench_snippet_ex(const void *code, size_t len, unsigned int flags,
			    const void *server, size_t server_len,
			    unsigned long iters, struct sample *s)
{
	struct cos_run run = { 0 };
	struct bench_clock clk;
	int fd = open_cos(), err;

	err = snippet_load(fd, code, len, flags, server, server_len, iters, &run.thd);
	if (err)
		goto out;
	bench_start(&clk);
	err = cos_run(fd, &run);
	bench_stop(&clk, iters, s);
	if (err || run.exit_reason != COS_EXIT_EXIT || run.exit.status) {
		fprintf(stderr, "%s: bench: run ended with %s (%s)\n", prog,
			cos_exit_name(run.exit_reason), strerror(-err));
		err = 1;
	}
out:
	close(fd);
	return err ? 1 : 0;
}

static int bench_snippet(const void *code, size_t len, unsigned long iters,
			 struct sample *s)
{
	return bench_snippet_ex(code, len, 0, NULL, 0, iters, s);
}

/* Linux pipe RPC: a one-byte request and reply between two processes
 * pinned to the same CPU. */
static int bench_pipe(unsigned long iters, struct sample *s)
{
	struct bench_clock clk;
	int req[2], rep[2];
	unsigned long i;
	char b = 0;
	pid_t pid;

	if (pipe(req) || pipe(rep))
		return 1;
	pid = fork();
	if (pid == 0) {
		pin_cpu0();
		for (i = 0; i < iters; i++)
			if (read(req[0], &b, 1) != 1 || write(rep[1], &b, 1) != 1)
				_exit(1);
		_exit(0);
	}
	bench_start(&clk);
	for (i = 0; i < iters; i++)
		if (write(req[1], &b, 1) != 1 || read(rep[0], &b, 1) != 1)
			break;
	bench_stop(&clk, iters, s);
	waitpid(pid, NULL, 0);
	close(req[0]); close(req[1]); close(rep[0]); close(rep[1]);
	return i == iters ? 0 : 1;
}

static long __attribute__((noinline)) bench_callee(long x)
{
	asm volatile("" : "+r"(x));
	return x + 1;
}

static long (*volatile bench_fp)(long) = bench_callee;

static void bench_indirect(unsigned long iters, struct sample *s)
{
	struct bench_clock clk;
	unsigned long i;
	long x = 0;

	bench_start(&clk);
	for (i = 0; i < iters; i++)
		x = bench_fp(x);
	bench_stop(&clk, iters, s);
	if (x != (long)iters)
		fprintf(stderr, "%s: bench: indirect call miscounted\n", prog);
}

static void bench_getppid(unsigned long iters, struct sample *s)
{
	struct bench_clock clk;
	unsigned long i;

	bench_start(&clk);
	for (i = 0; i < iters; i++)
		syscall(SYS_getppid);
	bench_stop(&clk, iters, s);
}

int cmd_bench_invoke(unsigned long iters)
{
	struct sample inv, lb, pipe_rt, ind;

	pin_cpu0();
	if (bench_snippet_ex(cos_snippet_start(bench_inv), cos_snippet_len(bench_inv),
			     0, cos_snippet_start(bench_ret), cos_snippet_len(bench_ret),
			     iters / 10 + 1, &inv) ||
	    bench_snippet_ex(cos_snippet_start(bench_inv), cos_snippet_len(bench_inv),
			     0, cos_snippet_start(bench_ret), cos_snippet_len(bench_ret),
			     iters, &inv) ||
	    bench_snippet_ex(cos_snippet_start(bench_lb), cos_snippet_len(bench_lb),
			     COS_THD_BENCH_LB, NULL, 0, iters, &lb) ||
	    bench_pipe(iters / 4 + 1, &pipe_rt))
		return 1;
	bench_indirect(iters * 10, &ind);

	printf("%-44s %12s %12s\n", "round trip (per call)", "ns", "TSC ticks");
	printf("%-44s %12.1f %12.1f\n", "cos inter-PD invocation", inv.ns, inv.cycles);
	printf("%-44s %12.1f %12.1f\n", "hardware lower bound (2 CR3 switches)", lb.ns, lb.cycles);
	printf("%-44s %12.1f %12.1f\n", "Linux pipe RPC, same CPU", pipe_rt.ns, pipe_rt.cycles);
	printf("%-44s %12.2f %12.2f\n", "C indirect call", ind.ns, ind.cycles);
	printf("%-44s %12.2f\n", "invocation / lower bound", inv.ns / lb.ns);
	printf("%-44s %12.2f\n", "pipe RPC / invocation", pipe_rt.ns / inv.ns);
	printf("bench: inv_roundtrip=%.1f ns\n", inv.ns);
	printf("bench: hw_lower_bound_roundtrip=%.1f ns\n", lb.ns);
	printf("bench: pipe_rpc_roundtrip=%.1f ns\n", pipe_rt.ns);
	printf("bench: indirect_call=%.2f ns\n", ind.ns);
	printf("bench: inv_vs_lower_bound=%.3f ratio\n", inv.ns / lb.ns);
	printf("bench: pipe_vs_inv=%.2f ratio\n", pipe_rt.ns / inv.ns);
	return 0;
}

int cmd_bench_null(unsigned long iters)
{
	struct sample null_rt, yield_rt, ppid;

	/* Warm up caches and TLBs once, then measure side by side. */
	bench_getppid(iters / 10 + 1, &ppid);
	if (bench_snippet(cos_snippet_start(bench_null),
			  cos_snippet_len(bench_null), iters, &null_rt) ||
	    bench_snippet(cos_snippet_start(bench_yield),
			  cos_snippet_len(bench_yield), iters / 10 + 1, &yield_rt))
		return 1;
	bench_getppid(iters, &ppid);

	printf("%-40s %12s %12s\n", "round trip (per call)", "ns", "TSC ticks");
	printf("%-40s %12.1f %12.1f\n", "cos null op (syscall fast path)",
	       null_rt.ns, null_rt.cycles);
	printf("%-40s %12.1f %12.1f\n", "cos yield op (through the run loop)",
	       yield_rt.ns, yield_rt.cycles);
	printf("%-40s %12.1f %12.1f\n", "Linux getppid()", ppid.ns, ppid.cycles);
	printf("%-40s %12.2f\n", "ratio null / getppid", null_rt.ns / ppid.ns);
	printf("bench: null_roundtrip=%.1f ns\n", null_rt.ns);
	printf("bench: yield_roundtrip=%.1f ns\n", yield_rt.ns);
	printf("bench: getppid_roundtrip=%.1f ns\n", ppid.ns);
	printf("bench: null_vs_getppid=%.3f ratio\n", null_rt.ns / ppid.ns);
	printf("bench: null_roundtrip_tsc=%.1f ticks\n", null_rt.cycles);
	printf("bench: getppid_roundtrip_tsc=%.1f ticks\n", ppid.cycles);
	return 0;
}
