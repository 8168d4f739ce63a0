/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blk_pattern.h - the storage tests' pattern: word i (of 512) of block b
 * under a seed. Written and checked from Linux by selftests/cos_blkpat.c
 * and from the component by components/blktest; no dependencies.
 */
#ifndef COS_BLK_PATTERN_H
#define COS_BLK_PATTERN_H

static inline unsigned long long blk_pattern(unsigned long long b,
					     unsigned long long i,
					     unsigned long long seed)
{
	unsigned long long x = (b << 9 | i) ^ seed;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

#endif
