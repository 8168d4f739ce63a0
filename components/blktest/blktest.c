// SPDX-License-Identifier: GPL-2.0
/*
 * blktest - the storage tests and benchmark behind the blk component
 * (selftests/cos_io.sh, `cos bench io`). Each entry is a thread function
 * named in a system description:
 *   test_main    writes the pattern (seed 0xc05) to blocks 0..63, flushes,
 *                checks blocks 64..127 hold Linux's pattern (seed 0x11,
 *                written by cos_blkpat), reads back writes to 200..263
 *                while they are gathered, in flight and read ahead, reads
 *                the last block and the one past the end (-ENXIO)
 *   fail_main    on a device that fails every I/O (dm "error"): the read
 *                and the flush (with the gathered write) get -EIO
 *   detach_main  reads block 0 every 5 ms until the host detaches the
 *                device: passes on -ENODEV within 30 s
 *   bench_main   reads, then writes and flushes, 64 MiB (or the device)
 *                in 4 KiB blocks; prints MB/s
 * Exit status 0 on success.
 */
#include "cos_rt.h"
#include "bare.h"
#include "cos_sched_ops.h"
#include "sched.h"
#include "blk.h"

COS_IFACE_CLIENT(BLK_IFACE)
COS_IFACE_CLIENT(SCHED_IFACE)

#define SEED_COS	0xc05ULL
#define SEED_LINUX	0x11ULL

static void fill(unsigned long b, unsigned long long seed)
{
	unsigned long long *w = cos_args();
	unsigned long i;

	for (i = 0; i < 512; i++)
		w[i] = blk_pattern(b, i, seed);
}

/* The index of the first word that differs, or -1. */
static long check(unsigned long b, unsigned long long seed)
{
	const unsigned long long *w = cos_args();
	unsigned long i;

	for (i = 0; i < 512; i++)
		if (w[i] != blk_pattern(b, i, seed))
			return (long)i;
	return -1;
}

long test_main(long arg)
{
	long n = blk_size(), err, bad = 0, at = -1;
	unsigned long b;

	(void)arg;
	if (n < 129) {
		printc("T size FAIL %ld blocks (want at least 129)\n", n);
		return 1;
	}
	for (b = 0, err = 0; b < 64 && !err; b++) {
		fill(b, SEED_COS);
		err = blk_write((long)b);
	}
	if (!err)
		err = blk_flush();
	printc("T write %s 64 blocks written and flushed: %ld\n", err ? "FAIL" : "ok", err);
	bad |= err != 0;
	for (b = 64, err = 0; b < 128 && !err && at < 0; b++) {
		err = blk_read((long)b);
		if (!err)
			at = check(b, SEED_LINUX);
	}
	printc("T read %s blocks 64..127 hold Linux's pattern: %ld (first bad word %ld)\n",
	       err || at >= 0 ? "FAIL" : "ok", err, at);
	bad |= err || at >= 0;
	/* read-after-write through the gathered, in-flight and read-ahead
	 * windows: 200..263 with seed 1, then 210 and 250 with seed 2 */
	for (b = 200, err = 0; b < 264 && !err; b++) {
		fill(b, 1);
		err = blk_write((long)b);
	}
	for (b = 190, at = -1; b < 270 && !err && at < 0; b++) {
		err = blk_read((long)b);
		if (!err && b >= 200 && b < 264)
			at = check(b, 1);
		if (!err && at < 0 && (b == 210 || b == 250)) {
			fill(b, 2);
			err = blk_write((long)b);
		}
	}
	for (b = 200; b < 264 && !err && at < 0; b++) {
		err = blk_read((long)b);
		if (!err)
			at = check(b, b == 210 || b == 250 ? 2 : 1);
	}
	if (!err)
		err = blk_flush();
	printc("T rw %s reads see every write (gathered, in flight, read ahead): %ld (first bad word %ld at block %lu)\n",
	       err || at >= 0 ? "FAIL" : "ok", err, at, b - 1);
	bad |= err || at >= 0;
	err = blk_read(n - 1);
	at = blk_read(n);
	printc("T end %s last block %ld, past the end %ld (want 0, %d); %ld blocks\n",
	       !err && at == -ENXIO ? "ok" : "FAIL", err, at, -ENXIO, n);
	bad |= err || at != -ENXIO;
	return bad;
}

long detach_main(long arg)
{
	unsigned long until = cos_now() + 30000000000UL, reads = 0;
	long err = 0;

	(void)arg;
	while (!err && cos_now() < until) {
		err = blk_read(0);
		reads++;
		sched_sleep_until((long)(cos_now() + 5000000));
	}
	printc("T detach %s read after detach: %ld (want %d), %lu reads\n",
	       err == -ENODEV ? "ok" : "FAIL", err, -ENODEV, reads);
	return err != -ENODEV;
}

long fail_main(long arg)
{
	long rerr, werr, ferr;

	(void)arg;
	rerr = blk_read(0);
	fill(0, SEED_COS);
	werr = blk_write(0);
	ferr = blk_flush();
	printc("T fail %s a failing device: read %ld, write %ld, flush %ld (want %d, 0, %d)\n",
	       rerr == -EIO && !werr && ferr == -EIO ? "ok" : "FAIL", rerr, werr, ferr,
	       -EIO, -EIO);
	return !(rerr == -EIO && !werr && ferr == -EIO);
}

static void rate(const char *what, unsigned long blocks, unsigned long ns)
{
	unsigned long kbs = ns ? blocks * 4ULL * 1000000000ULL / ns : 0;

	printc("io_cos_%s_MiBps=%lu.%02lu\n", what, kbs / 1024,
	       kbs % 1024 * 100 / 1024);
}

long bench_main(long arg)
{
	long n = blk_size(), err = 0;
	unsigned long b, t0, blocks;

	(void)arg;
	if (n <= 0)
		return 1;
	blocks = n < 16384 ? (unsigned long)n : 16384;
	t0 = cos_now();
	for (b = 0; b < blocks && !err; b++)
		err = blk_read((long)b);
	rate("read", blocks, cos_now() - t0);
	fill(0, SEED_COS);	/* once: dd writes one buffer over and over too */
	t0 = cos_now();
	for (b = 0; b < blocks && !err; b++)
		err = blk_write((long)b);
	if (!err)
		err = blk_flush();
	rate("write", blocks, cos_now() - t0);
	if (err)
		printc("bench: error %ld\n", err);
	return err != 0;
}

long cos_main(unsigned long base, unsigned long data)
{
	(void)base;
	(void)data;
	return 0;
}
