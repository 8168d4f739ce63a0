// SPDX-License-Identifier: GPL-2.0
/* libcos.c - ioctl wrappers and the bare-component loader. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include "libcos.h"
#include "cos_stacks.h"

static int cos_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

int cos_open(void)
{
	int fd = open("/dev/cos", O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int cos_get_version(int fd, struct cos_version *v)
{
	memset(v, 0, sizeof(*v));
	return cos_ioctl(fd, COS_VERSION, v);
}

int cos_sys_set_pages(int fd, uint64_t max_pages)
{
	struct cos_sys_config c = { .max_pages = max_pages };

	return cos_ioctl(fd, COS_SYS_CONFIG, &c);
}

int cos_comp_create(int fd, unsigned int slot, struct cos_comp_create *out)
{
	struct cos_comp_create c = { .slot = slot };
	int err = cos_ioctl(fd, COS_COMP_CREATE, &c);

	if (err)
		return err;
	if (out)
		*out = c;
	return (int)c.id;
}

int cos_mem_map(int fd, unsigned int comp, uint64_t addr, uint64_t len,
		unsigned int prot, const void *src, size_t src_len)
{
	struct cos_mem_map m = {
		.comp = comp, .prot = prot, .addr = addr, .len = len,
		.src = (uint64_t)(uintptr_t)src, .src_len = src_len,
	};

	return cos_ioctl(fd, COS_MEM_MAP, &m);
}

int cos_cap_create_fn(int fd, unsigned int client, unsigned int server,
		      uint64_t entry, uint64_t client_fn, uint64_t server_fn)
{
	struct cos_cap_create c = { .client = client, .server = server,
				    .entry = entry, .client_fn = client_fn,
				    .server_fn = server_fn };
	int err = cos_ioctl(fd, COS_CAP_CREATE, &c);

	return err ? err : (int)c.id;
}

int cos_cap_create(int fd, unsigned int client, unsigned int server,
		   uint64_t entry)
{
	return cos_cap_create_fn(fd, client, server, entry, 0, 0);
}

int cos_thd_create_param(int fd, unsigned int comp, unsigned int flags,
			 unsigned int sched_param, const struct cos_regs *regs)
{
	struct cos_thd_create t = { .comp = comp, .flags = flags,
				    .sched_param = sched_param };
	int err;

	if (regs)
		t.regs = *regs;
	err = cos_ioctl(fd, COS_THD_CREATE, &t);
	return err ? err : (int)t.id;
}

int cos_thd_create(int fd, unsigned int comp, unsigned int flags,
		   const struct cos_regs *regs)
{
	return cos_thd_create_param(fd, comp, flags, 0, regs);
}

int cos_sched_config(int fd, unsigned int thd, uint64_t tick_ns)
{
	struct cos_sched_config c = { .thd = thd, .tick_ns = tick_ns };

	return cos_ioctl(fd, COS_SCHED_CONFIG, &c);
}

int cos_io_attach(int fd, struct cos_io_attach *req)
{
	return cos_ioctl(fd, COS_IO_ATTACH, req);
}

int cos_io_detach(int fd, unsigned int id)
{
	struct cos_io_detach d = { .id = id };

	return cos_ioctl(fd, COS_IO_DETACH, &d);
}

volatile sig_atomic_t cos_run_stop;

/*
 * SIGBUS from a machine check's recovery (see cos_mce_catch): Linux
 * delivers it as the RUN ioctl returns, so in_run tells it from a SIGBUS
 * of the host's own making, which must still kill as without a handler.
 */
static __thread volatile sig_atomic_t cos_in_run;
static volatile sig_atomic_t cos_mce_sigs, cos_mce_code;
static void *volatile cos_mce_addr;

static int cos_run_ioctl(int fd, struct cos_run *run)
{
	int err;

	cos_in_run = 1;
	err = cos_ioctl(fd, COS_RUN, run);
	cos_in_run = 0;
	return err;
}

static void cos_mce_on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (!cos_in_run) {
		/* not ours: the access that raised it runs again and
		 * dies of it as it would have without this handler */
		signal(sig, SIG_DFL);
		return;
	}
	cos_mce_code = si->si_code;
	cos_mce_addr = si->si_addr;
	cos_mce_sigs++;
}

int cos_mce_catch(void)
{
	struct sigaction sa = { .sa_sigaction = cos_mce_on_sigbus,
				.sa_flags = SA_SIGINFO | SA_RESTART };

	sigemptyset(&sa.sa_mask);
	return sigaction(SIGBUS, &sa, NULL) ? -errno : 0;
}

void cos_mce_format(const struct cos_run *run, char *buf, size_t len)
{
	int n = snprintf(buf, len, "machine check in component %u (thread %u, depth %u) at ip %#llx",
			 run->fault.comp, run->thd, run->fault.depth,
			 (unsigned long long)run->fault.ip);

	if (n < 0 || (size_t)n >= len)
		return;
	if (!cos_mce_sigs)
		snprintf(buf + n, len - n, "; Linux sent no SIGBUS");
	else if (cos_mce_code == BUS_MCEERR_AR || cos_mce_code == BUS_MCEERR_AO)
		snprintf(buf + n, len - n, "; SIGBUS %s: memory error at host address %p",
			 cos_mce_code == BUS_MCEERR_AR ? "BUS_MCEERR_AR" : "BUS_MCEERR_AO",
			 cos_mce_addr);
	else
		snprintf(buf + n, len - n, "; SIGBUS (code %d): Linux could not recover the page (a page of the component system)",
			 (int)cos_mce_code);
	cos_mce_sigs = 0;
}

int cos_run_system(int fd, struct cos_run *run)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t budget = run->budget_ns;
	sigset_t block, old;
	int err, n;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	for (;;) {
		if (cos_run_stop)
			goto stop;
		*run = (struct cos_run){ .flags = COS_RUN_SCHED, .budget_ns = budget };
		err = cos_run_ioctl(fd, run);
		if (err || run->exit_reason != COS_EXIT_IDLE)
			return err;
		/* A stop request that came between the RUN and here must not
		 * be slept through: look with the signals blocked, and let
		 * ppoll unblock them only while it sleeps. */
		sigprocmask(SIG_BLOCK, &block, &old);
		n = cos_run_stop ? 0 : ppoll(&p, 1, NULL, &old);
		err = n < 0 ? errno : 0;
		sigprocmask(SIG_SETMASK, &old, NULL);
		if (cos_run_stop || err == EINTR)
			goto stop;
		if (n < 0)
			return -err;
	}
stop:
	run->exit_reason = COS_EXIT_SIGNAL;
	return 0;
}

int cos_thd_get_regs(int fd, unsigned int thd, struct cos_regs *regs)
{
	struct cos_thd_regs r = { .thd = thd };
	int err = cos_ioctl(fd, COS_THD_GET_REGS, &r);

	if (!err)
		*regs = r.regs;
	return err;
}

int cos_thd_set_regs(int fd, unsigned int thd, const struct cos_regs *regs)
{
	struct cos_thd_regs r = { .thd = thd, .regs = *regs };

	return cos_ioctl(fd, COS_THD_SET_REGS, &r);
}

int cos_edges(int fd, struct cos_edge *rows, unsigned int max, int reset)
{
	struct cos_edges e = { .rows = (uint64_t)(uintptr_t)rows, .max = max,
			       .flags = reset ? COS_EDGES_RESET : 0 };
	int err = cos_ioctl(fd, COS_EDGES, &e);

	return err ? err : (int)e.count;
}

int cos_pd_flags(int fd, unsigned int op, unsigned int c0, unsigned int c1,
		 unsigned int flags)
{
	struct cos_pd_op o = { .op = op, .c0 = c0, .c1 = c1, .flags = flags };

	return cos_ioctl(fd, COS_PD, &o);
}

int cos_pd(int fd, unsigned int op, unsigned int c0, unsigned int c1)
{
	return cos_pd_flags(fd, op, c0, c1, 0);
}

int cos_run(int fd, struct cos_run *run)
{
	return cos_run_ioctl(fd, run);
}

static uint64_t page_round(uint64_t n)
{
	return (n + 4095) & ~4095ull;
}

int cos_bare_load_comp(int fd, const void *image, size_t len,
		       const struct cos_bare_opts *opts, struct cos_bare *out)
{
	struct cos_bare_opts o = { .slot = 1, .stack_pages = 4 };
	struct cos_comp_create cc = { 0 };
	uint64_t stack_len;
	int comp, err;

	out->rt = 0;
	if (opts) {
		o = *opts;
		if (!o.stack_pages)
			o.stack_pages = 4;
	}
	if (!len || (memcmp(image, "\177ELF", 4) &&
		     page_round(len) > COS_BARE_DATA - COS_BARE_CODE - 4096) ||
	    (uint64_t)o.data_pages * 4096 > COS_BARE_STACK_TOP - COS_BARE_DATA - 8192 ||
	    (uint64_t)o.stack_pages * 4096 > COS_BARE_STACK_TOP - COS_BARE_DATA - 8192 -
	    (uint64_t)o.data_pages * 4096)
		return -E2BIG;
	comp = cos_comp_create(fd, o.slot, &cc);
	if (comp < 0)
		return comp;
	out->comp = comp;
	out->base = cc.base;
	if (len >= 4 && !memcmp(image, "\177ELF", 4)) {
		struct cos_elf_patch all[COS_MAX_PATCHES + 3];
		int n = o.npatches, pool = 0;
		struct cos_elf e;
		uint64_t at;
		char dummy[8];

		if (n < 0 || n > COS_MAX_PATCHES)
			return -E2BIG;
		memcpy(all, o.patches, n * sizeof(*all));
		/* A component with the runtime's server side gets its pool
		 * and knows where the argument regions are. */
		if (!cos_elf_parse(image, len, "", &e, dummy, sizeof(dummy)) &&
		    !cos_elf_symbol(&e, "cos_stack_area", &at)) {
			all[n++] = (struct cos_elf_patch){ "cos_stack_area",
				cc.base + COS_STACK_REGION };
			all[n++] = (struct cos_elf_patch){ "cos_arg_area",
				cc.base + COS_ARG_REGION };
			all[n++] = (struct cos_elf_patch){ "cos_captbl_addr",
				cc.base + COS_CAPTBL_REGION };
			pool = 1;
		}
		out->rt = pool;
		err = cos_elf_load(fd, comp, cc.base, image, len,
				   o.name ? o.name : "component", all, n,
				   &out->code, o.err ? o.err : dummy,
				   o.err ? o.errlen : sizeof(dummy));
		if (err)
			return err;
		/* A fault handler, if the component has one. */
		if (pool && !cos_elf_symbol(&e, "__cos_fault_entry", &at)) {
			struct cos_fault_handler fh = { .comp = comp,
							.entry = cc.base + at };

			err = cos_ioctl(fd, COS_FAULT_HANDLER, &fh);
			if (err)
				return err;
		}
		for (n = 0; pool && n < COS_STACKS; n++) {
			/* each stack's first page stays unmapped: its guard */
			err = cos_mem_map(fd, comp, cc.base + COS_STACK_REGION +
					  (uint64_t)n * COS_STACK_SIZE + 4096,
					  COS_STACK_SIZE - 4096,
					  COS_PROT_READ | COS_PROT_WRITE, NULL, 0);
			if (err)
				return err;
		}
		out->data = 0;
		out->stack_top = cc.base + COS_ELF_STACK_TOP;
		stack_len = o.stack_pages * 4096ull;
		return cos_mem_map(fd, comp, out->stack_top - stack_len, stack_len,
				   COS_PROT_READ | COS_PROT_WRITE, NULL, 0);
	}
	out->code = cc.base + COS_BARE_CODE;
	out->data = o.data_pages ? cc.base + COS_BARE_DATA : 0;
	out->stack_top = cc.base + COS_BARE_STACK_TOP;

	err = cos_mem_map(fd, comp, out->code, page_round(len),
			  COS_PROT_READ | COS_PROT_EXEC, image, len);
	if (err)
		return err;
	if (o.data_pages) {
		err = cos_mem_map(fd, comp, out->data, o.data_pages * 4096ull,
				  COS_PROT_READ | COS_PROT_WRITE, NULL, 0);
		if (err)
			return err;
	}
	stack_len = o.stack_pages * 4096ull;
	return cos_mem_map(fd, comp, out->stack_top - stack_len, stack_len,
			   COS_PROT_READ | COS_PROT_WRITE, NULL, 0);
}

int cos_bare_load(int fd, const void *image, size_t len,
		  const struct cos_bare_opts *opts, struct cos_bare *out)
{
	struct cos_regs regs = { 0 };
	int thd, err = cos_bare_load_comp(fd, image, len, opts, out);

	if (err)
		return err;
	regs.rip = out->code;
	regs.rsp = out->stack_top;
	regs.rdi = out->base;
	regs.rsi = out->data;
	regs.rflags = 0x202;
	thd = cos_thd_create(fd, out->comp, opts ? opts->thd_flags : 0, &regs);
	if (thd < 0)
		return thd;
	out->thd = thd;
	return out->rt ? cos_rt_thd_setup(fd, out, thd, &regs) : 0;
}

int cos_rt_thd_setup(int fd, const struct cos_bare *b, unsigned int thd,
		     struct cos_regs *regs)
{
	uint64_t top[512] = { 0 };	/* the top page, header at its end */
	uint64_t lo = b->base + COS_THD_STACK_REGION + (uint64_t)thd * COS_STACK_SIZE;
	int err;

	if (b->rt) {
		if (thd >= COS_MAX_THREADS)
			return -E2BIG;
		top[511] = -1ull;		/* top - 8: not a pool stack */
		top[510] = 0;			/* top - 16: no caller */
		top[509] = thd;			/* top - 24: cos_thread */
		/* the first page stays unmapped: the guard */
		err = cos_mem_map(fd, b->comp, lo + 4096, COS_STACK_SIZE - 8192,
				  COS_PROT_READ | COS_PROT_WRITE, NULL, 0);
		if (!err)
			err = cos_mem_map(fd, b->comp, lo + COS_STACK_SIZE - 4096, 4096,
					  COS_PROT_READ | COS_PROT_WRITE, top, sizeof(top));
		if (err)
			return err;
		regs->rsp = lo + COS_STACK_SIZE - COS_STACK_HDR;
		regs->rsi = b->base + COS_ARG_REGION + (uint64_t)thd * COS_ARG_SIZE;
	}
	return cos_thd_set_regs(fd, thd, regs);
}

const char *cos_exit_name(unsigned int reason)
{
	static const char *const names[] = {
		[COS_EXIT_NONE] = "none",	[COS_EXIT_EXIT] = "exit",
		[COS_EXIT_FAULT] = "fault",	[COS_EXIT_BUDGET] = "budget",
		[COS_EXIT_SIGNAL] = "signal",	[COS_EXIT_PRINT] = "print",
		[COS_EXIT_IDLE] = "idle",	[COS_EXIT_MCE] = "machine check",
	};

	return reason < sizeof(names) / sizeof(names[0]) && names[reason] ?
	       names[reason] : "unknown";
}

const char *cos_vector_name(unsigned int v)
{
	static const char *const names[32] = {
		"#DE divide error", "#DB debug", "NMI", "#BP breakpoint",
		"#OF overflow", "#BR bound range", "#UD invalid opcode",
		"#NM FPU not available", "#DF double fault",
		"coprocessor segment overrun", "#TS invalid TSS",
		"#NP segment not present", "#SS stack fault",
		"#GP general protection", "#PF page fault", "reserved 15",
		"#MF x87 FPU error", "#AC alignment check", "#MC machine check",
		"#XM SIMD FPU error", "#VE virtualization",
		"#CP control protection",
	};

	if (v < 32)
		return names[v] ? names[v] : "reserved exception";
	if (v == 0x80)
		return "int 0x80 (Linux system call gate)";
	if (v == COS_VEC_SYSCALL)
		return "syscall with an unknown op";
	if (v == COS_VEC_SYSCALL32)
		return "syscall from 32-bit code";
	if (v == COS_VEC_SYSENTER)
		return "sysenter";
	if (v < 256)
		return "software interrupt";
	return "unknown";
}

void cos_fault_format(const struct cos_fault *f, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s (vector %u) at ip %#llx, sp %#llx",
			 cos_vector_name(f->vector), f->vector,
			 (unsigned long long)f->ip, (unsigned long long)f->sp);

	if (n < 0 || (size_t)n >= len)
		return;
	if (f->vector == 14)
		snprintf(buf + n, len - n, ", address %#llx, error %#llx (%s %s%s)",
			 (unsigned long long)f->address,
			 (unsigned long long)f->error_code,
			 f->error_code & 1 ? "protection" : "not-present",
			 f->error_code & 16 ? "fetch" :
			 f->error_code & 2 ? "write" : "read",
			 f->error_code & 4 ? "" : " (not user?)");
	else if (f->error_code)
		snprintf(buf + n, len - n, ", %s %#llx",
			 f->vector == 1 ? "dr6" : f->vector >= 256 ? "op" : "error",
			 (unsigned long long)f->error_code);
}
