// SPDX-License-Identifier: GPL-2.0
/*
 * ip - the IP pass-through (interface: ip.h). Frames stay in the calling
 * thread's argument region all the way from the vNIC to the tcp
 * component: this component only looks at the headers.
 */
#include "cos_rt.h"
#include "bare.h"
#include "vnic.h"
#include "ip.h"

COS_IFACE_SERVER(IP_IFACE)
COS_IFACE_CLIENT(VNIC_IFACE)

#define ETH_HLEN	14
#define ETH_P_IP	0x0800
#define ETH_P_ARP	0x0806
#define ARP_LEN		28	/* Ethernet/IPv4 ARP */

static unsigned long counts[3];

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

long ip_recv(long ns)
{
	long n;

	for (;;) {
		n = vnic_recv(ns);
		if (n <= 0)
			return n;
		if (ip_frame_ok(cos_args(), n)) {
			counts[IP_COUNT_UP]++;
			return n;
		}
		counts[IP_COUNT_DROPPED]++;
	}
}

long ip_send(long len)
{
	long err = vnic_send(len);	/* VNIC_SEND_* flags pass through */

	if (!err)
		counts[IP_COUNT_DOWN]++;
	return err;
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
