// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover device classes (drivers/base/class.c): a struct class the target
 * registered, in its data or read-only data (class_register(): enclosure,
 * dca) or made for it in the heap and pointed at by its data
 * (class_create()), whose name lies in the target.  Proven registered by
 * class_is_registered() since 6.4, which only compares the address with
 * those of the registered classes; on 6.1 by its private part, read
 * without faulting: a slab object whose first member, the class's kset,
 * bears the class's name and belongs to the kset "class".
 *
 * Undone with class_destroy(), which unregisters it, removes its sysfs
 * attributes and frees one that class_create() made; the attributes are
 * drained first (a show or store running is waited for), so the call runs
 * bounded (core.c, 1 s); its release may be the target's own (intact) code,
 * as in its exit.  A class with devices is refused: they are not undone
 * here.  class_is_registered() takes the class kset's spinlock, held only
 * around list changes; on 6.1 it is tried for 100 ms.  What the class's
 * private part and sysfs held of the target is in the heap, so the target
 * is scanned after the undo instead of before it (main.c).
 *
 * Leftover buses (drivers/base/bus.c), the same way: a struct bus_type in
 * the target's data or read-only data (gameport, ac97, memstick...) whose
 * name lies in the target, proven registered by bus_get_kset() since 6.3,
 * which finds it by its address among the registered buses (under the
 * spinlock of the kset "bus", held only around list changes), and on 6.1
 * by its private part, as a class's, on the list of the kset "bus".
 * Undone with bus_unregister(), bounded.  A bus with a device, a driver or
 * a root device (subsys_system_register()) is refused ("has devices"):
 * they are not undone here (a driver of another module on it holds the
 * target, and is a user); so is one whose private part another holds
 * (a subsys interface): its last put would come after the target is gone
 * (6.1's writes into the bus).  Nothing that points into the bus is
 * explained: its private part's link back is in the heap, scanned after
 * the undo.  bus_get_kset(), bus_for_each_dev() and bus_for_each_drv()
 * take the spinlocks of the kset "bus" and of the bus's lists, held only
 * around list changes, without trying them first (as
 * class_is_registered() does).  struct bus_type lost ->p in 6.3 and
 * bus_get_dev_root() came in 6.4: 6.2 and 6.3 are not built for.
 */
#include <linux/device.h>
#include <linux/kobject.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include <linux/version.h>

#include "leftovers.h"

#ifdef FR_HAVE_CLASS_IS_REGISTERED
static bool __init fr_class_registered(const struct class *cls, const char *name)
{
	return class_is_registered(cls);
}
#else
/* Whether the string at @p, read without faulting, is @want. */
static bool __init fr_kstr_is(const char *p, const char *want)
{
	char buf[32];
	size_t len = strlen(want) + 1;

	return len <= sizeof(buf) && !copy_from_kernel_nofault(buf, p, len) &&
	       !memcmp(buf, want, len);
}

/* Whether @kobj is on @kset's list, its lock tried for 100 ms. */
static bool __init fr_on_kset(struct kset *kset, struct kobject *kobj)
{
	struct kobject *k;
	unsigned int n = 0;
	bool on = false;

	if (!fr_spin_free(&kset->list_lock) || !spin_trylock(&kset->list_lock))
		return false;
	list_for_each_entry(k, &kset->list, entry) {
		if (++n > 4096)
			break;
		if (k == kobj) {
			on = true;
			break;
		}
	}
	spin_unlock(&kset->list_lock);
	return on;
}

/*
 * 6.1: its struct subsys_private begins with the kset that names it, a
 * slab object on the list of the kset "class" (so not a freed copy: 6.1's
 * class_release() frees it and leaves cls->p).  Each pointer is proven a
 * kernel address (fr_kernel_addr(): the kernel's image too) before it is
 * read: a driver's word could be an __iomem.
 */
static bool __init fr_subsys_registered(struct subsys_private *const *p,
					const char *name, const char *parent_name)
{
	struct subsys_private *sp;
	struct kset *kset, *parent;
	const char *kname;

	if (get_kernel_nofault(sp, p))
		return false;
	kset = (void *)sp;
	if (!fr_is_slab((unsigned long)kset) ||
	    get_kernel_nofault(kname, &kset->kobj.name) ||
	    !fr_kernel_addr(kname) || !fr_kstr_is(kname, name) ||
	    get_kernel_nofault(parent, &kset->kobj.kset) ||
	    !fr_is_slab((unsigned long)parent) ||
	    get_kernel_nofault(kname, &parent->kobj.name) ||
	    !fr_kernel_addr(kname) || !fr_kstr_is(kname, parent_name))
		return false;
	return fr_on_kset(parent, &kset->kobj);
}

static bool __init fr_class_registered(const struct class *cls, const char *name)
{
	static const char class_kset[] __initconst = "class";

	return fr_subsys_registered(&cls->p, name, class_kset);
}
#endif

/* Whether a class of @cls's has a device. */
static bool __init fr_class_has_devices(const struct class *cls)
{
	struct class_dev_iter iter;
	bool any;

	class_dev_iter_init(&iter, (struct class *)cls, NULL, NULL);
	any = class_dev_iter_next(&iter);
	class_dev_iter_exit(&iter);
	return any;
}

/* A registered class at @cls, named by the target; added once. */
static void __init fr_class_add(const struct class *cls)
{
	struct fr_leftover *lo;
	const char *name;

	if (get_kernel_nofault(name, &cls->name) || !fr_in_target(name) ||
	    !fr_class_registered(cls, name))
		return;
	for (lo = fr_los; lo < fr_los + fr_nr_los; lo++)
		if (lo->kind == &fr_lo_class && lo->obj == cls)
			return;
	lo = fr_lo_add(&fr_lo_class, (void *)cls);
	if (!lo)
		return;
	lo->size = sizeof(*cls);
	strscpy(lo->name, name, sizeof(lo->name));
	if (fr_class_has_devices(cls))
		lo->refuse = FR_HAS_DEVICES;
	else
		lo->t->scan_after_undo = true;
}

/* Classes in @r (of the target), and those @r points at in the heap. */
static void __init fr_scan_classes(struct fr_range *r)
{
	unsigned long p, w;

	for (p = r->start; p + sizeof(struct class) <= r->end; p += sizeof(long)) {
		fr_class_add((const struct class *)p);
		w = *(unsigned long *)p;
		if (!fr_in_target((void *)w) && fr_is_slab(w))
			fr_class_add((const struct class *)w);
	}
}

/* Read-only data too, and data: a class is often const (dca's). */
static int __init fr_find_classes(void)
{
	fr_scan_rodata(fr_scan_classes);
	return 0;
}

/*
 * 6.1's class_unregister() does not check that the class is registered: a
 * class of the target's writable data is left as never registered once
 * destroyed (in the call's thread: it may return late), so that its own
 * exit's class_destroy() (exit=stub keeps it for a live target) does
 * nothing.  The call's argument is the class, its low bit set to forget it.
 */
static void fr_call_class_destroy(void *arg)
{
	struct class *cls = (void *)((unsigned long)arg & ~1UL);

	class_destroy(cls);
#ifndef FR_HAVE_CLASS_IS_REGISTERED
	if ((unsigned long)arg & 1) {
		WRITE_ONCE(cls->p, NULL);
		WRITE_ONCE(cls->class_groups, NULL);
	}
#endif
}

/* 6.1: in the target's writable data; and its kset held by none but it. */
#ifdef FR_HAVE_CLASS_IS_REGISTERED
static enum fr_why __init fr_class_forgettable(struct class *cls, bool *forget)
{
	*forget = false;
	return FR_OK;
}
#else
static enum fr_why __init fr_class_forgettable(struct class *cls, bool *forget)
{
	struct fr_range r[2];
	unsigned int i, n = fr_data_ranges(fr_lo_target->mod, r);
	struct kset *kset = (void *)READ_ONCE(cls->p);
	unsigned int refs;

	*forget = false;
	/* Another holder (a class interface) would put it after the undo. */
	if (get_kernel_nofault(refs, &kset->kobj.kref.refcount.refs.counter) ||
	    refs != 1)
		return FR_BUSY;
	for (i = 0; i < n; i++)
		*forget |= (unsigned long)cls >= r[i].start &&
			   (unsigned long)(cls + 1) <= r[i].end;
	return FR_OK;
}
#endif

static enum fr_why __init fr_undo_class(struct fr_leftover *lo)
{
	struct class *cls = lo->obj;
	const char *name;
	enum fr_why why;
	bool forget;

	/* A class of class_create() freed by an earlier undo: its slot reused. */
	if (get_kernel_nofault(name, &cls->name) || !fr_in_target(name) ||
	    strncmp(name, lo->name, sizeof(lo->name) - 1) ||
	    !fr_class_registered(cls, lo->name))
		return FR_GONE;
	if (fr_class_has_devices(cls))
		return FR_HAS_DEVICES;
	why = fr_class_forgettable(cls, &forget);
	if (why)
		return why;
	why = fr_call_bounded(fr_call_class_destroy,
			      (void *)((unsigned long)cls | forget));
#ifdef FR_HAVE_CLASS_IS_REGISTERED
	if (!why && class_is_registered(cls))
		why = FR_UNCHECKED;
#endif
	return why;
}

const struct fr_lo_kind fr_lo_class __initconst = {
	.name = FR_LO_KIND_CLASS,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_CLASS,
	.find = fr_find_classes,
	.undo = fr_undo_class,
};

/* Buses: registered, and with a device, a driver or a root device. */
#ifdef FR_HAVE_BUS_GET_DEV_ROOT
static bool __init fr_bus_registered(const struct bus_type *bus, const char *name)
{
	return bus_get_kset(bus);
}

static struct kset * __init fr_bus_kset(const struct bus_type *bus)
{
	return bus_get_kset(bus);
}

static bool __init fr_bus_has_root(const struct bus_type *bus)
{
	struct device *root = bus_get_dev_root(bus);

	put_device(root);
	return root;
}
#else
static bool __init fr_bus_registered(const struct bus_type *bus, const char *name)
{
	static const char bus_kset[] __initconst = "bus";

	return fr_subsys_registered(&bus->p, name, bus_kset);
}

static bool __init fr_bus_has_root(const struct bus_type *bus)
{
	return READ_ONCE(bus->dev_root);
}

static struct kset * __init fr_bus_kset(const struct bus_type *bus)
{
	return (struct kset *)READ_ONCE(bus->p);	/* its first member */
}
#endif

static int fr_any_dev(struct device *dev, void *data)
{
	return 1;
}

static int fr_any_drv(struct device_driver *drv, void *data)
{
	return 1;
}

static bool __init fr_bus_has_devices(const struct bus_type *bus)
{
	void *b = (void *)bus;	/* 6.1 takes it not const */

	return bus_for_each_dev(b, NULL, NULL, fr_any_dev) ||
	       bus_for_each_drv(b, NULL, NULL, fr_any_drv) ||
	       fr_bus_has_root(bus);
}

/*
 * Its private part held by none but the registration: its own reference
 * and its two child ksets' (devices, drivers).
 */
static enum fr_why __init fr_bus_state(const struct bus_type *bus)
{
	struct kset *kset = fr_bus_kset(bus);

	if (fr_bus_has_devices(bus))
		return FR_HAS_DEVICES;
	if (!kset || kref_read(&kset->kobj.kref) != 3)
		return FR_BUSY;
	return FR_OK;
}

static void __init fr_bus_add(const struct bus_type *bus)
{
	struct fr_leftover *lo;
	const char *name;

	if (get_kernel_nofault(name, &bus->name) || !fr_in_target(name) ||
	    !fr_bus_registered(bus, name))
		return;
	for (lo = fr_los; lo < fr_los + fr_nr_los; lo++)
		if (lo->kind == &fr_lo_bus && lo->obj == bus)
			return;
	lo = fr_lo_add(&fr_lo_bus, (void *)bus);
	if (!lo)
		return;
	strscpy(lo->name, name, sizeof(lo->name));
	lo->refuse = fr_bus_state(bus);
	if (!lo->refuse)
		lo->t->scan_after_undo = true;
}

static void __init fr_scan_buses(struct fr_range *r)
{
	unsigned long p;

	for (p = r->start; p + sizeof(const struct bus_type) <= r->end;
	     p += sizeof(long))
		fr_bus_add((const struct bus_type *)p);
}

static int __init fr_find_buses(void)
{
	fr_scan_rodata(fr_scan_buses);
	return 0;
}

static void fr_call_bus_unregister(void *bus)
{
	bus_unregister(bus);
}

static enum fr_why __init fr_undo_bus(struct fr_leftover *lo)
{
	const struct bus_type *bus = lo->obj;
	const char *name;
	enum fr_why why;

	if (get_kernel_nofault(name, &bus->name) || !fr_in_target(name) ||
	    !fr_bus_registered(bus, lo->name))
		return FR_GONE;
	why = fr_bus_state(bus);
	if (why)
		return why;
	why = fr_call_bounded(fr_call_bus_unregister, (void *)bus);
#ifdef FR_HAVE_BUS_GET_DEV_ROOT
	if (!why && bus_get_kset(bus))
		why = FR_UNCHECKED;
#endif
	return why;
}

const struct fr_lo_kind fr_lo_bus __initconst = {
	.name = FR_LO_KIND_BUS,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_BUS,
	.find = fr_find_buses,
	.undo = fr_undo_bus,
};
