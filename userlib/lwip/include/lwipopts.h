/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lwipopts.h - how lwIP is built for the tcp component (docs/net.md):
 * NO_SYS=1 and the raw API only, IPv4 with TCP, ARP, Ethernet and ICMP;
 * no sockets, netconn, UDP, IPv6, DHCP, DNS or fragments. Every byte of
 * memory is static (a heap for transmitted data and fixed pools), so a
 * stack that runs out refuses and counts (lwIP's stats), never grows.
 *
 * The pools are sized for the tests in docs/net.md: 200 concurrent
 * connections plus their TIME_WAIT successors (lwIP recycles the oldest
 * TIME_WAIT pcb when the pool is empty), with windows small enough
 * (23 KiB) that most of 200 connections' data in flight fits the pool of
 * received frames (3 MiB) instead of being dropped and sent again.
 */
#ifndef COS_LWIPOPTS_H
#define COS_LWIPOPTS_H

/* ---- the system ---------------------------------------------------------- */
#define NO_SYS				1	/* one core lock, taken by tcp */
#define SYS_LIGHTWEIGHT_PROT		0
#define LWIP_TIMERS			1	/* sys_check_timeouts(), sys_now() */
#define LWIP_SOCKET			0
#define LWIP_NETCONN			0
#define LWIP_ALTCP			0
#define LWIP_SINGLE_NETIF		1
#define LWIP_NETIF_LOOPBACK		0
#define LWIP_HAVE_LOOPIF		0

/* ---- protocols ----------------------------------------------------------- */
#define LWIP_IPV4			1
#define LWIP_IPV6			0
#define LWIP_ARP			1
#define LWIP_ETHERNET			1
#define LWIP_ICMP			1
#define LWIP_RAW			0
#define LWIP_UDP			0
#define LWIP_TCP			1
#define LWIP_DHCP			0
#define LWIP_AUTOIP			0
#define LWIP_IGMP			0
#define LWIP_DNS			0
#define IP_FORWARD			0
#define IP_REASSEMBLY			0	/* fragments are dropped (counted) */
#define IP_FRAG				0
#define LWIP_TCP_KEEPALIVE		0
#define LWIP_TCP_TIMESTAMPS		0
#define LWIP_WND_SCALE			0
#define ARP_TABLE_SIZE			16
#define ARP_QUEUEING			1
#define MEMP_NUM_ARP_QUEUE		32
#define ETH_PAD_SIZE			0
#define LWIP_CHECKSUM_CTRL_PER_NETIF	1

/* ---- memory: all static -------------------------------------------------- */
#define MEM_LIBC_MALLOC			0
#define MEMP_MEM_MALLOC			0
#define MEM_ALIGNMENT			8
#define MEM_SIZE			(2 * 1024 * 1024)	/* PBUF_RAM: data sent,
							 * data received while
							 * the pool runs low */
#define MEMP_NUM_PBUF			64
#define MEMP_NUM_TCP_PCB		256
#define MEMP_NUM_TCP_PCB_LISTEN		8
#define MEMP_NUM_TCP_SEG		4096
#define PBUF_POOL_SIZE			64		/* unused: frames
							 * received are custom
							 * pbufs over the vNIC's
							 * pool (tcp/pool.c); a
							 * window's worth for
							 * lwIP's sanity check */
#define LWIP_SUPPORT_CUSTOM_PBUF	1

/* ---- TCP ----------------------------------------------------------------- */
#define TCP_MSS				1460
#define TCP_WND				(44 * TCP_MSS)	/* 64,240 bytes */
#define TCP_SND_BUF			(44 * TCP_MSS)
#define TCP_SND_QUEUELEN		(4 * TCP_SND_BUF / TCP_MSS)
#define TCP_OVERSIZE			TCP_MSS
#define TCP_QUEUE_OOSEQ			1
#define TCP_OOSEQ_MAX_PBUFS		32		/* per connection */
/* none while the vNIC pool runs low (components/tcp/pool.c), so that
 * the slots the network thread needs for ACKs and RSTs stay free */
int tcp_pool_low(void);
#define TCP_OOSEQ_PBUFS_LIMIT(pcb)	(tcp_pool_low() ? 0 : TCP_OOSEQ_MAX_PBUFS)
#define TCP_LISTEN_BACKLOG		1
#define TCP_DEFAULT_LISTEN_BACKLOG	64

/* ---- statistics (the tcp component reports them) ------------------------- */
#define LWIP_STATS			1
#define LWIP_STATS_DISPLAY		0
#define LINK_STATS			1
#define ETHARP_STATS			1
#define IP_STATS			1
#define ICMP_STATS			1
#define TCP_STATS			1
#define MEM_STATS			1
#define MEMP_STATS			1
#define SYS_STATS			0

#endif
