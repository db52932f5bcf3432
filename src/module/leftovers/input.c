// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover input handlers (drivers/input/input.c): the struct
 * input_handler on the private list input_handler_list that lie in the
 * target (joydev, evdev, mousedev...); undone with
 * input_unregister_handler(), which disconnects every handle with the
 * handler's own disconnect, as the target's exit does: its devices' nodes
 * go.  An open node holds the target (its cdev's owner) and refuses it.
 * The list is read under input_mutex, taken by trylock for 100 ms at most;
 * the call is bounded.  The handles are freed by the undo: the heap's part
 * of the reference scan runs after it.
 */
#include <linux/input.h>
#include <linux/mutex.h>

#include "leftovers.h"

#define FR_INPUT_MAX		4096	/* handlers on the list, at most */
#define FR_INPUT_CALL_MS	5000	/* every handle disconnected */

static const char fr_sym_handlers[] __initconst = "input_handler_list";
static const char fr_sym_input_mutex[] __initconst = "input_mutex";

static struct list_head *fr_handlers __initdata;
static struct mutex *fr_input_mutex __initdata;

static void __init fr_lookup_handlers(void)
{
	fr_handlers = fr_lookup(FR_LAYOUT_INPUT, fr_sym_handlers,
				sizeof(*fr_handlers));
	fr_input_mutex = fr_lookup(FR_LAYOUT_INPUT, fr_sym_input_mutex,
				   sizeof(*fr_input_mutex));
}

static bool __init fr_input_lock(void)
{
	unsigned int n;

	for (n = 0; !mutex_trylock(fr_input_mutex); n++, fr_pause())
		if (n == FR_TRIES)
			return false;
	return true;
}

static int __init fr_find_handlers(void)
{
	struct input_handler *handler;
	struct fr_leftover *lo;
	unsigned int n = 0;
	int ret = 0;

	if (!fr_handlers || !fr_input_mutex)
		return fr_missing(FR_LAYOUT_INPUT);
	if (!fr_input_lock())
		return -EBUSY;
	list_for_each_entry(handler, fr_handlers, node) {
		if (++n > FR_INPUT_MAX) {
			ret = -E2BIG;
			break;
		}
		if (!fr_in_target(handler))
			continue;
		lo = fr_lo_add(&fr_lo_input, handler);
		if (!lo)
			break;
		lo->size = sizeof(*handler);
		strscpy(lo->name, handler->name, sizeof(lo->name));
		lo->t->scan_after_undo = true;
	}
	mutex_unlock(fr_input_mutex);
	return ret;
}

/* Whether @obj is still on the list; false also when it cannot be read. */
static bool __init fr_handler_listed(const void *obj)
{
	struct input_handler *handler;
	unsigned int n = 0;
	bool listed = false;

	if (!fr_input_lock())
		return false;
	list_for_each_entry(handler, fr_handlers, node) {
		listed |= handler == obj;
		if (listed || ++n > FR_INPUT_MAX)
			break;
	}
	mutex_unlock(fr_input_mutex);
	return listed;
}

static void fr_call_handler_unregister(void *arg)
{
	input_unregister_handler(arg);
}

static enum fr_why __init fr_undo_handler(struct fr_leftover *lo)
{
	if (!fr_handler_listed(lo->obj))
		return FR_GONE;
	return fr_call_bounded_ms(fr_call_handler_unregister, lo->obj,
				  FR_INPUT_CALL_MS);
}

/* Only the list's links to its node: a handle points to it too. */
static bool __init fr_handler_explains(const struct fr_leftover *lo,
				       unsigned long where, unsigned long v)
{
	struct input_handler *handler = lo->obj;

	return v - (unsigned long)&handler->node < sizeof(handler->node);
}

const struct fr_lo_kind fr_lo_input __initconst = {
	.name = FR_LO_KIND_INPUT,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_INPUT,
	.lookup = fr_lookup_handlers,
	.find = fr_find_handlers,
	.undo = fr_undo_handler,
	.explains = fr_handler_explains,
};
