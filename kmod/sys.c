// SPDX-License-Identifier: GPL-2.0
/*
 * sys.c - lifetime of a component system and its page budget.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/err.h>
#include <linux/uaccess.h>
#include <linux/bitmap.h>
#include <linux/nospec.h>
#include "sys.h"
#include "stats.h"
#include "io.h"
#include "paging.h"
#include "comp.h"
#include "thd.h"
#include "pd.h"
#include "sched.h"
#include "counters.h"

unsigned int cos_max_pages = 16384;
module_param_named(max_pages, cos_max_pages, uint, 0644);
MODULE_PARM_DESC(max_pages,
	"Pages (4 KiB) one component system may use for memory, page tables and protection domains (default 16384 = 64 MiB)");

unsigned int cos_max_pages_limit = 262144;
module_param_named(max_pages_limit, cos_max_pages_limit, uint, 0644);
MODULE_PARM_DESC(max_pages_limit,
	"Largest page budget a system may ask for with COS_SYS_CONFIG (default 262144 = 1 GiB)");

long cos_ioctl_sys_config(struct cos_sys *sys, void __user *arg)
{
	struct cos_sys_config c;
	long err = 0;

	if (copy_from_user(&c, arg, sizeof(c)))
		return -EFAULT;
	if (c.reserved[0] || c.reserved[1] || c.reserved[2] ||
	    c.max_pages > READ_ONCE(cos_max_pages_limit))
		return -EINVAL;
	mutex_lock(&sys->lock);
	if (sys->nr_comps || sys->pages)
		err = -EBUSY;
	else if (c.max_pages)
		sys->max_pages = c.max_pages;
	mutex_unlock(&sys->lock);
	return err;
}

struct cos_sys *cos_sys_create(void)
{
	struct cos_sys *sys = kzalloc(sizeof(*sys), GFP_KERNEL_ACCOUNT);

	if (!sys)
		return NULL;
	if (!zalloc_cpumask_var(&sys->resync, GFP_KERNEL_ACCOUNT)) {
		kfree(sys);
		return NULL;
	}
	mutex_init(&sys->lock);
	INIT_LIST_HEAD(&sys->retired);
	cos_sched_init(sys);
	sys->max_pages = READ_ONCE(cos_max_pages);
	atomic64_inc(&cos_stats.systems);
	return sys;
}

void cos_sys_destroy(struct cos_sys *sys)
{
	unsigned int i;

	cos_io_destroy_all(sys);	/* Linux's devices first */
	cos_sched_destroy(sys);		/* its timers */
	for (i = 0; i < COS_MAX_THDS; i++)
		if (sys->thds[i])
			cos_thd_destroy(sys->thds[i]);
	for (i = 0; i < COS_MAX_COMPS; i++)
		if (sys->comps[i])
			cos_comp_destroy(sys, sys->comps[i]);
	cos_pd_free_retired(sys);	/* no thread holds any now */
	WARN_ON_ONCE(!list_empty(&sys->retired));
	cos_cnt_free(sys);
	free_cpumask_var(sys->resync);
	WARN_ON_ONCE(sys->pages);
	bitmap_free(sys->separate);
	mutex_destroy(&sys->lock);
	kfree(sys);
	atomic64_dec(&cos_stats.systems);
}

void *cos_sys_page_alloc(struct cos_sys *sys)
{
	void *p;

	lockdep_assert_held(&sys->lock);
	if (sys->pages >= sys->max_pages)
		return ERR_PTR(-ENOSPC);
	p = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!p)
		return ERR_PTR(-ENOMEM);
	sys->pages++;
	atomic64_inc(&cos_stats.pages);
	return p;
}

void cos_sys_page_free(struct cos_sys *sys, void *page)
{
	free_page((unsigned long)page);
	sys->pages--;
	atomic64_dec(&cos_stats.pages);
}

/**
 * cos_sys_page_get() - one more leaf maps @page (mem.c's ALIAS)
 * @sys:  the system whose budget the page is in (sys->lock held)
 * @page: kernel address of a page from cos_sys_page_alloc
 *
 * The count of extra mappings lives in the page's private word, which is
 * ours: the page is in no page cache, slab or buddy list while we own it,
 * and the allocator zeroes it (post_alloc_hook) before handing it out.
 */
void cos_sys_page_get(struct cos_sys *sys, void *page)
{
	struct page *pg = virt_to_page(page);

	lockdep_assert_held(&sys->lock);
	set_page_private(pg, page_private(pg) + 1);
}

/**
 * cos_sys_page_put() - a leaf that owned @page is gone
 * @sys:  the system (sys->lock held, or its teardown)
 * @page: kernel address of the page
 *
 * Frees the page into the budget at its last mapping, else drops one
 * extra mapping; a page never aliased (every page but the memory
 * mapper's shares) is freed at once, as before.
 */
void cos_sys_page_put(struct cos_sys *sys, void *page)
{
	struct page *pg = virt_to_page(page);

	if (page_private(pg))
		set_page_private(pg, page_private(pg) - 1);
	else
		cos_sys_page_free(sys, page);
}

/*
 * After a COS_EXIT_MCE (exit.c), Linux's recovery ran when that RUN
 * returned to the host: memory_failure() marked the page poisoned. Before
 * the next RUN, take every poisoned page out of the components' tables, so
 * that touching it again is a contained #PF, not another machine check.
 * Only while no thread of the system runs (then no CPU caches their
 * translations, see cos_pt_poison_sweep); a RUN that starts beside a
 * running thread leaves the sweep to a later one. A RUN that comes before
 * the recovery ran (another host thread) may miss the page: its next
 * access is one more COS_EXIT_MCE, and the sweep after that takes it out.
 */
void cos_sys_mce_sweep(struct cos_sys *sys)
{
	unsigned long n = 0;
	unsigned int i;

	if (likely(!READ_ONCE(sys->mce_pending)))
		return;
	mutex_lock(&sys->lock);
	if (sys->mce_pending && !sys->nr_running) {
		for (i = 0; i < COS_MAX_COMPS; i++)
			if (sys->comps[i])
				n += cos_pt_poison_sweep(sys->comps[i]->pt_root);
		WRITE_ONCE(sys->mce_pending, false);
	}
	mutex_unlock(&sys->lock);
	if (n) {
		atomic64_add(n, &cos_stats.poisoned);
		pr_warn_ratelimited("cos: %lu poisoned page(s) taken out of the components after a machine check\n", n);
	}
}

/*
 * Ids come from the host or from components, as whole words (a high bit
 * is never dropped into a valid id): each is bounds-checked and then
 * clamped for speculation (Spectre v1) before it indexes a table.
 */
struct cos_comp *cos_comp_get(struct cos_sys *sys, unsigned long id)
{
	lockdep_assert_held(&sys->lock);
	if (id >= COS_MAX_COMPS)
		return NULL;
	return sys->comps[array_index_nospec(id, COS_MAX_COMPS)];
}

struct cos_thd *cos_thd_get(struct cos_sys *sys, unsigned long id)
{
	struct cos_thd *thd;

	lockdep_assert_held(&sys->lock);
	if (id >= COS_MAX_THDS)
		return NULL;
	thd = sys->thds[array_index_nospec(id, COS_MAX_THDS)];
	if (!thd || thd->state == COS_THD_RECYCLED)
		return NULL;
	return thd;
}
