/* SPDX-License-Identifier: GPL-2.0 */
/* flt - an example interface whose server faults on purpose. */
#ifndef COS_IFACE_FLT_H
#define COS_IFACE_FLT_H

#include "cos_iface.h"

#define FLT_IFACE(FN)		\
	FN(flt, crash, 1)	\
	FN(flt, calm, 1)

#endif
