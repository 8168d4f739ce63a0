// SPDX-License-Identifier: GPL-2.0
/*
 * elf_test - host-side unit test of the component ELF loader: the built
 * hello component parses, its image is relocated for a base, and damaged
 * copies are refused with a message naming the file and the problem.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include "harness.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	*len = ftell(f);
	rewind(f);
	buf = malloc(*len);
	if (fread(buf, 1, *len, f) != *len) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static int refused(char *img, size_t len, const char *want)
{
	struct cos_elf e;
	char err[256] = "";
	int r = cos_elf_parse(img, len, "hello.elf", &e, err, sizeof(err));

	tap_diag("%s", err);
	return r == -ENOEXEC && strstr(err, "hello.elf: ") && strstr(err, want);
}

int main(void)
{
	const char *path = "build/components/hello.elf";
	struct cos_elf e;
	char err[256] = "", *img, *bad;
	size_t len;
	uint8_t *mem;
	uint64_t base = 0x8000000000ull, i, relocated = 0;
	int s, wx = 0, exec = 0, r;

	tap_plan(8);
	img = slurp(path, &len);
	if (!img) {
		printf("Bail out! cannot read %s (run make)\n", path);
		return KSFT_FAIL;
	}
	r = cos_elf_parse(img, len, "hello.elf", &e, err, sizeof(err));
	for (s = 0; s < e.nseg; s++) {
		wx |= (e.seg[s].prot & COS_PROT_WRITE) && (e.seg[s].prot & COS_PROT_EXEC);
		exec += !!(e.seg[s].prot & COS_PROT_EXEC);
	}
	tap_ok(!r && e.nseg >= 3 && !wx && exec == 1,
	       "hello.elf parses: %d segments, one executable, none W+X %s", e.nseg, err);

	mem = aligned_alloc(4096, e.span);
	r = cos_elf_image(&e, base, "hello.elf", mem, err, sizeof(err));
	/* every relocated word now points into [base, base + span) */
	for (i = 0; i + 8 <= e.span; i += 8) {
		uint64_t v;

		memcpy(&v, mem + i, 8);
		relocated += v >= base + e.entry - 0x100000 && v < base + e.span;
	}
	tap_ok(!r && relocated >= 2,
	       "image relocated for base %#llx (%llu words point into it) %s",
	       (unsigned long long)base, (unsigned long long)relocated, err);

	bad = malloc(len);
	memcpy(bad, img, len);
	bad[1] = 'X';
	tap_ok(refused(bad, len, "not an ELF file"), "bad magic refused");
	memcpy(bad, img, len);
	((Elf64_Ehdr *)bad)->e_type = ET_EXEC;
	tap_ok(refused(bad, len, "not position independent"), "non-PIE refused");
	memcpy(bad, img, len);
	for (s = 0; s < ((Elf64_Ehdr *)bad)->e_phnum; s++) {
		Elf64_Phdr *p = (Elf64_Phdr *)(bad + ((Elf64_Ehdr *)bad)->e_phoff) + s;

		if (p->p_type == PT_LOAD && (p->p_flags & PF_W))
			p->p_flags |= PF_X;
	}
	tap_ok(refused(bad, len, "writable and executable"), "W+X segment refused");
	tap_ok(refused(img, 40, "not an ELF") || refused(img, 40, "outside the file"),
	       "truncated file refused");
	memcpy(bad, img, len);
	((Elf64_Ehdr *)bad)->e_entry = 0;
	tap_ok(refused(bad, len, "not in executable code"), "entry outside code refused");
	memcpy(bad, img, len);
	((Elf64_Ehdr *)bad)->e_machine = EM_AARCH64;
	tap_ok(refused(bad, len, "x86-64"), "wrong machine refused");
	free(bad);
	free(mem);
	free(img);
	return tap_exit();
}
