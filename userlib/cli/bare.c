// SPDX-License-Identifier: GPL-2.0
/*
 * bare.c - `cos bare`: one component (a static-PIE ELF or a flat binary)
 * loaded and run, its output on stdout, its exit status cos's.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "libcos.h"
#include "cli.h"

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

/* Run thread @thd of a loaded component to its end; cos's exit code. */
static int bare_run(int fd, unsigned int thd, unsigned long long budget_ms)
{
	struct cos_run run;
	char desc[256];
	int err;

	for (;;) {
		memset(&run, 0, sizeof(run));
		run.thd = thd;
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
		case COS_EXIT_MCE:
			cos_mce_format(&run, desc, sizeof(desc));
			fprintf(stderr, "%s: %s; stopping\n", prog, desc);
			return EXIT_MCE;
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

int cmd_bare(int argc, char **argv)
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
	char err_msg[256] = "";
	unsigned long long budget_ms = 0;
	size_t len;
	void *image;
	int fd, c, err, status;

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
	o.name = argv[optind];
	o.err = err_msg;
	o.errlen = sizeof(err_msg);
	err = cos_bare_load(fd, image, len, &o, &bare);
	if (err) {
		if (err_msg[0])
			fprintf(stderr, "%s: %s\n", prog, err_msg);
		else
			fprintf(stderr, "%s: loading %s: %s\n", prog,
				argv[optind], strerror(-err));
		status = 1;
		goto out;
	}
	signal(SIGINT, on_sigint);
	cos_mce_catch();
	status = bare_run(fd, bare.thd, budget_ms);
out:
	close(fd);
	free(image);
	return status;
}
