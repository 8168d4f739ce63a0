/* SPDX-License-Identifier: GPL-2.0 */
/* string.h for lwIP in a component: the runtime's functions (cos_rt.h). */
#ifndef COS_LWIP_STRING_H
#define COS_LWIP_STRING_H
#include <stddef.h>
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strncmp(const char *a, const char *b, size_t n);
#endif
