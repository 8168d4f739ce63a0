// SPDX-License-Identifier: GPL-2.0
/*
 * httpmini - a tiny HTTP responder over fd (docs/net.md), the demo the
 * webserver issue replaces: every GET or HEAD gets the same body, SIZE
 * bytes, then the connection is closed (HTTP/1.0, no keep-alive), on
 * port 80 or as the description says: `config httpmini port=N size=N`
 * (size at most HTTP_BODY_MAX). One thread, one wait set, non-blocking.
 *
 * Bad requests get a status and a close, never more of our memory: a
 * method other than GET or HEAD 501, a request head over HTTP_HEAD_MAX
 * bytes 431. Nothing of the request is parsed beyond its method and the
 * blank line that ends its head.
 */
#include "cos_rt.h"
#include "bare.h"
#include "fd.h"

COS_IFACE_CLIENT(FD_IFACE)

#define FD_SLOTS	513	/* descriptors are 1 .. 512 (fd.c) */
#define HTTP_HEAD_MAX	8192
#define HTTP_BODY_MAX	65536
#define HTTP_HDR_MAX	160

struct hconn {
	int open;
	int matched;		/* of "\r\n\r\n" at the end of what was read */
	unsigned int head;	/* request bytes read */
	char method[5];
	const char *out;	/* the response, once chosen */
	unsigned int out_len, out_off;
};

static struct hconn conns[FD_SLOTS];
static char ok_resp[HTTP_HDR_MAX + HTTP_BODY_MAX];
static unsigned int ok_len, ok_hdr_len;
static const char bad_method[] =
	"HTTP/1.0 501 Not Implemented\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
static const char too_large[] =
	"HTTP/1.0 431 Request Header Fields Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
static unsigned long served, refused;

static void http_close(long fd)
{
	fd_close(fd);
	conns[fd].open = 0;
}

/* Choose the response once the head is complete (or too long). */
static void http_respond(struct hconn *c, int complete)
{
	if (!complete) {
		c->out = too_large;
		c->out_len = sizeof(too_large) - 1;
		refused++;
	} else if (!memcmp(c->method, "GET ", 4)) {
		c->out = ok_resp;
		c->out_len = ok_len;
		served++;
	} else if (!memcmp(c->method, "HEAD", 4)) {
		c->out = ok_resp;
		c->out_len = ok_hdr_len;
		served++;
	} else {
		c->out = bad_method;
		c->out_len = sizeof(bad_method) - 1;
		refused++;
	}
}

static void http_serve(long fd)
{
	static const char end[] = "\r\n\r\n";
	struct hconn *c = &conns[fd];
	char *a = cos_args();
	long n, w, i;

	while (!c->out) {
		n = fd_read(fd, COS_ARG_SIZE, FD_NONBLOCK);
		if (n == -EAGAIN)
			return;
		if (n <= 0)
			goto out_close;		/* gone before it asked */
		for (i = 0; i < n && c->matched < 4; i++) {
			if (c->head + (unsigned long)i < 4)
				c->method[c->head + i] = a[i];
			c->matched = a[i] == end[c->matched] ? c->matched + 1 :
				     a[i] == '\r' ? 1 : 0;
		}
		c->head += (unsigned int)n;
		if (c->matched == 4)
			http_respond(c, 1);
		else if (c->head > HTTP_HEAD_MAX)
			http_respond(c, 0);
	}
	while (c->out_off < c->out_len) {
		n = c->out_len - c->out_off;
		if (n > COS_ARG_SIZE)
			n = COS_ARG_SIZE;
		memcpy(a, c->out + c->out_off, (unsigned long)n);
		w = fd_write(fd, n, FD_NONBLOCK);
		if (w == -EAGAIN)
			return;
		if (w < 0)
			goto out_close;
		c->out_off += (unsigned int)w;
	}
out_close:
	http_close(fd);
}

static long http_setup(long size)
{
	long i;

	if (size < 0 || size > HTTP_BODY_MAX)
		return -EINVAL;
	ok_hdr_len = (unsigned int)snprintf(ok_resp, HTTP_HDR_MAX,
		"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %ld\r\n"
		"Connection: close\r\n\r\n", size);
	for (i = 0; i < size; i++)
		ok_resp[ok_hdr_len + i] = (i + 1) % 64 ? (char)('a' + i % 26) : '\n';
	ok_len = ok_hdr_len + (unsigned int)size;
	return 0;
}

long cos_main(unsigned long base, unsigned long data)
{
	struct fd_ready ready[FD_WAIT_MAX];
	long lfd, set = -1, n = 0, i, nfd, port = 80, size = 11;
	char buf[16];

	(void)base;
	(void)data;
	if (cos_config("port", buf, sizeof(buf)))
		port = atoi(buf);
	if (cos_config("size", buf, sizeof(buf)))
		size = atoi(buf);
	if (http_setup(size)) {
		printc("size=%ld: at most %d bytes\n", size, HTTP_BODY_MAX);
		return 1;
	}
	lfd = fd_socket();
	if (lfd < 0 || fd_bind(lfd, port) || (n = fd_listen(lfd, 64)) ||
	    (set = fd_wset()) < 0 || fd_wadd(set, lfd)) {
		printc("cannot listen on port %ld (%ld)\n", port, lfd < 0 ? lfd : n);
		return 1;
	}
	printc("http on port %ld, %ld-byte body\n", port, size);
	for (;;) {
		n = fd_wait(set, FD_WAIT_MAX, 0);
		if (n < 0) {
			printc("fd_wait: %ld (served %lu, refused %lu)\n", n, served, refused);
			return 1;
		}
		memcpy(ready, cos_args(), (unsigned long)n * sizeof(ready[0]));
		for (i = 0; i < n; i++) {
			if (ready[i].fd != lfd) {
				if (ready[i].fd > 0 && ready[i].fd < FD_SLOTS && conns[ready[i].fd].open)
					http_serve(ready[i].fd);
				continue;
			}
			while ((nfd = fd_accept(lfd, FD_NONBLOCK)) > 0) {
				if (nfd >= FD_SLOTS || fd_wadd(set, nfd)) {
					fd_close(nfd);
					continue;
				}
				conns[nfd] = (struct hconn){ .open = 1 };
			}
		}
	}
}
