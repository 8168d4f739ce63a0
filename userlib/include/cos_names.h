/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cos_names.h - the table of component names that the loader of system
 * descriptions (userlib/libcos/sysdesc.c) writes into a component that
 * defines it, before it maps the component: entry [component id] holds
 * that component's name from the description, NUL-terminated (truncated
 * to COS_NAME_LEN - 1 bytes); entries of ids the description does not
 * create stay zero. The printer (components/printer) defines it, as
 * writable data with file bytes, to name its callers.
 */
#ifndef COS_NAMES_H
#define COS_NAMES_H

#define COS_NAMES_SYM	"printer_names"
#define COS_NAMES_MAX	256	/* component ids: 0 .. COS_NAMES_MAX - 1 */
#define COS_NAME_LEN	16	/* bytes an entry, with the NUL */

#endif
