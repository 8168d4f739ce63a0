/* SPDX-License-Identifier: GPL-2.0 */
/* cos_stacks.h - geometry of a component's invocation stack pool. */
#ifndef COS_STACKS_H
#define COS_STACKS_H

#include "cos_comp_abi.h"

/* What a server entry returns when no stack of its pool is free. */
#define COS_ERR_NOSTACK	(-12)	/* -ENOMEM */

#define COS_STACKS	 16		/* at most 64: one bitmap word */
#define COS_STACK_SIZE	 0x4000		/* 16 KiB, aligned to its size */
#define COS_STACK_REGION 0x50000000	/* slot offset of the region */
/* Stack i: [region + i*size + 4 KiB, region + (i+1)*size): the first page
 * of every stack stays unmapped as its guard. */

/* Thread t's own stack in the component it starts in, the same geometry:
 * COS_THD_STACK_REGION in cos.h (the kernel maps it for threads the
 * scheduler creates, libcos for the host's). */
#if COS_THD_STACK_SIZE != COS_STACK_SIZE
#error "thread stacks and pool stacks share one geometry"
#endif

/*
 * Every stack a thread runs on (its own, or a pool stack a server entry
 * took) starts with a header at its top, so code anywhere on the stack
 * (a server function called directly inside one PD too) finds it by
 * rounding RSP up to COS_STACK_SIZE:
 *   top - 8:  the pool stack's index (-1: a thread's own stack)
 *   top - 16: the caller's component id (0 on a thread's own stack)
 *   top - 24: the thread id (cos_thread)
 *   top - 32: padding; RSP starts here, 16-byte aligned
 */
#define COS_STACK_HDR	32

#endif
