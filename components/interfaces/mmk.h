/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmk - a test aid (components/mmk, selftests/cos_mm.c): COS_OP_MEM
 * itself, for a caller that needs the kernel's exact answer. Marked with
 * the mm right like mm ("mm mmk" in components/systems/mm*.sys).
 *
 *   mmk_op()   COS_OP_MEM with RDI, RSI, RDX, R10, R8, R9 = the first six
 *              words of the caller's argument region: what the kernel
 *              returned
 */
#ifndef COS_IFACE_MMK_H
#define COS_IFACE_MMK_H

#include "cos_iface.h"

#define MMK_IFACE(FN)	\
	FN(mmk, op, 0)

#endif
