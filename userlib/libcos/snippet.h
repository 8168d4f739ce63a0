/* SPDX-License-Identifier: GPL-2.0 */
/*
 * snippet.h - small position-independent machine-code components written
 * in assembly inside a host program (benchmarks, tests). In a .S file:
 *
 *	SNIPPET name
 *	  ...code using only RIP-relative addressing...
 *	name_label:			(an instruction of interest)
 *	SNIPPET_MARK name, label	(exports its offset: name_label_off)
 *	SNIPPET_END name
 *
 * In C: COS_SNIPPET(name); then cos_snippet_start(name), _len(name), and
 * extern const uint64_t name_label_off (an offset from the start).
 */
#ifndef LIBCOS_SNIPPET_H
#define LIBCOS_SNIPPET_H

#ifdef __ASSEMBLER__
.macro SNIPPET name
	.pushsection .rodata.cos_snippets, "a"
	.p2align 4
	.globl \name\()_start
\name\()_start:
.endm

.macro SNIPPET_END name
	.globl \name\()_end
\name\()_end:
	.popsection
.endm

.macro SNIPPET_MARK name, label
	.pushsection .rodata.cos_snippet_marks, "a"
	.p2align 3
	.globl \name\()_\label\()_off
\name\()_\label\()_off:
	.quad \name\()_\label - \name\()_start
	.popsection
.endm
#else
#include <stddef.h>
#include <stdint.h>
#define COS_SNIPPET(name) \
	extern const unsigned char name##_start[], name##_end[]
#define cos_snippet_start(name) ((const void *)name##_start)
#define cos_snippet_len(name) ((size_t)(name##_end - name##_start))
#endif

#endif
