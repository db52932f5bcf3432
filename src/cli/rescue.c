// SPDX-License-Identifier: GPL-2.0
/*
 * The steps of force-rmmod that change the kernel (steps.h): the healthy
 * modules unloaded plainly, the helper loaded once for the rest, the targets
 * removed (dependents first), the helper removed, and the result checked in
 * /proc/modules.  --dry-run stops before them.
 */
#include <errno.h>
#include <stdio.h>

#include "steps.h"

/*
 * Remove every pending target of @action (unload or rescue) whose holders
 * are gone, dependents first.
 */
static void fr_remove_ready(struct fr_table *tab, const struct fr_options *opt,
			    enum fr_action action)
{
	bool plain = action == FR_ACTION_UNLOAD;
	bool progress;

	do {
		progress = false;
		for (int i = 0; i < tab->n; i++) {
			struct fr_target *t = &tab->t[i];
			int err;

			if (!fr_pending(t) || t->action != action ||
			    fr_pending_holders(tab, t))
				continue;
			err = fr_module_remove(t->name);
			if (err) {
				/* A plain unload failing: it changed since the diagnosis. */
				fr_fail(tab, t, FR_RESULT_FAILED, "rmmod failed: %s (%s)",
					fr_strerror(-err), plain ?
					"it changed meanwhile; run again" :
					"the helper holds nothing: try rmmod again");
				continue;
			}
			INFO(opt, "%s: removed%s", t->name, plain ? " with a plain rmmod" : "");
			t->result = FR_RESULT_REMOVED;
			progress = true;
		}
	} while (progress);
	fr_propagate_refusals(tab);
}

/*
 * Step 7: plain rmmod for the healthy ones (never forced unseen); those
 * waiting for a stuck holder go with the rescue.
 */
void fr_unload_healthy(struct fr_table *tab, const struct fr_options *opt)
{
	fr_remove_ready(tab, opt, FR_ACTION_UNLOAD);
	for (int i = 0; i < tab->n; i++)
		if (fr_pending(&tab->t[i]) && tab->t[i].action == FR_ACTION_UNLOAD)
			tab->t[i].action = FR_ACTION_RESCUE;	/* waits for a stuck holder */
}

/* Load the rescue until it stays, or refuses without naming a target. */
static int fr_rescue_loads(struct fr_table *tab, const struct fr_options *opt,
			   const struct fr_helper *h)
{
	int err, refused;

	for (;;) {
		err = fr_helper_call(tab, opt, h, FR_CALL_RESCUE, &refused);
		if (!err || !refused || !fr_any_selected(tab, FR_CALL_RESCUE))
			return err;
		fr_propagate_refusals(tab);
	}
}

/* Step 8: load the helper once for the rest, remove them, remove the helper. */
void fr_rescue(struct fr_table *tab, const struct fr_options *opt, struct fr_helper *h)
{
	int err;

	if (!fr_any_selected(tab, FR_CALL_RESCUE))
		return;
	if (fr_helper_get(h, opt)) {
		fr_helper_failed(tab, "the helper module is unavailable");
		return;
	}
	err = fr_rescue_loads(tab, opt, h);
	if (err == -EBUSY) {
		/* The helper refused (tasks, holders, users), but said nothing we read. */
		for (int i = 0; i < tab->n; i++)
			if (fr_selected(&tab->t[i], FR_CALL_RESCUE))
				fr_fail(tab, &tab->t[i], FR_RESULT_REFUSED,
					"the helper refused it, and its reasons are not in the kernel log (see dmesg)");
		fr_propagate_refusals(tab);
		return;
	}
	if (err) {
		if (fr_any_selected(tab, FR_CALL_RESCUE)) {
			ERR("the kernel refused the helper module: %s",
			    fr_load_strerror(opt->root, -err));
			fr_helper_failed(tab, "the kernel refused the helper module");
		}
		return;
	}
	/* It stayed, so it found no user of any target it was given. */
	for (int i = 0; i < tab->n; i++)
		if (fr_pending(&tab->t[i]) && tab->t[i].users_state == FR_USERS_IN_RESCUE) {
			tab->t[i].users_state = FR_USERS_KNOWN;
			tab->t[i].users_total = 0;
		}
	fr_remove_ready(tab, opt, FR_ACTION_RESCUE);
	err = fr_module_remove(FR_HELPER_NAME);
	if (err)
		ERR("the helper could not be removed: %s; finish with: rmmod %s",
		    fr_strerror(-err), FR_HELPER_NAME);
}

/*
 * Step 8b: a crashed init leaves its load's record in the kernel's table of
 * loads in flight (6.6+), on the dead loader's stack, and the next load that
 * hashes to its bucket reads it.  The helper clears such records each time
 * it is loaded; a run that refused every module still coming without loading
 * it loads it once for that alone (check=1 heal=1: it changes no module and
 * refuses to stay).
 */
void fr_heal_loader(const struct fr_table *tab, const struct fr_options *opt,
		    struct fr_helper *h)
{
	const struct fr_target *coming = NULL;
	char params[FR_NAME_MAX + 64];
	int err;

	if (opt->dry_run || h->tried)
		return;
	for (int i = 0; i < tab->n && !coming; i++)
		if (tab->t[i].loaded && tab->t[i].mod.state == FR_STATE_COMING &&
		    fr_module_in_sysfs(opt->root, tab->t[i].name))
			coming = &tab->t[i];
	if (!coming || fr_helper_get(h, opt))
		return;
	snprintf(params, sizeof(params), "%s=%s %s=1 %s=1", FR_STR(FR_PARAM_MODNAME),
		 coming->name, FR_STR(FR_PARAM_CHECK), FR_STR(FR_PARAM_HEAL));
	INFO(opt, "loading the helper to clear what crashed inits left in the loader: %s",
	     params);
	err = fr_helper_load(h->image.data, h->image.len, params);
	if (!err) {
		/* It stayed: it did not honour check=1. */
		fr_module_remove(FR_HELPER_NAME);
		WARN(opt, "the helper ignored check=1 and was removed");
	}
}

/* Step 9: what the kernel says now, not what we believe. */
void fr_verify(struct fr_table *tab, const struct fr_options *opt,
	       const struct fr_helper *h)
{
	for (int i = 0; i < tab->n; i++) {
		struct fr_target *t = &tab->t[i];

		if (t->result == FR_RESULT_REMOVED && fr_module_is_loaded(opt->root, t->name))
			fr_fail(tab, t, FR_RESULT_FAILED, "still in /proc/modules after rmmod");
	}
	if (h->tried && !opt->dry_run && fr_module_is_loaded(opt->root, FR_HELPER_NAME)) {
		ERR("the helper %s is still loaded; finish with: rmmod %s",
		    FR_HELPER_NAME, FR_HELPER_NAME);
		fr_raise(tab, FR_STATUS_NOT_REMOVED);
	}
}

/* --dry-run, after fr_find_users(): what would happen to each module still pending. */
void fr_dry_run(struct fr_table *tab)
{
	for (int i = 0; i < tab->n; i++)
		if (fr_pending(&tab->t[i]))
			tab->t[i].result = FR_RESULT_WOULD_REMOVE;
}
