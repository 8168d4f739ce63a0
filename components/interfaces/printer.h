/* SPDX-License-Identifier: GPL-2.0 */
/*
 * printer - the terminal printer (components/printer): every component's
 * printc goes through it when the component imports it (the runtime falls
 * back to COS_OP_PRINT otherwise, and the scheduler always prints
 * directly: it must never wait).
 *
 *   printer_write(len)  print len bytes (at most PRINTER_MAX) that the
 *                       caller put at PRINTER_ARG_OFF of its thread's
 *                       argument region, as one line prefixed with the
 *                       caller's name ("name: "), taken from the caller id
 *                       the kernel authenticates, never from the text.
 *                       Returns len, 0 when rate limiting dropped it, or
 *                       -EINVAL.
 *
 * Rate limiting: each component may print PRINTER_BURST lines at once and
 * PRINTER_RATE lines a second after that; what is dropped is counted and
 * reported ("name: N lines suppressed") with its next line that passes.
 */
#ifndef COS_IFACE_PRINTER_H
#define COS_IFACE_PRINTER_H

#include "cos_iface.h"

#define PRINTER_MAX	224
#define PRINTER_ARG_OFF	(COS_ARG_SIZE - 256)	/* the region's last 256 bytes */
#define PRINTER_BURST	64
#define PRINTER_RATE	32

#define PRINTER_IFACE(FN)	\
	FN(printer, write, 1)

#endif
