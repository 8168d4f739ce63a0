// SPDX-License-Identifier: GPL-2.0
/*
 * cap.c - capabilities: a client component's right to invoke a server at
 * one entry. Kept in the client's table, indexed by the capability id the
 * client passes to COS_OP_INVOKE; an id the client does not hold is
 * refused by the invocation path, whatever its value.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "sys.h"
#include "comp.h"
#include "cap.h"
#include "counters.h"
#include "stats.h"

/*
 * Point a user-level entry where it belongs now: the server function while
 * both share a PD (and the capability has one), the client's stub
 * otherwise. One 8-byte store: a racing call sees either (cos.h). Callers
 * order it against PD changes (mpd.c).
 */
void cos_cap_flip(struct cos_comp *client, unsigned int id)
{
	struct cos_cap *cap = &client->caps[id];
	unsigned long fn = cap->stub;

	if (cap->direct && cap->server->pd == client->pd)
		fn = cap->direct;
	WRITE_ONCE(client->captbl[id].fn, fn);
}

/* Point entry @id at the client's stub, whatever the PDs. */
void cos_cap_stub(struct cos_comp *client, unsigned int id)
{
	WRITE_ONCE(client->captbl[id].fn, client->caps[id].stub);
}

/*
 * Entries the client does not hold point at its stub (once it has one),
 * so calling through them gets COS_ERR_NOCAP from the kernel rather than
 * a jump to address 0. (Their words were written with the table.)
 */
static void cos_captbl_fill(struct cos_comp *client, unsigned long stub)
{
	unsigned int i;

	for (i = client->nr_caps; stub && i < PAGE_SIZE / sizeof(struct cos_ucap); i++)
		WRITE_ONCE(client->captbl[i].fn, stub);
}

long cos_ioctl_fault_handler(struct cos_sys *sys, void __user *arg)
{
	struct cos_fault_handler req;
	struct cos_comp *comp;
	long err;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.pad)
		return -EINVAL;
	mutex_lock(&sys->lock);
	err = -ENOENT;
	comp = cos_comp_get(sys, req.comp);
	if (!comp)
		goto out;
	err = -EBUSY;
	if (sys->nr_running)
		goto out;
	err = -EINVAL;
	if (req.entry && (req.entry < comp->base || req.entry >= comp->end))
		goto out;
	comp->fault_entry = req.entry;
	err = 0;
out:
	mutex_unlock(&sys->lock);
	return err;
}

/*
 * Every capability's row, in client then capability order, handed to
 * @emit for the first @max; returns how many rows there are. With @reset
 * each counter is read and zeroed in one exchange. sys->lock held.
 */
static unsigned int cos_edges_walk(struct cos_sys *sys, unsigned int max,
				   bool reset, int (*emit)(void *ctx, unsigned int n,
							   const struct cos_edge *e),
				   void *ctx, int *err)
{
	unsigned int i, n = 0;
	unsigned long c;

	for (i = 0; i < COS_MAX_COMPS && !*err; i++) {
		struct cos_comp *client = sys->comps[i];

		for (c = 0; client && c < client->nr_caps && !*err; c++, n++) {
			struct cos_cap *cap = &client->caps[c];
			struct cos_edge e = {
				.client = client->id, .server = cap->server->id,
				.cap = c,
			};

			if (n >= max)
				continue;	/* count only */
			e.invocations = reset ? xchg(&cap->invocations, 0) :
					READ_ONCE(cap->invocations);
			e.intra = cos_cnt_read(sys, client->id, c, reset);
			/* the runtime nets stub calls out (cos.h): a call in
			 * flight during a reset may show as -1 */
			if ((s64)e.intra < 0)
				e.intra = 0;
			e.invocations += e.intra;
			*err = emit(ctx, n, &e);
		}
	}
	return n;
}

static int cos_edge_to_user(void *ctx, unsigned int n, const struct cos_edge *e)
{
	struct cos_edge __user *rows = ctx;

	return copy_to_user(&rows[n], e, sizeof(*e)) ? -EFAULT : 0;
}

long cos_ioctl_edges(struct cos_sys *sys, void __user *arg)
{
	struct cos_edges req;
	int err = 0;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.pad || (req.flags & ~COS_EDGES_RESET))
		return -EINVAL;
	mutex_lock(&sys->lock);
	req.count = cos_edges_walk(sys, req.max, req.flags & COS_EDGES_RESET,
				   cos_edge_to_user, u64_to_user_ptr(req.rows), &err);
	mutex_unlock(&sys->lock);
	if (!err && copy_to_user(arg, &req, sizeof(req)))
		err = -EFAULT;
	return err;
}

struct cos_edge_sink {
	struct cos_comp *comp;
	unsigned long va;
};

static int cos_edge_to_comp(void *ctx, unsigned int n, const struct cos_edge *e)
{
	struct cos_edge_sink *s = ctx;

	return cos_comp_write(s->comp, s->va + (unsigned long)n * sizeof(*e), e,
			      sizeof(*e));
}

/*
 * COS_OP_EDGES from the policy component @comp: the rows into its own
 * memory at @va (room for @max), the number of rows there are back.
 */
long cos_edges_op(struct cos_sys *sys, struct cos_comp *comp, unsigned long va,
		  unsigned long max, unsigned long flags)
{
	struct cos_edge_sink sink = { comp, va };
	unsigned int n;
	int err = 0;

	if (!comp->policy)
		return -EPERM;
	if (flags & ~COS_EDGES_RESET)
		return -EINVAL;
	mutex_lock(&sys->lock);
	n = cos_edges_walk(sys, min_t(unsigned long, max, UINT_MAX),
			   flags & COS_EDGES_RESET, cos_edge_to_comp, &sink, &err);
	mutex_unlock(&sys->lock);
	/* Not "err ? err : n": that is an unsigned int, and -EFAULT would
	 * reach the component as 4294967282 rows. */
	if (err)
		return err;
	return n;
}

long cos_ioctl_cap_create(struct cos_sys *sys, void __user *arg)
{
	struct cos_cap_create req;
	struct cos_comp *client, *server;
	struct cos_cap *cap;
	long err;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.pad)
		return -EINVAL;

	mutex_lock(&sys->lock);
	err = -ENOENT;
	client = cos_comp_get(sys, req.client);
	server = cos_comp_get(sys, req.server);
	if (!client || !server)
		goto out;
	err = -EBUSY;
	if (sys->nr_running)
		goto out;
	err = -EINVAL;
	if (req.entry < server->base || req.entry >= server->end ||
	    (req.client_fn && (req.client_fn < client->base ||
			       req.client_fn >= client->end)) ||
	    (req.server_fn && (!req.client_fn || req.server_fn < server->base ||
			       req.server_fn >= server->end)))
		goto out;
	err = -ENOSPC;
	if (client->nr_caps == COS_MAX_CAPS)
		goto out;
	err = -ENOMEM;
	if (!client->caps) {
		client->caps = kcalloc(COS_MAX_CAPS, sizeof(*client->caps),
				       GFP_KERNEL_ACCOUNT);
		if (!client->caps)
			goto out;
	}
	req.id = client->nr_caps;
	err = -EFAULT;
	if (copy_to_user(arg, &req, sizeof(req)))
		goto out;
	cap = &client->caps[req.id];
	cap->entry = req.entry;
	cap->server = server;
	cap->stub = req.client_fn;
	cap->direct = req.server_fn;
	client->nr_caps++;
	cos_captbl_fill(client, req.client_fn);
	cos_cap_flip(client, req.id);
	err = 0;
out:
	mutex_unlock(&sys->lock);
	return err;
}
