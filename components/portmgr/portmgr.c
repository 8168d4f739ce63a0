// SPDX-License-Identifier: GPL-2.0
/*
 * portmgr - the port namespace (interface: portmgr.h): one byte per port,
 * 0 free or the owner's component id + 1. Its code runs whole between
 * two ticks only by chance, so the table is changed with compare-and-swap
 * and a port is never handed out twice, under preemption or from two
 * CPUs.
 */
#include "cos_rt.h"
#include "bare.h"
#include "portmgr.h"

COS_IFACE_SERVER(PORTMGR_IFACE)

static unsigned short owner[65536];	/* component id + 1, 0 free */
static unsigned int next_eph = PORTMGR_EPHEMERAL_LO;
static long taken;

static int port_take(long port, unsigned short who)
{
	unsigned short free = 0;

	if (!__atomic_compare_exchange_n(&owner[port], &free, who, 0,
					 __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
		return -EADDRINUSE;
	__atomic_add_fetch(&taken, 1, __ATOMIC_RELAXED);
	return 0;
}

long portmgr_bind(long port, COS_CALLER_PARAMS(1))
{
	if (port < 1 || port > 65535)
		return -EINVAL;
	return port_take(port, (unsigned short)(cos_caller() + 1));
}

long portmgr_new(COS_CALLER_PARAMS(0))
{
	unsigned int n = 65536 - PORTMGR_EPHEMERAL_LO, i, p;

	for (i = 0; i < n; i++) {
		p = __atomic_fetch_add(&next_eph, 1, __ATOMIC_RELAXED);
		p = PORTMGR_EPHEMERAL_LO + (p - PORTMGR_EPHEMERAL_LO) % n;
		if (!port_take(p, (unsigned short)(cos_caller() + 1)))
			return p;
	}
	return -EADDRNOTAVAIL;
}

long portmgr_free(long port, COS_CALLER_PARAMS(1))
{
	unsigned short who = (unsigned short)(cos_caller() + 1);

	if (port < 1 || port > 65535)
		return -EINVAL;
	if (!__atomic_load_n(&owner[port], __ATOMIC_ACQUIRE))
		return -ENOENT;
	if (!__atomic_compare_exchange_n(&owner[port], &who, 0, 0,
					 __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
		return -EPERM;
	__atomic_sub_fetch(&taken, 1, __ATOMIC_RELAXED);
	return 0;
}

long portmgr_count(void)
{
	return __atomic_load_n(&taken, __ATOMIC_RELAXED);
}

long cos_main(unsigned long base, unsigned long data)
{
	(void)base;
	(void)data;
	return 0;
}
