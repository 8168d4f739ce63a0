/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sysdesc.h - system descriptions: which components, who imports which
 * interface from whom, threads, separation constraints, the page budget.
 *
 * The format, one statement a line, '#' to the end of a line is a comment:
 *
 *	pages N				page budget of the system
 *	component NAME FILE [slot N] [stack PAGES]
 *					a component (static-PIE ELF); its
 *					threads' main stack is PAGES long
 *	import CLIENT SERVER IFACE	CLIENT's calls to IFACE go to SERVER
 *	thread NAME [FUNCTION] [prio N]	a thread in NAME, running cos_main or
 *					FUNCTION(base, argument region); N is
 *					its priority under the scheduler
 *					(1 highest .. 8; default 4)
 *	scheduler NAME [tick US]	NAME is the scheduler component: its
 *					thread (cos_main) schedules the
 *					others, with a timer tick every US
 *					microseconds (default 10000; 0: none)
 *	separate NAME NAME		never in one protection domain
 *	merge NAME NAME			start in one protection domain
 *	policy NAME			NAME may merge and split PDs
 *	config NAME WORD...		configuration words for NAME (cos_config.h)
 *	mm NAME				NAME is the memory mapper: it may map
 *					pages into every component's window
 *					(COS_OP_MEM, docs/mm.md)
 *	net NAME [DEV]			attach NAME (which defines "long
 *					cos_io_net", the vnic) to the Linux
 *					network interface DEV (docs/io.md)
 *	vnet NAME [IFNAME]		the same through a virtual interface
 *					the module creates (default cos%d)
 *	disk NAME [PATH]		attach NAME (which defines "long
 *					cos_io_blk") to a block device or file
 *
 * DEV, IFNAME and PATH may come from the command line instead (cos run
 * --net, --vnet, --disk: cos_sd_set_io). Attachments get ids 0, 1, ... in
 * the order of their lines; the loader writes each id into the
 * component's variable before it is mapped.
 *
 * FILE is relative to the current directory, or else to the description's
 * own directory, or else (with cos_sd_parse_dir) a relative FILE is taken
 * by its last name from a components directory: `cos run` gives its own
 * (build/components, or PREFIX/lib/cos/components installed), so that
 * "component sched build/components/sched.elf" works from anywhere.
 * Every component starts in a protection domain of its own.
 * Errors say "FILE:LINE: what" (or name the ELF file).
 *
 * Components are created in the order of their lines, so that they get
 * ids 0, 1, 2, ... (the kernel gives the lowest free id; cos_sd_load
 * fails if it gave others, i.e. on a system that had components before).
 * A component that defines the names table of cos_names.h (the printer:
 * printer_names, initialised writable data) gets every component's name
 * written into entry [its id], truncated to 15 bytes, in its file image
 * before it is mapped. Every component's runtime has the capability word
 * __cos_cap_printer_write (printc's): it needs no import, and stays -1
 * without one.
 */
#ifndef LIBCOS_SYSDESC_H
#define LIBCOS_SYSDESC_H

#include "libcos.h"
#include "cos_config.h"

#define COS_SD_MAX_COMPS	128
#define COS_SD_MAX_IMPORTS	512
#define COS_SD_MAX_THREADS	32
#define COS_SD_NAME		32

struct cos_sd_comp {
	char name[COS_SD_NAME];
	char path[512];
	int line, slot;			/* slot -1: the next free one */
	int stack_pages;		/* main stack; 0: the default (4) */
	int policy;			/* may change PDs (COS_OP_PD) */
	char config[COS_CONFIG_MAX];	/* its config words (cos_config.h) */
	int config_line;
	int mm;				/* may map pages (COS_OP_MEM) */
	void *img;			/* the ELF file; cos_sd_load writes
					 * the names table into it */
	size_t len;
	struct cos_elf elf;
	struct cos_bare bare;		/* after loading */
	int ncaps;			/* capability ids handed out */
	struct cos_elf_patch patches[COS_MAX_PATCHES];
	char patch_names[COS_MAX_PATCHES][96];
	uint64_t cap_entry[COS_MAX_PATCHES];	/* server entry offset, per cap id */
	uint64_t cap_direct[COS_MAX_PATCHES];	/* server function offset, or 0 */
	int cap_server[COS_MAX_PATCHES];
	uint64_t inv_stub;		/* offset of its cos_inv_stub, or 0 */
};

struct cos_sd_io {
	int comp, line;
	unsigned int kind;		/* COS_IO_NET, _NET_VDEV, _BLK */
	char name[COS_IO_NAME_MAX];	/* device, interface name or path */
	uint8_t mac[6];			/* zero: a random one */
	unsigned int nslots;		/* per ring; 0: the module's default */
	struct cos_io_attach got;	/* after loading: id, mac, ifindex, ... */
};

struct cos_sd_import {
	int client, server, line;
	char iface[COS_SD_NAME];
};

struct cos_sysdesc {
	char file[512];
	char comp_dir[512];		/* the last place for a FILE; "": none */
	uint64_t pages;			/* 0: the module's default */
	struct cos_sd_comp comps[COS_SD_MAX_COMPS];
	int ncomps;
	struct cos_sd_import imports[COS_SD_MAX_IMPORTS];
	int nimports;
	int threads[COS_SD_MAX_THREADS];	/* component index */
	int thread_lines[COS_SD_MAX_THREADS];
	int thread_ids[COS_SD_MAX_THREADS];	/* after loading */
	uint64_t thread_fn[COS_SD_MAX_THREADS];	/* entry function offset, or 0 */
	int thread_prio[COS_SD_MAX_THREADS];	/* sched_param */
	int nthreads;
	int sched;			/* component index + 1; 0: none */
	int sched_line;
	uint64_t sched_tick_ns;
	int sched_thd;			/* after loading */
	int separate[COS_SD_MAX_IMPORTS][2];	/* separate and merge lines */
	int pd_op[COS_SD_MAX_IMPORTS];		/* COS_PD_SEPARATE / _MERGE */
	int pd_line[COS_SD_MAX_IMPORTS];
	int nseparate;
	struct cos_sd_io ios[COS_IO_MAX];
	int nios;
};

/*
 * Give the description's net (@blk 0) or disk (@blk 1) attachments the
 * device @name; @vdev turns net ones into the module's own interface. A
 * non-NULL @mac sets their MAC. 0, or -ENOENT if it has none.
 */
int cos_sd_set_io(struct cos_sysdesc *sd, int blk, const char *name, int vdev,
		  const uint8_t *mac);

/* Read and check @path, its ELF files and how they fit together. */
int cos_sd_parse(const char *path, struct cos_sysdesc *sd, char *err,
		 size_t errlen);
/* The same, with @comp_dir (NULL: none) as the last place to find a
 * relative component FILE in, by its last name. */
int cos_sd_parse_dir(const char *path, const char *comp_dir,
		     struct cos_sysdesc *sd, char *err, size_t errlen);
/* Create it on @fd: components, capabilities, threads (ids in bare). */
int cos_sd_load(int fd, struct cos_sysdesc *sd, char *err, size_t errlen);
void cos_sd_free(struct cos_sysdesc *sd);

#endif
