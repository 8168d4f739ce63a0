// SPDX-License-Identifier: GPL-2.0
/*
 * fd - socket-like descriptors over the tcp component (interface: fd.h).
 *
 * A descriptor is a slot of the table, numbered from 1, owned by the
 * component that made it. Blocking is the event manager's: each slot
 * gets an event the first time a call on it must wait, kept for the
 * slot's later descriptors (a stale trigger only costs one more look),
 * and the connection is told to trigger it (net_evt) only then; a
 * descriptor in a wait set signals the set's event instead, with its
 * number as the cookie net_poll hands back. No wake-up is lost: a
 * trigger with nobody waiting is kept by the event (evt.h), and net_evt
 * triggers at once if the connection is ready already.
 *
 * Concurrency: a slot is claimed with compare-and-swap, so threads may
 * open and close descriptors at once; calls on one descriptor from two
 * threads at once are the callers' business, as with POSIX sockets, and
 * can only confuse those callers (stale ids get -EBADF from tcp).
 */
#include "cos_rt.h"
#include "bare.h"
#include "evt.h"
#include "fd.h"

COS_IFACE_SERVER(FD_IFACE)
COS_IFACE_CLIENT(NET_IFACE)
COS_IFACE_CLIENT(EVT_IFACE)

#define FD_MAX	512	/* more than tcp's ids: those run out first, counted */

enum fd_kind { F_FREE, F_CLAIMED, F_SOCK, F_LISTEN, F_CONN, F_WSET };

struct fdesc {
	int kind;
	int registered;		/* net_evt done for its event */
	long owner;		/* component id */
	long net;		/* tcp's id (listener or connection) */
	long port;		/* F_SOCK: bound port */
	long set;		/* the wait set's descriptor, 0 none */
	long evt;		/* the slot's event, -1 not yet */
};

static struct fdesc fds[FD_MAX] = { [0 ... FD_MAX - 1] = { .evt = -1 } };

static long fd_claim(long owner, int kind)
{
	int i, free;

	for (i = 0; i < FD_MAX; i++) {
		free = F_FREE;
		if (!__atomic_compare_exchange_n(&fds[i].kind, &free, F_CLAIMED, 0,
						 __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			continue;
		fds[i].registered = 0;
		fds[i].owner = owner;
		fds[i].net = fds[i].port = fds[i].set = 0;
		__atomic_store_n(&fds[i].kind, kind, __ATOMIC_RELEASE);
		return i + 1;
	}
	return -EMFILE;
}

static struct fdesc *fd_get(long fd, long owner)
{
	struct fdesc *f;

	if (fd < 1 || fd > FD_MAX)
		return NULL;
	f = &fds[fd - 1];
	return __atomic_load_n(&f->kind, __ATOMIC_ACQUIRE) > F_CLAIMED &&
	       f->owner == owner ? f : NULL;
}

static void fd_release(struct fdesc *f)
{
	__atomic_store_n(&f->kind, F_FREE, __ATOMIC_RELEASE);
}

/* The slot's event, created on first use: its id or -errno. */
static long fd_slot_evt(struct fdesc *f)
{
	if (f->evt < 0)
		f->evt = evt_create();
	return f->evt;
}

/* The event @f's blocking calls wait on: its set's, or its own. */
static long fd_evt_of(struct fdesc *f)
{
	return f->set ? fds[f->set - 1].evt : fd_slot_evt(f);
}

/* Wait until @f's connection or listener may be ready: 0 or -errno. */
static long fd_block(struct fdesc *f, long fd)
{
	long evt = fd_evt_of(f), err;

	if (evt < 0)
		return evt;
	if (!f->registered) {
		err = net_evt(f->net, evt, fd);
		if (err)
			return err;
		f->registered = 1;
	}
	err = evt_wait(evt, 0);
	return err < 0 ? err : 0;
}

long fd_socket(COS_CALLER_PARAMS(0))
{
	return fd_claim(cos_caller(), F_SOCK);
}

long fd_bind(long fd, long port, COS_CALLER_PARAMS(2))
{
	struct fdesc *f = fd_get(fd, cos_caller());

	if (!f || f->kind != F_SOCK)
		return -EBADF;
	if (port < 1 || port > 65535)
		return -EINVAL;
	f->port = port;
	return 0;
}

long fd_listen(long fd, long backlog, COS_CALLER_PARAMS(2))
{
	struct fdesc *f = fd_get(fd, cos_caller());
	long id;

	if (!f || f->kind != F_SOCK)
		return -EBADF;
	if (!f->port)
		return -EINVAL;
	id = net_listen(f->port, backlog, -1);
	if (id < 0)
		return id;
	f->net = id;
	f->kind = F_LISTEN;
	return 0;
}

long fd_accept(long fd, long flags, COS_CALLER_PARAMS(2))
{
	long owner = cos_caller(), id, nfd, err;
	struct fdesc *f = fd_get(fd, owner);

	if (!f || f->kind != F_LISTEN)
		return -EBADF;
	for (;;) {
		id = net_accept(f->net, -1);
		if (id > 0)
			break;
		if (id != -EAGAIN || (flags & FD_NONBLOCK))
			return id;
		err = fd_block(f, fd);
		if (err)
			return err;
	}
	nfd = fd_claim(owner, F_CONN);
	if (nfd < 0) {
		net_close(id);
		return nfd;
	}
	fds[nfd - 1].net = id;
	return nfd;
}

long fd_connect(long fd, long addr, long port, COS_CALLER_PARAMS(3))
{
	struct fdesc *f = fd_get(fd, cos_caller());
	long id, st, err;

	if (!f || f->kind != F_SOCK)
		return -EBADF;
	id = net_connect(addr, port, -1);
	if (id < 0)
		return id;
	f->net = id;
	for (;;) {
		st = net_status(id);
		if (st < 0 || (st & NET_ERROR)) {
			err = st < 0 ? st : net_recv(id, 1);
			net_close(id);
			f->net = 0;
			f->registered = 0;
			return err < 0 ? err : -ECONNREFUSED;
		}
		if (st & NET_WRITABLE)
			break;
		err = fd_block(f, fd);
		if (err)
			return err;
	}
	f->kind = F_CONN;
	return 0;
}

long fd_read(long fd, long max, long flags, COS_CALLER_PARAMS(3))
{
	struct fdesc *f = fd_get(fd, cos_caller());
	long n, err;

	if (!f || f->kind != F_CONN)
		return -EBADF;
	for (;;) {
		n = net_recv(f->net, max);
		if (n != -EAGAIN || (flags & FD_NONBLOCK))
			return n;
		err = fd_block(f, fd);
		if (err)
			return err;
	}
}

long fd_write(long fd, long len, long flags, COS_CALLER_PARAMS(3))
{
	struct fdesc *f = fd_get(fd, cos_caller());
	long n, err;

	if (!f || f->kind != F_CONN)
		return -EBADF;
	for (;;) {
		n = net_send(f->net, len);
		if (n != -EAGAIN || (flags & FD_NONBLOCK))
			return n;
		err = fd_block(f, fd);
		if (err)
			return err;
	}
}

long fd_shutdown(long fd, COS_CALLER_PARAMS(1))
{
	struct fdesc *f = fd_get(fd, cos_caller());

	if (!f || f->kind != F_CONN)
		return -EBADF;
	return net_shutdown(f->net);
}

long fd_close(long fd, COS_CALLER_PARAMS(1))
{
	struct fdesc *f = fd_get(fd, cos_caller());
	long err = 0;

	if (!f)
		return -EBADF;
	if (f->kind == F_CONN || f->kind == F_LISTEN)
		err = net_close(f->net);
	fd_release(f);
	return err;
}

long fd_wset(COS_CALLER_PARAMS(0))
{
	long fd = fd_claim(cos_caller(), F_WSET);

	if (fd > 0 && fd_slot_evt(&fds[fd - 1]) < 0) {
		fd_release(&fds[fd - 1]);
		return -ENOMEM;
	}
	return fd;
}

long fd_wadd(long set, long fd, COS_CALLER_PARAMS(2))
{
	long owner = cos_caller(), err;
	struct fdesc *s = fd_get(set, owner), *f = fd_get(fd, owner);

	if (!s || s->kind != F_WSET || !f || (f->kind != F_CONN && f->kind != F_LISTEN))
		return -EBADF;
	if (f->set)
		return f->set == set ? 0 : -EBUSY;
	f->set = set;
	err = net_evt(f->net, s->evt, fd);
	if (err) {
		f->set = 0;
		return err;
	}
	f->registered = 1;
	return 0;
}

long fd_wait(long set, long max, long ns, COS_CALLER_PARAMS(3))
{
	struct fdesc *s = fd_get(set, cos_caller());
	long n;

	if (!s || s->kind != F_WSET)
		return -EBADF;
	if (max < 1 || max > FD_WAIT_MAX)
		return -EINVAL;
	for (;;) {
		/* struct net_ready is struct fd_ready: the cookies are fds */
		n = net_poll(s->evt, max);
		if (n)
			return n;
		n = evt_wait(s->evt, ns);
		if (n)
			return n == 1 ? 0 : n;
	}
}

long fd_netstat(long i)
{
	return net_stat(i);
}

long cos_main(unsigned long base, unsigned long data)
{
	(void)base;
	(void)data;
	return 0;
}
