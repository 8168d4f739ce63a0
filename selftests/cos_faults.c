// SPDX-License-Identifier: GPL-2.0
/*
 * cos_faults - every exception a component can raise, and every route to a
 * Linux system call, ends in a contained fault exit with the right vector,
 * error code, address and ip; the host and the kernel carry on.
 */
#include <cpuid.h>
#include "harness.h"

COS_SNIPPET(f_de); COS_SNIPPET(f_db_tf); COS_SNIPPET(f_db_icebp);
COS_SNIPPET(f_bp); COS_SNIPPET(f_ud); COS_SNIPPET(f_into64);
COS_SNIPPET(f_of32); COS_SNIPPET(f_br32); COS_SNIPPET(f_nm);
COS_SNIPPET(f_gp_hlt); COS_SNIPPET(f_gp_cli); COS_SNIPPET(f_gp_int21);
COS_SNIPPET(f_gp_intff); COS_SNIPPET(f_gp_cr0); COS_SNIPPET(f_gp_noncanon);
COS_SNIPPET(f_ss); COS_SNIPPET(f_pf_read); COS_SNIPPET(f_pf_write);
COS_SNIPPET(f_pf_exec); COS_SNIPPET(f_pf_kernel); COS_SNIPPET(f_ac);
COS_SNIPPET(f_mf); COS_SNIPPET(f_xm);
COS_SNIPPET(e_getpid); COS_SNIPPET(e_exit_group); COS_SNIPPET(e_int80);
COS_SNIPPET(e_sysenter); COS_SNIPPET(e_sysenter_tf); COS_SNIPPET(e_syscall32);
COS_SNIPPET(e_int80_32); COS_SNIPPET(e_sysenter32); COS_SNIPPET(spin);
COS_SNIPPET(e_sysenter32_tf);

#define MARK(name) extern const uint64_t name##_at_off
MARK(f_de); MARK(f_db_tf); MARK(f_db_icebp); MARK(f_bp); MARK(f_ud);
MARK(f_into64); MARK(f_of32); MARK(f_br32); MARK(f_nm); MARK(f_gp_hlt);
MARK(f_gp_cli); MARK(f_gp_int21); MARK(f_gp_intff); MARK(f_gp_cr0);
MARK(f_gp_noncanon); MARK(f_ss); MARK(f_pf_read); MARK(f_pf_write);
MARK(f_pf_kernel); MARK(f_ac); MARK(f_mf); MARK(f_xm); MARK(e_getpid);
MARK(e_exit_group); MARK(e_int80); MARK(e_sysenter); MARK(e_sysenter_tf);
MARK(e_syscall32); MARK(e_int80_32); MARK(e_sysenter32); MARK(e_sysenter32_tf);

#define ANY	(~0ull)

struct fault_case {
	const char *name;
	const void *code;
	size_t len;
	unsigned int slot;	/* 0 for code that goes to 32-bit mode */
	unsigned int flags;
	unsigned int vector;
	unsigned int alt_vector; /* CPU-dependent alternative (0 = none) */
	uint64_t error;		/* expected error code, or ANY */
	const uint64_t *at;	/* expected ip offset */
	unsigned int trap_len;	/* the primary vector is a trap after an
				 * instruction of this length at "at" */
};

static int is_intel(void)
{
	unsigned int a, b, c, d;

	__cpuid(0, a, b, c, d);
	return b == 0x756e6547;	/* "Genu" */
}

static void check_case(const struct fault_case *fc)
{
	struct snip_run r;
	const struct cos_fault *f = &r.run.fault;
	uint64_t want_ip = 0;
	int pass;

	snip_run(fc->code, fc->len, fc->slot, fc->flags, 2000000000ull,
		 NULL, NULL, &r);
	want_ip = r.bare.code + *fc->at;
	if (r.err || r.run.exit_reason != COS_EXIT_FAULT) {
		tap_ok(0, "%s: expected a fault exit, got %s%s%s (status %llu)",
		       fc->name, r.err ? "error " : "",
		       r.err ? strerror(-r.err) : cos_exit_name(r.run.exit_reason),
		       "", (unsigned long long)r.run.exit.status);
		return;
	}
	if (f->vector == fc->vector)
		want_ip += fc->trap_len;
	pass = f->vector == fc->vector ||
	       (fc->alt_vector && f->vector == fc->alt_vector);
	/* An IDT index in an error code is vector * 8 + 2; QEMU's TCG
	 * reports vector * 16 + 2 in long mode: accept that encoding too. */
	if (fc->error != ANY && f->vector == fc->vector)
		pass &= f->error_code == fc->error ||
			(fc->error & 2 && f->error_code == ((fc->error >> 3) << 4 | 2));
	if (f->vector == COS_VEC_SYSENTER)
		pass &= f->ip == 0;	/* sysenter saves no ip */
	else
		pass &= f->ip == want_ip;
	tap_ok(pass, "%s: vector %u (%s) error %#llx ip %#llx (want %#llx) address %#llx",
	       fc->name, f->vector, cos_vector_name(f->vector),
	       (unsigned long long)f->error_code, (unsigned long long)f->ip,
	       (unsigned long long)want_ip, (unsigned long long)f->address);
}

/* #PF cases check the address against what the snippet touched. */
static void check_pf(const char *name, const void *code, size_t len,
		     const uint64_t *at, int64_t addr_from_code, int abs_addr,
		     uint64_t addr_abs, uint64_t error)
{
	struct snip_run r;
	const struct cos_fault *f = &r.run.fault;
	uint64_t want_addr;

	snip_run(code, len, 1, 0, 2000000000ull, NULL, NULL, &r);
	want_addr = abs_addr ? addr_abs : r.bare.code + addr_from_code;
	if (r.err || r.run.exit_reason != COS_EXIT_FAULT) {
		tap_ok(0, "%s: expected a fault exit, got %s", name,
		       r.err ? strerror(-r.err) : cos_exit_name(r.run.exit_reason));
		return;
	}
	tap_ok(f->vector == 14 && f->address == want_addr &&
	       f->error_code == error &&
	       (!at || f->ip == r.bare.code + *at),
	       "%s: vector %u address %#llx (want %#llx) error %#llx (want %#llx) ip %#llx",
	       name, f->vector, (unsigned long long)f->address,
	       (unsigned long long)want_addr, (unsigned long long)f->error_code,
	       (unsigned long long)error, (unsigned long long)f->ip);
}

static void check_optional(const char *name, const void *code, size_t len,
			   unsigned int flags, unsigned int vector, uint64_t at)
{
	struct snip_run r;

	snip_run(code, len, 1, flags, 2000000000ull, NULL, NULL, &r);
	if (!r.err && r.run.exit_reason == COS_EXIT_EXIT && r.run.exit.status == 99)
		tap_skip(name, "this CPU (or emulator) does not raise it");
	else
		tap_ok(!r.err && r.run.exit_reason == COS_EXIT_FAULT &&
		       r.run.fault.vector == vector &&
		       r.run.fault.ip == r.bare.code + at,
		       "%s: vector %u ip %#llx (want %#llx)", name,
		       r.run.fault.vector, (unsigned long long)r.run.fault.ip,
		       (unsigned long long)(r.bare.code + at));
}

int main(void)
{
	int intel = is_intel();
	const struct fault_case cases[] = {
		{ "#DE divide error", SNIP(f_de), 1, 0, 0, 0, 0, &f_de_at_off, 0 },
		{ "#DB single step (TF)", SNIP(f_db_tf), 1, 0, 1, 0, ANY, &f_db_tf_at_off, 0 },
		/* QEMU's TCG decodes icebp as #UD */
		{ "#DB int1/icebp", SNIP(f_db_icebp), 1, 0, 1, 6, ANY, &f_db_icebp_at_off, 1 },
		{ "#BP int3", SNIP(f_bp), 1, 0, 3, 0, 0, &f_bp_at_off, 0 },
		{ "#OF into (32-bit code)", SNIP(f_of32), 0, 0, 4, 0, 0, &f_of32_at_off, 0 },
		{ "#UD into in 64-bit mode", SNIP(f_into64), 1, 0, 6, 0, 0, &f_into64_at_off, 0 },
		{ "#BR bound (32-bit code)", SNIP(f_br32), 0, 0, 5, 0, 0, &f_br32_at_off, 0 },
		{ "#UD ud2", SNIP(f_ud), 1, 0, 6, 0, 0, &f_ud_at_off, 0 },
		{ "#NM SSE without an FPU state", SNIP(f_nm), 1, 0, 7, 0, 0, &f_nm_at_off, 0 },
		{ "#GP hlt", SNIP(f_gp_hlt), 1, 0, 13, 0, 0, &f_gp_hlt_at_off, 0 },
		{ "#GP cli", SNIP(f_gp_cli), 1, 0, 13, 0, 0, &f_gp_cli_at_off, 0 },
		{ "#GP int $0x21 (DPL 0 gate)", SNIP(f_gp_int21), 1, 0, 13, 0, 0x21 * 8 + 2, &f_gp_int21_at_off, 0 },
		{ "#GP int $0xff (DPL 0 gate)", SNIP(f_gp_intff), 1, 0, 13, 0, 0xff * 8 + 2, &f_gp_intff_at_off, 0 },
		{ "#GP mov from %cr0", SNIP(f_gp_cr0), 1, 0, 13, 0, 0, &f_gp_cr0_at_off, 0 },
		{ "#GP non-canonical load", SNIP(f_gp_noncanon), 1, 0, 13, 0, 0, &f_gp_noncanon_at_off, 0 },
		{ "#SS non-canonical stack", SNIP(f_ss), 1, 0, 12, 13, 0, &f_ss_at_off, 0 },
		{ "#MF x87 invalid operation (FPU thread)", SNIP(f_mf), 1, COS_THD_FPU, 16, 0, 0, &f_mf_at_off, 0 },
		{ "escape: syscall getpid", SNIP(e_getpid), 1, 0, COS_VEC_SYSCALL, 0, 39, &e_getpid_at_off, 0 },
		{ "escape: syscall exit_group", SNIP(e_exit_group), 1, 0, COS_VEC_SYSCALL, 0, 231, &e_exit_group_at_off, 0 },
		{ "escape: int $0x80", SNIP(e_int80), 1, 0, 0x80, 0, 0, &e_int80_at_off, 0 },
		/*
		 * Whether the CPU executes these or raises #UD depends on
		 * the vendor and mode (Intel: no syscall in 32-bit code; AMD:
		 * no sysenter in long mode; QEMU mixes the two). Either way
		 * it must end in the module: the escape vector, or #UD.
		 */
		{ "escape: sysenter", SNIP(e_sysenter), 1, 0,
		  COS_VEC_SYSENTER, 6, ANY, &e_sysenter_at_off, 0 },
		{ "escape: sysenter with TF set", SNIP(e_sysenter_tf), 1, 0,
		  COS_VEC_SYSENTER, 6, ANY, &e_sysenter_tf_at_off, 0 },
		{ "escape: 32-bit code, syscall", SNIP(e_syscall32), 0, 0,
		  COS_VEC_SYSCALL32, 6, ANY, &e_syscall32_at_off, 0 },
		{ "escape: 32-bit code, int $0x80", SNIP(e_int80_32), 0, 0, 0x80, 0, 0, &e_int80_32_at_off, 0 },
		{ "escape: 32-bit code, sysenter", SNIP(e_sysenter32), 0, 0,
		  COS_VEC_SYSENTER, 6, ANY, &e_sysenter32_at_off, 0 },
		{ "escape: 32-bit code, sysenter with TF set", SNIP(e_sysenter32_tf), 0, 0,
		  COS_VEC_SYSENTER, 6, ANY, &e_sysenter32_tf_at_off, 0 },
	};
	unsigned int i, n = sizeof(cases) / sizeof(cases[0]);
	struct snip_run r;

	tap_plan(n + 8);
	tap_diag("CPU vendor: %s", intel ? "Intel" : "not Intel");
	for (i = 0; i < n; i++)
		check_case(&cases[i]);

	check_pf("#PF read of an unmapped guard page", SNIP(f_pf_read),
		 &f_pf_read_at_off, -0x1000, 0, 0, 0x4);
	check_pf("#PF write to read+execute code", SNIP(f_pf_write),
		 &f_pf_write_at_off, 0, 0, 0, 0x7);
	check_pf("#PF read of kernel memory", SNIP(f_pf_kernel),
		 &f_pf_kernel_at_off, 0, 1, 0xfffffe0000000000ull, 0x5);

	/* Executing the stack: fetch from a present, no-execute page. */
	snip_run(SNIP(f_pf_exec), 1, 0, 2000000000ull, NULL, NULL, &r);
	tap_ok(!r.err && r.run.exit_reason == COS_EXIT_FAULT &&
	       r.run.fault.vector == 14 && r.run.fault.error_code == 0x15 &&
	       r.run.fault.address == r.run.fault.ip &&
	       r.run.fault.address >= r.bare.stack_top - 4096 &&
	       r.run.fault.address < r.bare.stack_top,
	       "#PF instruction fetch from the no-execute stack: error %#llx at %#llx",
	       (unsigned long long)r.run.fault.error_code,
	       (unsigned long long)r.run.fault.address);

	/*
	 * #AC and #XM need a CPU that raises them: QEMU's TCG neither checks
	 * alignment nor traps unmasked SSE exceptions. If the instruction
	 * just completes (exit 99), skip; any other outcome is judged.
	 */
	check_optional("#AC alignment check (AC=1, misaligned load)",
		       SNIP(f_ac), 0, 17, f_ac_at_off);
	check_optional("#XM SSE divide by zero (FPU thread)", SNIP(f_xm),
		       COS_THD_FPU, 19, f_xm_at_off);

	/* A runaway loop ends when its budget is used up. */
	snip_run(SNIP(spin), 1, 0, 200000000ull, NULL, NULL, &r);
	tap_ok(!r.err && r.run.exit_reason == COS_EXIT_BUDGET &&
	       r.run.run_ns >= 200000000ull && r.run.run_ns < 5000000000ull,
	       "runaway loop stopped by a 200 ms budget after %.1f ms",
	       r.run.run_ns / 1e6);

	/* After all that, the system still runs components fine. */
	snip_run(SNIP(e_getpid), 1, 0, 0, NULL, NULL, &r);
	tap_ok(!r.err && r.run.exit_reason == COS_EXIT_FAULT,
	       "the module still works after every fault");
	return tap_exit();
}
