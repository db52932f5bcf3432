// SPDX-License-Identifier: GPL-2.0
/*
 * force_rmmod - make a stuck module removable with a plain rmmod
 *
 * Loaded as "force_rmmod modname=NAME[,NAME...] [exit=auto|keep|stub]", it
 * repairs what makes delete_module() refuse each target:
 *
 *   - state other than LIVE (init crashed: COMING; exit crashed: GOING),
 *   - a reference count above its base (a leaked reference),
 *   - an init function without an exit function, or an exit that crashed.
 *
 * It refuses, changing nothing, when another module depends on a target,
 * when a task may still be executing a target's code, or (unless
 * users=ignore) when a target has real users: mounts, open files, sockets.
 * What a target whose exit will not run left registered is undone first,
 * with the kernel's own functions; what cannot be safely undone refuses it
 * (unless leftovers=force, see leftovers/).  Then the kernel's memory is
 * searched for pointers into such a target that nothing explains (see
 * refscan.c): named, and with refscan=refuse the target is refused.
 * Everything is checked for all targets before anything is written, but
 * the heap's part of the scan of a target whose bus driver is unregistered:
 * its remove frees what its probe made, so that part comes after the undo.
 * Forcing taints the kernel with TAINT_FORCED_RMMOD ('R'), as "rmmod -f"
 * does.
 *
 * A rescue also removes what crashed inits left in finit_module()'s table of
 * loads in flight (Linux 6.5+, see loader.c).  With check=1 it only reports
 * each target's state and real users and refuses to stay.
 *
 * Module loading only ever calls init: the work happens there, and the helper
 * stays loaded holding nothing, so "rmmod TARGET" and "rmmod force_rmmod"
 * work in either order.  After a repair, RCU grace periods are expedited
 * until it is removed (10 s at most, see expedite.c), so that removing many
 * targets is quick.
 *
 * This file holds the parameters and the order of a rescue; force_rmmod.h
 * lists the other files, one per concern.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <linux/string.h>

#include "force_rmmod.h"
#include "version.h"

/* MODULE_PARM_DESC() stringifies its argument: expand the name first. */
#define fr_param_desc(name, desc)	MODULE_PARM_DESC(name, desc)

static char *modname;
module_param_named(FR_PARAM_MODNAME, modname, charp, 0444);
fr_param_desc(FR_PARAM_MODNAME,
	      "Comma-separated modules to rescue, '-' and '_' alike (required, up to 64)");

static char *exit_mode = FR_EXIT_MODE_AUTO;
module_param_named(FR_PARAM_EXIT, exit_mode, charp, 0444);
fr_param_desc(FR_PARAM_EXIT,
	      "auto: replace a missing or crashed exit, keep: keep the target's own exit, stub: always replace it (default: auto)");

static char *users_mode = FR_USERS_REFUSE;
module_param_named(FR_PARAM_USERS, users_mode, charp, 0444);
fr_param_desc(FR_PARAM_USERS,
	      "refuse: refuse targets that have real users (mounts, open files, sockets), ignore: force them anyway (default: refuse)");

static char *leftovers_mode = FR_LEFTOVERS_UNDO;
module_param_named(FR_PARAM_LEFTOVERS, leftovers_mode, charp, 0444);
fr_param_desc(FR_PARAM_LEFTOVERS,
	      "undo: undo what a target whose exit will not run left registered, refuse it if something cannot be undone safely, force: leave that and go on (default: undo)");

static char *refscan_mode = FR_REFSCAN_REFUSE;
module_param_named(FR_PARAM_REFSCAN, refscan_mode, charp, 0444);
fr_param_desc(FR_PARAM_REFSCAN,
	      "report: name pointers into a target whose exit will not run that the reference scan cannot explain, refuse: refuse such a target (default: refuse)");

static bool check_only;
module_param_named(FR_PARAM_CHECK, check_only, bool, 0444);
fr_param_desc(FR_PARAM_CHECK,
	      "Only report state, holders, running tasks and users of each target, change nothing and refuse to stay (default: 0)");

static bool heal;
module_param_named(FR_PARAM_HEAL, heal, bool, 0444);
fr_param_desc(FR_PARAM_HEAL,
	      "With check=1: also clear what crashed inits left in the loader's table, which a rescue or a refusal always does (default: 0)");

/* check=1: report, change nothing.  Caller holds no lock. */
static void __init fr_check_report(void)
{
	unsigned int i, users;

	fr_check_tasks(true);
	fr_check_probes();
	for (i = 0; i < fr_nr_rescues; i++) {
		struct fr_rescue *t = &fr_rescues[i];
		struct module *mod = t->mod;
		int holders;

		users = fr_report_users(t);

		fr_lock_modules();
		holders = fr_nr_holders(mod);
		pr_info("%s: " FR_LOG_CHECK
			"state %s, refcount %d, holders %d, exit %s, users %u, would %s\n",
			t->name, fr_state_name(READ_ONCE(mod->state)),
			module_refcount(mod), holders, fr_exit_name(mod), users,
			fr_is_healthy(t, holders) ? "do nothing" :
			t->stub ? "repair and replace exit" : "repair");
		fr_unlock_modules();
	}
	fr_lock_modules();
	fr_check_holders();
	fr_unlock_modules();
	fr_find_leftovers();
}

#ifdef FR_TEST_PAUSE
/*
 * Test builds only (make fixtures builds one with FR_TEST_PAUSE=y; the
 * shipped module has none of this): test_pause=1 holds the window between
 * the unlocked checks and the repair until test_resume is written (or 30 s),
 * so that a test can start an unload or a load of a target exactly there.
 */
static bool test_pause;
module_param(test_pause, bool, 0444);
MODULE_PARM_DESC(test_pause, "Test builds: pause before the repair (default: 0)");

static DECLARE_COMPLETION(fr_test_resumed);

static int fr_test_resume(const char *val, const struct kernel_param *kp)
{
	complete_all(&fr_test_resumed);
	return 0;
}

static const struct kernel_param_ops fr_test_resume_ops = {
	.set = fr_test_resume,
};

module_param_cb(test_resume, &fr_test_resume_ops, NULL, 0200);
MODULE_PARM_DESC(test_resume, "Test builds: write anything to end the pause");

static void __init fr_test_pause(void)
{
	if (!test_pause)
		return;
	pr_info("test: paused before the repair\n");
	if (!wait_for_completion_timeout(&fr_test_resumed, 30 * HZ))
		pr_info("test: pause timed out\n");
}

/* test_pause_undo=1: the same, after an undo's last check, before its call. */
static bool test_pause_undo;
module_param(test_pause_undo, bool, 0444);
MODULE_PARM_DESC(test_pause_undo, "Test builds: pause before an undo's call (default: 0)");

void __init fr_test_pause_undo(const char *what)
{
	if (!test_pause_undo)
		return;
	pr_info("test: paused before %s\n", what);
	if (!wait_for_completion_timeout(&fr_test_resumed, 30 * HZ))
		pr_info("test: pause timed out\n");
}
#else
static inline void fr_test_pause(void)
{
}
#endif

/* The checks made under module_mutex, before anything changes. */
static int __init fr_check_locked(void)
{
	int ret;

	fr_lock_modules();
	ret = fr_check_unchanged();
	if (!ret)
		ret = fr_check_holders();
	fr_unlock_modules();
	return ret;
}

/*
 * A live target not repaired after some of its leftovers were undone keeps
 * its own exit, which would undo them again (a second unregistration
 * warns, or reads what the first freed): its exit is replaced, and it is
 * held, so that no rmmod frees it with what refused it.  A later rescue
 * takes it as a target whose exit will not run (targets.c), and counts the
 * hold as a leak.
 */
static void __init fr_hold_undone(void)
{
	unsigned int i;

	fr_lock_modules();
	for (i = 0; i < fr_nr_rescues; i++) {
		struct fr_rescue *t = &fr_rescues[i];

		if (!t->undo_failed || !fr_lo_undid(t) ||
		    READ_ONCE(t->mod->state) != MODULE_STATE_LIVE)
			continue;
		WRITE_ONCE(t->mod->exit, fr_stub_exit);
		__module_get(t->mod);
		pr_warn("%s: held, exit replaced: its own would undo again what was undone\n",
			t->name);
	}
	fr_unlock_modules();
}

/*
 * A target whose driver is unregistered (leftovers/driver.c) is scanned
 * whole after the undo: the driver's remove frees what its probe made in
 * the heap, which nothing explains beforehand.  Before the undo only the
 * kernel's and the modules' static data are scanned, where the heads of
 * lists and chains are: an unknown registration there still refuses it
 * before anything is changed.  After the undo, RCU's callbacks are run
 * and the timers of every target looked at again; then a task executing
 * its code or anything still pointing into it leaves it unrepaired, its
 * driver unregistered.
 */
static void __init fr_scan_after_undo(bool refuse)
{
	bool any = false, tasks = false;
	unsigned int i;

	for (i = 0; i < fr_nr_rescues; i++)
		any |= fr_rescues[i].stub && fr_rescues[i].scan_after_undo &&
		       !fr_rescues[i].undo_failed;
	if (any) {
		/*
		 * What the remove freed after a grace period, freed first; a
		 * callback it stopped without waiting, done; then the timers
		 * looked at again, after what those callbacks did.
		 */
		synchronize_rcu();
		rcu_barrier();
		tasks = fr_check_tasks(false);
	}
	fr_recheck_timers();
	for (i = 0; any && i < fr_nr_rescues; i++) {
		struct fr_rescue *t = &fr_rescues[i];

		if (!t->stub || !t->scan_after_undo || t->undo_failed)
			continue;
		if (tasks || fr_refscan(t, refuse, false))
			t->undo_failed = true;
	}
}

/*
 * Refuse, or repair every target; *forced is set when one was repaired.
 *
 * The users and tasks checks take locks and sleep: they run without
 * module_mutex, between a snapshot of each target's state and refcount and
 * the repair, which takes place only if both are still what was checked
 * (fr_check_unchanged()).  Anything that loads or unloads a target in
 * between changes one of them: it holds module_mutex when it does.
 *
 * What targets whose exit will not run left registered is undone first
 * (leftovers/), without module_mutex, as it sleeps; a target whose undo
 * failed is not repaired.
 */
static int __init fr_rescue_all(enum fr_users_policy users,
				enum fr_leftovers_policy leftovers, bool refscan,
				bool *forced)
{
	bool undo_failed = false;
	unsigned int i;
	int ret;

	fr_lock_modules();
	fr_snapshot();
	fr_unlock_modules();

	/* Users first: a mount or an open file is the reason to tell first. */
	if (users == FR_REFUSE_USERS) {
		ret = fr_refuse_users();
		if (ret)
			return ret;
	}
	ret = fr_check_tasks(true);
	if (!ret)
		ret = fr_check_probes();
	if (ret)
		return ret;
	/* What targets whose exit will not run left registered (leftovers/). */
	fr_find_leftovers();
	ret = fr_refuse_leftovers(leftovers);
	for (i = 0; !ret && i < fr_nr_rescues; i++)
		if (fr_rescues[i].stub)
			ret = fr_refscan(&fr_rescues[i],
					 refscan && leftovers == FR_UNDO_LEFTOVERS,
					 fr_rescues[i].scan_after_undo);
	if (!ret)
		ret = fr_check_locked();
	if (ret)
		return ret;
	fr_test_pause();

	/* The first change. */
	fr_undo_leftovers();
	fr_scan_after_undo(refscan && leftovers == FR_UNDO_LEFTOVERS);

	fr_lock_modules();
	ret = fr_check_unchanged();
	if (!ret)
		ret = fr_check_holders();
	for (i = 0; !ret && i < fr_nr_rescues; i++) {
		if (!fr_rescues[i].undo_failed)
			*forced |= fr_repair(&fr_rescues[i]);
		/* An undo, or the repair's own count, changed meanwhile. */
		if (fr_rescues[i].undo_failed)
			undo_failed = true;
	}
	/* Refused after the undo: not repaired, whatever was undone. */
	for (i = 0; ret && i < fr_nr_rescues; i++)
		fr_rescues[i].undo_failed = true;
	fr_unlock_modules();
	return !ret && undo_failed && !*forced ? -EBUSY : ret;
}

static int __init force_rmmod_init(void)
{
	enum fr_exit_policy exits;
	enum fr_users_policy users;
	enum fr_leftovers_policy leftovers;
	bool forced = false;
	int ret;

	ret = fr_parse_targets(modname);
	if (ret)
		goto out_put;
	ret = fr_parse_policy(exit_mode, users_mode, &exits, &users);
	if (ret)
		goto out_put;
	ret = fr_parse_leftovers(leftovers_mode, &leftovers);
	if (ret)
		goto out_put;
	if (strcmp(refscan_mode, FR_REFSCAN_REPORT) &&
	    strcmp(refscan_mode, FR_REFSCAN_REFUSE)) {
		pr_err("refscan=%s: not report or refuse\n", refscan_mode);
		ret = -EINVAL;
		goto out_put;
	}
	ret = fr_decide_exits(exits);
	if (ret)
		goto out_put;
	ret = fr_find_module_mutex();
	if (ret && !check_only)
		goto out_put;

	if (check_only) {
		fr_check_report();
		fr_put_leftovers();
		if (heal)
			fr_heal_loader();
		ret = -ECANCELED;
		goto out_put;
	}
	ret = fr_rescue_all(users, leftovers,
			    !strcmp(refscan_mode, FR_REFSCAN_REFUSE), &forced);

	/*
	 * What crashed inits left in the loader is cleared after a refusal
	 * too: it changes no module, and it is what makes the next load of
	 * any module hang or fault (drivers.test: the twentieth crashed init
	 * in a row hung the next finit_module() on idem_lock).
	 */
	fr_heal_loader();
	fr_hold_undone();
	fr_put_leftovers();
	if (forced)
		fr_expedite();
	/* An undo's call still runs in its thread, on this module's code. */
	if (fr_undo_waiting()) {
		pr_err(FR_LOG_UNDO_WAITING "%s stays loaded until it returns\n",
		       KBUILD_MODNAME);
		ret = 0;
	}

out_put:
	fr_put_targets();
	return ret;
}

static void __exit force_rmmod_exit(void)
{
	fr_expedite_stop();
}

module_init(force_rmmod_init);
module_exit(force_rmmod_exit);

MODULE_DESCRIPTION("Make a stuck kernel module removable with rmmod");
MODULE_AUTHOR("force-rmmod developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(FORCE_RMMOD_VERSION);
