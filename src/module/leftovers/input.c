// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover input handlers (drivers/input/input.c): the struct
 * input_handler on the private list input_handler_list that lie in the
 * target (joydev, evdev, mousedev...); undone with
 * input_unregister_handler(), which disconnects every handle with the
 * handler's own disconnect, as the target's exit does: its devices' nodes
 * go.  An open node holds the target (its file operations' owner) and
 * refuses it; a handle opened without a file, or whose device's mutex is
 * held for 100 ms, refuses the undo.  The list is read under input_mutex,
 * taken by trylock for 100 ms at most; the call is bounded.  The handles
 * are freed by the undo: the heap's part of the reference scan runs after
 * it.
 */
#include <linux/input.h>
#include <linux/mutex.h>

#include "leftovers.h"

#define FR_INPUT_MAX		4096	/* handlers on the list, at most */

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

/*
 * Its handles, under input_mutex: the disconnect of each takes its device's
 * mutex, which a task that crashed in the device's open or close holds for
 * ever (FR_LOCKED, after 100 ms); one opened without a file (a handler
 * that opens in connect, as input-leds does) would run the device's close
 * (FR_OPEN).
 */
static enum fr_why __init fr_handles_free(struct input_handler *handler)
{
	struct input_handle *handle;
	unsigned int n = 0, tries = 0;

	/* 100 ms for the whole walk: input_mutex is held meanwhile. */
	list_for_each_entry(handle, &handler->h_list, h_node) {
		if (++n > FR_INPUT_MAX)
			return FR_UNCHECKED;
		if (READ_ONCE(handle->open))
			return FR_OPEN;
		for (; mutex_is_locked(&handle->dev->mutex); tries++, fr_pause())
			if (tries == FR_TRIES)
				return FR_LOCKED;
	}
	return FR_OK;
}

static int __init fr_find_handlers(void)
{
	struct input_handler *handler;
	struct fr_leftover *lo;
	unsigned int n = 0;
	int ret = 0;

	if (!fr_handlers)
		return fr_missing(FR_LAYOUT_INPUT);
	if (!fr_input_mutex)
		return -ERANGE;	/* the list without its lock: not read */
	if (!fr_mutex_trylock(fr_input_mutex))
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
		lo->refuse = fr_handles_free(handler);
		lo->t->scan_after_undo = true;
	}
	mutex_unlock(fr_input_mutex);
	return ret;
}

/*
 * FR_OK: @obj is still on the list and its handles are free; FR_GONE: not
 * on it; else why it cannot be undone (the list not read among them).
 */
static enum fr_why __init fr_handler_check(struct input_handler *obj)
{
	struct input_handler *handler;
	enum fr_why why = FR_GONE;
	unsigned int n = 0;

	if (!fr_mutex_trylock(fr_input_mutex))
		return FR_LOCKED;
	list_for_each_entry(handler, fr_handlers, node) {
		if (handler == obj) {
			why = fr_handles_free(handler);
			break;
		}
		if (++n > FR_INPUT_MAX) {
			why = FR_UNCHECKED;
			break;
		}
	}
	mutex_unlock(fr_input_mutex);
	return why;
}

static void fr_call_handler_unregister(void *arg)
{
	input_unregister_handler(arg);
}

static enum fr_why __init fr_undo_handler(struct fr_leftover *lo)
{
	enum fr_why why = fr_handler_check(lo->obj);

	if (why)
		return why;
	return fr_call_bounded_long(fr_call_handler_unregister, lo->obj);
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
