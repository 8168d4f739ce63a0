// SPDX-License-Identifier: GPL-2.0
/*
 * cos_mpd_stress - MPD under load: walker threads invoke along random
 * paths of a graph of eight components (components/mpdnode: C, through
 * capability entries that flip between the kernel stub and direct calls)
 * while the main thread performs at least STRESS_OPS random merges,
 * splits and moves. Checked:
 *   - every walk answers what the host's replay of it says (a spurious
 *     fault or a lost call would change or stop it);
 *   - every capability's count (kernel + intra-PD counter page) equals
 *     the replay's count for the rounds the walkers finished;
 *   - after every split, the split component faults reading another's
 *     memory and the other faults reading its (fresh probe threads);
 *   - every operation returns what a model of the layout says, errors
 *     included (EALREADY, EINVAL, EPERM for a separated pair);
 *   - nothing is left allocated.
 * Then the same on a system whose page budget is all used up once it is
 * loaded: splits need one page for the split component's PD and one for
 * the rest when the old PD is held (or COS_PD_NOREUSE), so with one
 * page free a split runs out half way and is undone (mpd.c, R5), while
 * the walkers call through the entries it flips; the undo must lose
 * nothing and fault nobody, and leave the layout as it was (probes).
 * Usage: cos_mpd_stress [OPS] (default STRESS_OPS; the budget phase
 * tries OPS / 10 operations).
 */
#include <pthread.h>
#include <stdatomic.h>
#include "harness.h"
#include "sysdesc.h"

#define NODES		8
#define WALKERS		4
#define WALKS		40	/* as in mpdnode.c */
#define HOPS		6
#define STRESS_OPS	100000
#define SEP_A		6	/* a pair that must never share a PD */
#define SEP_B		7

static struct cos_sysdesc sd;
static int fd, graph[NODES][3];
static uint64_t tag[NODES], tag_addr[NODES];
static atomic_int stop;

/* ---- the replay ---------------------------------------------------------- */

static uint64_t walk_mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

static uint64_t replay_step(int node, uint64_t seed, long hops,
			    uint64_t counts[NODES][3])
{
	uint64_t s, e, r;

	if (hops <= 0)
		return tag[node];
	s = walk_mix(seed);
	e = s % 3;
	counts[node][e]++;
	r = replay_step(graph[node][e], s, hops - 1, counts);
	return (r * 31 + e) & 0x7fffffffffffffffULL;
}

static uint64_t replay_round(int node, uint64_t t, uint64_t round,
			     uint64_t counts[NODES][3])
{
	uint64_t x = 0, w;

	for (w = 0; w < WALKS; w++)
		x = x * 3 + replay_step(node, walk_mix(t * 1000003 + round * 1009 + w + 1),
					HOPS, counts);
	return x;
}

/* ---- walkers --------------------------------------------------------------- */

struct walker {
	pthread_t pt;
	int node, thd;
	uint64_t rounds, counts[NODES][3];
	char err[200];
};

static void *walker_main(void *p)
{
	struct walker *w = p;
	struct cos_run r;
	char want[64];

	for (;;) {
		memset(&r, 0, sizeof(r));
		r.thd = w->thd;
		r.budget_ns = 50000000;
		if (cos_run(fd, &r)) {
			snprintf(w->err, sizeof(w->err), "RUN: %s", strerror(errno));
			break;
		}
		if (r.exit_reason == COS_EXIT_BUDGET)
			continue;
		if (r.exit_reason != COS_EXIT_PRINT) {
			snprintf(w->err, sizeof(w->err),
				 "round %llu: exit %s, vector %u at ip %#llx address %#llx in comp %u",
				 (unsigned long long)w->rounds, cos_exit_name(r.exit_reason),
				 r.fault.vector, (unsigned long long)r.fault.ip,
				 (unsigned long long)r.fault.address, r.fault.comp);
			break;
		}
		snprintf(want, sizeof(want), "mpdnode: round %llu %llx\n",
			 (unsigned long long)w->rounds,
			 (unsigned long long)replay_round(w->node, w->thd, w->rounds, w->counts));
		if (r.print.len != strlen(want) || memcmp(r.print.data, want, r.print.len)) {
			snprintf(w->err, sizeof(w->err), "printed \"%.*s\", want \"%s\"",
				 (int)r.print.len, r.print.data, want);
			break;
		}
		w->rounds++;
		if (atomic_load(&stop))
			break;
	}
	return NULL;
}

/* ---- probes -------------------------------------------------------------- */

static struct cos_regs probe_regs[NODES];
static int probe_thd[NODES];

/* 1: x reads y's node_tag; 0: x faults on it; -1: something else. */
static int probe(int x, int y)
{
	struct cos_regs regs = probe_regs[x];
	struct cos_run r = { .thd = probe_thd[x], .budget_ns = 10000000000ull };

	regs.rsi = tag_addr[y];
	int err = cos_thd_set_regs(fd, probe_thd[x], &regs);

	if (err || (err = cos_run(fd, &r))) {
		tap_diag("probe %d reading %d: %s", x, y, strerror(-err));
		return -1;
	}
	if (r.exit_reason == COS_EXIT_EXIT && r.exit.status == 1)
		return 1;
	if (r.exit_reason == COS_EXIT_FAULT && r.fault.vector == 14 &&
	    r.fault.address == tag_addr[y])
		return 0;
	tap_diag("probe %d reading %d (%#llx): exit %u status %llu vector %u address %#llx ip %#llx error %#llx",
		 x, y, (unsigned long long)tag_addr[y], r.exit_reason,
		 (unsigned long long)r.exit.status, r.fault.vector,
		 (unsigned long long)r.fault.address, (unsigned long long)r.fault.ip,
		 (unsigned long long)r.fault.error_code);
	return -1;
}

/* ---- the layout model -------------------------------------------------------- */

static int set[NODES];

static int write_sysdesc(const char *path, uint64_t *rng, unsigned long pages)
{
	FILE *f = fopen(path, "w");
	int i, e;

	if (!f)
		return -1;
	fprintf(f, "pages %lu\n", pages);
	for (i = 0; i < NODES; i++)
		fprintf(f, "component n%d build/components/mpdnode.elf\n", i);
	for (i = 0; i < NODES; i++)
		for (e = 0; e < 3; e++) {
			do {
				*rng ^= *rng << 13; *rng ^= *rng >> 7; *rng ^= *rng << 17;
				graph[i][e] = *rng % NODES;
			} while (graph[i][e] == i);
			fprintf(f, "import n%d n%d walk%d\n", i, graph[i][e], e);
		}
	for (i = 0; i < WALKERS; i++)
		fprintf(f, "thread n%d\n", i);
	for (i = 0; i < NODES; i++)
		fprintf(f, "thread n%d node_probe\n", i);
	fprintf(f, "separate n%d n%d\n", SEP_A, SEP_B);
	return fclose(f);
}

static char path[] = "/tmp/cos_mpd_stress.sys";

/* Load the graph (from *@rng) with a budget of @pages; 0 or -1 with @err. */
static int load(uint64_t *rng, unsigned long pages, char *err, size_t errlen)
{
	uint64_t at;
	int i, ok;

	memset(&sd, 0, sizeof(sd));
	ok = !write_sysdesc(path, rng, pages) && !cos_sd_parse(path, &sd, err, errlen);
	fd = must_open();
	ok = ok && !cos_sd_load(fd, &sd, err, errlen) &&
	     !cos_elf_symbol(&sd.comps[0].elf, "node_tag", &at);
	for (i = 0; ok && i < NODES; i++) {
		tag_addr[i] = sd.comps[i].bare.base + at;
		tag[i] = tag_addr[i] >> 32;
		set[i] = i;
		probe_thd[i] = sd.thread_ids[WALKERS + i];
		ok &= !cos_thd_get_regs(fd, probe_thd[i], &probe_regs[i]);
	}
	return ok ? 0 : -1;
}

static void unload(void)
{
	cos_sd_free(&sd);
	close(fd);
	unlink(path);
}

/*
 * The smallest budget the graph loads with, so that none is left: what
 * a load takes by the debugfs count (nothing else is open), or the first
 * of the next few budgets that loads. 0 if none does.
 */
static unsigned long load_exhausted(uint64_t *rng, char *err, size_t errlen)
{
	long long pages0 = stat_of("pages");
	uint64_t r0 = *rng;
	unsigned long used, p;

	if (pages0 < 0 || load(rng, 8192, err, errlen)) {
		unload();
		return 0;
	}
	used = stat_of("pages") - pages0;
	unload();
	for (p = used; p < used + 8; p++) {
		*rng = r0;
		if (!load(rng, p, err, errlen))
			return p;
		unload();
	}
	return 0;
}

/* The number of PDs the model has (sets in use). */
static int model_pds(void)
{
	int i, j, n = 0;

	for (i = 0; i < NODES; i++) {
		for (j = 0; j < i && set[j] != set[i]; j++)
			;
		n += j == i;
	}
	return n;
}

/* A member of @a's PD other than @a, or -1. */
static int model_mate(int a)
{
	int j;

	for (j = 0; j < NODES; j++)
		if (j != a && set[j] == set[a])
			return j;
	return -1;
}

/*
 * One phase: walkers on the loaded graph while the main thread operates.
 * Normal: @target successful merges, splits and moves, each as the model
 * says. Budget (@budget): @target tries, mostly splits of a component
 * that shares its PD while the layout has 6 or 7 PDs (then one page or
 * two are free); a split may fail with ENOSPC, which leaves the model and
 * the layout as they were, and checks that with a probe.
 */
static void phase(const char *name, uint64_t *rng, long target, int budget)
{
	static struct walker w[WALKERS];
	uint64_t want[NODES][3] = { { 0 } };
	struct cos_edge rows[64];
	long ops = 0, tries = 0, splits = 0, probes = 0, bad_ops = 0, bad_probes = 0;
	long nospc = 0;
	long long stays0 = stat_of("pd_stays"), late0 = stat_of("pds_freed_late");
	long long reused0 = stat_of("pds_reused"), undos0 = stat_of("pd_split_undos");
	int i, j, e, n, ok, bad_counts = 0;
	uint64_t total = 0;

	memset(w, 0, sizeof(w));
	atomic_store(&stop, 0);
	for (i = 0; i < WALKERS; i++) {
		w[i].node = i;
		w[i].thd = sd.thread_ids[i];
		pthread_create(&w[i].pt, NULL, walker_main, &w[i]);
	}
	while (budget ? tries < target : ops < target) {
		int a, b, op, x, got, save[NODES], flags = 0, pds = model_pds();

		*rng ^= *rng << 13; *rng ^= *rng >> 7; *rng ^= *rng << 17;
		a = *rng % NODES;
		b = (*rng >> 8) % NODES;
		op = (*rng >> 16) % 5;	/* 2 merge, 2 split, 1 move */
		if (budget) {
			/* Toward 6 or 7 PDs (1 or 2 pages free): merge
			 * when all are alone, else split 3 times in 4. */
			op = pds < NODES && (*rng >> 19) % 4 ? 2 : 0;
			for (j = 0; op == 2 && model_mate(a) < 0 && j < NODES; j++)
				a = (a + 1) % NODES;	/* one that shares its PD */
			flags = (*rng >> 22) & 1 ? COS_PD_NOREUSE : 0;
		}
		memcpy(save, set, sizeof(save));
		if (op == 4) {		/* move a into b's PD: split, then merge */
			x = cos_model_pd_op(set, NODES, COS_PD_SPLIT, a, 0, SEP_A, SEP_B);
			got = cos_pd(fd, COS_PD_SPLIT, sd.comps[a].bare.comp, 0);
			bad_ops += got != x;
			ops += !got;
			tries++;
			op = 0;
		}
		op = op < 2 ? COS_PD_MERGE : COS_PD_SPLIT;
		x = cos_model_pd_op(set, NODES, op, a, b, SEP_A, SEP_B);
		got = cos_pd_flags(fd, op, sd.comps[a].bare.comp, sd.comps[b].bare.comp,
				   flags);
		tries++;
		if (budget && op == COS_PD_SPLIT && !x && got == -ENOSPC) {
			/* out of pages: as if never tried; a and its mate
			 * still read each other */
			memcpy(set, save, sizeof(set));
			nospc++;
			b = model_mate(a);
			x = b < 0 ? -1 : probe(a, b);
			probes++;
			if (x != 1 && bad_probes++ < 5)
				tap_diag("after a split of %d out of pages: %d reading %d gave %d, want 1",
					 a, a, b, x);
			continue;
		}
		if (got != x && bad_ops++ < 5)
			tap_diag("op %ld: %s %d %d gave %d, want %d", ops,
				 op == COS_PD_MERGE ? "merge" : "split", a, b, got, x);
		ops += !got;
		if (op == COS_PD_SPLIT && !got) {
			/* the split component and another both fault */
			b = (a + 1 + (*rng >> 24) % (NODES - 1)) % NODES;
			x = probe(a, b);
			n = probe(b, a);
			probes += 2;
			splits++;
			if ((x || n) && bad_probes++ < 5)
				tap_diag("after split %d: %d reading %d gave %d, back %d", a, a, b, x, n);
		} else if (!(ops % 16)) {
			b = (a + 1 + (*rng >> 24) % (NODES - 1)) % NODES;
			x = probe(a, b);
			probes++;
			if (x != (set[a] == set[b]) && bad_probes++ < 5)
				tap_diag("op %ld: %d reading %d gave %d, want %d", ops, a, b, x,
					 set[a] == set[b]);
		}
		for (i = 0; i < WALKERS && !w[i].err[0]; i++)
			;
		if (i < WALKERS)
			break;
	}
	atomic_store(&stop, 1);
	for (i = 0; i < WALKERS; i++)
		pthread_join(w[i].pt, NULL);
	if (!budget) {
		tap_ok(ops >= target && !bad_ops,
		       "%s: %ld random merges, splits and moves done (%ld splits; %ld tries "
		       "with the refusals), each returned what the model says", name, ops,
		       splits, tries);
	} else {
		long long undos = stat_of("pd_split_undos") - undos0;

		/* at least one try in 20 runs out half way and is undone */
		tap_ok(tries >= target && !bad_ops && undos >= target / 20 && undos <= nospc,
		       "%s: %ld tries, %ld done (%ld splits), %ld splits out of pages, %lld of "
		       "them undone half way; every other answer as the model says", name,
		       tries, ops, splits, nospc, undos);
	}
	tap_diag("entries that kept a thread in its old PD (inside a direct call): %lld; "
		 "splits that reused the old PD in place: %lld; old PDs freed after "
		 "their last thread left: %lld", stat_of("pd_stays") - stays0,
		 stat_of("pds_reused") - reused0, stat_of("pds_freed_late") - late0);
	tap_ok(probes && !bad_probes,
	       "%s: %ld probes: after every split both sides fault, merged ones read%s",
	       name, probes, budget ? ", and after every one out of pages still read" : "");
	for (i = 0, ok = 1; i < WALKERS; i++) {
		if (w[i].err[0]) {
			ok = 0;
			tap_diag("walker %d: %s", i, w[i].err);
		}
		ok &= w[i].rounds > 0;
		for (j = 0; j < NODES; j++)
			for (e = 0; e < 3; e++)
				want[j][e] += w[i].counts[j][e];
	}
	tap_ok(ok, "%s: walkers finished %llu, %llu, %llu, %llu rounds, every answer right",
	       name, (unsigned long long)w[0].rounds, (unsigned long long)w[1].rounds,
	       (unsigned long long)w[2].rounds, (unsigned long long)w[3].rounds);

	n = cos_edges(fd, rows, 64, 0);
	for (i = 0; i < n && i < 64; i++) {
		const char *cname = NULL;

		for (j = 0; j < NODES; j++)
			if (sd.comps[j].bare.comp == rows[i].client)
				break;
		if (j < NODES && (int)rows[i].cap < sd.comps[j].ncaps)
			cname = sd.comps[j].patch_names[rows[i].cap];
		if (!cname || sscanf(cname, "__cos_cap_walk%d_step", &e) != 1 || e < 0 || e > 2) {
			bad_counts++;
			continue;
		}
		total += rows[i].invocations;
		if (rows[i].invocations != want[j][e] && bad_counts++ < 5)
			tap_diag("edge n%d -> n%d: %llu invocations (%llu intra-PD), the walkers made %llu",
				 j, graph[j][e], (unsigned long long)rows[i].invocations,
				 (unsigned long long)rows[i].intra, (unsigned long long)want[j][e]);
	}
	tap_ok(n == NODES * 3 && !bad_counts && total,
	       "%s: all 24 edges counted exactly (%llu invocations, kernel and intra-PD together)",
	       name, (unsigned long long)total);
}

int main(int argc, char **argv)
{
	long target = argc > 1 ? atol(argv[1]) : STRESS_OPS;
	uint64_t rng = 0x2545f4914f6cdd1dull;
	char err[512] = "";
	unsigned long pages;
	int ok;

	tap_plan(11);
	ok = !load(&rng, 8192, err, sizeof(err));
	tap_ok(ok, "8 nodes, 24 edges, %d walkers and 8 probe threads loaded %s", WALKERS, err);
	if (!ok)
		return tap_exit();
	phase("layout changes", &rng, target, 0);
	unload();

	pages = load_exhausted(&rng, err, sizeof(err));
	tap_ok(pages, "the same graph loaded with a budget it uses up: %lu pages %s", pages, err);
	if (pages) {
		phase("budget used up", &rng, target / 10, 1);
		unload();
	}
	tap_ok(stat_of("systems") == 0 && stat_of("pages") == 0 && stat_of("threads") == 0,
	       "nothing left allocated");
	return tap_exit();
}
