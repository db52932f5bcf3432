// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover traffic control actions, filters and ematches (net/sched/
 * act_api.c, cls_api.c, ematch.c): the struct tc_action_ops on act_base
 * under the rwlock act_mod_lock (act_gact, act_mirred...), the struct
 * tcf_proto_ops on tcf_proto_base under cls_mod_lock (cls_u32,
 * cls_basic...), and the struct tcf_ematch_ops on ematch_ops under
 * ematch_mod_lock (em_cmp, em_nbyte...), all six private and found by
 * name, whose owner is the target.  One that lies in the target but names
 * another owner is refused ("not checked").
 *
 * An action, filter or ematch in use holds its owner, the target: a user,
 * named by ops.c and users.c, that refuses it before this runs.  Undone
 * with the kernel's own functions once the ops are proven listed and the
 * lock is tried free: unregister_tcf_proto_ops() (it first waits for RCU
 * callbacks and the filter workqueue, whose works take RTNL: RTNL looked
 * at first; bounded, 5 s), tcf_em_unregister()
 * (bounded, 1 s) and tcf_unregister_action().  That last one also
 * unregisters the action's pernet operations (those whose id is the
 * action's net_id, which the pernet kind found) and forgets its id under
 * the private act_id_mutex (looked at first): the pernet leftover is then
 * covered by the action's undo, done before it, refused with it, and
 * proven off the list after it.  An action whose pernet operations were
 * not found, or are no longer listed right before the call, is refused
 * ("not checked"): the call would unlink them twice.
 */
#include <linux/slab.h>
#include <net/act_api.h>
#include <net/net_namespace.h>
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

/* tcf_unregister_action()'s two arguments, freed by the call's thread. */
struct fr_tc_action_call {
	struct tc_action_ops *act;
	struct pernet_operations *ops;
};

static void fr_call_act_unregister(void *arg)
{
	struct fr_tc_action_call *c = arg;

#ifdef CONFIG_NET_CLS_ACT
	tcf_unregister_action(c->act, c->ops);
#endif
	kfree(c);
}

static struct fr_tc_list fr_tc_lists[] __initdata = {
	{ "tcf_proto_base", "cls_mod_lock", FR_LAYOUT_TCF_PROTO,
	  offsetof(struct tcf_proto_ops, head), offsetof(struct tcf_proto_ops, owner),
	  fr_call_cls_unregister, true, &fr_lo_tc_filter },
	{ "ematch_ops", "ematch_mod_lock", FR_LAYOUT_EMATCH,
	  offsetof(struct tcf_ematch_ops, link), offsetof(struct tcf_ematch_ops, owner),
	  fr_call_em_unregister, false, &fr_lo_ematch },
	{ "act_base", "act_mod_lock", FR_LAYOUT_TC_ACTIONS,
	  offsetof(struct tc_action_ops, head), offsetof(struct tc_action_ops, owner),
	  fr_call_act_unregister, true, &fr_lo_tc_action },
};

/* Taken by the action's unregistration after its pernet operations'. */
static const char fr_sym_act_id_mutex[] __initconst = "act_id_mutex";
static struct mutex *fr_act_id_mutex __initdata;

static struct fr_tc_list * __init fr_tc_list_of(const struct fr_lo_kind *kind)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fr_tc_lists) - 1; i++)
		if (fr_tc_lists[i].kind == kind)
			break;
	return &fr_tc_lists[i];
}

static void __init fr_lookup_tc(void)
{
	struct fr_tc_list *l;

	for (l = fr_tc_lists; l < fr_tc_lists + ARRAY_SIZE(fr_tc_lists); l++) {
		l->headp = fr_lookup(l->layout, l->head, sizeof(*l->headp));
		l->lockp = fr_lookup(l->layout, l->lock, sizeof(*l->lockp));
	}
	fr_act_id_mutex = fr_lookup(FR_LAYOUT_TC_ACTIONS, fr_sym_act_id_mutex,
				    sizeof(*fr_act_id_mutex));
}

static struct module * __init fr_tc_owner(const struct fr_tc_list *l, const void *ops)
{
	return *(struct module *const *)(ops + l->owner);
}

/* The log's name: an action's or filter's kind ("u32"), an ematch's number. */
static void __init fr_tc_name(const struct fr_tc_list *l, const void *ops,
			      char *buf, size_t size)
{
	if (l->kind == &fr_lo_tc_filter)
		snprintf(buf, size, "%.*s", IFNAMSIZ,
			 ((const struct tcf_proto_ops *)ops)->kind);
	else if (l->kind == &fr_lo_tc_action)
		snprintf(buf, size, "%.*s", IFNAMSIZ,
			 ((const struct tc_action_ops *)ops)->kind);
	else
		snprintf(buf, size, "%d", ((const struct tcf_ematch_ops *)ops)->kind);
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

/* The lock taken by trylock for 100 ms (inline: sparse follows it). */
static int __init fr_find_tc(struct fr_tc_list *l)
{
	unsigned int n;
	int ret;

	if (!l->headp || !l->lockp)
		return fr_missing(l->layout);
	for (n = 0; n < FR_TRIES; n++, fr_pause()) {
		if (read_trylock(l->lockp)) {
			ret = fr_find_tc_locked(l);
			read_unlock(l->lockp);
			return ret;
		}
	}
	return -EBUSY;
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

static int __init fr_find_tc_actions(void)
{
	if (!IS_ENABLED(CONFIG_NET_CLS_ACT))
		return -ENOENT;
	if (!fr_act_id_mutex)
		return fr_missing(FR_LAYOUT_TC_ACTIONS);
	return fr_find_tc(&fr_tc_lists[2]);
}

/*
 * After every find: each action's pernet operations (their id is its
 * net_id), which its undo unregisters: covered by it, refused with it.
 */
static void __init fr_pair_tc_actions(void)
{
	struct fr_leftover *lo, *p;
	struct tc_action_ops *act;

	/* A list not read leaves a leftover without object ("?"). */
	for (lo = fr_los; lo < fr_los + fr_nr_los; lo++) {
		if (lo->kind != &fr_lo_tc_action || !lo->obj)
			continue;
		act = lo->obj;
		for (p = fr_los; p < fr_los + fr_nr_los; p++)
			if (p->kind == &fr_lo_pernet && p->obj && p->t == lo->t &&
			    !p->cover &&
			    ((struct pernet_operations *)p->obj)->id == &act->net_id)
				break;
		if (p == fr_los + fr_nr_los) {
			if (!lo->refuse)
				lo->refuse = FR_UNCHECKED;
			continue;
		}
		p->cover = lo;
		lo->link = (unsigned long)p->obj;
		if (!lo->refuse)
			lo->refuse = p->refuse;
		if (!p->refuse)
			p->refuse = lo->refuse;
	}
}

/* Still listed, and the target's; the lock held. */
static enum fr_why __init fr_tc_listed_locked(const struct fr_tc_list *l,
					      const void *obj)
{
	enum fr_why why = FR_GONE;
	struct list_head *node;
	unsigned int n = 0;

	list_for_each(node, l->headp) {
		if (++n > FR_TC_MAX)
			break;
		if ((void *)node - l->link == obj)
			why = fr_tc_owner(l, obj) == fr_lo_target->mod ? FR_OK : FR_UNCHECKED;
	}
	return why;
}

static enum fr_why __init fr_tc_listed(const struct fr_tc_list *l, const void *obj)
{
	enum fr_why why;
	unsigned int n;

	for (n = 0; n < FR_TRIES; n++, fr_pause()) {
		if (read_trylock(l->lockp)) {
			why = fr_tc_listed_locked(l, obj);
			read_unlock(l->lockp);
			return why;
		}
	}
	return FR_LOCKED;
}

/* With its pernet operations: RTNL and pernet_ops_rwsem looked at too. */
static enum fr_why __init fr_undo_tc_action(struct fr_leftover *lo,
					    const struct fr_tc_list *l)
{
	struct fr_tc_action_call *c;
	enum fr_why why;

	why = lo->link ? fr_net_locks_free() : FR_UNCHECKED;
	if (why)
		return why;
	/* Unlisted, its operations would be unlinked twice. */
	why = fr_pernet_listed((void *)lo->link);
	if (why)
		return why == FR_GONE ? FR_UNCHECKED : why;
	if (!fr_rwlock_free(l->lockp) ||
	    (fr_act_id_mutex && !fr_mutex_free(fr_act_id_mutex)))
		return FR_LOCKED;
	c = kmalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return FR_UNCHECKED;
	c->act = lo->obj;
	c->ops = (struct pernet_operations *)lo->link;
	why = fr_call_bounded_long(l->unregister, c);
	if (why == FR_UNCHECKED)
		kfree(c);	/* not called: no thread */
	return why;
}

static enum fr_why __init fr_undo_tc(struct fr_leftover *lo)
{
	const struct fr_tc_list *l = fr_tc_list_of(lo->kind);
	enum fr_why why = fr_tc_listed(l, lo->obj);

	if (why)
		return why;
	if (lo->kind == &fr_lo_tc_action)
		return fr_undo_tc_action(lo, l);
	/* The filter works it waits for take RTNL. */
	if (l->wait_rcu) {
		why = fr_net_locks_free();
		if (why)
			return why;
	}
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

const struct fr_lo_kind fr_lo_tc_action __initconst = {
	.name = FR_LO_KIND_TC_ACTION,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_TC_ACTION,
	.find = fr_find_tc_actions,
	.found = fr_pair_tc_actions,
	.undo = fr_undo_tc,
	.explains = fr_tc_explains,
};
