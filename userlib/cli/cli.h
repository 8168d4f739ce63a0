/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cli.h - what the pieces of the cos command share: exit codes, the
 * commands (main.c dispatches them), opening /dev/cos, and where this
 * binary's own files are (paths.c).
 */
#ifndef COS_CLI_H
#define COS_CLI_H

#include <signal.h>
#include <stddef.h>
#include <stdio.h>

/* Exit codes (sysexits.h and timeout(1)'s), printed by `cos help`. */
#define EXIT_USAGE	64
#define EXIT_DATAERR	65	/* a system description is refused */
#define EXIT_UNAVAIL	69	/* /dev/cos cannot be opened */
#define EXIT_FAULT	70
#define EXIT_MCE	74	/* a machine check: a hardware memory error */
#define EXIT_BUDGET	124
#define EXIT_INTR	130

extern const char *prog;	/* "cos", the prefix of every message */

/* The help text on @f (main.c). */
void usage(FILE *f);

/* /dev/cos, or exit with EXIT_UNAVAIL and a message saying why. */
int open_cos(void);

/* SIGINT and SIGTERM while a command runs components (run.c): got_sigint
 * is set, and libcos's cos_run_stop. */
extern volatile sig_atomic_t got_sigint;
void on_sigint(int sig);

/* The commands: argv[0] is the command's name, the result the exit code. */
int cmd_version(int argc, char **argv);	/* main.c */
int cmd_bare(int argc, char **argv);	/* run.c */
int cmd_run(int argc, char **argv);	/* run.c */
int cmd_bench(int argc, char **argv);	/* bench.c */

/*
 * Where the files that belong to this cos binary are (paths.c), found from
 * the binary itself (/proc/self/exe), so that one binary works in either
 * layout:
 *
 *	               build tree (build/cos)     installed (PREFIX/bin/cos)
 *	components     build/components/          PREFIX/lib/cos/components/
 *	systems        components/systems/        PREFIX/share/cos/systems/
 *	libexec        build/libexec/cos/         PREFIX/libexec/cos/
 *
 * A binary in a directory named "bin" is an installed one; any other is
 * in the build tree.
 */
enum cli_dir {
	CLI_COMPONENTS,		/* the components, *.elf */
	CLI_SYSTEMS,		/* the system descriptions, *.sys */
	CLI_LIBEXEC,		/* helper programs (cos-bench-io.sh) */
};

/* This binary's own path, or NULL (with a message) if it cannot be found. */
const char *cli_self(void);
/* The directory, or NULL (with a message) if this binary cannot be found. */
const char *cli_dir(enum cli_dir which);
/* @name in that directory into @buf: 0, or -1 with a message. */
int cli_path(char *buf, size_t len, enum cli_dir which, const char *name);

#endif
