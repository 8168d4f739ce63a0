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
 *                    (tx ring full), 3 frames dropped for want of a
 *                    free pool slot (vnic_recv_batch with n 0)
 *
 * The batched path, over a pool of frame slots shared through the
 * memory mapper (mm.h) so that a frame is copied once between the ring
 * and lwIP (docs/net.md):
 *
 *   vnic_pool(npages)       npages (VNIC_POOL_MIN_PAGES ..
 *                           VNIC_POOL_MAX_PAGES) of pool, allocated from
 *                           mm and shared read+write with the caller:
 *                           its offset in the caller's window. The pool
 *                           is struct vnic_pool (descriptors) in slot 0
 *                           and frames in slots 1 .. npages * 2 - 1, of
 *                           VNIC_SLOT_SIZE bytes each. Once per system:
 *                           -EBUSY after; mm's errors (-ENOSPC, ...)
 *   vnic_recv_batch(n, ns)  block until a frame arrives, then take up to
 *                           n (<= VNIC_BATCH) waiting frames: frame i is
 *                           copied into the slot rx[i].slot names, and
 *                           rx[i].len and rx[i].flags (COS_IO_FRAME_CSUM_OK)
 *                           are written: how many; with n 0 every waiting
 *                           frame is dropped and counted (count 3): how
 *                           many. 0 at the deadline ns (0: none);
 *                           -EINVAL a bad n or slot (nothing taken);
 *                           -ENOENT no pool; -ENODEV
 *   vnic_send_batch(n)      tx[0 .. n) (slot, len, flags
 *                           COS_IO_FRAME_CSUM_TCP) into the tx ring, one
 *                           kick for all: how many went (those beyond a
 *                           full ring are dropped and counted, count 2);
 *                           -EINVAL a bad n, slot, length or flag (the
 *                           frames before it went); -ENOENT; -ENODEV
 *
 * The slots belong to the caller: it chooses which ones vnic fills and
 * sends, and vnic keeps no slot across calls. Descriptors are read once
 * and checked, so a caller that changes them meanwhile hurts only itself.
 */
#ifndef COS_IFACE_VNIC_H
#define COS_IFACE_VNIC_H

#include "cos_iface.h"

#define VNIC_FLAGS_OFF		(COS_ARG_SIZE - 4)
#define VNIC_SEND_CSUM_TCP	(1l << 16)

#define VNIC_SLOT_SIZE		2048
#define VNIC_BATCH		32
#define VNIC_POOL_MIN_PAGES	2
#define VNIC_POOL_MAX_PAGES	2048	/* 4,095 frame slots, 8 MiB */

/* A frame in the pool: its slot (1 .. nslots - 1), length and flags. */
struct vnic_desc {
	__u16 slot;
	__u16 len;
	__u32 flags;
};

/* Slot 0 of the pool: the descriptors of the batched calls. */
struct vnic_pool {
	struct vnic_desc rx[VNIC_BATCH];
	struct vnic_desc tx[VNIC_BATCH];
};

#define VNIC_IFACE(FN)		\
	FN(vnic, recv, 1)	\
	FN(vnic, send, 1)	\
	FN(vnic, mac, 0)	\
	FN(vnic, count, 1)	\
	FN(vnic, pool, 1)	\
	FN(vnic, recv_batch, 2)	\
	FN(vnic, send_batch, 1)

#endif
