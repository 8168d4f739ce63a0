/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cos_rt.h - the component runtime: what a component has instead of a libc.
 *
 * Freestanding (no host libc, no FPU/SSE: components are built with
 * -mgeneral-regs-only). Strings, snprintf without floating point, printc
 * (prefixed with the component's name, through the printer component or
 * the run loop) and assert (reports component, file and line, then faults
 * so the kernel contains it). Reentrant; no locks; no global state but
 * cos_comp_name and the printer's capability word (print.c).
 */
#ifndef COS_RT_H
#define COS_RT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/errno.h>	/* errno values for -errno returns */

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
/* Decimal, after optional blanks and sign; stops at the first non-digit. */
int atoi(const char *s);

/*
 * vsnprintf/snprintf: %d %i %u %x %X %o %p %s %c %% with the flags '-',
 * '0', '+', ' ', '#', a width and a precision (also '*'), and the length
 * modifiers hh h l ll z t j. Returns the length the full output would
 * have; writes at most size bytes including the terminating NUL.
 * Unknown conversions are copied through as they are.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The component's name: defined by the component build (cos-comp.mk). */
extern const char cos_comp_name[];

/*
 * "name: text": through the printer component if this component imports
 * it (at most PRINTER_MAX bytes of text a call; printer.h), else, or if
 * the printer fails, through COS_OP_PRINT (at most COS_PRINT_MAX bytes).
 * Returns the length printed, 0 if the printer dropped the line (rate
 * limit), or a negative error. assert always prints through COS_OP_PRINT.
 */
int printc(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * The value of configuration word KEY=VALUE (the description's `config`
 * lines, cos_config.h) copied into @buf: @buf, or NULL when there is no
 * such word or its value does not fit in @len bytes with the NUL.
 */
const char *cos_config(const char *key, char *buf, size_t len);

void cos_assert_fail(const char *expr, const char *file, int line)
	__attribute__((noreturn));
#define assert(x) \
	((x) ? (void)0 : cos_assert_fail(#x, __FILE__, __LINE__))

#endif
