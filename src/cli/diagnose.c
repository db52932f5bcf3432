// SPDX-License-Identifier: GPL-2.0
/*
 * The first steps of force-rmmod (steps.h): the names given, what each module
 * is (built in, not loaded, loaded), each module's state, holders and tasks,
 * and the decision for each: refuse it, unload it plainly, or rescue it.
 * Nothing changes here, except that a helper left loaded by an earlier run
 * is removed first.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "steps.h"

/* Step 1: normalise names, drop duplicates, reject the impossible ones. */
void fr_validate_names(struct fr_table *tab, int argc, char **argv)
{
	int named = 0;

	for (int i = 0; i < argc; i++) {
		char name[FR_NAME_MAX];
		enum fr_name_error err = fr_name_normalise(argv[i], name);
		struct fr_target *t;

		if (err == FR_NAME_OK && fr_table_find(tab, name))
			continue;
		t = fr_table_add(tab, argv[i][0] ? argv[i] : "''");
		if (err != FR_NAME_OK) {
			fr_fail(tab, t, FR_RESULT_INVALID, "%s", fr_name_strerror(err));
			continue;
		}
		strcpy(t->name, name);
		if (!strcmp(name, FR_HELPER_NAME))
			fr_fail(tab, t, FR_RESULT_INVALID,
				"is the rescue helper itself; remove it with rmmod");
		else if (++named > FR_MAX_TARGETS)
			fr_fail(tab, t, FR_RESULT_INVALID,
				"more than %d modules named: name the rest in another run",
				FR_MAX_TARGETS);
	}
}

/* Step 2 (under the lock): built-in modules abort, unloaded ones are reported. */
void fr_classify(struct fr_table *tab, const struct fr_options *opt)
{
	for (int i = 0; i < tab->n; i++) {
		struct fr_target *t = &tab->t[i];

		if (t->result != FR_RESULT_PENDING)
			continue;
		switch (fr_module_kind(opt->root, t->name)) {
		case FR_KIND_BUILTIN:
			fr_fail(tab, t, FR_RESULT_INVALID,
				"built into the kernel, cannot be unloaded");
			break;
		case FR_KIND_NOT_LOADED:
			fr_fail(tab, t, FR_RESULT_NOT_LOADED, "not loaded");
			break;
		default:
			t->loaded = true;
			break;
		}
	}
}

/* Step 3: a helper left loaded by an earlier run goes first. */
void fr_remove_leftover_helper(const struct fr_options *opt)
{
	struct fr_module m;
	int err;

	if (!fr_module_is_loaded(opt->root, FR_HELPER_NAME))
		return;
	if (opt->dry_run) {
		WARN(opt, "a force_rmmod helper is loaded (left by an earlier run?); a real run removes it first");
		return;
	}
	err = fr_module_remove(FR_HELPER_NAME);
	if (!err) {
		INFO(opt, "removed a force_rmmod helper left loaded by an earlier run");
		return;
	}
	if (!fr_module_read(opt->root, FR_HELPER_NAME, &m) && m.nr_holders)
		ERR("a force_rmmod helper left loaded cannot be removed: module %s still needs it",
		    m.holders[0]);
	else
		ERR("a force_rmmod helper left loaded cannot be removed: %s", fr_strerror(-err));
}

/* --cascade: the holders of target @i become targets too (after it). */
static void fr_add_holders(struct fr_table *tab, const struct fr_options *opt, int i)
{
	for (int h = 0; h < tab->t[i].mod.nr_holders; h++) {
		char holder[FR_NAME_MAX];	/* a copy: adding moves the array */
		struct fr_target *d;

		strcpy(holder, tab->t[i].mod.holders[h]);
		if (fr_table_find(tab, holder))
			continue;
		if (fr_nr_loaded(tab) >= FR_MAX_TARGETS) {
			fr_fail(tab, &tab->t[i], FR_RESULT_REFUSED,
				"with its dependents, more than %d modules: remove some of them first",
				FR_MAX_TARGETS);
			return;
		}
		d = fr_table_add(tab, holder);
		strcpy(d->name, holder);
		d->cascaded = true;
		d->loaded = true;
		INFO(opt, "%s: depends on %s, added by --cascade", d->name, tab->t[i].name);
	}
}

/*
 * Tasks executing the init or exit of a module coming or going: every
 * thread's stack read once for all of them.  In a live module a task is
 * found by the helper itself (a rescue, or the check mode), which names it;
 * and a healthy module's own exit stops its threads.
 */
static void fr_find_tasks(struct fr_table *tab, const struct fr_options *opt)
{
	struct fr_module **mods;
	int n = 0;

	mods = calloc(tab->n + 1, sizeof(*mods));
	if (!mods) {
		ERR("out of memory");
		exit(FR_STATUS_NOT_REMOVED);
	}
	for (int i = 0; i < tab->n; i++)
		if (tab->t[i].loaded && tab->t[i].mod.state != FR_STATE_LIVE)
			mods[n++] = &tab->t[i].mod;
	if (n && fr_tasks_scan(opt->root, mods, n))
		WARN(opt, "cannot read /proc: tasks executing a module's code are left to the helper to find");
	free(mods);
}

/* Step 4: diagnose every loaded target; with --cascade add its holders. */
void fr_diagnose(struct fr_table *tab, const struct fr_options *opt)
{
	for (int i = 0; i < tab->n; i++) {
		struct fr_target *t = &tab->t[i];

		if (!t->loaded)
			continue;
		if (fr_module_read(opt->root, t->name, &t->mod)) {
			t->loaded = false;
			fr_fail(tab, t, FR_RESULT_NOT_LOADED, "not loaded");
			continue;
		}
		/* The helper finds modules through /sys/module. */
		if (!fr_module_in_sysfs(opt->root, t->name)) {
			fr_fail(tab, t, FR_RESULT_REFUSED, "not in /sys/module (its load stopped "
				"before it got there), cannot be rescued");
			continue;
		}
		if (opt->cascade)
			fr_add_holders(tab, opt, i);
	}
	fr_find_tasks(tab, opt);
}

/*
 * Refuse @t, saying why, if it must be left alone: a holder not named, a
 * task in its code (its own kernel threads are stopped by its exit, or by
 * the helper when that will not run).
 */
static bool fr_refuse(struct fr_table *tab, struct fr_target *t)
{
	const struct fr_module *m = &t->mod;
	const struct fr_task *task = fr_module_busy_task(m);

	for (int h = 0; h < m->nr_holders; h++)
		if (!fr_table_find(tab, m->holders[h])) {
			fr_fail(tab, t, FR_RESULT_REFUSED,
				"used by module %s: remove it first, name it too, or use --cascade",
				m->holders[h]);
			return true;
		}
	if (!task)
		return false;
	if (task->what == FR_EXEC_CODE)
		fr_fail(tab, t, FR_RESULT_REFUSED, "task %d (%s) is executing its code",
			task->pid, task->comm);
	else
		fr_fail(tab, t, FR_RESULT_REFUSED, "task %d (%s) is executing its %s function",
			task->pid, task->comm, fr_exec_name(task->what));
	return true;
}

/*
 * A rescue of @t gives it the helper's replacement exit (exit=auto: a crashed
 * init or exit, or no exit; exit=stub: always): its own exit will not undo
 * what it registered, so the helper looks for leftovers.
 */
static bool fr_exit_will_be_replaced(const struct fr_target *t, const struct fr_options *opt)
{
	if (t->action != FR_ACTION_RESCUE || !strcmp(opt->exit_mode, FR_EXIT_MODE_KEEP))
		return false;
	return !strcmp(opt->exit_mode, FR_EXIT_MODE_STUB) || t->mod.state != FR_STATE_LIVE ||
	       t->mod.permanent;
}

/* Step 5: refuse what must not be touched; decide unload or rescue. */
void fr_decide(struct fr_table *tab, const struct fr_options *opt)
{
	for (int i = 0; i < tab->n; i++) {
		struct fr_target *t = &tab->t[i];

		if (!fr_pending(t) || fr_refuse(tab, t))
			continue;
		/* Healthy once its holders (targets, removed first) are gone. */
		t->action = fr_module_is_healthy(&t->mod, t->mod.nr_holders) ?
			    FR_ACTION_UNLOAD : FR_ACTION_RESCUE;
		if (fr_module_refs_unexplained(&t->mod))
			t->users_state = FR_USERS_WANTED;
		/*
		 * A probe that oopsed left its device locked, and a plain rmmod
		 * would hang for ever in the exit's driver_unregister(): after an
		 * oops, the helper's check (step 6) looks at a driver's devices.
		 */
		if (t->action == FR_ACTION_UNLOAD &&
		    fr_module_has_drivers(opt->root, t->name) && fr_kernel_oopsed(opt->root))
			t->users_state = FR_USERS_WANTED;
		/* Only root can load the helper; --dry-run does not need it. */
		t->leftovers_wanted = opt->dry_run && geteuid() == 0 &&
				      fr_exit_will_be_replaced(t, opt);
	}
	fr_propagate_refusals(tab);
}
