// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover character device regions (fs/char_dev.c): the regions on the
 * private hash chrdevs[] under the mutex chrdevs_lock (both found by name;
 * the region's struct is copied in kernel_private.h).  Two shapes:
 *
 * - A region with its cdev, made by __register_chrdev() (lp, ppdev, wwan,
 *   snd...), whose file operations lie in the target: undone with
 *   __unregister_chrdev(), which deletes the cdev too.  An open device
 *   holds the target (its cdev's owner, taken at open): a user, named by
 *   users.c, that refuses it before this runs, and an open after that
 *   changes the count, which stops the repair.  So a cdev whose owner is
 *   not the target is refused ("not checked"); the open files are in the
 *   heap, whose part of the reference scan runs after the undo.
 * - A region alone, from alloc_chrdev_region() or register_chrdev_region()
 *   (gnss, vfio, nvme...).  It holds nothing of the target (its name is a
 *   copy): left, it is a leak, not a danger.  So it is taken only when
 *   surely the target's: its name is a whole string of the target's
 *   constants and its first device number is a word of the target's data
 *   (where alloc_chrdev_region() wrote it).  Undone with
 *   unregister_chrdev_region().
 *
 * A region with a cdev added apart (cdev_add(): a probe of the private
 * device map cdev_map over its numbers) is left: freeing the numbers under
 * a mapped cdev would let them go to another driver while the target's
 * cdev still answers for them.  The cdev is the reference scan's.  The
 * lock (the map's too) is tried for 100 ms, never waited on; the last
 * check is made under it, and the undo, which takes it again, runs bounded
 * with the numbers read when the region was found.
 */
#include <linux/cdev.h>
#include <linux/fs.h>
#include <linux/kdev_t.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "leftovers.h"
#include "../kernel_private.h"

#define FR_CHRDEV_CHAIN	1024	/* a chain longer than that is not read */

static const char fr_sym_chrdevs[] __initconst = "chrdevs";
static const char fr_sym_chrdevs_lock[] __initconst = "chrdevs_lock";
static const char fr_sym_cdev_map[] __initconst = "cdev_map";

static struct fr_char_device_struct **fr_chrdevs __initdata;
static struct mutex *fr_chrdevs_lock __initdata;
static struct fr_kobj_map **fr_cdev_map __initdata;
static u32 fr_chrdev_wanted __initdata;	/* fr_chrdev_scan() looks for it */
static bool fr_chrdev_seen __initdata;

static void __init fr_lookup_chrdevs(void)
{
	fr_chrdevs = fr_lookup(FR_LAYOUT_CHRDEVS, fr_sym_chrdevs,
			       FR_CHRDEV_HASH_SIZE * sizeof(*fr_chrdevs));
	fr_chrdevs_lock = fr_lookup(FR_LAYOUT_CHRDEVS, fr_sym_chrdevs_lock,
				    sizeof(*fr_chrdevs_lock));
	fr_cdev_map = fr_lookup(FR_LAYOUT_CHRDEVS, fr_sym_cdev_map,
				sizeof(*fr_cdev_map));
}

/* A cdev mapped over some of @cd's numbers (the base probe aside). */
static bool __init fr_chrdev_mapped(const struct fr_char_device_struct *cd)
{
	dev_t first = MKDEV(cd->major, cd->baseminor);
	const struct fr_probe *p;
	unsigned int n = 0;

	for (p = (*fr_cdev_map)->probes[cd->major % FR_CHRDEV_HASH_SIZE];
	     p; p = p->next) {
		if (++n > FR_CHRDEV_CHAIN)
			return true;
		if (p->range != ~0UL && p->dev < first + cd->minorct &&
		    first < p->dev + p->range)
			return true;
	}
	return false;
}

static void __init fr_chrdev_scan(struct fr_range *r)
{
	unsigned long p;

	for (p = ALIGN(r->start, sizeof(u32)); p + sizeof(u32) <= r->end && !fr_chrdev_seen;
	     p += sizeof(u32))
		fr_chrdev_seen = *(u32 *)p == fr_chrdev_wanted;
}

/*
 * Whose: its cdev's operations, or its name and number, the target's
 * (and then no cdev mapped over it).
 */
static bool __init fr_chrdev_owned(const struct fr_char_device_struct *cd)
{
	const struct file_operations *ops;

	if (cd->cdev) {
		if (get_kernel_nofault(ops, &cd->cdev->ops))
			return false;
		return fr_in_target(ops);
	}
	if (cd->minorct <= 0 || fr_chrdev_mapped(cd) ||
	    strnlen(cd->name, sizeof(cd->name)) == sizeof(cd->name) ||
	    !fr_lo_names(cd->name))
		return false;
	fr_chrdev_wanted = MKDEV(cd->major, cd->baseminor);
	fr_chrdev_seen = false;
	fr_scan_data(fr_chrdev_scan);
	return fr_chrdev_seen;
}

static int __init fr_find_chrdevs_locked(void)
{
	struct fr_char_device_struct *cd;
	struct fr_leftover *lo;
	unsigned int i, n;

	for (i = 0; i < FR_CHRDEV_HASH_SIZE; i++) {
		for (cd = fr_chrdevs[i], n = 0; cd; cd = cd->next) {
			if (++n > FR_CHRDEV_CHAIN)
				return -E2BIG;
			if (!fr_chrdev_owned(cd))
				continue;
			lo = fr_lo_add(&fr_lo_chrdev, cd);
			if (!lo)
				return 0;
			lo->link = (unsigned long)cd->cdev;
			snprintf(lo->name, sizeof(lo->name), "%u:%u-%u:%.40s",
				 cd->major, cd->baseminor,
				 cd->baseminor + cd->minorct - 1, cd->name);
			if (cd->cdev && READ_ONCE(cd->cdev->owner) != fr_lo_target->mod)
				lo->refuse = FR_UNCHECKED;
			else if (cd->cdev)
				lo->t->scan_after_undo = true;
		}
	}
	return 0;
}

static int __init fr_find_chrdevs(void)
{
	int ret;

	if (!fr_chrdevs || !fr_chrdevs_lock || !fr_cdev_map)
		return fr_missing(FR_LAYOUT_CHRDEVS);
	if (!fr_mutex_trylock(fr_chrdevs_lock))
		return -EBUSY;
	ret = fr_find_chrdevs_locked();
	mutex_unlock(fr_chrdevs_lock);
	return ret;
}

/* What the call is given: the numbers read when found (the log's name). */
struct fr_chrdev_call {
	unsigned int major, baseminor;
	int minorct;
	bool cdev;
};

/* Still on its chain with the numbers and cdev it had when found. */
static enum fr_why __init fr_chrdev_listed(const struct fr_leftover *lo,
					   const struct fr_chrdev_call *c)
{
	const struct fr_char_device_struct *cd;
	enum fr_why why = FR_GONE;
	unsigned int n = 0;

	if (!fr_mutex_trylock(fr_chrdevs_lock))
		return FR_LOCKED;
	for (cd = fr_chrdevs[c->major % FR_CHRDEV_HASH_SIZE];
	     cd && n < FR_CHRDEV_CHAIN; cd = cd->next, n++)
		if (cd == lo->obj && cd->major == c->major &&
		    cd->baseminor == c->baseminor && cd->minorct == c->minorct &&
		    (unsigned long)cd->cdev == lo->link)
			why = cd->cdev || !fr_chrdev_mapped(cd) ? FR_OK : FR_BUSY;
	mutex_unlock(fr_chrdevs_lock);
	return why;
}

static void fr_call_chrdev_unregister(void *arg)
{
	struct fr_chrdev_call *c = arg;

	if (c->cdev)
		__unregister_chrdev(c->major, c->baseminor, c->minorct, "");
	else
		unregister_chrdev_region(MKDEV(c->major, c->baseminor), c->minorct);
	kfree(c);
}

static enum fr_why __init fr_undo_chrdev(struct fr_leftover *lo)
{
	struct fr_chrdev_call *c;
	unsigned int last;
	enum fr_why why;

	c = kmalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return FR_UNCHECKED;
	c->cdev = lo->link;
	if (sscanf(lo->name, "%u:%u-%u:", &c->major, &c->baseminor, &last) != 3 ||
	    last < c->baseminor) {
		kfree(c);
		return FR_UNCHECKED;
	}
	c->minorct = last - c->baseminor + 1;
	why = fr_chrdev_listed(lo, c);
	if (!why && !fr_mutex_free(fr_chrdevs_lock))
		why = FR_LOCKED;
	if (why) {
		kfree(c);
		return why;
	}
	why = fr_call_bounded(fr_call_chrdev_unregister, c);
	if (why == FR_UNCHECKED)
		kfree(c);	/* not called: no thread */
	return why;
}

/* The cdev's words (its ops, its owner), which the undo frees with it. */
static bool __init fr_chrdev_explains(const struct fr_leftover *lo,
				      unsigned long where, unsigned long v)
{
	return lo->link && where - lo->link < sizeof(struct cdev);
}

const struct fr_lo_kind fr_lo_chrdev __initconst = {
	.name = FR_LO_KIND_CHRDEV,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_CHRDEV,
	.lookup = fr_lookup_chrdevs,
	.find = fr_find_chrdevs,
	.undo = fr_undo_chrdev,
	.explains = fr_chrdev_explains,
};
