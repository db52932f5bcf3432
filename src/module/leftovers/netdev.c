// SPDX-License-Identifier: GPL-2.0
/*
 * Network devices, in every namespace.  One is the target's when its
 * operations lie in it, or when its parent device is bound to one of the
 * target's drivers: a framework's device (usbnet's minidrivers, cdc_ether
 * among them) has the framework's netdev_ops, and the target's callbacks
 * only in its private data.  The parent is held by the registered device;
 * its driver is read nofault.
 *
 * None is unregistered here: unregister_netdev() runs the target's own stop
 * code, and only the target knows what else goes with the device.  One
 * whose parent is bound to a driver of the target that is unregistered
 * (driver.c) is removed by that driver's own remove, and one of a link kind
 * of the target that is unregistered (rtnl.c) by that kind's dellink, as
 * the target's exit would have: then it is checked to be gone ("removed
 * netdev NAME").  Any other is refused.
 */
#include <linux/device.h>
#include <linux/netdevice.h>
#include <linux/uaccess.h>
#include <net/net_namespace.h>

#include "leftovers.h"

/* The target's driver @dev's parent is bound to, or NULL. */
static struct device_driver * __init fr_netdev_driver(const struct net_device *dev)
{
	struct device *parent = READ_ONCE(dev->dev.parent);
	struct device_driver *drv;
	struct module *owner;

	if (parent && !copy_from_kernel_nofault(&drv, &parent->driver, sizeof(drv)) &&
	    drv && !copy_from_kernel_nofault(&owner, &drv->owner, sizeof(owner)) &&
	    owner == fr_lo_target->mod)
		return drv;
	return NULL;
}

static bool __init fr_netdev_owned(const struct net_device *dev)
{
	return fr_in_target(dev->netdev_ops) || fr_in_target(dev->rtnl_link_ops) ||
	       fr_in_target(dev->ethtool_ops) || fr_in_target(dev->header_ops) ||
	       fr_netdev_driver(dev);
}

/*
 * The target's leftover whose undo unregisters @dev, or NULL: the driver
 * its parent is bound to, or else its link kind.
 */
static const struct fr_leftover * __init fr_netdev_cover(const struct net_device *dev)
{
	struct device_driver *drv = fr_netdev_driver(dev);
	const void *link = READ_ONCE(dev->rtnl_link_ops);
	const struct fr_leftover *lo;

	for (lo = fr_los; lo < fr_los + fr_nr_los; lo++)
		if (lo->t == fr_lo_target &&
		    ((drv && lo->kind == &fr_lo_driver && lo->obj == drv) ||
		     (!drv && link && lo->kind == &fr_lo_link && lo->obj == link)))
			return lo;
	return NULL;
}

static int __init fr_find_netdevs(void)
{
	struct net_device *dev;
	struct fr_leftover *lo;
	struct net *net;

	rcu_read_lock();
	for_each_net_rcu(net) {
		for_each_netdev_rcu(net, dev) {
			if (!fr_netdev_owned(dev))
				continue;
			lo = fr_lo_add(&fr_lo_netdev, dev);
			if (!lo)
				break;
			strscpy(lo->name, dev->name, sizeof(lo->name));
			lo->cover = fr_netdev_cover(dev);
			lo->refuse = FR_NETDEV;
		}
	}
	rcu_read_unlock();
	return 0;
}

/* After the drivers were checked: one whose driver or kind is unregistered goes. */
static void __init fr_cover_netdevs(void)
{
	struct fr_leftover *lo;

	for (lo = fr_los; lo < fr_los + fr_nr_los; lo++)
		if (lo->kind == &fr_lo_netdev && lo->cover && !lo->cover->refuse &&
		    lo->refuse == FR_NETDEV)
			lo->refuse = FR_OK;
}

/* Its driver's remove or kind's dellink ran: is it gone?  (Addresses compared.) */
static enum fr_why __init fr_undo_netdev(struct fr_leftover *lo)
{
	struct net_device *dev;
	bool listed = false;
	struct net *net;

	if (!lo->cover || !lo->cover->undone)
		return FR_NETDEV;
	rcu_read_lock();
	for_each_net_rcu(net)
		for_each_netdev_rcu(net, dev)
			listed |= dev == lo->obj;
	rcu_read_unlock();
	return listed ? FR_NETDEV : FR_OK;
}

const struct fr_lo_kind fr_lo_netdev __initconst = {
	.name = FR_LO_KIND_NETDEV,
	.action = FR_LO_ACT_REMOVE,
	.done = FR_LOG_UNDONE_NETDEV,
	.find = fr_find_netdevs,
	.found = fr_cover_netdevs,
	.undo = fr_undo_netdev,
};
