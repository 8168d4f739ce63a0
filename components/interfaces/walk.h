/* SPDX-License-Identifier: GPL-2.0 */
/*
 * walk - the interfaces of the MPD stress graph (components/mpdnode):
 * walkN_step(seed, hops) takes one more step of a random walk through
 * out-edge N of the node that serves it. Three interfaces with one
 * function each, so that a node can import each from a different node
 * (and serve all three itself).
 */
#ifndef COS_IFACE_WALK_H
#define COS_IFACE_WALK_H

#include "cos_iface.h"

#define WALK0_IFACE(FN)	FN(walk0, step, 2)
#define WALK1_IFACE(FN)	FN(walk1, step, 2)
#define WALK2_IFACE(FN)	FN(walk2, step, 2)

#endif
