/* SPDX-License-Identifier: GPL-2.0 */
/*
 * layout.h - offsets shared by entry.S and C. Checked against the C structs
 * with BUILD_BUG_ON in vectors.c; change both together.
 */
#ifndef COS_HIJACK_LAYOUT_H
#define COS_HIJACK_LAYOUT_H

/* struct cos_hw_regs: the order the entry code pushes (like pt_regs) */
#define COS_HW_R15	(0 * 8)
#define COS_HW_RDI	(14 * 8)
#define COS_HW_VECTOR	(15 * 8)
#define COS_HW_ERROR	(16 * 8)
#define COS_HW_RIP	(17 * 8)
#define COS_HW_CS	(18 * 8)
#define COS_HW_RFLAGS	(19 * 8)
#define COS_HW_RSP	(20 * 8)
#define COS_HW_SS	(21 * 8)
#define COS_HW_SIZE	(22 * 8)

/* struct cos_cpu (per CPU, reached through %gs after swapgs) */
#define COS_CPU_REGS_END	0
#define COS_CPU_HOST_RSP	8
#define COS_CPU_SCRATCH		16
#define COS_CPU_USER_GS		32
#define COS_CPU_THD		40
#define COS_CPU_PCID		48

/* Size of one IDT stub; the stubs form an array in entry.S. */
#define COS_IDT_STUB_SIZE	32

/* Pseudo-vectors, as in the uapi header. */
#define COS_HW_VEC_SYSCALL	256
#define COS_HW_VEC_SYSCALL32	257
#define COS_HW_VEC_SYSENTER	258

#define COS_HW_OP_INVOKE	4	/* COS_OP_INVOKE: kmod/fastpath.S */
#define COS_HW_OP_RETURN	5	/* COS_OP_RETURN */
#define COS_HW_OP_BENCH_LB	15	/* COS_OP_BENCH_LB in the uapi */

#endif
