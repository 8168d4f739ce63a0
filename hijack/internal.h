/* SPDX-License-Identifier: GPL-2.0 */
/* internal.h - shared between the files of hijack/ only. */
#ifndef COS_HIJACK_INTERNAL_H
#define COS_HIJACK_INTERNAL_H

/* Size of one IDT stub; the 256 stubs form an array in entry.S. */
#define COS_IDT_STUB_SIZE	32

#ifndef __ASSEMBLY__
#include <asm/desc_defs.h>

int cos_hijack_check(void);

int cos_idt_build(void);
void cos_idt_free(void);
extern struct desc_ptr cos_idt_desc;	/* the module's IDT (read-only alias) */
extern struct desc_ptr cos_linux_idt_desc;

/* vectors.c: swap IDTR and the syscall MSRs on this CPU (interrupts off). */
void cos_vectors_install(void);
void cos_vectors_restore(void);

/* session.c */
void cos_session_exit(void);	/* module exit: no session is left */

/* entry.S */
extern const char cos_idt_stubs[];
void cos_entry_syscall32(void);
void cos_entry_sysenter(void);
#endif

#endif
