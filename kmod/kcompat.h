/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcompat.h - every difference between the kernels kmod/ builds for
 * (Debian 12's 6.1 and 6.12, generic, cloud and PREEMPT_RT;
 * docs/kernels.md), in one place; hijack/compat.h has hijack/'s. A name
 * that can be tested is tested rather than the version, so a backport is
 * picked up too; LINUX_VERSION_CODE is compared only here and there.
 */
#ifndef COS_KMOD_KCOMPAT_H
#define COS_KMOD_KCOMPAT_H

#include <linux/version.h>
#include <linux/netdevice.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "cos needs Linux 6.1 or later"
#endif

/*
 * A lockless transmit (the driver serialises itself): the feature flag
 * NETIF_F_LLTX up to 6.11, the field dev->lltx from 6.12 on.
 */
static inline void cos_netdev_set_lltx(struct net_device *dev)
{
#ifdef NETIF_F_LLTX
	dev->features |= NETIF_F_LLTX;
#else
	dev->lltx = true;
#endif
}

/*
 * skb_gso_segment (net.c cuts GSO packets into frames): declared by
 * <linux/netdevice.h> up to 6.4, by <net/gso.h> from 6.5 on.
 */
#if __has_include(<net/gso.h>)
#include <net/gso.h>
#endif

#endif
