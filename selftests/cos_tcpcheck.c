// SPDX-License-Identifier: GPL-2.0
/*
 * cos_tcpcheck - the Linux side of the TCP tests and benchmarks
 * (selftests/cos_net.sh, cos bench tcp; docs/net.md). Runs in a network
 * namespace of the guest, against the component stack or Linux's.
 *
 *   cos_tcpcheck echo ADDR PORT CONNS CONC BYTES
 *       CONNS connections to an echo service, CONC at a time, BYTES in all
 *       (split evenly), each connection's bytes a pseudo-random stream of
 *       its own that must come back whole, once and in order; then EOF.
 *       Prints one line of figures; exit 0 only if every byte came back.
 *   cos_tcpcheck hold ADDR PORT SECS
 *       connect, send without ever reading until the peer's window and
 *       ours are full, hold the connection SECS seconds, then reset it.
 *       Exit 0 if the connection was made.
 *   cos_tcpcheck many ADDR PORT N SECS
 *       open N connections at once and hold them SECS seconds without a
 *       byte; prints how many were established, refused or reset (the
 *       stack out of ids or pools), then closes them all.
 *   cos_tcpcheck get ADDR PORT
 *       connect and print what comes until the peer closes.
 *   cos_tcpcheck junk IFACE MAC ADDR COUNT
 *       COUNT malformed frames through an AF_PACKET socket on IFACE to the
 *       stack at MAC/ADDR, of JUNK_KINDS kinds in turn (runts, truncated
 *       and inconsistent IPv4 headers, bad IP and TCP checksums, bad TCP
 *       header lengths, all TCP flags, stray RSTs and ACKs, fragments,
 *       truncated ARP and ICMP, garbage), from IFACE's own addresses.
 *   cos_tcpcheck synflood IFACE MAC ADDR PORT COUNT
 *       COUNT SYNs to ADDR:PORT from addresses 10.78.0.100-249 that never
 *       answer (spoofed), as fast as the socket takes them.
 *
 * Single-threaded, non-blocking sockets and poll(); a run that stalls
 * for 60 s fails with the progress it made.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <sys/ioctl.h>

#define STALL_S	60
#define CHUNK	65536

struct conn {
	int fd;
	int idx;		/* connection number: seeds its stream */
	uint64_t len;		/* bytes to send (and get back) */
	uint64_t sent, got;
	uint64_t wstate, rstate;	/* generator states */
	int wbyte, rbyte;	/* bytes left of the current word */
	uint64_t wword, rword;
	int shut;
};

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* splitmix64: byte i of connection k's stream is reproducible. */
static uint64_t gen_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned char gen_byte(uint64_t *s, uint64_t *word, int *left)
{
	unsigned char b;

	if (!*left) {
		*word = gen_next(s);
		*left = 8;
	}
	b = (unsigned char)*word;
	*word >>= 8;
	(*left)--;
	return b;
}

static int open_conn(struct conn *c, const struct sockaddr_in *to, int idx, uint64_t len)
{
	memset(c, 0, sizeof(*c));
	c->idx = idx;
	c->len = len;
	c->wstate = c->rstate = 0x12345678ull * (uint64_t)(idx + 1);
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (c->fd < 0)
		return -errno;
	if (connect(c->fd, (const struct sockaddr *)to, sizeof(*to)) && errno != EINPROGRESS)
		return -errno;
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: cos_tcpcheck echo ADDR PORT CONNS CONC BYTES\n"
			"       cos_tcpcheck hold ADDR PORT SECS\n"
			"       cos_tcpcheck many ADDR PORT N SECS\n"
			"       cos_tcpcheck get ADDR PORT\n"
			"       cos_tcpcheck junk IFACE MAC ADDR COUNT\n"
			"       cos_tcpcheck synflood IFACE MAC ADDR PORT COUNT\n");
	return 2;
}

static int parse_addr(const char *a, const char *p, struct sockaddr_in *to)
{
	memset(to, 0, sizeof(*to));
	to->sin_family = AF_INET;
	to->sin_port = htons((uint16_t)atoi(p));
	return inet_pton(AF_INET, a, &to->sin_addr) == 1 ? 0 : -1;
}

static int run_echo(const struct sockaddr_in *to, int conns, int conc, uint64_t bytes)
{
	struct conn *cs = calloc((size_t)conc, sizeof(*cs));
	struct pollfd *pf = calloc((size_t)conc, sizeof(*pf));
	static unsigned char buf[CHUNK];
	uint64_t per = bytes / (uint64_t)conns, total = 0;
	int started = 0, done = 0, active = 0, i, err;
	double t0 = now(), last = t0;

	if (!cs || !pf)
		return 1;
	for (i = 0; i < conc; i++)
		cs[i].fd = -1;
	while (done < conns) {
		for (i = 0; i < conc && started < conns; i++) {
			if (cs[i].fd >= 0)
				continue;
			err = open_conn(&cs[i], to, started, per + (started == conns - 1 ?
								     bytes - per * (uint64_t)conns : 0));
			if (err) {
				fprintf(stderr, "connection %d: socket/connect: %s\n", started, strerror(-err));
				return 1;
			}
			started++;
			active++;
		}
		for (i = 0; i < conc; i++) {
			pf[i].fd = cs[i].fd;
			pf[i].events = cs[i].fd < 0 ? 0 : POLLIN |
				(cs[i].sent < cs[i].len || !cs[i].shut ? POLLOUT : 0);
			pf[i].revents = 0;
		}
		if (poll(pf, (nfds_t)conc, 1000) < 0) {
			perror("poll");
			return 1;
		}
		for (i = 0; i < conc; i++) {
			struct conn *c = &cs[i];
			ssize_t n, k;

			if (c->fd < 0 || !pf[i].revents)
				continue;
			if (pf[i].revents & POLLOUT) {
				if (c->sent < c->len) {
					size_t want = c->len - c->sent < CHUNK ? (size_t)(c->len - c->sent) : CHUNK;
					uint64_t s = c->wstate, w = c->wword;
					int left = c->wbyte;

					for (k = 0; k < (ssize_t)want; k++)
						buf[k] = gen_byte(&s, &w, &left);
					n = send(c->fd, buf, want, MSG_NOSIGNAL);
					if (n < 0 && errno != EAGAIN) {
						fprintf(stderr, "connection %d: send at %llu: %s\n", c->idx,
							(unsigned long long)c->sent, strerror(errno));
						return 1;
					}
					/* regenerate exactly the n bytes that went */
					for (k = 0; n > 0 && k < n; k++)
						gen_byte(&c->wstate, &c->wword, &c->wbyte);
					if (n > 0)
						c->sent += (uint64_t)n;
				}
				if (c->sent == c->len && !c->shut) {
					shutdown(c->fd, SHUT_WR);
					c->shut = 1;
				}
			}
			if (pf[i].revents & (POLLIN | POLLHUP | POLLERR)) {
				n = recv(c->fd, buf, sizeof(buf), 0);
				if (n < 0 && errno == EAGAIN)
					continue;
				if (n < 0) {
					fprintf(stderr, "connection %d: recv after %llu of %llu bytes: %s\n",
						c->idx, (unsigned long long)c->got,
						(unsigned long long)c->len, strerror(errno));
					return 1;
				}
				for (k = 0; k < n; k++) {
					unsigned char want = gen_byte(&c->rstate, &c->rword, &c->rbyte);

					if (c->got + (uint64_t)k >= c->len || buf[k] != want) {
						ssize_t j;

						fprintf(stderr, "connection %d: byte %llu is 0x%02x, not 0x%02x%s (chunk of %zd at %llu)\n",
							c->idx, (unsigned long long)(c->got + (uint64_t)k), buf[k],
							want, c->got + (uint64_t)k >= c->len ? " (past the end)" : "",
							n, (unsigned long long)c->got);
						fprintf(stderr, "  got:  ");
						for (j = k; j < n && j < k + 24; j++)
							fprintf(stderr, "%02x", buf[j]);
						fprintf(stderr, "\n  want: %02x", want);
						for (j = k + 1; j < n && j < k + 24; j++)
							fprintf(stderr, "%02x", gen_byte(&c->rstate, &c->rword, &c->rbyte));
						fprintf(stderr, "\n");
						return 1;
					}
				}
				c->got += (uint64_t)n;
				total += (uint64_t)n;
				if (n == 0) {
					if (c->got != c->len) {
						fprintf(stderr, "connection %d: EOF after %llu of %llu bytes\n",
							c->idx, (unsigned long long)c->got,
							(unsigned long long)c->len);
						return 1;
					}
					close(c->fd);
					c->fd = -1;
					active--;
					done++;
				}
				last = now();
			}
		}
		if (now() - last > STALL_S) {
			fprintf(stderr, "stalled for %d s: %d of %d connections done, %d open, %llu bytes back\n",
				STALL_S, done, conns, active, (unsigned long long)total);
			return 1;
		}
	}
	t0 = now() - t0;
	printf("%d connections (%d at a time), %llu bytes echoed and verified in %.2f s: %.2f MiB/s, %.1f connections/s\n",
	       conns, conc, (unsigned long long)total, t0, total / t0 / 1048576.0, conns / t0);
	return 0;
}

static int run_hold(const struct sockaddr_in *to, int secs)
{
	static unsigned char buf[CHUNK];
	struct linger lg = { 1, 0 };
	int fd = socket(AF_INET, SOCK_STREAM, 0), rcv = 4096;
	double t0;
	long sent = 0;
	ssize_t n;

	if (fd < 0)
		return 1;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	if (connect(fd, (const struct sockaddr *)to, sizeof(*to))) {
		perror("hold: connect");
		return 1;
	}
	fcntl(fd, F_SETFL, O_NONBLOCK);
	memset(buf, 'z', sizeof(buf));
	for (t0 = now(); now() - t0 < secs;) {
		n = send(fd, buf, sizeof(buf), MSG_NOSIGNAL);
		if (n > 0)
			sent += n;
		else
			usleep(100000);
	}
	printf("held a connection %d s without reading: %ld bytes went out\n", secs, sent);
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));	/* RST */
	close(fd);
	return 0;
}

static int run_many(const struct sockaddr_in *to, int n, int secs)
{
	int *fds = calloc((size_t)n, sizeof(int)), i, up = 0, refused = 0, err;
	socklen_t l = sizeof(err);
	char c;

	if (!fds)
		return 1;
	/* in waves of 32, each given up to 3 s to be answered, so that the
	 * stack's backlog (which drops SYNs beyond it) is not what limits */
	for (i = 0; i < n; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (fds[i] < 0 || (connect(fds[i], (const struct sockaddr *)to, sizeof(*to)) &&
				   errno != EINPROGRESS)) {
			perror("many: connect");
			return 1;
		}
		if (i % 32 == 31 || i == n - 1) {
			struct pollfd pf[32];
			int j, k, base = i - i % 32;
			double t0 = now();

			for (k = 0; now() - t0 < 3; k = 0) {
				for (j = base; j <= i; j++)
					pf[k++] = (struct pollfd){ .fd = fds[j], .events = POLLOUT };
				poll(pf, (nfds_t)k, 100);
				for (j = 0; j < k && (pf[j].revents & (POLLOUT | POLLERR | POLLHUP)); j++)
					;
				if (j == k)
					break;
			}
		}
	}
	sleep((unsigned int)secs);
	for (i = 0; i < n; i++) {
		struct sockaddr_in peer;
		socklen_t pl = sizeof(peer);

		err = 0;
		getsockopt(fds[i], SOL_SOCKET, SO_ERROR, &err, &l);
		if (err || getpeername(fds[i], (struct sockaddr *)&peer, &pl))
			refused++;	/* reset, or never answered */
		else if (recv(fds[i], &c, 1, MSG_DONTWAIT) < 0 && errno == EAGAIN)
			up++;		/* open, quiet: held */
		else
			refused++;	/* closed or reset after the handshake */
		close(fds[i]);
	}
	printf("%d connections at once: %d held, %d refused, reset or never answered\n",
	       n, up, refused);
	return 0;
}

static int run_get(const struct sockaddr_in *to)
{
	char buf[4096];
	ssize_t n;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || connect(fd, (const struct sockaddr *)to, sizeof(*to))) {
		perror("get: connect");
		return 1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, (size_t)n, stdout);
	close(fd);
	return n < 0;
}

/* ---- raw frames ------------------------------------------------------------ */

struct raw {
	int fd;
	struct sockaddr_ll to;
	unsigned char mac[6], dmac[6];
	uint32_t src, dst;		/* network order */
};

static int raw_open(struct raw *r, const char *ifname, const char *mac, const char *addr)
{
	struct ifreq ifr;

	memset(r, 0, sizeof(*r));
	if (sscanf(mac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &r->dmac[0], &r->dmac[1], &r->dmac[2],
		   &r->dmac[3], &r->dmac[4], &r->dmac[5]) != 6 ||
	    inet_pton(AF_INET, addr, &r->dst) != 1)
		return -1;
	r->fd = socket(AF_PACKET, SOCK_RAW, 0);	/* send only: taps nothing */
	if (r->fd < 0) {
		perror("socket(AF_PACKET)");
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(r->fd, SIOCGIFHWADDR, &ifr)) {
		perror(ifname);
		return -1;
	}
	memcpy(r->mac, ifr.ifr_hwaddr.sa_data, 6);
	if (ioctl(r->fd, SIOCGIFADDR, &ifr)) {
		perror(ifname);
		return -1;
	}
	r->src = ((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr.s_addr;
	r->to.sll_family = AF_PACKET;
	r->to.sll_ifindex = (int)if_nametoindex(ifname);
	r->to.sll_halen = 6;
	memcpy(r->to.sll_addr, r->dmac, 6);
	return 0;
}

static uint16_t csum(const void *p, size_t n, uint32_t sum)
{
	const unsigned char *b = p;

	for (; n > 1; n -= 2, b += 2)
		sum += (uint32_t)b[0] << 8 | b[1];
	if (n)
		sum += (uint32_t)b[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Ethernet + IPv4 (+ TCP) headers into @f; the frame's length. */
static size_t frame_tcp(const struct raw *r, unsigned char *f, uint32_t src, uint16_t sport,
			uint16_t dport, uint32_t seq, uint8_t flags, size_t data)
{
	unsigned char *ip = f + 14, *th = ip + 20, ph[12];
	uint32_t sum = 0;
	size_t i;

	memcpy(f, r->dmac, 6);
	memcpy(f + 6, r->mac, 6);
	f[12] = 0x08;
	f[13] = 0x00;
	memset(ip, 0, 40);
	ip[0] = 0x45;
	ip[2] = (unsigned char)((40 + data) >> 8);
	ip[3] = (unsigned char)(40 + data);
	ip[8] = 64;
	ip[9] = 6;
	memcpy(ip + 12, &src, 4);
	memcpy(ip + 16, &r->dst, 4);
	th[0] = (unsigned char)(sport >> 8);
	th[1] = (unsigned char)sport;
	th[2] = (unsigned char)(dport >> 8);
	th[3] = (unsigned char)dport;
	th[4] = (unsigned char)(seq >> 24);
	th[5] = (unsigned char)(seq >> 16);
	th[6] = (unsigned char)(seq >> 8);
	th[7] = (unsigned char)seq;
	th[12] = 5 << 4;
	th[13] = flags;
	th[14] = 0x20;	/* window 8192 */
	for (i = 0; i < data; i++)
		th[20 + i] = (unsigned char)i;
	memcpy(ph, ip + 12, 8);
	ph[8] = 0;
	ph[9] = 6;
	ph[10] = (unsigned char)((20 + data) >> 8);
	ph[11] = (unsigned char)(20 + data);
	for (i = 0; i < 12; i += 2)
		sum += (uint32_t)ph[i] << 8 | ph[i + 1];
	i = csum(th, 20 + data, sum);
	th[16] = (unsigned char)(i >> 8);
	th[17] = (unsigned char)i;
	i = csum(ip, 20, 0);
	ip[10] = (unsigned char)(i >> 8);
	ip[11] = (unsigned char)i;
	return 14 + 40 + data;
}

/* Recompute the TCP checksum of the frame @f of @len bytes. */
static void tcp_sum(unsigned char *f, size_t len)
{
	unsigned char *ip = f + 14, *th = ip + 20;
	size_t tl = len - 34, i;
	uint32_t sum = 6 + (uint32_t)tl;

	for (i = 12; i < 20; i += 2)
		sum += (uint32_t)ip[i] << 8 | ip[i + 1];
	th[16] = th[17] = 0;
	i = csum(th, tl, sum);
	th[16] = (unsigned char)(i >> 8);
	th[17] = (unsigned char)i;
}

static int raw_send(const struct raw *r, const unsigned char *f, size_t len)
{
	while (sendto(r->fd, f, len, 0, (const struct sockaddr *)&r->to, sizeof(r->to)) < 0) {
		if (errno != ENOBUFS && errno != EAGAIN)
			return -1;
		usleep(1000);
	}
	return 0;
}

#define JUNK_KINDS	16

/* Frame @i of the junk run: kind i % JUNK_KINDS. */
static size_t frame_junk(const struct raw *r, unsigned char *f, unsigned int i)
{
	unsigned int k = i % JUNK_KINDS, j;
	uint16_t sport = (uint16_t)(20000 + i % 20000);
	size_t n = frame_tcp(r, f, r->src, sport, 7, i * 2654435761u, 0x02, 0);
	unsigned char *ip = f + 14, *th = ip + 20;

	switch (k) {
	case 0: f[12] = 0x88; f[13] = 0xb5; return 14;	/* header only, other type */
	case 1: return 14;				/* IPv4 type, no header */
	case 2: return 14 + 12;				/* half an IPv4 header */
	case 3: ip[0] = 0x65; return n;			/* version 6 */
	case 4: ip[0] = 0x43; return n;			/* IHL 3 */
	case 5: ip[2] = 0x05; ip[3] = 0xdc; return n;	/* total length 1500 */
	case 6: ip[10] ^= 0x5a; return n;		/* IP checksum */
	case 7: th[17] ^= 0xa5; return n;		/* TCP checksum */
	case 8: th[12] = (i & 1) ? 0x10 : 0xf0;		/* doff 1, or past the end */
		tcp_sum(f, n);
		return n;
	case 9: return frame_tcp(r, f, r->src, sport, 7, i, 0x3f, 8);	/* every flag */
	case 10: return frame_tcp(r, f, r->src, sport, 7, i * 7919u, 0x04, 0);	/* stray RST */
	case 11: return frame_tcp(r, f, r->src, sport, 7, i, 0x10, 16);	/* stray ACK + data */
	case 12: ip[6] = 0x20; return n;		/* a fragment (MF) */
	case 13:					/* truncated ARP */
		f[12] = 0x08; f[13] = 0x06;
		memset(ip, 0xff, 8);
		return 14 + 8;
	case 14:					/* ICMP echo, cut short */
		ip[9] = 1; ip[2] = 0; ip[3] = 28;
		ip[10] = ip[11] = 0;
		j = csum(ip, 20, 0);
		ip[10] = (unsigned char)(j >> 8); ip[11] = (unsigned char)j;
		th[0] = 8;
		return 14 + 22;
	default:					/* garbage after a v4 header */
		for (j = 14; j < 200; j++)
			f[j] = (unsigned char)(j * 131 + i);
		f[14] = 0x45;
		return 200;
	}
}

static int run_junk(struct raw *r, long count)
{
	unsigned char f[1600];
	long i;

	for (i = 0; i < count; i++)
		if (raw_send(r, f, frame_junk(r, f, (unsigned int)i))) {
			perror("junk: sendto");
			return 1;
		}
	printf("%ld malformed frames of %d kinds sent\n", count, JUNK_KINDS);
	return 0;
}

static int run_synflood(struct raw *r, int port, long count)
{
	unsigned char f[128];
	double t0 = now();
	long i;

	for (i = 0; i < count; i++) {
		uint32_t src = htonl(0x0a4e0000u | (100 + (uint32_t)(i % 150)));

		if (raw_send(r, f, frame_tcp(r, f, src, (uint16_t)(1024 + (i * 7) % 60000),
					    (uint16_t)port, (uint32_t)i * 2654435761u, 0x02, 0))) {
			perror("synflood: sendto");
			return 1;
		}
	}
	printf("%ld spoofed SYNs sent in %.2f s\n", count, now() - t0);
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in to;

	if (argc < 2)
		return usage();
	if (!strcmp(argv[1], "echo") && argc == 7) {
		int conns = atoi(argv[4]), conc = atoi(argv[5]);
		uint64_t bytes = strtoull(argv[6], NULL, 0);

		if (parse_addr(argv[2], argv[3], &to) || conns < 1 || conc < 1 || !bytes)
			return usage();
		return run_echo(&to, conns, conc > conns ? conns : conc, bytes);
	}
	if (!strcmp(argv[1], "hold") && argc == 5) {
		if (parse_addr(argv[2], argv[3], &to))
			return usage();
		return run_hold(&to, atoi(argv[4]));
	}
	if (!strcmp(argv[1], "many") && argc == 6) {
		if (parse_addr(argv[2], argv[3], &to))
			return usage();
		return run_many(&to, atoi(argv[4]), atoi(argv[5]));
	}
	if (!strcmp(argv[1], "get") && argc == 4) {
		if (parse_addr(argv[2], argv[3], &to))
			return usage();
		return run_get(&to);
	}
	if (!strcmp(argv[1], "junk") && argc == 6) {
		struct raw r;

		return raw_open(&r, argv[2], argv[3], argv[4]) ? 1 : run_junk(&r, atol(argv[5]));
	}
	if (!strcmp(argv[1], "synflood") && argc == 7) {
		struct raw r;

		return raw_open(&r, argv[2], argv[3], argv[4]) ? 1 :
		       run_synflood(&r, atoi(argv[5]), atol(argv[6]));
	}
	return usage();
}
