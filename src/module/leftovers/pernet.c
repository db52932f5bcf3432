// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover pernet operations (net/core/net_namespace.c): the struct
 * pernet_operations on the private list pernet_list that lie in the
 * target (bonding, 8021q, most protocols); undone with
 * unregister_pernet_device().  That runs the operations' own exit for
 * every namespace and frees their per-namespace data, as the target's exit
 * does; it serves subsystems too (only a device's can be first_device).
 * The list is read under pernet_ops_rwsem, taken by trylock for 100 ms at
 * most, as is RTNL (most exits take it) before the call, which is bounded.
 * Undone after the target's link kinds and notifiers (its exit deletes its
 * devices first) and before its /proc entries, which an exit removes
 * itself; the target's own operations last registered first, as the
 * kernel and exits take them down.  The per-namespace data is freed by the
 * undo: the heap's part of the reference scan runs after it.  A tc
 * action's operations are unregistered with the action (tc.c), before.
 */
#include <linux/rtnetlink.h>
#include <linux/rwsem.h>
#include <net/net_namespace.h>

#include "leftovers.h"

#define FR_PERNET_MAX		4096	/* operations on the list, at most */

static const char fr_sym_pernet[] __initconst = "pernet_list";
static const char fr_sym_pernet_sem[] __initconst = "pernet_ops_rwsem";

static struct list_head *fr_pernet_list __initdata;
static struct rw_semaphore *fr_pernet_sem __initdata;

static void __init fr_lookup_pernet(void)
{
	fr_pernet_list = fr_lookup(FR_LAYOUT_PERNET, fr_sym_pernet,
				   sizeof(*fr_pernet_list));
	fr_pernet_sem = fr_lookup(FR_LAYOUT_PERNET, fr_sym_pernet_sem,
				  sizeof(*fr_pernet_sem));
}

static int __init fr_find_pernet(void)
{
	struct pernet_operations *ops;
	struct fr_leftover *lo;
	unsigned int n = 0;
	int ret = 0;

	if (!IS_ENABLED(CONFIG_NET))
		return -ENOENT;
	if (!fr_pernet_list)
		return fr_missing(FR_LAYOUT_PERNET);
	if (!fr_pernet_sem)
		return -ERANGE;	/* the list without its lock: not read */
	if (!fr_down_read_tried(fr_pernet_sem))
		return -EBUSY;
	list_for_each_entry_reverse(ops, fr_pernet_list, list) {
		if (++n > FR_PERNET_MAX) {
			ret = -E2BIG;
			break;
		}
		if (!fr_in_target(ops))
			continue;
		lo = fr_lo_add(&fr_lo_pernet, ops);
		if (!lo)
			break;
		lo->size = sizeof(*ops);
		fr_lo_symbol(lo, (unsigned long)ops);
		lo->t->scan_after_undo = true;
	}
	up_read(fr_pernet_sem);
	return ret;
}

/* FR_OK: @obj is still on the list; FR_GONE: not; FR_LOCKED: not read. */
enum fr_why __init fr_pernet_listed(const void *obj)
{
	struct pernet_operations *ops;
	unsigned int n = 0;
	bool listed = false;

	if (!fr_down_read_tried(fr_pernet_sem))
		return FR_LOCKED;
	list_for_each_entry(ops, fr_pernet_list, list) {
		listed |= ops == obj;
		if (listed || ++n > FR_PERNET_MAX)
			break;
	}
	up_read(fr_pernet_sem);
	return listed ? FR_OK : n > FR_PERNET_MAX ? FR_UNCHECKED : FR_GONE;
}

/*
 * For every undo that takes RTNL and pernet_ops_rwsem (link kinds,
 * notifiers, pernet operations): neither held for 100 ms.  A task that
 * crashed in a namespace's setup holds the second for ever.
 */
enum fr_why __init fr_net_locks_free(void)
{
	enum fr_why why = FR_OK;
	unsigned int n;

	if (!fr_pernet_sem)
		return FR_UNCHECKED;
	for (n = 0; n <= FR_TRIES; n++, fr_pause()) {
		why = rtnl_is_locked() ? FR_RTNL :
		      rwsem_is_locked(fr_pernet_sem) ? FR_LOCKED : FR_OK;
		if (!why)
			break;
	}
	return why;
}

static void fr_call_pernet_unregister(void *arg)
{
	unregister_pernet_device(arg);
}

static enum fr_why __init fr_undo_pernet(struct fr_leftover *lo)
{
	enum fr_why why;

	/* A tc action's: unregistered with it (tc.c, proven), or kept. */
	if (lo->cover) {
		if (!lo->cover->undone)
			return FR_UNCHECKED;
		why = fr_pernet_listed(lo->obj);
		return why == FR_OK ? FR_UNCHECKED : why;
	}
	why = fr_net_locks_free();

	if (!why)
		why = fr_pernet_listed(lo->obj);
	if (why)
		return why;
	return fr_call_bounded_long(fr_call_pernet_unregister, lo->obj);
}

/* Only the list's links to its node: nothing else should point to it. */
static bool __init fr_pernet_explains(const struct fr_leftover *lo,
				      unsigned long where, unsigned long v)
{
	struct pernet_operations *ops = lo->obj;

	return v - (unsigned long)&ops->list < sizeof(ops->list);
}

const struct fr_lo_kind fr_lo_pernet __initconst = {
	.name = FR_LO_KIND_PERNET,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_PERNET,
	.lookup = fr_lookup_pernet,
	.find = fr_find_pernet,
	.undo = fr_undo_pernet,
	.explains = fr_pernet_explains,
};
