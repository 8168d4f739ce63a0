/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fastpath.h - offsets of the kernel structs fastpath.S reads, checked
 * against sys.h with BUILD_BUG_ON in inv.c. Change both together.
 */
#ifndef COS_FASTPATH_H
#define COS_FASTPATH_H

#include "layout.h"

/* struct cos_thd */
#define COS_THD_COMP		COS_HW_SIZE
#define COS_THD_DEPTH		(COS_HW_SIZE + 8)
#define COS_THD_ID		(COS_HW_SIZE + 16)
#define COS_THD_HANDLER		(COS_HW_SIZE + 24)	/* handlers: nonzero, slow returns */
#define COS_THD_PD		(COS_HW_SIZE + 32)
#define COS_THD_SEQ		(COS_HW_SIZE + 40)
#define COS_THD_FLAGS		(COS_HW_SIZE + 48)	/* u32 */
#define COS_THD_BENCH		(COS_HW_SIZE + 56)
#define COS_THD_INV		(COS_HW_SIZE + 64)

/* struct cos_inv_frame */
#define COS_FR_COMP		0
#define COS_FR_IP		8
#define COS_FR_SP		16
#define COS_FR_FLAGS		24
#define COS_FR_BX		32
#define COS_FR_BP		40
#define COS_FR_R12		48
#define COS_FR_R13		56
#define COS_FR_R14		64
#define COS_FR_R15		72
#define COS_FR_PD		80
#define COS_FR_FS		88
#define COS_FR_PKRU		96
#define COS_FR_SIZE		104

/* struct cos_bench_lb */
#define COS_LB_CR3		0

/* struct cos_comp */
#define COS_COMP_PD		0
#define COS_COMP_CAPS		8
#define COS_COMP_NR_CAPS	16
#define COS_COMP_ID		24
#define COS_COMP_BASE		32
#define COS_COMP_END		40

/* struct cos_pd */
#define COS_PD_PA		0

/* struct cos_cap */
#define COS_CAP_SERVER		0
#define COS_CAP_ENTRY		8
#define COS_CAP_INVOCATIONS	16
#define COS_CAP_SIZE		40

#endif
