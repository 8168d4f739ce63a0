// SPDX-License-Identifier: GPL-2.0
/*
 * bench_sched.c - `cos bench sched`: the system schedtest.sys with its
 * thread running bench_main, once with every component alone and once
 * all in one PD; the component prints "bench: name=value ..." lines,
 * relabelled here with the layout.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "libcos.h"
#include "sysdesc.h"
#include "cli.h"
#include "bench.h"

/* One run of the system at @path, its components @merged or not. */
static int bench_sched_layout(const char *path, int merged)
{
	static struct cos_sysdesc sd;
	char err[512] = "", *at;
	struct cos_run run;
	int fd, i, status = -1;

	memset(&sd, 0, sizeof(sd));
	if (cos_sd_parse(path, &sd, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", prog, err);
		cos_sd_free(&sd);
		return 1;
	}
	fd = open_cos();
	if (cos_sd_load(fd, &sd, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", prog, err);
		goto out;
	}
	for (i = 1; merged && i < sd.ncomps; i++)
		if (cos_pd(fd, COS_PD_MERGE, sd.comps[0].bare.comp, sd.comps[i].bare.comp)) {
			fprintf(stderr, "%s: bench sched: merge: %s\n", prog, strerror(errno));
			goto out;
		}
	for (;;) {
		run.budget_ns = 0;
		if (cos_run_system(fd, &run)) {
			fprintf(stderr, "%s: run: %s\n", prog, strerror(errno));
			goto out;
		}
		if (run.exit_reason != COS_EXIT_PRINT)
			break;
		run.print.data[run.print.len < COS_PRINT_MAX ? run.print.len : COS_PRINT_MAX - 1] = 0;
		at = strstr(run.print.data, "bench: ");
		if (at)
			printf("bench: sched_%s_%s", merged ? "merged" : "isolated", at + 7);
		else
			fputs(run.print.data, stdout);
	}
	if (run.exit_reason == COS_EXIT_EXIT)
		status = (int)run.exit.status;
	if (status)
		fprintf(stderr, "%s: bench sched: the system stopped (%s, status %d)\n",
			prog, cos_exit_name(run.exit_reason), status);
out:
	cos_sd_free(&sd);
	close(fd);
	return status ? 1 : 0;
}

/*
 * schedtest.sys of this cos's systems into @path, its thread running
 * bench_main and its components this cos's, named by absolute paths.
 */
static int bench_sched_system(const char *path)
{
	static const char built[] = "build/components/";
	char src[4096], line[512];
	const char *comps = cli_dir(CLI_COMPONENTS);
	FILE *in = NULL, *out = NULL;
	int ret = 1;

	if (!comps || cli_path(src, sizeof(src), CLI_SYSTEMS, "schedtest.sys"))
		return 1;
	in = fopen(src, "r");
	if (!in) {
		fprintf(stderr, "%s: bench sched: %s: %s\n", prog, src, strerror(errno));
		goto out;
	}
	out = fopen(path, "w");
	if (!out) {
		fprintf(stderr, "%s: bench sched: %s: %s\n", prog, path, strerror(errno));
		goto out;
	}
	while (fgets(line, sizeof(line), in)) {
		char *c = strstr(line, built);

		if (!strncmp(line, "thread ", 7))
			fprintf(out, "thread schedtest bench_main prio 2\n");
		else if (c)
			fprintf(out, "%.*s%s/%s", (int)(c - line), line, comps,
				c + sizeof(built) - 1);
		else
			fputs(line, out);
	}
	ret = 0;
out:
	if (out && fclose(out))
		ret = 1;
	if (in)
		fclose(in);
	return ret;
}

int cmd_bench_sched(void)
{
	char path[64];
	int ret;

	snprintf(path, sizeof(path), "/tmp/cos-bench-sched-%d.sys", (int)getpid());
	ret = bench_sched_system(path) || bench_sched_layout(path, 0) ||
	      bench_sched_layout(path, 1);
	unlink(path);
	return ret;
}
