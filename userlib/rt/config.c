// SPDX-License-Identifier: GPL-2.0
/*
 * config.c - the component's configuration words (cos_config.h): the
 * table the loader fills, and lookups by key.
 */
#include "cos_rt.h"
#include "cos_config.h"

/* In .data, with file bytes: the loader writes into the image. */
char cos_config_words[COS_CONFIG_MAX] __attribute__((section(".data")));

const char *cos_config(const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key), n;
	const char *p = cos_config_words, *end;

	cos_config_words[COS_CONFIG_MAX - 1] = 0;
	while (*p) {
		while (*p == ' ')
			p++;
		for (end = p; *end && *end != ' '; end++)
			;
		if ((size_t)(end - p) > klen && p[klen] == '=' && !strncmp(p, key, klen)) {
			n = (size_t)(end - p) - klen - 1;
			if (!len || n >= len)
				return NULL;
			memcpy(buf, p + klen + 1, n);
			buf[n] = 0;
			return buf;
		}
		p = end;
	}
	return NULL;
}
