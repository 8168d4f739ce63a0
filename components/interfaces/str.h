/* SPDX-License-Identifier: GPL-2.0 */
/*
 * str - an example interface that takes its data through the calling
 * thread's argument region: str_len(off) measures the string at off,
 * str_sum(off, len) adds up len bytes (COS_ERR_BOUNDS outside the region),
 * str_upper(off, len) rewrites them in place.
 */
#ifndef COS_IFACE_STR_H
#define COS_IFACE_STR_H

#include "cos_iface.h"

#define STR_IFACE(FN)		\
	FN(str, len, 1)		\
	FN(str, sum, 2)		\
	FN(str, upper, 2)

#endif
