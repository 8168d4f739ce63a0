// SPDX-License-Identifier: GPL-2.0
/*
 * fltsrv - a server with a fault handler: flt_crash(how) faults (0: ud2,
 * 1: a write to address 8); its handler turns the fault into an error
 * code for the caller (-1000 - vector), unless the fault happens in the
 * handler itself (how 2), which is then unwound as COS_ERR_FAULT.
 */
#include "cos_rt.h"
#include "bare.h"
#include "flt.h"

COS_IFACE_SERVER(FLT_IFACE)
COS_FAULT_HANDLER_FN(flt_on_fault)

static volatile long mode;

long flt_crash(long how)
{
	volatile long *nowhere = (volatile long *)(8 + mode * 0);

	mode = how;
	if (how == 1)
		asm volatile("movq $1, (%0)" : : "r"(nowhere) : "memory");
	asm volatile("ud2");
	return 0;
}

long flt_calm(long x)
{
	return x + 1;
}

long flt_on_fault(long vector, long address, long ip, long error)
{
	(void)ip;
	(void)error;
	printc("fault handler: vector %ld at address %#lx\n", vector, address);
	if (mode == 2)
		asm volatile("ud2");	/* a fault in the handler: unwound */
	return -1000 - vector;
}

long cos_main(unsigned long base, unsigned long data)
{
	(void)base;
	(void)data;
	return 0;
}
