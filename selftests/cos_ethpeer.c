// SPDX-License-Identifier: GPL-2.0
/*
 * cos_ethpeer - a Linux-side raw Ethernet peer for the cos I/O tests and
 * for `cos bench io`.
 *
 * A component "echo" service sits behind a network interface. It answers
 * every frame sent to its MAC address with ethertype 0x88B5 (IEEE local
 * experimental) by sending the same frame back with the destination and
 * source addresses swapped. This program talks to it through an AF_PACKET
 * raw socket bound to one interface, in one of four modes:
 *
 *   check  sends a numbered stream of frames, with a bounded number in
 *          flight, and checks that every echo comes back byte for byte;
 *   flood  sends frames as fast as the interface takes them, then counts
 *          the echoes that make it back and checks that they are intact;
 *   bench  measures echo throughput with a window of frames in flight;
 *   echo   plays the echo service itself, so that the same check and bench
 *          runs against a plain Linux peer give a baseline to compare with.
 *
 * Every frame carries a sequence number, a per-process run id and filler
 * derived from the sequence number, and frame lengths range from 60 to
 * 1514 bytes, so a corrupted, truncated, duplicated or reordered echo is
 * noticed. Raw sockets need root or CAP_NET_RAW.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/if_packet.h>

#define ETHERTYPE_COS	0x88B5
#define MAC_LEN		6
#define ETH_HDR		14		/* dst, src, ethertype */
#define OFF_SEQ		ETH_HDR		/* u64 LE sequence number */
#define OFF_RUN		(ETH_HDR + 8)	/* u32 LE run id */
#define OFF_FILL	(ETH_HDR + 12)	/* filler from here on */
#define FRAME_MIN	60		/* without FCS */
#define FRAME_MAX	1514
#define FRAME_SMALLEST	128		/* refuse interfaces with a tinier MTU */

#define BATCH		64		/* frames per recvmmsg/sendmmsg */
#define RX_BUF		10240		/* room for jumbo frames in echo mode */
#define WINDOW_DEF	32
#define WINDOW_MAX	1024
#define COUNT_MAX	10000000000ull
#define SECONDS_MAX	1000000ull
#define SOCK_BUF	(4 << 20)
#define SHOW_MAX	5		/* mismatch lines printed */
#define PROGRESS	20000		/* check: progress line every N echoes */

#define NSEC_PER_MS	1000000LL
#define NSEC_PER_SEC	1000000000LL
#define CHECK_STALL	(2 * NSEC_PER_SEC)	/* check: give up after this */
#define BENCH_STALL	(1 * NSEC_PER_SEC)	/* bench: write the window off */
#define FLOOD_DRAIN	(1 * NSEC_PER_SEC)	/* flood: count echoes this long */
#define TX_STALL	(2 * NSEC_PER_SEC)	/* a send refused this long fails */

enum mode { MODE_CHECK, MODE_FLOOD, MODE_BENCH, MODE_ECHO };

struct args {
	enum mode mode;
	const char *ifname;
	uint8_t dst[MAC_LEN];
	uint64_t num;		/* COUNT or SECONDS */
	unsigned int window;
};

struct peer {
	int fd;
	int ifindex;
	size_t max_len;		/* longest frame the interface takes */
	uint8_t mac[MAC_LEN];	/* the interface's own address */
	uint8_t dst[MAC_LEN];	/* the echo service */
	uint32_t run;		/* tells our frames from another run's */
	uint64_t retries;	/* sends refused with ENOBUFS or EAGAIN */
	uint64_t shown;		/* mismatch lines printed so far */
};

/* Called for each received frame that is ours: right address and run id. */
typedef void (*rx_fn)(struct peer *p, void *ctx, const uint8_t *f, size_t len, size_t cap);

static uint8_t rx_buf[BATCH][RX_BUF];
static struct sockaddr_ll rx_addr[BATCH];
static struct iovec rx_iov[BATCH];
static struct mmsghdr rx_msg[BATCH];

static uint8_t tx_buf[BATCH][FRAME_MAX];
static struct iovec tx_iov[BATCH];
static struct mmsghdr tx_msg[BATCH];

static struct iovec echo_iov[BATCH];
static struct mmsghdr echo_msg[BATCH];

static uint8_t expect_buf[FRAME_MAX];

static volatile sig_atomic_t stop;

static const char usage_text[] =
	"usage:\n"
	"  cos_ethpeer check IFACE DSTMAC COUNT [WINDOW]   send COUNT frames, check every echo byte-exact\n"
	"  cos_ethpeer flood IFACE DSTMAC COUNT            send COUNT frames without waiting, count echoes for 1 s\n"
	"  cos_ethpeer bench IFACE DSTMAC SECONDS [WINDOW] windowed echo throughput\n"
	"  cos_ethpeer echo IFACE [SECONDS]                be the echo service (Linux AF_PACKET baseline)\n"
	"DSTMAC is aa:bb:cc:dd:ee:ff. WINDOW defaults to 32 (max 1024).\n";

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x;
}

static void put_le64(uint8_t *b, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
}

static void put_le32(uint8_t *b, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		b[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le64(const uint8_t *b)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

static uint32_t get_le32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

/* --- frames ------------------------------------------------------------ */

/*
 * Frame length, header included, FCS not: the shortest and the longest
 * frame each come up once in seven, everything in between otherwise.
 */
static size_t frame_len(const struct peer *p, uint64_t seq)
{
	size_t span = p->max_len - FRAME_MIN - 1;

	switch (seq % 7) {
	case 0:
		return FRAME_MIN;
	case 1:
		return p->max_len;
	}
	return FRAME_MIN + 1 + (size_t)(mix64(seq ^ 0x6c656e677468ull) % span);
}

/*
 * Write frame @seq addressed from @from to @to; return its length. The
 * filler is a function of the sequence number and the byte index only.
 */
static size_t build_frame(const struct peer *p, uint64_t seq, uint8_t *f,
			  const uint8_t *to, const uint8_t *from)
{
	uint64_t key = mix64(seq + 0x9e3779b97f4a7c15ull), word = 0;
	size_t len = frame_len(p, seq), i;

	memcpy(f, to, MAC_LEN);
	memcpy(f + MAC_LEN, from, MAC_LEN);
	f[12] = ETHERTYPE_COS >> 8;
	f[13] = ETHERTYPE_COS & 0xff;
	put_le64(f + OFF_SEQ, seq);
	put_le32(f + OFF_RUN, p->run);
	for (i = OFF_FILL; i < len; i++) {
		unsigned int k = (i - OFF_FILL) & 7;

		if (!k)
			word = mix64(key ^ ((uint64_t)i << 32));
		f[i] = (uint8_t)(word >> (8 * k));
	}
	return len;
}

/*
 * Compare a received echo of @seq (@len bytes on the wire, @cap of them in
 * the buffer) with what should have come back. Return the first differing
 * offset, or -1 if the echo is byte-exact. *@want gets the expected length.
 */
static long echo_diff(const struct peer *p, uint64_t seq, const uint8_t *f,
		      size_t len, size_t cap, size_t *want)
{
	size_t n, i;

	*want = build_frame(p, seq, expect_buf, p->mac, p->dst);
	n = *want < cap ? *want : cap;
	if (len == *want && cap == len && !memcmp(f, expect_buf, len))
		return -1;
	for (i = 0; i < n; i++)
		if (f[i] != expect_buf[i])
			return (long)i;
	return (long)(*want < len ? *want : len);
}

static void report(struct peer *p, uint64_t seq, size_t want, size_t got,
		   long off, const char *why)
{
	if (p->shown >= SHOW_MAX) {
		if (p->shown++ == SHOW_MAX)
			fprintf(stderr, "ethpeer: further mismatches not shown\n");
		return;
	}
	p->shown++;
	if (off >= 0)
		fprintf(stderr,
			"ethpeer: mismatch seq %" PRIu64 ": expected length %zu, got length %zu, first differing offset %ld\n",
			seq, want, got, off);
	else
		fprintf(stderr,
			"ethpeer: mismatch seq %" PRIu64 ": expected length %zu, got length %zu, first differing offset none (%s)\n",
			seq, want, got, why);
}

/* --- socket ------------------------------------------------------------ */

static void init_msgs(void)
{
	unsigned int i;

	for (i = 0; i < BATCH; i++) {
		rx_iov[i].iov_base = rx_buf[i];
		rx_iov[i].iov_len = RX_BUF;
		rx_msg[i].msg_hdr.msg_iov = &rx_iov[i];
		rx_msg[i].msg_hdr.msg_iovlen = 1;
		rx_msg[i].msg_hdr.msg_name = &rx_addr[i];
		tx_iov[i].iov_base = tx_buf[i];
		tx_msg[i].msg_hdr.msg_iov = &tx_iov[i];
		tx_msg[i].msg_hdr.msg_iovlen = 1;
		echo_msg[i].msg_hdr.msg_iov = &echo_iov[i];
		echo_msg[i].msg_hdr.msg_iovlen = 1;
	}
}

static void set_sock_buf(int fd, int force, int plain)
{
	int v = SOCK_BUF;

	if (setsockopt(fd, SOL_SOCKET, force, &v, sizeof(v)))
		(void)setsockopt(fd, SOL_SOCKET, plain, &v, sizeof(v));
}

static int read_ifinfo(struct peer *p, const char *ifname)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, ifname, strlen(ifname));
	if (ioctl(p->fd, SIOCGIFHWADDR, &ifr)) {
		if (errno == ENODEV)
			fprintf(stderr, "ethpeer: %s: no such interface\n", ifname);
		else
			fprintf(stderr, "ethpeer: %s: SIOCGIFHWADDR: %s\n", ifname,
				strerror(errno));
		return -1;
	}
	if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER) {
		fprintf(stderr, "ethpeer: %s: not an Ethernet interface\n", ifname);
		return -1;
	}
	memcpy(p->mac, ifr.ifr_hwaddr.sa_data, MAC_LEN);

	if (ioctl(p->fd, SIOCGIFMTU, &ifr)) {
		fprintf(stderr, "ethpeer: %s: SIOCGIFMTU: %s\n", ifname, strerror(errno));
		return -1;
	}
	p->max_len = FRAME_MAX;
	if ((size_t)ifr.ifr_mtu + ETH_HDR < FRAME_MAX) {
		p->max_len = (size_t)ifr.ifr_mtu + ETH_HDR;
		if (ifr.ifr_mtu < 0 || p->max_len < FRAME_SMALLEST) {
			fprintf(stderr, "ethpeer: %s: MTU %d is too small\n", ifname,
				ifr.ifr_mtu);
			return -1;
		}
		fprintf(stderr, "ethpeer: %s: MTU %d, frames limited to %zu bytes\n",
			ifname, ifr.ifr_mtu, p->max_len);
	}
	return 0;
}

/* Open a raw socket on @ifname for ethertype 0x88B5; messages on failure. */
static int peer_open(struct peer *p, const char *ifname)
{
	struct sockaddr_ll sll;
	int one = 1;

	if (strlen(ifname) >= IFNAMSIZ || !(p->ifindex = (int)if_nametoindex(ifname))) {
		fprintf(stderr, "ethpeer: %s: no such interface\n", ifname);
		return -1;
	}
	/* Protocol 0 until bound, so no other interface's frames queue up. */
	p->fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (p->fd < 0) {
		fprintf(stderr, "ethpeer: socket: %s (needs root or CAP_NET_RAW)\n",
			strerror(errno));
		return -1;
	}
	if (read_ifinfo(p, ifname))
		goto fail;
	set_sock_buf(p->fd, SO_RCVBUFFORCE, SO_RCVBUF);
	set_sock_buf(p->fd, SO_SNDBUFFORCE, SO_SNDBUF);
#ifdef PACKET_IGNORE_OUTGOING
	/* Saves copying our own frames back to us; they are filtered anyway. */
	(void)setsockopt(p->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
#else
	(void)one;
#endif
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETHERTYPE_COS);
	sll.sll_ifindex = p->ifindex;
	if (bind(p->fd, (struct sockaddr *)&sll, sizeof(sll))) {
		fprintf(stderr, "ethpeer: bind to %s: %s\n", ifname, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	close(p->fd);
	p->fd = -1;
	return -1;
}

/* --- receive ----------------------------------------------------------- */

/* Received frame @i is 0x88B5, addressed to us and not one we sent. */
static bool rx_for_us(const struct peer *p, unsigned int i)
{
	const uint8_t *f = rx_buf[i];

	if (rx_addr[i].sll_pkttype == PACKET_OUTGOING)
		return false;
	if (rx_msg[i].msg_len < ETH_HDR)
		return false;
	if (f[12] != (ETHERTYPE_COS >> 8) || f[13] != (ETHERTYPE_COS & 0xff))
		return false;
	return !memcmp(f, p->mac, MAC_LEN);
}

static int rx_batch(struct peer *p)
{
	unsigned int i;
	int n;

	for (i = 0; i < BATCH; i++)
		rx_msg[i].msg_hdr.msg_namelen = sizeof(rx_addr[i]);
	do {
		n = recvmmsg(p->fd, rx_msg, BATCH, MSG_DONTWAIT | MSG_TRUNC, NULL);
		/* ENOBUFS may be a send error the kernel deferred to us. */
	} while (n < 0 && (errno == EINTR || errno == ENOBUFS) && !stop);
	if (n < 0 && errno != EAGAIN && errno != EINTR && errno != ENOBUFS)
		return -errno;
	return n < 0 ? 0 : n;
}

/* Hand every waiting frame of this run to @fn, a bounded number of them. */
static int rx_drain(struct peer *p, rx_fn fn, void *ctx)
{
	unsigned int round, i;
	int n;

	for (round = 0; round < 16; round++) {
		n = rx_batch(p);
		if (n < 0)
			return n;
		for (i = 0; i < (unsigned int)n; i++) {
			size_t len = rx_msg[i].msg_len;
			size_t cap = len < RX_BUF ? len : RX_BUF;

			if (!rx_for_us(p, i) || cap < OFF_FILL)
				continue;
			if (get_le32(rx_buf[i] + OFF_RUN) != p->run)
				continue;
			fn(p, ctx, rx_buf[i], len, cap);
		}
		if (n < BATCH)
			break;
	}
	return 0;
}

/* Wait up to @ns for frames, then drain them. */
static int rx_wait(struct peer *p, int64_t ns, rx_fn fn, void *ctx)
{
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
	int ms, r;

	if (ns <= 0)
		ms = 0;
	else if (ns >= NSEC_PER_SEC)
		ms = 1000;
	else
		ms = (int)((ns + NSEC_PER_MS - 1) / NSEC_PER_MS);
	r = poll(&pfd, 1, ms);
	if (r < 0)
		return errno == EINTR ? 0 : -errno;
	return r ? rx_drain(p, fn, ctx) : 0;
}

/* --- send -------------------------------------------------------------- */

/* The device queue or socket buffer is full: wait a little, reading echoes. */
static void tx_backoff(struct peer *p, int err, rx_fn fn, void *ctx)
{
	struct pollfd pfd = { .fd = p->fd, .events = POLLOUT };
	struct timespec pause = { .tv_sec = 0, .tv_nsec = 100000 };

	if (err == EAGAIN) {
		if (fn)
			pfd.events |= POLLIN;
		(void)poll(&pfd, 1, 10);
	} else {
		nanosleep(&pause, NULL);
	}
	if (fn)
		(void)rx_drain(p, fn, ctx);
}

/*
 * Send @n prepared messages, retrying those the kernel refuses for lack of
 * room. *@done gets the number sent. With @fn set, echoes are read while
 * waiting; without it (echo mode) the receive buffers must stay untouched.
 */
static int tx_send(struct peer *p, struct mmsghdr *msg, unsigned int n,
		   unsigned int *done, rx_fn fn, void *ctx)
{
	int64_t since = 0;
	int r, err;

	*done = 0;
	while (*done < n && !stop) {
		r = sendmmsg(p->fd, msg + *done, n - *done, MSG_DONTWAIT);
		if (r > 0) {
			*done += (unsigned int)r;
			since = 0;
			continue;
		}
		err = r < 0 ? errno : EAGAIN;
		if (err == EINTR)
			continue;
		if (err != EAGAIN && err != ENOBUFS)
			return -err;
		p->retries++;
		if (!since)
			since = now_ns();
		else if (now_ns() - since > TX_STALL)
			return -err;
		tx_backoff(p, err, fn, ctx);
	}
	return 0;
}

/* Build and send frames @first .. @first + @n - 1; *@done gets how many went. */
static int tx_frames(struct peer *p, uint64_t first, unsigned int n,
		     unsigned int *done, rx_fn fn, void *ctx)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		tx_iov[i].iov_len = build_frame(p, first + i, tx_buf[i], p->dst, p->mac);
	return tx_send(p, tx_msg, n, done, fn, ctx);
}

static void print_send_error(int err)
{
	fprintf(stderr, "ethpeer: send: %s%s\n", strerror(-err),
		err == -ENOBUFS || err == -EAGAIN ? " (no progress for 2 s)" : "");
}

/* --- check and bench: a window of frames in flight ---------------------- */

enum { SLOT_FREE, SLOT_PENDING, SLOT_DONE };

struct win {
	bool strict;		/* check: duplicates and reordering are errors */
	unsigned int size;
	uint64_t count;		/* check: frames to send, for progress lines */
	uint64_t base;		/* oldest frame still in the window */
	uint64_t next;		/* next sequence number to send */
	uint64_t top;		/* highest sequence number answered, plus one */
	uint64_t echoed, bad, lost;
	int64_t last_rx;	/* last answer to a frame in the window */
	int64_t last_ok;	/* last byte-exact echo */
	uint8_t slot[WINDOW_MAX];
};

static void win_rx(struct peer *p, void *ctx, const uint8_t *f, size_t len, size_t cap)
{
	struct win *w = ctx;
	uint64_t seq = get_le64(f + OFF_SEQ);
	bool pending, late = false;
	size_t want;
	long off;

	if (seq >= w->next) {
		w->bad++;
		report(p, seq, frame_len(p, seq), len, -1, "never sent");
		return;
	}
	off = echo_diff(p, seq, f, len, cap, &want);
	pending = seq >= w->base && w->slot[seq % w->size] == SLOT_PENDING;
	if (pending) {
		w->slot[seq % w->size] = SLOT_DONE;
		w->last_rx = now_ns();
		late = seq + 1 < w->top;
		if (seq + 1 > w->top)
			w->top = seq + 1;
	}
	if (off >= 0) {
		w->bad++;
		report(p, seq, want, len, off, NULL);
	} else if (!pending) {
		/* bench: the echo of a window written off, or a duplicate */
		if (w->strict) {
			w->bad++;
			report(p, seq, want, len, -1, "duplicate echo");
		}
	} else if (w->strict && late) {
		w->bad++;
		report(p, seq, want, len, -1, "arrived out of order");
	} else {
		w->echoed++;
		w->last_ok = w->last_rx;
		if (w->count && !(w->echoed % PROGRESS))
			fprintf(stderr, "ethpeer: %" PRIu64 "/%" PRIu64 "\n",
				w->echoed, w->count);
	}
}

/* Slide the window past frames that have been answered. */
static void win_retire(struct win *w)
{
	while (w->base < w->next && w->slot[w->base % w->size] == SLOT_DONE)
		w->slot[w->base++ % w->size] = SLOT_FREE;
}

/* Write off every frame still in flight. */
static void win_forget(struct win *w)
{
	uint64_t seq;

	for (seq = w->base; seq < w->next; seq++) {
		if (w->slot[seq % w->size] == SLOT_PENDING)
			w->lost++;
		w->slot[seq % w->size] = SLOT_FREE;
	}
	w->base = w->next;
}

/* Send until the window is full or @limit frames have gone out. */
static int win_fill(struct peer *p, struct win *w, uint64_t limit)
{
	unsigned int done, i;
	uint64_t n, first;
	int err;

	while (!stop) {
		n = w->size - (w->next - w->base);
		if (n > limit - w->next)
			n = limit - w->next;
		if (n > BATCH)
			n = BATCH;
		if (!n)
			return 0;
		/* Mark first: echoes may be read while the send waits. */
		first = w->next;
		for (i = 0; i < n; i++)
			w->slot[(first + i) % w->size] = SLOT_PENDING;
		w->next = first + n;
		err = tx_frames(p, first, (unsigned int)n, &done, win_rx, w);
		for (i = done; i < n; i++)
			w->slot[(first + i) % w->size] = SLOT_FREE;
		w->next = first + done;
		if (err)
			return err;
	}
	return 0;
}

static double seconds(int64_t ns)
{
	return ns > 0 ? (double)ns / NSEC_PER_SEC : 0.0;
}

static uint64_t rate(uint64_t frames, double secs)
{
	return secs > 0.0 ? (uint64_t)(frames / secs) : 0;
}

static int run_check(struct peer *p, uint64_t count, unsigned int window)
{
	int64_t t0 = now_ns(), wait, end;
	struct win w = {
		.strict = true, .size = window, .count = count, .last_rx = t0,
	};
	double secs;
	int err = 0;

	while (!stop) {
		win_retire(&w);
		if (w.base == count)
			break;
		err = win_fill(p, &w, count);
		if (err) {
			print_send_error(err);
			break;
		}
		wait = w.last_rx + CHECK_STALL - now_ns();
		if (wait <= 0)
			break;
		err = rx_wait(p, wait, win_rx, &w);
		if (err) {
			fprintf(stderr, "ethpeer: receive: %s\n", strerror(-err));
			break;
		}
	}
	/* Don't charge the final 2 s wait to the rate. */
	end = stop || w.last_rx == t0 ? now_ns() : w.last_rx;
	win_forget(&w);
	secs = seconds(end - t0);
	printf("ethpeer: check %" PRIu64 " sent, %" PRIu64 " echoed byte-exact, %" PRIu64
	       " mismatched, %" PRIu64 " lost, %.2f s, %" PRIu64 " frames/s\n",
	       w.next, w.echoed, w.bad, w.lost, secs, rate(w.echoed, secs));
	return !err && w.echoed == count && !w.bad && !w.lost ? 0 : 1;
}

static int run_bench(struct peer *p, uint64_t secs_arg, unsigned int window)
{
	int64_t t0 = now_ns(), until = t0 + (int64_t)secs_arg * NSEC_PER_SEC;
	struct win w = { .size = window, .last_rx = t0 };
	int64_t now, wait, end;
	uint64_t stalls = 0;
	bool sending;
	double secs;
	int err = 0;

	while (!stop) {
		win_retire(&w);
		now = now_ns();
		sending = now < until;
		if (!sending && w.base == w.next)
			break;
		if (now - w.last_rx >= BENCH_STALL) {
			/* Nothing for a second: write the window off and go on. */
			win_forget(&w);
			w.last_rx = now;
			if (!sending)
				break;
			stalls++;
			continue;
		}
		if (sending) {
			err = win_fill(p, &w, UINT64_MAX);
			if (err) {
				print_send_error(err);
				break;
			}
		}
		wait = w.last_rx + BENCH_STALL - now;
		if (sending && until - now < wait)
			wait = until - now;
		err = rx_wait(p, wait, win_rx, &w);
		if (err) {
			fprintf(stderr, "ethpeer: receive: %s\n", strerror(-err));
			break;
		}
	}
	win_forget(&w);
	/* Time spent sending, plus the tail until the last echo. */
	end = now_ns();
	if (end > until)
		end = until;
	if (w.last_ok > end)
		end = w.last_ok;
	secs = seconds(end - t0);
	if (stalls)
		fprintf(stderr, "ethpeer: bench: window written off %" PRIu64 " times\n",
			stalls);
	if (w.bad)
		fprintf(stderr, "ethpeer: bench: %" PRIu64 " mismatched\n", w.bad);
	printf("ethpeer: bench %" PRIu64 " echoed in %.2f s, %" PRIu64 " frames/s, %"
	       PRIu64 " lost\n", w.echoed, secs, rate(w.echoed, secs), w.lost);
	return !err && w.echoed && !w.bad ? 0 : 1;
}

/* --- flood ------------------------------------------------------------- */

struct flood {
	uint64_t next;		/* frames sent, or being sent */
	uint64_t echoed, bad;
	uint8_t *seen;		/* one bit per frame */
};

static void flood_rx(struct peer *p, void *ctx, const uint8_t *f, size_t len, size_t cap)
{
	struct flood *fl = ctx;
	uint64_t seq = get_le64(f + OFF_SEQ);
	uint8_t bit;
	size_t want;
	long off;

	if (seq >= fl->next) {
		fl->bad++;
		report(p, seq, frame_len(p, seq), len, -1, "never sent");
		return;
	}
	off = echo_diff(p, seq, f, len, cap, &want);
	bit = (uint8_t)(1u << (seq & 7));
	if (off >= 0) {
		fl->bad++;
		report(p, seq, want, len, off, NULL);
	} else if (fl->seen[seq >> 3] & bit) {
		fl->bad++;
		report(p, seq, want, len, -1, "duplicate echo");
	} else {
		fl->seen[seq >> 3] |= bit;
		fl->echoed++;
	}
}

static int run_flood(struct peer *p, uint64_t count)
{
	struct flood fl = { 0 };
	unsigned int done;
	int64_t until, wait;
	uint64_t first, n;
	int err = 0;

	fl.seen = calloc((size_t)(count / 8 + 1), 1);
	if (!fl.seen) {
		fprintf(stderr, "ethpeer: out of memory for %" PRIu64 " frames\n", count);
		return 1;
	}
	/* Echoes are only read while the kernel makes us wait anyway. */
	while (fl.next < count && !stop) {
		first = fl.next;
		n = count - first < BATCH ? count - first : BATCH;
		fl.next = first + n;
		err = tx_frames(p, first, (unsigned int)n, &done, flood_rx, &fl);
		fl.next = first + done;
		if (err) {
			print_send_error(err);
			break;
		}
	}
	until = now_ns() + FLOOD_DRAIN;
	while (!err && !stop && (wait = until - now_ns()) > 0) {
		err = rx_wait(p, wait, flood_rx, &fl);
		if (err)
			fprintf(stderr, "ethpeer: receive: %s\n", strerror(-err));
	}
	fprintf(stderr, "ethpeer: flood: %" PRIu64 " sends retried after ENOBUFS/EAGAIN\n",
		p->retries);
	printf("ethpeer: flood %" PRIu64 " sent, %" PRIu64 " echoed, %" PRIu64 " mismatched\n",
	       fl.next, fl.echoed, fl.bad);
	free(fl.seen);
	return err || fl.bad ? 1 : 0;
}

/* --- echo -------------------------------------------------------------- */

/* Turn the frames of one receive batch around in place; return how many. */
static unsigned int echo_prepare(const struct peer *p, unsigned int n)
{
	uint8_t tmp[MAC_LEN];
	unsigned int i, k = 0;

	for (i = 0; i < n; i++) {
		uint8_t *f = rx_buf[i];

		if (!rx_for_us(p, i) || (rx_msg[i].msg_hdr.msg_flags & MSG_TRUNC))
			continue;
		memcpy(tmp, f, MAC_LEN);
		memcpy(f, f + MAC_LEN, MAC_LEN);
		memcpy(f + MAC_LEN, tmp, MAC_LEN);
		echo_iov[k].iov_base = f;
		echo_iov[k].iov_len = rx_msg[i].msg_len;
		k++;
	}
	return k;
}

static int run_echo(struct peer *p, uint64_t secs)
{
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
	int64_t until = secs ? now_ns() + (int64_t)secs * NSEC_PER_SEC : 0;
	uint64_t frames = 0, dropped = 0;
	unsigned int k, done;
	int64_t left, rest;
	int n, err = 0;

	while (!stop) {
		left = NSEC_PER_SEC / 5;	/* look at the stop flag now and then */
		rest = until ? until - now_ns() : left;
		if (rest <= 0)
			break;
		if (rest < left)
			left = rest;
		n = poll(&pfd, 1, (int)((left + NSEC_PER_MS - 1) / NSEC_PER_MS));
		if (n < 0 && errno != EINTR) {
			err = -errno;
			break;
		}
		if (n <= 0)
			continue;
		n = rx_batch(p);
		if (n < 0) {
			err = n;
			break;
		}
		k = echo_prepare(p, (unsigned int)n);
		if (!k)
			continue;
		err = tx_send(p, echo_msg, k, &done, NULL, NULL);
		frames += done;
		dropped += k - done;
		if (err == -ENOBUFS || err == -EAGAIN)
			err = 0;	/* gave up on this batch; carry on */
		if (err)
			break;
	}
	if (err)
		fprintf(stderr, "ethpeer: echo: %s\n", strerror(-err));
	if (dropped)
		fprintf(stderr, "ethpeer: echo: %" PRIu64 " frames dropped\n", dropped);
	printf("ethpeer: echo %" PRIu64 " frames\n", frames);
	return err ? 1 : 0;
}

/* --- arguments --------------------------------------------------------- */

static int parse_num(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int parse_mac(const char *s, uint8_t *mac)
{
	int i, hi, lo;

	for (i = 0; i < MAC_LEN; i++) {
		hi = hex_digit(s[0]);
		lo = hi < 0 ? -1 : hex_digit(s[1]);
		if (lo < 0)
			return -1;
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i < MAC_LEN - 1 && *s++ != ':')
			return -1;
	}
	return *s ? -1 : 0;
}

static int bad_arg(const char *what, const char *s)
{
	fprintf(stderr, "ethpeer: bad %s '%s'\n", what, s);
	return -1;
}

static int parse_window(int argc, char **argv, int at, struct args *a)
{
	uint64_t v = WINDOW_DEF;

	if (argc > at && parse_num(argv[at], 1, WINDOW_MAX, &v))
		return bad_arg("WINDOW (1..1024)", argv[at]);
	a->window = (unsigned int)v;
	return 0;
}

static int parse_args(int argc, char **argv, struct args *a)
{
	const char *m;

	if (argc < 3)
		return -1;
	m = argv[1];
	a->ifname = argv[2];
	a->window = WINDOW_DEF;
	a->num = 0;
	if (!strcmp(m, "echo")) {
		a->mode = MODE_ECHO;
		if (argc > 4)
			return -1;
		if (argc == 4 && parse_num(argv[3], 0, SECONDS_MAX, &a->num))
			return bad_arg("SECONDS", argv[3]);
		return 0;
	}
	if (!strcmp(m, "check"))
		a->mode = MODE_CHECK;
	else if (!strcmp(m, "flood"))
		a->mode = MODE_FLOOD;
	else if (!strcmp(m, "bench"))
		a->mode = MODE_BENCH;
	else
		return bad_arg("mode", m);
	if (argc < 5 || argc > (a->mode == MODE_FLOOD ? 5 : 6))
		return -1;
	if (parse_mac(argv[3], a->dst))
		return bad_arg("DSTMAC", argv[3]);
	if (a->mode == MODE_BENCH) {
		if (parse_num(argv[4], 1, SECONDS_MAX, &a->num))
			return bad_arg("SECONDS", argv[4]);
	} else if (parse_num(argv[4], 1, COUNT_MAX, &a->num)) {
		return bad_arg("COUNT", argv[4]);
	}
	return parse_window(argc, argv, 5, a);
}

static void setup_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: poll returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int main(int argc, char **argv)
{
	struct peer p = { .fd = -1 };
	struct args a;
	int ret = 1;

	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(usage_text, stdout);
		return 0;
	}
	memset(&a, 0, sizeof(a));
	if (parse_args(argc, argv, &a)) {
		fputs(usage_text, stderr);
		return 2;
	}
	if (peer_open(&p, a.ifname))
		return 2;
	memcpy(p.dst, a.dst, MAC_LEN);
	p.run = (uint32_t)mix64((uint64_t)getpid() ^ (uint64_t)time(NULL));
	init_msgs();
	setup_signals();

	switch (a.mode) {
	case MODE_CHECK:
		ret = run_check(&p, a.num, a.window);
		break;
	case MODE_FLOOD:
		ret = run_flood(&p, a.num);
		break;
	case MODE_BENCH:
		ret = run_bench(&p, a.num, a.window);
		break;
	case MODE_ECHO:
		ret = run_echo(&p, a.num);
		break;
	}
	close(p.fd);
	fflush(stdout);
	return ret;
}
