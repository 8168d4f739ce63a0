/* SPDX-License-Identifier: GPL-2.0 */
/*
 * calc - an example interface: word arithmetic, and who is calling.
 * calc_div faults (divide error) on a zero divisor: the caller gets
 * COS_ERR_FAULT and goes on.
 */
#ifndef COS_IFACE_CALC_H
#define COS_IFACE_CALC_H

#include "cos_iface.h"

#define CALC_IFACE(FN)		\
	FN(calc, add, 2)	\
	FN(calc, sub, 2)	\
	FN(calc, div, 2)	\
	FN(calc, mix, 4)	\
	FN(calc, whoami, 0)

#endif
