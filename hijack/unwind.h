/* SPDX-License-Identifier: GPL-2.0 */
/*
 * unwind.h - objtool's unwind hints under one name across kernels: the
 * hint for "the kernel stack ends here (a user entry)" is
 * UNWIND_HINT_EMPTY up to Linux 6.3 and UNWIND_HINT_END_OF_STACK from
 * 6.4 on. Tested on the name itself, so a backport is picked up too.
 */
#ifndef COS_HIJACK_UNWIND_H
#define COS_HIJACK_UNWIND_H

#include <asm/unwind_hints.h>

#ifdef UNWIND_HINT_TYPE_END_OF_STACK
#define COS_UNWIND_HINT_END_OF_STACK	UNWIND_HINT_END_OF_STACK
#else
#define COS_UNWIND_HINT_END_OF_STACK	UNWIND_HINT_EMPTY
#endif

#endif
