// SPDX-License-Identifier: GPL-2.0
/*
 * cos - command-line front end of the cos component kernel.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <x86intrin.h>
#include "libcos.h"
#include "snippet.h"

#define EXIT_USAGE	64
#define EXIT_UNAVAIL	69
#define EXIT_FAULT	70
#define EXIT_BUDGET	124
#define EXIT_INTR	130

static const char *prog = "cos";

static void usage(FILE *f)
{
	fprintf(f,
"usage: cos <command> [options]\n"
"\n"
"commands:\n"
"  version                 show the module's ABI version and paging geometry\n"
"  bare [options] FILE     run FILE, a flat-binary bare component, printing\n"
"                          its output; exits with the component's status\n"
"      --slot N            top-level page-table slot to load it in (default 1)\n"
"      --budget-ms N       stop it after N ms of wall time (default: none)\n"
"      --fpu               give it an FPU state (otherwise FPU use faults)\n"
"  bench null [--iters N]  null round trip vs Linux getppid() (default 1000000)\n"
"  help                    this text\n"
"\n"
"exit status of bare: the component's exit status; %d fault; %d budget\n"
"used up; %d interrupted; %d /dev/cos unavailable; %d usage error.\n"
"Needs the cos module loaded (insmod cos.ko) and access to /dev/cos.\n",
		EXIT_FAULT, EXIT_BUDGET, EXIT_INTR, EXIT_UNAVAIL, EXIT_USAGE);
}

static int open_cos(void)
{
	int fd = cos_open();

	if (fd < 0) {
		fprintf(stderr, "%s: cannot open /dev/cos: %s%s\n", prog,
			strerror(-fd),
			fd == -ENOENT ? " (is the cos module loaded?)" : "");
		exit(EXIT_UNAVAIL);
	}
	return fd;
}

static int cmd_version(void)
{
	struct cos_version v;
	int fd = open_cos(), err = cos_get_version(fd, &v);

	if (err) {
		fprintf(stderr, "%s: version: %s\n", prog, strerror(-err));
		return 1;
	}
	printf("cos ABI %u.%u (library built for %u.%u)\n", v.abi_major,
	       v.abi_minor, COS_ABI_MAJOR, COS_ABI_MINOR);
	printf("paging: %u levels, %u slots of 2^%u bytes, user space ends at %#llx\n",
	       v.paging_levels, v.nr_slots, v.slot_shift,
	       (unsigned long long)v.user_va_end);
	printf("features:%s%s%s%s\n", v.features & COS_FEAT_LA57 ? " la57" : "",
	       v.features & COS_FEAT_NX ? " nx" : "",
	       v.features & COS_FEAT_PKU ? " pku" : "",
	       v.features & COS_FEAT_FSGSBASE ? " fsgsbase" : "");
	printf("page budget per system: %llu pages\n",
	       (unsigned long long)v.max_pages);
	close(fd);
	return v.abi_major == COS_ABI_MAJOR ? 0 : 1;
}

static volatile sig_atomic_t got_sigint;

static void on_sigint(int sig)
{
	(void)sig;
	got_sigint = 1;
}

static void *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	struct stat st;

	if (!f || fstat(fileno(f), &st) || !st.st_size ||
	    !(buf = malloc(st.st_size)) ||
	    fread(buf, 1, st.st_size, f) != (size_t)st.st_size) {
		fprintf(stderr, "%s: cannot read %s: %s\n", prog, path,
			f && !errno ? "empty file" : strerror(errno));
		exit(1);
	}
	fclose(f);
	*len = st.st_size;
	return buf;
}

static int cmd_bare(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "slot", required_argument, NULL, 's' },
		{ "budget-ms", required_argument, NULL, 'b' },
		{ "fpu", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct cos_bare_opts o = { .slot = 1 };
	struct cos_bare bare;
	struct cos_run run;
	unsigned long long budget_ms = 0;
	size_t len;
	void *image;
	int fd, c, err;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's': o.slot = strtoul(optarg, NULL, 0); break;
		case 'b': budget_ms = strtoull(optarg, NULL, 0); break;
		case 'f': o.thd_flags |= COS_THD_FPU; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "%s: bare: expected one FILE\n", prog);
		return EXIT_USAGE;
	}
	image = read_file(argv[optind], &len);
	fd = open_cos();
	err = cos_bare_load(fd, image, len, &o, &bare);
	if (err) {
		fprintf(stderr, "%s: loading %s: %s\n", prog, argv[optind],
			strerror(-err));
		return 1;
	}
	signal(SIGINT, on_sigint);
	for (;;) {
		char desc[256];

		memset(&run, 0, sizeof(run));
		run.thd = bare.thd;
		run.budget_ns = budget_ms * 1000000ull;
		err = cos_run(fd, &run);
		if (err) {
			fprintf(stderr, "%s: run: %s\n", prog, strerror(-err));
			return 1;
		}
		switch (run.exit_reason) {
		case COS_EXIT_PRINT:
			fwrite(run.print.data, 1, run.print.len, stdout);
			fflush(stdout);
			continue;
		case COS_EXIT_EXIT:
			return (int)(run.exit.status & 0xff);
		case COS_EXIT_FAULT:
			cos_fault_format(&run.fault, desc, sizeof(desc));
			fprintf(stderr, "%s: component fault: %s\n", prog, desc);
			return EXIT_FAULT;
		case COS_EXIT_BUDGET:
			fprintf(stderr, "%s: time budget of %llu ms used up\n",
				prog, budget_ms);
			return EXIT_BUDGET;
		case COS_EXIT_SIGNAL:
			if (got_sigint) {
				fprintf(stderr, "%s: interrupted\n", prog);
				return EXIT_INTR;
			}
			continue;
		default:
			fprintf(stderr, "%s: unexpected exit reason %u\n", prog,
				run.exit_reason);
			return 1;
		}
	}
}

/* ---- bench ------------------------------------------------------------- */

COS_SNIPPET(bench_null);
COS_SNIPPET(bench_yield);

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

struct sample {
	double ns, cycles;
};

/* Run a snippet that loops RBX times and exits; per-iteration cost. */
static int bench_snippet(const void *code, size_t len, unsigned long iters,
			 struct sample *s)
{
	struct cos_bare bare;
	struct cos_regs regs;
	struct cos_run run = { 0 };
	double t0, c0;
	int fd = open_cos(), err;

	err = cos_bare_load(fd, code, len, NULL, &bare);
	if (!err)
		err = cos_thd_get_regs(fd, bare.thd, &regs);
	if (!err) {
		regs.rbx = iters;
		err = cos_thd_set_regs(fd, bare.thd, &regs);
	}
	if (err) {
		fprintf(stderr, "%s: bench: %s\n", prog, strerror(-err));
		return 1;
	}
	run.thd = bare.thd;
	t0 = now_ns();
	c0 = (double)__rdtsc();
	err = cos_run(fd, &run);
	s->cycles = ((double)__rdtsc() - c0) / iters;
	s->ns = (now_ns() - t0) / iters;
	close(fd);
	if (err || run.exit_reason != COS_EXIT_EXIT || run.exit.status) {
		fprintf(stderr, "%s: bench: run ended with %s (%s)\n", prog,
			cos_exit_name(run.exit_reason), strerror(-err));
		return 1;
	}
	return 0;
}

static void bench_getppid(unsigned long iters, struct sample *s)
{
	double t0 = now_ns(), c0 = (double)__rdtsc();
	unsigned long i;

	for (i = 0; i < iters; i++)
		syscall(SYS_getppid);
	s->cycles = ((double)__rdtsc() - c0) / iters;
	s->ns = (now_ns() - t0) / iters;
}

static int cmd_bench(int argc, char **argv)
{
	unsigned long iters = 1000000;
	struct sample null_rt, yield_rt, ppid;
	int i;

	if (argc < 2 || strcmp(argv[1], "null")) {
		fprintf(stderr, "%s: bench: known benchmarks: null\n", prog);
		return EXIT_USAGE;
	}
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--iters") && i + 1 < argc)
			iters = strtoul(argv[++i], NULL, 0);
		else {
			fprintf(stderr, "%s: bench null: unknown option %s\n",
				prog, argv[i]);
			return EXIT_USAGE;
		}
	}
	if (!iters)
		iters = 1;
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

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "version"))
		return cmd_version();
	if (!strcmp(argv[1], "bare"))
		return cmd_bare(argc - 1, argv + 1);
	if (!strcmp(argv[1], "bench"))
		return cmd_bench(argc - 1, argv + 1);
	fprintf(stderr, "%s: unknown command '%s' (try 'cos help')\n", prog,
		argv[1]);
	return EXIT_USAGE;
}
