// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover configfs subsystems (fs/configfs/dir.c): a struct
 * configfs_subsystem the target registered (null_blk's nullb_subsys), a
 * child of the module configfs's private root group configfs_root_group,
 * on its cg_children list under its private mutex configfs_subsystem_mutex.
 * Found when the subsystem, or its item's type, lies in the target; named
 * by its directory under /sys/kernel/config.
 *
 * Always refused: configfs_unregister_subsystem() is a plain EXPORT_SYMBOL
 * of configfs, a module.  Calling it would make the helper loadable only
 * where configfs is, and symbol_get() returns no export that is not
 * EXPORT_SYMBOL_GPL since 6.6.  What it does (a directory's dentries and
 * inodes, under their locks, removed with the items users made in it) is
 * not done here by hand either.  The refusal names the subsystem, not the
 * pointer that the reference scan would have found.
 *
 * configfs built in (not Debian's) is not looked at: the reference scan
 * then refuses the target on the pointer, unnamed.
 *
 * The root group is trusted only if its item's name is its own name
 * buffer, as configfs initialises it, and its list reads as a list.  The
 * list is read under the mutex, taken by trylock for 100 ms.
 */
#include <linux/configfs.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>

#include "leftovers.h"

#define FR_CONFIGFS_MAX	256	/* subsystems looked at */

static const char fr_configfs_module[] __initconst = "configfs";
static const char fr_sym_configfs_root[] __initconst = "configfs_root_group";
static const char fr_sym_configfs_mutex[] __initconst = "configfs_subsystem_mutex";

/* The target's subsystems, the mutex held. */
static int __init fr_configfs_walk(struct config_group *root)
{
	struct config_item *item;
	struct fr_leftover *lo;
	unsigned int n = 0;

	list_for_each_entry(item, &root->cg_children, ci_entry) {
		struct config_group *group;

		if (++n > FR_CONFIGFS_MAX)
			return -E2BIG;
		group = container_of(item, struct config_group, cg_item);
		if (!fr_in_target(container_of(group, struct configfs_subsystem,
					       su_group)) &&
		    !fr_in_target(READ_ONCE(item->ci_type)))
			continue;
		lo = fr_lo_add(&fr_lo_configfs, group);
		if (!lo)
			break;
		if (!fr_lo_str(lo->name, sizeof(lo->name), READ_ONCE(item->ci_name)))
			strscpy(lo->name, "?", sizeof(lo->name));
		lo->refuse = FR_MODULE_EXPORT;
	}
	return 0;
}

static int __init fr_find_configfs(void)
{
	struct module *owner = fr_get_module(fr_configfs_module);
	struct config_group *root;
	struct mutex *lock;	/* configfs_subsystem_mutex */
	int err = 0;

	if (!owner)
		return 0;
	if (!fr_lo_uses(fr_lo_target->mod, owner))
		goto out;
	root = fr_lookup_module_data(fr_configfs_module, fr_sym_configfs_root,
				     sizeof(*root));
	lock = fr_lookup_module_data(fr_configfs_module, fr_sym_configfs_mutex,
				     sizeof(*lock));
	/* Set up at configfs's first mount: before it, nothing is on it. */
	if (root && !READ_ONCE(root->cg_children.next) &&
	    !READ_ONCE(root->cg_children.prev))
		goto out;
	if (!root || !lock ||
	    READ_ONCE(root->cg_item.ci_name) != root->cg_item.ci_namebuf ||
	    !fr_list_head_tried(&root->cg_children)) {
		fr_not_looked_at(fr_sym_configfs_root);
		err = -ERANGE;
		goto out;
	}
	if (!fr_mutex_trylock(lock)) {
		err = -EBUSY;
		goto out;
	}
	err = fr_configfs_walk(root);
	mutex_unlock(lock);
out:
	module_put(owner);
	return err;
}

const struct fr_lo_kind fr_lo_configfs __initconst = {
	.name = FR_LO_KIND_CONFIGFS,
	.action = FR_LO_ACT_UNREGISTER,
	.find = fr_find_configfs,
};
