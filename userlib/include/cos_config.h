/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cos_config.h - a component's configuration words, from the `config NAME
 * WORD...` lines of its system description (userlib/libcos/sysdesc.c).
 * The loader writes the words of all of a component's config lines,
 * separated by single spaces and NUL-terminated, into the component's
 * COS_CONFIG_SYM before it maps it; the runtime defines that symbol in
 * every component (userlib/rt/config.c) and reads it with cos_config().
 * Words are usually KEY=VALUE (tcp: ip=10.78.0.2/24 gw=10.78.0.1).
 */
#ifndef COS_CONFIG_H
#define COS_CONFIG_H

#define COS_CONFIG_SYM	"cos_config_words"
#define COS_CONFIG_MAX	512	/* bytes, with the NUL */

#endif
