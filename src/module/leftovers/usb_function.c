// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover USB gadget functions (drivers/usb/gadget/functions.c, the module
 * libcomposite): the struct usb_function_driver on libcomposite's private
 * list func_list that the target owns (usb_f_acm's "acm", usb_f_ncm's
 * "ncm", usb_f_ss_lb's "SourceSink" and "Loopback": registered by
 * DECLARE_USB_FUNCTION_INIT() or usb_function_register() in its init).  An
 * instance of one (a configfs directory functions/NAME.ID, a legacy
 * gadget's) holds its driver's module, the target, through fd->mod, and
 * its fi->fd points at it: only the list's own links are explained, so the
 * reference scan finds that pointer and refuses.  One that lies in the
 * target but names another module is refused.
 *
 * usb_function_unregister() is a GPL export of libcomposite, a module:
 * calling it would make the helper loadable only where libcomposite is
 * loaded, and it waits on its mutex.  It is a list_del() under the mutex
 * func_lock and nothing else, which is done here, the mutex taken by
 * trylock for 100 ms, never waited on: a task that crashed in a target's
 * alloc_inst() (run under func_lock, by usb_get_function_instance()) holds
 * it forever.  Every reader of the list (usb_get_function_instance(),
 * usb_function_register()) holds that mutex too.
 *
 * func_list and func_lock are static in libcomposite: found as its own
 * symbols; before the lock is taken the head's links must read back
 * without faulting.  libcomposite is held (a module reference) from the
 * find to the put; only a target that uses libcomposite is looked for.
 */
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/usb/composite.h>

#include "leftovers.h"

#define FR_USBF_MAX	1024	/* the entries looked at: Debian has 19 */

static const char fr_usbf_module[] __initconst = "libcomposite";
static const char fr_sym_usbf_list[] __initconst = "func_list";
static const char fr_sym_usbf_lock[] __initconst = "func_lock";

/* libcomposite's list and mutex, held by the find, then by the leftovers. */
static struct list_head *fr_usbf_list __initdata;
static struct mutex *fr_usbf_lock __initdata;
static struct module *fr_usbf_owner __initdata;

static void __init fr_usbf_add(struct usb_function_driver *fd)
{
	struct fr_leftover *lo = fr_lo_add(&fr_lo_usb_function, fd);

	if (!lo)
		return;
	__module_get(fr_usbf_owner);
	lo->owner = fr_usbf_owner;
	lo->size = sizeof(*fd);
	if (fr_in_target(fd->name))
		strscpy(lo->name, fd->name, sizeof(lo->name));
	else
		fr_lo_symbol(lo, (unsigned long)fd);
	/* Its instances hold another module, not the target: not undone. */
	if (fd->mod != fr_lo_target->mod)
		lo->refuse = FR_UNCHECKED;
}

/*
 * Under func_lock: the target's drivers added (@entry NULL), or whether
 * @entry is on the list.
 */
static int __init fr_usbf_walk(const struct list_head *entry)
{
	struct usb_function_driver *fd;
	unsigned int n = 0;

	list_for_each_entry(fd, fr_usbf_list, list) {
		if (++n > FR_USBF_MAX)
			return -E2BIG;
		if (entry) {
			if (&fd->list == entry)
				return 1;
			continue;
		}
		if (fd->mod == fr_lo_target->mod || fr_in_target(fd))
			fr_usbf_add(fd);
	}
	return 0;
}

static int __init fr_find_usb_functions(void)
{
	struct module *owner = fr_get_module(fr_usbf_module);
	struct list_head *head;
	struct mutex *lock;	/* func_lock */
	int err = -ERANGE;

	if (!owner)
		return 0;	/* not loaded: nothing registered */
	if (!fr_lo_uses(fr_lo_target->mod, owner)) {
		err = 0;
		goto out;
	}
	head = fr_lookup_module_data(fr_usbf_module, fr_sym_usbf_list,
				     sizeof(*head));
	lock = fr_lookup_module_data(fr_usbf_module, fr_sym_usbf_lock,
				     sizeof(*lock));
	if (!head || !lock) {
		fr_not_looked_at(head ? fr_sym_usbf_lock : fr_sym_usbf_list);
		goto distrust;
	}
	if (!fr_layout_trusted(FR_LAYOUT_USB_FUNCTIONS))
		goto distrust;
	if (!fr_list_head_tried(head))
		goto distrust;
	/* libcomposite is held: the same for every target's leftovers. */
	fr_usbf_list = head;
	fr_usbf_lock = lock;
	fr_usbf_owner = owner;
	if (!fr_mutex_trylock(fr_usbf_lock)) {
		err = -EBUSY;
		goto out;
	}
	err = fr_usbf_walk(NULL);
	mutex_unlock(fr_usbf_lock);
	goto out;
distrust:
	fr_distrust(FR_LAYOUT_USB_FUNCTIONS);
out:
	module_put(owner);
	return err;
}

/* usb_function_unregister(), done here (see above). */
static enum fr_why __init fr_undo_usb_function(struct fr_leftover *lo)
{
	struct usb_function_driver *fd = lo->obj;
	int on;

	if (!fr_mutex_trylock(fr_usbf_lock))
		return FR_LOCKED;
	on = fr_usbf_walk(&fd->list);
	if (on > 0)
		list_del(&fd->list);
	mutex_unlock(fr_usbf_lock);
	if (on < 0)
		return FR_UNCHECKED;
	return on ? FR_OK : FR_GONE;
}

static void __init fr_put_usb_function(struct fr_leftover *lo)
{
	module_put(lo->owner);
}

/*
 * Only the list's links point to its node: the head, or a neighbour's.  An
 * instance's fi->fd points to the driver itself, and is a user.
 */
static bool __init fr_usbf_explains(const struct fr_leftover *lo,
				    unsigned long where, unsigned long v)
{
	struct usb_function_driver *fd = lo->obj;
	const struct list_head *node = &fd->list;

	if (v != (unsigned long)node)
		return false;
	return where - (unsigned long)fr_usbf_list < sizeof(*node) ||
	       where - (unsigned long)READ_ONCE(node->next) < sizeof(*node) ||
	       where - (unsigned long)READ_ONCE(node->prev) < sizeof(*node);
}

const struct fr_lo_kind fr_lo_usb_function __initconst = {
	.name = FR_LO_KIND_USB_FUNCTION,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_USB_FUNCTION,
	.find = fr_find_usb_functions,
	.undo = fr_undo_usb_function,
	.put = fr_put_usb_function,
	.explains = fr_usbf_explains,
};
