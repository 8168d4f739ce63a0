// SPDX-License-Identifier: GPL-2.0
/*
 * rt_test - host-side unit test of the component runtime's libc: the
 * runtime objects are linked with every symbol prefixed "rt_" and compared
 * with glibc over a table of formats and edge values.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "harness.h"

int rt_snprintf(char *buf, size_t size, const char *fmt, ...);
void *rt_memmove(void *dst, const void *src, size_t n);
void *rt_memset(void *dst, int c, size_t n);
int rt_memcmp(const void *a, const void *b, size_t n);
int rt_strcmp(const char *a, const char *b);
int rt_strncmp(const char *a, const char *b, size_t n);
char *rt_strchr(const char *s, int c);
size_t rt_strlen(const char *s);

#define CHECK(fmt, ...) do {						\
	char a[128], b[128];						\
	int na = rt_snprintf(a, sizeof(a), fmt, __VA_ARGS__);		\
	int nb = snprintf(b, sizeof(b), fmt, __VA_ARGS__);		\
	total++;							\
	if (na != nb || strcmp(a, b)) {					\
		bad++;							\
		tap_diag("format \"%s\": got \"%s\" (%d), glibc \"%s\" (%d)", \
			 fmt, a, na, b, nb);				\
	}								\
} while (0)

int main(void)
{
	int total = 0, bad = 0;
	char buf[16];
	int n;

	tap_plan(5);
	CHECK("%d|%i|%u", 0, -1, 42u);
	CHECK("%d %d", INT_MIN, INT_MAX);
	CHECK("%ld %lu", LONG_MIN, ULONG_MAX);
	CHECK("%lld %llu", LLONG_MIN, ULLONG_MAX);
	CHECK("%x %X %#x %#X %o %#o", 0xbeefu, 0xbeefu, 255u, 255u, 8u, 8u);
	CHECK("%#x %#o", 0u, 0u);
	CHECK("[%5d] [%-5d] [%05d] [%+d] [% d]", 42, 42, 42, 42, 42);
	CHECK("[%.3d] [%8.3d] [%-8.3d] [%.0d]", 7, 7, 7, 0);
	CHECK("[%s] [%10s] [%-10s] [%.2s] [%*s] [%-*s]", "abc", "abc", "abc",
	      "abc", 6, "x", 6, "y");
	CHECK("[%c] [%3c] [%-3c] [%%]", 'a', 'b', 'c');
	CHECK("%hd %hu %hhd %hhu", (short)-5, (unsigned short)65535, (signed char)-3, (unsigned char)250);
	CHECK("%zu %zd %td %jd", (size_t)123, (ssize_t)-4, (ptrdiff_t)-9, (intmax_t)77);
	CHECK("%p %p", (void *)0x1234, (void *)~0ul);
	CHECK("[%*d] [%-*d] [%.*d]", 6, 1, 6, 2, 4, 3);
	tap_ok(bad == 0, "snprintf matches glibc on %d formats (%d differ)", total, bad);

	n = rt_snprintf(buf, sizeof(buf), "%s", "0123456789abcdefghij");
	tap_ok(n == 20 && !strcmp(buf, "0123456789abcde"),
	       "snprintf truncates, NUL-terminates and returns the full length (%d)", n);
	n = rt_snprintf(NULL, 0, "%d", 12345);
	tap_ok(n == 5, "snprintf with size 0 only counts (%d)", n);

	{
		char m[32] = "0123456789";
		int ok = 1;

		rt_memmove(m + 2, m, 8);
		ok &= !memcmp(m, "0101234567", 10);
		rt_memmove(m, m + 2, 8);
		ok &= !memcmp(m, "0123456767", 10);
		rt_memset(m, 'x', 3);
		ok &= !memcmp(m, "xxx", 3);
		tap_ok(ok, "memmove (both overlaps) and memset");
	}
	tap_ok(rt_strcmp("abc", "abd") < 0 && rt_strcmp("b", "a") > 0 &&
	       !rt_strcmp("", "") && rt_strncmp("abcx", "abcy", 3) == 0 &&
	       rt_memcmp("\x01", "\xff", 1) < 0 && rt_strlen("four") == 4 &&
	       rt_strchr("hello", 'l') && *rt_strchr("hello", 'l') == 'l' &&
	       rt_strchr("hello", 0) && !rt_strchr("hello", 'z'),
	       "strcmp, strncmp, memcmp, strlen, strchr");
	return tap_exit();
}
