// SPDX-License-Identifier: GPL-2.0
/*
 * idt.c - the module's IDT: a copy of Linux's whose every gate points to a
 * stub in entry.S, with the same type, DPL and IST index as Linux's gate.
 * A stub sends kernel-mode entries on to the Linux handler recorded here.
 */
#define pr_fmt(fmt) "cos: " fmt

#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <asm/desc.h>
#include <asm/segment.h>
#include "hijack.h"
#include "internal.h"

/* Linux's handler per vector; read by the stubs in entry.S. */
unsigned long cos_linux_handlers[IDT_ENTRIES] __ro_after_init;

struct desc_ptr cos_idt_desc;
struct desc_ptr cos_linux_idt_desc;

static struct page *cos_idt_page;
static void *cos_idt_ro;

unsigned long cos_linux_handler(unsigned int vector)
{
	return cos_linux_handlers[vector & (IDT_ENTRIES - 1)];
}

static void cos_gate_set_offset(gate_desc *g, unsigned long addr)
{
	g->offset_low = (u16)addr;
	g->offset_middle = (u16)(addr >> 16);
	g->offset_high = (u32)(addr >> 32);
}

int cos_idt_build(void)
{
	const gate_desc *linux_idt;
	gate_desc *idt;
	struct desc_ptr dt;
	unsigned int v;

	store_idt(&dt);
	if (dt.size != IDT_ENTRIES * sizeof(gate_desc) - 1) {
		pr_err("refusing to load: unexpected IDT limit %#x\n", dt.size);
		return -EOPNOTSUPP;
	}
	linux_idt = (const gate_desc *)dt.address;

	cos_idt_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!cos_idt_page)
		return -ENOMEM;
	idt = page_address(cos_idt_page);

	for (v = 0; v < IDT_ENTRIES; v++) {
		gate_desc g = linux_idt[v];

		cos_linux_handlers[v] = gate_offset(&g);
		if (g.bits.p && g.segment != __KERNEL_CS) {
			pr_err("refusing to load: IDT vector %u has segment %#x\n",
			       v, g.segment);
			__free_page(cos_idt_page);
			return -EOPNOTSUPP;
		}
		if (g.bits.p)
			cos_gate_set_offset(&g, (unsigned long)cos_idt_stubs +
					    v * COS_IDT_STUB_SIZE);
		idt[v] = g;
	}

	/* Load a read-only alias, as Linux does with its own IDT. */
	cos_idt_ro = vmap(&cos_idt_page, 1, VM_MAP, PAGE_KERNEL_RO);
	if (!cos_idt_ro) {
		__free_page(cos_idt_page);
		return -ENOMEM;
	}
	cos_idt_desc.address = (unsigned long)cos_idt_ro;
	cos_idt_desc.size = dt.size;
	cos_linux_idt_desc = dt;
	return 0;
}

void cos_idt_free(void)
{
	vunmap(cos_idt_ro);
	__free_page(cos_idt_page);
}
