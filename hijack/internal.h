/* SPDX-License-Identifier: GPL-2.0 */
/* internal.h - shared between the files of hijack/ only. */
#ifndef COS_HIJACK_INTERNAL_H
#define COS_HIJACK_INTERNAL_H

#include <asm/desc_defs.h>

int cos_hijack_check(void);

int cos_idt_build(void);
void cos_idt_free(void);
extern struct desc_ptr cos_idt_desc;	/* the module's IDT (read-only alias) */
extern struct desc_ptr cos_linux_idt_desc;

/* entry.S */
extern const char cos_idt_stubs[];
void cos_entry_syscall(void);
void cos_entry_syscall32(void);
void cos_entry_sysenter(void);

#endif
