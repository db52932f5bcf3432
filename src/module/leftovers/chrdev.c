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
 *   users.c, that refuses it before this runs.
 * - A region alone, from alloc_chrdev_region() or register_chrdev_region()
 *   (gnss, vfio, nvme...).  It holds nothing of the target (its name is a
 *   copy): left, it is a leak, not a danger.  So it is taken only when
 *   surely the target's: its name is a whole string of the target's
 *   constants and its first device number is a word of the target's data
 *   (where alloc_chrdev_region() wrote it).  Undone with
 *   unregister_chrdev_region().
 *
 * A region whose cdev was added apart (cdev_add()) is not looked for: the
 * cdev's link in the device map is the reference scan's.  The lock is
 * tried for 100 ms, never waited on; the last check is made under it, and
 * the undo, which takes it again, runs bounded.
 */
#include <linux/cdev.h>
#include <linux/fs.h>
#include <linux/kdev_t.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "leftovers.h"
#include "../kernel_private.h"

#define FR_CHRDEV_CHAIN	1024	/* a chain longer than that is not read */

static const char fr_sym_chrdevs[] __initconst = "chrdevs";
static const char fr_sym_chrdevs_lock[] __initconst = "chrdevs_lock";

static struct fr_char_device_struct **fr_chrdevs __initdata;
static struct mutex *fr_chrdevs_lock __initdata;
static u32 fr_chrdev_wanted __initdata;	/* fr_chrdev_scan() looks for it */
static bool fr_chrdev_seen __initdata;

static void __init fr_lookup_chrdevs(void)
{
	fr_chrdevs = fr_lookup(FR_LAYOUT_CHRDEVS, fr_sym_chrdevs,
			       FR_CHRDEV_HASH_SIZE * sizeof(*fr_chrdevs));
	fr_chrdevs_lock = fr_lookup(FR_LAYOUT_CHRDEVS, fr_sym_chrdevs_lock,
				    sizeof(*fr_chrdevs_lock));
}

static void __init fr_chrdev_scan(struct fr_range *r)
{
	unsigned long p;

	for (p = ALIGN(r->start, sizeof(u32)); p + sizeof(u32) <= r->end && !fr_chrdev_seen;
	     p += sizeof(u32))
		fr_chrdev_seen = *(u32 *)p == fr_chrdev_wanted;
}

/* Whose: its cdev's operations, or its name and number, the target's. */
static bool __init fr_chrdev_owned(const struct fr_char_device_struct *cd)
{
	const struct file_operations *ops;

	if (cd->cdev) {
		if (get_kernel_nofault(ops, &cd->cdev->ops))
			return false;
		return fr_in_target(ops);
	}
	if (strnlen(cd->name, sizeof(cd->name)) == sizeof(cd->name) ||
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
		}
	}
	return 0;
}

static int __init fr_find_chrdevs(void)
{
	int ret;

	if (!fr_chrdevs || !fr_chrdevs_lock)
		return fr_missing(FR_LAYOUT_CHRDEVS);
	if (!fr_mutex_trylock(fr_chrdevs_lock))
		return -EBUSY;
	ret = fr_find_chrdevs_locked();
	mutex_unlock(fr_chrdevs_lock);
	return ret;
}

/* Still on its chain, with the cdev it had when found. */
static enum fr_why __init fr_chrdev_listed(const struct fr_leftover *lo)
{
	const struct fr_char_device_struct *cd, *obj = lo->obj;
	enum fr_why why = FR_GONE;
	unsigned int n = 0;

	if (!fr_mutex_trylock(fr_chrdevs_lock))
		return FR_LOCKED;
	for (cd = fr_chrdevs[obj->major % FR_CHRDEV_HASH_SIZE];
	     cd && n < FR_CHRDEV_CHAIN; cd = cd->next, n++)
		if (cd == obj && (unsigned long)cd->cdev == lo->link)
			why = FR_OK;
	mutex_unlock(fr_chrdevs_lock);
	return why;
}

/* The region is freed by the call: its words read first. */
static void fr_call_chrdev_unregister(void *arg)
{
	struct fr_char_device_struct *cd = arg;
	unsigned int major = cd->major, baseminor = cd->baseminor;
	int minorct = cd->minorct;
	char name[64];

	if (!cd->cdev) {
		unregister_chrdev_region(MKDEV(major, baseminor), minorct);
		return;
	}
	strscpy(name, cd->name, sizeof(name));
	__unregister_chrdev(major, baseminor, minorct, name);
}

static enum fr_why __init fr_undo_chrdev(struct fr_leftover *lo)
{
	enum fr_why why = fr_chrdev_listed(lo);

	if (why)
		return why;
	if (!fr_mutex_free(fr_chrdevs_lock))
		return FR_LOCKED;
	return fr_call_bounded(fr_call_chrdev_unregister, lo->obj);
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
