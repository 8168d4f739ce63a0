// SPDX-License-Identifier: GPL-2.0
/*
 * calcuser - a client of the calc interface: checks every answer, that a
 * fault in the server comes back as COS_ERR_FAULT, and that calc sees who
 * called. Exit status: 0, or the number of the first failed check.
 */
#include "cos_rt.h"
#include "bare.h"
#include "calc.h"

COS_IFACE_CLIENT(CALC_IFACE)

long cos_main(unsigned long base, unsigned long data)
{
	long me;

	(void)base;
	(void)data;
	if (calc_add(2, 3) != 5)
		return 1;
	if (calc_sub(-1, 0x7fffffffffffffffL) != (long)0x8000000000000000UL)
		return 2;
	if (calc_div(42, 6) != 7)
		return 3;
	if (calc_div(1, 0) != COS_ERR_FAULT)
		return 4;
	if (calc_add(40, 2) != 42)	/* the server goes on after its fault */
		return 5;
	if (calc_mix(1, 2, 3, 4) != 1 + 6 + 15 + 28)
		return 6;
	me = calc_whoami();
	printc("calc says I am component %ld; 40 + 2 = %ld\n", me, calc_add(40, 2));
	return me < 0 ? 7 : 0;
}
