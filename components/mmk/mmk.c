// SPDX-License-Identifier: GPL-2.0
/* mmk - COS_OP_MEM for its callers (components/interfaces/mmk.h). */
#include "cos_rt.h"
#include "bare.h"
#include "cos_mm.h"
#include "mmk.h"

COS_IFACE_SERVER(MMK_IFACE)

long mmk_op(void)
{
	const unsigned long *w = cos_args();

	return cos_mem_op(w[0], w[1], w[2], w[3], w[4], w[5]);
}

long cos_main(unsigned long base, unsigned long data)
{
	(void)base;
	(void)data;
	return 0;
}
