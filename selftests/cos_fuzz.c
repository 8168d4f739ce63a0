// SPDX-License-Identifier: GPL-2.0
/*
 * cos_fuzz - random ioctls with random arguments, and components made of
 * random bytes run with a short budget: every call must end in a known
 * errno or exit reason, nothing may leak, and the kernel log must stay
 * clean (the guest harness checks that). Seed and iterations from argv.
 */
#include <sys/ioctl.h>
#include "harness.h"

COS_SNIPPET(fuzz_inv);

static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static uint64_t pick(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static int known_errno(int e)
{
	switch (-e) {
	case 0: case EINVAL: case ENOENT: case EEXIST: case ENOSPC:
	case EBUSY: case EFAULT: case ENOTTY: case ENOMEM:
		return 1;
	}
	return 0;
}

#define MAX_IDS 8

struct state {
	int fd;
	uint64_t base[MAX_IDS];		/* slot base per component id */
	int have[MAX_IDS];
};

static uint64_t rand_addr(struct state *s, unsigned int slot_shift)
{
	unsigned int c = pick(MAX_IDS);

	switch (pick(4)) {
	case 0:
		return rnd();
	case 1:
		return (uint64_t)pick(257) << slot_shift;
	default:
		return (s->have[c] ? s->base[c] : 1ull << slot_shift) +
		       COS_BARE_CODE + (pick(2) ? 0 : pick(16) * 4096) +
		       (pick(8) ? 0 : pick(4096));
	}
}

int main(int argc, char **argv)
{
	uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 0x5eed;
	long iters = argc > 2 ? strtol(argv[2], NULL, 0) : 50000, i;
	long calls = 0, runs = 0, faults = 0, exits = 0, bad_errno = 0;
	static unsigned char junk[8 * 4096];
	struct state s = { 0 };
	struct cos_version v;
	int reasons_ok = 1;

	rng_state = seed | 1;
	tap_plan(3);
	tap_diag("seed %#llx, %ld iterations", (unsigned long long)seed, iters);
	for (i = 0; i < (long)sizeof(junk); i++)
		junk[i] = rnd();
	s.fd = must_open();
	cos_get_version(s.fd, &v);

	for (i = 0; i < iters; i++) {
		int e = 0;

		switch (pick(13)) {
		case 12: {
			unsigned int srv = pick(MAX_IDS);
			struct cos_cap_create c = { .client = pick(MAX_IDS), .server = srv,
						    .entry = pick(2) && s.have[srv] ?
							     s.base[srv] + COS_BARE_CODE :
							     rand_addr(&s, v.slot_shift),
						    .pad = pick(32) ? 0 : rnd() };
			e = ioctl(s.fd, COS_CAP_CREATE, &c) < 0 ? -errno : 0;
			break;
		}
		case 0: {
			struct cos_comp_create c = { .slot = pick(8) ? pick(8) : pick(300),
						     .flags = pick(16) ? 0 : rnd() };
			e = ioctl(s.fd, COS_COMP_CREATE, &c) < 0 ? -errno : 0;
			if (!e && c.id < MAX_IDS) {
				s.have[c.id] = 1;
				s.base[c.id] = c.base;
			}
			break;
		}
		case 1: case 2: case 3: {
			struct cos_mem_map m = {
				.comp = pick(MAX_IDS), .prot = pick(8) | (pick(16) ? 0 : rnd()),
				.addr = rand_addr(&s, v.slot_shift),
				.len = pick(10) ? (1 + pick(8)) * 4096 : rnd(),
			};
			m.src = pick(6) ? (uintptr_t)junk : pick(2) ? 0 : rnd();
			m.src_len = pick(4) ? m.len : pick(sizeof(junk));
			if (m.src == (uintptr_t)junk && m.src_len > sizeof(junk))
				m.src_len = sizeof(junk);
			if (pick(2)) {	/* the invocation fuzzer as code */
				m.src = (uintptr_t)cos_snippet_start(fuzz_inv);
				m.src_len = cos_snippet_len(fuzz_inv);
				m.prot = COS_PROT_READ | COS_PROT_EXEC;
			}
			e = ioctl(s.fd, COS_MEM_MAP, &m) < 0 ? -errno : 0;
			break;
		}
		case 4: {
			struct cos_thd_create t = { .comp = pick(MAX_IDS),
						    .flags = pick(3) == 0 ? COS_THD_FPU : pick(16) ? 0 : rnd() };
			t.regs.rip = pick(2) && s.have[t.comp] ?
				     s.base[t.comp] + COS_BARE_CODE :
				     rand_addr(&s, v.slot_shift);
			t.regs.rsp = rand_addr(&s, v.slot_shift) + pick(3) * 0x100000;
			t.regs.rflags = rnd();
			t.regs.rax = pick(6);
			t.regs.rdi = pick(4);	/* a capability id, for invoke */
			t.regs.r12 = rnd() | 1;	/* fuzz_inv: seed and count */
			t.regs.r13 = 100 + pick(2000);
			t.regs.fs_base = pick(4) ? 0 : rnd();
			e = ioctl(s.fd, COS_THD_CREATE, &t) < 0 ? -errno : 0;
			break;
		}
		case 5: case 6: case 7: case 8: {
			struct cos_run r = { .thd = pick(MAX_IDS),
					     .budget_ns = 200000 + pick(2000000),
					     .flags = pick(32) ? 0 : rnd() };
			e = ioctl(s.fd, COS_RUN, &r) < 0 ? -errno : 0;
			if (!e) {
				runs++;
				faults += r.exit_reason == COS_EXIT_FAULT;
				exits += r.exit_reason == COS_EXIT_EXIT;
				if (r.exit_reason < COS_EXIT_EXIT ||
				    r.exit_reason > COS_EXIT_PRINT ||
				    r.exit_reason == COS_EXIT_SIGNAL)
					reasons_ok = 0;
			}
			break;
		}
		case 9: {
			struct cos_thd_regs tr = { .thd = pick(MAX_IDS) };
			int set = pick(2);

			if (set)
				for (unsigned int k = 0; k < sizeof(tr.regs) / 8; k++)
					((uint64_t *)&tr.regs)[k] = pick(2) ? rnd() :
						rand_addr(&s, v.slot_shift);
			e = ioctl(s.fd, set ? COS_THD_SET_REGS : COS_THD_GET_REGS,
				  &tr) < 0 ? -errno : 0;
			break;
		}
		case 10: {	/* nonsense commands and pointers */
			unsigned long cmd = pick(2) ? _IOC(pick(4), COS_IOC_MAGIC, pick(64), pick(512)) : rnd();

			e = ioctl(s.fd, cmd, pick(2) ? (void *)junk : (void *)rnd()) < 0 ? -errno : 0;
			if (e == -EINVAL || e == -EFAULT || e == -ENOTTY || e == -ENOENT ||
			    e == -EEXIST || e == -ENOSPC || e == -EBUSY)
				e = 0;
			break;
		}
		case 11:
			if (pick(8) == 0) {	/* tear down with everything in it */
				close(s.fd);
				memset(&s, 0, sizeof(s));
				s.fd = must_open();
			}
			break;
		}
		calls++;
		if (!known_errno(e)) {
			bad_errno++;
			tap_diag("iteration %ld: unexpected errno %d (%s)", i, -e,
				 strerror(-e));
		}
	}
	close(s.fd);
	tap_ok(bad_errno == 0, "%ld random calls, every error a documented errno", calls);
	tap_ok(reasons_ok && runs > 0 && exits > 0,
	       "%ld runs of random components (%ld contained faults, %ld clean exits), every exit a known reason",
	       runs, faults, exits);
	usleep(50000);
	tap_ok(stat_of("systems") == 0 && stat_of("threads") == 0 &&
	       stat_of("pages") == 0, "nothing left allocated");
	return tap_exit();
}
