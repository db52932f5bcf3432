// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover platform devices: those the target made for its own platform
 * driver (platform_device_register_simple() and the like), as snd_dummy
 * does.  Its exit would have unregistered them: left, the next load of the
 * fixed module fails to register them again (the name is taken).
 *
 * One is a pointer in the target's data to a registered platform device
 * (bus_find_device() compares addresses only) named as one of the target's
 * platform drivers.  It is taken as made by the target only when it has no
 * firmware node, the platform bus's root as its parent, and a sysfs node
 * younger than the target's own (kernfs ids only grow): made while or after
 * the target loaded, for the target's driver; and when neither the kernel's
 * data nor another module's holds its address (its maker would keep it, to
 * unregister it).  Any other so named is refused ("not made by it"): arch
 * or board code, firmware or another module made it, and may unregister it
 * itself.
 *
 * Undone with platform_device_unregister(), after the driver (driver.c,
 * first in the table): unbound by then, so no code of the target runs.  It
 * takes the device's lock, which is tried first, and drains its sysfs
 * files: the call runs bounded (core.c).  The device is held from the
 * search to its undo.
 */
#include <linux/device.h>
#include <linux/kernfs.h>
#include <linux/mm.h>
#include <linux/platform_device.h>
#include <linux/property.h>

#include "leftovers.h"

static int __init fr_is_pdev(struct device *dev, const void *data)
{
	return (unsigned long)to_platform_device(dev) == *(const unsigned long *)data;
}

/* A platform driver of the target's named @name. */
static bool __init fr_target_pdrv(const char *name)
{
	const struct fr_leftover *lo;
	const struct device_driver *drv;

	for (lo = fr_los; lo < fr_los + fr_nr_los; lo++) {
		drv = lo->obj;
		if (lo->t == fr_lo_target && lo->kind == &fr_lo_driver && drv &&
		    drv->bus == &platform_bus_type && !strcmp(drv->name, name))
			return true;
	}
	return false;
}

/*
 * No firmware's, no other device's, younger than the target's kobject, and
 * its address kept by no other module and not by the kernel proper.
 */
static bool __init fr_made_by_target(struct platform_device *pdev)
{
	struct kernfs_node *mine = READ_ONCE(fr_lo_target->mod->mkobj.kobj.sd);
	struct kernfs_node *its = READ_ONCE(pdev->dev.kobj.sd);
	u64 mine_id, its_id;

	if (pdev->dev.parent != &platform_bus || dev_fwnode(&pdev->dev) ||
	    !mine || !its || get_kernel_nofault(mine_id, &mine->id) ||
	    get_kernel_nofault(its_id, &its->id) || its_id <= mine_id)
		return false;
	return !fr_static_holds((unsigned long)pdev, fr_lo_target->mod);
}

static bool __init fr_pdev_listed(const struct platform_device *pdev)
{
	const struct fr_leftover *lo;

	for (lo = fr_los; lo < fr_los + fr_nr_los; lo++)
		if (lo->t == fr_lo_target && lo->kind == &fr_lo_pdev &&
		    lo->obj == pdev)
			return true;
	return false;
}

static void __init fr_scan_pdevs(struct fr_range *r)
{
	struct platform_device *pdev;
	struct fr_leftover *lo;
	struct device *dev;
	unsigned long p, w;

	for (p = r->start; p + sizeof(long) <= r->end; p += sizeof(long)) {
		w = READ_ONCE(*(unsigned long *)p);
		if (!virt_addr_valid((void *)w))
			continue;
		dev = bus_find_device(&platform_bus_type, NULL, &w, fr_is_pdev);
		if (!dev)
			continue;
		pdev = to_platform_device(dev);
		if (!fr_target_pdrv(pdev->name) || fr_pdev_listed(pdev)) {
			put_device(dev);
			continue;
		}
		lo = fr_lo_add(&fr_lo_pdev, pdev);
		if (!lo) {
			put_device(dev);
			return;
		}
		lo->held = true;
		strscpy(lo->name, dev_name(dev), sizeof(lo->name));
		if (!fr_made_by_target(pdev))
			lo->refuse = FR_NOT_ITS_OWN;
	}
}

static int __init fr_find_pdevs(void)
{
	fr_scan_data(fr_scan_pdevs);
	return 0;
}

static void __init fr_put_pdev(struct fr_leftover *lo)
{
	struct platform_device *pdev = lo->obj;

	if (lo->held)
		put_device(&pdev->dev);
	lo->held = false;
}

static void fr_call_pdev_unregister(void *pdev)
{
	platform_device_unregister(pdev);
}

/* After its driver's undo: still registered, no driver bound, unlocked. */
static enum fr_why __init fr_undo_pdev(struct fr_leftover *lo)
{
	struct platform_device *pdev = lo->obj;
	enum fr_why why;

	if (!device_is_registered(&pdev->dev))
		return FR_GONE;
	if (READ_ONCE(pdev->dev.driver))
		return FR_BUSY;
	if (!fr_mutex_free(&pdev->dev.mutex))
		return FR_LOCKED;
	why = fr_call_bounded(fr_call_pdev_unregister, pdev);
	if (why)
		return why;
	/* Now, not after the scan: what it points to is freed with it. */
	fr_put_pdev(lo);
	return FR_OK;
}

const struct fr_lo_kind fr_lo_pdev __initconst = {
	.name = FR_LO_KIND_PDEV,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_PDEV,
	.find = fr_find_pdevs,
	.undo = fr_undo_pdev,
	.put = fr_put_pdev,
};
