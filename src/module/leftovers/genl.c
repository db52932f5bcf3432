// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover generic netlink families (net/netlink/genetlink.c): the struct
 * genl_family in the private idr genl_fam_idr whose module is the target
 * (team, macsec, gtp, wireguard...), read under the private rwsem cb_lock,
 * taken for reading by trylock for 100 ms; one that lies in the target but
 * names another module is refused ("not checked").
 *
 * Undone with genl_unregister_family(), which takes cb_lock for writing
 * and genl_mutex (both looked at first, for 100 ms: a task that crashed
 * handling a message holds them for ever), clears the family's multicast
 * groups and waits for sockets being destroyed: bounded, 5 s.  A message
 * being handled by the target's code is a task in it (tasks.c); a dump in
 * progress holds the target (a user).  The idr's nodes that point to the
 * family are in the heap: its part of the reference scan runs after the
 * undo.
 */
#include <linux/idr.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <net/genetlink.h>

#include "leftovers.h"

#define FR_GENL_MAX	1024	/* families looked at, at most */

static const char fr_sym_genl_idr[] __initconst = "genl_fam_idr";
static const char fr_sym_cb_lock[] __initconst = "cb_lock";
static const char fr_sym_genl_mutex[] __initconst = "genl_mutex";

static struct idr *fr_genl_idr __initdata;
static struct rw_semaphore *fr_cb_lock __initdata;
static struct mutex *fr_genl_mutex __initdata;

static void __init fr_lookup_genl(void)
{
	fr_genl_idr = fr_lookup(FR_LAYOUT_GENL, fr_sym_genl_idr, sizeof(*fr_genl_idr));
	fr_cb_lock = fr_lookup(FR_LAYOUT_GENL, fr_sym_cb_lock, sizeof(*fr_cb_lock));
	fr_genl_mutex = fr_lookup(FR_LAYOUT_GENL, fr_sym_genl_mutex,
				  sizeof(*fr_genl_mutex));
}

static enum fr_why __init fr_genl_owner(const struct genl_family *family)
{
	return family->module == fr_lo_target->mod ? FR_OK : FR_UNCHECKED;
}

static int __init fr_find_genl_locked(void)
{
	struct genl_family *family;
	struct fr_leftover *lo;
	unsigned int n = 0;
	int id;

	idr_for_each_entry(fr_genl_idr, family, id) {
		if (++n > FR_GENL_MAX)
			return -E2BIG;
		if (family->module != fr_lo_target->mod && !fr_in_target(family))
			continue;
		lo = fr_lo_add(&fr_lo_genl, family);
		if (!lo)
			return 0;
		lo->size = sizeof(*family);
		strscpy(lo->name, family->name, sizeof(lo->name));
		lo->refuse = fr_genl_owner(family);
		if (!lo->refuse)
			lo->t->scan_after_undo = true;
	}
	return 0;
}

static int __init fr_find_genl(void)
{
	int ret;

	if (!fr_genl_idr || !fr_cb_lock || !fr_genl_mutex)
		return fr_missing(FR_LAYOUT_GENL);
	if (!fr_down_read_tried(fr_cb_lock))
		return -EBUSY;
	ret = fr_find_genl_locked();
	up_read(fr_cb_lock);
	return ret;
}

/* Still registered under its id, and the target's. */
static enum fr_why __init fr_genl_listed(const struct genl_family *family)
{
	enum fr_why why = FR_GONE;

	if (!fr_down_read_tried(fr_cb_lock))
		return FR_LOCKED;
	if (idr_find(fr_genl_idr, family->id) == family)
		why = fr_genl_owner(family);
	up_read(fr_cb_lock);
	return why;
}

static void fr_call_genl_unregister(void *family)
{
	genl_unregister_family(family);
}

static enum fr_why __init fr_undo_genl(struct fr_leftover *lo)
{
	enum fr_why why = fr_genl_listed(lo->obj);
	unsigned int n;

	if (why)
		return why;
	for (n = 0; rwsem_is_locked(fr_cb_lock); n++, fr_pause())
		if (n == FR_TRIES)
			return FR_LOCKED;
	if (!fr_mutex_free(fr_genl_mutex))
		return FR_LOCKED;
	return fr_call_bounded_long(fr_call_genl_unregister, lo->obj);
}

const struct fr_lo_kind fr_lo_genl __initconst = {
	.name = FR_LO_KIND_GENL,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_GENL,
	.lookup = fr_lookup_genl,
	.find = fr_find_genl,
	.undo = fr_undo_genl,
};
