// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover queueing disciplines (net/sched/sch_api.c): the Qdisc_ops on
 * qdisc_base, a list by ->next under the rwlock qdisc_mod_lock (both
 * private, found by name), whose owner is the target; undone with
 * unregister_qdisc(), which warns when the ops are not listed: they are
 * proven listed right before, and the lock is tried first.
 *
 * A qdisc in use holds its ops and the target (ops.c names those users).
 * The default qdisc (net.core.default_qdisc) is a pointer to the ops too,
 * held by nothing: ops that are the default are refused ("open or in
 * use").
 */
#include <net/pkt_sched.h>
#include <net/sch_generic.h>

#include "leftovers.h"

#define FR_MAX_QDISCS	256	/* a list longer than that is not read */

static const char fr_sym_qdisc_base[] __initconst = "qdisc_base";
static const char fr_sym_qdisc_lock[] __initconst = "qdisc_mod_lock";

static struct Qdisc_ops **fr_qdisc_base __initdata;
static rwlock_t *fr_qdisc_lock __initdata;

static void __init fr_lookup_qdiscs(void)
{
	fr_qdisc_base = fr_lookup(FR_LAYOUT_QDISC, fr_sym_qdisc_base,
				  sizeof(*fr_qdisc_base));
	fr_qdisc_lock = fr_lookup(FR_LAYOUT_QDISC, fr_sym_qdisc_lock,
				  sizeof(*fr_qdisc_lock));
}

static enum fr_why __init fr_qdisc_state(const struct Qdisc_ops *ops)
{
	return READ_ONCE(default_qdisc_ops) == ops ? FR_BUSY : FR_OK;
}

/* The target's, on the list; 0, -E2BIG (not read to its end). */
static int __init fr_find_qdiscs_locked(void)
{
	struct fr_leftover *lo;
	struct Qdisc_ops *q;
	unsigned int n = 0;

	for (q = *fr_qdisc_base; q && n < FR_MAX_QDISCS; q = q->next, n++) {
		if (q->owner != fr_lo_target->mod)
			continue;
		lo = fr_lo_add(&fr_lo_qdisc, q);
		if (!lo)
			return 0;
		lo->size = sizeof(*q);
		strscpy(lo->name, q->id, sizeof(lo->name));
		lo->refuse = fr_qdisc_state(q);
	}
	return q ? -E2BIG : 0;
}

static int __init fr_find_qdiscs(void)
{
	unsigned int n;
	int ret;

	if (!IS_ENABLED(CONFIG_NET_SCHED))
		return -ENOENT;
	if (!fr_qdisc_base || !fr_qdisc_lock)
		return fr_missing(FR_LAYOUT_QDISC);
	for (n = 0; n < FR_TRIES; n++, fr_pause()) {
		if (read_trylock(fr_qdisc_lock)) {
			ret = fr_find_qdiscs_locked();
			read_unlock(fr_qdisc_lock);
			return ret;
		}
	}
	return -EBUSY;
}

/* Still listed and the target's, and not the default. */
static enum fr_why __init fr_qdisc_listed_locked(const struct fr_leftover *lo)
{
	enum fr_why why = FR_GONE;
	struct Qdisc_ops *q;
	unsigned int n = 0;

	for (q = *fr_qdisc_base; q && n < FR_MAX_QDISCS; q = q->next, n++)
		if (q == lo->obj && q->owner == fr_lo_target->mod)
			why = fr_qdisc_state(q);
	return why;
}

static enum fr_why __init fr_undo_qdisc(struct fr_leftover *lo)
{
	enum fr_why why = FR_LOCKED;
	unsigned int n;

	for (n = 0; n < FR_TRIES; n++, fr_pause()) {
		if (read_trylock(fr_qdisc_lock)) {
			why = fr_qdisc_listed_locked(lo);
			read_unlock(fr_qdisc_lock);
			break;
		}
	}
	if (why)
		return why;
	if (!fr_rwlock_free(fr_qdisc_lock))
		return FR_LOCKED;
#if IS_ENABLED(CONFIG_NET_SCHED)
	unregister_qdisc(lo->obj);
#endif
	return FR_OK;
}

/*
 * Only the list's own link to it is explained: the head's or the ->next of
 * the ops before it, which the undo changes.  A qdisc's ->ops points to
 * the same address and is a user: it must stay unexplained.
 */
static bool __init fr_qdisc_explains(const struct fr_leftover *lo,
				     unsigned long where, unsigned long v)
{
	size_t next = offsetof(struct Qdisc_ops, next);
	struct Qdisc_ops *q;
	unsigned int n = 0;
	bool link = false;

	if (v != (unsigned long)lo->obj)
		return false;
	if (where == (unsigned long)fr_qdisc_base)
		return true;
	if (!read_trylock(fr_qdisc_lock))
		return false;
	for (q = *fr_qdisc_base; q && n < FR_MAX_QDISCS; q = q->next, n++)
		link |= where == (unsigned long)q + next && q->next == lo->obj;
	read_unlock(fr_qdisc_lock);
	return link;
}

const struct fr_lo_kind fr_lo_qdisc __initconst = {
	.name = FR_LO_KIND_QDISC,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_QDISC,
	.lookup = fr_lookup_qdiscs,
	.find = fr_find_qdiscs,
	.undo = fr_undo_qdisc,
	.explains = fr_qdisc_explains,
};
