// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover traffic control filters and ematches (net/sched/cls_api.c,
 * ematch.c): the struct tcf_proto_ops on tcf_proto_base under the rwlock
 * cls_mod_lock (cls_u32, cls_basic...), and the struct tcf_ematch_ops on
 * ematch_ops under ematch_mod_lock (em_cmp, em_nbyte...), all four private
 * and found by name, whose owner is the target.  One that lies in the
 * target but names another owner is refused ("not checked").
 *
 * A filter or ematch in use holds its owner, the target: a user, named by
 * ops.c and users.c, that refuses it before this runs.  Undone with the
 * kernel's unregister_tcf_proto_ops() (which first waits for RCU
 * callbacks and the filter workqueue: bounded, 5 s) and tcf_em_unregister()
 * (bounded), once the ops are proven listed and the lock is tried free.
 */
#include <net/pkt_cls.h>
#include <net/sch_generic.h>

#include "leftovers.h"

#define FR_TC_MAX	256	/* a list longer than that is not read */

/* One of the two lists: its words, and how an entry of it is undone. */
struct fr_tc_list {
	char head[16], lock[16];	/* the private symbols */
	enum fr_layout layout;
	size_t link, owner;		/* offsets in the ops */
	void (*unregister)(void *ops);
	bool wait_rcu;			/* the call waits for RCU: 5 s */
	const struct fr_lo_kind *kind;
	struct list_head *headp;	/* looked up */
	rwlock_t *lockp;
};

static void fr_call_cls_unregister(void *ops)
{
#ifdef CONFIG_NET_CLS
	unregister_tcf_proto_ops(ops);
#endif
}

static void fr_call_em_unregister(void *ops)
{
#ifdef CONFIG_NET_EMATCH
	tcf_em_unregister(ops);
#endif
}

static struct fr_tc_list fr_tc_lists[] __initdata = {
	{ "tcf_proto_base", "cls_mod_lock", FR_LAYOUT_TCF_PROTO,
	  offsetof(struct tcf_proto_ops, head), offsetof(struct tcf_proto_ops, owner),
	  fr_call_cls_unregister, true, &fr_lo_tc_filter },
	{ "ematch_ops", "ematch_mod_lock", FR_LAYOUT_EMATCH,
	  offsetof(struct tcf_ematch_ops, link), offsetof(struct tcf_ematch_ops, owner),
	  fr_call_em_unregister, false, &fr_lo_ematch },
};

static struct fr_tc_list * __init fr_tc_list_of(const struct fr_lo_kind *kind)
{
	return kind == &fr_lo_tc_filter ? &fr_tc_lists[0] : &fr_tc_lists[1];
}

static void __init fr_lookup_tc(void)
{
	struct fr_tc_list *l;

	for (l = fr_tc_lists; l < fr_tc_lists + ARRAY_SIZE(fr_tc_lists); l++) {
		l->headp = fr_lookup(l->layout, l->head, sizeof(*l->headp));
		l->lockp = fr_lookup(l->layout, l->lock, sizeof(*l->lockp));
	}
}

static struct module * __init fr_tc_owner(const struct fr_tc_list *l, const void *ops)
{
	return *(struct module *const *)(ops + l->owner);
}

/* The log's name: a filter's kind ("u32"), an ematch's number ("1"). */
static void __init fr_tc_name(const struct fr_tc_list *l, const void *ops,
			      char *buf, size_t size)
{
	if (l->kind == &fr_lo_tc_filter)
		snprintf(buf, size, "%.*s", IFNAMSIZ,
			 ((const struct tcf_proto_ops *)ops)->kind);
	else
		snprintf(buf, size, "%d", ((const struct tcf_ematch_ops *)ops)->kind);
}

static bool __init fr_tc_read_lock(const struct fr_tc_list *l)
{
	unsigned int n;

	for (n = 0; n < FR_TRIES; n++, fr_pause())
		if (read_trylock(l->lockp))
			return true;
	return false;
}

static int __init fr_find_tc_locked(struct fr_tc_list *l)
{
	struct fr_leftover *lo;
	struct list_head *node;
	unsigned int n = 0;
	void *ops;

	list_for_each(node, l->headp) {
		if (++n > FR_TC_MAX)
			return -E2BIG;
		ops = (void *)node - l->link;
		if (fr_tc_owner(l, ops) != fr_lo_target->mod && !fr_in_target(ops))
			continue;
		lo = fr_lo_add(l->kind, ops);
		if (!lo)
			return 0;
		fr_tc_name(l, ops, lo->name, sizeof(lo->name));
		if (fr_tc_owner(l, ops) != fr_lo_target->mod)
			lo->refuse = FR_UNCHECKED;
	}
	return 0;
}

static int __init fr_find_tc(struct fr_tc_list *l)
{
	int ret;

	if (!l->headp || !l->lockp)
		return fr_missing(l->layout);
	if (!fr_tc_read_lock(l))
		return -EBUSY;
	ret = fr_find_tc_locked(l);
	read_unlock(l->lockp);
	return ret;
}

static int __init fr_find_tc_filters(void)
{
	if (!IS_ENABLED(CONFIG_NET_CLS))
		return -ENOENT;
	return fr_find_tc(&fr_tc_lists[0]);
}

static int __init fr_find_ematches(void)
{
	if (!IS_ENABLED(CONFIG_NET_EMATCH))
		return -ENOENT;
	return fr_find_tc(&fr_tc_lists[1]);
}

/* Still listed, and the target's. */
static enum fr_why __init fr_tc_listed(const struct fr_tc_list *l, const void *obj)
{
	enum fr_why why = FR_GONE;
	struct list_head *node;
	unsigned int n = 0;

	if (!fr_tc_read_lock(l))
		return FR_LOCKED;
	list_for_each(node, l->headp) {
		if (++n > FR_TC_MAX)
			break;
		if ((void *)node - l->link == obj)
			why = fr_tc_owner(l, obj) == fr_lo_target->mod ? FR_OK : FR_UNCHECKED;
	}
	read_unlock(l->lockp);
	return why;
}

static enum fr_why __init fr_undo_tc(struct fr_leftover *lo)
{
	const struct fr_tc_list *l = fr_tc_list_of(lo->kind);
	enum fr_why why = fr_tc_listed(l, lo->obj);

	if (why)
		return why;
	if (!fr_rwlock_free(l->lockp))
		return FR_LOCKED;
	if (l->wait_rcu)
		return fr_call_bounded_long(l->unregister, lo->obj);
	return fr_call_bounded(l->unregister, lo->obj);
}

/*
 * Only the list's links to its node: a filter's or ematch's ops point to
 * the same ops, and are users.
 */
static bool __init fr_tc_explains(const struct fr_leftover *lo,
				  unsigned long where, unsigned long v)
{
	const struct fr_tc_list *l = fr_tc_list_of(lo->kind);
	unsigned long link = (unsigned long)lo->obj + l->link;
	struct list_head *node;
	unsigned int n = 0;
	bool found;

	if (v - link >= sizeof(struct list_head))
		return false;
	found = where - (unsigned long)l->headp < sizeof(*l->headp);
	if (found || !read_trylock(l->lockp))
		return found;
	list_for_each(node, l->headp) {
		if (++n > FR_TC_MAX)
			break;
		found |= where - (unsigned long)node < sizeof(*node);
	}
	read_unlock(l->lockp);
	return found;
}

const struct fr_lo_kind fr_lo_tc_filter __initconst = {
	.name = FR_LO_KIND_TC_FILTER,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_TC_FILTER,
	.lookup = fr_lookup_tc,
	.find = fr_find_tc_filters,
	.undo = fr_undo_tc,
	.explains = fr_tc_explains,
};

const struct fr_lo_kind fr_lo_ematch __initconst = {
	.name = FR_LO_KIND_EMATCH,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_EMATCH,
	.find = fr_find_ematches,
	.undo = fr_undo_tc,
	.explains = fr_tc_explains,
};
