// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover kobjects: a bare kobject in the heap that the target made and
 * keeps in its data, as ext4 keeps /sys/fs/ext4 (kobject_create_and_add())
 * and /sys/fs/ext4/features (its own kzalloc() and kobj_type, with
 * kobject_init_and_add()).  Its exit would have put them.  Left, their
 * directories keep the names the fixed module makes again (ext4's reload
 * fails), and one whose kobj_type lies in the target keeps pointers into it
 * (its sysfs operations, its attributes, its release).
 *
 * One is a word of the target's data pointing to the start of a slab object
 * no larger than a kobject (a bare one: its release frees nothing else)
 * that reads, without faulting, as a kobject in sysfs: its kernfs
 * directory's priv is it.  It is taken as the target's when its kobj_type
 * lies in the target, or is kobject_create()'s own (measured on a kobject
 * the helper makes); when its name is a whole string of the target's (the
 * name it was made with; a stale word pointing to a block device's
 * "holders", made since, has the kernel's); when its directory is younger
 * than the target's (kernfs ids only grow); when neither the kernel's data
 * nor another module's holds its address; and when its parent is another
 * of these or one that the kernel's or a module's data holds (fs_kobj).
 * Any other (fs_kobj itself, a device's kobject) is not looked at here: the
 * reference scan sees what points into the target.  The loader's are not
 * the target's: its struct module, which lies in the target's data, is
 * passed over, and so is any kobject below the target's /sys/module
 * directory (holders, drivers), which free_module() puts.
 *
 * Undone with kobject_put(), dropping its maker's reference, when that is
 * the only one: one for each of its children that is a leftover too
 * (undone first, deepest first: each holds its parent), none other.  The
 * put removes its directory, draining its files (a show or store running
 * is waited for, so the call is bounded, core.c) and calls its release:
 * the target's intact code, as in its exit, or the kernel's.  Refused when
 * another reference is held ("open or in use"), when a directory below it
 * is not a leftover ("has children"), and with CONFIG_DEBUG_KOBJECT_RELEASE,
 * which calls the release seconds after the put ("not checked").  Nothing
 * else takes a kobject's reference: sysfs files and symlinks hold its
 * kernfs node, not it.  Its kernfs node is held from the search to the
 * undo, which first checks that the kobject is still there and the same
 * (its node, still active, and the node's priv): an earlier undo may have
 * freed it.  Undone after the target's timers, works and threads are
 * stopped, which may notify through it (sysfs_notify()) and take no
 * reference.  The target is scanned after the undo.
 */
#include <linux/kernfs.h>
#include <linux/kobject.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "leftovers.h"

#define FR_KOBJECTS	16	/* looked at per target, at most */
#define FR_KOBJECT_UP	4	/* parents named in its path */

static unsigned long fr_dynamic_ktype __initdata;	/* its kobj_type */
static const char fr_why_kobject[] __initconst = "kobject_create()'s kobj_type";

/* kobject_create()'s kobj_type: not exported, read off one made here. */
static void __init fr_lookup_kobject(void)
{
	struct kobject *k;

	k = kobject_create_and_add("fr_probe", &THIS_MODULE->mkobj.kobj);
	if (!k)
		return;
	fr_dynamic_ktype = (unsigned long)k->ktype;
	kobject_put(k);
}

struct fr_kobject {
	struct kobject *kobj;
	struct kobject *parent;
	struct kernfs_node *kn;
	unsigned int depth;
	unsigned int kref;
	unsigned long subdirs;
};

static struct fr_kobject fr_kobjs[FR_KOBJECTS] __initdata;
static unsigned int fr_nr_kobjs __initdata;
static bool fr_kobjs_over __initdata;	/* more than FR_KOBJECTS */

/*
 * The directory of the kobject @k read at @w: NULL unless it is @w's and
 * active (not being removed: KN_DEACTIVATED_BIAS makes it negative).
 */
static struct kernfs_node * __init fr_kobject_dir(const struct kobject *k,
						  unsigned long w)
{
	struct kernfs_node *kn = k->sd;
	void *priv;
	int active;

	if (!k->state_initialized || !k->state_in_sysfs || !kn ||
	    get_kernel_nofault(priv, &kn->priv) || (unsigned long)priv != w ||
	    get_kernel_nofault(active, &kn->active.counter) || active < 0)
		return NULL;
	return kn;
}

/* Its kobj_type is the target's own, or kobject_create()'s. */
static bool __init fr_kobject_typed(const struct kobject *k)
{
	return (unsigned long)k->ktype == fr_dynamic_ktype || fr_in_target(k->ktype);
}

/* Its name is a whole string of the target's. */
static bool __init fr_kobject_named(const struct kobject *k)
{
	char name[64];

	return fr_lo_str(name, sizeof(name), k->name) && name[0] &&
	       fr_lo_names(name);
}

/*
 * A reference on @kn, the directory of the kobject at @w: taken only while
 * the kobject still names it and it is live (count not 0: kernfs frees a
 * node at its last put, after a grace period since 6.2, which the read
 * and the increment lie within; on 6.1 at once, and only the dead target
 * frees its kobject), then the kobject is read again.
 */
static bool __init fr_kobject_hold(struct kernfs_node *kn, unsigned long w)
{
	unsigned long start, end;
	struct kernfs_node *sd;
	struct kobject k;
	bool held;

	if (!fr_slab_extent((unsigned long)kn, &start, &end) ||
	    start != (unsigned long)kn)
		return false;
	rcu_read_lock();
	held = !get_kernel_nofault(sd, &((struct kobject *)w)->sd) && sd == kn &&
	       atomic_inc_not_zero(&kn->count);
	rcu_read_unlock();
	if (!held)
		return false;
	if (copy_from_kernel_nofault(&k, (void *)w, sizeof(k)) ||
	    fr_kobject_dir(&k, w) != kn) {
		kernfs_put(kn);
		return false;
	}
	return true;
}

/* @w, a word of the target's data, as one of its kobjects: added once. */
static void __init fr_kobject_add(unsigned long w)
{
	struct kernfs_node *mine = READ_ONCE(fr_lo_target->mod->mkobj.kobj.sd);
	unsigned long start, end;
	struct fr_kobject *c;
	struct kernfs_node *kn;
	struct kobject k, *up;
	u64 mine_id, its_id;
	unsigned int i;

	if (fr_in_target((void *)w) ||
	    !IS_ALIGNED(w, sizeof(long)) || !fr_slab_extent(w, &start, &end) ||
	    start != w || end - start > kmalloc_size_roundup(sizeof(k)) ||
	    copy_from_kernel_nofault(&k, (void *)w, sizeof(k)))
		return;
	for (i = 0; i < fr_nr_kobjs; i++)
		if (fr_kobjs[i].kobj == (struct kobject *)w)
			return;
	kn = fr_kobject_dir(&k, w);
	if (!kn || !fr_kobject_typed(&k) || !mine || get_kernel_nofault(mine_id, &mine->id) ||
	    get_kernel_nofault(its_id, &kn->id) || its_id <= mine_id ||
	    !fr_kobject_named(&k) || fr_static_holds(w, fr_lo_target->mod))
		return;
	if (fr_nr_kobjs == FR_KOBJECTS) {
		fr_kobjs_over = true;
		return;
	}
	if (!fr_kobject_hold(kn, w))
		return;
	c = &fr_kobjs[fr_nr_kobjs++];
	c->kobj = (struct kobject *)w;
	c->parent = k.parent;
	c->kn = kn;
	c->kref = kref_read(&k.kref);
	if (get_kernel_nofault(c->subdirs, &kn->dir.subdirs))
		c->subdirs = ULONG_MAX;
	c->depth = 0;
	for (up = k.parent; up && c->depth < 64; c->depth++) {
		if (up == &fr_lo_target->mod->mkobj.kobj) {
			kernfs_put(kn);
			fr_nr_kobjs--;	/* the loader's: free_module() puts it */
			return;
		}
		if (get_kernel_nofault(up, &up->parent))
			break;
	}
}

/* Words of @r, but not of the target's struct module (the loader's). */
static void __init fr_scan_kobjects(struct fr_range *r)
{
	unsigned long mod = (unsigned long)fr_lo_target->mod, p;

	for (p = r->start; p + sizeof(long) <= r->end; p += sizeof(long))
		if (p - mod >= sizeof(struct module))
			fr_kobject_add(READ_ONCE(*(unsigned long *)p));
}

/* "fs/ext4/features": its name and its parents', read without faulting. */
static void __init fr_kobject_path(struct kobject *kobj, char *buf,
				   size_t size)
{
	const char *names[FR_KOBJECT_UP];
	unsigned int n = 0;
	const char *name;

	while (kobj && n < FR_KOBJECT_UP &&
	       !get_kernel_nofault(name, &kobj->name) &&
	       !get_kernel_nofault(kobj, &kobj->parent))
		names[n++] = name;
	fr_lo_path(buf, size, names, n);
}

/* Its parent is another of the target's, or one that static data holds. */
static bool __init fr_kobject_placed(const struct fr_kobject *c)
{
	unsigned int i;

	if (!c->parent)
		return false;
	for (i = 0; i < fr_nr_kobjs; i++)
		if (fr_kobjs[i].kobj == c->parent)
			return true;
	return fr_static_holds((unsigned long)c->parent, fr_lo_target->mod);
}

static int __init fr_find_kobjects(void)
{
	struct fr_leftover *lo;
	unsigned int i, j, kids, depth, top = 0;
	int ret = 0;

	if (!fr_dynamic_ktype) {
		fr_not_looked_at(fr_why_kobject);
		return -ENOENT;
	}
	fr_nr_kobjs = 0;
	fr_kobjs_over = false;
	fr_scan_rodata(fr_scan_kobjects);
	/* Parents first: a child's parent must still be one of them. */
	for (i = 0; i < fr_nr_kobjs; i++)
		top = max(top, fr_kobjs[i].depth);
	for (depth = 0; depth <= top; depth++) {
		i = 0;
		while (i < fr_nr_kobjs) {
			if (fr_kobjs[i].depth != depth ||
			    fr_kobject_placed(&fr_kobjs[i])) {
				i++;
				continue;
			}
			kernfs_put(fr_kobjs[i].kn);	/* dropped: the last moves here */
			fr_kobjs[i] = fr_kobjs[--fr_nr_kobjs];
		}
	}
	/* Deepest first: a child holds its parent until it is put. */
	for (depth = top + 1; !ret && depth-- > 0;) {
		for (i = 0; i < fr_nr_kobjs; i++) {
			struct fr_kobject *c = &fr_kobjs[i];

			if (c->depth != depth)
				continue;
			lo = fr_lo_add(&fr_lo_kobject, c->kobj);
			if (!lo) {
				ret = -E2BIG;
				break;
			}
			lo->link = (unsigned long)c->kn;	/* its reference, now */
			lo->held = true;
			fr_kobject_path(c->kobj, lo->name, sizeof(lo->name));
			for (kids = 0, j = 0; j < fr_nr_kobjs; j++)
				kids += fr_kobjs[j].parent == c->kobj;
			if (IS_ENABLED(CONFIG_DEBUG_KOBJECT_RELEASE))
				lo->refuse = FR_UNCHECKED;
			else if (c->subdirs != kids)
				lo->refuse = FR_HAS_CHILDREN;
			else if (c->kref != 1 + kids)
				lo->refuse = FR_BUSY;
			else
				lo->t->scan_after_undo = true;
			c->kn = NULL;
		}
	}
	/* Not listed (the list full): their references dropped. */
	for (i = 0; i < fr_nr_kobjs; i++)
		if (fr_kobjs[i].kn)
			kernfs_put(fr_kobjs[i].kn);
	return ret ?: fr_kobjs_over ? -E2BIG : 0;
}

static void fr_call_kobject_put(void *kobj)
{
	kobject_put(kobj);
}

static void __init fr_put_kobject(struct fr_leftover *lo)
{
	if (lo->held)
		kernfs_put((struct kernfs_node *)lo->link);
	lo->held = false;
}

/*
 * Still the same kobject (an earlier undo may have freed it: its held node
 * is then inactive, or another's), its children put before it: its maker's
 * reference is the only one.
 */
static enum fr_why __init fr_undo_kobject(struct fr_leftover *lo)
{
	struct kobject *kobj = lo->obj, k;

	if (copy_from_kernel_nofault(&k, kobj, sizeof(k)) ||
	    (unsigned long)fr_kobject_dir(&k, (unsigned long)kobj) != lo->link ||
	    !fr_kobject_typed(&k))
		return FR_GONE;
	if (READ_ONCE(k.sd->dir.subdirs))
		return FR_HAS_CHILDREN;
	if (kref_read(&k.kref) != 1)
		return FR_BUSY;
	return fr_call_bounded(fr_call_kobject_put, kobj);
}

const struct fr_lo_kind fr_lo_kobject __initconst = {
	.name = FR_LO_KIND_KOBJECT,
	.action = FR_LO_ACT_REMOVE,
	.done = FR_LOG_UNDONE_KOBJECT,
	.lookup = fr_lookup_kobject,
	.find = fr_find_kobjects,
	.undo = fr_undo_kobject,
	.put = fr_put_kobject,
};
