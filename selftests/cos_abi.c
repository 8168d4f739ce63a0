// SPDX-License-Identifier: GPL-2.0
/*
 * cos_abi - the ioctl ABI answers bad input with exact errnos, leaks
 * nothing, and refuses configuration changes while a thread runs.
 */
#include <fcntl.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "harness.h"

COS_SNIPPET(spin); COS_SNIPPET(exit42); COS_SNIPPET(op_raw);
extern const uint64_t op_raw_at_off;

/* op_raw's registers: RAX, RDI, RSI, RDX, R10 of its one syscall. */
static void set_op(struct cos_regs *r, void *arg)
{
	const uint64_t *w = arg;

	r->r12 = w[0];
	r->r13 = w[1];
	r->r14 = w[2];
	r->r15 = w[3];
	r->rbx = w[4];
}

/* An unknown op is a contained fault that names the op, all 64 bits of
 * it: -1 too (it used to read 0, the "no error code" of other vectors). */
static void check_unknown_op(uint64_t op)
{
	uint64_t w[5] = { op };
	struct snip_run r;

	snip_run(SNIP(op_raw), 1, 0, 2000000000ull, set_op, w, &r);
	tap_ok(!r.err && r.run.exit_reason == COS_EXIT_FAULT &&
	       r.run.fault.vector == COS_VEC_SYSCALL &&
	       r.run.fault.error_code == op &&
	       r.run.fault.ip == r.bare.code + op_raw_at_off,
	       "unknown op %#llx: a syscall fault reporting op %#llx at the syscall",
	       (unsigned long long)op, (unsigned long long)r.run.fault.error_code);
}

/* THD_CREATE into a struct it cannot write back: EFAULT, and neither a
 * thread nor a page left behind (debugfs counts). */
static void check_thd_create_ro(int fd, unsigned int comp, uint64_t rip)
{
	struct cos_thd_create *t = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long long thds0 = stat_of("threads"), pages0 = stat_of("pages");
	int e = -1;

	if (t != MAP_FAILED) {
		memset(t, 0, sizeof(*t));
		t->comp = comp;
		t->regs.rip = rip;
		mprotect(t, 4096, PROT_READ);
		e = ioc(fd, COS_THD_CREATE, t);
		munmap(t, 4096);
	}
	tap_ok(e == -EFAULT && stat_of("threads") == thds0 && stat_of("pages") == pages0,
	       "THD_CREATE into a read-only struct: %s (want EFAULT), threads %lld -> %lld, "
	       "pages %lld -> %lld", e ? strerror(-e) : "success", thds0,
	       stat_of("threads"), pages0, stat_of("pages"));
}



struct busy_arg {
	int fd;
	unsigned int thd;
	int err;
	struct cos_run run;
};

static void *run_thread(void *p)
{
	struct busy_arg *a = p;

	a->run.thd = a->thd;
	a->run.budget_ns = 1500000000ull;
	a->err = cos_run(a->fd, &a->run);
	return NULL;
}

int main(void)
{
	struct cos_version v;
	struct cos_comp_create cc;
	struct cos_regs regs = { 0 };
	struct cos_run run = { 0 };
	struct cos_thd_regs tr = { 0 };
	long long pages0;
	char page[4096] = { 0 };
	int fd, comp, thd, e;

	tap_plan(47);
	fd = must_open();
	EXPECT(cos_get_version(fd, &v), 0, "VERSION");
	tap_ok(v.abi_major == COS_ABI_MAJOR && (v.paging_levels == 4 || v.paging_levels == 5) &&
	       v.nr_slots == 255 && v.page_size == 4096,
	       "version %u.%u, %u-level paging, %u slots", v.abi_major,
	       v.abi_minor, v.paging_levels, v.nr_slots);
	EXPECT(ioc(fd, _IOWR(COS_IOC_MAGIC, 0x7f, struct cos_run), &run), -ENOTTY, "unknown ioctl");
	EXPECT(ioc(fd, COS_VERSION, NULL), -EFAULT, "VERSION with a NULL pointer");
	EXPECT(ioc(fd, COS_RUN, (void *)1), -EFAULT, "RUN with a bad pointer");
	EXPECT(ioc(fd, COS_COMP_CREATE, NULL), -EFAULT, "COMP_CREATE with a NULL pointer");

	EXPECT(cos_comp_create(fd, 256, NULL), -EINVAL, "COMP_CREATE slot 256");
	EXPECT(cos_comp_create(fd, 255, NULL), -EINVAL,
	       "COMP_CREATE slot 255 (the counters', and the sysret guard page)");
	cc = (struct cos_comp_create){ .slot = 3, .flags = 1 };
	EXPECT(ioc(fd, COS_COMP_CREATE, &cc), -EINVAL, "COMP_CREATE with unknown flags");
	comp = cos_comp_create(fd, 3, &cc);
	tap_ok(comp >= 0 && cc.base == 3ull << v.slot_shift,
	       "COMP_CREATE slot 3: id %d base %#llx", comp,
	       (unsigned long long)cc.base);
	EXPECT(cos_comp_create(fd, 3, NULL), -EEXIST, "COMP_CREATE of a used slot");

	pages0 = stat_of("pages");
	EXPECT(cos_mem_map(fd, 99, cc.base, 4096, COS_PROT_READ, NULL, 0), -ENOENT, "MEM_MAP unknown component");
	EXPECT(cos_mem_map(fd, comp, cc.base + 1, 4096, COS_PROT_READ, NULL, 0), -EINVAL, "MEM_MAP unaligned address");
	EXPECT(cos_mem_map(fd, comp, cc.base, 0, COS_PROT_READ, NULL, 0), -EINVAL, "MEM_MAP zero length");
	EXPECT(cos_mem_map(fd, comp, cc.base, 4096, COS_PROT_WRITE | COS_PROT_EXEC, NULL, 0), -EINVAL, "MEM_MAP write+execute");
	EXPECT(cos_mem_map(fd, comp, cc.base, 4096, 0x80, NULL, 0), -EINVAL, "MEM_MAP unknown prot bit");
	EXPECT(cos_mem_map(fd, comp, cc.base - 4096, 8192, COS_PROT_READ, NULL, 0), -EINVAL, "MEM_MAP outside the slot");
	EXPECT(cos_mem_map(fd, comp, cc.base, 4096, COS_PROT_READ, page, 8192), -EINVAL, "MEM_MAP src_len > len");
	EXPECT(cos_mem_map(fd, comp, cc.base, 8192, COS_PROT_READ, (void *)8, 8192), -EFAULT, "MEM_MAP bad source pointer");
	EXPECT(cos_mem_map(fd, comp, cc.base, (uint64_t)v.max_pages * 4096 + 4096, COS_PROT_READ, NULL, 0), -ENOSPC, "MEM_MAP beyond the page budget");
	tap_ok(pages0 < 0 || stat_of("pages") == pages0,
	       "failed MEM_MAPs leave no page allocated (%lld -> %lld)",
	       pages0, stat_of("pages"));
	EXPECT(cos_mem_map(fd, comp, cc.base + 0x10000, 4096, COS_PROT_READ | COS_PROT_EXEC, page, 4096), 0, "MEM_MAP one code page");
	EXPECT(cos_mem_map(fd, comp, cc.base + 0xf000, 8192, COS_PROT_READ, NULL, 0), -EEXIST, "MEM_MAP overlapping");
	EXPECT(cos_mem_map(fd, comp, cc.base + COS_ARG_REGION + 8192, 4096, COS_PROT_READ, NULL, 0), -EINVAL, "MEM_MAP over the argument regions");

	regs.rip = v.user_va_end;
	EXPECT(cos_thd_create(fd, comp, 0, &regs), -EINVAL, "THD_CREATE rip beyond user space");
	regs.rip = cc.base + 0x10000;
	regs.fs_base = 1ull << 63;
	EXPECT(cos_thd_create(fd, comp, 0, &regs), -EINVAL, "THD_CREATE kernel FS base");
	regs.fs_base = 0;
	EXPECT(cos_thd_create(fd, comp, 0x100, &regs), -EINVAL, "THD_CREATE unknown flags");
	EXPECT(cos_thd_create(fd, 77, 0, &regs), -ENOENT, "THD_CREATE unknown component");
	regs.rflags = 0x3000 | 0x4000 | 0x20000;	/* IOPL 3, NT, VM */
	thd = cos_thd_create(fd, comp, 0, &regs);
	memset(&regs, 0, sizeof(regs));
	if (thd >= 0)
		cos_thd_get_regs(fd, thd, &regs);
	tap_ok(thd >= 0 && regs.rflags == 0x202,
	       "privileged RFLAGS bits dropped (%#llx)",
	       (unsigned long long)regs.rflags);
	/* gs_base is the kernel's (the counter area): ignored, never refused */
	memset(&regs, 0, sizeof(regs));
	regs.rip = cc.base + 0x10000;
	regs.gs_base = 0xffff888000000000ull;
	e = cos_thd_create(fd, comp, 0, &regs);
	EXPECT(e < 0 ? e : 0, 0, "THD_CREATE with a kernel-half gs_base (ignored)");
	tr.thd = thd;
	tr.regs = regs;
	EXPECT(ioc(fd, COS_THD_SET_REGS, &tr), 0, "THD_SET_REGS with a kernel-half gs_base (ignored)");
	EXPECT(ioc(fd, COS_THD_GET_REGS, &tr) || tr.regs.gs_base == regs.gs_base ? -EINVAL : 0, 0,
	       "THD_GET_REGS: the gs_base given was not taken");
	check_thd_create_ro(fd, comp, cc.base + 0x10000);
	memset(&tr, 0, sizeof(tr));
	tr.thd = 50;
	EXPECT(ioc(fd, COS_THD_GET_REGS, &tr), -ENOENT, "THD_GET_REGS unknown thread");
	tr.thd = thd;
	tr.pad = 1;
	EXPECT(ioc(fd, COS_THD_GET_REGS, &tr), -EINVAL, "THD_GET_REGS nonzero pad");
	run.thd = 63;
	EXPECT(cos_run(fd, &run), -ENOENT, "RUN unknown thread");
	run.thd = thd;
	run.flags = 4;
	EXPECT(cos_run(fd, &run), -EINVAL, "RUN unknown flags");
	EXPECT(cos_pd_flags(fd, COS_PD_SPLIT, comp, 0, 2), -EINVAL, "PD unknown flags");
	EXPECT(cos_pd(fd, 0, comp, comp), -EINVAL, "PD op 0");
	EXPECT(cos_pd(fd, COS_PD_MERGE, comp, comp), -EINVAL, "PD merge with itself");
	EXPECT(cos_pd(fd, COS_PD_SPLIT, comp, 0), -EALREADY, "PD split of a lone component");
	EXPECT(cos_pd(fd, COS_PD_SPLIT, 300, 0), -ENOENT, "PD unknown component");
	close(fd);

	check_unknown_op(~0ull);
	check_unknown_op(1ull << 32 | COS_OP_EXIT);
	check_unknown_op(COS_OP_MEM + 1);	/* the first op past the last */

	{	/* A running thread: no second RUN, no MEM_MAP, no SET_REGS. */
		struct cos_bare b;
		struct busy_arg a = { 0 };
		pthread_t t;
		int e1, e2;

		fd = must_open();
		cos_bare_load(fd, SNIP(spin), NULL, &b);
		a.fd = fd;
		a.thd = b.thd;
		pthread_create(&t, NULL, run_thread, &a);
		usleep(300000);
		memset(&run, 0, sizeof(run));
		run.thd = b.thd;
		e1 = cos_run(fd, &run);
		e2 = cos_mem_map(fd, b.comp, b.base + 0x300000, 4096, COS_PROT_READ, NULL, 0);
		pthread_join(t, NULL);
		tap_ok(e1 == -EBUSY && e2 == -EBUSY && !a.err &&
		       a.run.exit_reason == COS_EXIT_BUDGET,
		       "while running: RUN %s, MEM_MAP %s; the runner ends on its budget",
		       strerror(-e1), strerror(-e2));
		close(fd);
	}
	tap_ok(stat_of("systems") <= 0 && stat_of("pages") <= 0 &&
	       stat_of("threads") <= 0,
	       "nothing left allocated after close (systems %lld pages %lld threads %lld)",
	       stat_of("systems"), stat_of("pages"), stat_of("threads"));
	return tap_exit();
}
