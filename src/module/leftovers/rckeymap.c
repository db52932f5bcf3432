// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover remote-control keymaps (drivers/media/rc/rc-main.c, the module
 * rc_core): the struct rc_map_list on rc_core's private list rc_map_list
 * that lies in the target (rc-rc6-mce and the other keymap modules).  A
 * device that loads a keymap copies it: no device points at it.  Undone
 * with rc_map_unregister(), a GPL export of rc_core taken with symbol_get()
 * (the helper does not link to rc_core), which is a list_del() under the
 * spinlock rc_map_lock; the lock is looked at for 100 ms first.
 *
 * The list and its lock are found as rc_core's own symbols; before the
 * lock is taken the head's links must read back without faulting.  rc_core
 * is held (a module reference) from the find to the put; only a target
 * that uses rc_core is looked for.
 */
#include <linux/list.h>
#include <linux/module.h>
#include <linux/spinlock.h>
#include <media/rc-map.h>

#include "leftovers.h"

#define FR_RC_MAPS_MAX	1024	/* the entries looked at: Debian has 138 */

static const char fr_rc_module[] __initconst = "rc_core";
static const char fr_sym_rc_maps[] __initconst = "rc_map_list";
static const char fr_sym_rc_lock[] __initconst = "rc_map_lock";

/* rc_core's list and lock, while it is held (by the find, then its leftovers). */
static struct list_head *fr_rc_maps __initdata;
static spinlock_t *fr_rc_lock __initdata;
static struct module *fr_rc_owner __initdata;

/* Under rc_map_lock: whether @entry is on the list (NULL: the list reads). */
static int __init fr_rc_walk(const struct list_head *entry)
{
	struct rc_map_list *map;
	struct fr_leftover *lo;
	unsigned int n = 0;

	list_for_each_entry(map, fr_rc_maps, list) {
		if (++n > FR_RC_MAPS_MAX)
			return -E2BIG;
		if (entry) {
			if (&map->list == entry)
				return 1;
			continue;
		}
		if (!fr_in_target(map))
			continue;
		lo = fr_lo_add(&fr_lo_rc_keymap, map);
		if (!lo)
			break;
		__module_get(fr_rc_owner);
		lo->owner = fr_rc_owner;
		lo->size = sizeof(*map);
		if (fr_in_target(map->map.name))
			strscpy(lo->name, map->map.name, sizeof(lo->name));
		else
			lo->refuse = FR_UNCHECKED;
	}
	return 0;
}

/* fr_rc_walk() under rc_map_lock, taken by trylock for 100 ms. */
static int __init fr_rc_locked_walk(const struct list_head *entry)
{
	unsigned int n;
	int ret;

	for (n = 0; n < FR_TRIES; n++, fr_pause()) {
		if (spin_trylock(fr_rc_lock)) {
			ret = fr_rc_walk(entry);
			spin_unlock(fr_rc_lock);
			return ret;
		}
	}
	return -EBUSY;
}

static int __init fr_find_rc_keymaps(void)
{
	struct module *owner = fr_get_module(fr_rc_module);
	int err = -ERANGE;

	if (!owner)
		return 0;	/* not loaded: nothing registered */
	if (!fr_lo_uses(fr_lo_target->mod, owner)) {
		err = 0;
		goto out;
	}
	fr_rc_maps = fr_lookup_module_data(fr_rc_module, fr_sym_rc_maps,
					   sizeof(*fr_rc_maps));
	fr_rc_lock = fr_lookup_module_data(fr_rc_module, fr_sym_rc_lock,
					   sizeof(*fr_rc_lock));
	if (!fr_rc_maps || !fr_rc_lock || !fr_layout_trusted(FR_LAYOUT_RC_MAPS))
		goto distrust;
	if (!fr_list_head_tried(fr_rc_maps))
		goto distrust;
	fr_rc_owner = owner;
	err = fr_rc_locked_walk(NULL);
	goto out;
distrust:
	fr_distrust(FR_LAYOUT_RC_MAPS);
out:
	module_put(owner);
	return err;
}

static enum fr_why __init fr_undo_rc_keymap(struct fr_leftover *lo)
{
	void (*unregister)(struct rc_map_list *map);
	struct rc_map_list *map = lo->obj;
	int on = fr_rc_locked_walk(&map->list);

	if (on < 0)
		return on == -EBUSY ? FR_LOCKED : FR_UNCHECKED;
	if (!on)
		return FR_GONE;
	unregister = symbol_get(rc_map_unregister);
	if (!unregister)
		return FR_UNCHECKED;
	unregister(map);
	symbol_put(rc_map_unregister);
	return fr_rc_locked_walk(&map->list) ? FR_UNCHECKED : FR_OK;
}

static void __init fr_put_rc_keymap(struct fr_leftover *lo)
{
	module_put(lo->owner);
}

/* Only the list's links point to its own: the head, or a neighbour's. */
static bool __init fr_rc_explains(const struct fr_leftover *lo,
				  unsigned long where, unsigned long v)
{
	struct rc_map_list *map = lo->obj;
	const struct list_head *node = &map->list;

	if (v != (unsigned long)node)
		return false;
	return where - (unsigned long)fr_rc_maps < sizeof(*node) ||
	       where - (unsigned long)READ_ONCE(node->next) < sizeof(*node) ||
	       where - (unsigned long)READ_ONCE(node->prev) < sizeof(*node);
}

const struct fr_lo_kind fr_lo_rc_keymap __initconst = {
	.name = FR_LO_KIND_RC_KEYMAP,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_RC_KEYMAP,
	.find = fr_find_rc_keymaps,
	.undo = fr_undo_rc_keymap,
	.put = fr_put_rc_keymap,
	.explains = fr_rc_explains,
};
