// SPDX-License-Identifier: GPL-2.0
/*
 * ustate.c - the user CPU state of an activation: FS/GS base and PKRU
 * of every thread, the per-activation FPU states of COS_THD_FPU threads
 * (ustate.h).
 */
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <asm/fpu/api.h>
#include <asm/fpu/xcr.h>
#include <asm/cpufeature.h>
#include <asm/processor.h>
#include <asm/fsgsbase.h>
#include <asm/special_insns.h>
#include <asm/msr.h>
#include "thd.h"
#include "ustate.h"

/* ---- FS base, GS base, PKRU ------------------------------------------- */

void cos_ustate_reset(struct cos_thd *thd)
{
	thd->fs_base = 0;
	thd->pkru = 0;
	if (thd->flags & COS_THD_FPU)
		cos_fpu_reset(thd, thd->depth);
}

/*
 * Into the registers at every entry into component mode (interrupts
 * off): @thd's FS base and PKRU (thd, or the frames of inv.c), and the
 * kernel's GS base @gs. Whatever a component did to these registers never
 * reaches another activation: fastpath.S does the same for the
 * invocations it handles.
 */
void cos_ustate_load(struct cos_thd *thd, unsigned long gs)
{
	bool fsgsbase = cpu_feature_enabled(X86_FEATURE_FSGSBASE);

	if (fsgsbase)
		wrfsbase(thd->fs_base);
	else
		wrmsrl(MSR_FS_BASE, thd->fs_base);
	/* The user GS base, inactive while in the kernel: with FSGSBASE the
	 * way Linux writes it (swapgs, wrgsbase, swapgs; interrupts are
	 * off, and a paranoid NMI entry copes with either GS), else the MSR. */
	if (fsgsbase)
		asm volatile("swapgs; wrgsbase %0; swapgs" : : "r"(gs) : "memory");
	else
		wrmsrl(MSR_KERNEL_GS_BASE, gs);
	if (cpu_feature_enabled(X86_FEATURE_OSPKE) && rdpkru() != thd->pkru)
		wrpkru(thd->pkru);	/* a write costs more than a read */
}

/* ... and back into @thd at every exit (interrupts off). */
void cos_ustate_save(struct cos_thd *thd)
{
	if (cpu_feature_enabled(X86_FEATURE_FSGSBASE))
		thd->fs_base = rdfsbase();
	else
		rdmsrl(MSR_FS_BASE, thd->fs_base);
	if (cpu_feature_enabled(X86_FEATURE_OSPKE))
		thd->pkru = rdpkru();
}

/* ---- FPU states ----------------------------------------------------- */

/* The user state components we switch: x87, SSE, AVX, AVX-512. */
#define COS_XFEATURES	(BIT_ULL(0) | BIT_ULL(1) | BIT_ULL(2) | \
			 BIT_ULL(5) | BIT_ULL(6) | BIT_ULL(7))
#define COS_FXSAVE_SIZE	512
#define COS_XSAVE_HDR	(COS_FXSAVE_SIZE + 64)	/* legacy area + header */

static u64 cos_xmask;		/* COS_XFEATURES & XCR0; 0: FXSAVE only */
static unsigned int cos_fpu_size;	/* one area, a multiple of 64 */

/* The legacy area's control words that are not 0 in the init state. */
struct cos_fxregs_head {
	u16 cwd, swd, twd, fop;
	u64 rip, rdp;
	u32 mxcsr, mxcsr_mask;
};

void cos_fpu_init(void)
{
	unsigned int size = COS_FXSAVE_SIZE, i, eax, ebx, ecx, edx;

	cos_xmask = 0;
	if (boot_cpu_has(X86_FEATURE_XSAVE)) {
		cos_xmask = xgetbv(XCR_XFEATURE_ENABLED_MASK) & COS_XFEATURES;
		size = COS_XSAVE_HDR;
		for (i = 2; i < 64; i++) {
			if (!(cos_xmask & BIT_ULL(i)))
				continue;
			/* standard format: size in EAX, offset in EBX */
			cpuid_count(0xd, i, &eax, &ebx, &ecx, &edx);
			size = max(size, ebx + eax);
		}
	}
	cos_fpu_size = ALIGN(size, 64);
}

static void *cos_fpu_area(struct cos_thd *thd, unsigned long depth)
{
	return (char *)thd->fpu + depth * cos_fpu_size;
}

int cos_fpu_alloc(struct cos_thd *thd)
{
	/* depth 0 .. COS_INV_DEPTH_MAX; kvzalloc gives 64-byte alignment
	 * (page or a power-of-two slab of at least 64). */
	thd->fpu = kvzalloc((COS_INV_DEPTH_MAX + 1) * cos_fpu_size,
			    GFP_KERNEL_ACCOUNT);
	if (!thd->fpu)
		return -ENOMEM;
	if (WARN_ON_ONCE((unsigned long)thd->fpu & 63)) {
		kvfree(thd->fpu);
		thd->fpu = NULL;
		return -ENOMEM;
	}
	cos_fpu_reset(thd, 0);
	return 0;
}

void cos_fpu_free(struct cos_thd *thd)
{
	kvfree(thd->fpu);
	thd->fpu = NULL;
}

void cos_fpu_reset(struct cos_thd *thd, unsigned long depth)
{
	struct cos_fxregs_head *h = cos_fpu_area(thd, depth);

	/* XSAVE: XSTATE_BV 0 puts every component in its init state, and
	 * MXCSR comes from the legacy area; FXRSTOR takes all of it. */
	memset(h, 0, cos_xmask ? COS_XSAVE_HDR : COS_FXSAVE_SIZE);
	h->cwd = 0x37f;
	h->mxcsr = 0x1f80;
}

void cos_fpu_enter(struct cos_thd *thd)
{
	void *area = cos_fpu_area(thd, thd->depth);

	kernel_fpu_begin();
	if (cos_xmask)
		asm volatile("xrstor64 %0"
			     : : "m"(*(char *)area), "a"((u32)cos_xmask),
			       "d"((u32)(cos_xmask >> 32))
			     : "memory");
	else
		asm volatile("fxrstor64 %0" : : "m"(*(char *)area) : "memory");
}

void cos_fpu_exit(struct cos_thd *thd)
{
	void *area = cos_fpu_area(thd, thd->depth);

	if (cos_xmask)
		asm volatile("xsave64 %0"
			     : "+m"(*(char *)area)
			     : "a"((u32)cos_xmask), "d"((u32)(cos_xmask >> 32))
			     : "memory");
	else
		asm volatile("fxsave64 %0" : "+m"(*(char *)area) : : "memory");
	kernel_fpu_end();
}
