// SPDX-License-Identifier: GPL-2.0
/*
 * sched - the scheduler component: fixed priorities, round robin within a
 * priority, blocking on channels and on time (interface: sched.h).
 *
 * Its own thread, the scheduler thread (cos_main), takes the kernel's
 * upcalls: it collects events (ticks, threads the host created, threads
 * that exited or faulted, I/O rings with work), then switches to the first thread of the
 * highest priority that has one ready, or idles until the earliest
 * deadline. Other threads enter through the interface to block, wake,
 * yield: they pick the next thread and switch to it themselves.
 *
 * No locks: the kernel never preempts code running in this component
 * (cos.h, COS_SCHED_CONFIG) and one host thread runs the system, so every
 * function below runs whole. It must therefore never call another
 * component while its data is half updated; it prints with COS_OP_PRINT
 * directly, never through the printer.
 *
 * The system ends when every thread the host created has exited: the
 * scheduler exits with the first non-zero status (a fault counts as 128 +
 * the vector).
 */
#include "cos_rt.h"
#include "bare.h"
#include "cos_sched_ops.h"
#include "sched.h"

COS_IFACE_SERVER(SCHED_IFACE)

#define NTHD	COS_MAX_THREADS
#define NCHAN	256
#define NONE	(-1)

enum { T_FREE, T_READY, T_BLOCKED };

struct thd {
	int state;
	int prio;			/* SCHED_PRIO_MAX .. SCHED_PRIO_MIN */
	int host;			/* the host created it */
	int next;			/* ready queue, or a channel's waiters */
	int chan;			/* blocked on, or NONE */
	int timed_out;
	unsigned long deadline;		/* blocked until; 0: none */
	unsigned long period, next_period;
};

struct chan {
	int head, tail;			/* waiters, FIFO */
	int token;
};

static struct thd thds[NTHD];
static int rq_head[SCHED_PRIO_MIN + 1], rq_tail[SCHED_PRIO_MIN + 1];
static struct chan chans[NCHAN];
static int nchans;
static long sched_thd;			/* the scheduler thread */
static long cur = NONE;			/* the thread switched to last */
static int host_live;
static long exit_status;
static long io_chan[COS_IO_MAX];	/* channel + 1 per I/O attachment */

/* ---- ready queues --------------------------------------------------------- */

static void rq_add(int t)
{
	int p = thds[t].prio;

	thds[t].next = NONE;
	if (rq_tail[p] == NONE)
		rq_head[p] = t;
	else
		thds[rq_tail[p]].next = t;
	rq_tail[p] = t;
}

static void rq_del(int t)
{
	int p = thds[t].prio, prev = NONE, i;

	for (i = rq_head[p]; i != NONE && i != t; i = thds[i].next)
		prev = i;
	if (i == NONE)
		return;
	if (prev == NONE)
		rq_head[p] = thds[t].next;
	else
		thds[prev].next = thds[t].next;
	if (rq_tail[p] == t)
		rq_tail[p] = prev;
}

static int rq_pick(void)
{
	int p;

	for (p = SCHED_PRIO_MAX; p <= SCHED_PRIO_MIN; p++)
		if (rq_head[p] != NONE)
			return rq_head[p];
	return NONE;
}

/* ---- channels --------------------------------------------------------------- */

static void chan_del(int ch, int t)
{
	struct chan *c = &chans[ch];
	int prev = NONE, i;

	for (i = c->head; i != NONE && i != t; i = thds[i].next)
		prev = i;
	if (i == NONE)
		return;
	if (prev == NONE)
		c->head = thds[t].next;
	else
		thds[prev].next = thds[t].next;
	if (c->tail == t)
		c->tail = prev;
}

static void wake(int t, int timed_out)
{
	struct thd *d = &thds[t];

	if (d->state != T_BLOCKED)
		return;
	if (d->chan != NONE)
		chan_del(d->chan, t);
	d->chan = NONE;
	d->deadline = 0;
	d->timed_out = timed_out;
	d->state = T_READY;
	rq_add(t);
}

/* ---- switching ---------------------------------------------------------- */

static int valid_prio(long prio)
{
	return prio >= SCHED_PRIO_MAX && prio <= SCHED_PRIO_MIN;
}

static unsigned long next_deadline(void);

/*
 * cos_switch, as a full compiler barrier for this file's state: another
 * thread runs scheduler code before the switch returns, but the compiler
 * may prove that nothing outside this file can reach these statics and
 * keep them in registers across the asm's "memory" clobber. Handing
 * their addresses to the asm makes them reachable from it.
 */
static long sched_switch(unsigned long thd, unsigned long timeout)
{
	long ret;

	asm volatile("" : : "r"(thds), "r"(chans), "r"(rq_head), "r"(rq_tail),
		     "r"(&cur), "r"(&nchans), "r"(&host_live) : "memory");
	ret = cos_switch(thd, timeout);
	asm volatile("" : : "r"(thds), "r"(chans), "r"(rq_head), "r"(rq_tail),
		     "r"(&cur), "r"(&nchans), "r"(&host_live) : "memory");
	return ret;
}

/*
 * From thread @self in this component: run @next (itself: nothing). The
 * kernel wakes the scheduler thread at the next deadline, so a timed
 * block ends on time, not at the next tick.
 */
static void run(long self, int next)
{
	long ret;

	if (next == NONE)
		next = (int)sched_thd;
	if (next == self)
		return;
	cur = next;
	ret = sched_switch((unsigned long)next, next_deadline());
	if (ret < 0 && self != sched_thd) {
		/* The kernel knows better: let the scheduler thread sort it. */
		cur = sched_thd;
		sched_switch((unsigned long)sched_thd, 0);
	} else if (ret < 0) {
		/* It can never run (an FPU thread): park it, or we spin. */
		printc("thread %d cannot run (%ld): parked\n", next, ret);
		rq_del(next);
		thds[next].state = T_BLOCKED;
		thds[next].chan = NONE;
		thds[next].deadline = 0;
	}
}

/* @self blocks (on @ch, until @deadline) and returns once woken. */
static int block(long self, int ch, unsigned long deadline)
{
	struct thd *d = &thds[self];

	rq_del((int)self);
	d->state = T_BLOCKED;
	d->chan = ch;
	d->deadline = deadline;
	d->timed_out = 0;
	if (ch != NONE) {
		struct chan *c = &chans[ch];

		d->next = NONE;
		if (c->tail == NONE)
			c->head = (int)self;
		else
			thds[c->tail].next = (int)self;
		c->tail = (int)self;
	}
	while (d->state == T_BLOCKED)
		run(self, rq_pick());
	return d->timed_out;
}

/* After waking @t: strict priority, a better thread runs at once. */
static void preempt_for(long self, int t)
{
	if (thds[t].state == T_READY && self >= 0 && self < NTHD &&
	    thds[self].state == T_READY && thds[t].prio < thds[self].prio)
		run(self, t);
}

static long self_thd(void)
{
	long t = cos_thread();

	return t >= 0 && t < NTHD && thds[t].state == T_READY ? t : NONE;
}

/* ---- the interface --------------------------------------------------------- */

long sched_yield(void)
{
	long self = self_thd();

	if (self == NONE)
		return -EINVAL;
	rq_del((int)self);
	rq_add((int)self);
	run(self, rq_pick());
	return 0;
}

long sched_thd_create(long entry, long fn, long arg, long prio,
		      COS_CALLER_PARAMS(4))
{
	long t;

	if (!prio)
		prio = SCHED_PRIO_DEFAULT;
	if (!valid_prio(prio))
		return -EINVAL;
	t = cos_thd_create_op((unsigned long)cos_caller(), (unsigned long)entry,
			      fn, arg);
	if (t < 0)
		return t;
	thds[t] = (struct thd){ .state = T_READY, .prio = (int)prio,
				.chan = NONE, .next = NONE };
	rq_add((int)t);
	preempt_for(self_thd(), (int)t);
	return t;
}

long sched_sleep_until(long ns)
{
	long self = self_thd();

	if (self == NONE || ns <= 0)
		return -EINVAL;
	if ((unsigned long)ns > cos_now())
		block(self, NONE, (unsigned long)ns);
	return 0;
}

long sched_chan_alloc(void)
{
	if (nchans == NCHAN)
		return -ENOSPC;
	chans[nchans] = (struct chan){ .head = NONE, .tail = NONE };
	return nchans++;
}

long sched_chan_wait(long ch, long ns)
{
	long self = self_thd();

	if (self == NONE || ch < 0 || ch >= nchans || ns < 0)
		return -EINVAL;
	if (chans[ch].token) {
		chans[ch].token = 0;
		return 0;
	}
	if (ns && (unsigned long)ns <= cos_now())
		return 1;
	return block(self, (int)ch, (unsigned long)ns);
}

/* Hand @ch's token to its first waiter, or leave it: that waiter. */
static int chan_signal(long ch)
{
	int t = chans[ch].head;

	if (t == NONE)
		chans[ch].token = 1;
	else
		wake(t, 0);
	return t;
}

long sched_chan_post(long ch)
{
	int t;

	if (ch < 0 || ch >= nchans)
		return -EINVAL;
	t = chan_signal(ch);
	if (t != NONE)
		preempt_for(self_thd(), t);
	return 0;
}

/* The channel of I/O attachment @io (COS_SEV_IO), made on first use. */
static long io_chan_of(long io)
{
	long ch;

	if (io < 0 || io >= COS_IO_MAX)
		return -EINVAL;
	if (!io_chan[io]) {
		ch = sched_chan_alloc();
		if (ch < 0)
			return ch;
		io_chan[io] = ch + 1;
	}
	return io_chan[io] - 1;
}

long sched_io_wait(long io, long ns)
{
	long ch = io_chan_of(io);

	return ch < 0 ? ch : sched_chan_wait(ch, ns);
}

long sched_set_prio(long t, long prio)
{
	if (t < 0 || t >= NTHD || thds[t].state == T_FREE || !valid_prio(prio))
		return -EINVAL;
	if (thds[t].state == T_READY) {
		rq_del((int)t);
		thds[t].prio = (int)prio;
		rq_add((int)t);
	} else {
		thds[t].prio = (int)prio;
	}
	/* a lower priority may hand the CPU to someone better at once */
	if (t == cos_thread())
		run(t, rq_pick());
	return 0;
}

long sched_periodic(long period)
{
	long self = self_thd();

	if (self == NONE || period <= 0)
		return -EINVAL;
	thds[self].period = (unsigned long)period;
	thds[self].next_period = cos_now() + (unsigned long)period;
	return 0;
}

long sched_wait_period(void)
{
	long self = self_thd();
	struct thd *d;
	unsigned long now, missed = 0;

	if (self == NONE || !thds[self].period)
		return -EINVAL;
	d = &thds[self];
	now = cos_now();
	if (d->next_period > now) {
		block(self, NONE, d->next_period);
	} else {
		missed = (now - d->next_period) / d->period;
		d->next_period += missed * d->period;
	}
	d->next_period += d->period;
	return (long)missed;
}

/* ---- the scheduler thread ------------------------------------------------ */

static void thd_done(int t, long status)
{
	struct thd *d = &thds[t];

	if (d->state == T_READY)
		rq_del(t);
	else if (d->state == T_BLOCKED && d->chan != NONE)
		chan_del(d->chan, t);
	d->state = T_FREE;
	cos_thd_destroy_op((unsigned long)t);
	if (status && !exit_status)
		exit_status = status;
	if (d->host && !--host_live)
		cos_exit(exit_status);
}

static void timeouts(void)
{
	unsigned long now = cos_now();
	int t;

	for (t = 0; t < NTHD; t++)
		if (thds[t].state == T_BLOCKED && thds[t].deadline &&
		    thds[t].deadline <= now)
			wake(t, 1);
}

static unsigned long next_deadline(void)
{
	unsigned long min = 0;
	int t;

	for (t = 0; t < NTHD; t++)
		if (thds[t].state == T_BLOCKED && thds[t].deadline &&
		    (!min || thds[t].deadline < min))
			min = thds[t].deadline;
	return min;
}

static void event(const struct cos_sched_event *e)
{
	long prio, ch;

	switch (e->type) {
	case COS_SEV_TICK:
		/* round robin: the preempted thread to the end of its queue */
		if (e->arg && cur != NONE && cur != sched_thd &&
		    thds[cur].state == T_READY) {
			rq_del((int)cur);
			rq_add((int)cur);
		}
		break;
	case COS_SEV_THD:
		if (e->thd >= NTHD || thds[e->thd].state != T_FREE)
			break;
		prio = e->arg ? (long)e->arg : SCHED_PRIO_DEFAULT;
		thds[e->thd] = (struct thd){ .state = T_READY, .host = 1,
			.prio = valid_prio(prio) ? (int)prio : SCHED_PRIO_DEFAULT,
			.chan = NONE, .next = NONE };
		host_live++;
		rq_add((int)e->thd);
		break;
	case COS_SEV_EXIT:
		if (e->thd < NTHD && thds[e->thd].state != T_FREE)
			thd_done((int)e->thd, (long)e->arg);
		break;
	case COS_SEV_FAULT:
		if (e->thd < NTHD && thds[e->thd].state != T_FREE)
			thd_done((int)e->thd, 128 + (long)e->arg);
		break;
	case COS_SEV_IO:
		ch = io_chan_of((long)e->arg);
		if (ch >= 0)
			chan_signal(ch);
		break;
	case COS_SEV_LOST:
		/* an I/O event may be among them: wake every I/O waiter,
		 * which finds its ring as it is (a spurious wake-up is fine) */
		printc("%lu events lost\n", (unsigned long)e->arg);
		for (ch = 0; ch < COS_IO_MAX; ch++)
			if (io_chan[ch])
				chan_signal(io_chan[ch] - 1);
		break;
	}
}

long cos_main(unsigned long base, unsigned long data)
{
	struct cos_sched_event ev[16];
	int p, next;
	long n, i;

	(void)base;
	(void)data;
	sched_thd = cos_thread();
	for (p = 0; p <= SCHED_PRIO_MIN; p++)
		rq_head[p] = rq_tail[p] = NONE;
	for (;;) {
		while ((n = cos_sched_rcv(ev, 16)) > 0)
			for (i = 0; i < n; i++)
				event(&ev[i]);
		if (n < 0) {
			printc("cannot take events: %ld\n", n);
			return 1;
		}
		timeouts();
		next = rq_pick();
		if (next == NONE) {
			cur = sched_thd;
			cos_idle(next_deadline());
			continue;
		}
		run(sched_thd, next);
	}
}
