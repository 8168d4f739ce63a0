/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ip - the IP pass-through (components/ip), between the tcp component and
 * the vNIC, as in the paper's decomposition: IP and TCP are separate
 * components on the path of every frame. It passes up only IPv4 and ARP
 * frames whose headers are whole (an IPv4 header's version, length and
 * total length agree with the frame), and passes down frames as they are;
 * everything else is dropped here and counted, before lwIP sees it.
 *
 * Frames move in batches through the vNIC's pool of slots (vnic.h), which
 * the caller, ip and vnic all see: a frame is copied from the ring into a
 * slot once, and lwIP reads it there.
 *
 *   ip_pool(npages)  the vNIC's pool (vnic_pool), shared on with the
 *                    caller read+write: its offset in the caller's
 *                    window; vnic_pool's and mm_share's errors
 *   ip_recv(n, ns)   vnic_recv_batch(n, ns), then every frame that does
 *                    not pass has its rx[i].len set to 0 (its slot
 *                    unused): how many descriptors were written, or
 *                    vnic_recv_batch's result (with n 0: how many frames
 *                    it dropped)
 *   ip_send(n)       vnic_send_batch(n): the frames of tx[0 .. n) as
 *                    they are
 *   ip_mac()        the vNIC's MAC (vnic_mac)
 *   ip_count(i)     IP_COUNT_UP frames passed up, IP_COUNT_DOWN passed
 *                   down, IP_COUNT_DROPPED dropped as malformed or not
 *                   IPv4/ARP; -EINVAL for another i
 */
#ifndef COS_IFACE_IP_H
#define COS_IFACE_IP_H

#include "cos_iface.h"

#define IP_COUNT_UP		0
#define IP_COUNT_DOWN		1
#define IP_COUNT_DROPPED	2

#define IP_IFACE(FN)		\
	FN(ip, pool, 1)		\
	FN(ip, recv, 2)		\
	FN(ip, send, 1)		\
	FN(ip, mac, 0)		\
	FN(ip, count, 1)

#endif
