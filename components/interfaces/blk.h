/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blk - the block component (components/blk): 4 KiB blocks of the device
 * or file of a COS_IO_BLK attachment, through Linux's block layer
 * (docs/io.md).
 *
 *   blk_size()       blocks on the device; -ENODEV with none attached
 *                    (every call: -ENODEV once the host detached it)
 *   blk_read(b)      block b into the caller's argument region, all
 *                    COS_IO_BLOCK bytes of it (so no printc between the
 *                    call and the use of the data: printc's bytes are the
 *                    region's last 256): 0; -ENXIO past the end; -ENODEV
 *                    detached; -EIO, ... from the device
 *   blk_write(b)     the caller's argument region to block b: 0, or
 *                    -ENXIO / -ENODEV. Written behind: contiguous writes
 *                    are gathered (up to 16 blocks) into one request that
 *                    goes out while the next ones gather; its error comes
 *                    back from blk_flush
 *   blk_flush()      every write so far on stable storage, the device's
 *                    cache flushed: 0, or the first error since the last
 *                    flush (a write's, or the flush's own)
 *
 * Reads see every earlier write. Reads go in 16-block (64 KiB) requests,
 * and the next 16 blocks are read ahead while these are used. The
 * attachment needs at least 64 data pages (the default). One thread at a
 * time.
 */
#ifndef COS_IFACE_BLK_H
#define COS_IFACE_BLK_H

#include "cos_iface.h"

#define BLK_IFACE(FN)		\
	FN(blk, size, 0)	\
	FN(blk, read, 1)	\
	FN(blk, write, 1)	\
	FN(blk, flush, 0)

#include "blk_pattern.h"

#endif
