// SPDX-License-Identifier: GPL-2.0
/*
 * cos_mce - machine checks in component mode (guest suite "mce").
 *
 * Needs the host-side driver selftests/mce-inject.sh on QEMU's monitor
 * (selftests/check.sh starts it): for every line
 * "COS-MCE-INJECT id=N cpu=C addr=PA ip=LO-HI" this program writes to the
 * console, it waits until vCPU C runs the component (CPL 3, RIP in
 * [LO, HI)) and injects an action-required memory error at PA there.
 * Run as "cos_mce --inject" only under that driver (and a CPU that says
 * GenuineIntel); without --inject every test is skipped.
 *
 *  1-3  an error at a page of the host while a component spins: RUN stops
 *       with COS_EXIT_MCE (vector 18, ip in the component), the host gets
 *       SIGBUS BUS_MCEERR_AR at its page, the thread can RUN on
 *  4-9  an error at the component's own data page (found in /proc/kcore
 *       by its contents): COS_EXIT_MCE, Linux marks the page poisoned, the
 *       next RUN faults (#PF, not present) at its address instead of
 *       touching it, COS_MEM_MAP over it is EHWPOISON, and closing the
 *       system frees all of it
 *  10-11 a host without a SIGBUS handler dies of SIGBUS and leaves nothing
 *  12   "cos bare" says "machine check" and stops with status 74
 */
#include <cpuid.h>
#include <elf.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include "harness.h"

COS_SNIPPET(mce_read);
COS_SNIPPET(spin);

#define BUDGET_NS	20000000000ull	/* the driver needs a few seconds */
#define NTAG		8		/* words that identify the data page */

static int cpu;				/* where the component runs */
static int inject_id;
static volatile sig_atomic_t bus_sigs, bus_code;
static void *volatile bus_addr;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	bus_code = si->si_code;
	bus_addr = si->si_addr;
	bus_sigs++;
}

static int is_intel(void)
{
	unsigned int a, b, c, d;

	__cpuid(0, a, b, c, d);
	return b == 0x756e6547 && d == 0x49656e69 && c == 0x6c65746e;
}

/* Ask the driver for a machine check at @pa once @cpu runs [lo, hi). */
static void ask_inject(uint64_t pa, uint64_t lo, uint64_t hi)
{
	char line[160];
	int fd = open("/dev/console", O_WRONLY | O_NOCTTY), n;

	n = snprintf(line, sizeof(line),
		     "COS-MCE-INJECT id=%d cpu=%d addr=%#llx ip=%#llx-%#llx\n",
		     ++inject_id, cpu, (unsigned long long)pa,
		     (unsigned long long)lo, (unsigned long long)hi);
	tap_diag("%.*s", n - 1, line);
	/* twice: a kernel message may break a line up; the driver injects
	 * once per id */
	if (fd >= 0) {
		if (write(fd, line, n) != n || write(fd, line, n) != n)
			tap_diag("writing to /dev/console: %s", strerror(errno));
		close(fd);
	}
}

/* Physical address of a page of ours (root sees PFNs), 0 if none. */
static uint64_t host_pa(const void *va)
{
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return 0;
	if (pread(fd, &e, 8, (uintptr_t)va / 4096 * 8) != 8)
		e = 0;
	close(fd);
	if (!(e >> 63) || !(e & ((1ull << 55) - 1)))
		return 0;
	return (e & ((1ull << 55) - 1)) * 4096;
}

static uint64_t tag_word(uint64_t seed, int i)	/* splitmix64 */
{
	uint64_t z = seed + (uint64_t)(i + 1) * 0x9e3779b97f4a7c15ull;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/*
 * The physical address of the one page of RAM that starts with the tag of
 * @seed, from /proc/kcore's RAM segments (64 bytes read per page). The
 * tag exists nowhere else at a page start: the words are computed here
 * one at a time, and the buffer they were copied from is not page
 * aligned and was cleared. 0 if there is not exactly one; *@found says
 * how many there were.
 */
static uint64_t kcore_find(uint64_t seed, int *found)
{
	uint64_t want[NTAG], buf[NTAG], pa = 0;
	Elf64_Ehdr eh;
	int fd = open("/proc/kcore", O_RDONLY), i;

	*found = 0;
	if (fd < 0)
		return 0;
	for (i = 0; i < NTAG; i++)
		want[i] = tag_word(seed, i);
	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh))
		goto out;
	for (i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		uint64_t off;

		if (pread(fd, &ph, sizeof(ph), eh.e_phoff + (uint64_t)i * eh.e_phentsize) != sizeof(ph))
			goto out;
		if (ph.p_type != PT_LOAD || ph.p_paddr == (uint64_t)-1 || ph.p_paddr & 4095)
			continue;
		for (off = 0; off < ph.p_filesz; off += 4096) {
			if (pread(fd, buf, sizeof(buf), ph.p_offset + off) != sizeof(buf) ||
			    memcmp(buf, want, sizeof(buf)))
				continue;
			if (pa != ph.p_paddr + off)	/* text and RAM may overlap */
				(*found)++;
			pa = ph.p_paddr + off;
		}
	}
out:
	close(fd);
	return *found == 1 ? pa : 0;
}

/* /proc/kpageflags: KPF_HWPOISON (bit 19) of the page at @pa; -1 unknown. */
static int page_poisoned(uint64_t pa)
{
	uint64_t f;
	int fd = open("/proc/kpageflags", O_RDONLY), r = -1;

	if (fd < 0)
		return -1;
	if (pread(fd, &f, 8, pa / 4096 * 8) == 8)
		r = (f >> 19) & 1;
	close(fd);
	return r;
}

struct comp {
	int fd;
	struct cos_bare b;
	uint64_t data;		/* its data page (RSI) */
	uint64_t lo, hi;	/* its code */
};

/* The mce_read snippet reading a data page that starts with @seed's tag. */
static int comp_load(struct comp *c, uint64_t seed)
{
	struct cos_bare_opts o = { .slot = 1 };
	size_t len = cos_snippet_len(mce_read);
	struct cos_regs regs;
	char *src = malloc(4096 + 64);
	int err, i;

	c->fd = must_open();
	err = cos_bare_load(c->fd, cos_snippet_start(mce_read), len, &o, &c->b);
	if (err || !src)
		goto out;
	c->data = c->b.base + COS_BARE_DATA;
	c->lo = c->b.code;
	c->hi = c->b.code + len;
	/* the tag at an address that is not page aligned */
	memset(src, 0, 4096 + 64);
	for (i = 0; i < NTAG; i++) {
		uint64_t w = tag_word(seed, i);

		memcpy(src + 24 + i * 8, &w, 8);
	}
	err = cos_mem_map(c->fd, c->b.comp, c->data, 4096,
			  COS_PROT_READ | COS_PROT_WRITE, src + 24, 4096);
	memset(src, 0, 4096 + 64);
	if (err)
		goto out;
	err = cos_thd_get_regs(c->fd, c->b.thd, &regs);
	if (err)
		goto out;
	regs.rsi = c->data;
	err = cos_thd_set_regs(c->fd, c->b.thd, &regs);
out:
	free(src);
	return err;
}

static int run_once(struct comp *c, struct cos_run *run, uint64_t budget)
{
	memset(run, 0, sizeof(*run));
	run->thd = c->b.thd;
	run->budget_ns = budget;
	return cos_run(c->fd, run);
}

static void report_exit(const char *what, int err, const struct cos_run *run)
{
	tap_diag("%s: %s, exit %s, vector %u ip %#llx address %#llx, %d SIGBUS (code %d addr %p)",
		 what, err ? strerror(-err) : "ok", cos_exit_name(run->exit_reason),
		 run->fault.vector, (unsigned long long)run->fault.ip,
		 (unsigned long long)run->fault.address, (int)bus_sigs,
		 (int)bus_code, bus_addr);
}

static int mce_exit_ok(const struct comp *c, int err, const struct cos_run *run)
{
	return !err && run->exit_reason == COS_EXIT_MCE &&
	       run->fault.vector == 18 && run->fault.comp == c->b.comp &&
	       run->thd == c->b.thd && run->fault.ip >= c->lo && run->fault.ip < c->hi;
}

/* 1-3: the error is at a page of the host. */
static void test_host_page(void)
{
	char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct cos_run run;
	struct comp c;
	uint64_t pa;
	int err;

	if (page == MAP_FAILED)
		page = NULL;
	if (page)
		page[0] = 1;
	pa = page ? host_pa(page) : 0;
	err = comp_load(&c, 1);
	if (err || !pa) {
		tap_ok(0, "setup: load %s, host page at pa %#llx", strerror(-err),
		       (unsigned long long)pa);
		tap_skip("SIGBUS BUS_MCEERR_AR", "no setup");
		tap_skip("RUN on after COS_EXIT_MCE", "no setup");
		close(c.fd);
		return;
	}
	bus_sigs = 0;
	ask_inject(pa, c.lo, c.hi);
	err = run_once(&c, &run, BUDGET_NS);
	report_exit("host page", err, &run);
	tap_ok(mce_exit_ok(&c, err, &run),
	       "machine check in component mode: RUN stops with COS_EXIT_MCE (vector 18, ip in the component)");
	tap_ok(bus_sigs == 1 && bus_code == BUS_MCEERR_AR && bus_addr == page,
	       "Linux's recovery ran as RUN returned: SIGBUS BUS_MCEERR_AR at the host's page");
	err = run_once(&c, &run, 200000000ull);
	tap_ok(!err && run.exit_reason == COS_EXIT_BUDGET,
	       "the thread RUNs on where it was (%s)", cos_exit_name(run.exit_reason));
	close(c.fd);
	munmap(page, 4096);	/* never touched again: it is poisoned */
}

/* 4-9: the error is at the component's own data page. */
static void test_comp_page(void)
{
	long long poisoned0 = stat_of("poisoned");
	struct cos_run run;
	struct comp c;
	uint64_t seed = ((uint64_t)getpid() << 32) ^ 0x636f734d4345ull, pa;
	int err, found, pg;

	err = comp_load(&c, seed);
	pa = err ? 0 : kcore_find(seed, &found);
	tap_ok(pa != 0, "the component's data page found in RAM through /proc/kcore (%d found, pa %#llx)",
	       err ? 0 : found, (unsigned long long)pa);
	if (!pa) {
		tap_skip("COS_EXIT_MCE at the component's page", "page not found");
		tap_skip("Linux marks the page poisoned", "page not found");
		tap_skip("next RUN: #PF instead of the poisoned page", "page not found");
		tap_skip("COS_MEM_MAP over it: EHWPOISON", "page not found");
		close(c.fd);
		goto closed;
	}
	bus_sigs = 0;
	ask_inject(pa, c.lo, c.hi);
	err = run_once(&c, &run, BUDGET_NS);
	report_exit("component page", err, &run);
	tap_ok(mce_exit_ok(&c, err, &run) && bus_sigs == 1,
	       "machine check at the component's own page: COS_EXIT_MCE, the host gets SIGBUS");
	pg = page_poisoned(pa);
	tap_ok(pg == 1, "Linux marked the page poisoned (kpageflags HWPOISON: %d)", pg);
	err = run_once(&c, &run, 2000000000ull);
	report_exit("after the sweep", err, &run);
	tap_ok(!err && run.exit_reason == COS_EXIT_FAULT && run.fault.vector == 14 &&
	       run.fault.address == c.data && run.fault.error_code == 4 &&
	       stat_of("poisoned") == poisoned0 + 1,
	       "the next RUN took the page out: #PF not-present read at %#llx, not another machine check",
	       (unsigned long long)c.data);
	EXPECT(cos_mem_map(c.fd, c.b.comp, c.data, 4096, COS_PROT_READ, NULL, 0),
	       -EHWPOISON, "COS_MEM_MAP over the poisoned address");
	close(c.fd);
closed:
	tap_ok(stat_of("systems") == 0 && stat_of("threads") == 0 && stat_of("pages") == 0,
	       "closing the system frees it all, the poisoned page too (systems %lld threads %lld pages %lld)",
	       stat_of("systems"), stat_of("threads"), stat_of("pages"));
}

/* 10: no SIGBUS handler: the host dies of it, the system goes with it. */
static void test_host_dies(void)
{
	int pfd[2], status = 0;
	pid_t pid;

	if (pipe(pfd)) {
		tap_ok(0, "pipe: %s", strerror(errno));
		tap_skip("nothing of its system is left", "no pipe");
		return;
	}
	pid = fork();
	if (pid == 0) {
		struct rlimit no_core = { 0, 0 };
		char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		struct cos_run run;
		struct comp c;
		uint64_t pa;

		close(pfd[0]);
		setrlimit(RLIMIT_CORE, &no_core);
		signal(SIGBUS, SIG_DFL);
		if (page == MAP_FAILED)
			_exit(2);
		page[0] = 1;
		pa = host_pa(page);
		if (!pa || comp_load(&c, 2))
			_exit(3);
		ask_inject(pa, c.lo, c.hi);
		run_once(&c, &run, BUDGET_NS);
		/* only reached if no SIGBUS came */
		if (write(pfd[1], &run.exit_reason, sizeof(run.exit_reason)) < 0)
			_exit(5);
		_exit(4);
	}
	close(pfd[1]);
	if (pid > 0) {
		inject_id++;	/* the child used the next id */
		waitpid(pid, &status, 0);
	}
	close(pfd[0]);
	tap_ok(pid > 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS,
	       "a host without a SIGBUS handler dies of SIGBUS (status %#x)", status);
	tap_ok(stat_of("systems") == 0 && stat_of("threads") == 0 && stat_of("pages") == 0,
	       "... and nothing of its system is left (systems %lld threads %lld pages %lld)",
	       stat_of("systems"), stat_of("threads"), stat_of("pages"));
}

/* 11: the CLI. */
static void test_cli(void)
{
	char *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	const char *file = "/tmp/cos_mce_spin.bin";
	struct cos_version v;
	char out[1024] = "";
	uint64_t base, pa;
	int fd, pfd[2], status = 0;
	ssize_t n, got = 0;
	pid_t pid;

	fd = must_open();
	if (cos_get_version(fd, &v) || page == MAP_FAILED) {
		close(fd);
		tap_ok(0, "cos bare: setup");
		return;
	}
	close(fd);
	base = 1ull << v.slot_shift;	/* slot 1 */
	page[0] = 1;
	pa = host_pa(page);
	fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, cos_snippet_start(spin), cos_snippet_len(spin)) !=
		      (ssize_t)cos_snippet_len(spin) || pipe(pfd)) {
		tap_ok(0, "cos bare: setup: %s", strerror(errno));
		return;
	}
	close(fd);
	pid = fork();
	if (pid == 0) {
		dup2(pfd[1], 2);
		close(pfd[0]);
		execl("build/cos", "cos", "bare", "--budget-ms", "20000", file, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	/* The error is at a page of ours, which the CLI does not map:
	 * Linux recovers it and sends the CLI nothing. */
	ask_inject(pa, base + COS_BARE_CODE, base + COS_BARE_CODE + cos_snippet_len(spin));
	while (got < (ssize_t)sizeof(out) - 1 &&
	       (n = read(pfd[0], out + got, sizeof(out) - 1 - got)) > 0)
		got += n;
	close(pfd[0]);
	waitpid(pid, &status, 0);
	if (got && out[got - 1] == '\n')
		out[got - 1] = 0;
	tap_diag("cos bare said: %s", out);
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 74 &&
	       strstr(out, "machine check in component") && strstr(out, "stopping"),
	       "cos bare says \"machine check\" and stops with status 74 (status %#x)", status);
	unlink(file);
	munmap(page, 4096);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO };
	int inject = argc > 1 && !strcmp(argv[1], "--inject");
	cpu_set_t set;

	tap_plan(12);
	if (!inject || !is_intel()) {
		const char *why = !inject ? "needs --inject and the host-side driver (guest suite mce)" :
			"the guest CPU must say GenuineIntel (run-vm.sh --cpu-opts vendor=GenuineIntel)";
		int i;

		for (i = 0; i < 12; i++)
			tap_skip("machine check", why);
		return tap_exit();
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
	cpu = sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 1 : 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		tap_diag("sched_setaffinity: %s", strerror(errno));
	setvbuf(stdout, NULL, _IOLBF, 0);

	test_host_page();
	test_comp_page();
	test_host_dies();
	test_cli();
	return tap_exit();
}
