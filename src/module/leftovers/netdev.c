// SPDX-License-Identifier: GPL-2.0
/*
 * Network devices, in every namespace: found to be refused, never undone:
 * unregister_netdev() runs the dead module's own stop code.  One is the
 * target's when its operations lie in it, or when its parent device is
 * bound to one of the target's drivers: a framework's device (usbnet's
 * minidrivers, cdc_ether among them) has the framework's netdev_ops, and
 * the target's callbacks only in its private data.  The parent is held by
 * the registered device; its driver is read nofault.
 */
#include <linux/device.h>
#include <linux/netdevice.h>
#include <linux/uaccess.h>
#include <net/net_namespace.h>

#include "leftovers.h"

static bool __init fr_netdev_owned(const struct net_device *dev)
{
	struct device *parent = READ_ONCE(dev->dev.parent);
	struct device_driver *drv;
	struct module *owner;

	if (fr_in_target(dev->netdev_ops) || fr_in_target(dev->rtnl_link_ops) ||
	    fr_in_target(dev->ethtool_ops) || fr_in_target(dev->header_ops))
		return true;
	return parent && !copy_from_kernel_nofault(&drv, &parent->driver, sizeof(drv)) &&
	       drv && !copy_from_kernel_nofault(&owner, &drv->owner, sizeof(owner)) &&
	       owner == fr_lo_target->mod;
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
			lo->refuse = FR_NETDEV;
		}
	}
	rcu_read_unlock();
	return 0;
}

const struct fr_lo_kind fr_lo_netdev __initconst = {
	.name = FR_LO_KIND_NETDEV,
	.find = fr_find_netdevs,
};
