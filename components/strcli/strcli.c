// SPDX-License-Identifier: GPL-2.0
/*
 * strcli - passes bulk data to strsrv through its argument region (no
 * copy through the kernel) and checks the answers and the bounds checks.
 */
#include "cos_rt.h"
#include "bare.h"
#include "str.h"

COS_IFACE_CLIENT(STR_IFACE)

long cos_main(unsigned long base, unsigned long data)
{
	static const char msg[] = "hello, argument region";
	char *args = (char *)data;
	char back[sizeof(msg)];
	long sum = 0;
	unsigned long i;

	(void)base;
	if (cos_arg_write(args, 100, msg, sizeof(msg)))
		return 1;
	if (str_len(100) != (long)sizeof(msg) - 1)
		return 2;
	for (i = 0; i < sizeof(msg) - 1; i++)
		sum += (unsigned char)msg[i];
	if (str_sum(100, sizeof(msg) - 1) != sum)
		return 3;
	if (str_sum(COS_ARG_SIZE - 10, 20) != COS_ERR_BOUNDS)
		return 4;			/* the server checks bounds */
	if (cos_arg_write(args, COS_ARG_SIZE - 1, msg, 2) != COS_ERR_BOUNDS)
		return 5;			/* and so does the client */
	if (str_upper(100, 5) != 5 || cos_arg_read(args, 100, back, sizeof(back)))
		return 6;
	printc("the server wrote back: \"%s\"\n", back);
	return strcmp(back, "HELLO, argument region") ? 7 : 0;
}
