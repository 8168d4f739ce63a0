// SPDX-License-Identifier: GPL-2.0
/*
 * run.c - `cos run`: a system description loaded and run, its output and
 * exits, its devices, the edge statistics of `cos run --stats`; SIGINT and
 * SIGTERM stop it (and `cos bare`).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libcos.h"
#include "sysdesc.h"
#include "cli.h"

volatile sig_atomic_t got_sigint;

void on_sigint(int sig)
{
	(void)sig;
	got_sigint = 1;
	cos_run_stop = 1;	/* libcos: also between two RUNs */
}

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

/* What `cos run` was asked for on its command line. */
struct run_opts {
	unsigned long long budget_ms;
	const char *net, *vnet, *disk, *system;
	unsigned long detach_ms;
	unsigned int ring;
	uint8_t mac[6];
	int stats, have_mac;
};

/* The options into @o: 0, or the exit code of a usage error. */
static int run_parse_args(int argc, char **argv, struct run_opts *o)
{
	int i;

	for (i = 1; i < argc - 1; i++) {
		int more = i + 1 < argc - 1;

		if (!strcmp(argv[i], "--budget-ms") && more)
			o->budget_ms = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--stats"))
			o->stats = 1;
		else if (!strcmp(argv[i], "--net") && more)
			o->net = argv[++i];
		else if (!strcmp(argv[i], "--vnet") && more)
			o->vnet = argv[++i];
		else if (!strcmp(argv[i], "--disk") && more)
			o->disk = argv[++i];
		else if (!strcmp(argv[i], "--ring") && more)
			o->ring = (unsigned int)strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--detach-after") && more)
			o->detach_ms = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--mac") && more) {
			if (parse_mac(argv[++i], o->mac)) {
				fprintf(stderr, "%s: bad MAC '%s' (want aa:bb:cc:dd:ee:ff, unicast)\n",
					prog, argv[i]);
				return EXIT_USAGE;
			}
			o->have_mac = 1;
		} else
			break;
	}
	if (i != argc - 1 || argv[i][0] == '-' || (o->net && o->vnet)) {
		fprintf(stderr, "%s: usage: cos run [--budget-ms N] [--stats] [--net DEV | --vnet NAME] "
			"[--mac MAC] [--ring N] [--disk PATH] [--detach-after MS] SYSTEM\n", prog);
		return EXIT_USAGE;
	}
	o->system = argv[i];
	return 0;
}

/* The devices of the command line into the parsed description. */
static int run_set_devices(struct cos_sysdesc *sd, const struct run_opts *o)
{
	int t;

	if (((o->net || o->vnet || o->have_mac) &&
	     cos_sd_set_io(sd, 0, o->net ? o->net : o->vnet, !!o->vnet,
			   o->have_mac ? o->mac : NULL)) ||
	    (o->disk && cos_sd_set_io(sd, 1, o->disk, 0, NULL))) {
		fprintf(stderr, "%s: %s has no %s statement for %s\n", prog, o->system,
			o->disk && !o->net && !o->vnet ? "disk" : "net",
			o->net ? "--net" : o->vnet ? "--vnet" :
			o->have_mac ? "--mac" : "--disk");
		return EXIT_USAGE;
	}
	for (t = 0; o->ring && t < sd->nios; t++)
		if (sd->ios[t].kind != COS_IO_BLK)
			sd->ios[t].nslots = o->ring;
	return 0;
}

/*
 * Run the loaded system to its end; its exit code. Without a scheduler
 * the threads run one after the other; with one, a single loop runs the
 * system (its threads are its business) until the scheduler exits.
 */
static int run_system(int fd, const struct cos_sysdesc *sd,
		      unsigned long long budget_ms)
{
	int t, status = 0;

	for (t = 0; t < (sd->sched ? 1 : sd->nthreads) && !status; t++) {
		for (;;) {
			struct cos_run run = { .thd = sd->sched ? 0 : sd->thread_ids[t],
					       .budget_ns = budget_ms * 1000000ull };
			char desc[256];

			if (got_sigint) {	/* it came between two RUNs */
				fprintf(stderr, "%s: interrupted\n", prog);
				status = EXIT_INTR;
				break;
			}
			if (sd->sched ? cos_run_system(fd, &run) : cos_run(fd, &run)) {
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
					comp_name(sd, run.fault.comp), run.fault.depth,
					desc, unwound ? "; its caller gets COS_ERR_FAULT" :
					handled ? "; its fault handler runs" : "");
				if (unwound || handled)
					continue;
				/* under a scheduler only its own fault is fatal */
				if (sd->sched && run.thd != (unsigned int)sd->sched_thd)
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
	return status;
}

int cmd_run(int argc, char **argv)
{
	static struct cos_sysdesc sd;
	struct run_opts o = { 0 };
	struct run_detach detach = { 0 };
	pthread_t detacher;
	char err[512] = "";
	int fd = -1, status;

	status = run_parse_args(argc, argv, &o);
	if (status)
		return status;
	if (cos_sd_parse_dir(o.system, cli_dir(CLI_COMPONENTS), &sd, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", prog, err);
		status = EXIT_DATAERR;
		goto out;
	}
	status = run_set_devices(&sd, &o);
	if (status)
		goto out;
	fd = open_cos();
	if (cos_sd_load(fd, &sd, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", prog, err);
		status = 1;
		goto out;
	}
	print_attachments(&sd);
	signal(SIGINT, on_sigint);
	signal(SIGTERM, on_sigint);
	cos_mce_catch();
	detach.fd = fd;
	detach.sd = &sd;
	detach.ms = o.detach_ms;
	if (detach.ms && pthread_create(&detacher, NULL, run_detacher, &detach))
		detach.ms = 0;
	status = run_system(fd, &sd, o.budget_ms);
	if (detach.ms)
		pthread_join(detacher, NULL);
	if (o.stats)
		print_edges(fd, &sd);
out:
	cos_sd_free(&sd);
	if (fd >= 0)
		close(fd);
	return status;
}
