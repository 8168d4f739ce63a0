/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vnic - the virtual NIC component (components/vnic): Ethernet frames
 * through the rings of a COS_IO_NET attachment (docs/io.md).
 *
 *   vnic_recv(ns)    block until a frame arrives: its length, the frame
 *                    (destination MAC first, no FCS) copied to the start
 *                    of the caller's argument region, and its flags
 *                    (COS_IO_FRAME_CSUM_OK: its TCP/UDP checksum need not
 *                    be checked, it may be partial) as a __u32 at
 *                    VNIC_FLAGS_OFF there; 0 at the deadline ns
 *                    (CLOCK_MONOTONIC, 0: none); -ENODEV when no device is
 *                    attached or it was detached
 *   vnic_send(len)   send the len-byte frame at the start of the caller's
 *                    argument region; len | VNIC_SEND_CSUM_TCP leaves an
 *                    IPv4 TCP frame's TCP checksum to the kernel: 0;
 *                    -EAGAIN the tx ring is full (the frame is dropped and
 *                    counted); -EINVAL a bad length (14 ..
 *                    COS_IO_FRAME_MAX) or flag; -ENODEV
 *   vnic_mac()       the component system's MAC as a number: byte 0 in
 *                    bits 47..40 ... byte 5 in bits 7..0; -ENODEV
 *   vnic_count(i)    0 frames received, 1 frames sent, 2 sends dropped
 *
 * Frames for the MAC and broadcasts arrive; the Linux side copies them in
 * and raises one event per batch, and one kick sends a batch: vnic_send
 * gathers up to 16 frames while received frames are still waiting, and
 * kicks at once otherwise (and vnic_recv kicks what was gathered before
 * it sleeps). One thread at a time may receive and one may send.
 */
#ifndef COS_IFACE_VNIC_H
#define COS_IFACE_VNIC_H

#include "cos_iface.h"

#define VNIC_FLAGS_OFF		(COS_ARG_SIZE - 4)
#define VNIC_SEND_CSUM_TCP	(1l << 16)

#define VNIC_IFACE(FN)		\
	FN(vnic, recv, 1)	\
	FN(vnic, send, 1)	\
	FN(vnic, mac, 0)	\
	FN(vnic, count, 1)

#endif
