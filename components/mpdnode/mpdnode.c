// SPDX-License-Identifier: GPL-2.0
/*
 * mpdnode - a node of the MPD stress graph (selftests/cos_mpd.c). Every
 * node serves walk0/1/2_step and calls three other nodes through its own
 * out-edges; the walk is a function of the seed only, so the host can
 * replay it and know every edge's exact count and every answer.
 *
 * Threads: cos_main walks in rounds of WALKS walks of HOPS hops and
 * prints "round R X" after each (X: the answers folded together);
 * node_probe(base, addr) reads one word at addr and exits with it.
 */
#include "cos_rt.h"
#include "bare.h"
#include "walk.h"

#define WALKS	40
#define HOPS	6

COS_IFACE_SERVER(WALK0_IFACE)
COS_IFACE_SERVER(WALK1_IFACE)
COS_IFACE_SERVER(WALK2_IFACE)

/* Out-edges: capability words only (a node serves walkN_step itself, so
 * the client stubs of COS_IFACE_CLIENT would clash with it). */
COS_CLIENT_CAP(walk0, step)
COS_CLIENT_CAP(walk1, step)
COS_CLIENT_CAP(walk2, step)

/* What a walk ending here answers: this slot, seen from any address in
 * its first 4 GiB. The host reads it with node_probe too. */
volatile unsigned long node_tag = 1;

unsigned long walk_mix(unsigned long x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdUL;
	x ^= x >> 33;
	return x;
}

static long node_step(long seed, long hops)
{
	unsigned long s, e;
	long r;

	if (hops <= 0)
		return (long)((unsigned long)&node_tag >> 32);
	s = walk_mix((unsigned long)seed);
	e = s % 3;
	if (e == 0)
		r = cos_call_2(__cos_cap_walk0_step, (long)s, hops - 1);
	else if (e == 1)
		r = cos_call_2(__cos_cap_walk1_step, (long)s, hops - 1);
	else
		r = cos_call_2(__cos_cap_walk2_step, (long)s, hops - 1);
	if (r < 0)
		return r;
	return (long)(((unsigned long)r * 31 + e) & 0x7fffffffffffffffUL);
}

long walk0_step(long seed, long hops) { return node_step(seed, hops); }
long walk1_step(long seed, long hops) { return node_step(seed, hops); }
long walk2_step(long seed, long hops) { return node_step(seed, hops); }

long node_probe(unsigned long base, unsigned long addr)
{
	(void)base;
	return (long)*(volatile unsigned long *)addr;
}

long cos_main(unsigned long base, unsigned long data)
{
	unsigned long t = (unsigned long)cos_thread(), round, w, x;
	long r;

	(void)base;
	(void)data;
	for (round = 0;; round++) {
		for (x = 0, w = 0; w < WALKS; w++) {
			r = node_step((long)walk_mix(t * 1000003 + round * 1009 + w + 1), HOPS);
			if (r < 0) {
				printc("walk %lu of round %lu: error %ld\n", w, round, r);
				return 1;
			}
			x = x * 3 + (unsigned long)r;
		}
		printc("round %lu %lx\n", round, x);
	}
}
