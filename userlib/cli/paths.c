// SPDX-License-Identifier: GPL-2.0
/*
 * paths.c - where this cos binary's components, system descriptions and
 * helper programs are: next to it in the build tree, under its prefix
 * once installed (the table in cli.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"

/* Each directory relative to the binary's own, in the two layouts. */
static const char *const rel[2][3] = {
	[0] = {	/* build tree: build/cos */
		[CLI_COMPONENTS] = "components",
		[CLI_SYSTEMS]	 = "../components/systems",
		[CLI_LIBEXEC]	 = "libexec/cos",
	},
	[1] = {	/* installed: PREFIX/bin/cos */
		[CLI_COMPONENTS] = "../lib/cos/components",
		[CLI_SYSTEMS]	 = "../share/cos/systems",
		[CLI_LIBEXEC]	 = "../libexec/cos",
	},
};

static char self[PATH_MAX], dirs[3][PATH_MAX];

const char *cli_self(void)
{
	ssize_t n;

	if (self[0])
		return self;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0) {
		fprintf(stderr, "%s: cannot find this program (/proc/self/exe): %s\n",
			prog, n ? strerror(errno) : "empty link");
		return NULL;
	}
	self[n] = 0;
	return self;
}

const char *cli_dir(enum cli_dir which)
{
	const char *exe = cli_self(), *slash, *bin;
	int n, installed;

	if (dirs[which][0])
		return dirs[which];
	if (!exe)
		return NULL;
	slash = strrchr(exe, '/');	/* an absolute path: there is one */
	for (bin = slash; bin > exe && bin[-1] != '/'; bin--)
		;
	installed = slash - bin == 3 && !strncmp(bin, "bin", 3);
	n = snprintf(dirs[which], sizeof(dirs[which]), "%.*s/%s", (int)(slash - exe),
		     exe, rel[installed][which]);
	if (n < 0 || (size_t)n >= sizeof(dirs[which])) {
		dirs[which][0] = 0;
		fprintf(stderr, "%s: path too long: %s\n", prog, exe);
		return NULL;
	}
	return dirs[which];
}

int cli_path(char *buf, size_t len, enum cli_dir which, const char *name)
{
	const char *dir = cli_dir(which);
	int n;

	if (!dir)
		return -1;
	n = snprintf(buf, len, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= len) {
		fprintf(stderr, "%s: path too long: %s/%s\n", prog, dir, name);
		return -1;
	}
	return 0;
}
