// SPDX-License-Identifier: GPL-2.0
/*
 * cos_linuxsrv - the Linux-socket twins of the demo services, for the
 * comparisons of `cos bench tcp` (docs/net.md): the same programs as
 * components/tcpecho and components/httpmini (one thread, non-blocking,
 * edge-triggered readiness: epoll here, fd_wait there), written against
 * Linux's sockets, on the same veth in the same guest.
 *
 *   cos_linuxsrv echo ADDR PORT
 *   cos_linuxsrv http ADDR PORT SIZE
 *
 * Runs until killed. Prints "listening" once it is.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAXFD	65536
#define BUF	4096	/* what the components move a call: COS_ARG_SIZE */

struct lconn {
	int matched;
	unsigned int head, off, len;	/* http: request read; echo/http: pending */
	const char *out;
	char method[5];
	char buf[BUF];
};

static struct lconn *conns[MAXFD];
static char *ok_resp;
static unsigned int ok_len, ok_hdr_len;
static int http;

static void drop(int ep, int fd)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
	close(fd);
	free(conns[fd]);
	conns[fd] = NULL;
}

static void serve_echo(int ep, int fd, struct lconn *c)
{
	char a[BUF];
	ssize_t n, w;

	for (;;) {
		if (c->len) {
			w = send(fd, c->buf + c->off, c->len, MSG_NOSIGNAL);
			if (w < 0 && errno == EAGAIN)
				return;
			if (w < 0)
				break;
			c->off += (unsigned int)w;
			c->len -= (unsigned int)w;
			if (c->len)
				continue;
		}
		n = recv(fd, a, sizeof(a), 0);
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			if (n == 0)
				shutdown(fd, SHUT_WR);
			break;
		}
		w = send(fd, a, (size_t)n, MSG_NOSIGNAL);
		if (w < 0 && errno == EAGAIN)
			w = 0;
		if (w < 0)
			break;
		if (w < n) {
			memcpy(c->buf, a + w, (size_t)(n - w));
			c->off = 0;
			c->len = (unsigned int)(n - w);
		}
	}
	drop(ep, fd);
}

static void serve_http(int ep, int fd, struct lconn *c)
{
	static const char end[] = "\r\n\r\n";
	static const char bad[] =
		"HTTP/1.0 501 Not Implemented\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
	char a[BUF];
	ssize_t n, w, i;

	while (!c->out) {
		n = recv(fd, a, sizeof(a), 0);
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0)
			goto out;
		for (i = 0; i < n && c->matched < 4; i++) {
			if (c->head + i < 4)
				c->method[c->head + i] = a[i];
			c->matched = a[i] == end[c->matched] ? c->matched + 1 : a[i] == '\r' ? 1 : 0;
		}
		c->head += (unsigned int)n;
		if (c->matched == 4) {
			c->out = !memcmp(c->method, "GET ", 4) || !memcmp(c->method, "HEAD", 4) ?
				 ok_resp : bad;
			c->len = c->out == bad ? sizeof(bad) - 1 :
				 c->method[0] == 'H' ? ok_hdr_len : ok_len;
		} else if (c->head > 8192) {
			goto out;
		}
	}
	while (c->off < c->len) {
		n = c->len - c->off > BUF ? BUF : c->len - c->off;
		w = send(fd, c->out + c->off, (size_t)n, MSG_NOSIGNAL);
		if (w < 0 && errno == EAGAIN)
			return;
		if (w < 0)
			break;
		c->off += (unsigned int)w;
	}
out:
	drop(ep, fd);
}

int main(int argc, char **argv)
{
	struct epoll_event ev, evs[64];
	struct sockaddr_in a = { .sin_family = AF_INET };
	int lfd, ep, one = 1, n, i, fd;
	long size = 0;

	if (argc < 4 || (strcmp(argv[1], "echo") && strcmp(argv[1], "http")) ||
	    (argv[1][0] == 'h' && argc != 5) || inet_pton(AF_INET, argv[2], &a.sin_addr) != 1) {
		fprintf(stderr, "usage: cos_linuxsrv echo ADDR PORT | http ADDR PORT SIZE\n");
		return 2;
	}
	http = argv[1][0] == 'h';
	a.sin_port = htons((uint16_t)atoi(argv[3]));
	if (http) {
		size = atol(argv[4]);
		ok_resp = malloc(256 + (size_t)size);
		if (!ok_resp || size < 0)
			return 2;
		ok_hdr_len = (unsigned int)snprintf(ok_resp, 256,
			"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %ld\r\n"
			"Connection: close\r\n\r\n", size);
		for (i = 0; i < size; i++)
			ok_resp[ok_hdr_len + i] = (i + 1) % 64 ? (char)('a' + i % 26) : '\n';
		ok_len = ok_hdr_len + (unsigned int)size;
	}
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof(a)) || listen(lfd, 64)) {
		perror("cos_linuxsrv: listen");
		return 1;
	}
	ep = epoll_create1(0);
	ev.events = EPOLLIN;
	ev.data.fd = lfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
	printf("listening\n");
	fflush(stdout);
	for (;;) {
		n = epoll_wait(ep, evs, 64, -1);
		for (i = 0; i < n; i++) {
			if (evs[i].data.fd != lfd) {
				fd = evs[i].data.fd;
				if (conns[fd])
					(http ? serve_http : serve_echo)(ep, fd, conns[fd]);
				continue;
			}
			while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
				if (fd >= MAXFD || !(conns[fd] = calloc(1, sizeof(struct lconn)))) {
					close(fd);
					continue;
				}
				ev.events = EPOLLIN | EPOLLOUT | EPOLLET;
				ev.data.fd = fd;
				epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
			}
		}
	}
}
