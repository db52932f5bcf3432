// SPDX-License-Identifier: GPL-2.0
/*
 * Users through the block and tty layers
 *
 * A block device or a tty is opened through its layer's own file operations,
 * so an open file does not name the driver behind it.  Each layer holds the
 * driver's module while its object is in use, and keeps its own count:
 *
 *   - Block devices: every open (bdev_open(), blkdev_get_by_dev() on 6.1) takes
 *     one reference to disk->fops->owner and raises the whole disk's
 *     bd_openers, whether the disk or one of its partitions was opened and
 *     whoever opened it: a process, a mount, swap, a stacked device.  So the
 *     target's references from block devices are the sum of bd_openers over
 *     its whole disks.  block_class is not exported: it is looked up, and
 *     walked with the exported class_dev_iter_*(), which hold each device
 *     while we read it.
 *   - Ttys: tty_init_dev() takes one reference to driver->owner per tty, kept
 *     until release_tty(), and installs the tty in driver->ttys[].  The list
 *     of drivers (tty_drivers) and its lock (tty_mutex) are not exported:
 *     both are looked up, and the lock is only tried, a bounded number of
 *     times: a task that died holding it would make us wait forever.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blkdev.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/tty.h>
#include <linux/tty_driver.h>
#include <linux/uaccess.h>

#include "force_rmmod.h"

/* How long to try tty_mutex: FR_TTY_TRIES times, FR_TTY_WAIT_MS apart. */
#define FR_TTY_TRIES		50
#define FR_TTY_WAIT_MS		20

/* block/genhd.c: every disk and partition. */
static struct class *fr_block_class __initdata;
/* drivers/tty/tty_io.c: every tty driver, and the mutex that guards them. */
static struct list_head *fr_tty_drivers __initdata;
static struct mutex *fr_tty_mutex __initdata;

void __init fr_find_device_data(void)
{
	if (!fr_block_class)
		fr_block_class = fr_lookup_data("block_class",
						sizeof(*fr_block_class));
	if (!fr_tty_drivers)
		fr_tty_drivers = fr_lookup_data("tty_drivers",
						sizeof(*fr_tty_drivers));
	if (!fr_tty_mutex)
		fr_tty_mutex = fr_lookup_data("tty_mutex",
					      sizeof(*fr_tty_mutex));
}

/*
 * Does the target own this disk?  The ops of another module's disk may be
 * freed under us if that module is going away: read its owner without
 * faulting.
 */
static bool __init fr_disk_owned(const struct gendisk *disk,
				 const struct module *mod)
{
	const struct block_device_operations *fops = READ_ONCE(disk->fops);
	struct module *owner;

	if (!fops)
		return false;
	if (within_module((unsigned long)fops, (struct module *)mod))
		return true;
	if (copy_from_kernel_nofault(&owner, &fops->owner, sizeof(owner)))
		return false;
	return owner == mod;
}

/*
 * Log the target's open block devices; add their references to @u.  Sleeps
 * between devices.
 */
void __init fr_report_blockdevs(const struct fr_rescue *t, struct fr_users *u)
{
	struct class_dev_iter iter;
	struct device *dev;
	int openers;

	if (!fr_block_class) {
		pr_warn("%s: " FR_LOG_USER "unknown (block devices not found)\n",
			t->name);
		u->users++;
		return;
	}
	class_dev_iter_init(&iter, fr_block_class, NULL, NULL);
	while ((dev = class_dev_iter_next(&iter))) {
		struct block_device *bdev = dev_to_bdev(dev);
		struct gendisk *disk = bdev->bd_disk;

		/* A partition's opens are counted in its whole disk's. */
		if (!disk || bdev != disk->part0 || !fr_disk_owned(disk, t->mod))
			continue;
		openers = atomic_read(&bdev->bd_openers);
		if (openers <= 0)
			continue;
		u->users++;
		u->blockdevs += openers;
		fr_user_line(t, u, FR_USER_BLOCKDEV "%s open (%d)\n",
			     disk->disk_name, openers);
		cond_resched();
	}
	class_dev_iter_exit(&iter);
}

/* tty_mutex, tried: a dead holder must not stop us.  Sleeps. */
static bool __init fr_try_tty_mutex(void)
{
	unsigned int i;

	for (i = 0; i < FR_TTY_TRIES; i++) {
		if (mutex_trylock(fr_tty_mutex))
			return true;
		msleep(FR_TTY_WAIT_MS);
	}
	return false;
}

/* A tty's name as /dev shows it (tty_line_name() is not exported). */
static void __init fr_tty_user(const struct fr_rescue *t, struct fr_users *u,
			       const struct tty_driver *drv, unsigned int idx,
			       int count)
{
	if (drv->flags & TTY_DRIVER_UNNUMBERED_NODE)
		fr_user_line(t, u, FR_USER_TTY "%s open (%d)\n", drv->name,
			     count);
	else
		fr_user_line(t, u, FR_USER_TTY "%s%u open (%d)\n", drv->name,
			     idx + drv->name_base, count);
}

/*
 * Log the target's ttys in use; add their references to @u.  Under
 * tty_mutex, a tty in driver->ttys[] is installed and not yet released
 * (release_tty() removes it under the same mutex), so it can be read.
 */
void __init fr_report_ttys(const struct fr_rescue *t, struct fr_users *u)
{
	struct tty_driver *drv;
	struct tty_struct *tty;
	unsigned int i;

	if (!fr_tty_drivers || !fr_tty_mutex) {
		pr_warn("%s: " FR_LOG_USER "unknown (tty drivers not found)\n",
			t->name);
		u->users++;
		return;
	}
	if (!fr_try_tty_mutex()) {
		pr_err("%s: " FR_LOG_USER "unknown (tty_mutex held for %d ms)\n",
		       t->name, FR_TTY_TRIES * FR_TTY_WAIT_MS);
		u->users++;
		return;
	}
	list_for_each_entry(drv, fr_tty_drivers, tty_drivers) {
		if (drv->owner != t->mod)
			continue;
		if (!drv->ttys) {
			/* devpts-backed (TTY_DRIVER_DEVPTS_MEM): not listed */
			fr_user_line(t, u, FR_USER_TTY "%s: unknown (not listed)\n",
				     drv->name);
			u->users++;
			continue;
		}
		for (i = 0; i < drv->num; i++) {
			tty = drv->ttys[i];
			if (!tty)
				continue;
			u->users++;
			u->ttys++;
			fr_tty_user(t, u, drv, i, READ_ONCE(tty->count));
		}
	}
	mutex_unlock(fr_tty_mutex);
}

/*
 * The target's whole disks (leftovers/disk.c): the first @max of them into
 * @disks, each held (put_device(disk_to_dev())); returns how many there
 * are, or -ENOENT when block_class was not found.
 */
int __init fr_owned_disks(const struct module *mod, struct gendisk **disks,
			  unsigned int max)
{
	struct class_dev_iter iter;
	struct device *dev;
	int n = 0;

	fr_find_device_data();
	if (!fr_block_class)
		return -ENOENT;
	class_dev_iter_init(&iter, fr_block_class, NULL, NULL);
	while ((dev = class_dev_iter_next(&iter))) {
		struct block_device *bdev = dev_to_bdev(dev);
		struct gendisk *disk = bdev->bd_disk;

		if (!disk || bdev != disk->part0 || !fr_disk_owned(disk, mod))
			continue;
		if (n < max)
			disks[n] = dev_to_disk(get_device(dev));
		n++;
	}
	class_dev_iter_exit(&iter);
	return n;
}
