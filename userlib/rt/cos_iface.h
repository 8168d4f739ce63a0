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
 * (the caller's id, shifted left by 8, arrives as the fifth argument
 * either way).
 */
#ifndef COS_IFACE_H
#define COS_IFACE_H

#include "cos_comp_abi.h"
#include "cos_stacks.h"

/* Argument lists of arity 0-4. */
#define COS_ARGS_0 void
#define COS_ARGS_1 long a0
#define COS_ARGS_2 long a0, long a1
#define COS_ARGS_3 long a0, long a1, long a2
#define COS_ARGS_4 long a0, long a1, long a2, long a3

/*
 * Client stubs. Per function, a read-only word with the capability id
 * (written by the loader before it maps the image) selects the entry of
 * the component's capability table (a read-only page the kernel writes,
 * see cos.h). The call counts itself in the entry's counter and calls the
 * entry's function with the entry's word as a fifth argument: that is the
 * inter-PD stub cos_inv_stub (which takes the count back: the kernel
 * counts those) or, while client and server share a PD, the server
 * function itself, and the call costs an increment and an indirect call.
 * The counter is the client's, in the area of the CPU the thread runs on
 * (GS, see cos.h), so a plain increment loses no count.
 */
extern const unsigned long cos_captbl_addr;	/* set by the loader */
long cos_inv_stub(long a0, long a1, long a2, long a3, unsigned long word);

/* The entry of capability @id. */
#define cos_ucap_of(id) ((const struct cos_ucap *)cos_captbl_addr + (id))

/*
 * cos_call_N(id, a0, .., aN-1): call through entry @id with N arguments
 * in RDI, RSI, RDX, RCX and the entry's word in R8, as a C call would,
 * but without loading the unused argument registers (inline assembly
 * that clobbers what a call clobbers; components have no red zone).
 * The capability id and the table address are constants the loader
 * wrote, so the compiler may keep them in registers; the entry's
 * function is read afresh on every call.
 */
#define COS_COMMA ,
#define COS_CALL_CLOBBERS "r9", "r10", "r11", "memory", "cc"
#define COS_CALL_BODY(outs, ...)					\
	const struct cos_ucap *u = cos_ucap_of(id);			\
	register unsigned long r8 asm("r8") = u->word;			\
	long ret;							\
									\
	asm volatile("incq %%gs:(,%[w],8)\n\t"	/* the counter (cos.h) */ \
		     "call *%[fn]"					\
		     : "=a"(ret), [w] "+r"(r8) outs			\
		     : [fn] "m"(u->fn)					\
		     : __VA_ARGS__);					\
	return ret

static inline long cos_call_0(unsigned long id)
{
	COS_CALL_BODY(, "rdi", "rsi", "rdx", "rcx", COS_CALL_CLOBBERS);
}

static inline long cos_call_1(unsigned long id, long a0)
{
	register long rdi asm("rdi") = a0;
	COS_CALL_BODY(COS_COMMA "+r"(rdi), "rsi", "rdx", "rcx", COS_CALL_CLOBBERS);
}

static inline long cos_call_2(unsigned long id, long a0, long a1)
{
	register long rdi asm("rdi") = a0;
	register long rsi asm("rsi") = a1;
	COS_CALL_BODY(COS_COMMA "+r"(rdi) COS_COMMA "+r"(rsi), "rdx", "rcx",
		      COS_CALL_CLOBBERS);
}

static inline long cos_call_3(unsigned long id, long a0, long a1, long a2)
{
	register long rdi asm("rdi") = a0;
	register long rsi asm("rsi") = a1;
	register long rdx asm("rdx") = a2;
	COS_CALL_BODY(COS_COMMA "+r"(rdi) COS_COMMA "+r"(rsi) COS_COMMA "+r"(rdx),
		      "rcx", COS_CALL_CLOBBERS);
}

static inline long cos_call_4(unsigned long id, long a0, long a1, long a2,
			      long a3)
{
	register long rdi asm("rdi") = a0;
	register long rsi asm("rsi") = a1;
	register long rdx asm("rdx") = a2;
	register long rcx asm("rcx") = a3;
	COS_CALL_BODY(COS_COMMA "+r"(rdi) COS_COMMA "+r"(rsi) COS_COMMA "+r"(rdx)
		      COS_COMMA "+r"(rcx), COS_CALL_CLOBBERS);
}

/*
 * Per function, the capability id: a read-only word the loader patches
 * before it maps the image, defined in assembly so that the compiler
 * cannot fold its placeholder value.
 */
#define COS_CLIENT_CAP(iface, fn)					\
	extern const unsigned long __cos_cap_##iface##_##fn;		\
	asm(".pushsection .rodata.cos_caps, \"a\"\n"			\
	    ".p2align 3\n"						\
	    ".globl __cos_cap_" #iface "_" #fn "\n"			\
	    "__cos_cap_" #iface "_" #fn ": .quad -1\n"			\
	    ".popsection\n");
#define COS_CLIENT_FN(iface, fn, n)					\
	COS_CLIENT_CAP(iface, fn)					\
	long iface##_##fn(COS_ARGS_##n)					\
	{								\
		return cos_call_##n(__cos_cap_##iface##_##fn COS_PASSN_##n); \
	}
#define COS_PASSN_0
#define COS_PASSN_1 , a0
#define COS_PASSN_2 , a0, a1
#define COS_PASSN_3 , a0, a1, a2
#define COS_PASSN_4 , a0, a1, a2, a3
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
#define cos_caller() ((long)(__cos_from >> 8))

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
