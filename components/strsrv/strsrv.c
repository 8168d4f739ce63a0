// SPDX-License-Identifier: GPL-2.0
/* strsrv - the server of the str interface: works on the argument region. */
#include "cos_rt.h"
#include "bare.h"
#include "str.h"

COS_IFACE_SERVER(STR_IFACE)

long str_len(long off)
{
	const char *a = cos_args();
	long n = 0;

	if (off < 0 || off >= COS_ARG_SIZE)
		return COS_ERR_BOUNDS;
	while (off + n < COS_ARG_SIZE && a[off + n])
		n++;
	return n;
}

long str_sum(long off, long len)
{
	unsigned char buf[COS_ARG_SIZE];
	long i, sum = 0, r = cos_arg_read(cos_args(), off, buf, len);

	if (r)
		return r;
	for (i = 0; i < len; i++)
		sum += buf[i];
	return sum;
}

long str_upper(long off, long len)
{
	char *a = cos_args();
	long i;

	if (off < 0 || len < 0 || off > COS_ARG_SIZE || len > COS_ARG_SIZE - off)
		return COS_ERR_BOUNDS;
	for (i = off; i < off + len; i++)
		if (a[i] >= 'a' && a[i] <= 'z')
			a[i] -= 'a' - 'A';
	return len;
}

long cos_main(unsigned long base, unsigned long data)
{
	(void)base;
	(void)data;
	return 0;
}
