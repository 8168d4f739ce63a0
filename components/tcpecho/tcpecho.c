// SPDX-License-Identifier: GPL-2.0
/*
 * tcpecho - a TCP echo service over fd (docs/net.md): every byte a client
 * sends comes back, on port 7 or the description's `config tcpecho
 * port=N`. One thread serves every connection from one wait set. A
 * client that does not read gets no more than one argument region of
 * its data held here: the service stops reading from it until that is
 * sent, so its window closes and it alone waits. On port 8 (or
 * statport=N) every connection gets the stack's counters as text lines
 * "NAME VALUE", then the close (the tests read them).
 */
#include "cos_rt.h"
#include "bare.h"
#include "fd.h"

COS_IFACE_CLIENT(FD_IFACE)

#define FD_SLOTS	513	/* descriptors are 1 .. 512 (fd.c) */

struct econn {
	int open, eof;
	unsigned int off, len;	/* bytes read and not yet written back */
	char buf[COS_ARG_SIZE];
};

static struct econn conns[FD_SLOTS];
static unsigned long served, bytes;

static void echo_close(long fd)
{
	fd_close(fd);
	conns[fd].open = 0;
	served++;
}

/* Move what is pending and what can be read now; never blocks. */
static void echo_serve(long fd)
{
	struct econn *c = &conns[fd];
	char *a = cos_args();
	long n, w;

	for (;;) {
		if (c->len) {
			memcpy(a, c->buf + c->off, c->len);
			w = fd_write(fd, c->len, FD_NONBLOCK);
			if (w == -EAGAIN)
				return;
			if (w < 0)
				goto out_close;
			bytes += (unsigned long)w;
			c->off += (unsigned int)w;
			c->len -= (unsigned int)w;
			if (c->len)
				continue;
		}
		if (c->eof)
			goto out_close;
		n = fd_read(fd, COS_ARG_SIZE, FD_NONBLOCK);
		if (n == -EAGAIN)
			return;
		if (n <= 0) {
			if (n == 0)
				fd_shutdown(fd);
			goto out_close;
		}
		w = fd_write(fd, n, FD_NONBLOCK);
		if (w == -EAGAIN)
			w = 0;
		if (w < 0)
			goto out_close;
		bytes += (unsigned long)w;
		if (w < n) {	/* the rest waits for room */
			memcpy(c->buf, a + w, (unsigned long)(n - w));
			c->off = 0;
			c->len = (unsigned int)(n - w);
		}
	}
out_close:
	echo_close(fd);
}

static const char *const stat_names[NET_STAT_N] = {
	"rx_frames", "rx_drop", "accepted", "refused", "open", "pool_err",
	"resets", "pcbs", "syn_dropped", "bad", "tx_drop", "slots_free", "rx_refused",
};

/* The stack's counters, as text, to a client of the stats port. */
static void echo_stats(long fd)
{
	char *a = cos_args(), text[512];
	long i, len = 0;

	for (i = 0; i < NET_STAT_N; i++)
		len += snprintf(text + len, sizeof(text) - (unsigned long)len, "%s %ld\n",
				stat_names[i], fd_netstat(i));
	len += snprintf(text + len, sizeof(text) - (unsigned long)len,
			"echo_served %lu\necho_bytes %lu\n", served, bytes);
	memcpy(a, text, (unsigned long)len);
	fd_write(fd, len, FD_NONBLOCK);
	fd_close(fd);
}

long cos_main(unsigned long base, unsigned long data)
{
	struct fd_ready ready[FD_WAIT_MAX];
	long lfd, sfd, set = -1, n = 0, i, nfd, port = 7, sport = 8;
	char buf[16];

	(void)base;
	(void)data;
	if (cos_config("port", buf, sizeof(buf)))
		port = atoi(buf);
	if (cos_config("statport", buf, sizeof(buf)))
		sport = atoi(buf);
	lfd = fd_socket();
	sfd = fd_socket();
	if (lfd < 0 || sfd < 0 || fd_bind(lfd, port) || (n = fd_listen(lfd, 64)) ||
	    fd_bind(sfd, sport) || (n = fd_listen(sfd, 4)) ||
	    (set = fd_wset()) < 0 || fd_wadd(set, lfd) || fd_wadd(set, sfd)) {
		printc("cannot listen on ports %ld and %ld (%ld)\n", port, sport,
		       lfd < 0 ? lfd : sfd < 0 ? sfd : n);
		return 1;
	}
	printc("echo on port %ld, counters on port %ld\n", port, sport);
	for (;;) {
		n = fd_wait(set, FD_WAIT_MAX, 0);
		if (n < 0) {
			printc("fd_wait: %ld\n", n);
			return 1;
		}
		memcpy(ready, cos_args(), (unsigned long)n * sizeof(ready[0]));
		for (i = 0; i < n; i++) {
			if (ready[i].fd == sfd) {
				while ((nfd = fd_accept(sfd, FD_NONBLOCK)) > 0)
					echo_stats(nfd);
				continue;
			}
			if (ready[i].fd != lfd) {
				if (ready[i].fd > 0 && ready[i].fd < FD_SLOTS && conns[ready[i].fd].open)
					echo_serve(ready[i].fd);
				continue;
			}
			while ((nfd = fd_accept(lfd, FD_NONBLOCK)) > 0) {
				if (nfd >= FD_SLOTS || fd_wadd(set, nfd)) {
					fd_close(nfd);
					continue;
				}
				conns[nfd] = (struct econn){ .open = 1 };
			}
		}
	}
}
