// SPDX-License-Identifier: GPL-2.0
/*
 * The first steps of force-rmmod: the names given, what each module is
 * (built in, not loaded, loaded), each module's state, holders and tasks,
 * and the decision for each: refuse it, unload it plainly, or rescue it.
 * Nothing changes here, except that a helper left loaded by an earlier run
 * is removed first.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct fr_target *fr_find_target(const char *name)
{
	for (int i = 0; i < nr_targets; i++)
		if (targets[i].name[0] && !strcmp(targets[i].name, name))
			return &targets[i];
	return NULL;
}

static struct fr_target *fr_add_target(const char *arg)
{
	struct fr_target *t;

	t = realloc(targets, (nr_targets + 1) * sizeof(*targets));
	if (!t) {
		ERR("out of memory");
		exit(FR_EXIT_NOT_REMOVED);
	}
	targets = t;
	t = &targets[nr_targets++];
	memset(t, 0, sizeof(*t));
	snprintf(t->arg, sizeof(t->arg), "%s", arg);
	t->action = "none";
	t->users_counted = -1;
	return t;
}

/* Step 1: normalise names, drop duplicates, reject the impossible ones. */
void fr_validate_names(int argc, char **argv)
{
	int named = 0;

	for (int i = 0; i < argc; i++) {
		char name[FR_NAME_MAX];
		enum fr_name_error err = fr_name_normalise(argv[i], name);
		struct fr_target *t;

		if (err == FR_NAME_OK && fr_find_target(name))
			continue;
		t = fr_add_target(argv[i][0] ? argv[i] : "''");
		if (err != FR_NAME_OK) {
			fr_fail(t, FR_RESULT_INVALID, "%s", fr_name_strerror(err));
			continue;
		}
		strcpy(t->name, name);
		if (!strcmp(name, FR_HELPER_NAME))
			fr_fail(t, FR_RESULT_INVALID,
				"is the rescue helper itself; remove it with rmmod");
		else if (++named > FR_MAX_TARGETS)
			fr_fail(t, FR_RESULT_INVALID,
				"more than %d modules named: name the rest in another run",
				FR_MAX_TARGETS);
	}
}

/* Step 2 (under the lock): built-in modules abort, unloaded ones are reported. */
void fr_classify(void)
{
	for (int i = 0; i < nr_targets; i++) {
		struct fr_target *t = &targets[i];

		if (t->result != FR_RESULT_PENDING)
			continue;
		switch (fr_module_kind("", t->name)) {
		case FR_KIND_BUILTIN:
			fr_fail(t, FR_RESULT_INVALID,
				"built into the kernel, cannot be unloaded");
			break;
		case FR_KIND_NOT_LOADED:
			fr_fail(t, FR_RESULT_NOT_LOADED, "not loaded");
			break;
		default:
			t->loaded = true;
			break;
		}
	}
}

/* Step 3: a helper left loaded by an earlier run goes first. */
void fr_remove_leftover_helper(void)
{
	struct fr_module m;
	int err;

	if (!fr_module_is_loaded("", FR_HELPER_NAME))
		return;
	if (opt.dry_run) {
		WARN("a force_rmmod helper is loaded (left by an earlier run?); a real run removes it first");
		return;
	}
	err = fr_module_remove(FR_HELPER_NAME);
	if (!err) {
		INFO("removed a force_rmmod helper left loaded by an earlier run");
		return;
	}
	if (!fr_module_read("", FR_HELPER_NAME, &m) && m.nr_holders)
		ERR("a force_rmmod helper left loaded cannot be removed: module %s still needs it",
		    m.holders[0]);
	else
		ERR("a force_rmmod helper left loaded cannot be removed: %s", fr_strerror(-err));
}

static int fr_nr_loaded(void)
{
	int n = 0;

	for (int i = 0; i < nr_targets; i++)
		n += targets[i].loaded;
	return n;
}

/* Step 4: diagnose every loaded target; with --cascade add its holders. */
void fr_diagnose(void)
{
	struct fr_module **mods;
	int n = 0;

	for (int i = 0; i < nr_targets; i++) {
		struct fr_target *t = &targets[i];
		int err;

		if (!t->loaded)
			continue;
		err = fr_module_read("", t->name, &t->mod);
		if (err) {
			t->loaded = false;
			fr_fail(t, FR_RESULT_NOT_LOADED, "not loaded");
			continue;
		}
		if (!opt.cascade)
			continue;
		for (int h = 0; h < t->mod.nr_holders; h++) {
			struct fr_target *d;

			if (fr_find_target(t->mod.holders[h]))
				continue;
			if (fr_nr_loaded() >= FR_MAX_TARGETS) {
				fr_fail(t, FR_RESULT_REFUSED,
					"with its dependents, more than %d modules: remove some of them first",
					FR_MAX_TARGETS);
				break;
			}
			d = fr_add_target(t->mod.holders[h]);
			strcpy(d->name, t->mod.holders[h]);
			d->cascaded = true;
			d->loaded = true;
			t = &targets[i];	/* fr_add_target moved the array */
			INFO("%s: depends on %s, added by --cascade", d->name, t->name);
		}
	}

	/*
	 * Tasks executing the init or exit of a module coming or going: every
	 * thread's stack read once for all of them.  In a live module a task
	 * is found by the helper itself (a rescue, or the check mode), which
	 * names it; and a healthy module's own exit stops its threads.
	 */
	mods = calloc(nr_targets + 1, sizeof(*mods));
	if (!mods) {
		ERR("out of memory");
		exit(FR_EXIT_NOT_REMOVED);
	}
	for (int i = 0; i < nr_targets; i++)
		if (targets[i].loaded && targets[i].mod.state != FR_STATE_LIVE)
			mods[n++] = &targets[i].mod;
	if (n && fr_tasks_scan("", mods, n))
		WARN("cannot read /proc: tasks executing a module's code are left to the helper to find");
	free(mods);
}

/* Holders of @t that are targets not yet removed. */
int fr_pending_holders(const struct fr_target *t)
{
	int n = 0;

	for (int h = 0; h < t->mod.nr_holders; h++) {
		struct fr_target *d = fr_find_target(t->mod.holders[h]);

		if (d && d->result != FR_RESULT_REMOVED)
			n++;
	}
	return n;
}

bool fr_pending(const struct fr_target *t)
{
	return t->loaded && t->result == FR_RESULT_PENDING;
}

/* Step 5: refuse what must not be touched; decide unload or rescue. */
void fr_decide(void)
{
	for (int i = 0; i < nr_targets; i++) {
		struct fr_target *t = &targets[i];
		const struct fr_module *m = &t->mod;

		if (!fr_pending(t))
			continue;
		for (int h = 0; h < m->nr_holders; h++)
			if (!fr_find_target(m->holders[h])) {
				fr_fail(t, FR_RESULT_REFUSED,
					"used by module %s: remove it first, name it too, or use --cascade",
					m->holders[h]);
				break;
			}
		if (!fr_pending(t))
			continue;
		if (m->nr_tasks) {
			fr_fail(t, FR_RESULT_REFUSED,
				"task %d (%s) is executing its %s%s",
				m->tasks[0].pid, m->tasks[0].comm,
				!strcmp(m->tasks[0].what, "code") ? "" : m->tasks[0].what,
				!strcmp(m->tasks[0].what, "code") ? "code" : " function");
			continue;
		}
		/* Healthy once its holders (targets, removed first) are gone. */
		t->action = m->state == FR_STATE_LIVE && !m->permanent &&
			    m->refcount == m->nr_holders ? "unload" : "rescue";
		/* References beyond its holders' (and a dead loader's): users? */
		t->needs_check = m->state == FR_STATE_GOING ? m->refcount > 0 :
				 m->refcount > m->nr_holders + (m->state == FR_STATE_COMING);
	}
	fr_propagate_refusals();
}

/* A module whose holder is refused or failed cannot go either. */
void fr_propagate_refusals(void)
{
	bool changed;

	do {
		changed = false;
		for (int i = 0; i < nr_targets; i++) {
			struct fr_target *t = &targets[i];

			if (!fr_pending(t))
				continue;
			for (int h = 0; h < t->mod.nr_holders; h++) {
				struct fr_target *d = fr_find_target(t->mod.holders[h]);

				if (d && d->result != FR_RESULT_PENDING &&
				    d->result != FR_RESULT_REMOVED) {
					fr_fail(t, FR_RESULT_REFUSED,
						"used by module %s, which is not removed",
						d->name);
					changed = true;
					break;
				}
			}
		}
	} while (changed);
}

bool fr_any_invalid(void)
{
	for (int i = 0; i < nr_targets; i++)
		if (targets[i].result == FR_RESULT_INVALID)
			return true;
	return false;
}
