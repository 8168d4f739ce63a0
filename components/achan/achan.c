// SPDX-License-Identifier: GPL-2.0
/*
 * achan - asynchronous invocation channels (interface: achan.h).
 *
 * A channel is two single-producer single-consumer rings of messages, one
 * per direction, each end bound to one thread. A ring's producer only
 * moves its tail, its consumer only its head (atomics, release order after
 * the copy), so the rings need no lock under preemption or in any PD
 * layout. Waiting uses scheduler channels: "data" (the consumer waits for
 * a message) and "space" (the producer waits for a slot); each side posts
 * the other's after moving its index, and the channel token closes the
 * window between an empty check and the wait.
 */
#include "cos_rt.h"
#include "bare.h"
#include "achan.h"
#include "sched.h"

COS_IFACE_SERVER(ACHAN_IFACE)
COS_IFACE_CLIENT(SCHED_IFACE)

#define NCHANS	16

struct ring {
	unsigned long head, tail;	/* consumed, produced */
	long data, space;		/* scheduler channels */
	unsigned int len[ACHAN_DEPTH];
	char msg[ACHAN_DEPTH][ACHAN_MSG_MAX];
};

struct achan {
	long ready;			/* published last */
	long bound[2];			/* thread id + 1 of each end */
	struct ring dir[2];		/* [ACHAN_CLIENT]: requests */
};

static unsigned long nchans;
static struct achan chans[NCHANS];

long achan_create(void)
{
	unsigned long id = __atomic_fetch_add(&nchans, 1, __ATOMIC_RELAXED);
	struct achan *c;
	int d;

	if (id >= NCHANS)
		return -ENOSPC;
	c = &chans[id];
	for (d = 0; d < 2; d++) {
		c->dir[d].data = sched_chan_alloc();
		c->dir[d].space = sched_chan_alloc();
		if (c->dir[d].data < 0 || c->dir[d].space < 0)
			return -ENOSPC;
	}
	__atomic_store_n(&c->ready, 1, __ATOMIC_RELEASE);
	return (long)id;
}

/* Channel @id's end @end for the calling thread, which binds to it. */
static struct achan *achan_end(long id, long end)
{
	long me = cos_thread() + 1, none = 0;
	struct achan *c;

	if (id < 0 || id >= NCHANS || (end != ACHAN_CLIENT && end != ACHAN_SERVER))
		return NULL;
	c = &chans[id];
	if (!__atomic_load_n(&c->ready, __ATOMIC_ACQUIRE))
		return NULL;
	if (__atomic_load_n(&c->bound[end], __ATOMIC_RELAXED) != me &&
	    !__atomic_compare_exchange_n(&c->bound[end], &none, me, 0,
					 __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		return (struct achan *)-1;
	return c;
}

long achan_send(long id, long end, long len)
{
	struct achan *c = achan_end(id, end);
	struct ring *r;
	unsigned long t;

	if (!c || len < 0 || len > ACHAN_MSG_MAX)
		return -EINVAL;
	if (c == (struct achan *)-1)
		return -EBUSY;
	r = &c->dir[end];		/* the client sends requests */
	t = r->tail;
	while (t - __atomic_load_n(&r->head, __ATOMIC_ACQUIRE) == ACHAN_DEPTH)
		sched_chan_wait(r->space, 0);
	memcpy(r->msg[t % ACHAN_DEPTH], cos_args(), (size_t)len);
	r->len[t % ACHAN_DEPTH] = (unsigned int)len;
	__atomic_store_n(&r->tail, t + 1, __ATOMIC_RELEASE);
	sched_chan_post(r->data);
	return 0;
}

long achan_recv(long id, long end)
{
	struct achan *c = achan_end(id, end);
	struct ring *r;
	unsigned long h;
	unsigned int len;

	if (!c)
		return -EINVAL;
	if (c == (struct achan *)-1)
		return -EBUSY;
	r = &c->dir[!end];		/* the client receives responses */
	h = r->head;
	while (__atomic_load_n(&r->tail, __ATOMIC_ACQUIRE) == h)
		sched_chan_wait(r->data, 0);
	len = r->len[h % ACHAN_DEPTH];
	memcpy(cos_args(), r->msg[h % ACHAN_DEPTH], len);
	__atomic_store_n(&r->head, h + 1, __ATOMIC_RELEASE);
	sched_chan_post(r->space);
	return len;
}

long cos_main(unsigned long base, unsigned long data)
{
	(void)base;
	(void)data;
	return 0;
}
