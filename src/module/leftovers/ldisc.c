// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover line disciplines (drivers/tty/tty_ldisc.c): the slots of the
 * private table tty_ldiscs that hold operations lying in the target
 * (n_hdlc, slip, ppp's async...); undone with tty_unregister_ldisc(),
 * which clears the slot under tty_ldiscs_lock and runs nothing else.  A tty
 * using one holds its owner, the target, and is a user that refuses it
 * (users.c); one that lies in the target but names another owner is
 * refused.  The raw lock is looked at for 100 ms before the call, never
 * waited on.
 */
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/tty.h>
#include <linux/tty_ldisc.h>

#include "leftovers.h"

static const char fr_sym_ldiscs[] __initconst = "tty_ldiscs";
static const char fr_sym_ldiscs_lock[] __initconst = "tty_ldiscs_lock";

static struct tty_ldisc_ops **fr_ldiscs __initdata;
static raw_spinlock_t *fr_ldiscs_lock __initdata;

static void __init fr_lookup_ldiscs(void)
{
	fr_ldiscs = fr_lookup(FR_LAYOUT_LDISCS, fr_sym_ldiscs,
			      NR_LDISCS * sizeof(*fr_ldiscs));
	fr_ldiscs_lock = fr_lookup(FR_LAYOUT_LDISCS, fr_sym_ldiscs_lock,
				   sizeof(*fr_ldiscs_lock));
}

static int __init fr_find_ldiscs(void)
{
	struct tty_ldisc_ops *ops;
	struct fr_leftover *lo;
	int i;

	if (!fr_ldiscs)
		return fr_missing(FR_LAYOUT_LDISCS);
	if (!fr_ldiscs_lock)
		return -ERANGE;	/* the table without its lock: not read */
	/* Another module's, unregistered meanwhile, is freed after a grace period. */
	rcu_read_lock();
	for (i = 0; i < NR_LDISCS; i++) {
		ops = READ_ONCE(fr_ldiscs[i]);
		if (!ops || (ops->owner != fr_lo_target->mod && !fr_in_target(ops)))
			continue;
		lo = fr_lo_add(&fr_lo_ldisc, ops);
		if (!lo)
			break;
		lo->size = sizeof(*ops);
		lo->link = (unsigned long)&fr_ldiscs[i];
		strscpy(lo->name, ops->name, sizeof(lo->name));
		/* Its users hold no reference to the target: not undone. */
		if (ops->owner != fr_lo_target->mod || ops->num != i)
			lo->refuse = FR_UNCHECKED;
		/* Emptied, every new tty would fail to open: n_tty is not put back. */
		if (i == N_TTY)
			lo->refuse = FR_PERMANENT;
	}
	rcu_read_unlock();
	return 0;
}

static enum fr_why __init fr_undo_ldisc(struct fr_leftover *lo)
{
	struct tty_ldisc_ops *ops = lo->obj;
	unsigned int n;

	if (READ_ONCE(fr_ldiscs[ops->num]) != ops)
		return FR_GONE;
	for (n = 0; raw_spin_is_locked(fr_ldiscs_lock); n++, fr_pause())
		if (n == FR_TRIES)
			return FR_LOCKED;
	tty_unregister_ldisc(ops);
	return FR_OK;
}

const struct fr_lo_kind fr_lo_ldisc __initconst = {
	.name = FR_LO_KIND_LDISC,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_LDISC,
	.lookup = fr_lookup_ldiscs,
	.find = fr_find_ldiscs,
	.undo = fr_undo_ldisc,
	/* Only the table's slot: a tty's ldisc points to the same operations. */
	.explains = fr_lo_slot_explains,
};
