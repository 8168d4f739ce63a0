// SPDX-License-Identifier: GPL-2.0
/*
 * cos_bench_lb - the lower-bound benchmark's machinery is out of reach of
 * a normal system: without the module parameter bench=1 a COS_THD_BENCH_LB
 * thread is refused (EPERM) and COS_OP_BENCH_LB is an unknown op (a
 * fault); with it, the op works only for such a thread at depth 0 (inside
 * an invocation it is a fault, unwound to the caller), and the system
 * refuses MPD operations (EBUSY), so the PDs it swaps between stay valid.
 * The guest suite runs it once with each setting of the parameter.
 */
#include "harness.h"

COS_SNIPPET(lb_self); COS_SNIPPET(lb_client); COS_SNIPPET(lb_server);

static int bench_param(void)
{
	FILE *f = fopen("/sys/module/cos/parameters/bench", "r");
	int c = f ? fgetc(f) : 'N';

	if (f)
		fclose(f);
	return c == 'Y';
}

/* RUN @thd until it exits or faults at depth 0 (FAULT exits of an
 * unwound invocation are run on). */
static int run_thd(int fd, unsigned int thd, struct cos_run *r)
{
	int err, n = 0;

	do {
		memset(r, 0, sizeof(*r));
		r->thd = thd;
		r->budget_ns = 5000000000ull;
		err = cos_run(fd, r);
	} while (!err && r->exit_reason == COS_EXIT_FAULT &&
		 (r->fault.fault_flags & COS_FAULT_UNWOUND) && ++n < 4);
	return err;
}

static int load_self(int fd, unsigned int flags, struct cos_bare *b)
{
	struct cos_bare_opts o = { .slot = 1, .thd_flags = flags };
	struct cos_regs regs;
	int err = cos_bare_load(fd, SNIP(lb_self), &o, b);

	if (!err)
		err = cos_thd_get_regs(fd, b->thd, &regs);
	if (!err) {
		regs.rbx = 1000;
		err = cos_thd_set_regs(fd, b->thd, &regs);
	}
	return err;
}

int main(void)
{
	int bench = bench_param(), fd, err;
	struct cos_bare_opts so = { .slot = 2 }, co = { .slot = 3 };
	struct cos_bare self, srv, cli;
	struct cos_run r;

	tap_plan(4);
	tap_diag("module parameter bench=%d", bench);

	fd = must_open();
	err = load_self(fd, COS_THD_BENCH_LB, &self);
	if (!bench) {
		EXPECT(err, -EPERM, "COS_THD_BENCH_LB without bench=1");
		close(fd);
		fd = must_open();
		err = load_self(fd, 0, &self) ?: run_thd(fd, self.thd, &r);
		tap_ok(!err && r.exit_reason == COS_EXIT_FAULT &&
		       r.fault.vector == COS_VEC_SYSCALL &&
		       r.fault.error_code == COS_OP_BENCH_LB,
		       "COS_OP_BENCH_LB from a normal thread is an unknown op: fault vector %u op %llu",
		       r.fault.vector, (unsigned long long)r.fault.error_code);
		close(fd);
		tap_skip("COS_OP_BENCH_LB round trips", "needs bench=1");
		tap_skip("MPD refused in a system with a bench thread", "needs bench=1");
		return tap_exit();
	}

	err = err ?: run_thd(fd, self.thd, &r);
	tap_ok(!err && r.exit_reason == COS_EXIT_EXIT && r.exit.status == 0,
	       "COS_OP_BENCH_LB round trips in a bench thread (exit %u status %llu)",
	       r.exit_reason, (unsigned long long)r.exit.status);
	err = cos_bare_load_comp(fd, SNIP(lb_server), &so, &srv);
	EXPECT(err ?: cos_pd(fd, COS_PD_MERGE, self.comp, srv.comp), -EBUSY,
	       "MPD merge in a system with a bench thread");
	err = cos_bare_load(fd, SNIP(lb_client), &co, &cli) ?:
	      cos_cap_create(fd, cli.comp, srv.comp, srv.code);
	err = err < 0 ? err : run_thd(fd, cli.thd, &r);
	tap_ok(!err && r.exit_reason == COS_EXIT_EXIT &&
	       r.exit.status == (uint64_t)(int64_t)COS_ERR_FAULT,
	       "COS_OP_BENCH_LB inside an invocation faults and is unwound (status %lld, want %d)",
	       (long long)r.exit.status, COS_ERR_FAULT);
	tap_ok(1, "the host survived all of it");
	close(fd);
	return tap_exit();
}
