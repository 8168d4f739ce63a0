// SPDX-License-Identifier: GPL-2.0
/*
 * comp.c - components (comp.h): creation in a slot, memory mapping,
 * reading and writing their memory from the kernel (the print op, the
 * edge rows of COS_OP_EDGES, the scheduler's event buffer).
 */
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/uaccess.h>
#include <linux/err.h>
#include <linux/nospec.h>
#include "sys.h"
#include "paging.h"
#include "comp.h"
#include "cap.h"
#include "pd.h"
#include "args.h"
#include "counters.h"
#include "mem.h"

static int cos_comp_map_captbl(struct cos_sys *sys, struct cos_comp *comp)
{
	/* a page of ours read-only to the component (see cos.h), in the
	 * slot's page tables, which free it */
	void *tbl = cos_pt_map_page(sys, comp->pt_root,
				    comp->base + COS_CAPTBL_REGION, COS_PROT_READ);
	unsigned int i;

	if (IS_ERR(tbl))
		return PTR_ERR(tbl);
	comp->captbl = tbl;
	for (i = 0; i < PAGE_SIZE / sizeof(struct cos_ucap); i++)
		comp->captbl[i].word = COS_UCAP_WORD(i, comp->id);
	return 0;
}

long cos_ioctl_comp_create(struct cos_sys *sys, void __user *arg)
{
	struct cos_comp_create req;
	struct cos_comp *comp;
	unsigned long span = 1UL << cos_slot_shift();
	u32 id;
	long err;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.flags || req.pad || req.slot >= cos_cnt_slot())
		return -EINVAL;		/* the last slot holds the counters */
	req.slot = array_index_nospec(req.slot, cos_cnt_slot());	/* Spectre v1 */

	mutex_lock(&sys->lock);
	err = -EBUSY;
	if (sys->nr_running)
		goto out_unlock;
	err = -EEXIST;
	if (sys->by_slot[req.slot])
		goto out_unlock;
	for (id = 0; id < COS_MAX_COMPS && sys->comps[id]; id++)
		;
	err = -ENOSPC;
	if (id == COS_MAX_COMPS)
		goto out_unlock;
	err = -ENOMEM;
	comp = kzalloc(sizeof(*comp), GFP_KERNEL_ACCOUNT);
	if (!comp)
		goto out_unlock;
	comp->id = id;
	comp->slot = req.slot;
	init_rwsem(&comp->mm_sem);
	comp->base = (unsigned long)req.slot << cos_slot_shift();
	comp->end = min(comp->base + span, cos_user_va_end());
	err = cos_cnt_comp_init(sys, comp);	/* counters.c: before any PD */
	if (err)
		goto out_free;	/* its counter pages go with the system */

	comp->pt_root = cos_sys_page_alloc(sys);
	if (IS_ERR(comp->pt_root)) {
		err = PTR_ERR(comp->pt_root);
		goto out_free;
	}
	comp->pd = cos_pd_create(sys, comp);
	if (IS_ERR(comp->pd)) {
		err = PTR_ERR(comp->pd);
		goto out_root;
	}
	err = cos_args_map_comp(sys, comp);
	if (err)
		goto out_pd;
	err = cos_comp_map_captbl(sys, comp);
	if (err)
		goto out_pd;

	req.id = id;
	req.base = comp->base;
	req.end = comp->end;
	err = -EFAULT;
	if (copy_to_user(arg, &req, sizeof(req)))
		goto out_pd;
	sys->comps[id] = comp;
	sys->by_slot[req.slot] = comp;
	sys->nr_comps++;
	mutex_unlock(&sys->lock);
	return 0;

out_pd:
	cos_pd_free(sys, comp->pd);
out_root:
	cos_pt_free(sys, comp->pt_root);
out_free:
	kfree(comp);
out_unlock:
	mutex_unlock(&sys->lock);
	return err;
}

void cos_comp_destroy(struct cos_sys *sys, struct cos_comp *comp)
{
	cos_pd_leave(sys, comp);
	cos_pt_free(sys, comp->pt_root);
	kfree(comp->caps);
	sys->comps[comp->id] = NULL;
	sys->by_slot[comp->slot] = NULL;
	sys->nr_comps--;
	kfree(comp);
}

static int cos_map_validate(const struct cos_mem_map *m)
{
	if (m->prot & ~(COS_PROT_READ | COS_PROT_WRITE | COS_PROT_EXEC))
		return -EINVAL;
	if ((m->prot & COS_PROT_WRITE) && (m->prot & COS_PROT_EXEC))
		return -EINVAL;		/* W^X */
	if (!m->len || !PAGE_ALIGNED(m->addr) || !PAGE_ALIGNED(m->len))
		return -EINVAL;
	if (m->addr + m->len < m->addr)
		return -EINVAL;
	if (m->src_len > m->len || (m->src_len && !m->src))
		return -EINVAL;
	return 0;
}

/* Unmap and free what a failed COS_MEM_MAP had done so far. */
static void cos_map_unwind(struct cos_sys *sys, struct cos_comp *comp,
			   const struct cos_mem_map *m, void **pages,
			   unsigned long n, unsigned long installed)
{
	unsigned long i;

	for (i = 0; i < installed; i++)
		WRITE_ONCE(*cos_pt_lookup(NULL, comp->pt_root,
					  m->addr + i * PAGE_SIZE), 0);
	for (i = 0; i < n; i++)
		cos_sys_page_free(sys, pages[i]);
}

long cos_ioctl_mem_map(struct cos_sys *sys, void __user *arg)
{
	struct cos_mem_map m;
	struct cos_comp *comp;
	unsigned long n, i, done = 0, installed = 0;
	void **pages;
	u64 flags;
	long err;

	if (copy_from_user(&m, arg, sizeof(m)))
		return -EFAULT;
	err = cos_map_validate(&m);
	if (err)
		return err;
	n = m.len >> PAGE_SHIFT;

	mutex_lock(&sys->lock);
	err = -ENOENT;
	comp = cos_comp_get(sys, m.comp);
	if (!comp)
		goto out_unlock;
	err = -EBUSY;
	if (sys->nr_running)
		goto out_unlock;
	err = -EINVAL;
	if (m.addr < comp->base || m.addr + m.len > comp->end ||
	    cos_args_overlap(comp, m.addr, m.len) ||
	    cos_mem_overlap(comp, m.addr, m.len) ||
	    (m.addr < comp->base + COS_CAPTBL_REGION + PAGE_SIZE &&
	     m.addr + m.len > comp->base + COS_CAPTBL_REGION))
		goto out_unlock;
	err = -ENOSPC;
	if (n > sys->max_pages - sys->pages)
		goto out_unlock;
	for (i = 0; i < n; i++) {
		u64 *pte = cos_pt_lookup(NULL, comp->pt_root,
					 m.addr + i * PAGE_SIZE);
		err = pte && (*pte & COS_PTE_POISON) ? -EHWPOISON : -EEXIST;
		if (pte && (*pte & (_PAGE_PRESENT | COS_PTE_POISON)))
			goto out_unlock;
	}

	err = -ENOMEM;
	pages = kvcalloc(n, sizeof(*pages), GFP_KERNEL_ACCOUNT);
	if (!pages)
		goto out_unlock;
	for (done = 0; done < n; done++) {
		pages[done] = cos_sys_page_alloc(sys);
		if (IS_ERR(pages[done])) {
			err = PTR_ERR(pages[done]);
			goto out_unwind;
		}
	}
	for (i = 0; i * PAGE_SIZE < m.src_len; i++) {
		size_t chunk = min_t(u64, PAGE_SIZE, m.src_len - i * PAGE_SIZE);

		err = -EFAULT;
		if (copy_from_user(pages[i], u64_to_user_ptr(m.src + i * PAGE_SIZE),
				   chunk))
			goto out_unwind;
	}
	flags = cos_pte_flags(m.prot);
	for (installed = 0; installed < n; installed++) {
		u64 *pte = cos_pt_lookup(sys, comp->pt_root,
					 m.addr + installed * PAGE_SIZE);
		if (IS_ERR(pte)) {
			err = PTR_ERR(pte);
			goto out_unwind;
		}
		err = cos_pte_install(pte, pages[installed], flags);
		if (err)
			goto out_unwind;
	}
	kvfree(pages);
	mutex_unlock(&sys->lock);
	return 0;

out_unwind:
	cos_map_unwind(sys, comp, &m, pages, done, installed);
	kvfree(pages);
out_unlock:
	mutex_unlock(&sys->lock);
	return err;
}

/*
 * Copy between @buf and @len bytes at component address @va: from the
 * component's memory, or (@write) into it where the component may write
 * itself. -EFAULT for anything unmapped. Only comp->mm_sem, for reading:
 * while the system runs its page tables gain entries, each table zeroed
 * before it is linked (x86 keeps stores in order), so a leaf that appears
 * meanwhile is seen or not; leaves go only in the memory mapper's window,
 * under mm_sem for writing (mem.h), and no table goes before the system.
 */
static int cos_comp_copy_locked(struct cos_comp *comp, unsigned long va,
				void *buf, size_t len, bool write)
{
	u64 need = _PAGE_PRESENT | (write ? _PAGE_RW | _PAGE_USER : 0);

	while (len) {
		size_t off = offset_in_page(va);
		size_t chunk = min_t(size_t, len, PAGE_SIZE - off);
		u64 *pte = cos_pt_lookup(NULL, comp->pt_root, va);
		u64 e = pte ? READ_ONCE(*pte) : 0;
		char *page;

		if ((e & need) != need)
			return -EFAULT;
		page = (char *)__va(e & PTE_PFN_MASK) + off;
		if (write)
			memcpy(page, buf, chunk);
		else
			memcpy(buf, page, chunk);
		buf += chunk;
		va += chunk;
		len -= chunk;
	}
	return 0;
}

static int cos_comp_copy(struct cos_comp *comp, unsigned long va, void *buf,
			 size_t len, bool write)
{
	int err;

	if (va < comp->base || va > comp->end || len > comp->end - va)
		return -EFAULT;
	down_read(&comp->mm_sem);
	err = cos_comp_copy_locked(comp, va, buf, len, write);
	up_read(&comp->mm_sem);
	return err;
}

int cos_comp_read(struct cos_comp *comp, unsigned long va, void *buf,
		  size_t len)
{
	return cos_comp_copy(comp, va, buf, len, false);
}

int cos_comp_write(struct cos_comp *comp, unsigned long va, const void *buf,
		   size_t len)
{
	return cos_comp_copy(comp, va, (void *)buf, len, true);
}
