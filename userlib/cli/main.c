// SPDX-License-Identifier: GPL-2.0
/*
 * cos - command-line front end of the cos component kernel: the command
 * dispatch, the help text, `cos version`.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "libcos.h"
#include "cli.h"

const char *prog = "cos";

void usage(FILE *f)
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
"                          scheduler if it names one); a relative component\n"
"                          FILE found neither from here nor from SYSTEM's\n"
"                          directory is taken by its last name from this\n"
"                          cos's components (build/components beside\n"
"                          build/cos, PREFIX/lib/cos/components installed)\n"
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
"  bench tcp [ROUNDS]      TCP/IP as components on a veth pair: connections/s\n"
"                          of components/systems/httpmini.sys under ab and\n"
"                          bulk MiB/s of tcpecho.sys, isolated and merged,\n"
"                          against the same programs on Linux's sockets\n"
"                          (best of ROUNDS, default 3)\n"
"  help                    this text\n"
"\n"
"exit status of bare: the component's exit status; %d fault; %d machine\n"
"check; %d budget used up; %d interrupted; %d /dev/cos unavailable; %d usage\n"
"error.\n"
"Needs the cos module loaded (insmod cos.ko) and access to /dev/cos.\n",
		EXIT_FAULT, EXIT_MCE, EXIT_BUDGET, EXIT_INTR, EXIT_UNAVAIL, EXIT_USAGE);
}

int open_cos(void)
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

/* cos version: extra words are ignored, as they always were. */
int cmd_version(int argc, char **argv)
{
	struct cos_version v;
	int fd = open_cos(), err = cos_get_version(fd, &v);

	(void)argc;
	(void)argv;
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

/*
 * The commands, each in a file of its own with its cmd_ function declared
 * in cli.h; main() gives it argv from the command's name on. A new command
 * is a row here: `cos stats` (a running system's edge and kernel
 * counters) goes in as { "stats", cmd_stats }, in stats.c.
 */
static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "version", cmd_version },
	{ "bare", cmd_bare },
	{ "run", cmd_run },
	{ "bench", cmd_bench },
};

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "%s: unknown command '%s' (try 'cos help')\n", prog,
		argv[1]);
	return EXIT_USAGE;
}
