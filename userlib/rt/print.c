// SPDX-License-Identifier: GPL-2.0
/* print.c - printc and assert: output through the run loop. */
#include "cos_rt.h"
#include "cos.h"

static long cos_rt_print(const char *buf, size_t len)
{
	long ret;

	asm volatile("syscall" : "=a"(ret)
		     : "a"((long)COS_OP_PRINT), "D"(buf), "S"(len)
		     : "rcx", "r11", "memory");
	return ret;
}

int printc(const char *fmt, ...)
{
	char buf[COS_PRINT_MAX];
	size_t n = strnlen(cos_comp_name, 32);
	va_list ap;
	int len;

	memcpy(buf, cos_comp_name, n);
	buf[n++] = ':';
	buf[n++] = ' ';
	va_start(ap, fmt);
	len = vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	if (len < 0)
		return len;
	n += (size_t)len < sizeof(buf) - n ? (size_t)len : sizeof(buf) - n - 1;
	return (int)cos_rt_print(buf, n);
}

void cos_assert_fail(const char *expr, const char *file, int line)
{
	printc("assertion failed: %s at %s:%d\n", expr, file, line);
	for (;;)
		asm volatile("ud2");	/* a contained #UD in this component */
}
