// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover link kinds (net/core/rtnetlink.c): the struct rtnl_link_ops on
 * the private list link_ops that lie in the target (veth, dummy, ifb,
 * macvlan, bonding...); undone with rtnl_link_unregister().  That deletes
 * every device of the kind, in every namespace, with the kind's own dellink
 * and the devices' own stop code: what the target's exit does, and its code
 * is intact.  netdev.c takes those devices as removed by it, and checks
 * them gone.
 *
 * The list is read under RTNL before 6.13, taken by trylock for 100 ms at
 * most; since then it is an RCU list (each kind with its own SRCU, freed by
 * the unregistration).  RTNL, pernet_ops_rwsem or (since 6.13)
 * link_ops_mutex held for 100 ms refuses, and the call is bounded:
 * rtnl_link_unregister() also waits for every device being
 * unregistered anywhere to go.  A target with a kind to unregister is
 * scanned for references after the undo, like one with a bus driver: its
 * devices, and since 6.13 its kind's SRCU, are freed by it.
 */
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/rculist.h>
#include <linux/rtnetlink.h>
#include <linux/vmalloc.h>
#include <net/rtnetlink.h>

#include "leftovers.h"

static const char fr_sym_link_ops[] __initconst = "link_ops";
#ifdef FR_LINK_OPS_RCU
#define FR_LINK_RCU	true
static const char fr_sym_link_mutex[] __initconst = "link_ops_mutex";
#else
#define FR_LINK_RCU	false
#endif

static struct list_head *fr_link_ops __initdata;
static struct mutex *fr_link_mutex __initdata;	/* since 6.13 */

static void __init fr_lookup_links(void)
{
	fr_link_ops = fr_lookup(FR_LAYOUT_LINK_OPS, fr_sym_link_ops,
				sizeof(*fr_link_ops));
#ifdef FR_LINK_OPS_RCU
	fr_link_mutex = fr_lookup(FR_LAYOUT_LINK_OPS, fr_sym_link_mutex,
				  sizeof(*fr_link_mutex));
#endif
}

/* The list locked for reading: RTNL tried for 100 ms, or RCU since 6.13. */
static bool __init fr_links_lock(void)
{
#ifdef FR_LINK_OPS_RCU
	rcu_read_lock();
	return true;
#else
	return fr_rtnl_trylock();
#endif
}

static void __init fr_links_unlock(void)
{
#ifdef FR_LINK_OPS_RCU
	rcu_read_unlock();
#else
	rtnl_unlock();
#endif
}

/*
 * A kind without dellink (no alloc or setup: not made by "ip link add")
 * whose devices name it anyway: rtnl_link_unregister() would call NULL.
 */
static bool __init fr_link_undeletable(const struct rtnl_link_ops *ops)
{
	struct net_device *dev;
	bool found = false;
	struct net *net;

	if (READ_ONCE(ops->dellink))
		return false;
	rcu_read_lock();
	for_each_net_rcu(net)
		for_each_netdev_rcu(net, dev)
			found |= READ_ONCE(dev->rtnl_link_ops) == ops;
	rcu_read_unlock();
	return found;
}

static int __init fr_find_links(void)
{
	struct rtnl_link_ops *ops;
	struct fr_leftover *lo;

	if (!IS_ENABLED(CONFIG_NET))
		return -ENOENT;
	if (!fr_link_ops)
		return fr_missing(FR_LAYOUT_LINK_OPS);
	if (FR_LINK_RCU && !fr_link_mutex)
		return -ERANGE;	/* the list without its lock: not read */
	if (!fr_links_lock())
		return -EBUSY;
	list_for_each_entry_rcu(ops, fr_link_ops, list, true) {
		if (!fr_in_target(ops))
			continue;
		lo = fr_lo_add(&fr_lo_link, ops);
		if (!lo)
			break;
		lo->size = sizeof(*ops);
		strscpy(lo->name, ops->kind, sizeof(lo->name));
#ifdef FR_LINK_OPS_RCU
		lo->link = (unsigned long)ops->srcu.sda;	/* fr_link_stale() */
#endif
		lo->t->scan_after_undo = true;
		if (fr_link_undeletable(ops))
			lo->refuse = FR_NO_UNDO;
	}
	fr_links_unlock();
	return 0;
}

/* FR_OK: @obj is still on the list; FR_GONE: not; FR_RTNL: not read. */
static enum fr_why __init fr_link_listed(const void *obj)
{
	struct rtnl_link_ops *ops;
	bool listed = false;

	if (!fr_links_lock())
		return FR_RTNL;
	list_for_each_entry_rcu(ops, fr_link_ops, list, true)
		listed |= ops == obj;
	fr_links_unlock();
	return listed ? FR_OK : FR_GONE;
}

static void fr_call_link_unregister(void *arg)
{
	rtnl_link_unregister(arg);
}

/* Since 6.13 the unregistration takes link_ops_mutex first. */
static enum fr_why __init fr_link_mutex_free(void)
{
#ifdef FR_LINK_OPS_RCU
	if (!fr_mutex_free(fr_link_mutex))
		return FR_LOCKED;
#endif
	return FR_OK;
}

static enum fr_why __init fr_undo_link(struct fr_leftover *lo)
{
	enum fr_why why = fr_net_locks_free();

	if (!why)
		why = fr_link_mutex_free();
	if (!why)
		why = fr_link_listed(lo->obj);
	if (!why && fr_link_undeletable(lo->obj))
		why = FR_NO_UNDO;
	if (why)
		return why;
	return fr_call_bounded_long(fr_call_link_unregister, lo->obj);
}

/*
 * Only the list's links to its node are explained: a device's
 * rtnl_link_ops points to it too, and is a device the undo removes, which
 * the scan after the undo no longer finds.
 */
static bool __init fr_link_explains(const struct fr_leftover *lo,
				    unsigned long where, unsigned long v)
{
	struct rtnl_link_ops *ops = lo->obj;

	return v - (unsigned long)&ops->list < sizeof(ops->list);
}

/*
 * Since 6.13 the kind's SRCU has per-CPU data (struct srcu_data) whose ssp
 * points back to it, and the undo frees it (cleanup_srcu_struct(), after
 * waiting for its readers): the per-CPU allocator does not clear what it
 * frees, and nothing reads it again.  Only that word of the per-CPU data
 * the kind had when found, and only once the cleanup really freed it (it
 * leaks it, with a warning, when readers or callbacks remain).  The page
 * walk reads a vmalloc'ed per-CPU chunk through the linear map: the word
 * is compared there too.
 *
 * A module loaded again where it was before finds the per-CPU data of its
 * earlier loads, freed the same way, still pointing to the same address.
 * Only the data's own callbacks read its ssp: per-CPU data (not a slab
 * object, aligned as srcu_data and within its word's page) with no
 * callback (each tail of its callback list is the list's own head), its
 * timer not pending and its work not queued is read by nothing, freed or
 * not (cleanup_srcu_struct() leaves it so).
 */
#ifdef FR_LINK_OPS_RCU
static bool __init fr_same_word(unsigned long where, void *p)
{
	struct page *page;

	if (where == (unsigned long)p)
		return true;
	if (!is_vmalloc_addr(p))
		return false;
	page = vmalloc_to_page(p);
	return page && where == (unsigned long)page_address(page) + offset_in_page(p);
}

static bool __init fr_srcu_data_idle(unsigned long where)
{
	unsigned long sdp = where - offsetof(struct srcu_data, ssp);
	struct srcu_data *d = (struct srcu_data *)sdp;
	struct hlist_node **pprev;
	struct rcu_head **tail;
	long len, work;
	int cpu, i;

	BUILD_BUG_ON(sizeof(d->srcu_cblist.len) != sizeof(len));
	/* In the page of its word (the per-CPU alias is another address). */
	if ((sdp & PAGE_MASK) != (where & PAGE_MASK) ||
	    !IS_ALIGNED(sdp, __alignof__(struct srcu_data)))
		return false;
	/* No callback: every tail is the list's own head. */
	for (i = 0; i < RCU_CBLIST_NSEGS; i++)
		if (get_kernel_nofault(tail, &d->srcu_cblist.tails[i]) ||
		    offset_in_page(tail) != offset_in_page(&d->srcu_cblist.head))
			return false;
	if (fr_is_slab(where) || get_kernel_nofault(cpu, &d->cpu) ||
	    (unsigned int)cpu >= nr_cpu_ids ||
	    get_kernel_nofault(len, (long *)&d->srcu_cblist.len) ||
	    get_kernel_nofault(work, (long *)&d->work.data) ||
	    get_kernel_nofault(pprev, &d->delay_work.entry.pprev))
		return false;
	return !len && !(work & WORK_STRUCT_PENDING) && !pprev;
}
#endif

static bool __init fr_link_stale(const struct fr_leftover *lo,
				 unsigned long where, unsigned long v)
{
#ifdef FR_LINK_OPS_RCU
	struct rtnl_link_ops *ops = lo->obj;
	struct srcu_data __percpu *sda = (void __percpu *)lo->link;
	int cpu;

	if (v != (unsigned long)&ops->srcu || !sda || READ_ONCE(ops->srcu.sda) ||
	    READ_ONCE(ops->srcu.srcu_sup))
		return false;
	for_each_possible_cpu(cpu)
		if (fr_same_word(where, &per_cpu_ptr(sda, cpu)->ssp))
			return true;
	return fr_srcu_data_idle(where);
#else
	return false;
#endif
}

const struct fr_lo_kind fr_lo_link __initconst = {
	.name = FR_LO_KIND_LINK,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_LINK,
	.lookup = fr_lookup_links,
	.find = fr_find_links,
	.undo = fr_undo_link,
	.explains = fr_link_explains,
	.stale = fr_link_stale,
};
