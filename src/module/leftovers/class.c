// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover device classes (drivers/base/class.c): a struct class the target
 * registered, in its data or read-only data (class_register(): enclosure,
 * dca) or made for it in the heap and pointed at by its data
 * (class_create()), whose name lies in the target.  Proven registered by class_is_registered(), which
 * only compares the address with those of the registered classes (6.4 on;
 * on 6.1 classes are not looked for: the reference scan finds the class's
 * private part pointing at it, and refuses).
 *
 * Undone with class_destroy(), which unregisters it, removes its sysfs
 * attributes and frees one that class_create() made; the attributes are
 * drained first (a show or store running is waited for), so the call runs
 * bounded (core.c, 1 s).  A class with devices is refused: they are not
 * undone here.  What the class's private part and sysfs held of the target
 * is in the heap, so the target is scanned after the undo instead of
 * before it (main.c).
 */
#include <linux/device.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/uaccess.h>

#include "leftovers.h"

#ifdef FR_HAVE_CLASS_IS_REGISTERED
/* A registered class at @cls, named by the target; added once. */
static void __init fr_class_add(const struct class *cls)
{
	struct class_dev_iter iter;
	struct fr_leftover *lo;
	const char *name;

	if (get_kernel_nofault(name, &cls->name) || !fr_in_target(name) ||
	    !class_is_registered(cls))
		return;
	for (lo = fr_los; lo < fr_los + fr_nr_los; lo++)
		if (lo->kind == &fr_lo_class && lo->obj == cls)
			return;
	lo = fr_lo_add(&fr_lo_class, (void *)cls);
	if (!lo)
		return;
	lo->size = sizeof(*cls);
	strscpy(lo->name, name, sizeof(lo->name));
	class_dev_iter_init(&iter, cls, NULL, NULL);
	if (class_dev_iter_next(&iter))
		lo->refuse = FR_HAS_DEVICES;
	class_dev_iter_exit(&iter);
	lo->t->scan_after_undo = true;
}

/* Classes in @r (the target's data), and those @r points at in the heap. */
static void __init fr_scan_classes(struct fr_range *r)
{
	unsigned long p, w;

	for (p = r->start; p + sizeof(struct class) <= r->end;
	     p += sizeof(long)) {
		fr_class_add((const struct class *)p);
		w = *(unsigned long *)p;
		if (virt_addr_valid((void *)w) && !fr_in_target((void *)w) &&
		    folio_test_slab(virt_to_folio((void *)w)))
			fr_class_add((const struct class *)w);
	}
}

/* Writable data, and read-only data too: a class is often const (dca's). */
static int __init fr_find_classes(void)
{
	static const enum mod_mem_type types[] __initconst = {
		MOD_DATA, MOD_RODATA, MOD_RO_AFTER_INIT,
	};
	const struct module *mod = fr_lo_target->mod;
	struct fr_range r;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		r.start = (unsigned long)mod->mem[types[i]].base;
		r.end = r.start + mod->mem[types[i]].size;
		if (r.start)
			fr_scan_classes(&r);
	}
	return 0;
}

static void fr_call_class_destroy(void *cls)
{
	class_destroy(cls);
}

static enum fr_why __init fr_undo_class(struct fr_leftover *lo)
{
	struct class_dev_iter iter;
	bool devices;
	enum fr_why why;

	if (!class_is_registered(lo->obj))
		return FR_GONE;
	class_dev_iter_init(&iter, lo->obj, NULL, NULL);
	devices = class_dev_iter_next(&iter);
	class_dev_iter_exit(&iter);
	if (devices)
		return FR_HAS_DEVICES;
	why = fr_call_bounded(fr_call_class_destroy, lo->obj);
	if (!why && class_is_registered(lo->obj))
		why = FR_UNCHECKED;
	return why;
}

const struct fr_lo_kind fr_lo_class __initconst = {
	.name = FR_LO_KIND_CLASS,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_CLASS,
	.find = fr_find_classes,
	.undo = fr_undo_class,
};
#else
static int __init fr_find_classes(void)
{
	return -ENOENT;	/* class_is_registered(): 6.4 on */
}

const struct fr_lo_kind fr_lo_class __initconst = {
	.name = FR_LO_KIND_CLASS,
	.find = fr_find_classes,
};
#endif
