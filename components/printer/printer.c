// SPDX-License-Identifier: GPL-2.0
/*
 * printer - the terminal printer: the server of the printer interface
 * (components/interfaces/printer.h). Prints each caller's lines as
 * "name: text" with the name of the caller id the kernel authenticates,
 * and limits each caller's rate.
 *
 * Entered by any number of threads at once, each preemptible at any
 * instruction, and possibly merged into one PD with its callers: no
 * locks; the only shared state that changes is the per-caller state
 * below, updated with atomic operations only.
 */
#include <linux/errno.h>
#include "cos_rt.h"
#include "bare.h"
#include "printer.h"
#include "cos_names.h"
#include "cos_sched_ops.h"

COS_IFACE_SERVER(PRINTER_IFACE)

/* Written by the loader before it maps us (cos_names.h); in .data, so
 * that it has bytes in the file to write. Read-only for us. */
char printer_names[COS_NAMES_MAX][COS_NAME_LEN] __attribute__((section(".data")));

/* ns between two tokens of a bucket; the bucket holds PRINTER_BURST */
#define PRINTER_TOKEN_NS	(1000000000UL / PRINTER_RATE)
#define PRINTER_BUCKET_NS	(PRINTER_BURST * PRINTER_TOKEN_NS)

/* A line: the longest name, ": ", the text and '\n', in one COS_OP_PRINT. */
_Static_assert(COS_NAME_LEN + 2 + PRINTER_MAX + 1 <= COS_PRINT_MAX,
	       "a printer line must fit one COS_OP_PRINT");

/*
 * Per caller id. The token bucket is kept as one word (the "virtual
 * scheduling" form of a token bucket, GCRA): tat is the time at which the
 * bucket is full again, so it holds (now + PRINTER_BUCKET_NS - tat) /
 * PRINTER_TOKEN_NS tokens, and taking one adds PRINTER_TOKEN_NS to
 * max(tat, now). dropped counts the lines dropped since the last report.
 */
struct printer_caller {
	unsigned long tat;	/* CLOCK_MONOTONIC ns; 0: full */
	unsigned long dropped;
};

static struct printer_caller printer_callers[COS_NAMES_MAX];

/*
 * Take a token of @p at @now: 1, or 0 if the bucket is empty. One
 * compare-exchange of tat; it fails only when another thread took a token
 * of the same bucket meanwhile, and those are bounded by the rate, so the
 * loop ends. A thread that read @now long ago only charges itself more.
 */
static int printer_take(struct printer_caller *p, unsigned long now)
{
	unsigned long old = __atomic_load_n(&p->tat, __ATOMIC_RELAXED), new;

	do {
		new = (old > now ? old : now) + PRINTER_TOKEN_NS;
		if (new - now > PRINTER_BUCKET_NS)
			return 0;
	} while (!__atomic_compare_exchange_n(&p->tat, &old, new, 0,
					      __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	return 1;
}

/* "name: " for caller @id into @line (at least COS_NAME_LEN + 2 bytes). */
static size_t printer_prefix(char *line, long id)
{
	const char *name = printer_names[id];
	size_t n = strnlen(name, COS_NAME_LEN);	/* bounded: merged callers
						 * could write the table */

	if (!n)
		return (size_t)snprintf(line, COS_NAME_LEN + 2, "c%ld: ", id);
	memcpy(line, name, n);
	line[n++] = ':';
	line[n++] = ' ';
	return n;
}

long printer_write(long len, COS_CALLER_PARAMS(1))
{
	char text[PRINTER_MAX], line[COS_PRINT_MAX];
	long id = cos_caller(), n = len;
	struct printer_caller *p;
	unsigned long dropped;
	size_t pre;
	int k;

	if (len < 0 || len > PRINTER_MAX || id < 0 || id >= COS_NAMES_MAX)
		return -EINVAL;
	/* First of all: the caller may change its region under us. */
	memcpy(text, (const char *)cos_args() + PRINTER_ARG_OFF, len);

	p = &printer_callers[id];
	if (!printer_take(p, cos_now())) {
		__atomic_fetch_add(&p->dropped, 1, __ATOMIC_RELAXED);
		return 0;
	}
	pre = printer_prefix(line, id);
	/* Drops after the exchange are reported with a later line. */
	dropped = __atomic_exchange_n(&p->dropped, 0, __ATOMIC_RELAXED);
	if (dropped) {
		k = snprintf(line + pre, sizeof(line) - pre,
			     "%lu lines suppressed\n", dropped);
		cos_syscall2(COS_OP_PRINT, (long)line, (long)pre + k);
	}
	/* Exactly one '\n' at the end. Newlines inside stay: what follows
	 * one is not named, and may look like another component's line. */
	while (n && text[n - 1] == '\n')
		n--;
	memcpy(line + pre, text, n);
	line[pre + n] = '\n';
	cos_syscall2(COS_OP_PRINT, (long)line, (long)pre + n + 1);
	return len;
}

/* Started as a thread, the printer has nothing to do. */
long cos_main(unsigned long base, unsigned long data)
{
	(void)base;
	(void)data;
	return 0;
}
