// SPDX-License-Identifier: GPL-2.0
/*
 * print.c - printc and assert. printc goes through the printer component
 * (components/interfaces/printer.h) when this component imports the
 * printer interface: the printer prefixes the name of the caller the
 * kernel authenticates and limits each component's rate. Otherwise, and
 * when the printer fails, it prints "name: text" itself, named by
 * cos_comp_name, through the run loop (COS_OP_PRINT).
 */
#include "cos_rt.h"
#include "cos_comp_abi.h"
#include "printer.h"

/*
 * printer_write's capability id. Every component has the word; the loader
 * writes it only into one with an `import NAME SERVER printer` line and
 * leaves -1 in the others (sysdesc.c accepts this one word without an
 * import). So a component must not declare the printer's client stubs
 * itself: printc is its client.
 */
COS_CLIENT_CAP(printer, write)

static long cos_rt_print(const char *buf, size_t len)
{
	long ret;

	asm volatile("syscall" : "=a"(ret)
		     : "a"((long)COS_OP_PRINT), "D"(buf), "S"(len)
		     : "rcx", "r11", "memory");
	return ret;
}

/* "name: text" through the run loop, named by ourselves. */
static int cos_rt_vprintc(const char *fmt, va_list ap)
{
	char buf[COS_PRINT_MAX];
	size_t n = strnlen(cos_comp_name, 32);
	int len;

	memcpy(buf, cos_comp_name, n);
	buf[n++] = ':';
	buf[n++] = ' ';
	len = vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	if (len < 0)
		return len;
	n += (size_t)len < sizeof(buf) - n ? (size_t)len : sizeof(buf) - n - 1;
	return (int)cos_rt_print(buf, n);
}

static int __attribute__((format(printf, 1, 2)))
cos_rt_printc(const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = cos_rt_vprintc(fmt, ap);
	va_end(ap);
	return ret;
}

int printc(const char *fmt, ...)
{
	unsigned long cap = __cos_cap_printer_write;
	char text[PRINTER_MAX + 1];	/* and vsnprintf's NUL */
	va_list ap;
	long ret;
	int len;

	va_start(ap, fmt);
	if (cap == -1UL || !cos_captbl_addr) {	/* no printer imported */
		len = cos_rt_vprintc(fmt, ap);
		va_end(ap);
		return len;
	}
	len = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (len < 0)
		return len;
	if (len > PRINTER_MAX)
		len = PRINTER_MAX;		/* truncated */
	/* this thread's region: no other thread writes there */
	memcpy((char *)cos_args() + PRINTER_ARG_OFF, text, len);
	ret = cos_call_1(cap, len);
	if (ret < 0)			/* the printer faulted, had no stack, ... */
		ret = cos_rt_printc("%.*s", len, text);
	return (int)ret;
}

/*
 * Straight to the run loop, not through the printer: the report must not
 * be rate limited away, nor depend on the printer or on this thread's
 * argument region when something is already wrong.
 */
void cos_assert_fail(const char *expr, const char *file, int line)
{
	cos_rt_printc("assertion failed: %s at %s:%d\n", expr, file, line);
	for (;;)
		asm volatile("ud2");	/* a contained #UD in this component */
}
