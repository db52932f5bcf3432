// SPDX-License-Identifier: GPL-2.0
/*
 * A driver's probe or remove that never returned
 *
 * The driver core runs a driver's probe and its remove with the device's
 * lock held (drivers/base/dd.c), and counts a probe in its probe_count.  A
 * probe or remove that oopses kills its task with both still held.  Nothing
 * releases them: the next reboot waits for ever in device_shutdown(), and so
 * does anything else that locks the device, the driver's own unregister
 * (its exit) first.  A rescue cannot mend that, so such a target is refused,
 * with a line that says why the machine will not reboot cleanly.
 *
 * The target's drivers are found in its writable data: a struct
 * device_driver whose owner is the target and whose private part points
 * back to it, as driver_register() leaves it (the back pointer survives
 * until the driver's kobject is released).  Every device on that driver's
 * bus is walked with the exported bus_for_each_dev(), which locks no device.
 * One whose driver is that driver while its device links say "probing"
 * (set before the probe, changed when it returns either way) or
 * "unbinding" (the same around remove), its lock held, is such a call.  It
 * may still run in a live task: the tasks check, which comes first, names
 * that one.
 *
 * struct driver_private is private (drivers/base/base.h): its layout, the
 * same in the 6.1, 6.12 and 7.1 sources, is copied up to the back pointer.
 * Outside the releases checked, drivers are not looked at, and a line says
 * so: the reference scan still refuses a target whose exit will not run
 * while its driver is registered.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/kobject.h>
#include <linux/klist.h>
#include <linux/mutex.h>
#include <linux/uaccess.h>
#include <linux/version.h>

#include "force_rmmod.h"

#define FR_MAX_DRIVERS	16	/* drivers of one target looked at */

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 0) && \
	LINUX_VERSION_CODE < KERNEL_VERSION(7, 4, 0)
#define FR_DRIVER_PRIVATE_CHECKED

/* drivers/base/base.h, up to the field read. */
struct fr_driver_private {
	struct kobject kobj;
	struct klist klist_devices;
	struct klist_node knode_bus;
	struct module_kobject *mkobj;
	struct device_driver *driver;
};
#endif

struct fr_probe_walk {
	const struct fr_rescue *t;
	const struct device_driver *drv;
	unsigned int stuck;
};

/* bus_for_each_dev()'s callback: the bus's klist holds @dev meanwhile. */
static int __init fr_probe_stuck(struct device *dev, void *data)
{
	struct fr_probe_walk *w = data;
	enum dl_dev_state status = READ_ONCE(dev->links.status);

	if (READ_ONCE(dev->driver) != w->drv || !mutex_is_locked(&dev->mutex) ||
	    (status != DL_DEV_PROBING && status != DL_DEV_UNBINDING))
		return 0;
	pr_err("%s: " FR_LOG_DEVICE
	       "%s: %s by driver %s never returned; the device stays locked, and the next reboot will hang in device_shutdown()\n",
	       w->t->name, dev_name(dev),
	       status == DL_DEV_PROBING ? "probe" : "remove", w->drv->name);
	w->stuck++;
	return 0;
}

#ifdef FR_DRIVER_PRIVATE_CHECKED
/*
 * Is @drv, in the target's data, a driver registered (or being removed)?
 * Also leftovers/driver.c's first proof.
 */
bool __init fr_is_driver(const struct device_driver *drv)
{
	struct fr_driver_private *priv = (void *)READ_ONCE(drv->p);
	struct device_driver *back;

	return priv && READ_ONCE(drv->bus) &&
	       !copy_from_kernel_nofault(&back, &priv->driver, sizeof(back)) &&
	       back == drv;
}

/*
 * The target's drivers: each struct device_driver owned by it, in its data;
 * at most @max (a target with more returns @max).
 */
unsigned int __init fr_target_drivers(const struct module *mod,
				      const struct device_driver **drv,
				      unsigned int max)
{
	size_t off = offsetof(struct device_driver, owner);
	struct fr_range r[2];
	unsigned int i, nr = 0, ranges = fr_data_ranges(mod, r);
	unsigned long p;

	for (i = 0; i < ranges; i++) {
		for (p = r[i].start + off; p + sizeof(void *) <= r[i].end;
		     p += sizeof(void *)) {
			const struct device_driver *d = (void *)(p - off);

			if (READ_ONCE(*(struct module **)p) != mod ||
			    p - off + sizeof(*d) > r[i].end || !fr_is_driver(d))
				continue;
			if (nr == max)
				return nr;
			drv[nr++] = d;
		}
	}
	return nr;
}
#else
bool __init fr_is_driver(const struct device_driver *drv)
{
	return false;
}

unsigned int __init fr_target_drivers(const struct module *mod,
				      const struct device_driver **drv,
				      unsigned int max)
{
	pr_warn_once(FR_LOG_LAYOUT "driver_private, not checked on this release: probes and drivers not looked at\n");
	return 0;
}
#endif

/* Name every probe or remove of the targets' drivers that has not returned. */
int __init fr_check_probes(void)
{
	const struct device_driver *drv[FR_MAX_DRIVERS];
	unsigned int i, j, nr, stuck = 0;

	for (i = 0; i < fr_nr_rescues; i++) {
		struct fr_probe_walk w = { .t = &fr_rescues[i] };

		nr = fr_target_drivers(w.t->mod, drv, ARRAY_SIZE(drv));
		for (j = 0; j < nr; j++) {
			w.drv = drv[j];
			bus_for_each_dev(drv[j]->bus, NULL, &w, fr_probe_stuck);
		}
		stuck += w.stuck;
	}
	return stuck ? -EBUSY : 0;
}
