/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmpeer - a test aid (components/mmpeer, selftests/cos_mm.c): the other
 * side of pages shared through mm. Offsets are in mmpeer's own window.
 *
 *   mmpeer_read(off)              the word at window offset off
 *   mmpeer_write(off, v)          store v there: 0
 *   mmpeer_peek(addr)             the word at address addr (anyone's: it
 *                                 faults unless addr is in mmpeer's PD)
 *   mmpeer_base()                 its window's address (cos_mm_base)
 *   mmpeer_share(off, n, dst, prot)  mm_share of its own pages
 *   mmpeer_free(off, n)           mm_free of its own pages
 */
#ifndef COS_IFACE_MMPEER_H
#define COS_IFACE_MMPEER_H

#include "cos_iface.h"

#define MMPEER_IFACE(FN)		\
	FN(mmpeer, read, 1)		\
	FN(mmpeer, write, 2)		\
	FN(mmpeer, peek, 1)		\
	FN(mmpeer, base, 0)		\
	FN(mmpeer, share, 4)		\
	FN(mmpeer, free, 2)

#endif
