// SPDX-License-Identifier: GPL-2.0
/*
 * bench.c - `cos bench NAME [options]`: which benchmark, its iteration
 * count, and the timing the benchmarks share.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <x86intrin.h>
#include "cli.h"
#include "bench.h"

double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

void bench_start(struct bench_clock *c)
{
	c->t0 = now_ns();
	c->c0 = (double)__rdtsc();
}

void bench_stop(const struct bench_clock *c, unsigned long iters, struct sample *s)
{
	s->cycles = ((double)__rdtsc() - c->c0) / iters;
	s->ns = (now_ns() - c->t0) / iters;
}

void pin_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* The benchmarks that take --iters N, and their default N. */
static const struct bench {
	const char *name;
	unsigned long iters;
	int (*fn)(unsigned long iters);
} benches[] = {
	{ "null", 1000000, cmd_bench_null },
	{ "invoke", 200000, cmd_bench_invoke },
	{ "mpd", 100, cmd_bench_mpd },
};

int cmd_bench(int argc, char **argv)
{
	const struct bench *b = NULL;
	unsigned long iters;
	size_t i;
	int a;

	for (i = 0; argc >= 2 && i < sizeof(benches) / sizeof(benches[0]); i++)
		if (!strcmp(argv[1], benches[i].name))
			b = &benches[i];
	if (argc >= 2 && !strcmp(argv[1], "sched"))
		return argc == 2 ? cmd_bench_sched() : EXIT_USAGE;
	if (argc >= 2 && !strcmp(argv[1], "io"))
		return cmd_bench_io(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "tcp"))
		return cmd_bench_tcp(argc, argv);
	if (!b) {
		fprintf(stderr, "%s: bench: known benchmarks: null, invoke, mpd, sched, io, tcp\n", prog);
		return EXIT_USAGE;
	}
	iters = b->iters;
	for (a = 2; a < argc; a++) {
		if (!strcmp(argv[a], "--iters") && a + 1 < argc)
			iters = strtoul(argv[++a], NULL, 0);
		else {
			fprintf(stderr, "%s: bench %s: unknown option %s\n",
				prog, argv[1], argv[a]);
			return EXIT_USAGE;
		}
	}
	return b->fn(iters ? iters : 1);
}
