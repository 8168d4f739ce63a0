/* SPDX-License-Identifier: GPL-2.0 */
/* stdlib.h for lwIP in a component: atoi only (port.c). */
#ifndef COS_LWIP_STDLIB_H
#define COS_LWIP_STDLIB_H
#include <stddef.h>
int atoi(const char *s);
#endif
