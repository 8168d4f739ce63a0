// SPDX-License-Identifier: GPL-2.0
/*
 * cos_null - the component syscall ABI preserves what it promises: a
 * million null round trips with every preserved register checked each time,
 * the same through the slow path, FPU state isolation, and host state
 * (FS/GS bases, selectors, PKRU, XMM registers) intact after RUN.
 */
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <asm/prctl.h>
#include "harness.h"

COS_SNIPPET(null_regs); COS_SNIPPET(yield_regs); COS_SNIPPET(null_rax);
COS_SNIPPET(fpu_regs); COS_SNIPPET(fsgs); COS_SNIPPET(f_nm);
COS_SNIPPET(exit42); COS_SNIPPET(print_hi); COS_SNIPPET(print_bad);

static const char *reg_names[] = {
	"rax", "rbx", "rdx", "rsi", "rdi", "rbp", "r8", "r9", "r10", "r13",
	"r14", "r15", "rsp", "rflags (CF/DF)",
};

static void check_loop(const char *what, const void *code, size_t len,
		       uint64_t iters, unsigned int flags)
{
	struct snip_run r;
	uint64_t st;

	snip_run(code, len, 1, flags, 0, set_r12, &iters, &r);
	st = r.run.exit.status;
	if (r.err || r.run.exit_reason != COS_EXIT_EXIT) {
		tap_ok(0, "%s: run failed: %s %s", what,
		       r.err ? strerror(-r.err) : "",
		       cos_exit_name(r.run.exit_reason));
		return;
	}
	tap_ok(st == 0, "%s: %llu round trips, %llu slow-path entries (%s)",
	       what, (unsigned long long)iters,
	       (unsigned long long)r.run.slow_entries,
	       st == 0 ? "all registers preserved" :
	       st >= 10 && st < 24 ? reg_names[st - 10] : "wrong status");
}

/* Raw RUN ioctl with XMM7 holding a pattern across it. */
static int run_keeping_xmm7(int fd, struct cos_run *run, uint64_t *after)
{
	uint64_t pattern = 0x1122334455667788ull;
	long ret;

	asm volatile("movq %[p], %%xmm7\n\t"
		     "syscall\n\t"
		     "movq %%xmm7, %[a]"
		     : "=a"(ret), [a] "=r"(*after)
		     : "0"((long)SYS_ioctl), "D"((long)fd),
		       "S"((long)COS_RUN), "d"(run), [p] "r"(pattern)
		     : "rcx", "r11", "memory", "xmm7");
	return ret < 0 ? (int)ret : 0;
}

static void check_fpu(unsigned int flags, const char *what)
{
	struct cos_bare_opts o = { .slot = 1, .thd_flags = flags };
	struct cos_bare b;
	struct cos_regs regs;
	struct cos_run run = { 0 };
	uint64_t iters = 20000, xmm7 = 0;
	int fd = must_open(), err;

	err = cos_bare_load(fd, SNIP(fpu_regs), &o, &b);
	if (!err)
		err = cos_thd_get_regs(fd, b.thd, &regs);
	regs.r12 = iters;
	if (!err)
		err = cos_thd_set_regs(fd, b.thd, &regs);
	run.thd = b.thd;
	if (!err)
		err = run_keeping_xmm7(fd, &run, &xmm7);
	close(fd);
	if (flags & COS_THD_FPU)
		tap_ok(!err && run.exit_reason == COS_EXIT_EXIT &&
		       run.exit.status == 0 && xmm7 == 0x1122334455667788ull,
		       "%s: component XMM0/XMM7 kept over %llu calls, host XMM7 %#llx",
		       what, (unsigned long long)iters, (unsigned long long)xmm7);
	else
		tap_ok(!err && run.exit_reason == COS_EXIT_FAULT &&
		       run.fault.vector == 7 && xmm7 == 0x1122334455667788ull,
		       "%s: first SSE instruction is #NM (vector %u), host XMM7 %#llx",
		       what, run.fault.vector, (unsigned long long)xmm7);
}

static unsigned int slot_shift;

static void set_fsgs(struct cos_regs *r, void *arg)
{
	r->fs_base = 0x7000;
	r->gs_base = 0x9000;	/* ignored: GS is the kernel's (cos.h) */
	r->r13 = r->fs_base;
	r->r14 = ((uint64_t)(256 - COS_CNT_SLOT_FROM_TOP) << slot_shift) + COS_CNT_OFFSET;
	r->r15 = *(int *)arg;
}

static void check_host_state(void)
{
	struct cos_version v;
	unsigned long fs0 = 0, gs0 = 0, fs1 = 0, gs1 = 0;
	unsigned short ds0, es0, ds1, es1;
	unsigned int pkru0 = 0, pkru1 = 0;
	struct snip_run r;
	int fd = must_open(), pku;

	cos_get_version(fd, &v);
	close(fd);
	slot_shift = v.slot_shift;
	if (!(v.features & COS_FEAT_FSGSBASE)) {
		tap_skip("component FS/GS bases", "no FSGSBASE");
		tap_skip("host FS/GS/PKRU/selectors after RUN", "no FSGSBASE");
		tap_skip("host TLS", "no FSGSBASE");
		return;
	}
	pku = !!(v.features & COS_FEAT_PKU);
	syscall(SYS_arch_prctl, ARCH_GET_FS, &fs0);
	syscall(SYS_arch_prctl, ARCH_GET_GS, &gs0);
	asm volatile("mov %%ds, %0; mov %%es, %1" : "=r"(ds0), "=r"(es0));
	if (pku)
		asm volatile("rdpkru" : "=a"(pkru0) : "c"(0) : "rdx");

	snip_run(SNIP(fsgs), 1, 0, 0, set_fsgs, &pku, &r);

	syscall(SYS_arch_prctl, ARCH_GET_FS, &fs1);
	syscall(SYS_arch_prctl, ARCH_GET_GS, &gs1);
	asm volatile("mov %%ds, %0; mov %%es, %1" : "=r"(ds1), "=r"(es1));
	if (pku)
		asm volatile("rdpkru" : "=a"(pkru1) : "c"(0) : "rdx");
	tap_ok(!r.err && r.run.exit_reason == COS_EXIT_EXIT &&
	       r.run.exit.status == 0,
	       "component sees the FS base it was given, GS at a counter area (status %llu)",
	       (unsigned long long)r.run.exit.status);
	tap_ok(fs0 == fs1 && gs0 == gs1 && ds0 == ds1 && es0 == es1 &&
	       pkru0 == pkru1,
	       "host FS/GS bases, DS/ES and PKRU%s unchanged after the component clobbered them",
	       pku ? "" : " (no PKU)");
	/* errno lives in TLS through FS: if FS were wrong this would crash. */
	errno = 0;
	tap_ok(close(-1) == -1 && errno == EBADF, "host TLS still works");
}

int main(void)
{
	struct snip_run r;

	tap_plan(12);
	check_loop("null op, fast path", SNIP(null_regs), 1000000, 0);
	check_loop("null op, RAX only", SNIP(null_rax), 1000000, 0);
	check_loop("yield op, through the run loop", SNIP(yield_regs), 20000, 0);
	check_fpu(COS_THD_FPU, "FPU thread");
	check_fpu(0, "thread without FPU");
	check_host_state();

	snip_run(SNIP(exit42), 1, 0, 0, NULL, NULL, &r);
	tap_ok(!r.err && r.run.exit_reason == COS_EXIT_EXIT &&
	       r.run.exit.status == 42, "exit op carries the status (%llu)",
	       (unsigned long long)r.run.exit.status);

	{	/* print goes through the run loop, then the component goes on */
		struct cos_bare b;
		struct cos_run run = { 0 };
		int fd = must_open(), err = cos_bare_load(fd, SNIP(print_hi), NULL, &b);

		run.thd = b.thd;
		err = err ? err : cos_run(fd, &run);
		tap_ok(!err && run.exit_reason == COS_EXIT_PRINT &&
		       run.print.len == 3 && !memcmp(run.print.data, "hi\n", 3),
		       "print op exits with the bytes");
		memset(&run, 0, sizeof(run));
		run.thd = b.thd;
		err = err ? err : cos_run(fd, &run);
		tap_ok(!err && run.exit_reason == COS_EXIT_EXIT &&
		       run.exit.status == 0, "and the component resumes after it");
		close(fd);
	}
	snip_run(SNIP(print_bad), 1, 0, 0, NULL, NULL, &r);
	tap_ok(!r.err && r.run.exit_reason == COS_EXIT_EXIT &&
	       r.run.exit.status == EFAULT,
	       "print of unmapped memory returns -EFAULT to the component");
	return tap_exit();
}
