// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover packet types (net/core/dev.c): the struct packet_type on the
 * private lists ptype_base (by protocol) and ptype_all (every protocol,
 * global until 6.14) that lie in the target, or whose handler does (MRP's
 * application of 8021q, a protocol's own handler); undone with
 * dev_remove_pack(), which takes the spinlock ptype_lock and then waits
 * for the network's RCU readers: the lock is looked at for 100 ms first,
 * the call bounded.  dev_remove_pack() finds the list from the entry's own
 * fields and only warns when it is not there: those fields must name the
 * list it was found on, and it must be gone after the call.  Per-device
 * and per-namespace lists (packet sockets, 6.15's ptype_all of each
 * namespace) are not looked at: the reference scan finds what is on them.
 */
#include <linux/if_ether.h>
#include <linux/netdevice.h>
#include <linux/rculist.h>
#ifdef FR_HOTDATA_PTYPE_ALL
#include <net/hotdata.h>
#endif

#include "leftovers.h"

#define FR_PTYPE_MAX	4096	/* the entries of one list looked at */

static const char fr_sym_ptype_base[] __initconst = "ptype_base";
#ifndef FR_HOTDATA_PTYPE_ALL
static const char fr_sym_ptype_all[] __initconst = "ptype_all";
#endif
static const char fr_sym_ptype_lock[] __initconst = "ptype_lock";

static struct list_head *fr_ptype_base __initdata;
static struct list_head *fr_ptype_all __initdata;
static spinlock_t *fr_ptype_lock __initdata;

static void __init fr_lookup_ptypes(void)
{
	fr_ptype_base = fr_lookup(FR_LAYOUT_PTYPE, fr_sym_ptype_base,
				  PTYPE_HASH_SIZE * sizeof(*fr_ptype_base));
	fr_ptype_lock = fr_lookup(FR_LAYOUT_PTYPE, fr_sym_ptype_lock,
				  sizeof(*fr_ptype_lock));
	/*
	 * Global, private, until 6.8; in the exported net_hotdata from 6.9
	 * to 6.14 (Kbuild tells); since, one per namespace (not looked at).
	 */
#ifdef FR_HOTDATA_PTYPE_ALL
	fr_ptype_all = &net_hotdata.ptype_all;
#else
	fr_ptype_all = fr_lookup_layout(FR_LAYOUT_PTYPE, fr_sym_ptype_all,
					sizeof(*fr_ptype_all));
	if (IS_ERR(fr_ptype_all))
		fr_ptype_all = NULL;
#endif
}

/*
 * The list dev_remove_pack() takes @pt off: found from @pt's own fields,
 * which lie in the target (ptype_head() in net/core/dev.c); NULL when it
 * would not be a list looked at here.
 */
static struct list_head * __init fr_ptype_head(const struct packet_type *pt)
{
	if (READ_ONCE(pt->dev) || READ_ONCE(pt->af_packet_net))
		return NULL;
	if (READ_ONCE(pt->type) == htons(ETH_P_ALL))
		return fr_ptype_all;
	return &fr_ptype_base[ntohs(READ_ONCE(pt->type)) & PTYPE_HASH_MASK];
}

/* The target's packet types on @head, under RCU. */
static int __init fr_ptype_walk(struct list_head *head)
{
	const struct module *mod = fr_lo_target->mod;
	struct packet_type *pt;
	struct fr_leftover *lo;
	unsigned int n = 0;

	list_for_each_entry_rcu(pt, head, list) {
		if (++n > FR_PTYPE_MAX)
			return -E2BIG;
		if (!fr_in_target(pt) && !fr_in_text(mod, (unsigned long)pt->func))
			continue;
		lo = fr_lo_add(&fr_lo_ptype, pt);
		if (!lo)
			return 0;
		lo->link = (unsigned long)head;
		fr_lo_symbol(lo, fr_in_target(pt) ? (unsigned long)pt :
			     (unsigned long)pt->func);
		/* Not where dev_remove_pack() will look for it. */
		if (fr_ptype_head(pt) != head)
			lo->refuse = FR_UNCHECKED;
	}
	return 0;
}

static int __init fr_find_ptypes(void)
{
	int i, err = 0;

	if (!fr_ptype_base)
		return fr_missing(FR_LAYOUT_PTYPE);
	if (!fr_ptype_lock)
		return -ERANGE;	/* the lists without their lock: not read */
	rcu_read_lock();
	for (i = 0; i < PTYPE_HASH_SIZE && !err; i++)
		err = fr_ptype_walk(&fr_ptype_base[i]);
	if (!err && fr_ptype_all)
		err = fr_ptype_walk(fr_ptype_all);
	rcu_read_unlock();
	return err;
}

/* Whether @lo is still on its list, under RCU. */
static bool __init fr_ptype_listed(const struct fr_leftover *lo)
{
	struct list_head *head = (struct list_head *)lo->link;
	struct packet_type *pt;
	unsigned int n = 0;
	bool listed = false;

	rcu_read_lock();
	list_for_each_entry_rcu(pt, head, list) {
		if (pt == lo->obj)
			listed = true;
		if (listed || ++n > FR_PTYPE_MAX)
			break;
	}
	rcu_read_unlock();
	return listed;
}

static void fr_call_remove_pack(void *pt)
{
	dev_remove_pack(pt);
}

static enum fr_why __init fr_undo_ptype(struct fr_leftover *lo)
{
	enum fr_why why;

	if (!fr_ptype_listed(lo))
		return FR_GONE;
	/* Else the call would look for it elsewhere, and only warn. */
	if (fr_ptype_head(lo->obj) != (struct list_head *)lo->link)
		return FR_UNCHECKED;
	if (!fr_spin_free(fr_ptype_lock))
		return FR_LOCKED;
	why = fr_call_bounded_long(fr_call_remove_pack, lo->obj);
	if (!why && fr_ptype_listed(lo))
		why = FR_UNCHECKED;	/* not taken off after all */
	return why;
}

/* Only the links of its list point to its own. */
static bool __init fr_ptype_explains(const struct fr_leftover *lo,
				     unsigned long where, unsigned long v)
{
	struct list_head *head = (struct list_head *)lo->link, *node;
	struct packet_type *pt = lo->obj;
	unsigned int n = 0;
	bool link;

	if (v - (unsigned long)&pt->list >= sizeof(pt->list))
		return false;
	link = where - (unsigned long)head < sizeof(*head);
	rcu_read_lock();
	for (node = rcu_dereference(list_next_rcu(head));
	     !link && node != head && n < FR_PTYPE_MAX;
	     node = rcu_dereference(list_next_rcu(node)), n++)
		link = where - (unsigned long)node < sizeof(*node);
	rcu_read_unlock();
	return link;
}

const struct fr_lo_kind fr_lo_ptype __initconst = {
	.name = FR_LO_KIND_PTYPE,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_PTYPE,
	.lookup = fr_lookup_ptypes,
	.find = fr_find_ptypes,
	.undo = fr_undo_ptype,
	.explains = fr_ptype_explains,
};
