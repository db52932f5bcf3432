// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover device-mapper target types (drivers/md/dm-target.c): the struct
 * target_type on the private list _targets of the module dm_mod whose
 * module is the target (dm-zero, dm-flakey, dm-delay, dm-dust,
 * dm-unstripe...).  A table using one holds its module, the target
 * (dm_get_target_type()), and its struct dm_target points at it: the
 * reference scan finds that pointer and refuses.  One that lies in the
 * target but names another module is refused ("not checked"): its users
 * hold no reference to the target.
 *
 * dm_unregister_target() is an export of dm_mod, a module: calling it would
 * make the helper loadable only where dm_mod is loaded, and symbol_get()
 * takes GPL exports only (it is a plain EXPORT_SYMBOL).  It is a list_del()
 * under dm_mod's rw_semaphore _lock, taken for writing, after a walk that
 * BUG()s when the entry is not on the list, and nothing else; that is done
 * here, the entry found on the list first, the lock taken by trylock for
 * 100 ms, never waited on.  Every reader of the list (dm_target_iterate(),
 * for DM_LIST_VERSIONS; get_target_type(), for a table being loaded and
 * DM_GET_TARGET_VERSION) holds _lock for reading while it reads an entry,
 * and keeps one past it only by its module, taken under the lock.
 *
 * The list and its lock are found as dm_mod's own symbols (statics with
 * common names: each is dm_mod's only one of its name); before the lock is
 * taken the head's links must read back without faulting, and under it the
 * list must hold dm_mod's own target "error", which dm_mod's init
 * registers.  dm_mod is held (a module reference) from the find to the
 * put; only a target that uses dm_mod is looked for.  A dm_mod built into
 * the kernel (Debian builds it as a module) is not looked at: the reference
 * scan then finds the list's link to the target's entry and refuses.
 */
#include <linux/device-mapper.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/rwsem.h>
#include <linux/string.h>

#include "leftovers.h"

#define FR_DM_MAX	1024	/* the entries looked at: a few dozen exist */

static const char fr_dm_module[] __initconst = "dm_mod";
static const char fr_sym_dm_targets[] __initconst = "_targets";
static const char fr_sym_dm_lock[] __initconst = "_lock";
static const char fr_dm_error[] __initconst = "error";

/*
 * dm_mod's list and lock, while it is held (by the find, then by its
 * leftovers): the same for every target.
 */
static struct list_head *fr_dm_targets __initdata;
static struct rw_semaphore *fr_dm_lock __initdata;

/*
 * dm_mod's list and lock, looked up while dm_mod is held: 0, or -ERANGE
 * when they are not found, their layout is not trusted here, or the head's
 * links do not read back (read unlocked: a target coming meanwhile may fail
 * it once, not four times).
 */
static int __init fr_dm_lookup(void)
{
	struct list_head *head;
	struct rw_semaphore *lock;

	head = fr_lookup_module_data(fr_dm_module, fr_sym_dm_targets,
				     sizeof(*head));
	lock = fr_lookup_module_data(fr_dm_module, fr_sym_dm_lock,
				     sizeof(*lock));
	if (!head || !lock) {
		fr_not_looked_at(head ? fr_sym_dm_lock : fr_sym_dm_targets);
		return -ERANGE;		/* loaded, but not found */
	}
	if (!fr_layout_trusted(FR_LAYOUT_DM_TARGETS))
		return -ERANGE;
	if (!fr_list_head_tried(head))
		return -ERANGE;
	fr_dm_targets = head;
	fr_dm_lock = lock;
	return 0;
}

/* Under _lock: whether the list is dm_mod's, with its own "error" on it. */
static int __init fr_dm_check(const struct module *owner)
{
	struct target_type *tt;
	unsigned int n = 0;
	bool error = false;

	list_for_each_entry(tt, fr_dm_targets, list) {
		if (++n > FR_DM_MAX)
			return -E2BIG;
		error |= within_module((unsigned long)tt, owner) &&
			 !strcmp(tt->name, fr_dm_error);
	}
	return error ? 0 : -ERANGE;
}

static void __init fr_dm_add(struct target_type *tt, struct module *owner)
{
	struct fr_leftover *lo = fr_lo_add(&fr_lo_dm_target, tt);
	const char *name = READ_ONCE(tt->name);

	if (!lo)
		return;
	__module_get(owner);
	lo->owner = owner;
	lo->size = sizeof(*tt);
	if (fr_in_target(name))
		strscpy(lo->name, name, sizeof(lo->name));
	else
		fr_lo_symbol(lo, (unsigned long)tt);
	/* Its users hold no reference to the target: not undone. */
	if (tt->module != fr_lo_target->mod)
		lo->refuse = FR_UNCHECKED;
}

/* Under _lock: the target's entries (checked first: fr_dm_check()). */
static void __init fr_dm_walk(struct module *owner)
{
	const struct module *mod = fr_lo_target->mod;
	struct target_type *tt;

	list_for_each_entry(tt, fr_dm_targets, list)
		if (tt->module == mod || fr_in_target(tt))
			fr_dm_add(tt, owner);
}

static int __init fr_find_dm_targets(void)
{
	struct module *owner = fr_get_module(fr_dm_module);
	int err = 0;

	if (!owner)
		return 0;	/* not loaded: nothing registered */
	if (!fr_lo_uses(fr_lo_target->mod, owner))
		goto out;
	err = fr_dm_lookup();
	if (err)
		goto distrust;
	if (!fr_down_read_tried(fr_dm_lock)) {
		err = -EBUSY;
		goto out;
	}
	err = fr_dm_check(owner);
	if (!err)
		fr_dm_walk(owner);
	up_read(fr_dm_lock);
	if (err != -ERANGE)
		goto out;
distrust:
	fr_distrust(FR_LAYOUT_DM_TARGETS);
out:
	module_put(owner);
	return err;
}

/* dm_unregister_target(), done here (see above). */
static enum fr_why __init fr_undo_dm_target(struct fr_leftover *lo)
{
	struct target_type *entry = lo->obj, *tt;
	enum fr_why why = FR_GONE;
	unsigned int n = 0;

	if (!fr_down_write_tried(fr_dm_lock))
		return FR_LOCKED;
	list_for_each_entry(tt, fr_dm_targets, list) {
		if (++n > FR_DM_MAX) {
			why = FR_UNCHECKED;
			break;
		}
		if (tt != entry)
			continue;
		if (tt->module == fr_lo_target->mod) {
			list_del(&tt->list);
			why = FR_OK;
		} else {
			why = FR_UNCHECKED;
		}
		break;
	}
	up_write(fr_dm_lock);
	return why;
}

static void __init fr_put_dm_target(struct fr_leftover *lo)
{
	module_put(lo->owner);
}

/*
 * Only the list's links point to its node: the head, or a neighbour's.  A
 * table's struct dm_target points to the entry's start, and is a user.
 */
static bool __init fr_dm_explains(const struct fr_leftover *lo,
				  unsigned long where, unsigned long v)
{
	struct target_type *entry = lo->obj, *tt;
	unsigned int n = 0;
	bool link;

	if (v - (unsigned long)&entry->list >= sizeof(entry->list))
		return false;
	link = where - (unsigned long)fr_dm_targets < sizeof(*fr_dm_targets);
	if (link || !down_read_trylock(fr_dm_lock))
		return link;
	list_for_each_entry(tt, fr_dm_targets, list) {
		if (++n > FR_DM_MAX)
			break;
		link |= where - (unsigned long)&tt->list < sizeof(tt->list);
	}
	up_read(fr_dm_lock);
	return link;
}

const struct fr_lo_kind fr_lo_dm_target __initconst = {
	.name = FR_LO_KIND_DM_TARGET,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_DM_TARGET,
	.find = fr_find_dm_targets,
	.undo = fr_undo_dm_target,
	.put = fr_put_dm_target,
	.explains = fr_dm_explains,
};
