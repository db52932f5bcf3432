// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover socket diagnostics handlers, of two tables.
 *
 * sock_diag (net/core/sock_diag.c): the private array sock_diag_handlers,
 * one struct sock_diag_handler per address family (unix_diag, netlink_diag,
 * af_packet_diag, vsock_diag, xsk_diag, inet_diag's own for AF_INET and
 * AF_INET6), whose slot is set by cmpxchg and cleared by xchg, under no
 * lock.  A handler the target owns, or lying in the target, or whose dump
 * lies in its text, is a leftover; undone with sock_diag_unregister(), one
 * xchg that waits for nothing and runs nothing of the target.  A reader
 * takes the handler's owner (try_module_get() under RCU) for as long as it
 * uses it: a request in progress holds the target, and a count above the
 * loader's refuses it ("open or in use"); a reader
 * still between its load of the slot and its try_module_get() finishes
 * within the grace period free_module() waits for.  One that names another
 * owner, or sits in another family's slot than its own, is refused.
 *
 * inet_diag (net/ipv4/inet_diag.c, the module inet_diag): the
 * kzalloc()ed array of IPPROTO_MAX struct inet_diag_handler pointers
 * inet_diag_table points to (tcp_diag, udp_diag, raw_diag, sctp_diag,
 * dccp_diag, mptcp_diag).  inet_diag_unregister() is an export of
 * inet_diag, a module, which the helper does not link to (as xtables.c):
 * it is done here.  It comes in two forms, told apart by inet_diag's own
 * symbols, not by the version:
 *   - under the mutex inet_diag_table_mutex (6.1), which every reader
 *     holds for as long as it uses a handler, and handlers name no owner:
 *     the slot is cleared under the mutex, taken by trylock for 100 ms; a
 *     request in progress holds it (lock held);
 *   - lockless with ->owner (6.9 on): readers as sock_diag's; the slot is
 *     cleared by cmpxchg, as inet_diag_unregister()'s xchg.
 * inet_diag is held (a module reference) from the find to the put, so
 * that its table stays where it was found; only a target that uses
 * inet_diag is looked for.  A kernel with neither the mutex nor ->owner
 * is not read: what is on the table is unknown, which refuses.
 */
#include <linux/err.h>
#include <linux/in.h>
#include <linux/inet_diag.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/sock_diag.h>
#include <linux/socket.h>
#include <linux/string.h>

#include "leftovers.h"

/*
 * Kbuild: FR_SOCK_DIAG_OWNER, struct sock_diag_handler has ->owner (6.9,
 * and Debian's 6.1.192, which has the RCU table too); FR_INET_DIAG_OWNER,
 * struct inet_diag_handler has it (6.9 on; not 6.1).
 */
static inline const struct module *fr_sd_owner(const struct sock_diag_handler *h)
{
#ifdef FR_SOCK_DIAG_OWNER
	return h->owner;
#else
	return NULL;	/* not read: the table is not trusted */
#endif
}

static inline const struct module *fr_id_owner(const struct inet_diag_handler *h)
{
#ifdef FR_INET_DIAG_OWNER
	return h->owner;
#else
	return NULL;
#endif
}

/* Each leftover named by its symbol and its slot: "unix_diag_handler/1". */
static void __init fr_diag_name(struct fr_leftover *lo, const void *h, int slot)
{
	size_t n;

	fr_lo_symbol(lo, (unsigned long)h);
	n = strlen(lo->name);
	snprintf(lo->name + n, sizeof(lo->name) - n, "/%d", slot);
}

/*
 * A reader takes the handler's owner, then calls the handler: a count above
 * what the loader holds (a crashed init's 1) may be a request in progress,
 * a reference the users' count cannot tell from a leak.  Refused then.
 */
static bool __init fr_diag_requests(void)
{
	struct module *mod = fr_lo_target->mod;
	int base = READ_ONCE(mod->state) == MODULE_STATE_COMING ? 1 : 0;

	return module_refcount(mod) > base;
}

/* ---- sock_diag --------------------------------------------------------- */
static const char fr_sym_sock_diag[] __initconst = "sock_diag_handlers";

static struct sock_diag_handler **fr_sock_diag __initdata;

static void __init fr_lookup_sock_diag(void)
{
	fr_sock_diag = fr_lookup(FR_LAYOUT_SOCK_DIAG, fr_sym_sock_diag,
				 AF_MAX * sizeof(*fr_sock_diag));
#ifndef FR_SOCK_DIAG_OWNER
	/* Before 6.9: readers under sock_diag_table_mutex, not checked. */
	if (fr_sock_diag) {
		fr_distrust(FR_LAYOUT_SOCK_DIAG);
		fr_sock_diag = NULL;
	}
#endif
}

static bool __init fr_sock_diag_owned(const struct sock_diag_handler *h)
{
	return fr_sd_owner(h) == fr_lo_target->mod || fr_in_target(h) ||
	       fr_in_text(fr_lo_target->mod, (unsigned long)h->dump);
}

/*
 * Its users hold its owner: another's is not undone.  sock_diag_unregister()
 * clears the slot of h->family: it must be the one it was found in.
 */
static enum fr_why __init fr_sock_diag_why(const struct sock_diag_handler *h,
					   int slot)
{
	if (fr_sd_owner(h) != fr_lo_target->mod || h->family != slot)
		return FR_UNCHECKED;
	return fr_diag_requests() ? FR_BUSY : FR_OK;
}

static int __init fr_find_sock_diag(void)
{
	const struct sock_diag_handler *h;
	struct fr_leftover *lo;
	int i;

	if (!IS_ENABLED(CONFIG_NET) || !fr_sock_diag)
		return fr_missing(FR_LAYOUT_SOCK_DIAG);
	/* Another module's, unregistered meanwhile, is freed after a grace period. */
	rcu_read_lock();
	for (i = 0; i < AF_MAX; i++) {
		h = READ_ONCE(fr_sock_diag[i]);
		if (!h || !fr_sock_diag_owned(h))
			continue;
		lo = fr_lo_add(&fr_lo_sock_diag, (void *)h);
		if (!lo)
			break;
		lo->size = sizeof(*h);
		lo->link = (unsigned long)&fr_sock_diag[i];
		fr_diag_name(lo, h, i);
		lo->refuse = fr_sock_diag_why(h, i);
	}
	rcu_read_unlock();
	return 0;
}

static enum fr_why __init fr_undo_sock_diag(struct fr_leftover *lo)
{
	const struct sock_diag_handler **slot = (void *)lo->link;
	const struct sock_diag_handler *h = lo->obj;
	enum fr_why why;

	if (READ_ONCE(*slot) != h)
		return FR_GONE;
	why = fr_sock_diag_why(h, slot - (const struct sock_diag_handler **)fr_sock_diag);
	if (why)
		return why;
	/* One xchg of the slot: no lock, no wait, none of the target's code. */
#if IS_ENABLED(CONFIG_NET)
	sock_diag_unregister(h);
#endif
	return FR_OK;
}

const struct fr_lo_kind fr_lo_sock_diag __initconst = {
	.name = FR_LO_KIND_SOCK_DIAG,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_SOCK_DIAG,
	.lookup = fr_lookup_sock_diag,
	.find = fr_find_sock_diag,
	.undo = fr_undo_sock_diag,
	/* Only the table's slot points to it; readers hold it on their stack. */
	.explains = fr_lo_slot_explains,
};

/* ---- inet_diag --------------------------------------------------------- */
static const char fr_inet_diag_module[] __initconst = "inet_diag";
static const char fr_sym_inet_diag[] __initconst = "inet_diag_table";
static const char fr_sym_inet_diag_mutex[] __initconst = "inet_diag_table_mutex";

/*
 * inet_diag's table and its mutex (NULL: lockless), as the last find found
 * them while inet_diag was held; each leftover holds inet_diag, so they
 * stay valid for every leftover's undo.
 */
static struct inet_diag_handler **fr_inet_diag_at __initdata;
static struct mutex *fr_inet_diag_lock __initdata;

/*
 * inet_diag's table, while its module is held, or an ERR_PTR when not to be
 * read; *lock, its mutex, or NULL where readers take the handler's owner.
 * The table, kzalloc()ed, must be a slab object big enough for IPPROTO_MAX
 * pointers.
 */
static const struct inet_diag_handler ** __init fr_inet_diag_table(struct mutex **lock)
{
	const struct inet_diag_handler ***sym, **table;

	sym = fr_lookup_module_data(fr_inet_diag_module, fr_sym_inet_diag,
				    sizeof(*sym));
	if (!sym) {
		fr_not_looked_at(fr_sym_inet_diag);
		return ERR_PTR(-ERANGE);	/* loaded, but not found */
	}
	if (!fr_layout_trusted(FR_LAYOUT_INET_DIAG))
		return ERR_PTR(-ERANGE);
	/* Found: readers hold it (6.1), whatever the handlers name. */
	*lock = fr_lookup_module_data(fr_inet_diag_module, fr_sym_inet_diag_mutex,
				      sizeof(**lock));
#ifndef FR_INET_DIAG_OWNER
	if (!*lock)
		return ERR_PTR(-ERANGE);	/* readers that hold neither */
#endif
	table = READ_ONCE(*sym);
	if (!table || !fr_is_slab((unsigned long)table) ||
	    ksize(table) < IPPROTO_MAX * sizeof(*table))
		return ERR_PTR(-ERANGE);
	return table;
}

static bool __init fr_inet_diag_owned(const struct inet_diag_handler *h)
{
	return fr_id_owner(h) == fr_lo_target->mod || fr_in_target(h) ||
	       fr_in_text(fr_lo_target->mod, (unsigned long)h->dump);
}

/*
 * Its type must be its slot.  A handler that names an owner is the target's
 * only if that owner is the target (its users hold the owner).  One that
 * names none: under the mutex (6.1) no reader holds a module, and it is the
 * target's if it lies there; lockless, its users hold nothing.
 */
static enum fr_why __init fr_inet_diag_why(const struct inet_diag_handler *h,
					   int slot)
{
	if (h->idiag_type != slot)
		return FR_UNCHECKED;
	if (fr_id_owner(h) && fr_id_owner(h) != fr_lo_target->mod)
		return FR_UNCHECKED;
	if (fr_id_owner(h))
		return fr_diag_requests() ? FR_BUSY : FR_OK;
	return fr_inet_diag_lock && fr_in_target(h) ? FR_OK : FR_UNCHECKED;
}

/* The table's handlers that are the target's: mutex held, or RCU. */
static void __init fr_inet_diag_walk(const struct inet_diag_handler **table,
				     struct module *owner)
{
	const struct inet_diag_handler *h;
	struct fr_leftover *lo;
	int i;

	for (i = 0; i < IPPROTO_MAX; i++) {
		h = READ_ONCE(table[i]);
		if (!h || !fr_inet_diag_owned(h))
			continue;
		lo = fr_lo_add(&fr_lo_inet_diag, (void *)h);
		if (!lo)
			return;
		__module_get(owner);
		lo->owner = owner;
		lo->size = sizeof(*h);
		lo->link = (unsigned long)&table[i];
		fr_diag_name(lo, h, i);
		lo->refuse = fr_inet_diag_why(h, i);
	}
}

static int __init fr_find_inet_diag(void)
{
	struct module *owner = fr_get_module(fr_inet_diag_module);
	const struct inet_diag_handler **table;
	struct mutex *lock = NULL;
	int err = 0;

	if (!owner)
		return 0;	/* not loaded: nothing registered */
	if (!fr_lo_uses(fr_lo_target->mod, owner))
		goto out;
	table = fr_inet_diag_table(&lock);
	if (IS_ERR(table)) {
		fr_distrust(FR_LAYOUT_INET_DIAG);
		err = PTR_ERR(table);
		goto out;
	}
	fr_inet_diag_at = (struct inet_diag_handler **)table;
	fr_inet_diag_lock = lock;
	if (lock) {
		if (!fr_mutex_trylock(lock)) {
			err = -EBUSY;
			goto out;
		}
		fr_inet_diag_walk(table, owner);
		mutex_unlock(lock);
	} else {
		/* Another module's, unregistered meanwhile: freed after a grace period. */
		rcu_read_lock();
		fr_inet_diag_walk(table, owner);
		rcu_read_unlock();
	}
out:
	module_put(owner);
	return err;
}

/* inet_diag_unregister(), done here (see above). */
static enum fr_why __init fr_undo_inet_diag(struct fr_leftover *lo)
{
	const struct inet_diag_handler **slot = (void *)lo->link;
	const struct inet_diag_handler *h = lo->obj;
	struct mutex *lock = fr_inet_diag_lock;
	enum fr_why why = FR_GONE;

	if (lock && !fr_mutex_trylock(lock))
		return FR_LOCKED;
	if (READ_ONCE(*slot) == h)
		why = fr_inet_diag_why(h, slot -
				       (const struct inet_diag_handler **)fr_inet_diag_at);
	if (!why) {
		if (lock)
			WRITE_ONCE(*slot, NULL);
		else if (cmpxchg(slot, h, NULL) != h)
			why = FR_GONE;
	}
	if (lock)
		mutex_unlock(lock);
	return why;
}

static void __init fr_put_inet_diag(struct fr_leftover *lo)
{
	module_put(lo->owner);
}

const struct fr_lo_kind fr_lo_inet_diag __initconst = {
	.name = FR_LO_KIND_INET_DIAG,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_INET_DIAG,
	.find = fr_find_inet_diag,
	.undo = fr_undo_inet_diag,
	.put = fr_put_inet_diag,
	/* Only its slot in inet_diag's table points to it. */
	.explains = fr_lo_slot_explains,
};
