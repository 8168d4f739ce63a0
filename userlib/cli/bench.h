/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench.h - what the benchmarks of `cos bench` share: timing (bench.c)
 * and each benchmark's entry. Every one prints a table and then
 * "bench: name=value unit" lines, which `make bench` collects.
 */
#ifndef COS_CLI_BENCH_H
#define COS_CLI_BENCH_H

#include "snippet.h"

/* The components of bench_snippets.S. */
COS_SNIPPET(bench_null);
COS_SNIPPET(bench_yield);
COS_SNIPPET(bench_inv);
COS_SNIPPET(bench_ret);
COS_SNIPPET(bench_lb);

/* One measurement: per iteration, wall-clock ns and TSC ticks. */
struct sample {
	double ns, cycles;
};

struct bench_clock {
	double t0, c0;
};

double now_ns(void);			/* CLOCK_MONOTONIC */
void bench_start(struct bench_clock *c);
/* The time since bench_start(), per one of @iters iterations, into @s. */
void bench_stop(const struct bench_clock *c, unsigned long iters, struct sample *s);
/* This process on CPU 0, beside the components it runs there. */
void pin_cpu0(void);

int cmd_bench_null(unsigned long iters);	/* bench_inv.c */
int cmd_bench_invoke(unsigned long iters);	/* bench_inv.c */
int cmd_bench_mpd(unsigned long rounds);	/* bench_mpd.c */
int cmd_bench_sched(void);			/* bench_sched.c */
int cmd_bench_io(int argc, char **argv);	/* bench_script.c */
int cmd_bench_tcp(int argc, char **argv);	/* bench_script.c */

#endif
