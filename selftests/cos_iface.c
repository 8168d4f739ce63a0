// SPDX-License-Identifier: GPL-2.0
/*
 * cos_iface - components built from C with the runtime, talking through an
 * interface (components/interfaces/calc.h): generated client stubs and
 * server entry stubs with the stack pool, capabilities wired by the
 * loader's symbol patches, a server fault returned to its client, and the
 * server learning who called.
 */
#include <stdio.h>
#include <stdlib.h>
#include "harness.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	*len = ftell(f);
	rewind(f);
	buf = malloc(*len);
	if (buf && fread(buf, 1, *len, f) != *len) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static const char *const fns[] = { "add", "sub", "div", "mix", "whoami" };
#define NFNS 5

int main(void)
{
	size_t slen, clen;
	char *simg = slurp("build/components/calc.elf", &slen);
	char *cimg = slurp("build/components/calcuser.elf", &clen);
	struct cos_elf_patch patches[NFNS];
	char names[NFNS][64], err[256] = "", out[1024] = "";
	struct cos_bare_opts so = { .slot = 2, .name = "calc.elf", .err = err,
				    .errlen = sizeof(err) };
	struct cos_bare_opts co = { .slot = 1, .name = "calcuser.elf",
				    .err = err, .errlen = sizeof(err),
				    .patches = patches, .npatches = NFNS };
	struct cos_bare srv, cli;
	struct cos_elf e;
	struct cos_run run;
	int fd, i, ok = 1, faults = 0, fault_ok = 1;
	uint64_t stub = 0;
	char want[64];

	tap_plan(5);
	if (!simg || !cimg) {
		printf("Bail out! build/components/calc*.elf missing (run make)\n");
		return KSFT_FAIL;
	}
	for (i = 0; i < NFNS; i++) {
		snprintf(names[i], sizeof(names[i]), "__cos_cap_calc_%s", fns[i]);
		patches[i] = (struct cos_elf_patch){ names[i], (uint64_t)i };
	}
	fd = must_open();
	ok &= !cos_bare_load_comp(fd, simg, slen, &so, &srv);
	ok &= !cos_bare_load(fd, cimg, clen, &co, &cli);
	ok &= !cos_elf_parse(simg, slen, "calc.elf", &e, err, sizeof(err));
	{
		struct cos_elf ce;

		ok &= !cos_elf_parse(cimg, clen, "calcuser.elf", &ce, err, sizeof(err)) &&
		      !cos_elf_symbol(&ce, "cos_inv_stub", &stub);
	}
	for (i = 0; ok && i < NFNS; i++) {
		char entry[64];
		uint64_t at, fn;

		snprintf(entry, sizeof(entry), "__cos_entry_calc_%s", fns[i]);
		ok &= !cos_elf_symbol(&e, entry, &at) &&
		      !cos_elf_symbol(&e, entry + strlen("__cos_entry_"), &fn) &&
		      cos_cap_create_fn(fd, cli.comp, srv.comp, srv.base + at,
					cli.base + stub, srv.base + fn) == i;
	}
	tap_ok(ok, "calc and calcuser loaded, 5 capabilities wired by symbol %s", err);

	for (;;) {
		memset(&run, 0, sizeof(run));
		run.thd = cli.thd;
		run.budget_ns = 5000000000ull;
		if (cos_run(fd, &run))
			break;
		if (run.exit_reason == COS_EXIT_PRINT) {
			strncat(out, run.print.data, run.print.len < sizeof(out) - strlen(out) - 1 ?
				run.print.len : sizeof(out) - strlen(out) - 1);
			continue;
		}
		if (run.exit_reason == COS_EXIT_FAULT &&
		    (run.fault.fault_flags & COS_FAULT_UNWOUND)) {
			faults++;
			fault_ok &= run.fault.vector == 0 && run.fault.comp == srv.comp;
			continue;
		}
		break;
	}
	printf("%s", out);
	tap_ok(run.exit_reason == COS_EXIT_EXIT && run.exit.status == 0,
	       "calcuser's checks of every calc function pass (exit %s, status %llu)",
	       cos_exit_name(run.exit_reason), (unsigned long long)run.exit.status);
	tap_ok(faults == 1 && fault_ok,
	       "calc_div(1, 0) was one #DE in calc, unwound to the client (%d faults)",
	       faults);
	snprintf(want, sizeof(want), "calcuser: calc says I am component %u; 40 + 2 = 42",
		 cli.comp);
	tap_ok(strstr(out, want) != NULL, "printc with the component's name; the server saw its caller's id");
	close(fd);

	{	/* a loader error names the file and the missing symbol */
		struct cos_elf_patch bad = { "__cos_cap_nosuch_fn", 0 };
		struct cos_bare_opts bo = { .slot = 1, .name = "calcuser.elf",
					    .err = err, .errlen = sizeof(err),
					    .patches = &bad, .npatches = 1 };
		struct cos_bare b;
		int r;

		fd = must_open();
		err[0] = 0;
		r = cos_bare_load(fd, cimg, clen, &bo, &b);
		tap_ok(r == -ENOEXEC && !strcmp(err, "calcuser.elf: no symbol __cos_cap_nosuch_fn"),
		       "missing symbol refused: \"%s\"", err);
		close(fd);
	}
	return tap_exit();
}
