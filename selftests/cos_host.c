// SPDX-License-Identifier: GPL-2.0
/*
 * cos_host - the host thread and Linux around it: kill -9 at random points,
 * signals (and stop/continue) during RUN, a syscall-heavy Linux process on
 * the same vCPU, the host migrated between vCPUs while in component mode,
 * and two hosts at once (on one vCPU and on two).
 */
#include <sched.h>
#include <signal.h>
#include <time.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "harness.h"

COS_SNIPPET(null_regs); COS_SNIPPET(yield_regs); COS_SNIPPET(spin);

#define FOREVER (1ull << 62)

static void pin(pid_t pid, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(pid, sizeof(set), &set);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}


static volatile sig_atomic_t sigusr1_seen;

static void on_sigusr1(int sig)
{
	(void)sig;
	sigusr1_seen++;
}

/*
 * Body of a host child: run @code with R12 = @iters until it exits (status
 * 0 wanted) or, with a budget, until the budget ends with no register
 * mismatch reported. RUN is re-entered after signal exits. Exit code 0 =
 * pass; the low bits say what went wrong otherwise.
 */
static int host_child(const void *code, size_t len, uint64_t iters,
		      uint64_t budget_ns, unsigned int *signal_exits)
{
	struct snip_run r;
	struct cos_bare b;
	struct cos_regs regs;
	int fd = must_open();
	double deadline = now_s() + budget_ns / 1e9;

	if (cos_bare_load(fd, code, len, NULL, &b) ||
	    cos_thd_get_regs(fd, b.thd, &regs))
		return 2;
	regs.r12 = iters;
	if (cos_thd_set_regs(fd, b.thd, &regs))
		return 2;
	for (;;) {
		memset(&r.run, 0, sizeof(r.run));
		r.run.thd = b.thd;
		if (budget_ns) {
			double left = deadline - now_s();

			r.run.budget_ns = left > 0 ? (uint64_t)(left * 1e9) : 1;
		}
		if (cos_run(fd, &r.run))
			return 3;
		if (r.run.exit_reason == COS_EXIT_SIGNAL) {
			if (signal_exits)
				(*signal_exits)++;
			continue;
		}
		if (r.run.exit_reason == COS_EXIT_BUDGET)
			return budget_ns ? 0 : 4;
		if (r.run.exit_reason == COS_EXIT_EXIT)
			return r.run.exit.status ? 10 + (int)(r.run.exit.status & 63) : 0;
		return 5;
	}
}

static pid_t spawn_host(int cpu, const void *code, size_t len, uint64_t iters,
			uint64_t budget_ns)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (cpu >= 0)
			pin(0, cpu);
		_exit(host_child(code, len, iters, budget_ns, NULL));
	}
	return pid;
}

static int wait_code(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void test_kill9(void)
{
	int i, killed = 0, n = 60;

	srand(getpid());
	for (i = 0; i < n; i++) {
		const void *code = i % 3 == 0 ? cos_snippet_start(spin) :
				   i % 3 == 1 ? cos_snippet_start(null_regs) :
						cos_snippet_start(yield_regs);
		size_t len = i % 3 == 0 ? cos_snippet_len(spin) :
			     i % 3 == 1 ? cos_snippet_len(null_regs) :
					  cos_snippet_len(yield_regs);
		pid_t pid = spawn_host(-1, code, len, FOREVER, 0);

		usleep(rand() % 40000);
		kill(pid, SIGKILL);
		killed += wait_code(pid) == 128 + SIGKILL;
	}
	tap_ok(killed == n, "kill -9 of the host at %d random points (%d died by SIGKILL)",
	       n, killed);
	usleep(100000);
	tap_ok(stat_of("systems") == 0 && stat_of("threads") == 0 &&
	       stat_of("pages") == 0,
	       "nothing leaked after the kills (systems %lld threads %lld pages %lld)",
	       stat_of("systems"), stat_of("threads"), stat_of("pages"));
}

static void test_signals(void)
{
	pid_t pid;
	int i, code;

	/* Before the fork: the first SIGUSR1 may come before the child ran. */
	signal(SIGUSR1, on_sigusr1);
	pid = fork();
	if (pid == 0) {
		unsigned int exits = 0;
		int rc;

		rc = host_child(cos_snippet_start(null_regs),
				cos_snippet_len(null_regs), 3000000, 0, &exits);
		if (!rc && (!exits || !sigusr1_seen))
			rc = 1;
		_exit(rc);
	}
	for (i = 0; i < 20; i++) {
		usleep(10000);
		kill(pid, SIGUSR1);
		if (i == 10) {	/* stop in component mode, then continue */
			kill(pid, SIGSTOP);
			usleep(50000);
			kill(pid, SIGCONT);
		}
	}
	code = wait_code(pid);
	tap_ok(code == 0,
	       "signals and SIGSTOP/SIGCONT during RUN: signal exits, handler ran, registers intact (child %d)",
	       code);
}

/* A Linux process hammering syscalls on the CPU the host runs on. */
static int neighbour(double secs)
{
	pid_t ppid = getppid();
	double end = now_s() + secs;
	long n = 0;
	int p[2];

	if (pipe(p))
		return 2;
	while (now_s() < end) {
		char buf[8];
		long v = n * 2654435761u;

		if (getppid() != ppid || syscall(SYS_gettid) != getpid())
			return 3;
		if (write(p[1], &v, sizeof(v)) != sizeof(v) ||
		    read(p[0], buf, sizeof(buf)) != sizeof(v) ||
		    memcmp(buf, &v, sizeof(v)))
			return 4;
		n++;
	}
	printf("# neighbour made %ld getppid+pipe round trips\n", n);
	return n > 100 ? 0 : 5;
}

static void test_neighbour(void)
{
	pid_t host, nb;
	int hc, nc;

	host = spawn_host(0, SNIP(null_regs), FOREVER, 2000000000ull);
	nb = fork();
	if (nb == 0) {
		pin(0, 0);
		_exit(neighbour(1.5));
	}
	nc = wait_code(nb);
	hc = wait_code(host);
	tap_ok(hc == 0 && nc == 0,
	       "syscall-heavy Linux process on the host's vCPU: host %d, neighbour %d",
	       hc, nc);
}

/* Parse /sys/kernel/debug/cos/cpus: is every vector of @cpu "linux"? */
static int cpu_state(int cpu, unsigned long long *installs)
{
	FILE *f = fopen("/sys/kernel/debug/cos/cpus", "r");
	char line[256], tag[16];
	int state = -1;

	snprintf(tag, sizeof(tag), "cpu%d ", cpu);
	while (f && fgets(line, sizeof(line), f)) {
		char *p;

		if (strncmp(line, tag, strlen(tag)))
			continue;
		state = !strstr(line, "=cos") ? 0 :
			strstr(line, "=linux") ? 2 : 1;	/* 0 linux, 1 cos, 2 mixed */
		p = strstr(line, "installs=");
		if (p && installs)
			*installs = strtoull(p + 9, NULL, 10);
	}
	if (f)
		fclose(f);
	return state;
}

static void test_migration(void)
{
	unsigned long long before0 = 0, before1 = 0, after0 = 0, after1 = 0;
	int flips = 0, cos_on_0 = 0, linux_on_1 = 0, i, hc;
	double end;
	pid_t host;

	cpu_state(0, &before0);
	cpu_state(1, &before1);
	host = spawn_host(-1, SNIP(null_regs), FOREVER, 3000000000ull);
	end = now_s() + 2.0;
	while (now_s() < end) {
		pin(host, flips & 1);
		flips++;
		usleep(2000);
	}
	/* Host on CPU 0, us on CPU 1: CPU 1 must be back on Linux's vectors. */
	pin(host, 0);
	pin(0, 1);
	for (i = 0; i < 20 && !(cos_on_0 && linux_on_1); i++) {
		usleep(20000);
		cos_on_0 |= cpu_state(0, NULL) == 1;
		linux_on_1 |= cpu_state(1, NULL) == 0;
	}
	hc = wait_code(host);
	cpu_state(0, &after0);
	cpu_state(1, &after1);
	tap_ok(hc == 0, "host moved %d times between vCPUs in component mode: registers intact (child %d)",
	       flips, hc);
	tap_ok(after0 > before0 && after1 > before1,
	       "vectors installed on both vCPUs as it moved (cpu0 +%llu, cpu1 +%llu)",
	       after0 - before0, after1 - before1);
	tap_ok(cos_on_0 && linux_on_1,
	       "while it runs on cpu0: cpu0 has the module's vectors, cpu1 Linux's");
	tap_ok(cpu_state(0, NULL) == 0 && cpu_state(1, NULL) == 0,
	       "after it ends: Linux's vectors on every vCPU");
	{	/* and the vCPU it left serves Linux syscalls correctly */
		pid_t nb = fork();

		if (nb == 0) {
			pin(0, 1);
			_exit(neighbour(0.3));
		}
		tap_ok(wait_code(nb) == 0, "Linux syscalls correct on the vCPU it left");
	}
}

static void test_two_hosts(int same_cpu)
{
	pid_t a = spawn_host(0, SNIP(null_regs), 300000, 0);
	pid_t b = spawn_host(same_cpu ? 0 : 1, SNIP(yield_regs), 20000, 0);
	int ac = wait_code(a), bc = wait_code(b);

	tap_ok(ac == 0 && bc == 0, "two hosts at once on %s: %d, %d",
	       same_cpu ? "one vCPU" : "two vCPUs", ac, bc);
}

int main(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	tap_plan(11);
	test_kill9();
	test_signals();
	test_neighbour();
	if (cpus >= 2) {
		test_migration();
		test_two_hosts(0);
	} else {
		tap_skip("migration", "one vCPU");
		tap_skip("migration installs", "one vCPU");
		tap_skip("migration vectors", "one vCPU");
		tap_skip("migration after", "one vCPU");
		tap_skip("migration neighbour", "one vCPU");
		tap_skip("two hosts on two vCPUs", "one vCPU");
	}
	test_two_hosts(1);
	pin(0, 0);
	return tap_exit();
}
