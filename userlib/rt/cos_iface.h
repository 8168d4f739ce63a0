/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cos_iface.h - interfaces between components, and their stubs.
 *
 * An interface header lists its functions once, as an X-macro:
 *
 *	#define CALC_IFACE(FN) \
 *		FN(calc, add, 2) \
 *		FN(calc, div, 2)
 *
 * Every function takes 0-4 word (long) arguments and returns a long.
 *
 * A client does COS_IFACE_CLIENT(CALC_IFACE) once and calls calc_add(a, b)
 * like any function. Each call invokes the capability whose id the loader
 * wrote into the word __cos_cap_calc_add (one capability per function);
 * a negative return is a COS_ERR_* from the kernel (no such capability,
 * invocation stack full, the server faulted) or the server's own result.
 *
 * A server does COS_IFACE_SERVER(CALC_IFACE) once and defines
 * long calc_add(long a, long b). The loader points capabilities at
 * __cos_entry_calc_add, a stub that takes a stack from the component's
 * stack pool, calls the function and returns its result, and gives the
 * kernel calc_add itself for calls inside one PD (which run on the
 * caller's stack). A function that needs to know its caller takes
 * COS_CALLER_PARAMS(n) after its n arguments and reads cos_caller():
 *
 *	long calc_whoami(COS_CALLER_PARAMS(0)) { return cos_caller(); }
 *	long calc_scale(long a, COS_CALLER_PARAMS(1)) { ... }
 *
 * (the caller's id arrives as the fifth argument either way).
 */
#ifndef COS_IFACE_H
#define COS_IFACE_H

#include "cos.h"
#include "cos_stacks.h"

/* Argument lists of arity 0-4. */
#define COS_ARGS_0
#define COS_ARGS_1 long a0
#define COS_ARGS_2 long a0, long a1
#define COS_ARGS_3 long a0, long a1, long a2
#define COS_ARGS_4 long a0, long a1, long a2, long a3
#define COS_PASS_0 0, 0, 0, 0
#define COS_PASS_1 a0, 0, 0, 0
#define COS_PASS_2 a0, a1, 0, 0
#define COS_PASS_3 a0, a1, a2, 0
#define COS_PASS_4 a0, a1, a2, a3

/*
 * Client stubs. Per function, a read-only word with the capability id
 * (written by the loader before it maps the image) selects the entry of
 * the component's capability table (a read-only page the kernel writes,
 * see cos.h). The call counts itself in the entry's counter and calls the
 * entry's function with the entry's word as a fifth argument: that is the
 * inter-PD stub cos_inv_stub (which takes the count back: the kernel
 * counts those) or, while client and server share a PD, the server
 * function itself, and the call costs an increment and an indirect call.
 * The increment is atomic so that threads on several CPUs calling through
 * one entry lose no count.
 */
typedef long (*cos_ucap_fn)(long, long, long, long, unsigned long);
extern const volatile unsigned long cos_captbl_addr;	/* set by the loader */
long cos_inv_stub(long a0, long a1, long a2, long a3, unsigned long word);

static inline long cos_call(unsigned long id, long a0, long a1, long a2,
			    long a3)
{
	const struct cos_ucap *u = (const struct cos_ucap *)cos_captbl_addr + id;
	struct cos_ucount *n = (struct cos_ucount *)
		((unsigned long)u + (COS_CAPCNT_REGION - COS_CAPTBL_REGION));

	__atomic_fetch_add(&n->calls, 1, __ATOMIC_RELAXED);
	return ((cos_ucap_fn)u->fn)(a0, a1, a2, a3, u->word);
}

#define COS_CLIENT_FN(iface, fn, n)					\
	const volatile unsigned long __cos_cap_##iface##_##fn		\
		__attribute__((used, section(".rodata.cos_caps"))) = -1UL; \
	long iface##_##fn(COS_ARGS_##n)					\
	{								\
		return cos_call(__cos_cap_##iface##_##fn, COS_PASS_##n); \
	}
#define COS_IFACE_CLIENT(IFACE) IFACE(COS_CLIENT_FN)

/* Declarations, for either side. */
#define COS_DECL_FN(iface, fn, n) long iface##_##fn(COS_ARGS_##n);
#define COS_IFACE_DECLARE(IFACE) IFACE(COS_DECL_FN)

/*
 * Server entry stub. Enters with RSP = 0 (see the invocation ABI in
 * cos.h): claim a stack from the pool bitmap without a stack (lock bts),
 * call the function with RDI, RSI, RDX, R10 as its arguments and R8 (the
 * caller) in cos_cpu-less storage: the first word of the stack's frame,
 * release the stack (lock btr), return the result. No stack free:
 * COS_ERR_NOSTACK to the caller.
 */
#define COS_SERVER_FN(iface, fn, n)					\
	asm(".pushsection .text\n"					\
	    ".globl __cos_entry_" #iface "_" #fn "\n"			\
	    "__cos_entry_" #iface "_" #fn ":\n"				\
	    "	leaq " #iface "_" #fn "(%rip), %r11\n"			\
	    "	jmp cos_server_entry\n"					\
	    ".popsection\n");
#define COS_IFACE_SERVER(IFACE) IFACE(COS_SERVER_FN)


/*
 * A component's fault handler: long fn(long vector, long address, long ip,
 * long error). When the component faults inside an invocation, fn runs
 * (on a pool stack) and its return value is what the caller gets. At most
 * one per component; the loader registers it.
 */
#define COS_FAULT_HANDLER_FN(fn)						\
	long fn(long, long, long, long);				\
	asm(".pushsection .text\n"					\
	    ".globl __cos_fault_entry\n"				\
	    "__cos_fault_entry:\n"					\
	    "	leaq " #fn "(%rip), %r11\n"				\
	    "	jmp cos_server_entry\n"					\
	    ".popsection\n");

/* The caller's component id, in a function with COS_CALLER_PARAMS(n). */
#define COS_UNUSED __attribute__((unused))
#define COS_CALLER_PARAMS_0 COS_UNUSED long __cos_p0, COS_CALLER_PARAMS_1
#define COS_CALLER_PARAMS_1 COS_UNUSED long __cos_p1, COS_CALLER_PARAMS_2
#define COS_CALLER_PARAMS_2 COS_UNUSED long __cos_p2, COS_CALLER_PARAMS_3
#define COS_CALLER_PARAMS_3 COS_UNUSED long __cos_p3, COS_CALLER_PARAMS_4
#define COS_CALLER_PARAMS_4 unsigned long __cos_from
#define COS_CALLER_PARAMS(n) COS_CALLER_PARAMS_##n
#define cos_caller() ((long)(unsigned int)__cos_from)

/*
 * The thread running this code: kept in the header at the top of every
 * stack a thread runs on (its own stack, and pool stacks), so it is right
 * in server functions called directly inside one PD too.
 */
long cos_thread(void);

/*
 * Argument regions (see cos.h): a thread's COS_ARG_SIZE bytes, at the same
 * place for it in every component. In a server function cos_args() gives
 * the calling thread's region; in cos_main it is the data argument.
 * cos_arg_write/read copy in and out with bounds checks.
 */
#define COS_ERR_BOUNDS	(-7)	/* -E2BIG: outside the argument region */
void *cos_args(void);

static inline long cos_arg_write(void *region, unsigned long off,
				 const void *src, unsigned long len)
{
	if (off > COS_ARG_SIZE || len > COS_ARG_SIZE - off)
		return COS_ERR_BOUNDS;
	__builtin_memcpy((char *)region + off, src, len);
	return 0;
}

static inline long cos_arg_read(const void *region, unsigned long off,
				void *dst, unsigned long len)
{
	if (off > COS_ARG_SIZE || len > COS_ARG_SIZE - off)
		return COS_ERR_BOUNDS;
	__builtin_memcpy(dst, (const char *)region + off, len);
	return 0;
}

#endif
