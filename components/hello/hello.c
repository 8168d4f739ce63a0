// SPDX-License-Identifier: GPL-2.0
/*
 * hello - the demo's component: prints through the run loop with the
 * component runtime, makes null calls into the cos kernel, keeps state in
 * its data and bss, calls through a table of function pointers (which the
 * loader relocates), and exits with 0.
 */
#include "cos_rt.h"
#include "bare.h"

static long counter = 40;	/* .data */
static char scratch[64];	/* .bss */

static const char *greet(void) { return "hello"; }
static const char *part(void) { return "goodbye"; }
static const char *(*words[])(void) = { greet, part };	/* relocated */
static volatile int second = 1;	/* keeps the compiler from folding words[] */

/* A second entry, for `thread hello hello_again` in a description. */
long hello_again(unsigned long base, unsigned long data)
{
	printc("a thread started at hello_again (base %#lx, arguments at %#lx)\n",
	       base, data);
	return 3;
}

long cos_main(unsigned long base, unsigned long data)
{
	long i, bad = 0;

	(void)data;
	printc("%s from a cos component, in user mode at %#lx\n",
	       words[!second](), base);
	for (i = 0; i < 1000; i++)
		bad += cos_syscall2(COS_OP_NULL, 0, 0) != 0;
	printc("%ld null calls into the cos kernel: %s\n", i,
	       bad ? "FAILED" : "ok");
	counter += 2;
	snprintf(scratch, sizeof(scratch), "data %ld, bss ok", counter);
	printc("%s\n", scratch);
	assert(bad == 0 && counter == 42);
	printc("%s\n", words[second]());
	return bad;
}
