// SPDX-License-Identifier: GPL-2.0
/*
 * Holders, health and the repair itself.  Every function here is called with
 * module_mutex held, which delete_module() holds while it reads state,
 * refcount and exit, and a loader while it drops its initial reference:
 * source_list, state and refcount are stable but for module_get() and
 * module_put() by users, which fr_check_unchanged() sees.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/module.h>

#include "force_rmmod.h"
#include "kernel_private.h"

/* Note each target's state and refcount before the unlocked checks. */
void __init fr_snapshot(void)
{
	unsigned int i;

	for (i = 0; i < fr_nr_rescues; i++) {
		struct fr_rescue *t = &fr_rescues[i];

		t->state_seen = READ_ONCE(t->mod->state);
		t->refs_seen = module_refcount(t->mod);
		/*
		 * exit=auto decides from the state repaired, not from one seen
		 * before: a live target whose unload crashed meanwhile is going
		 * now, and its own exit must not run again.
		 */
		if (t->stub_auto)
			t->stub = fr_auto_stub(t->mod, t->state_seen);
	}
}

/*
 * The tasks and users were checked without module_mutex (they take locks
 * and sleep).  Meanwhile a loader may have finished (state COMING -> LIVE,
 * refcount down by one) or an unloader started (LIVE -> GOING): then what
 * was checked is not what would be repaired.  Refuse; a new run sees the
 * new state.
 */
int __init fr_check_unchanged(void)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < fr_nr_rescues; i++) {
		struct fr_rescue *t = &fr_rescues[i];
		enum module_state state = READ_ONCE(t->mod->state);
		int refs = module_refcount(t->mod);

		if (state == t->state_seen && refs == t->refs_seen)
			continue;
		pr_err("%s: changed while checked (state %s -> %s, refcount %d -> %d), refusing\n",
		       t->name, fr_state_name(t->state_seen),
		       fr_state_name(state), t->refs_seen, refs);
		ret = -EAGAIN;
	}
	return ret;
}

int __init fr_check_holders(void)
{
	struct module_use *use;
	unsigned int i;
	int ret = 0;

	/* Without a trusted struct module_use, another module may depend on one. */
	if (!fr_layout_trusted(FR_LAYOUT_MODULE_USE))
		return -EWOULDBLOCK;
	for (i = 0; i < fr_nr_rescues; i++) {
		struct module *mod = fr_rescues[i].mod;

		list_for_each_entry(use, &mod->source_list, source_list) {
			if (fr_is_target(use->source))
				continue;
			pr_err("%s: " FR_LOG_HOLDER "%s, remove it first or name it too\n",
			       fr_rescues[i].name, use->source->name);
			ret = -EWOULDBLOCK;
		}
	}
	return ret;
}

/*
 * Each module using @mod's symbols holds one reference, which it drops when
 * it is unloaded (ref_module(), module_unload_free()).  All holders are
 * targets that go first, so these references are the only ones to keep.
 * -1: unknown (struct module_use not trusted; fr_check_holders() refuses).
 */
int __init fr_nr_holders(struct module *mod)
{
	struct module_use *use;
	int n = 0;

	if (!fr_layout_trusted(FR_LAYOUT_MODULE_USE))
		return -1;
	list_for_each_entry(use, &mod->source_list, source_list)
		n++;
	return n;
}

bool __init fr_is_healthy(const struct fr_rescue *t, int holders)
{
	const struct module *mod = t->mod;

	return READ_ONCE(mod->state) == MODULE_STATE_LIVE &&
	       module_refcount(t->mod) == holders && !t->stub &&
	       (mod->exit || !mod->init);
}

/*
 * Unsafe by nature: the target's code may still be referenced from places
 * we cannot see.  Hence the taint.
 */
bool __init fr_repair(struct fr_rescue *t)
{
	struct module *mod = t->mod;
	enum module_state state = READ_ONCE(mod->state);
	int refs = module_refcount(mod);
	int holders = fr_nr_holders(mod);
	const char *exit_before = fr_exit_name(mod);

	if (fr_is_healthy(t, holders)) {
		pr_info("%s: " FR_LOG_HEALTHY " (live, refcount %d, exit %s), nothing to do\n",
			t->name, refs, exit_before);
		return false;
	}
	/*
	 * From the count that was checked only: a try_module_get() since
	 * (it takes no lock) is not lost, the target is refused instead.
	 */
	if (atomic_cmpxchg(&mod->refcnt, FR_REF_BASE + t->refs_seen,
			   FR_REF_BASE + holders) != FR_REF_BASE + t->refs_seen) {
		pr_err("%s: changed while checked (refcount %d -> %d), refusing\n",
		       t->name, t->refs_seen, module_refcount(mod));
		t->undo_failed = true;
		return false;
	}
	add_taint(TAINT_FORCED_RMMOD, LOCKDEP_NOW_UNRELIABLE);
	WRITE_ONCE(mod->state, MODULE_STATE_LIVE);
	if (t->stub)
		WRITE_ONCE(mod->exit, fr_stub_exit);
	pr_warn("%s: " FR_LOG_REPAIR "%s -> live, refcount %d -> %d, exit %s -> %s; rmmod %s now\n",
		t->name, fr_state_name(state), refs, module_refcount(mod),
		exit_before, fr_exit_name(mod), t->name);
	return true;
}
