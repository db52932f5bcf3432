// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover bus drivers: a struct device_driver in the target's data whose
 * owner is the target, registered on a bus (any bus: PCI, USB, platform,
 * ...), as probes.c finds them (fr_target_drivers()).  It is proven
 * registered twice, without a private list: its driver_private names it
 * back, read nofault (probes.c's fr_is_driver(), on the releases whose
 * layout was checked), and driver_find() by its name on its bus returns it.
 *
 * Undone with driver_unregister(), which calls the driver's own remove for
 * each device bound to it: the target's code, still in memory and intact,
 * and what its exit would have done.  Refused when a bound device's lock,
 * or its parent's, stays held for 100 ms (a crashed probe or remove may
 * hold it forever), when RTNL does while the target has network devices
 * (their remove unregisters them under it), when the driver sits on a bus
 * the target itself registered, and when the target's data points at a
 * device of the driver's bus not bound to it: one the target made, which
 * its exit would have unregistered too (only platform devices are undone,
 * platform.c).  The call runs bounded (core.c,
 * 5 s: a remove may wait for RCU).
 *
 * A remove frees what probe made (network devices, misc devices, /proc
 * entries, timers in the heap), none of which the reference scan could
 * explain beforehand: so a target with a driver to unregister is scanned
 * after the undo instead of before it (main.c), and its other leftovers
 * found gone by their own undo are taken as removed by it.
 */
#include <linux/device.h>
#include <linux/mm.h>
#include <linux/platform_device.h>
#include <linux/rtnetlink.h>
#include <linux/uaccess.h>

#include "leftovers.h"

#define FR_MAX_DRIVERS		32	/* drivers of one target undone */

/*
 * Registered: its private part names it back (which also proves its bus,
 * read by driver_find() on 6.1), and its bus finds it by its name.
 */
static bool __init fr_driver_registered(struct device_driver *drv)
{
	return fr_is_driver(drv) && READ_ONCE(drv->name) &&
	       driver_find(drv->name, drv->bus) == drv;
}

/* A bound device, or the parent USB interfaces lock too, locked now. */
static int __init fr_bound_locked(struct device *dev, void *data)
{
	struct device *parent = dev->parent;

	return mutex_is_locked(&dev->mutex) ||
	       (parent && mutex_is_locked(&parent->mutex));
}

static bool __init fr_target_has_netdev(void)
{
	const struct fr_leftover *lo;

	for (lo = fr_los; lo < fr_los + fr_nr_los; lo++)
		if (lo->t == fr_lo_target && lo->kind == &fr_lo_netdev)
			return true;
	return false;
}

/* Does the target's data point at (or just before) a device of @bus? */
struct fr_near {
	unsigned long word;
	const struct module *mod;
};

static int __init fr_dev_near(struct device *dev, const void *data)
{
	const struct fr_near *near = data;
	struct device_driver *drv = READ_ONCE(dev->driver);
	struct module *owner;

	/* One bound to the target's driver is unbound by its undo. */
	if (drv && !copy_from_kernel_nofault(&owner, &drv->owner, sizeof(owner)) &&
	    owner == near->mod)
		return 0;
	/* The device, or the struct that embeds it (pci_dev, usb_device). */
	return near->word <= (unsigned long)dev &&
	       (unsigned long)dev - near->word < 256;
}

static bool __init fr_points_at_device(struct device_driver *drv)
{
	struct fr_range r[2];
	unsigned int i, n = fr_data_ranges(fr_lo_target->mod, r);
	struct fr_near near = { .mod = fr_lo_target->mod };
	struct device *dev;
	unsigned long p;

	/* Platform devices it made are undone (platform.c). */
	if (drv->bus == &platform_bus_type)
		return false;
	for (i = 0; i < n; i++) {
		for (p = r[i].start; p + sizeof(long) <= r[i].end; p += sizeof(long)) {
			/* Not its own private part, which it points to. */
			if (p - (unsigned long)drv < sizeof(*drv))
				continue;
			near.word = READ_ONCE(*(unsigned long *)p);
			if (!virt_addr_valid((void *)near.word))
				continue;
			dev = bus_find_device(drv->bus, NULL, &near, fr_dev_near);
			if (dev) {
				put_device(dev);
				return true;
			}
		}
	}
	return false;
}

/* Can it be unregistered now, without waiting on a lock? */
static enum fr_why __init fr_driver_check(struct device_driver *drv)
{
	unsigned int n;

	if (fr_in_target(drv->bus))
		return FR_OWN_BUS;
	if (fr_points_at_device(drv))
		return FR_MADE_DEVICE;
	for (n = 0; driver_for_each_device(drv, NULL, NULL, fr_bound_locked);
	     n++, fr_pause())
		if (n == FR_TRIES)
			return FR_LOCKED;
	for (n = 0; fr_target_has_netdev() && rtnl_is_locked(); n++, fr_pause())
		if (n == FR_TRIES)
			return FR_RTNL;
	return FR_OK;
}

/* Checked after every kind was found (fr_check_drivers()): netdevs too. */
static int __init fr_find_drivers(void)
{
	const struct device_driver *found[FR_MAX_DRIVERS + 1];
	struct device_driver *drv;
	struct fr_leftover *lo;
	unsigned int i, nr;

	nr = fr_target_drivers(fr_lo_target->mod, found, ARRAY_SIZE(found));
	for (i = 0; i < nr && i < FR_MAX_DRIVERS; i++) {
		drv = (struct device_driver *)found[i];
		if (!fr_driver_registered(drv))
			continue;
		lo = fr_lo_add(&fr_lo_driver, drv);
		if (!lo)
			break;
		lo->size = sizeof(*drv);
		snprintf(lo->name, sizeof(lo->name), "%s/%s", drv->bus->name,
			 drv->name);
	}
	return nr > FR_MAX_DRIVERS ? -E2BIG : 0;
}

static void __init fr_check_drivers(void)
{
	struct fr_leftover *lo;

	for (lo = fr_los; lo < fr_los + fr_nr_los; lo++) {
		if (lo->kind != &fr_lo_driver || lo->refuse)
			continue;
		fr_lo_target = lo->t;
		lo->refuse = fr_driver_check(lo->obj);
		if (!lo->refuse)
			lo->t->scan_after_undo = true;
	}
}

/*
 * Its private part is freed and the driver core leaves the pointer: if the
 * target is refused after all and its own exit runs later, its
 * unregistration warns instead of reading freed memory.  Here, so that an
 * unregistration that outlives its wait clears it too.
 */
static void fr_call_driver_unregister(void *arg)
{
	struct device_driver *drv = arg;

	driver_unregister(drv);
	WRITE_ONCE(drv->p, NULL);
}

static enum fr_why __init fr_undo_driver(struct fr_leftover *lo)
{
	struct device_driver *drv = lo->obj;
	enum fr_why why;

	if (!fr_driver_registered(drv))
		return FR_GONE;
	why = fr_driver_check(drv);
	if (why)
		return why;
	return fr_call_bounded_long(fr_call_driver_unregister, drv);
}

const struct fr_lo_kind fr_lo_driver __initconst = {
	.name = FR_LO_KIND_DRIVER,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_DRIVER,
	.find = fr_find_drivers,
	.found = fr_check_drivers,
	.undo = fr_undo_driver,
};
