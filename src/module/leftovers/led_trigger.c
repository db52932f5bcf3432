// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover LED triggers (drivers/leds/led-triggers.c): the struct
 * led_trigger on the private list trigger_list that is the target's: one
 * that lies in the target (ledtrig-timer, -oneshot, -heartbeat, -transient,
 * -pattern: module_led_trigger()), one in the heap whose activate or
 * deactivate lies in the target's text (a driver's, in its private data),
 * or one that led_trigger_register_simple() allocated for it: in the heap,
 * without callbacks, named by a whole string of the target's (the literal
 * it was registered with), its address kept in a word of the target's data
 * and in no word of vmlinux's or another module's data.  Any other trigger
 * with a pointer into the target (its name, its attribute groups, its
 * hardware trigger type) is refused ("not checked").
 *
 * Undone with led_trigger_unregister(), as the target's exit does: it takes
 * the trigger off the list under the private rwsem triggers_list_lock
 * (written), then, under leds_list_lock (read), takes every LED's
 * trigger_lock (written) and sets each LED that uses the trigger to none:
 * that waits for RCU and for the LED's brightness work, removes the
 * trigger's attributes from the LED (waiting for their readers) and runs
 * the trigger's own deactivate (the target's code, intact).  A task that
 * crashed in a trigger's activate holds triggers_list_lock and its LED's
 * trigger_lock for ever: each lock is looked at for 100 ms first ("lock
 * held"), and the call is bounded (5 s).  What activate made for each LED
 * (heartbeat's timer and its data) and the LEDs' attribute nodes are in
 * the heap: its part of the reference scan runs after the undo.
 *
 * A simple trigger is not freed, as led_trigger_unregister_simple() would:
 * the target's code still reaches it through its own pointer, and writes
 * it (led_trigger_event()), until the target is removed.  It stays, a
 * leak.  After the undo its words (its name) are explained: nothing reads
 * a trigger that is off the list and on no LED.
 *
 * The list is read under triggers_list_lock (read), taken by trylock for
 * 100 ms: every reader holds it (6.1's built-in ledtrig-panic walks it
 * without, at boot and at panic only).
 */
#include <linux/leds.h>
#include <linux/list.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "leftovers.h"
#include "../kernel_private.h"

#define FR_LEDS_MAX		4096	/* LEDs looked at, at most */
#define FR_LEDTRIG_MORE		1024	/* triggers besides one per CPU (ledtrig-cpu) */

static const char fr_sym_led_triggers[] __initconst = "trigger_list";
static const char fr_sym_led_triggers_lock[] __initconst = "triggers_list_lock";

static struct list_head *fr_led_triggers __initdata;
static struct rw_semaphore *fr_led_triggers_lock __initdata;

static void __init fr_lookup_led_triggers(void)
{
	if (!IS_ENABLED(CONFIG_LEDS_TRIGGERS))
		return;
	fr_led_triggers = fr_lookup(FR_LAYOUT_LED_TRIGGERS, fr_sym_led_triggers,
				    sizeof(*fr_led_triggers));
	fr_led_triggers_lock = fr_lookup(FR_LAYOUT_LED_TRIGGERS,
					 fr_sym_led_triggers_lock,
					 sizeof(*fr_led_triggers_lock));
}

#ifdef CONFIG_LEDS_TRIGGERS
static unsigned int __init fr_led_triggers_max(void)
{
	return nr_cpu_ids + FR_LEDTRIG_MORE;
}

/*
 * Whose @trig is, the list's lock held: FR_OK the target's, *@word then the
 * word of the target's data that holds a simple one (0 for the others);
 * FR_UNCHECKED: it points into the target but is not proven the target's;
 * FR_GONE: nothing of it is the target's.
 */
static enum fr_why __init fr_ledtrig_owner(const struct led_trigger *trig,
					   unsigned long *word)
{
	const struct module *mod = fr_lo_target->mod;
	char name[64];

	*word = 0;
	if (fr_in_target(trig) ||
	    fr_in_text(mod, (unsigned long)trig->activate) ||
	    fr_in_text(mod, (unsigned long)trig->deactivate))
		return FR_OK;
	if (!fr_in_target(trig->name) && !fr_in_target(trig->groups) &&
	    !fr_in_target(trig->trigger_type))
		return FR_GONE;
	/* led_trigger_register_simple()'s, kzalloc()ed, named by a literal. */
	if (trig->activate || trig->deactivate || trig->groups ||
	    trig->trigger_type || !fr_is_slab((unsigned long)trig) ||
	    strscpy(name, trig->name, sizeof(name)) <= 0 || !fr_lo_names(name))
		return FR_UNCHECKED;
	*word = fr_data_holds((unsigned long)trig);
	if (!*word || fr_static_holds((unsigned long)trig, mod)) {
		*word = 0;
		return FR_UNCHECKED;
	}
	return FR_OK;
}

static int __init fr_find_led_triggers_locked(void)
{
	unsigned int n = 0, max = fr_led_triggers_max();
	struct led_trigger *trig;
	struct fr_leftover *lo;
	unsigned long word;
	enum fr_why why;

	list_for_each_entry(trig, fr_led_triggers, next_trig) {
		if (++n > max)
			return -E2BIG;
		why = fr_ledtrig_owner(trig, &word);
		if (why == FR_GONE)
			continue;
		lo = fr_lo_add(&fr_lo_led_trigger, trig);
		if (!lo)
			return 0;
		lo->size = sizeof(*trig);
		lo->link = word;	/* a simple one's word in the target */
		strscpy(lo->name, trig->name, sizeof(lo->name));
		lo->refuse = why;
		if (!why)
			lo->t->scan_after_undo = true;
	}
	return 0;
}

static int __init fr_find_led_triggers(void)
{
	int ret;

	if (!fr_led_triggers || !fr_led_triggers_lock)
		return fr_missing(FR_LAYOUT_LED_TRIGGERS);
	if (!fr_down_read_tried(fr_led_triggers_lock))
		return -EBUSY;
	ret = fr_find_led_triggers_locked();
	up_read(fr_led_triggers_lock);
	return ret;
}

/* Still on the list and the target's, as found (FR_OK); FR_GONE; or why not. */
static enum fr_why __init fr_ledtrig_listed(const struct fr_leftover *lo)
{
	unsigned int n = 0, max = fr_led_triggers_max();
	struct led_trigger *trig;
	enum fr_why why = FR_GONE;
	unsigned long word;

	if (!fr_down_read_tried(fr_led_triggers_lock))
		return FR_LOCKED;
	list_for_each_entry(trig, fr_led_triggers, next_trig) {
		if (trig == lo->obj) {
			why = fr_ledtrig_owner(trig, &word);
			if (why == FR_GONE || (!why && word != lo->link))
				why = FR_UNCHECKED;
			break;
		}
		if (++n > max) {
			why = FR_UNCHECKED;
			break;
		}
	}
	up_read(fr_led_triggers_lock);
	return why;
}

/*
 * What led_trigger_unregister() takes after the list's lock, free: the
 * lock of the list of LEDs (read), every LED's trigger_lock (written:
 * 100 ms for the whole walk) and, for an LED that uses it, the trigger's
 * own spinlock.
 */
static enum fr_why __init fr_ledtrig_leds_free(struct led_trigger *trig)
{
	struct led_classdev *led_cdev;
	unsigned int n = 0, tries = 0;
	enum fr_why why = FR_OK;

	if (!fr_down_read_tried(&leds_list_lock))
		return FR_LOCKED;
	list_for_each_entry(led_cdev, &leds_list, node) {
		if (++n > FR_LEDS_MAX) {
			why = FR_UNCHECKED;
			goto out;
		}
		for (; rwsem_is_locked(&led_cdev->trigger_lock); tries++, fr_pause()) {
			if (tries == FR_TRIES) {
				why = FR_LOCKED;
				goto out;
			}
		}
	}
out:
	up_read(&leds_list_lock);
	if (!why && !fr_spin_free(&trig->leddev_list_lock))
		why = FR_LOCKED;
	return why;
}

static void fr_call_led_trigger_unregister(void *trig)
{
	led_trigger_unregister(trig);
}

static enum fr_why __init fr_ledtrig_unregister(struct fr_leftover *lo)
{
	enum fr_why why = fr_ledtrig_listed(lo);

	if (why)
		return why;
	/* Taken for writing by the call: free, not merely readable. */
	if (!fr_down_write_tried(fr_led_triggers_lock))
		return FR_LOCKED;
	up_write(fr_led_triggers_lock);
	why = fr_ledtrig_leds_free(lo->obj);
	if (why)
		return why;
	return fr_call_bounded_long(fr_call_led_trigger_unregister, lo->obj);
}

/*
 * lo->held: this undo's own call unregistered it, and returned.  One gone
 * with an earlier undo (a driver's remove that called
 * led_trigger_unregister_simple()) may be freed already: the stale words
 * ask for lo->held.
 */
static enum fr_why __init fr_undo_led_trigger(struct fr_leftover *lo)
{
	enum fr_why why = fr_ledtrig_unregister(lo);

	lo->held = why == FR_OK;
	return why;
}

/*
 * Before the undo: the list's links to its node, the links of the LEDs
 * that use it to its list of them, an LED's trigger word (an LED on
 * leds_list that points at it), and, for one in the heap, its own words
 * (its name, its callbacks).  Anything else that keeps its address (a
 * devres of devm_led_trigger_register() on a device not the target's,
 * whose release would unregister it again) is not explained.
 */
static bool __init fr_led_trigger_explains(const struct fr_leftover *lo,
					   unsigned long where, unsigned long v)
{
	struct led_trigger *trig = lo->obj;
	struct led_classdev *led_cdev;
	unsigned int n = 0;
	bool uses = false;

	if (v - (unsigned long)&trig->next_trig < sizeof(trig->next_trig) ||
	    v - (unsigned long)&trig->led_cdevs < sizeof(trig->led_cdevs))
		return true;
	if (!fr_in_target(trig) && where - (unsigned long)trig < sizeof(*trig))
		return true;
	if (v != (unsigned long)trig || !down_read_trylock(&leds_list_lock))
		return false;
	list_for_each_entry(led_cdev, &leds_list, node) {
		if (++n > FR_LEDS_MAX)
			break;
		if (where == (unsigned long)&led_cdev->trigger) {
			uses = READ_ONCE(led_cdev->trigger) == trig;
			break;
		}
	}
	up_read(&leds_list_lock);
	return uses;
}

/*
 * After the undo, the next word of an LED's trig_list that the undo took off
 * the trigger's list of LEDs with list_del_rcu(): kept for RCU readers,
 * its prev poisoned, the LED on no trigger or another.  Nothing follows it
 * once a grace period has passed, and free_module() waits for one.
 */
static bool __init fr_ledtrig_deleted_led(struct led_trigger *trig,
					  unsigned long where)
{
	struct led_classdev *led_cdev;
	unsigned int n = 0;
	bool stale = false;

	if (!down_read_trylock(&leds_list_lock))
		return false;
	list_for_each_entry(led_cdev, &leds_list, node) {
		if (++n > FR_LEDS_MAX)
			break;
		if (where != (unsigned long)&led_cdev->trig_list.next)
			continue;
		stale = READ_ONCE(led_cdev->trig_list.prev) == LIST_POISON2 &&
			READ_ONCE(led_cdev->trigger) != trig;
		break;
	}
	up_read(&leds_list_lock);
	return stale;
}

/*
 * After the undo: a word of a trigger in the heap that is off the list and
 * on no LED (nothing reads it again; a simple one stays, a leak), or an
 * LED's link to it that the undo deleted.
 */
static bool __init fr_led_trigger_stale(const struct fr_leftover *lo,
					unsigned long where, unsigned long v)
{
	struct led_trigger *trig = lo->obj;

	/* (One in the target cannot have been freed by an earlier undo.) */
	if (v == (unsigned long)&trig->led_cdevs && (lo->held || fr_in_target(trig)))
		return fr_ledtrig_deleted_led(trig, where);
	if (!lo->held)
		return false;
	return !fr_in_target(trig) &&
	       where - (unsigned long)trig < sizeof(*trig) &&
	       list_empty_careful(&trig->next_trig) &&
	       list_empty_careful(&trig->led_cdevs);
}
#else
static int __init fr_find_led_triggers(void)
{
	return -ENOENT;
}

#define fr_undo_led_trigger	NULL
#define fr_led_trigger_explains	NULL
#define fr_led_trigger_stale	NULL
#endif

const struct fr_lo_kind fr_lo_led_trigger __initconst = {
	.name = FR_LO_KIND_LED_TRIGGER,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_LED_TRIGGER,
	.lookup = fr_lookup_led_triggers,
	.find = fr_find_led_triggers,
	.undo = fr_undo_led_trigger,
	.explains = fr_led_trigger_explains,
	.stale = fr_led_trigger_stale,
};
