// SPDX-License-Identifier: GPL-2.0
/*
 * bench_io.c - `cos bench io [SECONDS] [DISK]`: the Linux side of the I/O
 * benchmark (a veth pair in a namespace, the AF_PACKET echo, dd) is a
 * script's job: cos-bench-io.sh in this cos's libexec directory (cli.h),
 * told by the environment which cos it belongs to.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "bench.h"

int cmd_bench_io(int argc, char **argv)
{
	char script[PATH_MAX];
	char *args[4] = { script, NULL, NULL, NULL };
	const char *self = cli_self(), *comps = cli_dir(CLI_COMPONENTS),
		   *systems = cli_dir(CLI_SYSTEMS);
	int i;

	if (argc > 4) {
		fprintf(stderr, "%s: usage: cos bench io [SECONDS] [DISK]\n", prog);
		return EXIT_USAGE;
	}
	if (!self || !comps || !systems ||
	    cli_path(script, sizeof(script), CLI_LIBEXEC, "cos-bench-io.sh"))
		return 1;
	if (access(script, X_OK)) {
		fprintf(stderr, "%s: bench io: %s: %s (it comes with cos: make user, or make install)\n",
			prog, script, strerror(errno));
		return 1;
	}
	if (setenv("COS", self, 1) || setenv("COS_COMPONENTS", comps, 1) ||
	    setenv("COS_SYSTEMS", systems, 1)) {
		fprintf(stderr, "%s: bench io: %s\n", prog, strerror(errno));
		return 1;
	}
	for (i = 2; i < argc; i++)
		args[i - 1] = argv[i];
	execv(script, args);
	fprintf(stderr, "%s: bench io: %s: %s\n", prog, script, strerror(errno));
	return 1;
}
