/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fd - socket-like descriptors over TCP connections (components/fd), the
 * paper's fd api: what applications such as the webserver call. Data
 * passes through the calling thread's argument region, as in net.h.
 *
 *   fd_socket()               an unbound TCP descriptor (> 0); -EMFILE
 *   fd_bind(fd, port)         the port to listen on: 0; -EINVAL
 *   fd_listen(fd, backlog)    listen: 0; -EADDRINUSE, -ENOMEM, -EINVAL
 *   fd_accept(fd, flags)      a new descriptor for the next connection;
 *                             blocks until one comes unless FD_NONBLOCK
 *                             (-EAGAIN then); -EMFILE
 *   fd_connect(fd, addr, port)  connect to IPv4 addr (host byte order);
 *                             blocks until established: 0; -ECONNREFUSED
 *   fd_read(fd, max, flags)   up to max bytes (1 .. COS_ARG_SIZE) into the
 *                             argument region: how many; 0 at the end of
 *                             the stream; blocks while none unless
 *                             FD_NONBLOCK (-EAGAIN); -ECONNRESET
 *   fd_write(fd, len, flags)  len bytes from the argument region: how many
 *                             were taken; blocks until at least one is,
 *                             unless FD_NONBLOCK (-EAGAIN); -EPIPE
 *   fd_shutdown(fd)           no more writes (a FIN): 0
 *   fd_close(fd)              0
 *   fd_wset()                 a wait set, itself a descriptor
 *   fd_wadd(set, fd)          report fd's readiness to the set from now on
 *                             (edge-triggered: once per change); an fd is
 *                             in at most one set: 0; -EBUSY
 *   fd_netstat(i)             the stack's counter i (net_stat, NET_STAT_*)
 *   fd_wait(set, max, ns)     block until descriptors of the set were
 *                             signalled, or until ns (CLOCK_MONOTONIC, 0
 *                             none): at most max (1 .. FD_WAIT_MAX)
 *                             struct fd_ready in the argument region,
 *                             their count; 0 at the deadline
 *
 * Descriptors belong to the component that made them: another gets
 * -EBADF. An fd in a set is the set's: its blocking calls wait on the
 * set's event too (use FD_NONBLOCK there). Edge-triggered: a descriptor
 * comes back from fd_wait once per change of its readiness, so read or
 * accept until -EAGAIN before waiting again.
 */
#ifndef COS_IFACE_FD_H
#define COS_IFACE_FD_H

#include "cos_iface.h"
#include "net.h"

#define FD_NONBLOCK	1

#define FD_READABLE	NET_READABLE
#define FD_WRITABLE	NET_WRITABLE
#define FD_ACCEPTABLE	NET_ACCEPTABLE
#define FD_HUP		NET_HUP
#define FD_ERROR	NET_ERROR

struct fd_ready {
	long fd;
	long status;		/* FD_* bits */
};
#define FD_WAIT_MAX	NET_POLL_MAX

#define FD_IFACE(FN)			\
	FN(fd, socket, 0)		\
	FN(fd, bind, 2)			\
	FN(fd, listen, 2)		\
	FN(fd, accept, 2)		\
	FN(fd, connect, 3)		\
	FN(fd, read, 3)			\
	FN(fd, write, 3)		\
	FN(fd, shutdown, 1)		\
	FN(fd, close, 1)		\
	FN(fd, wset, 0)			\
	FN(fd, wadd, 2)			\
	FN(fd, wait, 3)			\
	FN(fd, netstat, 1)

#endif
