// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover notifier blocks on the kernel's blocking and atomic chains other
 * than the network devices' (notifier.c): reboot (watchdogs), power
 * management, module, panic, IPv4 and IPv6 addresses and their validators
 * (ipvlan), network events.  A block is the target's when it lies in the
 * target or its function does.  Each chain's head is private (but panic's),
 * found by name as the kernel's public struct blocking_notifier_head or
 * atomic_notifier_head; one not found is not looked at, and said.
 *
 * Undone with blocking_notifier_chain_unregister() or
 * atomic_notifier_chain_unregister(), which only unlink the block (the
 * second waits for a grace period): nothing of the target runs.  A blocking
 * chain is read under its rwsem taken for reading by trylock, and its
 * writer's side is tried for 100 ms before the call (a call in progress
 * holds it for reading: a task crashed in one holds it for ever); an atomic
 * chain is read under RCU, as it is called.  The call is bounded (core.c).
 */
#include <linux/notifier.h>
#include <linux/rcupdate.h>
#include <linux/rwsem.h>
#include <linux/slab.h>

#include "leftovers.h"

#define FR_CHAIN_BLOCKS	4096	/* blocks on a chain, at most */

struct fr_chain {
	char sym[28];		/* the head's symbol */
	char label[20];		/* in the leftover's name: "reboot:BLOCK" */
	bool atomic;
};

static const struct fr_chain fr_chains[] __initconst = {
	{ "reboot_notifier_list", "reboot", false },
	{ "pm_chain_head", "pm", false },
	{ "module_notify_list", "module", false },
	{ "panic_notifier_list", "panic", true },
	{ "inetaddr_chain", "inetaddr", false },
	{ "inetaddr_validator_chain", "inetaddr_validator", false },
	{ "inet6addr_chain", "inet6addr", true },
	{ "inet6addr_validator_chain", "inet6addr_validator", false },
	{ "netevent_notif_chain", "netevent", true },
};

/* The heads found, by fr_chains[] index; a blocking head begins with its rwsem. */
static void *fr_heads[ARRAY_SIZE(fr_chains)] __initdata;

static void __init fr_lookup_chains(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fr_chains); i++)
		fr_heads[i] = fr_lookup(FR_LAYOUT_CHAINS, fr_chains[i].sym,
					fr_chains[i].atomic ?
					sizeof(struct atomic_notifier_head) :
					sizeof(struct blocking_notifier_head));
}

static struct notifier_block __rcu **__init fr_chain_first(unsigned int i)
{
	if (fr_chains[i].atomic)
		return &((struct atomic_notifier_head *)fr_heads[i])->head;
	return &((struct blocking_notifier_head *)fr_heads[i])->head;
}

/* Chain @i read, locked (fr_chain_walk()). */
static int __init fr_chain_walk_locked(unsigned int i,
				       const struct notifier_block *want,
				       unsigned long *link)
{
	static char sym[sizeof(fr_los->name)] __initdata;
	struct notifier_block __rcu **at = fr_chain_first(i);
	struct notifier_block *nb;
	struct fr_leftover *lo;
	unsigned int n = 0;
	int err = 0;

	for (; (nb = rcu_dereference_raw(*at)); at = &nb->next) {
		if (++n > FR_CHAIN_BLOCKS) {
			err = -E2BIG;
			break;
		}
		/* Its address, and still the target's: not a block made since. */
		if (want) {
			if (nb == want && fr_notifier_owned(nb)) {
				*link = (unsigned long)at;
				break;
			}
			continue;
		}
		if (!fr_notifier_owned(nb))
			continue;
		lo = fr_lo_add(&fr_lo_chain, nb);
		if (!lo)
			break;
		lo->size = sizeof(*nb);
		lo->link = (unsigned long)at;
		fr_lo_symbol(lo, fr_in_target(nb) ? (unsigned long)nb :
			     (unsigned long)nb->notifier_call);
		strscpy(sym, lo->name, sizeof(sym));
		scnprintf(lo->name, sizeof(lo->name), "%s:%s",
			  fr_chains[i].label, sym);
	}
	return err;
}

/*
 * Chain @i read, under its rwsem for reading (tried for 100 ms) or RCU: with
 * @want NULL, every block of the target's added; else the word that links
 * @want (the head's or the block's before it) into @link, 0 when it is not
 * on the chain.  0, or -EBUSY (locked), -E2BIG.
 */
static int __init fr_chain_walk(unsigned int i, const struct notifier_block *want,
				unsigned long *link)
{
	struct blocking_notifier_head *bh = fr_heads[i];
	int err;

	if (fr_chains[i].atomic) {
		rcu_read_lock();
		err = fr_chain_walk_locked(i, want, link);
		rcu_read_unlock();
		return err;
	}
	if (!fr_down_read_tried(&bh->rwsem))
		return -EBUSY;
	err = fr_chain_walk_locked(i, want, link);
	up_read(&bh->rwsem);
	return err;
}

static int __init fr_find_chains(void)
{
	unsigned int i;
	int err = 0, e;

	for (i = 0; i < ARRAY_SIZE(fr_chains); i++) {
		if (!fr_heads[i]) {
			if (fr_missing(FR_LAYOUT_CHAINS) == -ERANGE)
				err = -ERANGE;
			continue;
		}
		e = fr_chain_walk(i, NULL, NULL);
		if (e && !err)
			err = e;
	}
	return err;
}

/* The chain @lo is on, by its name's label. */
static int __init fr_chain_of(const struct fr_leftover *lo)
{
	unsigned int i;
	size_t len;

	for (i = 0; i < ARRAY_SIZE(fr_chains); i++) {
		len = strlen(fr_chains[i].label);
		if (fr_heads[i] && !strncmp(lo->name, fr_chains[i].label, len) &&
		    lo->name[len] == ':')
			return i;
	}
	return -1;
}

struct fr_chain_call {
	void *head;
	struct notifier_block *nb;
	bool atomic;
};

/* In the call's thread, which frees its argument: it may outlive init. */
static void fr_call_chain(void *arg)
{
	struct fr_chain_call *c = arg;

	if (c->atomic)
		atomic_notifier_chain_unregister(c->head, c->nb);
	else
		blocking_notifier_chain_unregister(c->head, c->nb);
	kfree(c);
}

static enum fr_why __init fr_undo_chain(struct fr_leftover *lo)
{
	int i = fr_chain_of(lo), err;
	struct atomic_notifier_head *ah;
	struct blocking_notifier_head *bh;
	struct fr_chain_call *c;
	unsigned long link = 0;
	enum fr_why why;

	if (i < 0)
		return FR_UNCHECKED;
	err = fr_chain_walk(i, lo->obj, &link);
	if (err)
		return err == -EBUSY ? FR_LOCKED : FR_UNCHECKED;
	if (!link)
		return FR_GONE;
	/* The lock the call takes unconditionally, tried first. */
	if (fr_chains[i].atomic) {
		ah = fr_heads[i];
		if (!fr_spin_free(&ah->lock))
			return FR_LOCKED;
	} else {
		bh = fr_heads[i];
		if (!fr_down_write_tried(&bh->rwsem))
			return FR_LOCKED;
		up_write(&bh->rwsem);
	}
	c = kmalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return FR_UNCHECKED;
	c->head = fr_heads[i];
	c->nb = lo->obj;
	c->atomic = fr_chains[i].atomic;
	why = fr_call_bounded_long(fr_call_chain, c);
	if (why == FR_UNCHECKED)
		kfree(c);	/* not called: no thread */
	return why;
}

const struct fr_lo_kind fr_lo_chain __initconst = {
	.name = FR_LO_KIND_CHAIN,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_CHAIN,
	.lookup = fr_lookup_chains,
	.find = fr_find_chains,
	.undo = fr_undo_chain,
	.explains = fr_notifier_explains,
};
