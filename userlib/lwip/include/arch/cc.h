/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arch/cc.h - lwIP's compiler and platform definitions for a cos
 * component (docs/net.md, "The port"): freestanding x86-64, no libc, no
 * stdio. Diagnostics and failed assertions go to port.c, which prints
 * through the component runtime and then faults, so the kernel contains
 * a broken stack like any other faulting component.
 */
#ifndef COS_LWIP_ARCH_CC_H
#define COS_LWIP_ARCH_CC_H

#define BYTE_ORDER		LITTLE_ENDIAN

/* No inttypes.h, ctype.h or unistd.h in a component. */
#define LWIP_NO_INTTYPES_H	1
#define LWIP_NO_CTYPE_H		1
#define LWIP_NO_UNISTD_H	1
typedef long ssize_t;
#define SSIZE_MAX		__LONG_MAX__

#define X8_F	"02x"
#define U16_F	"hu"
#define S16_F	"hd"
#define X16_F	"hx"
#define U32_F	"u"
#define S32_F	"d"
#define X32_F	"x"
#define SZT_F	"zu"

void cos_lwip_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cos_lwip_assert(const char *msg, const char *file, int line)
	__attribute__((noreturn));
unsigned int cos_lwip_rand(void);

#define LWIP_PLATFORM_DIAG(x)	do { cos_lwip_diag x; } while (0)
#define LWIP_PLATFORM_ASSERT(x)	cos_lwip_assert((x), __FILE__, __LINE__)
#define LWIP_RAND()		((u32_t)cos_lwip_rand())

#endif
