// SPDX-License-Identifier: GPL-2.0
/*
 * schedtest - the scheduling and synchronisation tests, run in the guest by
 * selftests/cos_sched.c in several PD layouts. The driver thread (sysdesc:
 * priority 2) runs each test and prints one line per test:
 *	T <name> ok <figures>  |  T <name> FAIL <why>
 * and exits with the number of failures. Workers are threads this
 * component creates through the scheduler.
 */
#include "cos_rt.h"
#include "bare.h"
#include "cos_sched_ops.h"
#include "sched.h"
#include "lock.h"
#include "evt.h"
#include "achan.h"
#include "schedpeer.h"

COS_IFACE_CLIENT(SCHED_IFACE)
COS_IFACE_CLIENT(LOCK_IFACE)
COS_IFACE_CLIENT(EVT_IFACE)
COS_IFACE_CLIENT(ACHAN_IFACE)
COS_IFACE_CLIENT(SCHEDPEER_IFACE)
COS_IFACE_SERVER(SCHEDTEST_IFACE)

#define MS	1000000ul
#define TICK	(10 * MS)	/* schedtest.sys: tick 10000 */

static int failures;
static long done_evt;
static long alive;

#define result(name, ok, fmt, ...)					\
	do {								\
		int ok_ = (ok);						\
		if (!ok_)						\
			failures++;					\
		printc("T %s %s " fmt, name, ok_ ? "ok" : "FAIL",	\
		       ##__VA_ARGS__);					\
	} while (0)

static void spawn(long (*fn)(long), long arg, long prio)
{
	__atomic_fetch_add(&alive, 1, __ATOMIC_RELAXED);
	if (cos_thd_spawn(fn, arg, prio) < 0) {
		__atomic_fetch_sub(&alive, 1, __ATOMIC_RELAXED);
		failures++;
		printc("T spawn FAIL\n");
	}
}

static void worker_done(void)
{
	if (__atomic_sub_fetch(&alive, 1, __ATOMIC_RELEASE) == 0)
		evt_trigger(done_evt);
}

/* Wait for every worker; 0 when they did not all finish in @ms. */
static int join(unsigned long ms)
{
	unsigned long dl = cos_now() + ms * MS;

	while (__atomic_load_n(&alive, __ATOMIC_ACQUIRE))
		if (evt_wait(done_evt, (long)dl) == 1 &&
		    __atomic_load_n(&alive, __ATOMIC_ACQUIRE))
			return 0;
	return 1;
}

static void sleep_ms(unsigned long ms)
{
	sched_sleep_until((long)(cos_now() + ms * MS));
}

/* ---- strict priorities ----------------------------------------------------- */

static char order[16];
static unsigned long norder;
static long e1;

static void note(char c)
{
	order[__atomic_fetch_add(&norder, 1, __ATOMIC_RELAXED) % 15] = c;
}

static long prio_worker(long c)
{
	note((char)c);
	worker_done();
	return 0;
}

static long prio_high(long c)
{
	evt_wait(e1, 0);
	note((char)c);
	worker_done();
	return 0;
}

static long prio_low(long c)
{
	(void)c;
	note('1');
	evt_trigger(e1);	/* prio_high runs before this returns */
	note('2');
	worker_done();
	return 0;
}

static void test_prio(void)
{
	norder = 0;
	spawn(prio_worker, 'A', 7);
	spawn(prio_worker, 'B', 5);
	spawn(prio_worker, 'C', 6);
	join(5000);
	spawn(prio_high, 'H', 3);
	spawn(prio_low, 0, 6);
	join(5000);
	order[norder < 15 ? norder : 15] = 0;
	result("prio", !strcmp(order, "BCA1H2"), "order %s (want BCA1H2)\n",
	       order);
}

/* ---- round robin ---------------------------------------------------------- */

static volatile long stop;
static volatile unsigned long counts[4];

static long spin_worker(long i)
{
	while (!stop)
		counts[i]++;
	worker_done();
	return 0;
}

static void test_rr(void)
{
	unsigned long total = 0, min = ~0ul, max = 0;
	int i, ok;

	stop = 0;
	for (i = 0; i < 3; i++) {
		counts[i] = 0;
		spawn(spin_worker, i, 5);
	}
	sleep_ms(1500);
	stop = 1;
	join(5000);
	for (i = 0; i < 3; i++) {
		total += counts[i];
		min = counts[i] < min ? counts[i] : min;
		max = counts[i] > max ? counts[i] : max;
	}
	/* shares within 5 % of the fair third: 100 * 3 * c / total in 95..105 */
	ok = total && min * 300 / total >= 95 && max * 300 / total <= 105;
	result("rr", ok, "shares %lu %lu %lu per mille (fair 333, within 5 %%)\n",
	       counts[0] * 1000 / (total ? total : 1),
	       counts[1] * 1000 / (total ? total : 1),
	       counts[2] * 1000 / (total ? total : 1));
}

/* ---- a runaway loop --------------------------------------------------------- */

static void test_runaway(void)
{
	unsigned long spins;
	int ok;

	stop = 0;
	counts[0] = 0;
	if (schedpeer_spin_start(5) < 0)
		failures++;
	spawn(spin_worker, 0, 5);
	sleep_ms(500);
	spins = (unsigned long)schedpeer_spin_stop();
	stop = 1;
	ok = join(5000) && spins && counts[0];
	result("runaway", ok, "runaway %lu iterations, its neighbour %lu\n",
	       spins, counts[0]);
}

/* ---- the lock ----------------------------------------------------------------- */

static struct cos_lock lk;
static volatile unsigned long counter;

#define LOCK_ITERS	3000

static long lock_worker(long i)
{
	unsigned long v;
	int k;
	volatile int d;

	(void)i;
	for (k = 0; k < LOCK_ITERS; k++) {
		cos_lock_take(&lk);
		v = counter;
		for (d = 0; d < 5000; d++)
			;		/* preemption inside, by the tick */
		counter = v + 1;
		cos_lock_release(&lk);
	}
	worker_done();
	return 0;
}

static void test_lock(void)
{
	long calls;
	int i, ok;

	if (cos_lock_init(&lk)) {
		result("lock", 0, "lock_alloc\n");
		return;
	}
	counter = 0;
	for (i = 0; i < 4; i++)
		spawn(lock_worker, i, 5);
	ok = join(60000);
	ok = ok && counter == 4 * LOCK_ITERS && lk.slow > 0;
	result("lock", ok, "counter %lu (want %d), %lu fast and %lu slow takes+releases\n",
	       counter, 4 * LOCK_ITERS, lk.fast, lk.slow);

	/* uncontended: never the lock component (nor, so, the kernel) */
	cos_lock_init(&lk);
	calls = lock_calls();
	for (i = 0; i < 100000; i++) {
		cos_lock_take(&lk);
		cos_lock_release(&lk);
	}
	calls = lock_calls() - calls;
	ok = lk.fast == 200000 && lk.slow == 0 && calls == 0;
	result("lock_fast", ok, "%lu fast-path operations, %lu slow, %ld lock component calls\n",
	       lk.fast, lk.slow, calls);
}

/* ---- events ------------------------------------------------------------------ */

#define EV_PER_PRODUCER	400
#define EV_PRODUCERS	3
static long ev;
static long items, consumed, producing;
static unsigned long ev_seed[4];

long schedtest_deposit(void)
{
	return __atomic_add_fetch(&items, 1, __ATOMIC_ACQ_REL);
}

long schedtest_producer_done(void)
{
	worker_done();
	return 0;
}

static unsigned long xorshift(unsigned long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static long ev_producer(long i)
{
	long k;

	for (k = 0; k < EV_PER_PRODUCER; k++) {
		schedtest_deposit();
		evt_trigger(ev);
		switch (xorshift(&ev_seed[i]) % 16) {
		case 0:
			sched_yield();
			break;
		case 1:
			sched_sleep_until((long)(cos_now() + xorshift(&ev_seed[i]) % 2000000));
			break;
		}
	}
	worker_done();
	return 0;
}

static long ev_consumer(long i)
{
	long v;

	(void)i;
	for (;;) {
		v = __atomic_load_n(&items, __ATOMIC_ACQUIRE);
		if (v > 0) {
			if (__atomic_compare_exchange_n(&items, &v, v - 1, 0,
							__ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
				__atomic_add_fetch(&consumed, 1, __ATOMIC_ACQ_REL);
			continue;
		}
		if (__atomic_load_n(&consumed, __ATOMIC_ACQUIRE) ==
		    EV_PER_PRODUCER * EV_PRODUCERS) {
			evt_trigger(ev);	/* let the other consumer see it too */
			break;
		}
		evt_wait(ev, 0);
	}
	worker_done();
	return 0;
}

static void test_events(unsigned long seed)
{
	int ok;

	ev = evt_create();
	items = consumed = 0;
	ev_seed[0] = seed | 1;
	ev_seed[1] = (seed * 7) | 1;
	spawn(ev_consumer, 0, 5);
	spawn(ev_consumer, 1, 4);
	spawn(ev_producer, 0, 5);
	spawn(ev_producer, 1, 6);
	__atomic_fetch_add(&alive, 1, __ATOMIC_RELAXED);	/* schedpeer's */
	if (schedpeer_produce(ev, EV_PER_PRODUCER, (long)(seed * 13)) < 0)
		worker_done();
	ok = join(60000);
	(void)producing;
	result("events", ok && consumed == EV_PER_PRODUCER * EV_PRODUCERS,
	       "%ld of %d items consumed, %ld left (a lost wake-up would hang a consumer)\n",
	       consumed,
	       EV_PER_PRODUCER * EV_PRODUCERS, items);
}

/* ---- timed block ----------------------------------------------------------- */

static void test_timed(void)
{
	static const unsigned long ms[] = { 3, 17, 50 };
	unsigned long worst = 0, dl, now;
	long missed = 0;
	int i, round, ok = 1;

	/* idle, then beside a busy thread of a lower priority */
	for (round = 0; round < 2; round++) {
		if (round) {
			stop = 0;
			spawn(spin_worker, 0, 6);
		}
		for (i = 0; i < 3; i++) {
			dl = cos_now() + ms[i] * MS;
			sched_sleep_until((long)dl);
			now = cos_now();
			if (now < dl)
				ok = 0;
			else if (now - dl > worst)
				worst = now - dl;
		}
	}
	sched_periodic(20 * MS);
	dl = cos_now() + 20 * MS;
	for (i = 0; i < 5; i++, dl += 20 * MS) {
		missed += sched_wait_period();
		now = cos_now();
		if (now + MS < dl)	/* the period started a little before dl */
			ok = 0;
		else if (now > dl && now - dl > worst)
			worst = now - dl;
	}
	stop = 1;
	join(5000);
	ok = ok && worst <= TICK && !missed;
	result("timed", ok, "latest wake-up %lu us after its deadline (tick %lu us), %ld periods missed\n",
	       worst / 1000, TICK / 1000, missed);
}

/* ---- asynchronous invocation ------------------------------------------------ */

static void test_async(void)
{
	char *a = cos_args();
	long ch = achan_create(), len, i, bad = 0, want;
	char buf[32];

	if (ch < 0 || schedpeer_serve(ch, 5) < 0) {
		result("async", 0, "no channel or server\n");
		return;
	}
	/* pipelined: five in flight, answers in order */
	for (i = 0; i < 5; i++) {
		len = snprintf(a, ACHAN_MSG_MAX, "req %ld", i);
		if (achan_send(ch, ACHAN_CLIENT, len))
			bad++;
	}
	for (i = 0; i < 5 + 50; i++) {
		if (i >= 5) {	/* then one at a time */
			len = snprintf(a, ACHAN_MSG_MAX, "req %ld", i);
			if (achan_send(ch, ACHAN_CLIENT, len))
				bad++;
		}
		len = achan_recv(ch, ACHAN_CLIENT);
		want = i < 5 ? i : i;
		snprintf(buf, sizeof(buf), "resp %ld", 3 * want + 1);
		if (len != (long)strlen(buf) || memcmp(a, buf, (size_t)len))
			bad++;
	}
	len = snprintf(a, ACHAN_MSG_MAX, "quit");
	achan_send(ch, ACHAN_CLIENT, len);
	result("async", !bad, "55 requests (5 pipelined), %ld wrong or out of order\n",
	       bad);
}

/* ---- the kernel's scheduler ops are the scheduler's alone ------------------- */

static void test_ops(void)
{
	struct cos_sched_event e;
	long sw = cos_switch(0, 0), cr = cos_thd_create_op(0, 0, 0, 0);
	long de = cos_thd_destroy_op(0), rc = cos_sched_rcv(&e, 1);
	long id = cos_idle(0);
	unsigned long t0 = cos_now(), t1 = cos_now();
	int ok = sw == -EPERM && cr == -EPERM && de == -EPERM && rc == -EPERM &&
		 id == -EPERM && t0 && t1 >= t0;

	result("ops", ok, "switch %ld create %ld destroy %ld rcv %ld idle %ld (want -%d), now %lu\n",
	       sw, cr, de, rc, id, EPERM, t1);
}

/* ---- no CPU state crosses threads ------------------------------------------ */

/*
 * A worker sets hostile user CPU state (GS and FS base, and with PKU a
 * PKRU that write-protects every page) and spins on a read until told to
 * stop, so the tick preempts it and upcalls the scheduler many times: the
 * scheduler thread and this driver must run with their own state (with
 * the worker's PKRU the scheduler's first push would fault and the system
 * die), and the worker must find its own FS base and PKRU again.
 */
static volatile int cs_stop;
static volatile unsigned long cs_seen;	/* worker: what it found, written after */

static int cs_has(unsigned int ebx_bit, unsigned int ecx_bit)
{
	unsigned int a = 7, b, c = 0, d;

	asm volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return (ebx_bit && (b & ebx_bit)) || (ecx_bit && (c & ecx_bit));
}

static long cs_worker(long pku)
{
	unsigned long fs, gs, hostile = 0x10000, fs_after;
	unsigned int pkru_after = 0;

	asm volatile("rdfsbase %0; rdgsbase %1" : "=r"(fs), "=r"(gs));
	asm volatile("wrfsbase %0; wrgsbase %0" : : "r"(hostile) : "memory");
	if (pku)
		asm volatile("wrpkru" : : "a"(0xaaaaaaaau), "c"(0), "d"(0) : "memory");
	while (!cs_stop)
		;		/* reads only: every write would fault */
	if (pku) {
		asm volatile("rdpkru" : "=a"(pkru_after) : "c"(0) : "rdx");
		asm volatile("wrpkru" : : "a"(0), "c"(0), "d"(0) : "memory");
	}
	asm volatile("rdfsbase %0" : "=r"(fs_after));
	/* the GS base is the kernel's after any kernel entry: take it back */
	asm volatile("wrfsbase %0; wrgsbase %1" : : "r"(fs), "r"(gs) : "memory");
	cs_seen = (fs_after == hostile) | (!pku || pkru_after == 0xaaaaaaaau) << 1;
	worker_done();
	return 0;
}

static void test_cpu_state(void)
{
	int pku = cs_has(0, 1u << 4), ok;	/* CPUID.7.ECX.OSPKE */
	unsigned long fs, gs;
	unsigned int pkru = 0;

	if (!cs_has(1u << 0, 0)) {		/* CPUID.7.EBX.FSGSBASE */
		result("cpustate", 1, "skipped: no FSGSBASE\n");
		return;
	}
	cs_stop = 0;
	cs_seen = 0;
	spawn(cs_worker, pku, 5);
	sleep_ms(300);		/* about 30 ticks of the worker's spinning */
	asm volatile("rdfsbase %0; rdgsbase %1" : "=r"(fs), "=r"(gs));
	if (pku)
		asm volatile("rdpkru" : "=a"(pkru) : "c"(0) : "rdx");
	cs_stop = 1;
	ok = join(5000) && cs_seen == 3 && fs == 0 && gs != 0x10000 &&
	     pkru == 0;
	result("cpustate", ok, "%s: driver saw FS %#lx GS %s PKRU %#x; worker kept its own (%lu, want 3)\n",
	       pku ? "PKRU" : "no PKU", fs, gs == 0x10000 ? "the worker's" : "its own",
	       pkru, cs_seen);
}

/* ---- the driver ---------------------------------------------------------------- */

long cos_main(unsigned long base, unsigned long data)
{
	(void)base;
	(void)data;
	done_evt = evt_create();
	e1 = evt_create();
	if (done_evt < 0 || e1 < 0) {
		printc("T setup FAIL evt_create\n");
		return 1;
	}
	test_ops();
	test_prio();
	test_rr();
	test_runaway();
	test_lock();
	test_events(cos_now());
	test_timed();
	test_async();
	test_cpu_state();
	printc("done: %d failed\n", failures);
	return failures;
}

/* Idle: sleep 10 s with nothing else to run (cos_sched.c measures the
 * host's CPU meanwhile). */
long idle_main(unsigned long base, unsigned long data)
{
	(void)base;
	(void)data;
	sleep_ms(10000);
	printc("idle done\n");
	return 0;
}

/* Block forever on an event in several threads (cos_sched.c kills the
 * host meanwhile). */
static long blocker(long e)
{
	evt_wait(e, 0);
	return 0;
}

long block_main(unsigned long base, unsigned long data)
{
	long e = evt_create();
	int i;

	(void)base;
	(void)data;
	for (i = 0; i < 4; i++)
		cos_thd_spawn(blocker, e, 5);
	printc("blocked\n");
	evt_wait(e, 0);
	return 0;
}

/* ---- cos bench sched ---------------------------------------------------------- */

#define BENCH_N	5000
static long bench_e1, bench_e2;

static long bench_yielder(long n)
{
	while (n--)
		sched_yield();
	worker_done();
	return 0;
}

static long bench_locker(long n)
{
	while (n--) {
		cos_lock_take(&lk);
		sched_yield();		/* the other one blocks on the lock */
		cos_lock_release(&lk);
	}
	worker_done();
	return 0;
}

static long bench_ping(long n)
{
	while (n--) {
		evt_trigger(bench_e1);
		evt_wait(bench_e2, 0);
	}
	worker_done();
	return 0;
}

static long bench_pong(long n)
{
	while (n--) {
		evt_wait(bench_e1, 0);
		evt_trigger(bench_e2);
	}
	worker_done();
	return 0;
}

/* Two threads of priority 5 run @fn for @n rounds: ns a round. */
static unsigned long bench_pair(long (*a)(long), long (*b)(long), long n)
{
	unsigned long t0 = cos_now();

	spawn(a, n, 5);
	spawn(b, n, 5);
	join(600000);
	return (cos_now() - t0) / (unsigned long)n;
}

/* `cos bench sched`: one "bench: name=value unit" line per figure. */
long bench_main(unsigned long base, unsigned long data)
{
	char *a = cos_args();
	unsigned long t0, ns;
	long i, ch;

	(void)base;
	(void)data;
	done_evt = evt_create();
	bench_e1 = evt_create();
	bench_e2 = evt_create();
	if (done_evt < 0 || bench_e1 < 0 || bench_e2 < 0 || cos_lock_init(&lk))
		return 1;

	ns = bench_pair(bench_yielder, bench_yielder, BENCH_N);
	printc("bench: thread_switch=%lu ns (sched_yield between two threads)\n", ns / 2);

	t0 = cos_now();
	for (i = 0; i < BENCH_N * 10; i++) {
		cos_lock_take(&lk);
		cos_lock_release(&lk);
	}
	printc("bench: lock_uncontended=%lu ns (take + release)\n",
	       (cos_now() - t0) / (BENCH_N * 10));

	ns = bench_pair(bench_locker, bench_locker, BENCH_N);
	printc("bench: lock_contended=%lu ns (take + release, handed over: includes 2 yields)\n",
	       ns / 2);
	printc("bench: lock_contended_slow_ops=%lu of %lu\n", lk.slow, lk.fast + lk.slow);

	ns = bench_pair(bench_ping, bench_pong, BENCH_N);
	printc("bench: event_roundtrip=%lu ns (trigger, wait; two threads)\n", ns);

	ch = achan_create();
	if (ch < 0 || schedpeer_serve(ch, 5) < 0)
		return 2;
	t0 = cos_now();
	for (i = 0; i < BENCH_N; i++) {
		if (achan_send(ch, ACHAN_CLIENT, snprintf(a, ACHAN_MSG_MAX, "req %ld", i)) ||
		    achan_recv(ch, ACHAN_CLIENT) < 0)
			return 3;
	}
	printc("bench: async_roundtrip=%lu ns (achan request + response, other component)\n",
	       (cos_now() - t0) / BENCH_N);
	achan_send(ch, ACHAN_CLIENT, snprintf(a, ACHAN_MSG_MAX, "quit"));
	return 0;
}
