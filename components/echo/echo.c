// SPDX-License-Identifier: GPL-2.0
/*
 * echo - a raw Ethernet echo behind the vnic: every frame of ethertype
 * 0x88b5 (IEEE local experimental) addressed to the system's MAC goes
 * back to its sender with the two addresses swapped, byte-exact
 * otherwise. Everything else (ARP, IPv6 neighbour discovery, ...) is
 * ignored. Runs until the host stops the system; `cos_ethpeer` is the
 * Linux side of the tests (docs/io.md).
 */
#include "cos_rt.h"
#include "bare.h"
#include "vnic.h"

COS_IFACE_CLIENT(VNIC_IFACE)

#define ECHO_ETHERTYPE	0x88b5

long cos_main(unsigned long base, unsigned long data)
{
	unsigned char *f = cos_args(), tmp[6];
	long mac = vnic_mac(), n, err;
	unsigned long echoed = 0;
	int i, mine;

	(void)base;
	(void)data;
	if (mac < 0) {
		printc("no network device attached (%ld)\n", mac);
		return 1;
	}
	printc("echoing ethertype 0x%x at %02lx:%02lx:%02lx:%02lx:%02lx:%02lx\n",
	       ECHO_ETHERTYPE, (mac >> 40) & 0xff, (mac >> 32) & 0xff,
	       (mac >> 24) & 0xff, (mac >> 16) & 0xff, (mac >> 8) & 0xff, mac & 0xff);
	for (;;) {
		n = vnic_recv(0);
		if (n < 0) {
			printc("device gone (%ld) after %lu frames\n", n, echoed);
			return 0;
		}
		if (n < 14 || f[12] != ECHO_ETHERTYPE >> 8 || f[13] != (ECHO_ETHERTYPE & 0xff))
			continue;
		for (i = 0, mine = 1; i < 6; i++)
			mine &= f[i] == ((mac >> (40 - 8 * i)) & 0xff);
		if (!mine)
			continue;
		memcpy(tmp, f, 6);
		memcpy(f, f + 6, 6);
		memcpy(f + 6, tmp, 6);
		err = vnic_send(n);
		if (err && err != -EAGAIN) {
			printc("send: %ld\n", err);
			return 1;
		}
		echoed++;
	}
}
