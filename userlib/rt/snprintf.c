// SPDX-License-Identifier: GPL-2.0
/* snprintf.c - formatted output without floating point. */
#include "cos_rt.h"

struct out {
	char *buf;
	size_t size, len;	/* len counts everything, written or not */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

enum { F_LEFT = 1, F_ZERO = 2, F_PLUS = 4, F_SPACE = 8, F_ALT = 16 };

static void put_str(struct out *o, const char *s, int flags, int width,
		    int prec)
{
	int n = (int)strnlen(s, prec < 0 ? (size_t)-1 : (size_t)prec), i;

	if (!(flags & F_LEFT))
		pad(o, ' ', width - n);
	for (i = 0; i < n; i++)
		put(o, s[i]);
	if (flags & F_LEFT)
		pad(o, ' ', width - n);
}

static void put_num(struct out *o, unsigned long long v, int neg, int base,
		    int upper, int flags, int width, int prec)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	const char *prefix = "";
	int n = 0, zeros, plen, total, zero = !v;

	while (v) {
		tmp[n++] = digits[v % base];
		v /= base;
	}
	if (prec < 0 && !n)
		tmp[n++] = '0';
	zeros = prec > n ? prec - n : 0;
	if (neg)
		prefix = "-";
	else if (flags & F_PLUS)
		prefix = "+";
	else if (flags & F_SPACE)
		prefix = " ";
	if ((flags & F_ALT) && base == 16 && !zero)
		prefix = upper ? "0X" : "0x";
	if ((flags & F_ALT) && base == 8 && !zeros && (!n || tmp[n - 1] != '0'))
		zeros = 1;
	plen = (int)strlen(prefix);
	total = plen + zeros + n;
	if ((flags & F_ZERO) && !(flags & F_LEFT) && prec < 0 && width > total) {
		zeros += width - total;
		total = width;
	}
	if (!(flags & F_LEFT))
		pad(o, ' ', width - total);
	while (*prefix)
		put(o, *prefix++);
	pad(o, '0', zeros);
	while (n)
		put(o, tmp[--n]);
	if (flags & F_LEFT)
		pad(o, ' ', width - total);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		int flags = 0, width = 0, prec = -1, lng = 0;
		const char *start = fmt;
		unsigned long long u;
		long long s;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		for (;;) {
			char c = *++fmt;

			if (c == '-') flags |= F_LEFT;
			else if (c == '0') flags |= F_ZERO;
			else if (c == '+') flags |= F_PLUS;
			else if (c == ' ') flags |= F_SPACE;
			else if (c == '#') flags |= F_ALT;
			else break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				flags |= F_LEFT;
				width = -width;
			}
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9')
				width = width * 10 + (*fmt++ - '0');
		}
		if (*fmt == '.') {
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9')
					prec = prec * 10 + (*fmt++ - '0');
			}
		}
		for (;; fmt++) {
			if (*fmt == 'h') lng = lng > 0 ? 0 : lng - 1;
			else if (*fmt == 'l') lng++;
			else if (*fmt == 'z' || *fmt == 't' || *fmt == 'j') lng = 2;
			else break;
		}
		switch (*fmt) {
		case 'd': case 'i':
			s = lng >= 2 ? va_arg(ap, long long) :
			    lng == 1 ? va_arg(ap, long) : va_arg(ap, int);
			if (lng == -1) s = (short)s;
			if (lng <= -2) s = (signed char)s;
			u = s < 0 ? -(unsigned long long)s : (unsigned long long)s;
			put_num(&o, u, s < 0, 10, 0, flags, width, prec);
			break;
		case 'u': case 'x': case 'X': case 'o':
			u = lng >= 2 ? va_arg(ap, unsigned long long) :
			    lng == 1 ? va_arg(ap, unsigned long) :
				       va_arg(ap, unsigned int);
			if (lng == -1) u = (unsigned short)u;
			if (lng <= -2) u = (unsigned char)u;
			put_num(&o, u, 0, *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16,
				*fmt == 'X', flags & ~(F_PLUS | F_SPACE), width, prec);
			break;
		case 'p':
			put_num(&o, (uintptr_t)va_arg(ap, void *), 0, 16, 0,
				F_ALT | (flags & F_LEFT), width, prec);
			break;
		case 's': {
			const char *str = va_arg(ap, const char *);

			put_str(&o, str ? str : "(null)", flags, width, prec);
			break;
		}
		case 'c':
			if (!(flags & F_LEFT))
				pad(&o, ' ', width - 1);
			put(&o, (char)va_arg(ap, int));
			if (flags & F_LEFT)
				pad(&o, ' ', width - 1);
			break;
		case '%':
			put(&o, '%');
			break;
		default:	/* unknown: copy the directive as it is */
			while (start <= fmt && *start)
				put(&o, *start++);
			if (!*fmt)
				fmt--;
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
