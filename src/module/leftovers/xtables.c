// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover xtables matches and targets (net/netfilter/x_tables.c): the
 * struct xt_match and struct xt_target the target owns (iptables' comment,
 * length, LOG...), on the per-family lists of the array xt of the module
 * x_tables.  A rule using one holds its owner, the target, and is a user
 * that refuses it (users.c); one that lies in the target but names another
 * owner, or another family than its list's, is refused.
 *
 * xt_unregister_match() and xt_unregister_target() are exports of x_tables,
 * a module: calling them would make the helper loadable only where x_tables
 * is loaded, and symbol_get() takes GPL exports only.  Each is a list_del()
 * under its family's mutex and nothing else, which is done here, the mutex
 * taken by trylock for 100 ms, never waited on.  Every reader of the lists
 * holds that mutex too.  x_tables is held (a module reference) from the
 * find to the put, so that its array stays where it was found.  Only a
 * target that uses x_tables is looked for; an x_tables built into the
 * kernel (Debian builds it as a module) is not looked at: the reference
 * scan then finds the list's link to a match and refuses.
 *
 * Tables' templates (xt_template: iptable_filter's "filter"), on the lists
 * xt_templates[] of x_tables under the same mutexes, are the target's when
 * they name it or their table_init lies in its text.  Each is kzalloc()ed
 * by x_tables: xt_unregister_template() is a list_del() and a kfree(),
 * done here the same way.  The only reader, xt_find_table_lock(), holds
 * the mutex, and takes a module reference (a user) before it calls
 * table_init without it.
 */
#include <linux/err.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/netfilter.h>
#include <linux/netfilter/x_tables.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "leftovers.h"
#include "../kernel_private.h"

#define FR_XT_MAX	4096	/* the entries of one list looked at */

static const char fr_xt_module[] __initconst = "x_tables";
static const char fr_sym_xt[] __initconst = "xt";
static const char fr_sym_xt_templates[] __initconst = "xt_templates";

/* x_tables' arrays, found by the last find (x_tables held by each leftover). */
static struct fr_xt_af *fr_xt __initdata;
static struct list_head *fr_xt_tmpls __initdata;

/* Each family's name in the log: "length/ipv4". */
static const char fr_xt_families[NFPROTO_NUMPROTO][8] __initconst = {
	[NFPROTO_UNSPEC] = "unspec", [NFPROTO_INET] = "inet",
	[NFPROTO_IPV4] = "ipv4", [NFPROTO_ARP] = "arp",
	[NFPROTO_NETDEV] = "netdev", [NFPROTO_BRIDGE] = "bridge",
	[NFPROTO_IPV6] = "ipv6",
};

/*
 * x_tables' array, while its module is held; an ERR_PTR when not to be
 * read.  Before any lock of it is taken: the array, kcalloc()ed, must be
 * a slab object big enough for every family, and each family's two list
 * heads must link back, read without faulting.
 */
static struct fr_xt_af * __init fr_xt_array(void)
{
	struct fr_xt_af **sym, *xt;
	struct list_head *head;
	int af, i;

	sym = fr_lookup_module_data(fr_xt_module, fr_sym_xt, sizeof(*sym));
	if (!sym) {
		fr_not_looked_at(fr_sym_xt);
		return ERR_PTR(-ERANGE);	/* loaded, but not found */
	}
	if (!fr_layout_trusted(FR_LAYOUT_XT))
		return ERR_PTR(-ERANGE);
	xt = READ_ONCE(*sym);
	if (!xt || !fr_is_slab((unsigned long)xt) ||
	    ksize(xt) < NFPROTO_NUMPROTO * sizeof(*xt))
		return ERR_PTR(-ERANGE);
	for (af = 0; af < NFPROTO_NUMPROTO; af++) {
		for (i = 0; i < 2; i++) {
			head = i ? &xt[af].target : &xt[af].match;
			if (!fr_list_head_ok(head))
				return ERR_PTR(-ERANGE);
		}
	}
	return xt;
}

static void __init fr_xt_add(const struct fr_lo_kind *kind, void *obj,
			     size_t size, const char *name, u8 family, int af,
			     const struct module *me, struct fr_xt_af *xt,
			     struct module *owner)
{
	struct fr_leftover *lo = fr_lo_add(kind, obj);

	if (!lo)
		return;
	__module_get(owner);
	lo->owner = owner;
	lo->size = size;
	lo->link = (unsigned long)&xt[af];
	snprintf(lo->name, sizeof(lo->name), "%.*s/%s", XT_EXTENSION_MAXNAMELEN,
		 name, fr_xt_families[af][0] ? fr_xt_families[af] : "?");
	/* Its users hold no reference to the target: not undone. */
	if (me != fr_lo_target->mod || family != af)
		lo->refuse = FR_UNCHECKED;
}

/*
 * x_tables' array of template lists, x_tables held: NULL when not found or
 * a head does not link back.
 */
static struct list_head * __init fr_xt_templates(void)
{
	struct list_head *heads;
	unsigned int tries;
	int af;

	heads = fr_lookup_module_data(fr_xt_module, fr_sym_xt_templates,
				      NFPROTO_NUMPROTO * sizeof(*heads));
	if (!heads) {
		fr_not_looked_at(fr_sym_xt_templates);
		return NULL;
	}
	/* Read unlocked: a template coming meanwhile may fail it once, not four times. */
	for (af = 0, tries = 0; af < NFPROTO_NUMPROTO; af++) {
		while (!fr_list_head_ok(&heads[af])) {
			if (++tries == 4)
				return NULL;
			fr_pause();
		}
	}
	return heads;
}

/* The target's templates of family @af, its mutex held. */
static int __init fr_xt_walk_templates(int af, struct module *owner)
{
	const struct module *mod = fr_lo_target->mod;
	struct fr_xt_template *tmpl;
	struct fr_leftover *lo;
	unsigned int n = 0;

	list_for_each_entry(tmpl, &fr_xt_tmpls[af], list) {
		if (++n > FR_XT_MAX)
			return -E2BIG;
		if (tmpl->me != mod && !fr_in_text(mod, (unsigned long)tmpl->table_init))
			continue;
		lo = fr_lo_add(&fr_lo_xt_template, tmpl);
		if (!lo)
			break;
		__module_get(owner);
		lo->owner = owner;
		lo->link = af;
		snprintf(lo->name, sizeof(lo->name), "%.*s/%.*s",
			 (int)sizeof(tmpl->name), tmpl->name,
			 (int)sizeof(fr_xt_families[af]),
			 fr_xt_families[af][0] ? fr_xt_families[af] : "?");
		/* Not kzalloc()ed, or its users hold no reference to the target. */
		if (tmpl->me != mod || !fr_is_slab((unsigned long)tmpl) ||
		    ksize(tmpl) < sizeof(*tmpl))
			lo->refuse = FR_UNCHECKED;
	}
	return 0;
}

/* @xt[@af]'s matches or targets that are the target's, mutex held. */
static int __init fr_xt_walk(const struct fr_lo_kind *kind,
			     struct fr_xt_af *xt, int af, struct module *owner)
{
	const struct module *mod = fr_lo_target->mod;
	struct list_head *head, *node;
	unsigned int n = 0;

	head = kind == &fr_lo_xt_match ? &xt[af].match : &xt[af].target;
	list_for_each(node, head) {
		if (++n > FR_XT_MAX)
			return -E2BIG;
		if (kind == &fr_lo_xt_match) {
			struct xt_match *m = list_entry(node, struct xt_match, list);

			if (m->me == mod || fr_in_target(m))
				fr_xt_add(kind, m, sizeof(*m), m->name, m->family,
					  af, m->me, xt, owner);
		} else {
			struct xt_target *t = list_entry(node, struct xt_target, list);

			if (t->me == mod || fr_in_target(t))
				fr_xt_add(kind, t, sizeof(*t), t->name, t->family,
					  af, t->me, xt, owner);
		}
	}
	return 0;
}

static int __init fr_xt_find(const struct fr_lo_kind *kind)
{
	struct module *owner = fr_get_module(fr_xt_module);
	struct fr_xt_af *xt;
	int af, err = 0;

	if (!owner)
		return 0;
	if (!fr_lo_uses(fr_lo_target->mod, owner))
		goto out;
	xt = fr_xt_array();
	if (IS_ERR(xt)) {
		fr_distrust(FR_LAYOUT_XT);
		err = PTR_ERR(xt);
		goto out;
	}
	if (kind == &fr_lo_xt_template) {
		struct list_head *tmpls = fr_xt_templates();

		if (!tmpls) {
			fr_distrust(FR_LAYOUT_XT);
			err = -ERANGE;
			goto out;
		}
		fr_xt_tmpls = tmpls;
	}
	fr_xt = xt;
	for (af = 0; af < NFPROTO_NUMPROTO && !err; af++) {
		if (!fr_mutex_trylock(&xt[af].mutex)) {
			err = -EBUSY;
			break;
		}
		if (kind == &fr_lo_xt_template)
			err = fr_xt_walk_templates(af, owner);
		else
			err = fr_xt_walk(kind, xt, af, owner);
		mutex_unlock(&xt[af].mutex);
	}
out:
	module_put(owner);
	return err;
}

static int __init fr_find_xt_matches(void)
{
	return fr_xt_find(&fr_lo_xt_match);
}

static int __init fr_find_xt_targets(void)
{
	return fr_xt_find(&fr_lo_xt_target);
}

static int __init fr_find_xt_templates(void)
{
	return fr_xt_find(&fr_lo_xt_template);
}

/* xt_unregister_template(), done here (see above). */
static enum fr_why __init fr_undo_xt_template(struct fr_leftover *lo)
{
	struct fr_xt_template *tmpl;
	struct mutex *lock = &fr_xt[lo->link].mutex;
	bool found = false;

	if (!fr_mutex_trylock(lock))
		return FR_LOCKED;
	list_for_each_entry(tmpl, &fr_xt_tmpls[lo->link], list) {
		if (tmpl == lo->obj && tmpl->me == fr_lo_target->mod) {
			list_del(&tmpl->list);
			found = true;
			break;
		}
	}
	mutex_unlock(lock);
	if (!found)
		return FR_GONE;
	kfree(lo->obj);
	return FR_OK;
}

/* What points into the target from a template: its own words. */
static bool __init fr_xt_template_explains(const struct fr_leftover *lo,
					   unsigned long where, unsigned long v)
{
	return where - (unsigned long)lo->obj < sizeof(struct fr_xt_template);
}

/* xt_unregister_match() and xt_unregister_target(), done here (see above). */
static enum fr_why __init fr_undo_xt(struct fr_leftover *lo)
{
	struct fr_xt_af *af = (struct fr_xt_af *)lo->link;
	struct list_head *entry = lo->obj, *head, *node;
	enum fr_why why = FR_GONE;

	BUILD_BUG_ON(offsetof(struct xt_match, list) != 0);
	BUILD_BUG_ON(offsetof(struct xt_target, list) != 0);
	head = lo->kind == &fr_lo_xt_match ? &af->match : &af->target;
	if (!fr_mutex_trylock(&af->mutex))
		return FR_LOCKED;
	list_for_each(node, head) {
		if (node == entry) {
			list_del(entry);
			why = FR_OK;
			break;
		}
	}
	mutex_unlock(&af->mutex);
	return why;
}

static void __init fr_put_xt(struct fr_leftover *lo)
{
	module_put(lo->owner);
}

/* Only the links of its family's list point to its own. */
static bool __init fr_xt_explains(const struct fr_leftover *lo,
				  unsigned long where, unsigned long v)
{
	struct fr_xt_af *af = (struct fr_xt_af *)lo->link;
	struct list_head *head, *node;
	bool link;

	if (v - (unsigned long)lo->obj >= sizeof(struct list_head))
		return false;
	head = lo->kind == &fr_lo_xt_match ? &af->match : &af->target;
	link = where - (unsigned long)head < sizeof(*head);
	if (link || !mutex_trylock(&af->mutex))
		return link;
	list_for_each(node, head)
		link |= where - (unsigned long)node < sizeof(*node);
	mutex_unlock(&af->mutex);
	return link;
}

const struct fr_lo_kind fr_lo_xt_match __initconst = {
	.name = FR_LO_KIND_XT_MATCH,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_XT_MATCH,
	.find = fr_find_xt_matches,
	.undo = fr_undo_xt,
	.put = fr_put_xt,
	.explains = fr_xt_explains,
};

const struct fr_lo_kind fr_lo_xt_target __initconst = {
	.name = FR_LO_KIND_XT_TARGET,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_XT_TARGET,
	.find = fr_find_xt_targets,
	.undo = fr_undo_xt,
	.put = fr_put_xt,
	.explains = fr_xt_explains,
};

const struct fr_lo_kind fr_lo_xt_template __initconst = {
	.name = FR_LO_KIND_XT_TEMPLATE,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_XT_TEMPLATE,
	.find = fr_find_xt_templates,
	.undo = fr_undo_xt_template,
	.put = fr_put_xt,
	.explains = fr_xt_template_explains,
};
