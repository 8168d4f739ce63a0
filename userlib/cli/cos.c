// SPDX-License-Identifier: GPL-2.0
/*
 * cos - command-line front end of the cos component kernel.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <x86intrin.h>
#include "libcos.h"
#include "sysdesc.h"
#include "snippet.h"

#define EXIT_USAGE	64
#define EXIT_UNAVAIL	69
#define EXIT_FAULT	70
#define EXIT_MCE	74	/* a machine check: a hardware memory error */
#define EXIT_BUDGET	124
#define EXIT_INTR	130

static const char *prog = "cos";

static void usage(FILE *f)
{
	fprintf(f,
"usage: cos <command> [options]\n"
"\n"
"commands:\n"
"  version                 show the module's ABI version and paging geometry\n"
"  bare [options] FILE     run FILE, one component (a static-PIE ELF or a\n"
"                          flat binary), printing its output; exits with the\n"
"                          component's status\n"
"      --slot N            top-level page-table slot to load it in (default 1)\n"
"      --budget-ms N       stop it after N ms of wall time (default: none)\n"
"      --fpu               give it an FPU state (otherwise FPU use faults)\n"
"  run [options] SYSTEM    load the system description SYSTEM (components,\n"
"                          imports, threads; see docs/components.md) and run\n"
"                          its threads one after another (under its\n"
"                          scheduler if it names one)\n"
"      --budget-ms N       stop it after N ms of wall time\n"
"      --stats             print the invocations on every edge at the end\n"
"      --net DEV           attach its net component to interface DEV\n"
"      --vnet NAME         ... to a new virtual interface NAME instead\n"
"      --mac MAC           the component system's MAC (default: random)\n"
"      --ring N            slots per network ring (power of two, 2-2048;\n"
"                          default 256)\n"
"      --disk PATH         attach its disk component to a block device or file\n"
"      --detach-after MS   detach every device after MS ms (a test aid)\n"
"  bench null [--iters N]  null round trip vs Linux getppid() (default 1000000)\n"
"  bench invoke [--iters N] inter-PD invocation vs the hardware lower bound,\n"
"                          Linux pipe RPC and a C indirect call (default 200000)\n"
"  bench mpd [--iters N]   MPD's tables: merge 10 components and split them\n"
"                          N times (100), with and without PD reuse, against\n"
"                          a Linux address-space clone; intra-PD invocation\n"
"                          against a C indirect call and an inter-PD one\n"
"                          against Linux cloning an address space\n"
"  bench sched             thread switch, lock (uncontended, contended), event\n"
"                          and asynchronous invocation round trips through\n"
"                          the scheduling components, isolated and merged\n"
"  bench io [SECONDS] [DISK]\n"
"                          echo frames/s of components/systems/echo.sys on a\n"
"                          veth pair against a Linux AF_PACKET echo, and\n"
"                          block MiB/s of the blk component against dd with\n"
"                          direct I/O on DISK (default /dev/vda if present)\n"
"  help                    this text\n"
"\n"
"exit status of bare: the component's exit status; %d fault; %d machine\n"
"check; %d budget used up; %d interrupted; %d /dev/cos unavailable; %d usage\n"
"error.\n"
"Needs the cos module loaded (insmod cos.ko) and access to /dev/cos.\n",
		EXIT_FAULT, EXIT_MCE, EXIT_BUDGET, EXIT_INTR, EXIT_UNAVAIL, EXIT_USAGE);
}

static int open_cos(void)
{
	int fd = cos_open();

	if (fd < 0) {
		fprintf(stderr, "%s: cannot open /dev/cos: %s%s\n", prog,
			strerror(-fd),
			fd == -ENOENT ? " (is the cos module loaded?)" : "");
		exit(EXIT_UNAVAIL);
	}
	return fd;
}

static int cmd_version(void)
{
	struct cos_version v;
	int fd = open_cos(), err = cos_get_version(fd, &v);

	if (err) {
		fprintf(stderr, "%s: version: %s\n", prog, strerror(-err));
		return 1;
	}
	printf("cos ABI %u.%u (library built for %u.%u)\n", v.abi_major,
	       v.abi_minor, COS_ABI_MAJOR, COS_ABI_MINOR);
	printf("paging: %u levels, %u slots of 2^%u bytes, user space ends at %#llx\n",
	       v.paging_levels, v.nr_slots, v.slot_shift,
	       (unsigned long long)v.user_va_end);
	printf("features:%s%s%s%s\n", v.features & COS_FEAT_LA57 ? " la57" : "",
	       v.features & COS_FEAT_NX ? " nx" : "",
	       v.features & COS_FEAT_PKU ? " pku" : "",
	       v.features & COS_FEAT_FSGSBASE ? " fsgsbase" : "");
	printf("page budget per system: %llu pages\n",
	       (unsigned long long)v.max_pages);
	close(fd);
	return v.abi_major == COS_ABI_MAJOR ? 0 : 1;
}

static volatile sig_atomic_t got_sigint;

static void on_sigint(int sig)
{
	(void)sig;
	got_sigint = 1;
	cos_run_stop = 1;	/* libcos: also between two RUNs */
}

static void *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	struct stat st;

	if (!f || fstat(fileno(f), &st) || !st.st_size ||
	    !(buf = malloc(st.st_size)) ||
	    fread(buf, 1, st.st_size, f) != (size_t)st.st_size) {
		fprintf(stderr, "%s: cannot read %s: %s\n", prog, path,
			f && !errno ? "empty file" : strerror(errno));
		exit(1);
	}
	fclose(f);
	*len = st.st_size;
	return buf;
}

static int cmd_bare(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "slot", required_argument, NULL, 's' },
		{ "budget-ms", required_argument, NULL, 'b' },
		{ "fpu", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct cos_bare_opts o = { .slot = 1 };
	struct cos_bare bare;
	struct cos_run run;
	char err_msg[256] = "";
	unsigned long long budget_ms = 0;
	size_t len;
	void *image;
	int fd, c, err;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's': o.slot = strtoul(optarg, NULL, 0); break;
		case 'b': budget_ms = strtoull(optarg, NULL, 0); break;
		case 'f': o.thd_flags |= COS_THD_FPU; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "%s: bare: expected one FILE\n", prog);
		return EXIT_USAGE;
	}
	image = read_file(argv[optind], &len);
	fd = open_cos();
	o.name = argv[optind];
	o.err = err_msg;
	o.errlen = sizeof(err_msg);
	err = cos_bare_load(fd, image, len, &o, &bare);
	if (err) {
		if (err_msg[0])
			fprintf(stderr, "%s: %s\n", prog, err_msg);
		else
			fprintf(stderr, "%s: loading %s: %s\n", prog,
				argv[optind], strerror(-err));
		return 1;
	}
	signal(SIGINT, on_sigint);
	cos_mce_catch();
	for (;;) {
		char desc[256];

		memset(&run, 0, sizeof(run));
		run.thd = bare.thd;
		run.budget_ns = budget_ms * 1000000ull;
		err = cos_run(fd, &run);
		if (err) {
			fprintf(stderr, "%s: run: %s\n", prog, strerror(-err));
			return 1;
		}
		switch (run.exit_reason) {
		case COS_EXIT_PRINT:
			fwrite(run.print.data, 1, run.print.len, stdout);
			fflush(stdout);
			continue;
		case COS_EXIT_EXIT:
			return (int)(run.exit.status & 0xff);
		case COS_EXIT_FAULT:
			cos_fault_format(&run.fault, desc, sizeof(desc));
			fprintf(stderr, "%s: component fault: %s\n", prog, desc);
			return EXIT_FAULT;
		case COS_EXIT_MCE:
			cos_mce_format(&run, desc, sizeof(desc));
			fprintf(stderr, "%s: %s; stopping\n", prog, desc);
			return EXIT_MCE;
		case COS_EXIT_BUDGET:
			fprintf(stderr, "%s: time budget of %llu ms used up\n",
				prog, budget_ms);
			return EXIT_BUDGET;
		case COS_EXIT_SIGNAL:
			if (got_sigint) {
				fprintf(stderr, "%s: interrupted\n", prog);
				return EXIT_INTR;
			}
			continue;
		default:
			fprintf(stderr, "%s: unexpected exit reason %u\n", prog,
				run.exit_reason);
			return 1;
		}
	}
}

/* ---- run ---------------------------------------------------------------- */

#define EXIT_DATAERR	65

static const char *comp_name(const struct cos_sysdesc *sd, unsigned int id)
{
	int i;

	for (i = 0; i < sd->ncomps; i++)
		if (sd->comps[i].bare.comp == id)
			return sd->comps[i].name;
	return "?";
}

/* The edge statistics of a system: invocations per client -> server. */
static void print_edges(int fd, const struct cos_sysdesc *sd)
{
	struct cos_edge rows[1024];
	int n = cos_edges(fd, rows, 1024, 0), i, j;

	if (n < 0) {
		fprintf(stderr, "%s: edge statistics: %s\n", prog, strerror(-n));
		return;
	}
	if (n > 1024)
		n = 1024;
	printf("%-20s %-20s %14s %14s\n", "client", "server", "invocations", "intra-PD");
	for (i = 0; i < n; i++) {
		unsigned long long sum = 0, intra = 0;

		for (j = 0; j < i; j++)
			if (rows[j].client == rows[i].client && rows[j].server == rows[i].server)
				break;
		if (j < i)
			continue;	/* this edge was printed already */
		for (j = i; j < n; j++)
			if (rows[j].client == rows[i].client && rows[j].server == rows[i].server)
				sum += rows[j].invocations, intra += rows[j].intra;
		printf("%-20s %-20s %14llu %14llu\n", comp_name(sd, rows[i].client),
		       comp_name(sd, rows[i].server), sum, intra);
	}
}

struct run_detach {
	int fd;
	unsigned long ms;
	const struct cos_sysdesc *sd;
};

/* --detach-after: detach every device while the system runs. */
static void *run_detacher(void *arg)
{
	const struct run_detach *d = arg;
	int i, err;

	usleep(d->ms * 1000);
	for (i = 0; i < d->sd->nios; i++) {
		err = cos_io_detach(d->fd, d->sd->ios[i].got.id);
		fprintf(stderr, "%s: detached %s: %s\n", prog, d->sd->ios[i].name[0] ?
			d->sd->ios[i].name : "device", err ? strerror(-err) : "ok");
	}
	return NULL;
}

static int parse_mac(const char *s, uint8_t *mac)
{
	unsigned int b[6];
	char end;
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5], &end) != 6)
		return -1;
	for (i = 0; i < 6; i++) {
		if (b[i] > 255)
			return -1;
		mac[i] = (uint8_t)b[i];
	}
	return mac[0] & 1 ? -1 : 0;	/* not a multicast address */
}

static void print_attachments(const struct cos_sysdesc *sd)
{
	int i;

	for (i = 0; i < sd->nios; i++) {
		const struct cos_io_attach *a = &sd->ios[i].got;

		if (a->kind == COS_IO_BLK)
			fprintf(stderr, "%s: %s: disk %s, %llu blocks of 4 KiB\n", prog,
				sd->comps[sd->ios[i].comp].name, a->name,
				(unsigned long long)a->nblocks);
		else
			fprintf(stderr, "%s: %s: %s %s (ifindex %u), MAC %02x:%02x:%02x:%02x:%02x:%02x\n",
				prog, sd->comps[sd->ios[i].comp].name,
				a->kind == COS_IO_NET ? "interface" : "virtual interface",
				a->kind == COS_IO_NET ? a->name : "", a->ifindex,
				a->mac[0], a->mac[1], a->mac[2], a->mac[3], a->mac[4], a->mac[5]);
	}
}

static int cmd_run(int argc, char **argv)
{
	static struct cos_sysdesc sd;
	unsigned long long budget_ms = 0;
	const char *net = NULL, *vnet = NULL, *disk = NULL;
	struct run_detach detach = { 0 };
	uint8_t mac[6];
	int fd, t, status = 0, i, stats = 0, have_mac = 0;
	unsigned int ring = 0;
	pthread_t detacher;
	char err[512] = "";

	for (i = 1; i < argc - 1; i++) {
		int more = i + 1 < argc - 1;

		if (!strcmp(argv[i], "--budget-ms") && more)
			budget_ms = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--stats"))
			stats = 1;
		else if (!strcmp(argv[i], "--net") && more)
			net = argv[++i];
		else if (!strcmp(argv[i], "--vnet") && more)
			vnet = argv[++i];
		else if (!strcmp(argv[i], "--disk") && more)
			disk = argv[++i];
		else if (!strcmp(argv[i], "--ring") && more)
			ring = (unsigned int)strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--detach-after") && more)
			detach.ms = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--mac") && more) {
			if (parse_mac(argv[++i], mac)) {
				fprintf(stderr, "%s: bad MAC '%s' (want aa:bb:cc:dd:ee:ff, unicast)\n",
					prog, argv[i]);
				return EXIT_USAGE;
			}
			have_mac = 1;
		} else
			break;
	}
	if (i != argc - 1 || argv[i][0] == '-' || (net && vnet)) {
		fprintf(stderr, "%s: usage: cos run [--budget-ms N] [--stats] [--net DEV | --vnet NAME] "
			"[--mac MAC] [--ring N] [--disk PATH] [--detach-after MS] SYSTEM\n", prog);
		return EXIT_USAGE;
	}
	if (cos_sd_parse(argv[i], &sd, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", prog, err);
		cos_sd_free(&sd);
		return EXIT_DATAERR;
	}
	if (((net || vnet || have_mac) &&
	     cos_sd_set_io(&sd, 0, net ? net : vnet, !!vnet, have_mac ? mac : NULL)) ||
	    (disk && cos_sd_set_io(&sd, 1, disk, 0, NULL))) {
		fprintf(stderr, "%s: %s has no %s statement for %s\n", prog, argv[i],
			disk && !net && !vnet ? "disk" : "net", net ? "--net" : vnet ? "--vnet" :
			have_mac ? "--mac" : "--disk");
		cos_sd_free(&sd);
		return EXIT_USAGE;
	}
	for (t = 0; ring && t < sd.nios; t++)
		if (sd.ios[t].kind != COS_IO_BLK)
			sd.ios[t].nslots = ring;
	fd = open_cos();
	if (cos_sd_load(fd, &sd, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", prog, err);
		cos_sd_free(&sd);
		return 1;
	}
	print_attachments(&sd);
	signal(SIGINT, on_sigint);
	signal(SIGTERM, on_sigint);
	cos_mce_catch();
	detach.fd = fd;
	detach.sd = &sd;
	if (detach.ms && pthread_create(&detacher, NULL, run_detacher, &detach))
		detach.ms = 0;
	/* Without a scheduler the threads run one after the other; with
	 * one, a single loop runs the system (its threads are its
	 * business) until the scheduler exits. */
	for (t = 0; t < (sd.sched ? 1 : sd.nthreads) && !status; t++) {
		for (;;) {
			struct cos_run run = { .thd = sd.sched ? 0 : sd.thread_ids[t],
					       .budget_ns = budget_ms * 1000000ull };
			char desc[256];

			if (got_sigint) {	/* it came between two RUNs */
				fprintf(stderr, "%s: interrupted\n", prog);
				status = EXIT_INTR;
				break;
			}
			if (sd.sched ? cos_run_system(fd, &run) : cos_run(fd, &run)) {
				fprintf(stderr, "%s: run: %s\n", prog, strerror(errno));
				status = 1;
				break;
			}
			if (run.exit_reason == COS_EXIT_PRINT) {
				fwrite(run.print.data, 1, run.print.len, stdout);
				fflush(stdout);
				continue;
			}
			if (run.exit_reason == COS_EXIT_FAULT) {
				int unwound = run.fault.fault_flags & COS_FAULT_UNWOUND;
				int handled = run.fault.fault_flags & COS_FAULT_HANDLED;

				cos_fault_format(&run.fault, desc, sizeof(desc));
				fprintf(stderr, "%s: fault in %s (depth %u): %s%s\n", prog,
					comp_name(&sd, run.fault.comp), run.fault.depth,
					desc, unwound ? "; its caller gets COS_ERR_FAULT" :
					handled ? "; its fault handler runs" : "");
				if (unwound || handled)
					continue;
				/* under a scheduler only its own fault is fatal */
				if (sd.sched && run.thd != (unsigned int)sd.sched_thd)
					continue;
				status = EXIT_FAULT;
			} else if (run.exit_reason == COS_EXIT_EXIT) {
				status = (int)(run.exit.status & 0xff);
			} else if (run.exit_reason == COS_EXIT_MCE) {
				/* the whole system stops: its memory is suspect */
				cos_mce_format(&run, desc, sizeof(desc));
				fprintf(stderr, "%s: %s; stopping the system\n",
					prog, desc);
				status = EXIT_MCE;
			} else if (run.exit_reason == COS_EXIT_BUDGET) {
				fprintf(stderr, "%s: time budget of %llu ms used up\n",
					prog, budget_ms);
				status = EXIT_BUDGET;
			} else if (run.exit_reason == COS_EXIT_SIGNAL) {
				if (!got_sigint)
					continue;
				fprintf(stderr, "%s: interrupted\n", prog);
				status = EXIT_INTR;
			}
			break;
		}
	}
	if (detach.ms)
		pthread_join(detacher, NULL);
	if (stats)
		print_edges(fd, &sd);
	cos_sd_free(&sd);
	close(fd);
	return status;
}

/* ---- bench ------------------------------------------------------------- */

COS_SNIPPET(bench_null);
COS_SNIPPET(bench_yield);
COS_SNIPPET(bench_inv);
COS_SNIPPET(bench_ret);
COS_SNIPPET(bench_lb);

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

struct sample {
	double ns, cycles;
};

/*
 * Run a snippet that loops RBX times and exits; per-iteration cost. With
 * @server, a second component the snippet holds capability 0 to.
 */
static int bench_snippet_ex(const void *code, size_t len, unsigned int flags,
			    const void *server, size_t server_len,
			    unsigned long iters, struct sample *s)
{
	struct cos_bare_opts o = { .slot = 1, .thd_flags = flags };
	struct cos_bare bare, srv;
	struct cos_regs regs;
	struct cos_run run = { 0 };
	double t0, c0;
	int fd = open_cos(), err;

	err = cos_bare_load(fd, code, len, &o, &bare);
	if (!err && server) {
		struct cos_bare_opts so = { .slot = 2 };

		err = cos_bare_load_comp(fd, server, server_len, &so, &srv);
		if (!err)
			err = cos_cap_create(fd, bare.comp, srv.comp, srv.code);
	}
	if (!err)
		err = cos_thd_get_regs(fd, bare.thd, &regs);
	if (!err) {
		regs.rbx = iters;
		err = cos_thd_set_regs(fd, bare.thd, &regs);
	}
	if (err) {
		fprintf(stderr, "%s: bench: %s\n", prog, strerror(-err));
		if (err == -EPERM && (flags & COS_THD_BENCH_LB))
			fprintf(stderr, "%s: the lower-bound benchmark needs the module loaded with bench=1 (insmod cos.ko bench=1)\n",
				prog);
		return 1;
	}
	run.thd = bare.thd;
	t0 = now_ns();
	c0 = (double)__rdtsc();
	err = cos_run(fd, &run);
	s->cycles = ((double)__rdtsc() - c0) / iters;
	s->ns = (now_ns() - t0) / iters;
	close(fd);
	if (err || run.exit_reason != COS_EXIT_EXIT || run.exit.status) {
		fprintf(stderr, "%s: bench: run ended with %s (%s)\n", prog,
			cos_exit_name(run.exit_reason), strerror(-err));
		return 1;
	}
	return 0;
}

static int bench_snippet(const void *code, size_t len, unsigned long iters,
			 struct sample *s)
{
	return bench_snippet_ex(code, len, 0, NULL, 0, iters, s);
}

static void pin_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* Linux pipe RPC: a one-byte request and reply between two processes
 * pinned to the same CPU. */
static int bench_pipe(unsigned long iters, struct sample *s)
{
	int req[2], rep[2];
	unsigned long i;
	double t0, c0;
	char b = 0;
	pid_t pid;

	if (pipe(req) || pipe(rep))
		return 1;
	pid = fork();
	if (pid == 0) {
		pin_cpu0();
		for (i = 0; i < iters; i++)
			if (read(req[0], &b, 1) != 1 || write(rep[1], &b, 1) != 1)
				_exit(1);
		_exit(0);
	}
	t0 = now_ns();
	c0 = (double)__rdtsc();
	for (i = 0; i < iters; i++)
		if (write(req[1], &b, 1) != 1 || read(rep[0], &b, 1) != 1)
			break;
	s->cycles = ((double)__rdtsc() - c0) / iters;
	s->ns = (now_ns() - t0) / iters;
	waitpid(pid, NULL, 0);
	close(req[0]); close(req[1]); close(rep[0]); close(rep[1]);
	return i == iters ? 0 : 1;
}

static long __attribute__((noinline)) bench_callee(long x)
{
	asm volatile("" : "+r"(x));
	return x + 1;
}

static long (*volatile bench_fp)(long) = bench_callee;

static void bench_indirect(unsigned long iters, struct sample *s)
{
	double t0 = now_ns(), c0 = (double)__rdtsc();
	unsigned long i;
	long x = 0;

	for (i = 0; i < iters; i++)
		x = bench_fp(x);
	s->cycles = ((double)__rdtsc() - c0) / iters;
	s->ns = (now_ns() - t0) / iters;
	if (x != (long)iters)
		fprintf(stderr, "%s: bench: indirect call miscounted\n", prog);
}

/*
 * clone() whose child exits at once without touching memory (so it can
 * share our stack under CLONE_VM); the child's pid.
 */
static long raw_clone_exit(unsigned long flags)
{
	register long r10 asm("r10") = 0;
	register long r8 asm("r8") = 0;
	long ret;

	asm volatile("syscall\n\t"
		     "testq %%rax, %%rax\n\t"
		     "jnz 1f\n\t"
		     "movl $60, %%eax\n\t"	/* the child: exit(0) */
		     "xorl %%edi, %%edi\n\t"
		     "syscall\n"
		     "1:"
		     : "=a"(ret), "+r"(r10), "+r"(r8)
		     : "0"((long)SYS_clone), "D"(flags), "S"(0L), "d"(0L)
		     : "rcx", "r11", "memory");
	return ret;
}

/* Linux: clone() that copies the address space minus one that shares it,
 * for a process with about 200 touched pages (the paper's comparison). */
static double bench_clone_as_us(unsigned long iters)
{
	static char pages[200 * 4096];
	double t_copy = 0, t_share = 0;
	unsigned long i;
	int pass;

	memset(pages, 1, sizeof(pages));
	for (pass = 0; pass < 2; pass++) {
		double t0 = now_ns();

		for (i = 0; i < iters; i++) {
			pid_t pid = raw_clone_exit(pass ? CLONE_VM | SIGCHLD : SIGCHLD);

			if (pid > 0)
				waitpid(pid, NULL, 0);
		}
		if (pass)
			t_share = (now_ns() - t0) / iters;
		else
			t_copy = (now_ns() - t0) / iters;
	}
	return (t_copy - t_share) / 1000.0;
}

/* Merge 10 components into one PD, then split them off one at a time,
 * @rounds times; the mean cost of one merge and of one split, in us. */
static int bench_merge_split(int fd, const struct cos_bare *c, unsigned long rounds,
			     unsigned int split_flags, double *merge_us, double *split_us)
{
	double t_merge = 0, t_split = 0;
	unsigned long r;
	int i;

	for (r = 0; r < rounds; r++) {
		double t0 = now_ns();

		for (i = 1; i < 10; i++)
			if (cos_pd(fd, COS_PD_MERGE, c[0].comp, c[i].comp))
				return 1;
		t_merge += now_ns() - t0;
		t0 = now_ns();
		for (i = 1; i < 10; i++)
			if (cos_pd_flags(fd, COS_PD_SPLIT, c[i].comp, 0, split_flags))
				return 1;
		t_split += now_ns() - t0;
	}
	*merge_us = t_merge / (rounds * 9.0 * 1000.0);
	*split_us = t_split / (rounds * 9.0 * 1000.0);
	return 0;
}

/* ns per iteration of thread @thd's loop of @n calls (its exit status 0). */
static int bench_loop(int fd, int thd, const struct cos_regs *start, unsigned long n,
		      double *ns)
{
	struct cos_regs regs = *start;
	struct cos_run r = { .thd = thd };
	double t0;

	regs.rsi = n;
	if (cos_thd_set_regs(fd, thd, &regs))
		return 1;
	t0 = now_ns();
	if (cos_run(fd, &r) || r.exit_reason != COS_EXIT_EXIT || r.exit.status)
		return 1;
	*ns = (now_ns() - t0) / n;
	return 0;
}

/*
 * The invocation figures of MPD: b0 calls b1's bench_inc through a
 * capability merged (a direct call: the counter increment and an indirect
 * call) and split (an inter-PD invocation from C, stubs included), and
 * calls a function of its own through a C function pointer.
 */
static int bench_calls(unsigned long n, double *intra, double *indirect, double *inter)
{
	static struct cos_sysdesc sd;
	char path[4096], dir[4096], err[512] = "";
	struct cos_regs calls, ind;
	ssize_t len = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
	int fd, bad;
	FILE *f;

	if (len <= 0)
		return 1;
	dir[len] = 0;
	*strrchr(dir, '/') = 0;
	snprintf(path, sizeof(path), "/tmp/cos-bench-%d.sys", (int)getpid());
	f = fopen(path, "w");
	if (!f)
		return 1;
	fprintf(f, "component b0 %s/components/mpdbench.elf\n"
		   "component b1 %s/components/mpdbench.elf\n"
		   "import b0 b1 bench\nimport b1 b0 bench\nthread b0 bench_calls\nthread b0 bench_indirect\n",
		dir, dir);
	fclose(f);
	fd = open_cos();
	bad = cos_sd_parse(path, &sd, err, sizeof(err)) || cos_sd_load(fd, &sd, err, sizeof(err)) ||
	      cos_thd_get_regs(fd, sd.thread_ids[0], &calls) ||
	      cos_thd_get_regs(fd, sd.thread_ids[1], &ind) ||
	      cos_pd(fd, COS_PD_MERGE, sd.comps[0].bare.comp, sd.comps[1].bare.comp) ||
	      bench_loop(fd, sd.thread_ids[0], &calls, n / 10, intra) ||	/* warm up */
	      bench_loop(fd, sd.thread_ids[0], &calls, n, intra) ||
	      bench_loop(fd, sd.thread_ids[1], &ind, n, indirect) ||
	      cos_pd(fd, COS_PD_SPLIT, sd.comps[1].bare.comp, 0) ||
	      bench_loop(fd, sd.thread_ids[0], &calls, n / 100 + 1, inter);
	unlink(path);
	cos_sd_free(&sd);
	close(fd);
	if (bad)
		fprintf(stderr, "%s: bench mpd: the call loops failed %s\n", prog, err);
	return bad;
}

/*
 * MPD's two tables (Parmer & West, TSE 2012, Tables 1 and 2) side by
 * side in one run: the primitives against cloning an address space in
 * Linux, and an intra-PD invocation against a C indirect call and an
 * inter-PD invocation.
 */
static int cmd_bench_mpd(unsigned long rounds)
{
	struct cos_bare c[10];
	double merge, split, merge_nr, split_nr, clone_us, intra, indirect, inter;
	int fd = open_cos(), i;

	pin_cpu0();
	/*
	 * The calls first: thousands of CR3 loads (the merges and splits)
	 * shrink QEMU's dynamically sized TLB, which then stays small
	 * through a loop that loads no CR3 and makes it thrash on aliases.
	 */
	if (bench_calls(rounds * 10000, &intra, &indirect, &inter))
		return 1;
	for (i = 0; i < 10; i++) {
		struct cos_bare_opts o = { .slot = i + 1 };

		if (cos_bare_load_comp(fd, cos_snippet_start(bench_ret),
				       cos_snippet_len(bench_ret), &o, &c[i])) {
			fprintf(stderr, "%s: bench mpd: cannot load components\n", prog);
			return 1;
		}
	}
	if (bench_merge_split(fd, c, rounds, 0, &merge, &split) ||
	    bench_merge_split(fd, c, rounds, COS_PD_NOREUSE, &merge_nr, &split_nr)) {
		fprintf(stderr, "%s: bench mpd: merge or split failed\n", prog);
		return 1;
	}
	close(fd);
	clone_us = bench_clone_as_us(rounds * 2);

	printf("%-48s %12s\n", "operation (Table 1)", "us");
	printf("%-48s %12.2f\n", "merge (10 components, ioctl)", merge);
	printf("%-48s %12.2f\n", "split, PD reused in place", split);
	printf("%-48s %12.2f\n", "split, without PD reuse", split_nr);
	printf("%-48s %12.2f\n", "Linux: clone an address space of 200 pages", clone_us);
	printf("%-48s %12.1f\n", "clone / merge", clone_us / merge);
	printf("%-48s %12.1f\n", "clone / split (reuse)", clone_us / split);
	printf("%-48s %12.1f\n", "clone / split (no reuse)", clone_us / split_nr);
	printf("%-48s %12s\n", "invocation (Table 2)", "ns");
	printf("%-48s %12.2f\n", "intra-PD invocation (counter + indirect call)", intra);
	printf("%-48s %12.2f\n", "C indirect call", indirect);
	printf("%-48s %12.2f\n", "inter-PD invocation (from C, with stubs)", inter);
	printf("%-48s %12.2f\n", "intra-PD / indirect call", intra / indirect);
	printf("bench: pd_merge=%.2f us\n", merge);
	printf("bench: pd_split_reuse=%.2f us\n", split);
	printf("bench: pd_split_noreuse=%.2f us\n", split_nr);
	printf("bench: linux_clone_as=%.2f us\n", clone_us);
	printf("bench: clone_vs_merge=%.1f ratio\n", clone_us / merge);
	printf("bench: clone_vs_split_reuse=%.1f ratio\n", clone_us / split);
	printf("bench: clone_vs_split_noreuse=%.1f ratio\n", clone_us / split_nr);
	printf("bench: intra_pd_call=%.2f ns\n", intra);
	printf("bench: indirect_call_in_component=%.2f ns\n", indirect);
	printf("bench: inter_pd_call_c=%.2f ns\n", inter);
	printf("bench: intra_vs_indirect=%.3f ratio\n", intra / indirect);
	return 0;
}

static int cmd_bench_invoke(unsigned long iters)
{
	struct sample inv, lb, pipe_rt, ind;

	pin_cpu0();
	if (bench_snippet_ex(cos_snippet_start(bench_inv), cos_snippet_len(bench_inv),
			     0, cos_snippet_start(bench_ret), cos_snippet_len(bench_ret),
			     iters / 10 + 1, &inv) ||
	    bench_snippet_ex(cos_snippet_start(bench_inv), cos_snippet_len(bench_inv),
			     0, cos_snippet_start(bench_ret), cos_snippet_len(bench_ret),
			     iters, &inv) ||
	    bench_snippet_ex(cos_snippet_start(bench_lb), cos_snippet_len(bench_lb),
			     COS_THD_BENCH_LB, NULL, 0, iters, &lb) ||
	    bench_pipe(iters / 4 + 1, &pipe_rt))
		return 1;
	bench_indirect(iters * 10, &ind);

	printf("%-44s %12s %12s\n", "round trip (per call)", "ns", "TSC ticks");
	printf("%-44s %12.1f %12.1f\n", "cos inter-PD invocation", inv.ns, inv.cycles);
	printf("%-44s %12.1f %12.1f\n", "hardware lower bound (2 CR3 switches)", lb.ns, lb.cycles);
	printf("%-44s %12.1f %12.1f\n", "Linux pipe RPC, same CPU", pipe_rt.ns, pipe_rt.cycles);
	printf("%-44s %12.2f %12.2f\n", "C indirect call", ind.ns, ind.cycles);
	printf("%-44s %12.2f\n", "invocation / lower bound", inv.ns / lb.ns);
	printf("%-44s %12.2f\n", "pipe RPC / invocation", pipe_rt.ns / inv.ns);
	printf("bench: inv_roundtrip=%.1f ns\n", inv.ns);
	printf("bench: hw_lower_bound_roundtrip=%.1f ns\n", lb.ns);
	printf("bench: pipe_rpc_roundtrip=%.1f ns\n", pipe_rt.ns);
	printf("bench: indirect_call=%.2f ns\n", ind.ns);
	printf("bench: inv_vs_lower_bound=%.3f ratio\n", inv.ns / lb.ns);
	printf("bench: pipe_vs_inv=%.2f ratio\n", pipe_rt.ns / inv.ns);
	return 0;
}

static void bench_getppid(unsigned long iters, struct sample *s)
{
	double t0 = now_ns(), c0 = (double)__rdtsc();
	unsigned long i;

	for (i = 0; i < iters; i++)
		syscall(SYS_getppid);
	s->cycles = ((double)__rdtsc() - c0) / iters;
	s->ns = (now_ns() - t0) / iters;
}

/*
 * cos bench sched: components/systems/schedtest.sys with its thread running
 * bench_main, once with every component alone and once all in one PD; the
 * component prints "bench: name=value ..." lines, relabelled here with the
 * layout.
 */
static int bench_sched_layout(const char *path, int merged)
{
	static struct cos_sysdesc sd;
	char err[512] = "", *at;
	struct cos_run run;
	int fd, i, status = -1;

	memset(&sd, 0, sizeof(sd));
	if (cos_sd_parse(path, &sd, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return 1;
	}
	fd = open_cos();
	if (cos_sd_load(fd, &sd, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", prog, err);
		goto out;
	}
	for (i = 1; merged && i < sd.ncomps; i++)
		if (cos_pd(fd, COS_PD_MERGE, sd.comps[0].bare.comp, sd.comps[i].bare.comp)) {
			fprintf(stderr, "%s: bench sched: merge: %s\n", prog, strerror(errno));
			goto out;
		}
	for (;;) {
		run.budget_ns = 0;
		if (cos_run_system(fd, &run)) {
			fprintf(stderr, "%s: run: %s\n", prog, strerror(errno));
			goto out;
		}
		if (run.exit_reason != COS_EXIT_PRINT)
			break;
		run.print.data[run.print.len < COS_PRINT_MAX ? run.print.len : COS_PRINT_MAX - 1] = 0;
		at = strstr(run.print.data, "bench: ");
		if (at)
			printf("bench: sched_%s_%s", merged ? "merged" : "isolated", at + 7);
		else
			fputs(run.print.data, stdout);
	}
	if (run.exit_reason == COS_EXIT_EXIT)
		status = (int)run.exit.status;
	if (status)
		fprintf(stderr, "%s: bench sched: the system stopped (%s, status %d)\n",
			prog, cos_exit_name(run.exit_reason), status);
out:
	cos_sd_free(&sd);
	close(fd);
	return status ? 1 : 0;
}

static int cmd_bench_sched(void)
{
	char dir[4096], src[4200], path[64], line[512];
	ssize_t len = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
	FILE *in, *out;
	int ret;

	if (len <= 0)
		return 1;
	dir[len] = 0;
	*strrchr(dir, '/') = 0;		/* the build directory */
	snprintf(src, sizeof(src), "%s/../components/systems/schedtest.sys", dir);
	snprintf(path, sizeof(path), "/tmp/cos-bench-sched-%d.sys", (int)getpid());
	in = fopen(src, "r");
	out = fopen(path, "w");
	if (!in || !out) {
		fprintf(stderr, "%s: bench sched: %s: %s\n", prog, in ? path : src,
			strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), in)) {
		char *c = strstr(line, "build/components/");

		if (!strncmp(line, "thread ", 7))
			fprintf(out, "thread schedtest bench_main prio 2\n");
		else if (c)
			fprintf(out, "%.*s%s/%s", (int)(c - line), line, dir, c + 6);
		else
			fputs(line, out);
	}
	fclose(in);
	fclose(out);
	ret = bench_sched_layout(path, 0) || bench_sched_layout(path, 1);
	unlink(path);
	return ret;
}

/*
 * bench io: the Linux side (a veth pair in a namespace, the AF_PACKET
 * echo, dd) is a script's job: selftests/io-bench.sh, found from this
 * binary (build/cos -> selftests/).
 */
static int cmd_bench_io(int argc, char **argv)
{
	char self[4096], script[4200], *slash;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *args[5] = { script, NULL, NULL, NULL, NULL };
	int i;

	if (n <= 0 || argc > 4)
		return EXIT_USAGE;
	self[n] = 0;
	slash = strrchr(self, '/');
	if (slash)
		*slash = 0;
	snprintf(script, sizeof(script), "%s/../selftests/io-bench.sh", self);
	for (i = 2; i < argc; i++)
		args[i - 1] = argv[i];
	execv(script, args);
	fprintf(stderr, "%s: bench io: %s: %s\n", prog, script, strerror(errno));
	return 1;
}

static int cmd_bench(int argc, char **argv)
{
	unsigned long iters = 1000000;
	struct sample null_rt, yield_rt, ppid;
	int i;

	if (argc < 2 || (strcmp(argv[1], "null") && strcmp(argv[1], "invoke") &&
			  strcmp(argv[1], "mpd") && strcmp(argv[1], "sched") &&
			  strcmp(argv[1], "io"))) {
		fprintf(stderr, "%s: bench: known benchmarks: null, invoke, mpd, sched, io\n", prog);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "sched"))
		return argc == 2 ? cmd_bench_sched() : EXIT_USAGE;
	if (!strcmp(argv[1], "io"))
		return cmd_bench_io(argc, argv);
	if (!strcmp(argv[1], "invoke"))
		iters = 200000;
	if (!strcmp(argv[1], "mpd"))
		iters = 100;
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--iters") && i + 1 < argc)
			iters = strtoul(argv[++i], NULL, 0);
		else {
			fprintf(stderr, "%s: bench %s: unknown option %s\n",
				prog, argv[1], argv[i]);
			return EXIT_USAGE;
		}
	}
	if (!iters)
		iters = 1;
	if (!strcmp(argv[1], "invoke"))
		return cmd_bench_invoke(iters);
	if (!strcmp(argv[1], "mpd"))
		return cmd_bench_mpd(iters);
	/* Warm up caches and TLBs once, then measure side by side. */
	bench_getppid(iters / 10 + 1, &ppid);
	if (bench_snippet(cos_snippet_start(bench_null),
			  cos_snippet_len(bench_null), iters, &null_rt) ||
	    bench_snippet(cos_snippet_start(bench_yield),
			  cos_snippet_len(bench_yield), iters / 10 + 1, &yield_rt))
		return 1;
	bench_getppid(iters, &ppid);

	printf("%-40s %12s %12s\n", "round trip (per call)", "ns", "TSC ticks");
	printf("%-40s %12.1f %12.1f\n", "cos null op (syscall fast path)",
	       null_rt.ns, null_rt.cycles);
	printf("%-40s %12.1f %12.1f\n", "cos yield op (through the run loop)",
	       yield_rt.ns, yield_rt.cycles);
	printf("%-40s %12.1f %12.1f\n", "Linux getppid()", ppid.ns, ppid.cycles);
	printf("%-40s %12.2f\n", "ratio null / getppid", null_rt.ns / ppid.ns);
	printf("bench: null_roundtrip=%.1f ns\n", null_rt.ns);
	printf("bench: yield_roundtrip=%.1f ns\n", yield_rt.ns);
	printf("bench: getppid_roundtrip=%.1f ns\n", ppid.ns);
	printf("bench: null_vs_getppid=%.3f ratio\n", null_rt.ns / ppid.ns);
	printf("bench: null_roundtrip_tsc=%.1f ticks\n", null_rt.cycles);
	printf("bench: getppid_roundtrip_tsc=%.1f ticks\n", ppid.cycles);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "version"))
		return cmd_version();
	if (!strcmp(argv[1], "bare"))
		return cmd_bare(argc - 1, argv + 1);
	if (!strcmp(argv[1], "bench"))
		return cmd_bench(argc - 1, argv + 1);
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	fprintf(stderr, "%s: unknown command '%s' (try 'cos help')\n", prog,
		argv[1]);
	return EXIT_USAGE;
}
