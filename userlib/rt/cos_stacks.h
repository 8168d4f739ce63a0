/* SPDX-License-Identifier: GPL-2.0 */
/* cos_stacks.h - geometry of a component's invocation stack pool. */
#ifndef COS_STACKS_H
#define COS_STACKS_H

/* What a server entry returns when no stack of its pool is free. */
#define COS_ERR_NOSTACK	(-12)	/* -ENOMEM */

#define COS_STACKS	 16		/* at most 64: one bitmap word */
#define COS_STACK_SIZE	 0x4000		/* 16 KiB, aligned to its size */
#define COS_STACK_REGION 0x50000000	/* slot offset of the region */
/* Stack i: [region + i*size + 4 KiB, region + (i+1)*size): the first page
 * of every stack stays unmapped as its guard. */

#endif
