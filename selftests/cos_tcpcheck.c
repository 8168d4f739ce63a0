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
			"       cos_tcpcheck hold ADDR PORT SECS\n");
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
	return usage();
}
