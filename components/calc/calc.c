// SPDX-License-Identifier: GPL-2.0
/* calc - the server of the calc interface (components/interfaces/calc.h). */
#include "cos_rt.h"
#include "bare.h"
#include "calc.h"

COS_IFACE_SERVER(CALC_IFACE)

long calc_add(long a, long b) { return a + b; }
long calc_sub(long a, long b) { return a - b; }
long calc_div(long a, long b) { return a / b; }
long calc_mix(long a, long b, long c, long d) { return a + 3 * b + 5 * c + 7 * d; }
long calc_whoami(COS_CALLER_PARAMS(0)) { return cos_caller(); }

/* Started as a thread, calc has nothing to do. */
long cos_main(unsigned long base, unsigned long data)
{
	(void)base;
	(void)data;
	printc("calc is a server: invoke it\n");
	return 0;
}
