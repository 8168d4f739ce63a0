// SPDX-License-Identifier: GPL-2.0
/*
 * ip - the IP pass-through (interface: ip.h). Frames stay in the vNIC's
 * pool all the way from the vNIC to the tcp component: this component
 * only looks at their headers there.
 */
#include "cos_rt.h"
#include "bare.h"
#include "vnic.h"
#include "mm.h"
#include "ip.h"

COS_IFACE_SERVER(IP_IFACE)
COS_IFACE_CLIENT(VNIC_IFACE)
COS_IFACE_CLIENT(MM_IFACE)

#define ETH_HLEN	14
#define ETH_P_IP	0x0800
#define ETH_P_ARP	0x0806
#define ARP_LEN		28	/* Ethernet/IPv4 ARP */

static unsigned long counts[3];
static struct vnic_pool *pool;	/* in our window, from ip_pool */
static unsigned long pool_slots;

/* 1 if the frame of @len bytes at @f may go up to TCP/IP. */
static int ip_frame_ok(const unsigned char *f, long len)
{
	unsigned int type, ihl, total;

	if (len < ETH_HLEN)
		return 0;
	type = (unsigned int)f[12] << 8 | f[13];
	f += ETH_HLEN;
	len -= ETH_HLEN;
	if (type == ETH_P_ARP)
		return len >= ARP_LEN;
	if (type != ETH_P_IP || len < 20)
		return 0;
	ihl = (f[0] & 0xf) * 4u;
	total = (unsigned int)f[2] << 8 | f[3];
	return (f[0] >> 4) == 4 && ihl >= 20 && total >= ihl && total <= len;
}

long ip_pool(long npages, COS_CALLER_PARAMS(1))
{
	long mine = vnic_pool(npages), off;

	if (mine < 0)
		return mine;
	off = mm_share(mine, npages, cos_caller(), COS_PROT_READ | COS_PROT_WRITE);
	if (off < 0)
		return off;	/* the pool stays ours and vnic's: -EBUSY next */
	pool = cos_mm_at((unsigned long)mine);
	pool_slots = (unsigned long)npages * MM_PAGE_SIZE / VNIC_SLOT_SIZE;
	return off;
}

long ip_recv(long n, long ns)
{
	long got, i;

	if (!pool)
		return -ENOENT;
	got = vnic_recv_batch(n, ns);
	if (!n)
		return got;	/* frames dropped: no slot was given */
	for (i = 0; i < got; i++) {
		struct vnic_desc d = pool->rx[i];	/* the caller sees it too */
		const unsigned char *f = (unsigned char *)pool +
					 (unsigned long)d.slot * VNIC_SLOT_SIZE;

		if (d.slot && d.slot < pool_slots && d.len <= VNIC_SLOT_SIZE &&
		    ip_frame_ok(f, d.len)) {
			counts[IP_COUNT_UP]++;
		} else {
			pool->rx[i].len = 0;
			counts[IP_COUNT_DROPPED]++;
		}
	}
	return got;
}

long ip_send(long n)
{
	long sent = vnic_send_batch(n);

	if (sent > 0)
		counts[IP_COUNT_DOWN] += (unsigned long)sent;
	return sent;
}

long ip_mac(void)
{
	return vnic_mac();
}

long ip_count(long i)
{
	return i >= 0 && i < 3 ? (long)counts[i] : -EINVAL;
}

long cos_main(unsigned long base, unsigned long data)
{
	(void)base;
	(void)data;
	return 0;
}
