// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover IPVS schedulers (net/netfilter/ipvs/ip_vs_sched.c): the struct
 * ip_vs_scheduler the target registered (ip_vs_rr, ip_vs_wlc, ...), on the
 * list ip_vs_schedulers of the module ip_vs under its mutex
 * ip_vs_sched_mutex, both private to ip_vs.  A service using one holds
 * its module, the target, and points at it (svc->scheduler): only the
 * list's own links are explained, so the reference scan finds that pointer
 * and refuses.  One that lies in the target but names another module is
 * refused.
 *
 * unregister_ip_vs_scheduler() is an export of ip_vs, a module: calling it
 * would make the helper loadable only where ip_vs is loaded.  It is a
 * list_del() under that mutex, then a module_put() of ip_vs for the
 * reference register_ip_vs_scheduler() took: done here, the mutex taken by
 * trylock for 100 ms, never waited on.  The only reader,
 * ip_vs_sched_getbyname(), holds the mutex.  ip_vs is held (a module
 * reference) from the find to the put, so that its list stays where it
 * was found.
 */
#include <linux/err.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <net/ip_vs.h>

#include "leftovers.h"

#define FR_IPVS_MAX	256	/* schedulers looked at */

static const char fr_ipvs_module[] __initconst = "ip_vs";
static const char fr_sym_ipvs_list[] __initconst = "ip_vs_schedulers";
static const char fr_sym_ipvs_mutex[] __initconst = "ip_vs_sched_mutex";

/* ip_vs' list and mutex, found by the last find (ip_vs held by each leftover). */
static struct list_head *fr_ipvs_list __initdata;
static struct mutex *fr_ipvs_mutex __initdata;

/* The target's schedulers, the mutex held. */
static int __init fr_ipvs_walk(struct module *owner)
{
	const struct module *mod = fr_lo_target->mod;
	struct ip_vs_scheduler *sched;
	struct fr_leftover *lo;
	unsigned int n = 0;

	list_for_each_entry(sched, fr_ipvs_list, n_list) {
		if (++n > FR_IPVS_MAX)
			return -E2BIG;
		if (sched->module != mod && !fr_in_target(sched))
			continue;
		lo = fr_lo_add(&fr_lo_ipvs_sched, sched);
		if (!lo)
			break;
		__module_get(owner);
		lo->owner = owner;
		lo->size = sizeof(*sched);
		if (!fr_in_target(sched->name) ||
		    strscpy(lo->name, sched->name, sizeof(lo->name)) < 0)
			strscpy(lo->name, "?", sizeof(lo->name));
		/* Its users hold no reference to the target: not undone. */
		if (sched->module != mod)
			lo->refuse = FR_UNCHECKED;
	}
	return 0;
}

static int __init fr_find_ipvs(void)
{
	struct module *owner = fr_get_module(fr_ipvs_module);
	struct list_head *list;
	struct mutex *lock;	/* ip_vs_sched_mutex */
	int err = 0;

	if (!owner)
		return 0;
	if (!fr_lo_uses(fr_lo_target->mod, owner))
		goto out;
	list = fr_lookup_module_data(fr_ipvs_module, fr_sym_ipvs_list, sizeof(*list));
	lock = fr_lookup_module_data(fr_ipvs_module, fr_sym_ipvs_mutex, sizeof(*lock));
	if (!list || !lock || !fr_list_head_tried(list)) {
		fr_not_looked_at(fr_sym_ipvs_list);
		err = -ERANGE;
		goto out;
	}
	fr_ipvs_list = list;
	fr_ipvs_mutex = lock;
	if (!fr_mutex_trylock(fr_ipvs_mutex)) {
		err = -EBUSY;
		goto out;
	}
	err = fr_ipvs_walk(owner);
	mutex_unlock(fr_ipvs_mutex);
out:
	module_put(owner);
	return err;
}

/* unregister_ip_vs_scheduler(), done here (see above). */
static enum fr_why __init fr_undo_ipvs(struct fr_leftover *lo)
{
	struct ip_vs_scheduler *sched;
	bool found = false;

	if (!fr_mutex_trylock(fr_ipvs_mutex))
		return FR_LOCKED;
	list_for_each_entry(sched, fr_ipvs_list, n_list) {
		if (sched == lo->obj) {
			list_del(&sched->n_list);
			found = true;
			break;
		}
	}
	mutex_unlock(fr_ipvs_mutex);
	if (!found)
		return FR_GONE;
	/* register_ip_vs_scheduler()'s reference on ip_vs, as the call drops it. */
	module_put(lo->owner);
	return FR_OK;
}

static void __init fr_put_ipvs(struct fr_leftover *lo)
{
	module_put(lo->owner);
}

/*
 * Only the list's links to its node are explained: the head's, or a
 * neighbour's node.  The node is the scheduler's first word: a service's
 * pointer to the scheduler is a pointer to it too, and must stay a
 * reference.
 */
static bool __init fr_ipvs_explains(const struct fr_leftover *lo,
				    unsigned long where, unsigned long v)
{
	struct ip_vs_scheduler *sched = lo->obj;
	const struct list_head *node = &sched->n_list;

	if (v != (unsigned long)node)
		return false;
	return where - (unsigned long)fr_ipvs_list < sizeof(*node) ||
	       where - (unsigned long)READ_ONCE(node->next) < sizeof(*node) ||
	       where - (unsigned long)READ_ONCE(node->prev) < sizeof(*node);
}

const struct fr_lo_kind fr_lo_ipvs_sched __initconst = {
	.name = FR_LO_KIND_IPVS_SCHED,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_IPVS_SCHED,
	.find = fr_find_ipvs,
	.undo = fr_undo_ipvs,
	.put = fr_put_ipvs,
	.explains = fr_ipvs_explains,
};
