// SPDX-License-Identifier: GPL-2.0
/*
 * port.c - what lwIP needs of its platform in a cos component (docs/net.md):
 * the clock (sys_now, milliseconds of CLOCK_MONOTONIC from COS_OP_NOW),
 * diagnostics and assertions through the runtime, a random number for
 * initial sequence numbers and ports. The libc functions lwIP calls
 * (mem*, strlen, strncmp, atoi) are the runtime's (cos_rt.h).
 */
#include "cos_rt.h"
#include "cos_sched_ops.h"
#include "lwip/arch.h"
#include "lwip/sys.h"

u32_t sys_now(void)
{
	return (u32_t)(cos_now() / 1000000);
}

void cos_lwip_diag(const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printc("lwip: %s", buf);
}

void cos_lwip_assert(const char *msg, const char *file, int line)
{
	cos_assert_fail(msg, file, line);
}

/*
 * xorshift64*, seeded from the clock on first use: lwIP takes initial
 * sequence numbers and local ports from it. Not cryptographic (neither is
 * lwIP's use of it); docs/net.md lists this among the stack's limits.
 */
unsigned int cos_lwip_rand(void)
{
	static unsigned long s;

	if (!s)
		s = cos_now() | 1;
	s ^= s >> 12;
	s ^= s << 25;
	s ^= s >> 27;
	return (unsigned int)((s * 0x2545f4914f6cdd1dul) >> 32);
}
