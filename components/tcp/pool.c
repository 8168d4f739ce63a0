// SPDX-License-Identifier: GPL-2.0
/*
 * pool.c - the frame slots of the vNIC's pool in the tcp component
 * (tcp_priv.h): which slots are free, received frames as lwIP custom
 * pbufs over their slots (no copy), and frames out gathered in slots and
 * sent as one batch.
 *
 * The pool (vnic.h: struct vnic_pool in slot 0, frames after it) is
 * mapped here, in ip and in vnic. Which slot is whose is decided here
 * alone: a slot is free (on the free list), the network thread's (handed
 * to vnic for the next receive), lwIP's (a received frame, until lwIP
 * frees its pbuf) or a frame out (until the batch is sent).
 *
 * Locking: everything here is under the core lock, but the network
 * thread's reserve (rx_res), which only that thread touches.
 */
#include "tcp_priv.h"
#include "bare.h"
#include "ip.h"
#include "vnic.h"
#include "mm.h"

COS_IFACE_DECLARE(IP_IFACE)

#define TCP_POOL_SLOTS	(TCP_POOL_PAGES * MM_PAGE_SIZE / VNIC_SLOT_SIZE)
#define TCP_POOL_LOW	(TCP_POOL_SLOTS / 4)	/* tcp_pool_low() below it */

struct tslot {
	struct pbuf_custom pc;	/* first: lwIP hands back its pbuf */
	unsigned int next;	/* on the free list; 0 ends it */
};

static struct vnic_pool *pool;		/* in our window */
static struct tslot slots[TCP_POOL_SLOTS];
static unsigned int free_head, free_n;
static unsigned int tx_slot[VNIC_BATCH], tx_n;
static unsigned int rx_res[VNIC_BATCH], rx_n;	/* the network thread's */

static void *tcp_slot_addr(unsigned int s)
{
	return (char *)pool + (unsigned long)s * VNIC_SLOT_SIZE;
}

static unsigned int tcp_pool_get(void)
{
	unsigned int s = free_head;

	if (s) {
		free_head = slots[s].next;
		free_n--;
	}
	return s;
}

static void tcp_pool_put(unsigned int s)
{
	slots[s].next = free_head;
	free_head = s;
	free_n++;
}

static void tcp_pool_pbuf_free(struct pbuf *p)
{
	tcp_pool_put((unsigned int)((struct tslot *)(void *)p - slots));
}

long tcp_pool_up(void)
{
	long off = ip_pool(TCP_POOL_PAGES);
	unsigned int s;

	if (off < 0) {
		printc("ip_pool(%lu): %ld\n", (unsigned long)TCP_POOL_PAGES, off);
		return off;
	}
	pool = cos_mm_at((unsigned long)off);
	for (s = TCP_POOL_SLOTS - 1; s > 0; s--)	/* slot 0: descriptors */
		tcp_pool_put(s);
	return 0;
}

int tcp_pool_low(void)
{
	return free_n < TCP_POOL_LOW;
}

long tcp_pool_free_slots(void)
{
	return (long)(free_n + rx_n);	/* the reserve is free too */
}

/* ---- frames in (the network thread) ---------------------------------------- */

long tcp_pool_recv(long ns)
{
	unsigned int i;

	for (i = 0; i < rx_n; i++)
		pool->rx[i].slot = (__u16)rx_res[i];
	return ip_recv((long)rx_n, ns);
}

struct pbuf *tcp_pool_rx_frame(unsigned int i, u32_t *flags)
{
	struct vnic_desc d = pool->rx[i];	/* ip and vnic see it too */
	unsigned int s = rx_res[i];
	struct pbuf *p;

	if (!d.len || d.len > COS_IO_FRAME_MAX) {
		tcp_pool_put(s);	/* ip dropped it */
		return NULL;
	}
	slots[s].pc.custom_free_function = tcp_pool_pbuf_free;
	p = pbuf_alloced_custom(PBUF_RAW, d.len, PBUF_REF, &slots[s].pc, tcp_slot_addr(s),
				VNIC_SLOT_SIZE);
	*flags = d.flags;
	return p;	/* not NULL: d.len fits the slot */
}

void tcp_pool_rx_done(unsigned int used)
{
	unsigned int i, s;

	for (i = used; i < rx_n; i++)	/* the ones vnic did not fill */
		rx_res[i - used] = rx_res[i];
	rx_n -= used;
	while (rx_n < VNIC_BATCH && (s = tcp_pool_get()))
		rx_res[rx_n++] = s;
}

unsigned int tcp_pool_rx_reserved(void)
{
	return rx_n;
}

/* ---- frames out ------------------------------------------------------------- */

err_t tcp_pool_send(struct pbuf *p, u32_t flags)
{
	unsigned int s;

	if (p->tot_len < 14 || p->tot_len > COS_IO_FRAME_MAX)
		return ERR_BUF;
	s = tcp_pool_get();
	if (!s) {
		tcp_stats[NET_STAT_TX_DROP]++;
		return ERR_MEM;
	}
	pbuf_copy_partial(p, tcp_slot_addr(s), p->tot_len, 0);
	pool->tx[tx_n] = (struct vnic_desc){ .slot = (__u16)s, .len = p->tot_len,
					     .flags = flags };
	tx_slot[tx_n++] = s;
	if (tx_n == VNIC_BATCH)
		tcp_pool_flush();
	return ERR_OK;
}

void tcp_pool_flush(void)
{
	unsigned int i;
	long sent;

	if (!tx_n)
		return;
	sent = ip_send((long)tx_n);
	if (sent < (long)tx_n)
		tcp_stats[NET_STAT_TX_DROP] += sent < 0 ? tx_n : tx_n - (unsigned long)sent;
	for (i = 0; i < tx_n; i++)
		tcp_pool_put(tx_slot[i]);
	tx_n = 0;
}
