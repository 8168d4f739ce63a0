// SPDX-License-Identifier: GPL-2.0
/*
 * vnictest - vnic's batched calls given bad input by their caller
 * (vnic.h): every refusal's errno, exactly, then one good send. Prints
 * "T NAME ok|FAIL ..." lines and a last "vnictest: N passed, M failed";
 * selftests/cos_io.sh runs components/systems/vnictest.sys.
 */
#include "cos_rt.h"
#include "bare.h"
#include "cos_mm.h"
#include "vnic.h"

COS_IFACE_CLIENT(VNIC_IFACE)

#define POOL_PAGES	4	/* 8 slots: 1 .. 7 hold frames */

static int passed, failed;

static void check(long got, long want, const char *what)
{
	int good = got == want;

	printc("T %s %s: %ld (want %ld)\n", good ? "ok" : "FAIL", what, got, want);
	if (good)
		passed++;
	else
		failed++;
}

static void tx(struct vnic_pool *p, unsigned int slot, unsigned int len, unsigned int flags)
{
	p->tx[0] = (struct vnic_desc){ .slot = (__u16)slot, .len = (__u16)len, .flags = flags };
}

long cos_main(unsigned long base, unsigned long data)
{
	struct vnic_pool *p;
	unsigned char *f;
	long off;

	(void)base;
	(void)data;
	check(vnic_recv_batch(1, 0), -ENOENT, "recv_batch before a pool");
	check(vnic_send_batch(1), -ENOENT, "send_batch before a pool");
	check(vnic_pool(1), -EINVAL, "a pool of 1 page");
	check(vnic_pool(VNIC_POOL_MAX_PAGES + 1), -EINVAL, "a pool over VNIC_POOL_MAX_PAGES");
	off = vnic_pool(POOL_PAGES);
	check(off >= 0, 1, "a pool of 4 pages");
	if (off < 0)
		goto out;
	check(vnic_pool(POOL_PAGES), -EBUSY, "a second pool");
	p = cos_mm_at((unsigned long)off);
	p->rx[0].slot = 0;
	check(vnic_recv_batch(1, 1), -EINVAL, "recv into slot 0 (the descriptors)");
	p->rx[0].slot = 2 * POOL_PAGES;
	check(vnic_recv_batch(1, 1), -EINVAL, "recv into a slot past the pool");
	check(vnic_recv_batch(VNIC_BATCH + 1, 1), -EINVAL, "recv of VNIC_BATCH + 1");
	check(vnic_recv_batch(-1, 1), -EINVAL, "recv of -1");
	check(vnic_send_batch(VNIC_BATCH + 1), -EINVAL, "send of VNIC_BATCH + 1");
	check(vnic_send_batch(-1), -EINVAL, "send of -1");
	tx(p, 0, 60, 0);
	check(vnic_send_batch(1), -EINVAL, "send from slot 0");
	tx(p, 2 * POOL_PAGES, 60, 0);
	check(vnic_send_batch(1), -EINVAL, "send from a slot past the pool");
	tx(p, 1, 13, 0);
	check(vnic_send_batch(1), -EINVAL, "send of 13 bytes");
	tx(p, 1, COS_IO_FRAME_MAX + 1, 0);
	check(vnic_send_batch(1), -EINVAL, "send of COS_IO_FRAME_MAX + 1 bytes");
	tx(p, 1, 60, COS_IO_FRAME_CSUM_OK);
	check(vnic_send_batch(1), -EINVAL, "send with an rx-only flag");
	/* a good frame: broadcast, the IEEE local experimental ethertype */
	f = (unsigned char *)p + VNIC_SLOT_SIZE;
	memset(f, 0, 60);
	memset(f, 0xff, 6);
	f[12] = 0x88;
	f[13] = 0xb5;
	tx(p, 1, 60, 0);
	check(vnic_send_batch(1), 1, "send of one good frame");
	check(vnic_send_batch(0), 0, "send of none");
	check(vnic_count(1) >= 1, 1, "the good frame counted as sent");
out:
	printc("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
