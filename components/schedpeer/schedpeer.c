// SPDX-License-Identifier: GPL-2.0
/* schedpeer - threads in a second component for the scheduling tests
 * (interface: schedpeer.h). */
#include "cos_rt.h"
#include "bare.h"
#include "cos_sched_ops.h"
#include "sched.h"
#include "evt.h"
#include "achan.h"
#include "schedpeer.h"

COS_IFACE_SERVER(SCHEDPEER_IFACE)
COS_IFACE_CLIENT(SCHED_IFACE)
COS_IFACE_CLIENT(EVT_IFACE)
COS_IFACE_CLIENT(ACHAN_IFACE)
COS_IFACE_CLIENT(SCHEDTEST_IFACE)

static volatile long spin_stop;
static volatile unsigned long spins;

static long spinner(long arg)
{
	(void)arg;
	while (!spin_stop)
		spins++;
	return 0;
}

long schedpeer_spin_start(long prio)
{
	spin_stop = 0;
	spins = 0;
	return cos_thd_spawn(spinner, 0, prio);
}

long schedpeer_spin_stop(void)
{
	spin_stop = 1;
	return (long)spins;
}

static long server(long chan)
{
	char *a = cos_args();
	long len, n;

	for (;;) {
		len = achan_recv(chan, ACHAN_SERVER);
		if (len < 0)
			return 1;
		a[len < ACHAN_MSG_MAX ? len : ACHAN_MSG_MAX - 1] = 0;
		if (!strcmp(a, "quit"))
			return 0;
		n = 0;
		if (!strncmp(a, "req ", 4))
			for (len = 4; a[len] >= '0' && a[len] <= '9'; len++)
				n = n * 10 + a[len] - '0';
		len = snprintf(a, ACHAN_MSG_MAX, "resp %ld", 3 * n + 1);
		if (achan_send(chan, ACHAN_SERVER, len) < 0)
			return 2;
	}
}

long schedpeer_serve(long chan, long prio)
{
	return cos_thd_spawn(server, chan, prio);
}

struct producer {
	long evt, n;
	unsigned long seed;
};
static struct producer prods[4];
static unsigned long nprods;

static unsigned long xorshift(unsigned long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static long producer(long i)
{
	struct producer *p = &prods[i];
	long k;

	for (k = 0; k < p->n; k++) {
		schedtest_deposit();
		evt_trigger(p->evt);
		switch (xorshift(&p->seed) % 16) {
		case 0:
		case 1:
			sched_yield();
			break;
		case 2:
			sched_sleep_until((long)(cos_now() + xorshift(&p->seed) % 2000000));
			break;
		}
	}
	schedtest_producer_done();
	return 0;
}

long schedpeer_produce(long evt, long n, long seed)
{
	unsigned long i = __atomic_fetch_add(&nprods, 1, __ATOMIC_RELAXED);

	if (i >= 4)
		return -ENOSPC;
	prods[i] = (struct producer){ evt, n, (unsigned long)seed | 1 };
	return cos_thd_spawn(producer, i, 5);
}

long cos_main(unsigned long base, unsigned long data)
{
	(void)base;
	(void)data;
	return 0;
}
