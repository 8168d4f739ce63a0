// SPDX-License-Identifier: GPL-2.0
/*
 * cos_inv - invocations between components in separate protection domains
 * on a migrating thread: ping-pong across 2, 3 and 10 components, argument
 * and return fidelity, the caller's id, recursion and the depth limit,
 * capabilities not held or forged, jumps into another PD, a faulting server
 * unwound to its client, a stray return, a system of 100 components, and
 * no user CPU state (GS/FS base, PKRU, x87/SSE/AVX) crossing a PD either
 * way on the fast path and (FPU threads) the slow path.
 */
#include <sched.h>
#include "harness.h"

COS_SNIPPET(inv_echo); COS_SNIPPET(inv_args); COS_SNIPPET(inv_chain);
COS_SNIPPET(inv_loop); COS_SNIPPET(inv_star); COS_SNIPPET(inv_rec);
COS_SNIPPET(inv_badcap); COS_SNIPPET(inv_jump); COS_SNIPPET(inv_faulty);
COS_SNIPPET(inv_survive); COS_SNIPPET(inv_stray_return); COS_SNIPPET(inv_captbl);
COS_SNIPPET(cpu_client); COS_SNIPPET(cpu_server); COS_SNIPPET(inv_hfault);
extern const uint64_t inv_rec_serve_off, inv_faulty_at_off, inv_stray_return_at_off;
extern const uint64_t inv_captbl_at_off, inv_hfault_handler_off, inv_hfault_at_off;

struct sys {
	int fd;
	struct cos_bare c[128];
	int n;
};

/* Component n of @s in slot n + 1; with a thread if @thread. */
static int add(struct sys *s, const void *code, size_t len, int thread)
{
	struct cos_bare_opts o = { .slot = s->n + 1 };
	int err = thread ? cos_bare_load(s->fd, code, len, &o, &s->c[s->n]) :
			   cos_bare_load_comp(s->fd, code, len, &o, &s->c[s->n]);

	if (err) {
		tap_diag("loading component %d: %s", s->n, strerror(-err));
		return -1;
	}
	return s->n++;
}

static int cap(struct sys *s, int client, int server, uint64_t entry_off)
{
	int id = cos_cap_create(s->fd, s->c[client].comp, s->c[server].comp,
				s->c[server].code + entry_off);

	if (id < 0)
		tap_diag("capability %d -> %d: %s", client, server, strerror(-id));
	return id;
}

/* Run component 0's thread until it stops for a reason other than PRINT. */
static int run0(struct sys *s, struct cos_run *r)
{
	int err;

	do {
		memset(r, 0, sizeof(*r));
		r->thd = s->c[0].thd;
		r->budget_ns = 5000000000ull;
		err = cos_run(s->fd, r);
	} while (!err && r->exit_reason == COS_EXIT_PRINT);
	return err;
}

static void sys_open(struct sys *s)
{
	memset(s, 0, sizeof(*s));
	s->fd = must_open();
}

static int set_regs0(struct sys *s, uint64_t r12, uint64_t r13, uint64_t r14,
		     uint64_t r15)
{
	struct cos_regs regs;

	if (cos_thd_get_regs(s->fd, s->c[0].thd, &regs))
		return -1;
	regs.r12 = r12;
	regs.r13 = r13;
	regs.r14 = r14;
	regs.r15 = r15;
	return cos_thd_set_regs(s->fd, s->c[0].thd, &regs);
}

static int exited(const struct cos_run *r, uint64_t status)
{
	return r->exit_reason == COS_EXIT_EXIT && r->exit.status == status;
}

static void test_chain(int n, uint64_t iters)
{
	struct sys s;
	struct cos_run r;
	int i, ok = 1;

	sys_open(&s);
	ok &= add(&s, SNIP(inv_loop), 1) == 0;
	for (i = 1; i < n; i++)
		ok &= add(&s, SNIP(inv_chain), 0) == i;
	for (i = 0; ok && i < n - 1; i++)
		ok &= cap(&s, i, i + 1, 0) == 0;
	/* the last server answers (a0 + n - 2, depth n - 1) */
	ok = ok && !set_regs0(&s, iters, n - 2, n - 1, 0) && !run0(&s, &r);
	tap_ok(ok && exited(&r, 0),
	       "ping-pong across %d components, %llu round trips (status %llu)",
	       n, (unsigned long long)iters, (unsigned long long)r.exit.status);
	if (n == 2) {	/* the edge statistics saw every one */
		struct cos_edge e[4];
		int k = cos_edges(s.fd, e, 4, 1), k2;
		uint64_t first = k == 1 ? e[0].invocations : 0;

		k2 = cos_edges(s.fd, e, 4, 0);
		tap_ok(k == 1 && first == iters && k2 == 1 && e[0].invocations == 0 &&
		       e[0].client == s.c[0].comp && e[0].server == s.c[1].comp,
		       "edge statistics: %llu invocations counted, zero after a reset read",
		       (unsigned long long)first);
	}
	close(s.fd);
}

static void test_args(void)
{
	static const uint64_t vals[][4] = {
		{ 0, 0, 0, 0 },
		{ ~0ull, ~0ull, ~0ull, ~0ull },
		{ 1ull << 63, 1, (1ull << 63) - 1, 0x8000000000000001ull },
		{ 0x0123456789abcdefull, 0xfedcba9876543210ull, 42, 7 },
	};
	unsigned int i, good = 0;

	for (i = 0; i < 4; i++) {
		const uint64_t *a = vals[i];
		struct cos_regs regs;
		struct cos_run r;
		struct sys s;
		uint64_t want0 = a[0] + 3 * a[1] + 5 * a[2] + 7 * a[3];

		sys_open(&s);
		if (add(&s, SNIP(inv_args), 1) || add(&s, SNIP(inv_echo), 0) != 1 ||
		    cap(&s, 0, 1, 0) || set_regs0(&s, a[0], a[1], a[2], a[3]) ||
		    run0(&s, &r) || cos_thd_get_regs(s.fd, s.c[0].thd, &regs)) {
			close(s.fd);
			continue;
		}
		if (exited(&r, 0) && regs.rbx == want0 &&
		    regs.rbp == ((1ull << 32) | s.c[0].comp) &&
		    regs.r12 == a[0] && regs.r13 == a[1] && regs.r14 == a[2] &&
		    regs.r15 == a[3])
			good++;
		else
			tap_diag("args set %u: ret0 %#llx (want %#llx) ret1 %#llx",
				 i, (unsigned long long)regs.rbx,
				 (unsigned long long)want0,
				 (unsigned long long)regs.rbp);
		close(s.fd);
	}
	tap_ok(good == 4, "four arguments and two return words exact over edge values, caller id and depth right, callee-saved registers kept (%u/4)",
	       good);
}

static void test_recursion(uint64_t n, int64_t want0, uint64_t want1,
			   const char *what)
{
	struct cos_regs regs = { 0 };
	struct cos_run r;
	struct sys s;
	int ok;

	sys_open(&s);
	ok = !add(&s, SNIP(inv_rec), 1) && add(&s, SNIP(inv_rec), 0) == 1 &&
	     !cap(&s, 0, 1, inv_rec_serve_off) &&
	     !cap(&s, 1, 0, inv_rec_serve_off) &&
	     !set_regs0(&s, n, 0, 0, 0) && !run0(&s, &r) &&
	     !cos_thd_get_regs(s.fd, s.c[0].thd, &regs);
	tap_ok(ok && exited(&r, 0) && (int64_t)regs.rbx == want0 &&
	       (want0 < 0 || regs.rbp == want1),
	       "%s: answer %lld depth %llu", what, (long long)regs.rbx,
	       (unsigned long long)regs.rbp);
	close(s.fd);
}

static void test_badcap(uint64_t id, const char *what)
{
	struct cos_run r;
	struct sys s;
	int ok;

	sys_open(&s);
	ok = !add(&s, SNIP(inv_badcap), 1) && add(&s, SNIP(inv_echo), 0) == 1 &&
	     !cap(&s, 0, 1, 0) && !set_regs0(&s, id, 0, 0, 0) && !run0(&s, &r);
	tap_ok(ok && exited(&r, (uint64_t)-COS_ERR_NOCAP),
	       "%s: COS_ERR_NOCAP, no switch (status %llu)", what,
	       (unsigned long long)r.exit.status);
	close(s.fd);
}

static void test_jump(void)
{
	struct cos_run r;
	struct sys s;
	int ok;

	sys_open(&s);
	ok = !add(&s, SNIP(inv_jump), 1) && add(&s, SNIP(inv_echo), 0) == 1 &&
	     !cap(&s, 0, 1, 0) && !set_regs0(&s, s.c[1].code, 0, 0, 0) &&
	     !run0(&s, &r);
	tap_ok(ok && r.exit_reason == COS_EXIT_FAULT && r.fault.vector == 14 &&
	       r.fault.address == s.c[1].code && r.fault.comp == s.c[0].comp &&
	       r.fault.depth == 0 && !(r.fault.fault_flags & COS_FAULT_UNWOUND),
	       "jump into another PD's code: #PF at %#llx in the jumper",
	       (unsigned long long)r.fault.address);
	close(s.fd);
}

static void test_server_fault(void)
{
	struct cos_run r, r2;
	struct sys s;
	int ok;

	sys_open(&s);
	ok = !add(&s, SNIP(inv_survive), 1) && add(&s, SNIP(inv_faulty), 0) == 1 &&
	     add(&s, SNIP(inv_echo), 0) == 2 && !cap(&s, 0, 1, 0) &&
	     cap(&s, 0, 2, 0) == 1 && !run0(&s, &r);
	tap_ok(ok && r.exit_reason == COS_EXIT_FAULT && r.fault.vector == 6 &&
	       r.fault.comp == s.c[1].comp && r.fault.depth == 1 &&
	       r.fault.ip == s.c[1].code + inv_faulty_at_off &&
	       (r.fault.fault_flags & COS_FAULT_UNWOUND),
	       "server fault reported: #UD in component %u at depth %u, unwound",
	       r.fault.comp, r.fault.depth);
	ok = ok && !run0(&s, &r2);
	tap_ok(ok && exited(&r2, 0),
	       "the client got COS_ERR_FAULT and its next invocation works (status %llu)",
	       (unsigned long long)r2.exit.status);
	close(s.fd);
}

/*
 * Fault handlers that invoke: A -> B1, whose entry faults; B1's handler
 * invokes B2, whose entry faults too, ... Bn's handler holds no
 * capability and returns 77; then each handler from B(n-1) down to B1
 * faults, and a fault in a handler must unwind (its caller gets
 * COS_ERR_FAULT), however many handlers ran and returned above it. The
 * host RUNs at most 4n + 8 times: a handler restarted forever fails.
 */
static void test_nested_handlers(int n)
{
	struct cos_run r;
	struct sys s;
	int i, ok, runs, handled = 0, unwound = 0, order = 1, err = 0;

	sys_open(&s);
	ok = !add(&s, SNIP(inv_badcap), 1);
	for (i = 1; ok && i <= n; i++) {
		struct cos_fault_handler h = { 0 };

		ok &= add(&s, SNIP(inv_hfault), 0) == i && !cap(&s, i - 1, i, 0);
		h.comp = s.c[i].comp;
		h.entry = s.c[i].code + inv_hfault_handler_off;
		ok &= ok && !ioc(s.fd, COS_FAULT_HANDLER, &h);
	}
	ok = ok && !set_regs0(&s, 0, 0, 0, 0);
	for (runs = 0; ok && runs < 4 * n + 8; runs++) {
		memset(&r, 0, sizeof(r));
		r.thd = s.c[0].thd;
		r.budget_ns = 2000000000ull;
		err = cos_run(s.fd, &r);
		if (err || r.exit_reason != COS_EXIT_FAULT)
			break;
		if (r.fault.fault_flags & COS_FAULT_HANDLED) {
			/* B1 .. Bn, each at its entry, at depth 1 .. n */
			order &= !unwound && r.fault.depth == (unsigned int)handled + 1 &&
				 r.fault.ip == s.c[handled + 1].code;
			handled++;
		} else if (r.fault.fault_flags & COS_FAULT_UNWOUND) {
			/* then the handlers of B(n-1) .. B1 */
			order &= handled == n && r.fault.depth == (unsigned int)(n - 1 - unwound) &&
				 r.fault.ip == s.c[n - 1 - unwound].code + inv_hfault_at_off;
			unwound++;
		} else {
			break;
		}
	}
	tap_ok(ok && !err && exited(&r, (uint64_t)-COS_ERR_FAULT) && order &&
	       handled == n && unwound == n - 1,
	       "nested fault handlers, %d deep: %d handled, %d faults in handlers unwound, "
	       "the client gets COS_ERR_FAULT after %d RUNs (status %lld)",
	       n, handled, unwound, runs, (long long)r.exit.status);
	close(s.fd);
}

static void test_stray_return(void)
{
	struct cos_run r;
	struct sys s;
	int ok;

	sys_open(&s);
	ok = !add(&s, SNIP(inv_stray_return), 1) && !run0(&s, &r);
	tap_ok(ok && r.exit_reason == COS_EXIT_FAULT &&
	       r.fault.vector == COS_VEC_SYSCALL &&
	       r.fault.error_code == COS_OP_RETURN &&
	       r.fault.ip == s.c[0].code + inv_stray_return_at_off + 5,
	       "return with an empty invocation stack is a fault");
	close(s.fd);
}

static void test_captbl(void)
{
	struct cos_run r;
	struct sys s;
	uint64_t stub;
	int ok;

	sys_open(&s);
	ok = !add(&s, SNIP(inv_captbl), 1) && add(&s, SNIP(inv_echo), 0) == 1 &&
	     !cap(&s, 0, 1, 0);
	stub = s.c[0].code + 8;	/* any address in the client's slot */
	ok = ok && cos_cap_create_fn(s.fd, s.c[0].comp, s.c[1].comp, s.c[1].code,
				     stub, 0) == 1 &&
	     cos_cap_create_fn(s.fd, s.c[0].comp, s.c[1].comp, s.c[1].code,
			       s.c[1].code, 0) == -EINVAL &&
	     cos_cap_create_fn(s.fd, s.c[0].comp, s.c[1].comp, s.c[1].code,
			       stub, s.c[0].code) == -EINVAL &&
	     cos_cap_create_fn(s.fd, s.c[0].comp, s.c[1].comp, s.c[1].code,
			       0, s.c[1].code) == -EINVAL &&
	     !set_regs0(&s, stub, COS_UCAP_WORD(1, s.c[0].comp), 0, 0) &&
	     !run0(&s, &r);
	tap_ok(ok && r.exit_reason == COS_EXIT_FAULT && r.fault.vector == 14 &&
	       r.fault.error_code == 7 &&
	       r.fault.address == s.c[0].base + COS_CAPTBL_REGION + 16 &&
	       r.fault.ip == s.c[0].code + inv_captbl_at_off,
	       "capability table: kernel-written entries readable, a write faults (%s %u, error %#llx)",
	       cos_exit_name(r.exit_reason), r.fault.vector,
	       (unsigned long long)r.fault.error_code);
	close(s.fd);
}

static void test_hundred(void)
{
	struct cos_run r;
	struct sys s;
	int i, ok;

	sys_open(&s);
	ok = !add(&s, SNIP(inv_star), 1);
	for (i = 1; ok && i < 100; i++)
		ok = add(&s, SNIP(inv_chain), 0) == i && cap(&s, 0, i, 0) == i - 1;
	ok = ok && !set_regs0(&s, 99, 0, 0, 0) && !run0(&s, &r);
	tap_ok(ok && exited(&r, 0),
	       "a system of 100 components: the client invokes each of 99 servers (status %llu)",
	       (unsigned long long)r.exit.status);
	close(s.fd);
}

/*
 * cpu_client sets its own GS and FS base, PKRU and FPU registers and
 * invokes cpu_server three times (snippets.S); the server must see only
 * the kernel's state (GS base: the counter area of the CPU, FS base 0,
 * PKRU 0, FPU init state) and its garbage must not come back. A thread
 * without COS_THD_FPU takes the fast path, an FPU thread the slow path.
 */
static void test_cpu_state(int fpu)
{
	struct cos_version v;
	struct cos_bare_opts o = { .slot = 1, .thd_flags = fpu ? COS_THD_FPU : 0 };
	struct cos_regs regs;
	struct cos_run r;
	struct sys s;
	uint64_t flags = 0, area;
	cpu_set_t cpus;
	int ok;

	sys_open(&s);
	cos_get_version(s.fd, &v);
	if (!(v.features & COS_FEAT_FSGSBASE)) {
		tap_skip(fpu ? "CPU state across PDs, FPU thread" : "CPU state across PDs",
			 "no FSGSBASE");
		close(s.fd);
		return;
	}
	if (v.features & COS_FEAT_PKU)
		flags |= 1;
	if (fpu) {
		flags |= 2;
		if (__builtin_cpu_supports("avx"))
			flags |= 4;
	}
	/* One CPU: the GS base is the counter area of CPU 0. */
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
	area = ((uint64_t)(256 - COS_CNT_SLOT_FROM_TOP) << v.slot_shift) +
	       COS_CNT_OFFSET;
	ok = !cos_bare_load(s.fd, SNIP(cpu_client), &o, &s.c[0]);
	s.n = ok;
	ok = ok && add(&s, SNIP(cpu_server), 0) == 1 && cap(&s, 0, 1, 0) == 0 &&
	     !set_regs0(&s, flags, 0, 0, 0) && !run0(&s, &r) &&
	     !cos_thd_get_regs(s.fd, s.c[0].thd, &regs);
	tap_ok(ok && exited(&r, 0) && regs.rbx == area && regs.rbp == 0 &&
	       regs.r12 == 0 && regs.r13 == 0 && regs.r14 == 0 && regs.r15 == 0,
	       "%s (%s%s%s): server saw GS %#llx (want %#llx) FS %#llx PKRU %#llx XMM0 %#llx FSW %#llx YMM0hi %#llx, all 0 but GS; client's own came back (status %llu, want 0)",
	       fpu ? "FPU thread, slow path" : "fast path",
	       flags & 1 ? "PKRU" : "no PKU", flags & 2 ? ", x87/SSE" : "",
	       flags & 4 ? ", AVX" : "",
	       (unsigned long long)regs.rbx, (unsigned long long)area,
	       (unsigned long long)regs.rbp, (unsigned long long)regs.r12,
	       (unsigned long long)regs.r13, (unsigned long long)regs.r14,
	       (unsigned long long)regs.r15, (unsigned long long)r.exit.status);
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	CPU_SET(1, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
	close(s.fd);
}

int main(void)
{
	tap_plan(20);
	test_chain(2, 20000);
	test_chain(3, 5000);
	test_chain(10, 1000);
	test_args();
	test_recursion(5, 5, 6, "recursion A->B->A->... 5 deep");
	test_recursion(100, COS_ERR_DEPTH, 0, "recursion 100 deep hits the depth limit with COS_ERR_DEPTH");
	test_badcap(7, "capability not held");
	test_badcap(0xdeadbeefcafeull, "forged capability id");
	test_jump();
	test_server_fault();
	test_nested_handlers(2);
	test_nested_handlers(5);
	test_stray_return();
	test_hundred();
	test_captbl();
	test_cpu_state(0);
	test_cpu_state(1);
	tap_ok(stat_of("systems") == 0 && stat_of("pages") == 0 &&
	       stat_of("threads") == 0, "nothing left allocated");
	return tap_exit();
}
