/* SPDX-License-Identifier: GPL-2.0 */
/*
 * harness.h - TAP 13 output (kselftest style) and helpers to run snippet
 * components. Exit codes: 0 all passed, 1 a failure, 4 all skipped.
 */
#ifndef COS_SELFTEST_HARNESS_H
#define COS_SELFTEST_HARNESS_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include "libcos.h"
#include "snippet.h"

#define KSFT_PASS 0
#define KSFT_FAIL 1
#define KSFT_SKIP 4

static int tap_num, tap_failed, tap_skipped;

static inline void tap_plan(int n)
{
	printf("TAP version 13\n1..%d\n", n);
	fflush(stdout);
}

static inline void tap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static inline int tap_ok(int pass, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d ", pass ? "" : "not ", ++tap_num);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!pass)
		tap_failed++;
	return pass;
}

static inline void tap_skip(const char *name, const char *why)
{
	printf("ok %d %s # SKIP %s\n", ++tap_num, name, why);
	fflush(stdout);
	tap_skipped++;
}

static inline int tap_exit(void)
{
	printf("# %d tests: %d failed, %d skipped\n", tap_num, tap_failed,
	       tap_skipped);
	if (tap_failed)
		return KSFT_FAIL;
	return tap_num && tap_skipped == tap_num ? KSFT_SKIP : KSFT_PASS;
}

/* An ioctl's result: 0 or -errno. */
static inline int ioc(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

/* One TAP line: @call must return exactly @want (0 or -errno). */
#define EXPECT(call, want, what) do {					\
	int _e = (call);						\
	tap_ok(_e == (want), "%s: %s (want %s)", what,			\
	       _e ? strerror(-_e) : "success",				\
	       (want) ? strerror(-(want)) : "success");			\
} while (0)

/* Open /dev/cos or end the test program with a clear failure. */
static inline int must_open(void)
{
	int fd = cos_open();

	if (fd < 0) {
		printf("Bail out! cannot open /dev/cos: %s\n", strerror(-fd));
		exit(KSFT_FAIL);
	}
	return fd;
}

struct snip_run {
	struct cos_bare bare;
	struct cos_run run;
	int err;		/* 0, or the failing call's -errno */
};

/*
 * Load @code as a bare component (slot, thread flags, optional register
 * setter) and RUN it until it stops for something other than PRINT.
 */
static inline void snip_run(const void *code, size_t len, unsigned int slot,
			    unsigned int thd_flags, uint64_t budget_ns,
			    void (*setregs)(struct cos_regs *, void *), void *arg,
			    struct snip_run *r)
{
	struct cos_bare_opts o = { .slot = slot, .thd_flags = thd_flags };
	struct cos_regs regs;
	int fd = must_open();

	memset(r, 0, sizeof(*r));
	r->err = cos_bare_load(fd, code, len, &o, &r->bare);
	if (!r->err && setregs) {
		r->err = cos_thd_get_regs(fd, r->bare.thd, &regs);
		if (!r->err) {
			setregs(&regs, arg);
			r->err = cos_thd_set_regs(fd, r->bare.thd, &regs);
		}
	}
	while (!r->err) {
		memset(&r->run, 0, sizeof(r->run));
		r->run.thd = r->bare.thd;
		r->run.budget_ns = budget_ns;
		r->err = cos_run(fd, &r->run);
		if (r->err || r->run.exit_reason != COS_EXIT_PRINT)
			break;
	}
	close(fd);
}

/* Read "name value" from /sys/kernel/debug/cos/stats, -1 if absent. */
static inline long long stat_of(const char *name)
{
	FILE *f = fopen("/sys/kernel/debug/cos/stats", "r");
	char key[64];
	long long v, found = -1;

	if (!f)
		return -1;
	while (fscanf(f, "%63s %lld", key, &v) == 2)
		if (!strcmp(key, name))
			found = v;
	fclose(f);
	return found;
}

#define SNIP(name) cos_snippet_start(name), cos_snippet_len(name)

static inline void set_r12(struct cos_regs *r, void *arg)
{
	r->r12 = *(uint64_t *)arg;
}

/*
 * What COS_PD_MERGE or COS_PD_SPLIT of components a (and b) should return,
 * by a model of who shares a PD (set[i]: the PD of component i of n):
 * EINVAL for a merge with itself, EALREADY for a merge inside one PD or a
 * split of a lone component, EPERM for a merge that would join the
 * separated pair sep_a/sep_b (-1: none). Applies the operation to the
 * model when it should succeed.
 */
static inline int cos_model_pd_op(int *set, int n, int op, int a, int b,
				  int sep_a, int sep_b)
{
	int j, x, alone = 1;

	if (op == COS_PD_MERGE) {
		if (a == b)
			return -EINVAL;
		if (set[a] == set[b])
			return -EALREADY;
		if (sep_a >= 0 &&
		    ((set[a] == set[sep_a] && set[b] == set[sep_b]) ||
		     (set[a] == set[sep_b] && set[b] == set[sep_a])))
			return -EPERM;
		for (j = 0, x = set[b]; j < n; j++)
			if (set[j] == x)
				set[j] = set[a];
		return 0;
	}
	for (j = 0; j < n; j++)
		if (j != a && set[j] == set[a])
			alone = 0;
	if (alone)
		return -EALREADY;
	for (j = 0, x = 0; j < n; j++)	/* a fresh set id */
		if (set[j] >= x)
			x = set[j] + 1;
	set[a] = x;
	return 0;
}

#endif
