// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover network device notifiers (net/core/dev.c): the notifier blocks
 * on the private raw chain netdev_chain that lie in the target or whose
 * function does (macvlan, tun, bonding, 8021q...); undone with
 * unregister_netdevice_notifier().  That calls the block once more for
 * every device, as going down and unregistering: the target's own code,
 * intact, what its exit does.  The chain is read under RTNL, taken by
 * trylock for 100 ms at most; RTNL or pernet_ops_rwsem (which the call
 * takes too) held for 100 ms refuses, and the call is bounded.  Only the
 * chain's own link to a block is explained: the word of
 * the head or of the block before it, as found.
 */
#include <linux/netdevice.h>
#include <linux/notifier.h>
#include <linux/rtnetlink.h>

#include "leftovers.h"

#define FR_CHAIN_MAX		4096	/* blocks on the chain, at most */

static const char fr_sym_netdev_chain[] __initconst = "netdev_chain";

static struct raw_notifier_head *fr_netdev_chain __initdata;

static void __init fr_lookup_notifiers(void)
{
	fr_netdev_chain = fr_lookup(FR_LAYOUT_NETDEV_CHAIN, fr_sym_netdev_chain,
				    sizeof(*fr_netdev_chain));
}

/* Whether @nb is the target's: it lies in it, or its function does (chain.c too). */
bool __init fr_notifier_owned(const struct notifier_block *nb)
{
	return fr_in_target(nb) ||
	       fr_in_text(fr_lo_target->mod, (unsigned long)nb->notifier_call);
}

static int __init fr_find_notifiers(void)
{
	struct notifier_block __rcu **link;
	struct notifier_block *nb;
	struct fr_leftover *lo;
	unsigned int n = 0;
	int ret = 0;

	if (!IS_ENABLED(CONFIG_NET))
		return -ENOENT;
	if (!fr_netdev_chain)
		return fr_missing(FR_LAYOUT_NETDEV_CHAIN);
	if (!fr_rtnl_trylock())
		return -EBUSY;
	for (link = &fr_netdev_chain->head; (nb = rtnl_dereference(*link));
	     link = &nb->next) {
		if (++n > FR_CHAIN_MAX) {
			ret = -E2BIG;
			break;
		}
		if (!fr_notifier_owned(nb))
			continue;
		lo = fr_lo_add(&fr_lo_notifier, nb);
		if (!lo)
			break;
		lo->size = sizeof(*nb);
		lo->link = (unsigned long)link;
		fr_lo_symbol(lo, fr_in_target(nb) ? (unsigned long)nb :
			     (unsigned long)nb->notifier_call);
	}
	rtnl_unlock();
	return ret;
}

/* FR_OK: @obj is still on the chain; FR_GONE: not; else: not read. */
static enum fr_why __init fr_notifier_listed(const void *obj)
{
	struct notifier_block *nb;
	unsigned int n = 0;
	bool listed = false;

	if (!fr_rtnl_trylock())
		return FR_RTNL;
	for (nb = rtnl_dereference(fr_netdev_chain->head); nb && n < FR_CHAIN_MAX;
	     nb = rtnl_dereference(nb->next), n++)
		listed |= nb == obj && fr_notifier_owned(nb);
	rtnl_unlock();
	return listed ? FR_OK : nb ? FR_UNCHECKED : FR_GONE;
}

static void fr_call_notifier_unregister(void *arg)
{
	unregister_netdevice_notifier(arg);
}

static enum fr_why __init fr_undo_notifier(struct fr_leftover *lo)
{
	enum fr_why why = fr_net_locks_free();

	if (!why)
		why = fr_notifier_listed(lo->obj);
	if (why)
		return why;
	return fr_call_bounded_long(fr_call_notifier_unregister, lo->obj);
}

/*
 * The chain's link to the block, and a block of the heap's own function
 * word: another pointer to the block (a structure that begins with it) is
 * not explained.  chain.c's blocks too.
 */
bool __init fr_notifier_explains(const struct fr_leftover *lo,
				 unsigned long where, unsigned long v)
{
	struct notifier_block *nb = lo->obj;

	return (where == lo->link && v == (unsigned long)nb) ||
	       (!fr_in_target(nb) && where == (unsigned long)&nb->notifier_call);
}

const struct fr_lo_kind fr_lo_notifier __initconst = {
	.name = FR_LO_KIND_NOTIFIER,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_NOTIFIER,
	.lookup = fr_lookup_notifiers,
	.find = fr_find_notifiers,
	.undo = fr_undo_notifier,
	.explains = fr_notifier_explains,
};
