// SPDX-License-Identifier: GPL-2.0
/* sysdesc.c - parse a system description and load the system it describes. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sysdesc.h"
#include "cos_names.h"

_Static_assert(COS_SD_MAX_COMPS <= COS_NAMES_MAX, "every component has a name entry");

static int sd_fail(char *err, size_t errlen, const char *file, int line,
		   const char *fmt, ...)
{
	va_list ap;
	int n = line ? snprintf(err, errlen, "%s:%d: ", file, line) :
		       snprintf(err, errlen, "%s: ", file);

	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static int sd_find(const struct cos_sysdesc *sd, const char *name)
{
	int i;

	for (i = 0; i < sd->ncomps; i++)
		if (!strcmp(sd->comps[i].name, name))
			return i;
	return -1;
}

static int sd_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= COS_SD_NAME)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
			return 0;
	return 1;
}

static void *sd_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0 && !fseek(f, 0, SEEK_SET) &&
	    (buf = malloc(n)) && fread(buf, 1, n, f) == (size_t)n) {
		*len = n;
	} else {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/*
 * FILE relative to the cwd, else to the description's directory, else
 * (a relative FILE) by its last name in the components directory.
 */
static void *sd_open_elf(const struct cos_sysdesc *sd, struct cos_sd_comp *c,
			 const char *file)
{
	const char *slash = strrchr(sd->file, '/'), *name = strrchr(file, '/');
	void *img;

	snprintf(c->path, sizeof(c->path), "%s", file);
	img = sd_slurp(c->path, &c->len);
	if (!img && file[0] != '/' && slash) {
		char dir[256];
		int n = snprintf(dir, sizeof(dir), "%.*s", (int)(slash - sd->file),
				 sd->file);

		if (n < 0 || (size_t)n >= sizeof(dir) ||
		    strlen(file) >= sizeof(c->path) - sizeof(dir) - 1)
			return NULL;
		snprintf(c->path, sizeof(c->path), "%s/%.200s", dir, file);
		img = sd_slurp(c->path, &c->len);
	}
	name = name ? name + 1 : file;
	if (!img && file[0] != '/' && sd->comp_dir[0]) {
		int n = snprintf(c->path, sizeof(c->path), "%s/%s", sd->comp_dir, name);

		if (n > 0 && (size_t)n < sizeof(c->path))
			img = sd_slurp(c->path, &c->len);
	}
	return img;
}

static int sd_statement(struct cos_sysdesc *sd, char **w, int n, int line,
			char *err, size_t errlen)
{
	const char *f = sd->file;
	char *end;
	int a, b;

	if (!strcmp(w[0], "pages")) {
		if (n != 2)
			return sd_fail(err, errlen, f, line, "usage: pages N");
		sd->pages = strtoull(w[1], &end, 0);
		if (*end || !sd->pages)
			return sd_fail(err, errlen, f, line, "bad page count '%s'", w[1]);
		return 0;
	}
	if (!strcmp(w[0], "component")) {
		struct cos_sd_comp *c;
		char cerr[256];

		if (n < 3 || n % 2 == 0)
			return sd_fail(err, errlen, f, line,
				       "usage: component NAME FILE [slot N] [stack PAGES]");
		if (!sd_name_ok(w[1]))
			return sd_fail(err, errlen, f, line, "bad component name '%s'", w[1]);
		if (sd_find(sd, w[1]) >= 0)
			return sd_fail(err, errlen, f, line, "duplicate component %s", w[1]);
		if (sd->ncomps == COS_SD_MAX_COMPS)
			return sd_fail(err, errlen, f, line, "more than %d components", COS_SD_MAX_COMPS);
		c = &sd->comps[sd->ncomps];
		memset(c, 0, sizeof(*c));
		snprintf(c->name, sizeof(c->name), "%s", w[1]);
		c->line = line;
		c->slot = -1;
		for (a = 3; a + 1 < n; a += 2) {
			long v = strtol(w[a + 1], &end, 0);

			if (!strcmp(w[a], "slot")) {
				if (*end || v < 0 || v > 255)
					return sd_fail(err, errlen, f, line, "bad slot '%s'", w[a + 1]);
				c->slot = (int)v;
			} else if (!strcmp(w[a], "stack")) {
				if (*end || v < 1 || v > 256)
					return sd_fail(err, errlen, f, line,
						       "bad stack size '%s' (1-256 pages)", w[a + 1]);
				c->stack_pages = (int)v;
			} else {
				return sd_fail(err, errlen, f, line, "unknown component option '%s'", w[a]);
			}
		}
		c->img = sd_open_elf(sd, c, w[2]);
		if (!c->img)
			return sd_fail(err, errlen, f, line, "cannot read %s: %s%s%s%s", w[2],
				       strerror(errno ? errno : EIO),
				       sd->comp_dir[0] && w[2][0] != '/' ? " (nor in " : "",
				       w[2][0] != '/' ? sd->comp_dir : "",
				       sd->comp_dir[0] && w[2][0] != '/' ? ")" : "");
		sd->ncomps++;
		if (cos_elf_parse(c->img, c->len, c->path, &c->elf, cerr, sizeof(cerr)))
			return sd_fail(err, errlen, f, line, "%s", cerr);
		return 0;
	}
	if (!strcmp(w[0], "policy") || !strcmp(w[0], "mm")) {
		int mm = w[0][0] == 'm';

		if (n != 2)
			return sd_fail(err, errlen, f, line, "usage: %s NAME", w[0]);
		a = sd_find(sd, w[1]);
		if (a < 0)
			return sd_fail(err, errlen, f, line, "unknown component %s", w[1]);
		if (mm)
			sd->comps[a].mm = 1;
		else
			sd->comps[a].policy = 1;
		return 0;
	}
	if (!strcmp(w[0], "config")) {
		struct cos_sd_comp *c;
		size_t used;
		int i;

		if (n < 3)
			return sd_fail(err, errlen, f, line, "usage: config NAME WORD...");
		a = sd_find(sd, w[1]);
		if (a < 0)
			return sd_fail(err, errlen, f, line, "unknown component %s", w[1]);
		c = &sd->comps[a];
		for (i = 2; i < n; i++) {
			used = strlen(c->config);
			if (used + !!used + strlen(w[i]) >= sizeof(c->config))
				return sd_fail(err, errlen, f, line,
					       "config of %s longer than %zu bytes", w[1],
					       sizeof(c->config) - 1);
			if (used)
				c->config[used++] = ' ';
			memcpy(c->config + used, w[i], strlen(w[i]) + 1);
		}
		c->config_line = line;
		return 0;
	}
	if (!strcmp(w[0], "import") || !strcmp(w[0], "separate") ||
	    !strcmp(w[0], "merge")) {
		int imp = w[0][0] == 'i';

		if (n != (imp ? 4 : 3))
			return sd_fail(err, errlen, f, line, imp ?
				       "usage: import CLIENT SERVER INTERFACE" :
				       "usage: %s NAME NAME", w[0]);
		a = sd_find(sd, w[1]);
		b = sd_find(sd, w[2]);
		if (a < 0 || b < 0)
			return sd_fail(err, errlen, f, line, "unknown component %s",
				       a < 0 ? w[1] : w[2]);
		if (a == b)
			return sd_fail(err, errlen, f, line, "%s with itself", w[0]);
		if (!imp) {
			if (sd->nseparate == COS_SD_MAX_IMPORTS)
				return sd_fail(err, errlen, f, line, "too many separate/merge lines");
			sd->separate[sd->nseparate][0] = a;
			sd->separate[sd->nseparate][1] = b;
			sd->pd_op[sd->nseparate] = w[0][0] == 's' ? COS_PD_SEPARATE :
								    COS_PD_MERGE;
			sd->pd_line[sd->nseparate++] = line;
			return 0;
		}
		if (!sd_name_ok(w[3]))
			return sd_fail(err, errlen, f, line, "bad interface name '%s'", w[3]);
		if (sd->nimports == COS_SD_MAX_IMPORTS)
			return sd_fail(err, errlen, f, line, "too many imports");
		sd->imports[sd->nimports] = (struct cos_sd_import){ a, b, line, "" };
		snprintf(sd->imports[sd->nimports++].iface, COS_SD_NAME, "%s", w[3]);
		return 0;
	}
	if (!strcmp(w[0], "thread")) {
		uint64_t fn = 0;
		long prio = 0;
		int i = 2;

		if (n < 2)
			return sd_fail(err, errlen, f, line, "usage: thread NAME [FUNCTION] [prio N]");
		a = sd_find(sd, w[1]);
		if (a < 0)
			return sd_fail(err, errlen, f, line, "unknown component %s", w[1]);
		if (i < n && strcmp(w[i], "prio")) {
			if (cos_elf_symbol(&sd->comps[a].elf, w[i], &fn))
				return sd_fail(err, errlen, f, line, "%s has no function %s",
					       sd->comps[a].name, w[i]);
			i++;
		}
		if (i < n) {
			char *end;

			if (strcmp(w[i], "prio") || i + 2 != n)
				return sd_fail(err, errlen, f, line, "usage: thread NAME [FUNCTION] [prio N]");
			prio = strtol(w[i + 1], &end, 0);
			if (*end || prio < 1 || prio > 8)
				return sd_fail(err, errlen, f, line, "bad priority '%s' (1-8)", w[i + 1]);
		}
		if (sd->nthreads == COS_SD_MAX_THREADS)
			return sd_fail(err, errlen, f, line, "more than %d threads", COS_SD_MAX_THREADS);
		sd->thread_lines[sd->nthreads] = line;
		sd->thread_fn[sd->nthreads] = fn;
		sd->thread_prio[sd->nthreads] = (int)prio;
		sd->threads[sd->nthreads++] = a;
		return 0;
	}
	if (!strcmp(w[0], "net") || !strcmp(w[0], "vnet") || !strcmp(w[0], "disk")) {
		struct cos_sd_io *io = &sd->ios[sd->nios];

		if (n != 2 && n != 3)
			return sd_fail(err, errlen, f, line, "usage: %s NAME [%s]", w[0],
				       w[0][0] == 'd' ? "PATH" : "DEV");
		a = sd_find(sd, w[1]);
		if (a < 0)
			return sd_fail(err, errlen, f, line, "unknown component %s", w[1]);
		if (sd->nios == COS_IO_MAX)
			return sd_fail(err, errlen, f, line, "more than %d devices", COS_IO_MAX);
		if (n == 3 && strlen(w[2]) >= sizeof(io->name))
			return sd_fail(err, errlen, f, line, "name too long");
		memset(io, 0, sizeof(*io));
		io->comp = a;
		io->line = line;
		io->kind = w[0][0] == 'd' ? COS_IO_BLK : w[0][0] == 'v' ? COS_IO_NET_VDEV :
			   COS_IO_NET;
		if (n == 3)
			snprintf(io->name, sizeof(io->name), "%s", w[2]);
		sd->nios++;
		return 0;
	}
	if (!strcmp(w[0], "scheduler")) {
		char *end;
		unsigned long long us = 10000;

		if (n != 2 && !(n == 4 && !strcmp(w[2], "tick")))
			return sd_fail(err, errlen, f, line, "usage: scheduler NAME [tick US]");
		a = sd_find(sd, w[1]);
		if (a < 0)
			return sd_fail(err, errlen, f, line, "unknown component %s", w[1]);
		if (sd->sched)
			return sd_fail(err, errlen, f, line, "a second scheduler");
		if (n == 4) {
			us = strtoull(w[3], &end, 0);
			if (*end || (us && us < COS_SCHED_TICK_MIN / 1000) || us > 10000000)
				return sd_fail(err, errlen, f, line,
					       "bad tick '%s' (0, or %llu-10000000 us)", w[3],
					       (unsigned long long)COS_SCHED_TICK_MIN / 1000);
		}
		sd->sched = a + 1;
		sd->sched_line = line;
		sd->sched_tick_ns = us * 1000;
		return 0;
	}
	return sd_fail(err, errlen, f, line, "unknown statement '%s'", w[0]);
}

/* Resolve one client symbol __cos_cap_IFACE_FN against the imports. */
struct sd_resolve {
	struct cos_sysdesc *sd;
	int client;
	char *err;
	size_t errlen;
};

static int sd_resolve_cap(const char *name, uint64_t value, void *arg)
{
	struct sd_resolve *r = arg;
	struct cos_sysdesc *sd = r->sd;
	struct cos_sd_comp *c = &sd->comps[r->client];
	const char *rest = name + strlen("__cos_cap_");
	char entry[128];
	uint64_t at;
	int i, id;

	(void)value;
	for (i = 0; i < sd->nimports; i++) {
		const struct cos_sd_import *im = &sd->imports[i];
		size_t il = strlen(im->iface);

		if (im->client != r->client || strncmp(rest, im->iface, il) || rest[il] != '_')
			continue;
		snprintf(entry, sizeof(entry), "__cos_entry_%s", rest);
		if (cos_elf_symbol(&sd->comps[im->server].elf, entry, &at))
			return sd_fail(r->err, r->errlen, sd->file, im->line,
				       "%s does not export %s (needed by %s)",
				       sd->comps[im->server].name, rest, c->name);
		id = c->ncaps;
		if (id == COS_MAX_PATCHES)
			return sd_fail(r->err, r->errlen, sd->file, c->line,
				       "%s imports more than %d functions", c->name,
				       COS_MAX_PATCHES);
		snprintf(c->patch_names[id], sizeof(c->patch_names[id]), "%s", name);
		c->patches[id] = (struct cos_elf_patch){ c->patch_names[id], (uint64_t)id };
		c->cap_entry[id] = at;
		/* the function itself, for calls inside one PD */
		if (cos_elf_symbol(&sd->comps[im->server].elf, rest,
				   &c->cap_direct[id]))
			c->cap_direct[id] = 0;
		c->cap_server[id] = im->server;
		c->ncaps++;
		return 0;
	}
	/* The runtime's printc has this word in every component: without
	 * an import it stays -1 and printc prints by itself (print.c). */
	if (!strcmp(name, "__cos_cap_printer_write"))
		return 0;
	return sd_fail(r->err, r->errlen, sd->file, c->line,
		       "%s calls %s, but no 'import %s SERVER INTERFACE' provides it",
		       c->name, rest, c->name);
}

static int sd_any(const char *name, uint64_t value, void *arg)
{
	(void)name;
	(void)value;
	(void)arg;
	return 1;
}

int cos_sd_parse(const char *path, struct cos_sysdesc *sd, char *err,
		 size_t errlen)
{
	return cos_sd_parse_dir(path, NULL, sd, err, errlen);
}

int cos_sd_parse_dir(const char *path, const char *comp_dir,
		     struct cos_sysdesc *sd, char *err, size_t errlen)
{
	char buf[1024];
	FILE *f;
	int line = 0, ret = 0, i;

	memset(sd, 0, sizeof(*sd));
	snprintf(sd->file, sizeof(sd->file), "%s", path);
	if (comp_dir && strlen(comp_dir) >= sizeof(sd->comp_dir))
		return sd_fail(err, errlen, path, 0, "components directory too long: %s",
			       comp_dir);
	snprintf(sd->comp_dir, sizeof(sd->comp_dir), "%s", comp_dir ? comp_dir : "");
	f = fopen(path, "r");
	if (!f)
		return sd_fail(err, errlen, path, 0, "%s", strerror(errno));
	while (!ret && fgets(buf, sizeof(buf), f)) {
		char *w[8], *p = strchr(buf, '#'), *tok, *save;
		int n = 0;

		line++;
		if (p)
			*p = 0;
		for (tok = strtok_r(buf, " \t\r\n", &save); tok && n < 8;
		     tok = strtok_r(NULL, " \t\r\n", &save))
			w[n++] = tok;
		if (n)
			ret = sd_statement(sd, w, n, line, err, errlen);
	}
	fclose(f);
	if (ret)
		return ret;
	if (!sd->ncomps)
		return sd_fail(err, errlen, path, 0, "no component");
	if (!sd->nthreads && !sd->sched)
		return sd_fail(err, errlen, path, 0, "no thread");
	for (i = 0; i < sd->nimports; i++) {
		const struct cos_sd_import *im = &sd->imports[i];
		char prefix[64];

		snprintf(prefix, sizeof(prefix), "__cos_entry_%s_", im->iface);
		if (!cos_elf_symbols(&sd->comps[im->server].elf, prefix, sd_any, NULL))
			return sd_fail(err, errlen, path, im->line,
				       "%s does not export interface %s",
				       sd->comps[im->server].name, im->iface);
	}
	for (i = 0; i < sd->ncomps; i++) {
		struct sd_resolve r = { sd, i, err, errlen };

		ret = cos_elf_symbols(&sd->comps[i].elf, "__cos_cap_", sd_resolve_cap, &r);
		if (ret)
			return ret;
		if (cos_elf_symbol(&sd->comps[i].elf, "cos_inv_stub",
				   &sd->comps[i].inv_stub))
			sd->comps[i].inv_stub = 0;
	}
	return 0;
}

/* A thread in component @ci running cos_main or @fn: its id or -errno. */
static int sd_thread(int fd, struct cos_sysdesc *sd, int ci, uint64_t fn,
		     int prio)
{
	struct cos_sd_comp *c = &sd->comps[ci];
	struct cos_regs regs = { .rip = c->bare.code, .rsp = c->bare.stack_top,
				 .rdi = c->bare.base, .rflags = 0x202,
				 .rdx = fn ? c->bare.base + fn : 0 };
	int ret = cos_thd_create_param(fd, c->bare.comp, 0, (unsigned int)prio, &regs);

	if (ret >= 0) {
		/* its own stack; cos_main's data: its argument region */
		int err = cos_rt_thd_setup(fd, &c->bare, (unsigned int)ret, &regs);

		if (err)
			return err;
	}
	return ret;
}

/*
 * Write the names table (cos_names.h) into @c's file image if @c defines
 * one: entry i gets the name of component i, the id cos_sd_load expects
 * the kernel to give it (checked there). The table must lie in the file
 * bytes of a writable segment. 1 if written, 0 if @c has none, or -EINVAL.
 */
/*
 * The initialised writable data of @c's image at symbol @sym, @size
 * bytes: where the loader writes before mapping. NULL if it has none.
 */
static void *sd_image_data(struct cos_sd_comp *c, const char *sym, size_t size)
{
	const struct cos_elf_seg *s;
	uint64_t at;
	int i;

	if (cos_elf_symbol(&c->elf, sym, &at))
		return NULL;
	for (i = 0, s = c->elf.seg; i < c->elf.nseg; i++, s++)
		if ((s->prot & COS_PROT_WRITE) && at >= s->vaddr &&
		    s->filesz >= size && at - s->vaddr <= s->filesz - size)
			return (char *)c->img + s->offset + (at - s->vaddr);
	return NULL;
}

static int sd_write_names(const struct cos_sysdesc *sd, struct cos_sd_comp *c,
			  char *err, size_t errlen)
{
	char names[COS_NAMES_MAX][COS_NAME_LEN] = { { 0 } };
	uint64_t at;
	void *dst;
	int i;

	if (cos_elf_symbol(&c->elf, COS_NAMES_SYM, &at))
		return 0;
	dst = sd_image_data(c, COS_NAMES_SYM, sizeof(names));
	if (!dst)
		return sd_fail(err, errlen, sd->file, c->line,
			       "%s: %s is not %zu bytes of initialised writable data",
			       c->path, COS_NAMES_SYM, sizeof(names));
	for (i = 0; i < sd->ncomps; i++)
		memcpy(names[i], sd->comps[i].name,
		       strnlen(sd->comps[i].name, COS_NAME_LEN - 1));
	memcpy(dst, names, sizeof(names));
	return 1;
}

/* The component's config words into its image (cos_config.h). */
static int sd_write_config(const struct cos_sysdesc *sd, struct cos_sd_comp *c,
			   char *err, size_t errlen)
{
	char *dst;

	if (!c->config[0])
		return 0;
	dst = sd_image_data(c, COS_CONFIG_SYM, COS_CONFIG_MAX);
	if (!dst)
		return sd_fail(err, errlen, sd->file, c->config_line,
			       "%s: no %s (%d bytes of initialised writable data) for its config",
			       c->path, COS_CONFIG_SYM, COS_CONFIG_MAX);
	memset(dst, 0, COS_CONFIG_MAX);
	memcpy(dst, c->config, strlen(c->config));
	return 0;
}

int cos_sd_set_io(struct cos_sysdesc *sd, int blk, const char *name, int vdev,
		  const uint8_t *mac)
{
	int i, found = -ENOENT;

	for (i = 0; i < sd->nios; i++) {
		struct cos_sd_io *io = &sd->ios[i];

		if ((io->kind == COS_IO_BLK) != !!blk)
			continue;
		found = 0;
		if (name)
			snprintf(io->name, sizeof(io->name), "%s", name);
		if (!blk && vdev)
			io->kind = COS_IO_NET_VDEV;
		if (!blk && mac)
			memcpy(io->mac, mac, sizeof(io->mac));
	}
	return found;
}

/* Attach the description's devices (ids 0, 1, ... as the loader wrote). */
static int sd_attach(int fd, struct cos_sysdesc *sd, char *err, size_t errlen)
{
	int i, ret;

	for (i = 0; i < sd->nios; i++) {
		struct cos_sd_io *io = &sd->ios[i];
		struct cos_io_attach *a = &io->got;

		memset(a, 0, sizeof(*a));
		a->kind = io->kind;
		a->comp = sd->comps[io->comp].bare.comp;
		memcpy(a->name, io->name, sizeof(a->name));
		memcpy(a->mac, io->mac, sizeof(a->mac));
		a->nslots = io->nslots;
		if (!io->name[0] && io->kind != COS_IO_NET_VDEV)
			return sd_fail(err, errlen, sd->file, io->line,
				       "no %s for %s (cos run %s)", io->kind == COS_IO_BLK ?
				       "disk" : "network interface", sd->comps[io->comp].name,
				       io->kind == COS_IO_BLK ? "--disk PATH" :
				       "--net DEV or --vnet NAME");
		ret = cos_io_attach(fd, a);
		if (ret)
			return sd_fail(err, errlen, sd->file, io->line, "attaching %s to %s: %s",
				       io->name[0] ? io->name : "a new interface",
				       sd->comps[io->comp].name,
				       ret == -ENODEV ? "no such network interface" :
				       ret == -ENETDOWN ? "the interface is down" :
				       ret == -EBUSY ? "the interface is taken (attached already, or a bridge port)" :
				       strerror(-ret));
		if (a->id != (unsigned int)i)
			return sd_fail(err, errlen, sd->file, io->line,
				       "%s got attachment id %u, not %d", sd->comps[io->comp].name,
				       a->id, i);
	}
	return 0;
}

int cos_sd_load(int fd, struct cos_sysdesc *sd, char *err, size_t errlen)
{
	int i, j, ret, names = 0, next_slot = 1;

	if (sd->pages && (ret = cos_sys_set_pages(fd, sd->pages)))
		return sd_fail(err, errlen, sd->file, 0, "page budget %llu: %s",
			       (unsigned long long)sd->pages, strerror(-ret));
	for (i = 0; i < sd->ncomps; i++) {
		struct cos_sd_comp *c = &sd->comps[i];
		struct cos_bare_opts o = {
			.slot = c->slot >= 0 ? (unsigned int)c->slot : (unsigned int)next_slot,
			.stack_pages = (unsigned int)c->stack_pages,
			.name = c->path, .err = err, .errlen = errlen,
			.patches = c->patches, .npatches = c->ncaps,
		};

		ret = sd_write_names(sd, c, err, errlen);
		if (ret < 0)
			return ret;
		names |= ret;
		ret = sd_write_config(sd, c, err, errlen);
		if (ret)
			return ret;
		for (j = 0; j < sd->nios; j++) {
			const char *sym = sd->ios[j].kind == COS_IO_BLK ? "cos_io_blk" :
									"cos_io_net";
			long *v;

			if (sd->ios[j].comp != i)
				continue;
			v = sd_image_data(c, sym, sizeof(*v));
			if (!v)
				return sd_fail(err, errlen, sd->file, sd->ios[j].line,
					       "%s has no %s (initialised data): it cannot take a %s",
					       c->name, sym, sd->ios[j].kind == COS_IO_BLK ?
					       "disk" : "network interface");
			*v = j;
		}
		err[0] = 0;
		ret = cos_bare_load_comp(fd, c->img, c->len, &o, &c->bare);
		if (ret) {
			if (!err[0])
				sd_fail(err, errlen, sd->file, c->line, "loading %s: %s",
					c->name, strerror(-ret));
			return ret;
		}
		next_slot = o.slot + 1;
	}
	/* Names tables took ids 0, 1, 2, ... in this order: what the kernel
	 * gives (the lowest free id) to a system created from scratch. */
	for (i = 0; names && i < sd->ncomps; i++)
		if (sd->comps[i].bare.comp != (unsigned int)i)
			return sd_fail(err, errlen, sd->file, sd->comps[i].line,
				       "%s got id %u, not %d: the printer's names would be wrong",
				       sd->comps[i].name, sd->comps[i].bare.comp, i);
	for (i = 0; i < sd->ncomps; i++) {
		struct cos_sd_comp *c = &sd->comps[i];

		for (j = 0; j < c->ncaps; j++) {
			struct cos_sd_comp *s = &sd->comps[c->cap_server[j]];

			ret = cos_cap_create_fn(fd, c->bare.comp, s->bare.comp,
						s->bare.base + c->cap_entry[j],
						c->inv_stub ? c->bare.base + c->inv_stub : 0,
						c->inv_stub && c->cap_direct[j] ?
						s->bare.base + c->cap_direct[j] : 0);
			if (ret != j)
				return sd_fail(err, errlen, sd->file, c->line,
					       "capability %s -> %s: %s", c->name, s->name,
					       ret < 0 ? strerror(-ret) : "unexpected id");
		}
	}
	for (i = 0; i < sd->ncomps; i++)
		if (sd->comps[i].policy &&
		    (ret = cos_pd(fd, COS_PD_POLICY, sd->comps[i].bare.comp, 0)))
			return sd_fail(err, errlen, sd->file, sd->comps[i].line,
				       "policy %s: %s", sd->comps[i].name, strerror(-ret));
	for (i = 0; i < sd->ncomps; i++)
		if (sd->comps[i].mm &&
		    (ret = cos_pd(fd, COS_PD_MM, sd->comps[i].bare.comp, 0)))
			return sd_fail(err, errlen, sd->file, sd->comps[i].line,
				       "mm %s: %s", sd->comps[i].name, strerror(-ret));
	/* The initial PD layout: separations first, then merges, in order. */
	for (j = 0; j < 2; j++)
		for (i = 0; i < sd->nseparate; i++) {
			if ((sd->pd_op[i] == COS_PD_SEPARATE) != (j == 0))
				continue;
			ret = cos_pd(fd, sd->pd_op[i], sd->comps[sd->separate[i][0]].bare.comp,
				     sd->comps[sd->separate[i][1]].bare.comp);
			if (ret)
				return sd_fail(err, errlen, sd->file, sd->pd_line[i], "%s %s %s: %s",
					       j ? "merge" : "separate",
					       sd->comps[sd->separate[i][0]].name,
					       sd->comps[sd->separate[i][1]].name,
					       ret == -EPERM ? "they must stay separate" :
					       strerror(-ret));
		}
	ret = sd_attach(fd, sd, err, errlen);
	if (ret)
		return ret;
	if (sd->sched) {
		/* the scheduler thread first: it hears of every later one */
		ret = sd_thread(fd, sd, sd->sched - 1, 0, 0);
		if (ret >= 0) {
			sd->sched_thd = ret;
			ret = cos_sched_config(fd, (unsigned int)ret, sd->sched_tick_ns);
		}
		if (ret < 0)
			return sd_fail(err, errlen, sd->file, sd->sched_line,
				       "scheduler %s: %s", sd->comps[sd->sched - 1].name,
				       strerror(-ret));
	}
	for (i = 0; i < sd->nthreads; i++) {
		ret = sd_thread(fd, sd, sd->threads[i], sd->thread_fn[i],
				sd->thread_prio[i]);
		if (ret >= 0)
			sd->thread_ids[i] = ret;
		else
			return sd_fail(err, errlen, sd->file, sd->thread_lines[i],
				       "thread in %s: %s", sd->comps[sd->threads[i]].name,
				       strerror(-ret));
	}
	return 0;
}

void cos_sd_free(struct cos_sysdesc *sd)
{
	int i;

	for (i = 0; i < sd->ncomps; i++)
		free(sd->comps[i].img);
}
