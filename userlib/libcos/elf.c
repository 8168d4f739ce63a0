// SPDX-License-Identifier: GPL-2.0
/*
 * elf.c - load a component built as a static-PIE ELF: check it, build its
 * memory image at a base address (segments, zeroed bss, R_X86_64_RELATIVE
 * relocations applied) and map each segment with its own permissions.
 * Every error names the file and what in it is wrong.
 */
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "libcos.h"

#define PAGE 4096ull
#define PAGE_DOWN(x) ((x) & ~(PAGE - 1))
#define PAGE_UP(x) (((x) + PAGE - 1) & ~(PAGE - 1))

static int fail(char *err, size_t errlen, const char *name, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, errlen, "%s: ", name);

	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - n, fmt, ap);
		va_end(ap);
	}
	return -ENOEXEC;
}

static int in_file(size_t len, uint64_t off, uint64_t size)
{
	return off <= len && size <= len - off;
}

int cos_elf_parse(const void *img, size_t len, const char *name,
		  struct cos_elf *e, char *err, size_t errlen)
{
	const Elf64_Ehdr *eh = img;
	const Elf64_Phdr *ph;
	uint64_t prev_end = 0;
	int i;

	memset(e, 0, sizeof(*e));
	e->img = img;
	e->len = len;
	if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return fail(err, errlen, name, "not an ELF file");
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_machine != EM_X86_64)
		return fail(err, errlen, name, "not a 64-bit little-endian x86-64 ELF");
	if (eh->e_type != ET_DYN)
		return fail(err, errlen, name,
			    "not position independent (ELF type %u): link components with -static-pie",
			    eh->e_type);
	if (eh->e_phentsize != sizeof(Elf64_Phdr) ||
	    !in_file(len, eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr)))
		return fail(err, errlen, name, "program headers outside the file");
	ph = (const Elf64_Phdr *)((const char *)img + eh->e_phoff);
	for (i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *p = &ph[i];
		struct cos_elf_seg *s;

		if (p->p_type == PT_INTERP)
			return fail(err, errlen, name, "has an interpreter: components are static");
		if (p->p_type == PT_DYNAMIC) {
			e->dyn_off = p->p_offset;
			e->dyn_size = p->p_filesz;
			if (!in_file(len, p->p_offset, p->p_filesz))
				return fail(err, errlen, name, "dynamic section outside the file");
		}
		if (p->p_type != PT_LOAD)
			continue;
		if (e->nseg == COS_ELF_MAX_SEGS)
			return fail(err, errlen, name, "more than %d loadable segments", COS_ELF_MAX_SEGS);
		if ((p->p_flags & PF_W) && (p->p_flags & PF_X))
			return fail(err, errlen, name,
				    "segment %d is writable and executable", i);
		if (p->p_filesz > p->p_memsz || !in_file(len, p->p_offset, p->p_filesz))
			return fail(err, errlen, name, "segment %d outside the file", i);
		if (p->p_vaddr % PAGE != p->p_offset % PAGE)
			return fail(err, errlen, name, "segment %d is not page aligned", i);
		if (PAGE_DOWN(p->p_vaddr) < prev_end)
			return fail(err, errlen, name,
				    "segment %d shares a page with the one before it (link with -z separate-code and page-aligned sections)",
				    i);
		if (p->p_vaddr + p->p_memsz > COS_ELF_MAX_SPAN)
			return fail(err, errlen, name, "segment %d ends beyond %#llx",
				    i, (unsigned long long)COS_ELF_MAX_SPAN);
		s = &e->seg[e->nseg++];
		s->vaddr = p->p_vaddr;
		s->memsz = p->p_memsz;
		s->filesz = p->p_filesz;
		s->offset = p->p_offset;
		s->prot = COS_PROT_READ | (p->p_flags & PF_W ? COS_PROT_WRITE : 0) |
			  (p->p_flags & PF_X ? COS_PROT_EXEC : 0);
		prev_end = PAGE_UP(p->p_vaddr + p->p_memsz);
	}
	if (!e->nseg)
		return fail(err, errlen, name, "no loadable segment");
	e->span = prev_end;
	e->entry = eh->e_entry;
	for (i = 0; i < e->nseg; i++)
		if (e->entry >= e->seg[i].vaddr &&
		    e->entry < e->seg[i].vaddr + e->seg[i].memsz &&
		    (e->seg[i].prot & COS_PROT_EXEC))
			return 0;
	return fail(err, errlen, name, "entry point %#llx is not in executable code",
		    (unsigned long long)e->entry);
}

/*
 * Call @cb for every defined symbol whose name starts with @prefix (or,
 * with @exact, is @prefix); stop at the first non-zero return and return
 * it. Only used on an image cos_elf_parse() accepted.
 */
static int cos_elf_walk(const struct cos_elf *e, const char *prefix, int exact,
			int (*cb)(const char *name, uint64_t value, void *arg),
			void *arg)
{
	const Elf64_Ehdr *eh = e->img;
	const Elf64_Shdr *sh = (const Elf64_Shdr *)((const char *)e->img + eh->e_shoff);
	int i;

	size_t plen = strlen(prefix);
	int r;

	if (!eh->e_shoff || eh->e_shentsize != sizeof(*sh) ||
	    !in_file(e->len, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(*sh)))
		return 0;
	for (i = 0; i < eh->e_shnum; i++) {
		const Elf64_Sym *st;
		const char *strtab;
		uint64_t n, j;

		if (sh[i].sh_type != SHT_SYMTAB || sh[i].sh_link >= eh->e_shnum ||
		    !in_file(e->len, sh[i].sh_offset, sh[i].sh_size) ||
		    !in_file(e->len, sh[sh[i].sh_link].sh_offset,
			     sh[sh[i].sh_link].sh_size))
			continue;
		st = (const Elf64_Sym *)((const char *)e->img + sh[i].sh_offset);
		strtab = (const char *)e->img + sh[sh[i].sh_link].sh_offset;
		n = sh[i].sh_size / sizeof(*st);
		for (j = 0; j < n; j++) {
			const char *nm = strtab + st[j].st_name;
			size_t room;

			if (st[j].st_shndx == SHN_UNDEF ||
			    st[j].st_name >= sh[sh[i].sh_link].sh_size ||
			    st[j].st_value >= e->span)
				continue;
			room = sh[sh[i].sh_link].sh_size - st[j].st_name;
			if (strnlen(nm, room) == room)	/* not terminated */
				continue;
			if (exact ? strcmp(nm, prefix) : strncmp(nm, prefix, plen))
				continue;
			r = cb(nm, st[j].st_value, arg);
			if (r)
				return r;
		}
	}
	return 0;
}

static int cos_elf_found(const char *name, uint64_t value, void *arg)
{
	(void)name;
	*(uint64_t *)arg = value;
	return 1;
}

/* A defined symbol's value: 0, or -ENOENT. */
int cos_elf_symbol(const struct cos_elf *e, const char *sym, uint64_t *value)
{
	return cos_elf_walk(e, sym, 1, cos_elf_found, value) ? 0 : -ENOENT;
}

int cos_elf_symbols(const struct cos_elf *e, const char *prefix,
		    int (*cb)(const char *name, uint64_t value, void *arg),
		    void *arg)
{
	return cos_elf_walk(e, prefix, 0, cb, arg);
}

/* The memory image of [0, span) for @base: segments, bss, relocations. */
int cos_elf_image(const struct cos_elf *e, uint64_t base, const char *name,
		  uint8_t *mem, char *err, size_t errlen)
{
	const Elf64_Dyn *d = (const Elf64_Dyn *)((const char *)e->img + e->dyn_off);
	uint64_t rela = 0, relasz = 0, relaent = sizeof(Elf64_Rela), i;
	int s;

	memset(mem, 0, e->span);
	for (s = 0; s < e->nseg; s++)
		memcpy(mem + e->seg[s].vaddr, (const char *)e->img + e->seg[s].offset,
		       e->seg[s].filesz);
	for (i = 0; e->dyn_size && i < e->dyn_size / sizeof(*d) && d[i].d_tag != DT_NULL; i++) {
		if (d[i].d_tag == DT_RELA)
			rela = d[i].d_un.d_ptr;
		else if (d[i].d_tag == DT_RELASZ)
			relasz = d[i].d_un.d_val;
		else if (d[i].d_tag == DT_RELAENT)
			relaent = d[i].d_un.d_val;
		else if (d[i].d_tag == DT_REL || d[i].d_tag == DT_JMPREL)
			return fail(err, errlen, name, "has REL or PLT relocations: link with -static-pie -z now");
	}
	if (relaent != sizeof(Elf64_Rela) || rela > e->span || relasz > e->span - rela)
		return fail(err, errlen, name, "relocation table outside the image");
	for (i = 0; i < relasz / sizeof(Elf64_Rela); i++) {
		const Elf64_Rela *r = (const Elf64_Rela *)(mem + rela) + i;
		uint64_t v;

		if (ELF64_R_TYPE(r->r_info) == R_X86_64_NONE)
			continue;
		if (ELF64_R_TYPE(r->r_info) != R_X86_64_RELATIVE)
			return fail(err, errlen, name,
				    "unsupported relocation type %llu at %#llx (only R_X86_64_RELATIVE)",
				    (unsigned long long)ELF64_R_TYPE(r->r_info),
				    (unsigned long long)r->r_offset);
		if (r->r_offset > e->span - 8)
			return fail(err, errlen, name, "relocation at %#llx outside the image",
				    (unsigned long long)r->r_offset);
		v = base + r->r_addend;
		memcpy(mem + r->r_offset, &v, 8);
	}
	return 0;
}

int cos_elf_load(int fd, unsigned int comp, uint64_t base, const void *img,
		 size_t len, const char *name, const struct cos_elf_patch *patches,
		 int npatches, uint64_t *entry, char *err, size_t errlen)
{
	struct cos_elf e;
	uint8_t *mem;
	int s, ret;

	ret = cos_elf_parse(img, len, name, &e, err, errlen);
	if (ret)
		return ret;
	mem = aligned_alloc(PAGE, e.span);
	if (!mem)
		return fail(err, errlen, name, "out of memory");
	ret = cos_elf_image(&e, base, name, mem, err, errlen);
	for (s = 0; !ret && s < npatches; s++) {
		uint64_t at;

		if (cos_elf_symbol(&e, patches[s].sym, &at) || at > e.span - 8)
			ret = fail(err, errlen, name, "no symbol %s", patches[s].sym);
		else
			memcpy(mem + at, &patches[s].value, 8);
	}
	for (s = 0; !ret && s < e.nseg; s++) {
		uint64_t start = PAGE_DOWN(e.seg[s].vaddr);
		uint64_t end = PAGE_UP(e.seg[s].vaddr + e.seg[s].memsz);

		ret = cos_mem_map(fd, comp, base + start, end - start, e.seg[s].prot,
				  mem + start, end - start);
		if (ret)
			snprintf(err, errlen, "%s: mapping segment %d at %#llx: %s",
				 name, s, (unsigned long long)(base + start),
				 strerror(-ret));
	}
	free(mem);
	if (!ret)
		*entry = base + e.entry;
	return ret;
}
