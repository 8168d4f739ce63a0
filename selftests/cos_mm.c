// SPDX-License-Identifier: GPL-2.0
/*
 * cos_mm - the memory mapper (COS_OP_MEM, components/mm; docs/mm.md).
 * Runs components/mmtest's tests in two layouts:
 *   components/systems/mm.sys         every component in a PD of its own
 *   components/systems/mm-merged.sys  mm, mmk and mmtest in one PD;
 *                                     mmpeer merged in and split out
 *                                     again as the test asks
 * mmtest prints "CHECK <1|0> what (got G want W)" lines, which become TAP
 * lines here, and "SYNC tag value" lines at which this side looks at the
 * kernel while the test thread is stopped at its print:
 *   fault ADDR   the last contained fault was a #PF at ADDR in mmpeer
 *   pages 0      remember debugfs cos/stats pages
 *   full N       pages is the system's budget exactly
 *   back N       pages went down by exactly N since the last "full"
 *   nospc N      mem_nospc rose by N in this run
 *   merge C / split C   COS_PD merge of mmtest and C / split of C
 *   spin ADDR    start the spinner thread (spin_main) on the other CPU:
 *                it must stop with a #PF at ADDR, after the test freed
 *                the page it reads, never with a stale read (exit 98, 99)
 * Then: nothing of the system is left once its fd is closed.
 */
#include <pthread.h>
#include <sched.h>
#include "sysdesc.h"
#include "harness.h"

#define BUDGET_NS	120000000000ull	/* a thread's RUN at most */
#define MMTEST		2		/* ids: the descriptions' order */
#define MMPEER		3

struct runner {
	int fd;
	unsigned int thd;
	int cpu;
	int err;
	struct cos_run run;
	pthread_t t;
};

static struct cos_sysdesc sd;
static const char *layout;
static struct cos_fault last_fault;
static int have_fault;
static long long pages_full, nospc0;
static unsigned long spin_addr;
static struct runner spinner;
static int spinning;

static void pin(int cpu)
{
	cpu_set_t s;

	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	pthread_setaffinity_np(pthread_self(), sizeof(s), &s);
}

/* RUN @r's thread until it stops for something but a print. */
static void *spin_runner(void *arg)
{
	struct runner *r = arg;

	pin(r->cpu);
	do {
		memset(&r->run, 0, sizeof(r->run));
		r->run.thd = r->thd;
		r->run.budget_ns = BUDGET_NS;
		r->err = cos_run(r->fd, &r->run);
	} while (!r->err && r->run.exit_reason == COS_EXIT_PRINT);
	return NULL;
}

static void sync_point(int fd, const char *tag, long v)
{
	long long pages = stat_of("pages");

	if (!strcmp(tag, "fault")) {
		tap_ok(have_fault && last_fault.vector == 14 &&
		       last_fault.address == (unsigned long)v &&
		       last_fault.comp == MMPEER,
		       "%s: ... the fault was a #PF at %#lx (got vector %u at %#llx in c%u)",
		       layout, (unsigned long)v, last_fault.vector,
		       (unsigned long long)last_fault.address, last_fault.comp);
		have_fault = 0;
	} else if (!strcmp(tag, "pages")) {
		tap_diag("%s: %lld pages in use before the budget test", layout, pages);
	} else if (!strcmp(tag, "full")) {
		tap_ok(pages == (long long)sd.pages,
		       "%s: %ld pages later the budget is spent: pages %lld of %llu",
		       layout, v, pages, (unsigned long long)sd.pages);
		pages_full = pages;
	} else if (!strcmp(tag, "back")) {
		tap_ok(pages == pages_full - v,
		       "%s: FREE gave exactly %ld pages back to the budget (pages %lld)",
		       layout, v, pages);
	} else if (!strcmp(tag, "nospc")) {
		long long n = stat_of("mem_nospc") - nospc0;

		tap_ok(n == v, "%s: debugfs mem_nospc counted %lld ENOSPC (want %ld)",
		       layout, n, v);
	} else if (!strcmp(tag, "merge") || !strcmp(tag, "split")) {
		int split = tag[0] == 's';
		int e = split ? cos_pd(fd, COS_PD_SPLIT, v, 0) :
				cos_pd(fd, COS_PD_MERGE, MMTEST, v);

		tap_ok(!e, "%s: COS_PD %s of mmpeer while the test runs: %s", layout,
		       tag, e ? strerror(-e) : "ok");
	} else if (!strcmp(tag, "spin")) {
		spin_addr = v;
		spinner.fd = fd;
		spinner.thd = sd.thread_ids[1];
		spinner.cpu = 1;
		spinning = !pthread_create(&spinner.t, NULL, spin_runner, &spinner);
	} else {
		tap_ok(0, "%s: unknown SYNC %s", layout, tag);
	}
}

/* One line the test printed: "mmtest: ..." */
static void on_print(int fd, const struct cos_run *run)
{
	char line[COS_PRINT_MAX + 1], tag[32];
	const char *m;
	size_t n = run->print.len;
	long v;

	memcpy(line, run->print.data, n);
	line[n] = 0;
	if (n && line[n - 1] == '\n')
		line[n - 1] = 0;
	m = strstr(line, ": ");
	m = m ? m + 2 : line;
	if (!strncmp(m, "CHECK ", 6) && (m[6] == '0' || m[6] == '1'))
		tap_ok(m[6] == '1', "%s: %s", layout, m + 8);
	else if (sscanf(m, "SYNC %31s %ld", tag, &v) == 2)
		sync_point(fd, tag, v);
	else
		tap_diag("%s", line);
}

static void run_layout(const char *file, const char *name)
{
	char err[512] = "";
	struct runner r = { 0 };
	int fd, cpus = sysconf(_SC_NPROCESSORS_ONLN);

	layout = name;
	have_fault = spinning = 0;
	cos_sd_free(&sd);
	memset(&sd, 0, sizeof(sd));
	fd = must_open();
	if (cos_sd_parse(file, &sd, err, sizeof(err)) || cos_sd_load(fd, &sd, err, sizeof(err))) {
		tap_ok(0, "%s: load %s: %s", name, file, err);
		close(fd);
		return;
	}
	tap_ok(sd.nthreads == 2 && sd.comps[MMTEST].bare.comp == MMTEST &&
	       sd.comps[MMPEER].bare.comp == MMPEER, "%s: %s loaded", name, file);
	nospc0 = stat_of("mem_nospc");
	pin(0);
	r.fd = fd;
	r.thd = sd.thread_ids[0];
	for (;;) {
		memset(&r.run, 0, sizeof(r.run));
		r.run.thd = r.thd;
		r.run.budget_ns = BUDGET_NS;
		r.err = cos_run(fd, &r.run);
		if (r.err)
			break;
		if (r.run.exit_reason == COS_EXIT_PRINT) {
			on_print(fd, &r.run);
			continue;
		}
		if (r.run.exit_reason == COS_EXIT_FAULT &&
		    (r.run.fault.fault_flags & COS_FAULT_UNWOUND)) {
			last_fault = r.run.fault;
			have_fault = 1;
			continue;
		}
		break;
	}
	if (r.run.exit_reason == COS_EXIT_FAULT) {
		char f[256];

		cos_fault_format(&r.run.fault, f, sizeof(f));
		tap_diag("%s: the test thread faulted: %s", name, f);
	}
	tap_ok(!r.err && r.run.exit_reason == COS_EXIT_EXIT && r.run.exit.status == 0,
	       "%s: the test thread ran to its end (%s, exit %s, status %lld)", name,
	       r.err ? strerror(-r.err) : "ok", cos_exit_name(r.run.exit_reason),
	       (long long)r.run.exit.status);

	if (!spinning) {
		tap_ok(0, "%s: the spinner never started", name);
	} else {
		const struct cos_run *s = &spinner.run;

		pthread_join(spinner.t, NULL);
		if (s->exit_reason == COS_EXIT_EXIT)
			tap_diag("%s: the spinner read the page after FREE returned (%s)",
				 name, s->exit.status == 99 ? "the old data" :
				 "the page's new contents");
		tap_ok(cpus >= 2 && !spinner.err && s->exit_reason == COS_EXIT_FAULT &&
		       s->fault.vector == 14 && s->fault.address == spin_addr &&
		       s->fault.depth == 0,
		       "%s: the other CPU faults at the freed page once FREE returned, no stale TLB entry (%s, vector %u at %#llx)",
		       name, cos_exit_name(s->exit_reason), s->fault.vector,
		       (unsigned long long)s->fault.address);
	}
	close(fd);
	tap_ok(stat_of("systems") == 0 && stat_of("pages") == 0 && stat_of("threads") == 0,
	       "%s: nothing left once the fd is closed (pages %lld)", name, stat_of("pages"));
}

/* The host's side: the right, and COS_MEM_MAP kept out of the window. */
static void test_host(void)
{
	struct cos_comp_create c;
	int fd = must_open(), e;
	uint64_t w;

	e = cos_comp_create(fd, 1, &c);
	tap_ok(!e, "host: a component (%s)", e ? strerror(-e) : "ok");
	w = c.base + COS_MM_REGION;
	EXPECT(cos_mem_map(fd, c.id, w, 4096, COS_PROT_READ, NULL, 0), -EINVAL,
	       "host: COS_MEM_MAP in the mm window");
	EXPECT(cos_mem_map(fd, c.id, w - 4096, 8192, COS_PROT_READ, NULL, 0), -EINVAL,
	       "host: COS_MEM_MAP reaching into it");
	EXPECT(cos_mem_map(fd, c.id, w + COS_MM_SIZE - 4096, 8192, COS_PROT_READ, NULL, 0),
	       -EINVAL, "host: COS_MEM_MAP reaching out of it");
	EXPECT(cos_mem_map(fd, c.id, w - 4096, 4096, COS_PROT_READ, NULL, 0), 0,
	       "host: COS_MEM_MAP right below it");
	EXPECT(cos_mem_map(fd, c.id, w + COS_MM_SIZE, 4096, COS_PROT_READ, NULL, 0), 0,
	       "host: COS_MEM_MAP right above it");
	EXPECT(cos_pd(fd, COS_PD_MM, c.id, 0), 0, "host: COS_PD_MM");
	EXPECT(cos_pd(fd, COS_PD_MM, c.id + 1, 0), -ENOENT, "host: COS_PD_MM of no component");
	close(fd);
}

int main(void)
{
	printf("TAP version 13\n");
	test_host();
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		tap_diag("one CPU: the shootdown test needs two and fails");
	run_layout("components/systems/mm.sys", "isolated");
	run_layout("components/systems/mm-merged.sys", "merged");
	printf("1..%d\n", tap_num);
	return tap_exit();
}
