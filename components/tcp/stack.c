// SPDX-License-Identifier: GPL-2.0
/*
 * stack.c - lwIP in the tcp component (tcp_priv.h): its start, the one
 * netif, the network thread and the timer thread.
 *
 * Configuration (the description's `config tcp ...` line, cos_config.h):
 * ip=A.B.C.D/N (default 10.78.0.2/24, docs/net.md) and gw=A.B.C.D.
 */
#include "tcp_priv.h"
#include "bare.h"
#include "cos_sched_ops.h"
#include "sched.h"
#include "lock.h"
#include "ip.h"
#include "vnic.h"
#include "tblk.h"
#include "evt.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/etharp.h"
#include "lwip/timeouts.h"
#include "lwip/stats.h"
#include "netif/ethernet.h"

COS_IFACE_CLIENT(IP_IFACE)
COS_IFACE_CLIENT(SCHED_IFACE)
COS_IFACE_CLIENT(LOCK_IFACE)
COS_IFACE_CLIENT(TBLK_IFACE)
COS_IFACE_CLIENT(EVT_IFACE)

#define TCP_NET_PRIO	2
#define TCP_TIMER_NS	(TCP_TMR_INTERVAL * 1000000ul)
#define TCP_EVT_MAX	64

unsigned long tcp_stats[NET_STAT_N];

static struct cos_lock core;
static struct netif nif;
static int up;			/* 1 up, -1 failed for good */
static long evt_q[TCP_EVT_MAX];
static int evt_n;

/* ---- the core lock ------------------------------------------------------- */

/*
 * The lock is allocated by the first thread to come (the network thread,
 * or a caller of net_* that ran first): core_state 0 none yet, 1 being
 * allocated (others sleep), 2 ready, -1 failed.
 */
static int core_state;

static int tcp_core_init(void)
{
	int s = 0;

	if (__atomic_compare_exchange_n(&core_state, &s, 1, 0, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE)) {
		long err = cos_lock_init(&core);

		if (err)
			printc("lock_alloc: %ld\n", err);
		__atomic_store_n(&core_state, err ? -1 : 2, __ATOMIC_RELEASE);
	}
	/* sleep, not yield: the allocating thread may have a lower priority */
	while ((s = __atomic_load_n(&core_state, __ATOMIC_ACQUIRE)) == 1)
		sched_sleep_until((long)(cos_now() + 1000000));
	return s == 2 ? 0 : -ENOMEM;
}

int tcp_lock(void)
{
	if (__builtin_expect(__atomic_load_n(&core_state, __ATOMIC_ACQUIRE) != 2, 0) &&
	    tcp_core_init())
		return -ENOMEM;
	cos_lock_take(&core);
	return 0;
}

void tcp_evt_later(long evt)
{
	int i;

	if (evt < 0)
		return;
	for (i = 0; i < evt_n; i++)
		if (evt_q[i] == evt)
			return;
	if (evt_n < TCP_EVT_MAX)
		evt_q[evt_n++] = evt;
	else
		evt_trigger(evt);	/* rare: late, but never lost */
}

void tcp_unlock(void)
{
	long q[TCP_EVT_MAX];
	int i, n;

	tcp_pool_flush();
	n = evt_n;
	memcpy(q, evt_q, (unsigned long)n * sizeof(q[0]));
	evt_n = 0;
	cos_lock_release(&core);
	for (i = 0; i < n; i++)
		evt_trigger(q[i]);
}

/* ---- the netif --------------------------------------------------------- */

/*
 * A frame out: into a pool slot, sent with the rest of the batch when the
 * core lock is released. The TCP checksum is the kernel's (lwIP does not
 * compute it: the netif's NETIF_CHECKSUM_GEN_TCP is off), as Linux leaves
 * it to a device.
 */
static err_t tcp_linkoutput(struct netif *n, struct pbuf *p)
{
	const unsigned char *f = p->payload;
	int tcp;

	(void)n;
	/* lwIP puts the Ethernet and IP headers in the first pbuf */
	tcp = p->len >= 14 + 20 && f[12] == 0x08 && f[13] == 0x00 && f[23] == 6 &&
	      p->tot_len >= 14 + 20 + 20;
	return tcp_pool_send(p, tcp ? COS_IO_FRAME_CSUM_TCP : 0);
}

/* Checksums: the kernel vouches for a received frame's TCP sum or not
 * (vnic.h); it fills in every sent one's. IP and ICMP are lwIP's. */
#define TCP_CSUM_RX_TRUSTED	(NETIF_CHECKSUM_ENABLE_ALL & ~NETIF_CHECKSUM_GEN_TCP & \
				 ~NETIF_CHECKSUM_CHECK_TCP)
#define TCP_CSUM_RX_CHECK	(NETIF_CHECKSUM_ENABLE_ALL & ~NETIF_CHECKSUM_GEN_TCP)

static err_t tcp_netif_init(struct netif *n)
{
	long mac = ip_mac();
	int i;

	if (mac < 0)
		return ERR_IF;
	n->name[0] = 'c';
	n->name[1] = 'o';
	n->mtu = 1500;
	n->hwaddr_len = ETH_HWADDR_LEN;
	for (i = 0; i < ETH_HWADDR_LEN; i++)
		n->hwaddr[i] = (u8_t)(mac >> (40 - 8 * i));
	n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
	n->output = etharp_output;
	n->linkoutput = tcp_linkoutput;
	return ERR_OK;
}

/* "A.B.C.D" at @s into @a (network order); the rest of @s in *@end. */
static int tcp_parse_addr(const char *s, ip4_addr_t *a, const char **end)
{
	unsigned long v = 0, part;
	int i;

	for (i = 0; i < 4; i++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		for (part = 0; *s >= '0' && *s <= '9' && part < 256; s++)
			part = part * 10 + (unsigned long)(*s - '0');
		if (part > 255 || (i < 3 && *s++ != '.'))
			return -EINVAL;
		v = v << 8 | part;
	}
	ip4_addr_set_u32(a, lwip_htonl((u32_t)v));
	*end = s;
	return 0;
}

static long tcp_config_addrs(ip4_addr_t *addr, ip4_addr_t *mask, ip4_addr_t *gw)
{
	char buf[32];
	const char *s = cos_config("ip", buf, sizeof(buf)), *end;
	long prefix = 24;

	if (!s)
		s = "10.78.0.2/24";
	if (tcp_parse_addr(s, addr, &end))
		goto bad;
	if (*end == '/') {
		prefix = atoi(end + 1);
		if (prefix < 1 || prefix > 32)
			goto bad;
	} else if (*end) {
		goto bad;
	}
	ip4_addr_set_u32(mask, lwip_htonl((u32_t)(0xfffffffful << (32 - prefix))));
	ip4_addr_set_zero(gw);
	s = cos_config("gw", buf, sizeof(buf));
	if (s && (tcp_parse_addr(s, gw, &end) || *end))
		goto bad;
	return 0;
bad:
	printc("bad address in config: ip=%s gw=%s\n", cos_config("ip", buf, sizeof(buf)) ? buf : "",
	       cos_config("gw", buf, sizeof(buf)) ? buf : "");
	return -EINVAL;
}

long tcp_stack_up(void)
{
	ip4_addr_t addr, mask, gw;

	if (up)
		return up > 0 ? 0 : -ENETDOWN;
	up = -1;
	if (tcp_config_addrs(&addr, &mask, &gw) || tcp_pool_up())
		return -ENETDOWN;
	lwip_init();
	if (!netif_add(&nif, &addr, &mask, &gw, NULL, tcp_netif_init, ethernet_input)) {
		printc("no network device (ip_mac: %ld)\n", ip_mac());
		return -ENETDOWN;
	}
	NETIF_SET_CHECKSUM_CTRL(&nif, TCP_CSUM_RX_CHECK);
	netif_set_default(&nif);
	netif_set_up(&nif);
	netif_set_link_up(&nif);
	up = 1;
	printc("up at %u.%u.%u.%u/%u, MAC %02x:%02x:%02x:%02x:%02x:%02x\n",
	       ip4_addr1(&addr), ip4_addr2(&addr), ip4_addr3(&addr), ip4_addr4(&addr),
	       32 - __builtin_ctz(lwip_ntohl(ip4_addr_get_u32(&mask))),
	       nif.hwaddr[0], nif.hwaddr[1], nif.hwaddr[2], nif.hwaddr[3],
	       nif.hwaddr[4], nif.hwaddr[5]);
	return 0;
}

const ip4_addr_t *tcp_stack_addr(void)
{
	return netif_ip4_addr(&nif);
}

/* ---- the threads --------------------------------------------------------- */

/* lwIP's timeouts every TCP_TMR_INTERVAL ms, blocked in tblk between. */
static long tcp_timer_thread(long arg)
{
	long err;

	(void)arg;
	err = tblk_periodic((long)TCP_TIMER_NS);
	if (err) {
		printc("tblk_periodic: %ld\n", err);
		return 1;
	}
	for (;;) {
		tblk_wait_period();
		cos_lock_take(&core);
		sys_check_timeouts();
		tcp_unlock();
	}
}

/* The frames of one receive, to lwIP (under the core lock). */
static void tcp_input_batch(unsigned int n)
{
	unsigned int i;
	struct pbuf *p;
	u32_t flags;

	for (i = 0; i < n; i++) {
		p = tcp_pool_rx_frame(i, &flags);
		if (!p)
			continue;
		NETIF_SET_CHECKSUM_CTRL(&nif, flags & COS_IO_FRAME_CSUM_OK ? TCP_CSUM_RX_TRUSTED :
									   TCP_CSUM_RX_CHECK);
		tcp_syn_guard(p->payload, p->len);
		tcp_stats[NET_STAT_RX_FRAMES]++;
		if (nif.input(p, &nif) != ERR_OK)
			pbuf_free(p);
	}
}

/*
 * The network thread: the description's `thread tcp`. Brings the stack
 * up, starts the timer thread, then feeds lwIP the frames the ip
 * component passes up, a batch at a time, blocked in the vNIC while none
 * comes. With no slot free (all held by data the applications have not
 * read) the frames that come are dropped, and TCP sends them again.
 */
long cos_main(unsigned long base, unsigned long data)
{
	unsigned int reserved;
	long n, err;

	(void)base;
	(void)data;
	if (tcp_lock())
		return 1;
	err = tcp_stack_up();
	tcp_pool_rx_done(0);
	tcp_unlock();
	if (err)
		return 1;
	n = cos_thd_spawn(tcp_timer_thread, 0, TCP_NET_PRIO);
	if (n < 0) {
		printc("timer thread: %ld\n", n);
		return 1;
	}
	for (;;) {
		reserved = tcp_pool_rx_reserved();
		n = tcp_pool_recv(0);
		if (n < 0) {
			printc("device gone (%ld)\n", n);
			return 0;
		}
		cos_lock_take(&core);
		if (!reserved)
			tcp_stats[NET_STAT_RX_DROP] += (unsigned long)n;
		else
			tcp_input_batch((unsigned int)n);
		tcp_pool_rx_done(reserved ? (unsigned int)n : 0);
		tcp_unlock();
	}
}
