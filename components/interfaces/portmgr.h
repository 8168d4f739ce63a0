/* SPDX-License-Identifier: GPL-2.0 */
/*
 * portmgr - the port namespace (components/portmgr): which TCP ports are
 * taken, and by which component. The tcp component asks it before it
 * binds a listener or picks a local port for a connection.
 *
 *   portmgr_bind(port)   take port (1 .. 65535) for the caller: 0;
 *                        -EADDRINUSE taken; -EINVAL out of range
 *   portmgr_new()        a free port of the ephemeral range
 *                        (PORTMGR_EPHEMERAL_LO .. 65535), taken: the
 *                        port; -EADDRNOTAVAIL none free
 *   portmgr_free(port)   give it back: 0; -EPERM not the caller's;
 *                        -ENOENT not taken
 *   portmgr_count()      ports taken now
 */
#ifndef COS_IFACE_PORTMGR_H
#define COS_IFACE_PORTMGR_H

#include "cos_iface.h"

#define PORTMGR_EPHEMERAL_LO	49152

#define PORTMGR_IFACE(FN)		\
	FN(portmgr, bind, 1)		\
	FN(portmgr, new, 0)		\
	FN(portmgr, free, 1)		\
	FN(portmgr, count, 0)

#endif
