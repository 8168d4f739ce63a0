// SPDX-License-Identifier: GPL-2.0
/*
 * cos_sched - scheduling and synchronisation as components (TAP). Runs
 * components/systems/schedtest.sys in three PD layouts (every component
 * alone, all in one PD, a random mix) and turns each "T name ok|FAIL"
 * line of the schedtest component into a test; then an idle system's CPU
 * use, and kill -9 of a host whose threads are blocked. With
 * COS_SCHED_DEBUG set in the environment a system that runs longer than
 * 20 s is stopped and its threads' registers are printed.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <sys/ioctl.h>
#include <poll.h>
#include <pthread.h>
#include "libcos.h"
#include "sysdesc.h"
#include "harness.h"

COS_SNIPPET(spin);

#define SYS	"components/systems/schedtest.sys"

static const char *const tests[] = {
	"ops", "prio", "rr", "runaway", "lock", "lock_fast", "events", "timed", "async",
	"cpustate",
};
#define NTESTS	(int)(sizeof(tests) / sizeof(tests[0]))

static struct cos_sysdesc sd;

static int cos_ioctl_raw(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}
static char out[1 << 16];
static size_t outlen;

/* Load @path on a new fd; -1 (with a diagnostic) on failure. */
static int load(const char *path)
{
	char err[512] = "";
	int fd;

	cos_sd_free(&sd);
	memset(&sd, 0, sizeof(sd));
	if (cos_sd_parse(path, &sd, err, sizeof(err))) {
		tap_diag("%s", err);
		return -1;
	}
	fd = must_open();
	if (cos_sd_load(fd, &sd, err, sizeof(err))) {
		tap_diag("%s", err);
		close(fd);
		return -1;
	}
	return fd;
}

/* Run the loaded system to its end: the scheduler's exit status, or -1. */
static long run(int fd)
{
	struct cos_run r;
	char desc[256];

	outlen = 0;
	for (;;) {
		r.budget_ns = getenv("COS_SCHED_DEBUG") ? 20000000000ull : 0;
		if (cos_run_system(fd, &r)) {
			tap_diag("run: %s", strerror(errno));
			return -1;
		}
		switch (r.exit_reason) {
		case COS_EXIT_PRINT:
			if (outlen + r.print.len < sizeof(out)) {
				memcpy(out + outlen, r.print.data, r.print.len);
				outlen += r.print.len;
				out[outlen] = 0;
			}
			fwrite(r.print.data, 1, r.print.len, stdout);
			continue;
		case COS_EXIT_FAULT:
			cos_fault_format(&r.fault, desc, sizeof(desc));
			tap_diag("fault in thread %u: %s", r.thd, desc);
			if (r.thd != (unsigned int)sd.sched_thd)
				continue;
			return -1;
		case COS_EXIT_EXIT:
			return (long)r.exit.status;
		case COS_EXIT_BUDGET: {
			struct cos_regs g;
			unsigned int t;

			tap_diag("stuck: current thread %u", r.thd);
			for (t = 0; t < 64; t++)
				if (!cos_thd_get_regs(fd, t, &g))
					tap_diag("thread %u rip %llx rsp %llx rax %llx", t,
						 (unsigned long long)g.rip,
						 (unsigned long long)g.rsp,
						 (unsigned long long)g.rax);
			return -1;
		}
		default:
			tap_diag("exit %s", cos_exit_name(r.exit_reason));
			return -1;
		}
	}
}

/* Put the components into PDs: layout 0 alone, 1 all in one, 2 mixed. */
static int layout(int fd, int how, unsigned int seed, char *desc, size_t len)
{
	int i, j, n = sd.ncomps, err = 0;
	size_t at = 0;

	desc[0] = 0;
	for (i = 1; i < n && how; i++) {
		if (how == 1) {
			err = cos_pd(fd, COS_PD_MERGE, sd.comps[0].bare.comp,
				     sd.comps[i].bare.comp);
		} else if (rand_r(&seed) % 2) {
			j = (int)(rand_r(&seed) % (unsigned int)i);
			err = cos_pd(fd, COS_PD_MERGE, sd.comps[j].bare.comp,
				     sd.comps[i].bare.comp);
			if (err == -EALREADY)
				err = 0;
			if (!err)
				at += (size_t)snprintf(desc + at, len - at, " %s+%s",
						       sd.comps[j].name, sd.comps[i].name);
		}
		if (err)
			return err;
	}
	return 0;
}

static void layouts(void)
{
	static const char *const names[] = { "isolated", "merged", "mixed" };
	unsigned int seed = (unsigned int)time(NULL);
	char desc[512], key[64], *line;
	int how, t, fd;
	long status;

	for (how = 0; how < 3; how++) {
		desc[0] = 0;
		fd = load(SYS);
		if (fd >= 0 && layout(fd, how, seed, desc, sizeof(desc))) {
			close(fd);
			fd = -1;
		}
		if (how == 2)
			tap_diag("mixed layout (seed %u):%s", seed, desc);
		status = fd >= 0 ? run(fd) : -1;
		for (t = 0; t < NTESTS; t++) {
			snprintf(key, sizeof(key), "T %s ", tests[t]);
			line = strstr(out, key);
			tap_ok(line && !strncmp(line + strlen(key), "ok ", 3),
			       "%s: %s", names[how], tests[t]);
		}
		tap_ok(status == 0, "%s: the system ends with status 0 (got %ld)",
		       names[how], status);
		if (fd >= 0)
			close(fd);
		outlen = 0;
		out[0] = 0;
	}
}

/* SYS with its thread line replaced by "thread schedtest FN". */
static int variant(const char *fn, char *path)
{
	FILE *in = fopen(SYS, "r"), *o;
	char line[512];
	int fdp = mkstemp(path);

	if (!in || fdp < 0 || !(o = fdopen(fdp, "w")))
		return -1;
	while (fgets(line, sizeof(line), in))
		if (!strncmp(line, "thread ", 7))
			fprintf(o, "thread schedtest %s prio 2\n", fn);
		else
			fputs(line, o);
	fclose(in);
	return fclose(o);
}

static long long cpu_ticks(void)
{
	unsigned long long ut = 0, st = 0;
	FILE *f = fopen("/proc/self/stat", "r");

	if (!f || fscanf(f, "%*d (%*[^)]) %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
			 &ut, &st) != 2)
		ut = st = 0;
	if (f)
		fclose(f);
	return (long long)(ut + st);
}

static void idle(void)
{
	char path[] = "/tmp/cos_sched_idleXXXXXX";
	struct timespec a, b;
	long long c0, c1;
	double wall, cpu;
	long status = -1;
	int fd;

	fd = variant("idle_main", path) ? -1 : load(path);
	clock_gettime(CLOCK_MONOTONIC, &a);
	c0 = cpu_ticks();
	if (fd >= 0)
		status = run(fd);
	c1 = cpu_ticks();
	clock_gettime(CLOCK_MONOTONIC, &b);
	wall = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	cpu = (double)(c1 - c0) / (double)sysconf(_SC_CLK_TCK);
	tap_ok(status == 0 && wall >= 10 && cpu < 0.02 * wall,
	       "idle: %.2f s of CPU in %.2f s of an idle system (%.2f %%, limit 2 %%)",
	       cpu, wall, 100 * cpu / wall);
	if (fd >= 0)
		close(fd);
	unlink(path);
}

static void kill9(void)
{
	char path[] = "/tmp/cos_sched_blockXXXXXX";
	long long sys, thd, pages;
	int st, p[2];
	char c;
	pid_t pid;

	if (variant("block_main", path) || pipe(p)) {
		tap_ok(0, "kill -9: setup");
		return;
	}
	fflush(stdout);
	pid = fork();
	if (!pid) {
		int fd = load(path);
		struct cos_run r = { .budget_ns = 0 };

		/* tell the parent once the threads are blocked */
		while (fd >= 0 && !cos_run_system(fd, &r) &&
		       r.exit_reason == COS_EXIT_PRINT)
			if (memmem(r.print.data, r.print.len, "blocked", 7) &&
			    write(p[1], "b", 1) != 1)
				break;
		_exit(1);
	}
	close(p[1]);
	st = read(p[0], &c, 1) == 1;
	usleep(300000);			/* idle in poll() by now */
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	usleep(100000);
	sys = stat_of("systems");
	thd = stat_of("threads");
	pages = stat_of("pages");
	tap_ok(st && sys == 0 && thd == 0 && pages == 0,
	       "kill -9 with 6 threads blocked: systems %lld, threads %lld, pages %lld left",
	       sys, thd, pages);
	unlink(path);
}


/*
 * A plain RUN racing with COS_SCHED_CONFIG: they must never both succeed
 * (the RUN looks at the scheduler before it checks in, and again under
 * sys->lock). Each round a thread RUNs a spinning component for 20 ms
 * while this thread configures a scheduler a random few microseconds
 * later: one of the two must fail (EPERM or EBUSY), since the RUN cannot
 * have ended before the configuration began. The window is a few
 * instructions wide, so this catches the old order only now and then.
 */
struct race_arg {
	int fd;
	unsigned int thd;
	int err;
	struct cos_run run;
	volatile int go;
};

static void *race_run(void *p)
{
	struct race_arg *a = p;

	while (!a->go)
		;
	a->run = (struct cos_run){ .thd = a->thd, .budget_ns = 20000000 };
	a->err = cos_run(a->fd, &a->run);
	return NULL;
}

static void run_vs_config(void)
{
	struct cos_bare_opts o = { .slot = 1 };
	int rounds = 300, both = 0, done = 0, i;

	for (i = 0; i < rounds; i++) {
		struct race_arg a = { .fd = must_open() };
		struct cos_bare b;
		struct cos_regs regs = { .rip = 0x1000, .rsp = 0x2000, .rflags = 0x202 };
		pthread_t t;
		int sched, cfg;

		if (cos_bare_load(a.fd, SNIP(spin), &o, &b) ||
		    (sched = cos_thd_create(a.fd, b.comp, 0, &regs)) < 0) {
			close(a.fd);
			continue;
		}
		a.thd = b.thd;
		pthread_create(&t, NULL, race_run, &a);
		a.go = 1;
		for (volatile int d = rand() % 2000; d > 0; d--)
			;
		cfg = cos_sched_config(a.fd, (unsigned int)sched, 0);
		pthread_join(t, NULL);
		if (!cfg && !a.err)
			both++;
		done++;
		close(a.fd);
	}
	tap_ok(done == rounds && both == 0,
	       "plain RUN racing with SCHED_CONFIG: %d of %d rounds had both succeed (want 0)",
	       both, done);
}

/* The ioctl side: exact errors. */
static void abi(void)
{
	struct cos_regs regs = { .rip = 0x1000, .rsp = 0x2000, .rflags = 0x202 };
	struct cos_comp_create cc;
	struct cos_run r = { .flags = COS_RUN_SCHED };
	struct pollfd p;
	int fd = must_open(), thd, e1, e2, e3, e4, e5, e6, e7, e8, e9, ready0, ready1;

	if (cos_comp_create(fd, 0, &cc) < 0)
		thd = -1;
	else
		thd = cos_thd_create(fd, cc.id, 0, &regs);
	e1 = cos_ioctl_raw(fd, COS_RUN, &r);			/* no scheduler */
	e2 = cos_sched_config(fd, 63, 0);			/* no such thread */
	e3 = cos_sched_config(fd, (unsigned int)thd, 1000);	/* tick too short */
	e9 = cos_sched_config(fd, (unsigned int)thd, 1ull << 63); /* a negative ktime */
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	ready0 = poll(&p, 1, 0);
	e4 = cos_sched_config(fd, (unsigned int)thd, 0);
	e5 = cos_sched_config(fd, (unsigned int)thd, 0);	/* a second one */
	r = (struct cos_run){ .thd = (unsigned int)thd };
	e6 = cos_ioctl_raw(fd, COS_RUN, &r);			/* its scheduler runs it */
	r = (struct cos_run){ .thd = 1, .flags = COS_RUN_SCHED };
	e7 = cos_ioctl_raw(fd, COS_RUN, &r);			/* thd must be 0 */
	r = (struct cos_run){ .flags = 1u << 7 };
	e8 = cos_ioctl_raw(fd, COS_RUN, &r);			/* unknown flag */
	thd = cos_thd_create(fd, cc.id, 0, &regs);		/* the scheduler hears */
	ready1 = poll(&p, 1, 0);
	tap_ok(thd > 0 && e1 == -EINVAL && e2 == -ENOENT && e3 == -EINVAL &&
	       e9 == -EINVAL && ready0 == 0 && e4 == 0 && e5 == -EBUSY && e6 == -EPERM &&
	       e7 == -EINVAL && e8 == -EINVAL && ready1 == 1,
	       "abi: RUN_SCHED without a scheduler %d, config: no thread %d, short tick %d, "
	       "tick of 2^63 ns %d, ok %d, again %d; plain RUN %d, RUN_SCHED thd %d, bad flag %d; "
	       "poll %d then %d", e1, e2, e3, e9, e4, e5, e6, e7, e8, ready0, ready1);
	close(fd);
}

int main(void)
{
	tap_plan(3 * (NTESTS + 1) + 4);
	alarm(900);	/* a lost wake-up must not hang the suite */
	abi();
	run_vs_config();
	layouts();
	idle();
	kill9();
	cos_sd_free(&sd);
	return tap_exit();
}
