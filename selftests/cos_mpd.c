// SPDX-License-Identifier: GPL-2.0
/*
 * cos_mpd - protection domains shared by components (the first step of
 * MPD, with the system stopped): merged components see each other's
 * memory, split ones fault; separated pairs never merge; invocations work
 * in every layout; a random run of merges and splits against a model.
 */
#include <pthread.h>
#include "harness.h"

COS_SNIPPET(mpd_probe); COS_SNIPPET(inv_loop); COS_SNIPPET(inv_chain);
COS_SNIPPET(spin); COS_SNIPPET(mpd_policy); COS_SNIPPET(mpd_edges);
COS_SNIPPET(op_raw);

#define N 8

struct sys {
	int fd;
	struct cos_bare c[N + 1];
};

static uint64_t probe_word(void)
{
	uint64_t w;

	memcpy(&w, cos_snippet_start(mpd_probe), 8);
	return w;
}

/* 1: x reads y's code; 0: x faults on it; -1: something else. */
static int probe(struct sys *s, int x, int y)
{
	struct cos_regs regs;
	struct cos_run r = { .thd = s->c[x].thd, .budget_ns = 2000000000ull };

	if (cos_thd_get_regs(s->fd, s->c[x].thd, &regs))
		return -1;
	regs.rip = s->c[x].code;
	regs.r12 = s->c[y].code;
	regs.r13 = probe_word();
	if (cos_thd_set_regs(s->fd, s->c[x].thd, &regs) || cos_run(s->fd, &r))
		return -1;
	/* readable: 7 if it holds the probe's own code, 8 for other code */
	if (r.exit_reason == COS_EXIT_EXIT && (r.exit.status == 7 || r.exit.status == 8))
		return 1;
	if (r.exit_reason == COS_EXIT_FAULT && r.fault.vector == 14 &&
	    r.fault.address == s->c[y].code && r.fault.comp == s->c[x].comp)
		return 0;
	return -1;
}

static void sys_make(struct sys *s)
{
	int i;

	memset(s, 0, sizeof(*s));
	s->fd = must_open();
	for (i = 0; i < N; i++) {
		struct cos_bare_opts o = { .slot = i + 1 };

		cos_bare_load(s->fd, SNIP(mpd_probe), &o, &s->c[i]);
	}
}

static int pd(struct sys *s, unsigned int op, int a, int b)
{
	return cos_pd(s->fd, op, s->c[a].comp, s->c[b].comp);
}

struct spin_arg {
	int fd;
	unsigned int thd;
};

static void *spin_thread(void *p)
{
	struct spin_arg *a = p;
	struct cos_run r = { .thd = a->thd, .budget_ns = 600000000ull };

	cos_run(a->fd, &r);
	return NULL;
}

/*
 * Live: two chains of four components (0-3, 4-7), each with a thread
 * checking every round trip, run on two host threads while this one makes
 * random merges and splits of all nine components and probes isolation
 * from a ninth. No spurious fault, no wrong answer, and after every split
 * the probe faults exactly when the model says the two are apart.
 */
struct chain_arg {
	int fd;
	unsigned int thd;
	struct cos_run run;
	int err;
};

static void *chain_thread(void *p)
{
	struct chain_arg *a = p;

	a->run.thd = a->thd;
	a->run.budget_ns = 3000000000ull;
	do {
		a->err = cos_run(a->fd, &a->run);
	} while (!a->err && a->run.exit_reason == COS_EXIT_SIGNAL);
	return NULL;
}

static void live_stress(void)
{
	struct chain_arg ca[2];
	pthread_t t[2];
	struct sys s;
	int set[9], i, k, bad = 0, ops = 0, probes = 0, ok = 1;
	uint64_t rng = 0x1234567;
	double end;
	struct timespec ts;

	memset(&s, 0, sizeof(s));
	s.fd = must_open();
	for (k = 0; k < 2; k++)
		for (i = 0; i < 4; i++) {
			struct cos_bare_opts o = { .slot = 1 + k * 4 + i };

			ok &= i ? !cos_bare_load_comp(s.fd, SNIP(inv_chain), &o, &s.c[k * 4 + i]) :
				  !cos_bare_load(s.fd, SNIP(inv_loop), &o, &s.c[k * 4]);
		}
	for (k = 0; ok && k < 2; k++) {
		struct cos_regs regs;

		for (i = 0; i < 3; i++)
			ok &= cos_cap_create(s.fd, s.c[k * 4 + i].comp, s.c[k * 4 + i + 1].comp,
					     s.c[k * 4 + i + 1].code) == 0;
		cos_thd_get_regs(s.fd, s.c[k * 4].thd, &regs);
		regs.r12 = 1ull << 40;	/* "forever": the budget ends it */
		regs.r13 = 2;
		regs.r14 = 3;
		ok &= !cos_thd_set_regs(s.fd, s.c[k * 4].thd, &regs);
	}
	{	/* the prober, component 8 */
		struct cos_bare_opts o = { .slot = 9 };
		struct cos_bare pb;

		ok &= !cos_bare_load(s.fd, SNIP(mpd_probe), &o, &pb);
		/* probe() uses c[] indices: put it at index 8 */
		if (ok)
			memcpy(&s.c[N], &pb, sizeof(pb));
	}
	for (i = 0; i < 9; i++)
		set[i] = i;
	for (k = 0; ok && k < 2; k++) {
		ca[k] = (struct chain_arg){ .fd = s.fd, .thd = s.c[k * 4].thd };
		pthread_create(&t[k], NULL, chain_thread, &ca[k]);
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	end = ts.tv_sec + ts.tv_nsec / 1e9 + 2.5;
	while (ok) {
		int a, b, j, x, want, got;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		if (ts.tv_sec + ts.tv_nsec / 1e9 > end)
			break;
		rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
		a = rng % 9;
		b = (rng >> 8) % 9;
		j = (rng >> 16) & 1 ? COS_PD_MERGE : COS_PD_SPLIT;
		x = cos_model_pd_op(set, 9, j, a, b, -1, -1);
		if (cos_pd(s.fd, j, s.c[a].comp, s.c[b].comp) != x) {
			bad++;
			break;
		}
		ops++;
		if (ops % 8)
			continue;
		b = (rng >> 24) % 8;	/* probe from 8 into a chain component */
		want = set[8] == set[b];
		got = probe(&s, 8, b);
		probes++;
		if (got != want) {
			bad++;
			tap_diag("live op %d: 8 reading %d gave %d, want %d", ops, b, got, want);
		}
	}
	for (k = 0; ok && k < 2; k++)
		pthread_join(t[k], NULL);
	tap_ok(ok && !bad, "%d live merges and splits while two chains run, %d probes agree", ops, probes);
	for (k = 0; k < 2; k++)
		if (ok && (ca[k].err || ca[k].run.exit_reason != COS_EXIT_BUDGET))
			tap_diag("chain %d: err %d exit %s status %llu fault vector %u at %#llx in comp %u",
				 k, ca[k].err, cos_exit_name(ca[k].run.exit_reason),
				 (unsigned long long)ca[k].run.exit.status, ca[k].run.fault.vector,
				 (unsigned long long)ca[k].run.fault.address, ca[k].run.fault.comp);
	tap_ok(ok && !ca[0].err && !ca[1].err && ca[0].run.exit_reason == COS_EXIT_BUDGET &&
	       ca[1].run.exit_reason == COS_EXIT_BUDGET,
	       "both chains ran to their budget: no spurious fault, every answer right");
	close(s.fd);
}

/* Run @pol's op_raw once: RAX, RDI, RSI, RDX, R10 = @w; what RAX was. */
static uint64_t op_raw(struct sys *s, const struct cos_bare *pol,
		       const uint64_t w[5])
{
	struct cos_regs regs;
	struct cos_run r = { .thd = pol->thd, .budget_ns = 2000000000ull };

	if (cos_thd_get_regs(s->fd, pol->thd, &regs))
		return 0xdead;
	regs.rip = pol->code;
	regs.r12 = w[0];
	regs.r13 = w[1];
	regs.r14 = w[2];
	regs.r15 = w[3];
	regs.rbx = w[4];
	if (cos_thd_set_regs(s->fd, pol->thd, &regs) || cos_run(s->fd, &r) ||
	    r.exit_reason != COS_EXIT_EXIT)
		return 0xdead;
	return r.exit.status;
}

/*
 * COS_OP_PD and COS_OP_EDGES read whole registers: no high bit of an op,
 * id or flag word is dropped ((1 << 32) | MERGE used to merge), and a
 * bad rows buffer is -EFAULT (it used to be 2^32 - EFAULT rows).
 */
static void policy_abi_edges(void)
{
	struct cos_bare_opts o = { .slot = 20 };
	struct cos_bare pol;
	struct sys s;
	uint64_t c1, c2, st[7];
	int ok, i;

	sys_make(&s);
	ok = !cos_bare_load(s.fd, SNIP(op_raw), &o, &pol) &&
	     !cos_pd(s.fd, COS_PD_POLICY, pol.comp, 0) &&
	     cos_cap_create(s.fd, s.c[1].comp, s.c[2].comp, s.c[2].code) == 0;
	c1 = s.c[1].comp;
	c2 = s.c[2].comp;
	{
		const uint64_t w[7][5] = {
			{ COS_OP_PD, 1ull << 32 | COS_PD_MERGE, c1, c2, 0 },
			{ COS_OP_PD, COS_PD_MERGE, 1ull << 32 | c1, c2, 0 },
			{ COS_OP_PD, COS_PD_MERGE, c1, 1ull << 32 | c2, 0 },
			{ COS_OP_PD, COS_PD_MERGE, c1, c2, 1ull << 32 },
			{ COS_OP_EDGES, pol.base + 0x8000, 32, 0, 0 },	/* unmapped */
			{ COS_OP_EDGES, pol.code, 32, 0, 0 },		/* read-only */
			{ COS_OP_EDGES, ~0ull - 15, 32, 0, 0 },
		};

		for (i = 0; i < 7; i++)
			st[i] = ok ? op_raw(&s, &pol, w[i]) : 0xdead;
	}
	tap_ok(ok && st[0] == (uint64_t)-EINVAL && st[1] == (uint64_t)-ENOENT &&
	       st[2] == (uint64_t)-ENOENT && st[3] == (uint64_t)-EINVAL &&
	       probe(&s, 1, 2) == 0,
	       "COS_OP_PD: an op, id or flag word with bit 32 set is EINVAL/ENOENT, "
	       "nothing merged (%lld %lld %lld %lld)", (long long)st[0],
	       (long long)st[1], (long long)st[2], (long long)st[3]);
	tap_ok(st[4] == (uint64_t)-EFAULT && st[5] == (uint64_t)-EFAULT &&
	       st[6] == (uint64_t)-EFAULT,
	       "COS_OP_EDGES into an unmapped, a read-only and a wrapping buffer: "
	       "-EFAULT each (%lld %lld %lld)", (long long)st[4], (long long)st[5],
	       (long long)st[6]);
	{
		const uint64_t w[5] = { COS_OP_PD, COS_PD_MERGE, c1, c2, 0 };

		tap_ok(ok && op_raw(&s, &pol, w) == 0 && probe(&s, 1, 2) == 1,
		       "COS_OP_PD: the same merge with clean words merges");
	}
	close(s.fd);
}

int main(void)
{
	struct sys s;
	int set[N], i, bad = 0, ops = 0, probes = 0;
	uint64_t rng = 0x9e3779b97f4a7c15ull;

	tap_plan(17);
	sys_make(&s);
	tap_ok(probe(&s, 0, 1) == 0, "separate PDs: component 0 faults reading component 1");
	tap_ok(!pd(&s, COS_PD_MERGE, 0, 1) && probe(&s, 0, 1) == 1 && probe(&s, 1, 0) == 1,
	       "merged: 0 and 1 read each other's memory");
	tap_ok(!pd(&s, COS_PD_SPLIT, 0, 0) && probe(&s, 0, 1) == 0 && probe(&s, 1, 0) == 0,
	       "split again: both fault");
	tap_ok(!pd(&s, COS_PD_SEPARATE, 2, 3) && pd(&s, COS_PD_MERGE, 2, 3) == -EPERM &&
	       !pd(&s, COS_PD_MERGE, 3, 4) && pd(&s, COS_PD_MERGE, 2, 4) == -EPERM &&
	       probe(&s, 2, 3) == 0,
	       "a separated pair never shares a PD, not even through a third component");
	tap_ok(!pd(&s, COS_PD_MERGE, 5, 6) && pd(&s, COS_PD_SEPARATE, 5, 6) == -EPERM &&
	       cos_pd(s.fd, 9, s.c[0].comp, 0) == -EINVAL &&
	       cos_pd(s.fd, COS_PD_MERGE, 99, s.c[0].comp) == -ENOENT,
	       "separate inside one PD: EPERM; bad op EINVAL; unknown component ENOENT");
	{
		struct spin_arg a;
		pthread_t t;
		int e;

		close(s.fd);
		/* a fresh system with a spinning thread */
		memset(&s, 0, sizeof(s));
		s.fd = must_open();
		cos_bare_load(s.fd, SNIP(spin), NULL, &s.c[0]);
		cos_bare_load_comp(s.fd, SNIP(spin), &(struct cos_bare_opts){ .slot = 2 }, &s.c[1]);
		a.fd = s.fd;
		a.thd = s.c[0].thd;
		pthread_create(&t, NULL, spin_thread, &a);
		usleep(200000);
		e = pd(&s, COS_PD_MERGE, 0, 1);
		e = e ? e : pd(&s, COS_PD_SPLIT, 0, 0);
		pthread_join(t, NULL);
		tap_ok(!e, "merge and split while a thread runs: %s", e ? strerror(-e) : "fine");
		close(s.fd);
	}

	/* Invocations in every layout: a chain of three, merged step by step. */
	{
		struct cos_bare_opts o1 = { .slot = 1 }, o2 = { .slot = 2 }, o3 = { .slot = 3 };
		struct cos_regs regs;
		struct cos_run r;
		int ok = 1, layout;

		memset(&s, 0, sizeof(s));
		s.fd = must_open();
		ok &= !cos_bare_load(s.fd, SNIP(inv_loop), &o1, &s.c[0]);
		ok &= !cos_bare_load_comp(s.fd, SNIP(inv_chain), &o2, &s.c[1]);
		ok &= !cos_bare_load_comp(s.fd, SNIP(inv_chain), &o3, &s.c[2]);
		ok &= cos_cap_create(s.fd, s.c[0].comp, s.c[1].comp, s.c[1].code) == 0;
		ok &= cos_cap_create(s.fd, s.c[1].comp, s.c[2].comp, s.c[2].code) == 0;
		for (layout = 0; ok && layout < 3; layout++) {
			if (layout == 1)
				ok &= !pd(&s, COS_PD_MERGE, 0, 1);
			if (layout == 2)
				ok &= !pd(&s, COS_PD_MERGE, 1, 2);
			cos_thd_get_regs(s.fd, s.c[0].thd, &regs);
			regs.rip = s.c[0].code;
			regs.r12 = 2000;
			regs.r13 = 1;
			regs.r14 = 2;
			cos_thd_set_regs(s.fd, s.c[0].thd, &regs);
			memset(&r, 0, sizeof(r));
			r.thd = s.c[0].thd;
			ok &= !cos_run(s.fd, &r) && r.exit_reason == COS_EXIT_EXIT &&
			      r.exit.status == 0;
		}
		tap_ok(ok, "a chain of three invokes right separated, partly merged and fully merged");

		/* The policy reads the edges (3 x 2000 on each of 2 edges). */
		{
			struct cos_bare_opts op = { .slot = 20 };
			struct cos_bare pol;
			uint64_t st[4];

			ok &= !cos_bare_load(s.fd, SNIP(mpd_edges), &op, &pol);
			for (i = 0; ok && i < 4; i++) {
				if (i == 1)
					cos_pd(s.fd, COS_PD_POLICY, pol.comp, 0);
				cos_thd_get_regs(s.fd, pol.thd, &regs);
				regs.rip = pol.code;
				/* flags: reset, and an unknown one last */
				regs.r12 = i == 3 ? 8 : i ? COS_EDGES_RESET : 0;
				cos_thd_set_regs(s.fd, pol.thd, &regs);
				memset(&r, 0, sizeof(r));
				r.thd = pol.thd;
				st[i] = cos_run(s.fd, &r) || r.exit_reason != COS_EXIT_EXIT ?
					~0ull : r.exit.status;
			}
			tap_ok(ok && st[0] == (1ull << 62 | EPERM) && st[1] == (12000ull << 8 | 2) &&
			       st[2] == (0ull << 8 | 2) && st[3] == (1ull << 62 | EINVAL),
			       "COS_OP_EDGES: EPERM for others; the policy reads 2 edges, 12000 "
			       "invocations, and resets them; EINVAL for a bad flag (%#llx %#llx %#llx %#llx)",
			       (unsigned long long)st[0], (unsigned long long)st[1],
			       (unsigned long long)st[2], (unsigned long long)st[3]);
		}
		close(s.fd);
	}

	/* The policy component: it may merge and split; others may not. */
	{
		struct cos_bare_opts o = { .slot = 20 };
		struct cos_bare pol;
		int st[3];

		sys_make(&s);
		cos_bare_load(s.fd, SNIP(mpd_policy), &o, &pol);
		for (i = 0; i < 3; i++) {
			struct cos_regs regs;
			struct cos_run r = { .thd = pol.thd };

			if (i == 1)
				cos_pd(s.fd, COS_PD_POLICY, pol.comp, 0);
			cos_thd_get_regs(s.fd, pol.thd, &regs);
			regs.rip = pol.code;
			regs.r12 = i < 2 ? COS_PD_MERGE : COS_PD_SPLIT;
			regs.r13 = s.c[1].comp;
			regs.r14 = s.c[2].comp;
			cos_thd_set_regs(s.fd, pol.thd, &regs);
			st[i] = cos_run(s.fd, &r) || r.exit_reason != COS_EXIT_EXIT ?
				-1 : (int)r.exit.status;
			if (i == 1)
				tap_ok(st[0] == EPERM && st[1] == 0 && probe(&s, 1, 2) == 1,
				       "a component not marked policy gets EPERM; the policy merges (1 reads 2)");
		}
		tap_ok(st[2] == 0 && probe(&s, 1, 2) == 0 && probe(&s, 2, 1) == 0,
		       "the policy splits them again");
		close(s.fd);
	}

	/* Random merges and splits against a model of who shares a PD. */
	sys_make(&s);
	for (i = 0; i < N; i++)
		set[i] = i;
	for (ops = 0; ops < 400; ops++) {
		int a, b, j, x, y, want, got;

		rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
		a = rng % N;
		b = (rng >> 8) % N;
		j = (rng >> 16) & 1 ? COS_PD_MERGE : COS_PD_SPLIT;
		x = cos_model_pd_op(set, N, j, a, b, -1, -1);
		if (pd(&s, j, a, b) != x) {
			bad++;
			continue;
		}
		x = (rng >> 24) % N;
		y = (rng >> 32) % N;
		if (x == y)
			continue;
		want = set[x] == set[y];
		got = probe(&s, x, y);
		probes++;
		if (got != want) {
			bad++;
			tap_diag("after op %d: %d reading %d gave %d, want %d", ops, x, y, got, want);
		}
	}
	tap_ok(!bad, "%d random merges and splits, %d probes agree with the model", ops, probes);
	close(s.fd);
	policy_abi_edges();
	live_stress();
	tap_ok(stat_of("systems") == 0 && stat_of("pages") == 0 && stat_of("threads") == 0,
	       "nothing left allocated");
	return tap_exit();
}
