// SPDX-License-Identifier: GPL-2.0
/*
 * bench_script.c - the benchmarks whose Linux side (veth pairs in a
 * namespace, AF_PACKET peers, dd, ab) is a script's job: `cos bench io
 * [SECONDS] [DISK]` runs cos-bench-io.sh, `cos bench tcp [ROUNDS]` runs
 * cos-bench-tcp.sh, from this cos's libexec directory (cli.h), told by
 * the environment which cos, components and systems they belong to.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "bench.h"

/* Exec libexec/@script with argv[2..] (at most @maxargs of them). */
static int bench_script(int argc, char **argv, const char *script_name, int maxargs,
			const char *usage)
{
	char script[PATH_MAX];
	char *args[8] = { script };
	const char *self = cli_self(), *comps = cli_dir(CLI_COMPONENTS),
		   *systems = cli_dir(CLI_SYSTEMS);
	int i;

	if (argc - 2 > maxargs) {
		fprintf(stderr, "%s: usage: %s\n", prog, usage);
		return EXIT_USAGE;
	}
	if (!self || !comps || !systems ||
	    cli_path(script, sizeof(script), CLI_LIBEXEC, script_name))
		return 1;
	if (access(script, X_OK)) {
		fprintf(stderr, "%s: bench %s: %s: %s (it comes with cos: make user, or make install)\n",
			prog, argv[1], script, strerror(errno));
		return 1;
	}
	if (setenv("COS", self, 1) || setenv("COS_COMPONENTS", comps, 1) ||
	    setenv("COS_SYSTEMS", systems, 1)) {
		fprintf(stderr, "%s: bench %s: %s\n", prog, argv[1], strerror(errno));
		return 1;
	}
	for (i = 2; i < argc; i++)
		args[i - 1] = argv[i];
	execv(script, args);
	fprintf(stderr, "%s: bench %s: %s: %s\n", prog, argv[1], script, strerror(errno));
	return 1;
}

int cmd_bench_io(int argc, char **argv)
{
	return bench_script(argc, argv, "cos-bench-io.sh", 2, "cos bench io [SECONDS] [DISK]");
}

int cmd_bench_tcp(int argc, char **argv)
{
	return bench_script(argc, argv, "cos-bench-tcp.sh", 1, "cos bench tcp [ROUNDS]");
}
