// SPDX-License-Identifier: GPL-2.0
/*
 * hello - the demo's bare component: prints through the run loop with the
 * component runtime, makes null calls into the cos kernel, exits with 0.
 */
#include "cos_rt.h"
#include "bare.h"

long cos_main(unsigned long base, unsigned long data)
{
	long i, bad = 0;

	(void)data;
	printc("hello from a cos component, in user mode at %#lx\n", base);
	for (i = 0; i < 1000; i++)
		bad += cos_syscall2(COS_OP_NULL, 0, 0) != 0;
	printc("%ld null calls into the cos kernel: %s\n", i,
	       bad ? "FAILED" : "ok");
	assert(bad == 0);
	printc("goodbye\n");
	return bad;
}
