// SPDX-License-Identifier: GPL-2.0
/*
 * conn.c - connection ids and the net_* calls (interface: net.h), over
 * lwIP's raw API and its callbacks (all under the core lock: tcp_priv.h).
 *
 * An id is (generation << TCP_ID_SHIFT | slot) + 1, so a stale id of a
 * reused slot is -EBADF. A connection's received data waits in its pbuf
 * chain until tcp_recv takes it, and only then is the window opened
 * (tcp_recved): a reader that does not read stops its peer.
 */
#include "tcp_priv.h"
#include "bare.h"
#include "net.h"
#include "portmgr.h"
#include "lwip/stats.h"
#include "lwip/memp.h"

COS_IFACE_SERVER(NET_IFACE)
COS_IFACE_CLIENT(PORTMGR_IFACE)

#define TCP_IDS		256
#define TCP_ID_SHIFT	8
#define TCP_BACKLOG_MAX	64

enum tc_kind { TC_FREE, TC_LISTEN, TC_CONN };

struct tconn {
	enum tc_kind kind;
	unsigned int gen;
	struct tcp_pcb *pcb;	/* NULL once lwIP freed it (error) */
	long evt;		/* triggered on readiness, -1 none */
	long cookie;		/* net_poll's name for it */
	int edge;		/* signalled since the last net_poll */
	int err;		/* -errno that ended it, 0 */
	int eof;		/* the peer's FIN came */
	int shut;		/* we sent our FIN */
	int want_write;		/* a send returned short: trigger on room */
	int connected;		/* established (connects: after the SYN-ACK) */
	int port;		/* listeners: the port taken from portmgr */
	struct pbuf *rxq;	/* data not yet read */
	/* listeners: connections accepted by lwIP, not yet by net_accept: a
	 * FIFO linked through qnext (slot + 1, 0 ends it) */
	int qhead, qtail, qlen;
	int qnext;		/* connections: the next in the listener's queue */
};

static struct tconn tc[TCP_IDS];

static long tc_id(struct tconn *c)
{
	return ((long)c->gen << TCP_ID_SHIFT | (long)(c - tc)) + 1;
}

static struct tconn *tc_get(long id, enum tc_kind kind)
{
	struct tconn *c;

	if (id <= 0)
		return NULL;
	id--;
	c = &tc[id & (TCP_IDS - 1)];
	return c->kind == kind && (id >> TCP_ID_SHIFT) == c->gen ? c : NULL;
}

static struct tconn *tc_alloc(enum tc_kind kind, long evt)
{
	int i;

	for (i = 0; i < TCP_IDS; i++) {
		struct tconn *c = &tc[i];

		if (c->kind != TC_FREE)
			continue;
		memset(&c->pcb, 0, sizeof(*c) - __builtin_offsetof(struct tconn, pcb));
		c->kind = kind;
		c->gen = (c->gen + 1) & 0xffffff;
		c->evt = evt;
		c->cookie = tc_id(c);
		tcp_stats[NET_STAT_OPEN]++;
		return c;
	}
	return NULL;
}

static void tc_free(struct tconn *c)
{
	if (c->rxq)
		pbuf_free(c->rxq);
	c->rxq = NULL;
	c->kind = TC_FREE;
	tcp_stats[NET_STAT_OPEN]--;
}

/* Readiness of @c changed: mark it for net_poll, trigger its event. */
static void tc_signal(struct tconn *c)
{
	c->edge = 1;
	tcp_evt_later(c->evt);
}

/* ---- lwIP's callbacks ---------------------------------------------------- */

static void tc_detach(struct tcp_pcb *pcb)
{
	tcp_arg(pcb, NULL);
	tcp_recv(pcb, NULL);
	tcp_sent(pcb, NULL);
	tcp_err(pcb, NULL);
	tcp_poll(pcb, NULL, 0);
}

static void tc_err(void *arg, err_t err)
{
	struct tconn *c = arg;

	if (!c)
		return;
	c->pcb = NULL;		/* lwIP freed it */
	if (err == ERR_CLSD) {	/* closed both ways after our shutdown */
		c->eof = 1;
		c->shut = 1;
	} else {
		c->err = err == ERR_RST ? -ECONNRESET : err == ERR_ABRT ? -ECONNABORTED :
			 c->connected ? -ECONNRESET : -ECONNREFUSED;
		tcp_stats[NET_STAT_RESETS]++;
	}
	tc_signal(c);
}

static err_t tc_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct tconn *c = arg;

	(void)pcb;
	if (!c) {		/* closed on our side: drop, keep the window */
		if (p) {
			tcp_recved(pcb, p->tot_len);
			pbuf_free(p);
		}
		return ERR_OK;
	}
	if (err != ERR_OK && p) {
		pbuf_free(p);
		return ERR_OK;
	}
	if (p && tcp_pool_low()) {
		/* the pool's slots are running out, held by data not yet
		 * read: refuse more (lwIP keeps it, takes no more data from
		 * this peer, still takes its ACKs, and offers it again on
		 * its timer), so the slots for everyone's ACKs stay free */
		tcp_stats[NET_STAT_RX_REFUSED]++;
		return ERR_MEM;
	}
	if (!p)
		c->eof = 1;
	else if (c->rxq)
		pbuf_cat(c->rxq, p);
	else
		c->rxq = p;
	tc_signal(c);
	return ERR_OK;
}

static err_t tc_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct tconn *c = arg;

	(void)pcb;
	(void)len;
	if (c && c->want_write) {
		c->want_write = 0;
		tc_signal(c);
	}
	return ERR_OK;
}

/*
 * Every TC_POLL_TICKS of lwIP's slow timer: a writer that found no
 * memory (tcp_write's ERR_MEM, with nothing in flight no tc_sent comes)
 * or a reader with data waiting is told again, so neither waits forever.
 */
#define TC_POLL_TICKS	2	/* 1 s */
static err_t tc_poll(void *arg, struct tcp_pcb *pcb)
{
	struct tconn *c = arg;

	(void)pcb;
	if (c && (c->want_write || c->rxq))
		tc_signal(c);
	return ERR_OK;
}

static void tc_attach(struct tconn *c, struct tcp_pcb *pcb)
{
	c->pcb = pcb;
	tcp_arg(pcb, c);
	tcp_recv(pcb, tc_recv);
	tcp_sent(pcb, tc_sent);
	tcp_err(pcb, tc_err);
	tcp_poll(pcb, tc_poll, TC_POLL_TICKS);
}

static void tc_enqueue(struct tconn *l, struct tconn *c)
{
	int slot = (int)(c - tc) + 1;

	c->qnext = 0;
	if (l->qtail)
		tc[l->qtail - 1].qnext = slot;
	else
		l->qhead = slot;
	l->qtail = slot;
	l->qlen++;
}

static struct tconn *tc_dequeue(struct tconn *l)
{
	struct tconn *c;

	if (!l->qhead)
		return NULL;
	c = &tc[l->qhead - 1];
	l->qhead = c->qnext;
	if (!l->qhead)
		l->qtail = 0;
	l->qlen--;
	return c;
}

/*
 * A connection lwIP completed: queued for net_accept. lwIP's own backlog
 * (the listen call's) bounds the handshakes in progress; what bounds
 * this queue is the ids: with none free the connection is reset.
 */
static err_t tc_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct tconn *l = arg, *c;

	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	if (!l || !(c = tc_alloc(TC_CONN, -1))) {
		tcp_stats[NET_STAT_REFUSED]++;
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	c->connected = 1;
	tc_attach(c, pcb);
	tc_enqueue(l, c);
	tcp_stats[NET_STAT_ACCEPTED]++;
	tc_signal(l);
	return ERR_OK;
}

static err_t tc_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct tconn *c = arg;

	(void)pcb;
	if (c) {
		c->connected = err == ERR_OK;
		tc_signal(c);
	}
	return ERR_OK;
}

/* ---- SYN floods ----------------------------------------------------------- */

/*
 * lwIP counts handshakes in progress against the listener's backlog and
 * drops new SYNs while it is full, for TCP_SYN_RCVD_TIMEOUT (20 s): a
 * flood of SYNs from addresses that never answer would shut everyone
 * out. So before a SYN for a full listener goes in, the oldest handshake
 * of that listener is dropped if it has waited TCP_SYN_STALE_TICKS of
 * lwIP's slow timer (0.5 to 1 s; a real client answers in a round trip):
 * flooded handshakes make room for new SYNs, real ones complete, and a
 * burst of real SYNs is dropped as lwIP would (the clients retry).
 * Called by the network thread with the frame it is about to input.
 */
#define TCP_SYN_STALE_TICKS	2
void tcp_syn_guard(const unsigned char *f, long len)
{
	const unsigned char *ip = f + 14, *th;
	struct tcp_pcb *p, *oldest = NULL;
	struct tcp_pcb_listen *lp = NULL;
	unsigned int port, ihl;
	int i;

	if (len < 14 + 20 + 20 || f[12] != 0x08 || f[13] != 0x00 || ip[9] != 6)
		return;
	ihl = (ip[0] & 0xfu) * 4;
	if (ihl < 20 || 14 + ihl + 20 > (unsigned long)len)
		return;
	th = ip + ihl;
	if ((th[13] & (TCP_SYN | TCP_ACK)) != TCP_SYN)
		return;
	port = (unsigned int)th[2] << 8 | th[3];
	for (i = 0; i < TCP_IDS && !lp; i++)
		if (tc[i].kind == TC_LISTEN && tc[i].port == (int)port)
			lp = (struct tcp_pcb_listen *)tc[i].pcb;
	if (!lp || lp->accepts_pending < lp->backlog)
		return;
	for (p = tcp_active_pcbs; p; p = p->next)
		if (p->state == SYN_RCVD && p->listener == lp &&
		    (!oldest || (u32_t)(tcp_ticks - p->tmr) > (u32_t)(tcp_ticks - oldest->tmr)))
			oldest = p;
	if (oldest && (u32_t)(tcp_ticks - oldest->tmr) >= TCP_SYN_STALE_TICKS) {
		tcp_abort(oldest);
		tcp_stats[NET_STAT_SYN_DROPPED]++;
	}
}

/* ---- the calls ----------------------------------------------------------- */

/* Take the core lock with the stack up: 0, or -errno (lock not held). */
static long tc_enter(void)
{
	long err = tcp_lock();

	if (err)
		return err;
	err = tcp_stack_up();
	if (err)
		tcp_unlock();
	return err;
}

/*
 * Under the core lock: a new id of @kind whose fresh pcb is bound to
 * @port. 0 with *@cp and *@pcbp set and the lock held, or -errno with it
 * released.
 */
static long tc_open(enum tc_kind kind, long evt, long port, struct tconn **cp,
		    struct tcp_pcb **pcbp)
{
	struct tcp_pcb *pcb;
	struct tconn *c;
	long err = tc_enter();

	if (err)
		return err;
	err = -ENOSPC;
	c = tc_alloc(kind, evt);
	if (!c)
		goto out_unlock;
	err = -ENOMEM;
	pcb = tcp_new();
	if (!pcb)
		goto out_free;
	if (tcp_bind(pcb, IP_ANY_TYPE, (u16_t)port) != ERR_OK) {
		tcp_close(pcb);
		err = -EADDRINUSE;
		goto out_free;
	}
	*cp = c;
	*pcbp = pcb;
	return 0;

out_free:
	tc_free(c);
out_unlock:
	tcp_unlock();
	return err;
}

/* tc_enter, then connection @id in *@cp: 0, or -errno (-EBADF: no such
 * connection) with the lock released. */
static long tc_enter_conn(long id, struct tconn **cp)
{
	long err = tc_enter();

	if (err)
		return err;
	*cp = tc_get(id, TC_CONN);
	if (*cp)
		return 0;
	tcp_unlock();
	return -EBADF;
}

long net_listen(long port, long backlog, long evt)
{
	struct tcp_pcb *pcb, *lpcb;
	struct tconn *l;
	long err;

	if (port < 1 || port > 65535)
		return -EINVAL;
	if (backlog < 1 || backlog > TCP_BACKLOG_MAX)
		backlog = TCP_BACKLOG_MAX;
	err = portmgr_bind(port);
	if (err)
		return err;
	err = tc_open(TC_LISTEN, evt, port, &l, &pcb);
	if (err)
		goto out_port;
	lpcb = tcp_listen_with_backlog(pcb, (u8_t)backlog);
	if (!lpcb) {
		tcp_close(pcb);
		tc_free(l);
		tcp_unlock();
		err = -ENOMEM;
		goto out_port;
	}
	l->pcb = lpcb;
	l->port = (int)port;
	tcp_arg(lpcb, l);
	tcp_accept(lpcb, tc_accept);
	err = tc_id(l);
	tcp_unlock();
	return err;

out_port:
	portmgr_free(port);
	return err;
}

long net_accept(long lid, long evt)
{
	struct tconn *l, *c;
	long err;

	err = tc_enter();
	if (err)
		return err;
	l = tc_get(lid, TC_LISTEN);
	if (!l) {
		err = -EBADF;
	} else if (!(c = tc_dequeue(l))) {
		err = -EAGAIN;
	} else {
		c->evt = evt;
		if (c->rxq || c->eof || c->err)	/* arrived before it was taken */
			tc_signal(c);
		err = tc_id(c);
	}
	tcp_unlock();
	return err;
}

long net_connect(long addr, long port, long evt)
{
	struct tcp_pcb *pcb;
	struct tconn *c;
	ip4_addr_t to;
	long err, lport;

	if (port < 1 || port > 65535 || addr < 0 || addr > 0xffffffffl)
		return -EINVAL;
	lport = portmgr_new();
	if (lport < 0)
		return lport;
	err = tc_open(TC_CONN, evt, lport, &c, &pcb);
	if (err)
		goto out_port;
	tc_attach(c, pcb);
	c->port = (int)lport;
	ip4_addr_set_u32(&to, lwip_htonl((u32_t)addr));
	if (tcp_connect(pcb, &to, (u16_t)port, tc_connected) != ERR_OK) {
		tc_detach(pcb);
		tcp_abort(pcb);
		tc_free(c);
		tcp_unlock();
		err = -ENOMEM;
		goto out_port;
	}
	err = tc_id(c);
	tcp_unlock();
	return err;

out_port:
	portmgr_free(lport);
	return err;
}

long net_send(long id, long len)
{
	struct tconn *c;
	long err, room;

	if (len < 1 || len > COS_ARG_SIZE)
		return -EINVAL;
	err = tc_enter_conn(id, &c);
	if (err)
		return err;
	if (c->err || !c->pcb || c->shut) {
		err = c->err == -ECONNRESET || c->shut || !c->pcb ? -EPIPE : c->err;
	} else if (!c->connected) {
		c->want_write = 1;
		err = -EAGAIN;
	} else {
		room = tcp_sndbuf(c->pcb);
		if (tcp_sndqueuelen(c->pcb) >= TCP_SND_QUEUELEN - 1)
			room = 0;
		if (room > len)
			room = len;
		err = -EAGAIN;
		if (room > 0 &&
		    tcp_write(c->pcb, cos_args(), (u16_t)room, TCP_WRITE_FLAG_COPY) == ERR_OK)
			err = room;
		if (err != len)
			c->want_write = 1;
		if (err > 0)
			tcp_output(c->pcb);
	}
	tcp_unlock();
	return err;
}

long net_recv(long id, long max)
{
	struct tconn *c;
	long err, n;

	if (max < 1 || max > COS_ARG_SIZE)
		return -EINVAL;
	err = tc_enter_conn(id, &c);
	if (err)
		return err;
	if (c->rxq) {
		n = c->rxq->tot_len < max ? c->rxq->tot_len : max;
		pbuf_copy_partial(c->rxq, cos_args(), (u16_t)n, 0);
		if (c->pcb)
			tcp_recved(c->pcb, (u16_t)n);
		c->rxq = pbuf_free_header(c->rxq, (u16_t)n);
		err = n;
	} else if (c->err) {
		err = c->err;
	} else {
		err = c->eof ? 0 : -EAGAIN;
	}
	tcp_unlock();
	return err;
}

long net_shutdown(long id)
{
	struct tconn *c;
	long err;

	err = tc_enter_conn(id, &c);
	if (err)
		return err;
	if (c->pcb && !c->shut && c->connected) {
		c->shut = 1;
		if (tcp_shutdown(c->pcb, 0, 1) != ERR_OK)
			err = -ENOMEM;
	}
	tcp_unlock();
	return err;
}

long net_close(long id)
{
	struct tconn *c;
	long err, port = 0;

	err = tc_enter();
	if (err)
		return err;
	c = tc_get(id, TC_CONN);
	if (!c)
		c = tc_get(id, TC_LISTEN);
	if (!c) {
		tcp_unlock();
		return -EBADF;
	}
	if (c->kind == TC_LISTEN) {
		struct tconn *a;

		while ((a = tc_dequeue(c))) {	/* accepted, never taken: reset */
			if (a->pcb) {
				tc_detach(a->pcb);
				tcp_abort(a->pcb);
			}
			tc_free(a);
		}
		port = c->port;
		tcp_arg(c->pcb, NULL);
		tcp_close(c->pcb);
	} else {
		port = c->port;		/* connects' local port */
		if (c->pcb) {
			tc_detach(c->pcb);
			/* unread data: tell the peer it was lost */
			if (c->rxq || tcp_close(c->pcb) != ERR_OK)
				tcp_abort(c->pcb);
		}
	}
	tc_free(c);
	tcp_unlock();
	if (port)
		portmgr_free(port);
	return 0;
}

/* NET_* bits of @c now; notes that a writer waits if it is not writable. */
static long tc_status(struct tconn *c)
{
	long st = 0;

	if (c->kind == TC_LISTEN)
		return c->qlen ? NET_ACCEPTABLE : 0;
	if (c->rxq || c->eof || c->err)
		st |= NET_READABLE;
	if (c->eof && !c->rxq)
		st |= NET_HUP;
	if (c->err)
		st |= NET_ERROR;
	if (c->pcb && c->connected && !c->shut && tcp_sndbuf(c->pcb) > 0 &&
	    tcp_sndqueuelen(c->pcb) < TCP_SND_QUEUELEN - 1)
		st |= NET_WRITABLE;
	else if (c->pcb && !c->err)
		c->want_write = 1;
	return st;
}

static struct tconn *tc_get_any(long id)
{
	struct tconn *c = tc_get(id, TC_CONN);

	return c ? c : tc_get(id, TC_LISTEN);
}

long net_status(long id)
{
	struct tconn *c;
	long err;

	err = tc_enter();
	if (err)
		return err;
	c = tc_get_any(id);
	err = c ? tc_status(c) : -EBADF;
	tcp_unlock();
	return err;
}

long net_evt(long id, long evt, long cookie)
{
	struct tconn *c;
	long err;

	err = tc_enter();
	if (err)
		return err;
	c = tc_get_any(id);
	err = -EBADF;
	if (c) {
		c->evt = evt;
		c->cookie = cookie;
		if (tc_status(c))
			tc_signal(c);
		err = 0;
	}
	tcp_unlock();
	return err;
}

long net_poll(long evt, long max)
{
	struct net_ready r[NET_POLL_MAX];
	long err, n = 0;
	int i;

	if (max < 1 || max > NET_POLL_MAX)
		return -EINVAL;
	err = tc_enter();
	if (err)
		return err;
	for (i = 0; i < TCP_IDS && n < max; i++) {
		struct tconn *c = &tc[i];

		if (c->kind == TC_FREE || !c->edge || c->evt != evt)
			continue;
		c->edge = 0;
		r[n].cookie = c->cookie;
		r[n].status = tc_status(c);
		n++;
	}
	tcp_unlock();
	memcpy(cos_args(), r, (unsigned long)n * sizeof(r[0]));
	return n;
}

long net_stat(long i)
{
	long v, err;
	int m;

	if (i < 0 || i >= NET_STAT_N)
		return -EINVAL;
	err = tc_enter();
	if (err)
		return err;
	if (i == NET_STAT_POOL_ERR) {
		v = lwip_stats.mem.err;
		for (m = 0; m < MEMP_MAX; m++)
			v += lwip_stats.memp[m]->err;
	} else if (i == NET_STAT_BAD) {
		v = lwip_stats.link.drop + lwip_stats.etharp.drop + lwip_stats.ip.drop +
		    lwip_stats.icmp.drop + lwip_stats.tcp.drop;
	} else if (i == NET_STAT_PCBS) {
		v = lwip_stats.memp[MEMP_TCP_PCB]->used;
	} else if (i == NET_STAT_SLOTS_FREE) {
		v = tcp_pool_free_slots();
	} else {
		v = (long)tcp_stats[i];
	}
	tcp_unlock();
	return v;
}
