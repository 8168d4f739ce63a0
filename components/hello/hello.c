// SPDX-License-Identifier: GPL-2.0
/*
 * hello - the demo's bare component: prints through the run loop, makes a
 * few null invocations of the kernel and exits with status 0.
 */
#include "bare.h"

static void put_hex(char *out, unsigned long v)
{
	static const char digits[] = "0123456789abcdef";
	int i;

	out[0] = '0';
	out[1] = 'x';
	for (i = 0; i < 16; i++)
		out[2 + i] = digits[(v >> (60 - 4 * i)) & 0xf];
	out[18] = '\n';
	out[19] = 0;
}

long cos_main(unsigned long base, unsigned long data)
{
	char line[20];
	long i, bad = 0;

	(void)data;
	cos_print("hello from a bare cos component, running in user mode at\n");
	put_hex(line, base);
	cos_print(line);
	for (i = 0; i < 1000; i++)
		bad += cos_syscall2(COS_OP_NULL, 0, 0) != 0;
	cos_print(bad ? "null calls: FAILED\n" : "1000 null calls into the cos kernel: ok\n");
	cos_print("goodbye\n");
	return bad;
}
