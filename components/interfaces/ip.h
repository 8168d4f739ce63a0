/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ip - the IP pass-through (components/ip), between the tcp component and
 * the vNIC, as in the paper's decomposition: IP and TCP are separate
 * components on the path of every frame. It passes up only IPv4 and ARP
 * frames whose headers are whole (an IPv4 header's version, length and
 * total length agree with the frame), and passes down frames as they are;
 * everything else is dropped here and counted, before lwIP sees it.
 *
 *   ip_recv(ns)     the next frame that passes, in the caller's argument
 *                   region with its flags (as vnic_recv): its length; 0 at the deadline
 *                   ns (0: none); -ENODEV no device
 *   ip_send(len)    the frame at the start of the argument region, to the
 *                   vNIC (len may carry vnic_send's flags): 0 or its error
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
	FN(ip, recv, 1)		\
	FN(ip, send, 1)		\
	FN(ip, mac, 0)		\
	FN(ip, count, 1)

#endif
