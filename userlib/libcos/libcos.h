/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libcos - host-side library for /dev/cos.
 *
 * Every function returns 0 (or an id) on success and a negative errno on
 * failure, so callers (and tests) can check exact error codes. Nothing here
 * keeps global state; one fd is one component system.
 */
#ifndef LIBCOS_H
#define LIBCOS_H

#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include "cos.h"	/* kmod/uapi/cos.h */

int cos_open(void);
int cos_get_version(int fd, struct cos_version *v);
/* Page budget of the system (before its first component). */
int cos_sys_set_pages(int fd, uint64_t max_pages);
int cos_comp_create(int fd, unsigned int slot, struct cos_comp_create *out);
int cos_mem_map(int fd, unsigned int comp, uint64_t addr, uint64_t len,
		unsigned int prot, const void *src, size_t src_len);
/* A capability for @client to invoke @server at @entry; its id or -errno. */
int cos_cap_create(int fd, unsigned int client, unsigned int server,
		   uint64_t entry);
/* The same, with the client's invocation stub for its capability table and
 * the server function for calls while both share a PD (0: none). */
int cos_cap_create_fn(int fd, unsigned int client, unsigned int server,
		      uint64_t entry, uint64_t client_fn, uint64_t server_fn);
int cos_thd_create(int fd, unsigned int comp, unsigned int flags,
		   const struct cos_regs *regs);
/* The same with the scheduler's sched_param (COS_SEV_THD's arg). */
int cos_thd_create_param(int fd, unsigned int comp, unsigned int flags,
			 unsigned int sched_param, const struct cos_regs *regs);
/* Make @thd the scheduler thread, with a tick every @tick_ns (0: none). */
int cos_sched_config(int fd, unsigned int thd, uint64_t tick_ns);
/* I/O attachments (cos.h, docs/io.md): 0 or -errno; req gets the id. */
int cos_io_attach(int fd, struct cos_io_attach *req);
int cos_io_detach(int fd, unsigned int id);
/*
 * Run a system under its scheduler (COS_RUN_SCHED) until an exit other
 * than COS_EXIT_IDLE: through idle exits it sleeps in poll() on @fd until
 * the scheduler has an event. A signal during that sleep returns with
 * COS_EXIT_SIGNAL. 0 or -errno.
 */
int cos_run_system(int fd, struct cos_run *run);
/* Set it (from a SIGINT or SIGTERM handler) to make cos_run_system return
 * COS_EXIT_SIGNAL, even if the signal came between two RUNs. */
extern volatile sig_atomic_t cos_run_stop;
int cos_thd_get_regs(int fd, unsigned int thd, struct cos_regs *regs);
int cos_thd_set_regs(int fd, unsigned int thd, const struct cos_regs *regs);
int cos_run(int fd, struct cos_run *run);
/*
 * COS_EXIT_MCE: Linux's recovery from the machine check usually sends the
 * host SIGBUS as the RUN returns, which kills a host without a handler.
 * cos_mce_catch() installs one for SIGBUS that only notes a signal that
 * arrives during cos_run/cos_run_system (any other SIGBUS still kills);
 * cos_mce_format() describes the exit with the signal noted since the
 * last call. Process-wide state: one SIGBUS handler per process.
 */
int cos_mce_catch(void);
void cos_mce_format(const struct cos_run *run, char *buf, size_t len);
/* COS_PD_MERGE / COS_PD_SPLIT / COS_PD_SEPARATE (c1 unused by SPLIT). */
int cos_pd(int fd, unsigned int op, unsigned int c0, unsigned int c1);
int cos_pd_flags(int fd, unsigned int op, unsigned int c0, unsigned int c1,
		 unsigned int flags);
/* Edge statistics into rows[max]; the number of rows there are, or -errno. */
int cos_edges(int fd, struct cos_edge *rows, unsigned int max, int reset);

/*
 * A "bare component": one component in one slot running a flat binary.
 * Layout inside the slot (offsets from its base), with unmapped guard
 * pages around every region:
 *   COS_BARE_CODE   code, read+execute, entry point at its first byte
 *   COS_BARE_DATA   data_pages of zeroed read+write memory (optional)
 *   COS_BARE_STACK_TOP - stack_pages*4096 .. COS_BARE_STACK_TOP: the stack
 * The thread starts with RSP at the stack top, RDI = slot base, RSI = data.
 */
#define COS_BARE_CODE		0x10000ull
#define COS_BARE_DATA		0x200000ull
#define COS_BARE_STACK_TOP	0x400000ull

struct cos_elf_patch;

struct cos_bare_opts {
	unsigned int slot;		/* default 1 */
	unsigned int stack_pages;	/* default 4 */
	unsigned int data_pages;	/* default 0 (flat binaries only) */
	unsigned int thd_flags;		/* COS_THD_* */
	const char *name;		/* for error messages */
	const struct cos_elf_patch *patches;	/* ELF: words to write */
	int npatches;
	char *err;			/* if set, a message on failure */
	size_t errlen;
};

struct cos_bare {
	unsigned int comp, thd;
	uint64_t base, code, data, stack_top;
	int rt;			/* an ELF component with the runtime */
};

/*
 * Give thread @thd of @b its registers: @regs as given, and for a
 * component with the runtime its own stack (mapped here, with the header
 * of cos_stacks.h) and its argument region as cos_main's data. 0/-errno.
 */
int cos_rt_thd_setup(int fd, const struct cos_bare *b, unsigned int thd,
		     struct cos_regs *regs);

int cos_bare_load(int fd, const void *image, size_t len,
		  const struct cos_bare_opts *opts, struct cos_bare *out);
/* The same without a thread (a server only entered by invocations). */
int cos_bare_load_comp(int fd, const void *image, size_t len,
		       const struct cos_bare_opts *opts, struct cos_bare *out);

/*
 * Components built as static-PIE ELF (the image starts with the ELF magic;
 * cos_bare_load takes both): segments are mapped at slot base + their
 * address with their own permissions (W^X enforced), relocations applied;
 * the stack lies below COS_ELF_STACK_TOP with unmapped pages around it.
 */
#define COS_ELF_MAX_SEGS	8
#define COS_ELF_MAX_SPAN	0x40000000ull
#define COS_ELF_STACK_TOP	0x40100000ull
#define COS_MAX_PATCHES		64

struct cos_elf_seg {
	uint64_t vaddr, memsz, filesz, offset;
	unsigned int prot;		/* COS_PROT_* */
};

struct cos_elf {
	const void *img;
	size_t len;
	uint64_t entry, span;		/* span: page-rounded end of the image */
	uint64_t dyn_off, dyn_size;
	struct cos_elf_seg seg[COS_ELF_MAX_SEGS];
	int nseg;
};

/* -ENOEXEC with "name: what is wrong" in err on a bad ELF. */
int cos_elf_parse(const void *img, size_t len, const char *name,
		  struct cos_elf *e, char *err, size_t errlen);
int cos_elf_image(const struct cos_elf *e, uint64_t base, const char *name,
		  uint8_t *mem, char *err, size_t errlen);
/* A 64-bit word the loader writes at a symbol before mapping. */
struct cos_elf_patch {
	const char *sym;
	uint64_t value;
};
int cos_elf_symbol(const struct cos_elf *e, const char *sym, uint64_t *value);
/* @cb for each defined symbol starting with @prefix; a non-zero return
 * stops the walk and is returned. */
int cos_elf_symbols(const struct cos_elf *e, const char *prefix,
		    int (*cb)(const char *name, uint64_t value, void *arg),
		    void *arg);
int cos_elf_load(int fd, unsigned int comp, uint64_t base, const void *img,
		 size_t len, const char *name, const struct cos_elf_patch *patches,
		 int npatches, uint64_t *entry, char *err, size_t errlen);

/* Names for people. */
const char *cos_exit_name(unsigned int reason);
const char *cos_vector_name(unsigned int vector);
/* One line describing a fault exit, e.g. "#PF page fault at ip ...". */
void cos_fault_format(const struct cos_fault *f, char *buf, size_t len);

#endif
