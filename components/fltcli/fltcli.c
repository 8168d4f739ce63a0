// SPDX-License-Identifier: GPL-2.0
/* fltcli - checks what fltsrv's fault handler makes of its faults. */
#include "cos_rt.h"
#include "bare.h"
#include "flt.h"

COS_IFACE_CLIENT(FLT_IFACE)

long cos_main(unsigned long base, unsigned long data)
{
	long r;

	(void)base;
	(void)data;
	if ((r = flt_crash(0)) != -1006)	/* #UD, handled */
		return printc("crash(0) = %ld\n", r), 1;
	if ((r = flt_crash(1)) != -1014)	/* #PF, handled */
		return printc("crash(1) = %ld\n", r), 2;
	if ((r = flt_crash(2)) != COS_ERR_FAULT)	/* fault in the handler */
		return printc("crash(2) = %ld\n", r), 3;
	if ((r = flt_crash(0)) != -1006)	/* the handler works again */
		return printc("crash(0) again = %ld\n", r), 4;
	if (flt_calm(41) != 42)
		return 5;
	for (r = 0; r < 40; r++)	/* more faults than the pool has stacks */
		if (flt_crash(0) != -1006 || flt_crash(2) != COS_ERR_FAULT ||
		    flt_calm(r) != r + 1)
			return printc("round %ld: the pool ran dry\n", r), 6;
	printc("every fault came back as the handler said\n");
	return 0;
}
