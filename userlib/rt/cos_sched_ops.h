/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cos_sched_ops.h - the kernel's scheduler ops (cos.h, COS_SCHED_CONFIG)
 * as functions, and cos_now() for everyone. Only code in the scheduler
 * component gets anything but -EPERM from the others.
 */
#ifndef COS_SCHED_OPS_H
#define COS_SCHED_OPS_H

#include "cos_comp_abi.h"

struct cos_sched_event;

static inline long cos_kop(long op, long a, long b, long c, long d)
{
	register long r10 asm("r10") = d;
	long ret;

	asm volatile("syscall" : "=a"(ret)
		     : "a"(op), "D"(a), "S"(b), "d"(c), "r"(r10)
		     : "rcx", "r11", "memory");
	return ret;
}

/* CLOCK_MONOTONIC, ns. */
static inline unsigned long cos_now(void)
{
	return (unsigned long)cos_kop(COS_OP_NOW, 0, 0, 0, 0);
}

/* Run @thd; a COS_SEV_TICK at @timeout ns (0: as set before). */
static inline long cos_switch(unsigned long thd, unsigned long timeout)
{
	return cos_kop(COS_OP_SWITCH, (long)thd, (long)timeout, 0, 0);
}

static inline long cos_sched_rcv(struct cos_sched_event *ev, unsigned long max)
{
	return cos_kop(COS_OP_SCHED_RCV, (long)ev, (long)max, 0, 0);
}

static inline long cos_idle(unsigned long until_ns)
{
	return cos_kop(COS_OP_IDLE, (long)until_ns, 0, 0, 0);
}

static inline long cos_thd_create_op(unsigned long comp, unsigned long entry,
				     long a0, long a1)
{
	return cos_kop(COS_OP_THD_CREATE, (long)comp, (long)entry, a0, a1);
}

static inline long cos_thd_destroy_op(unsigned long thd)
{
	return cos_kop(COS_OP_THD_DESTROY, (long)thd, 0, 0, 0);
}

static inline void __attribute__((noreturn)) cos_exit(long status)
{
	for (;;)
		cos_kop(COS_OP_EXIT, status, 0, 0, 0);
}

#endif
