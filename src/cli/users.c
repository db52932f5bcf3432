// SPDX-License-Identifier: GPL-2.0
/*
 * The step that looks for real users (steps.h), as the kernel sees them:
 * open files a module provides, mounted filesystems of its type, sockets.
 * Only targets with references nobody accounts for are looked at
 * (fr_module_refs_unexplained()); the helper looks, in one of two ways:
 *
 * - the rescue load itself, with users=refuse: it logs each target's users
 *   and refuses the load, and fr_rescue() loads it again for the others.  So
 *   a rescue is one load, when the kernel log can be read to learn who the
 *   users are.
 * - otherwise (the log hidden, --dry-run, --force that still names the
 *   users) its check mode first, which validates like a rescue, reports
 *   "check: ... users N" and refuses to stay (ECANCELED).
 */
#include <errno.h>
#include <unistd.h>

#include "steps.h"

/* The rescue load can look (and say who): true when the kernel log is readable. */
static bool fr_users_in_rescue(const struct fr_options *opt)
{
	int kmsg;

	if (opt->dry_run || opt->force)
		return false;
	kmsg = fr_kmsg_open(opt->root);
	if (kmsg < 0)
		return false;
	close(kmsg);
	return true;
}

/* Load the check mode until every wanted target is reported or refused. */
static int fr_check_loads(struct fr_table *tab, const struct fr_options *opt,
			  const struct fr_helper *h)
{
	int err, refused;

	do {
		err = fr_helper_call(tab, opt, h, FR_CALL_CHECK, &refused);
		if (!err) {
			/* It stayed: it did not honour check=1 and repaired. */
			fr_module_remove(FR_HELPER_NAME);
			fr_helper_failed(tab, "the helper ignored check=1");
			return -EPROTO;
		}
	} while (err != -ECANCELED && refused && fr_any_selected(tab, FR_CALL_CHECK));
	if (err != -ECANCELED && fr_any_selected(tab, FR_CALL_CHECK)) {
		ERR("the kernel refused the helper module: %s", fr_load_strerror(opt->root, -err));
		fr_helper_failed(tab, "the kernel refused the helper module");
		return err;
	}
	return 0;
}

/* After the check mode: judge each target it was for. */
static void fr_judge_checked(struct fr_table *tab, const struct fr_options *opt)
{
	for (int i = 0; i < tab->n; i++) {
		struct fr_target *t = &tab->t[i];

		if (!fr_selected(t, FR_CALL_CHECK))
			continue;
		t->leftovers_wanted = false;
		if (t->users_state == FR_USERS_COUNTED) {
			fr_judge_users(tab, opt, t);
			continue;
		}
		if (t->users_state == FR_USERS_KNOWN)
			continue;	/* only its leftovers were looked for */
		/* No report on it (log unreadable, lines lost): users unknown. */
		if (opt->force) {
			WARN(opt, "%s: the helper's check did not report on it; going on (--force)",
			     t->name);
			continue;
		}
		fr_fail(tab, t, FR_RESULT_REFUSED,
			"its users could not be checked (no report from the helper in the kernel log); use --force to go on");
	}
}

/* Step 6: real users, for the targets whose references are unexplained. */
void fr_find_users(struct fr_table *tab, const struct fr_options *opt,
		   struct fr_helper *h)
{
	for (int i = 0; i < tab->n; i++) {
		struct fr_target *t = &tab->t[i];

		if (fr_pending(t) && t->users_state == FR_USERS_UNKNOWN) {
			t->users_state = FR_USERS_KNOWN;	/* none possible */
			t->users_total = 0;
		}
	}
	if (!fr_any_selected(tab, FR_CALL_CHECK))
		return;
	if (fr_helper_get(h, opt)) {
		fr_helper_failed(tab, "the helper module is unavailable");
		return;
	}
	/* A healthy module checked for a crashed probe (step 5) has no rescue. */
	if (fr_users_in_rescue(opt)) {
		for (int i = 0; i < tab->n; i++)
			if (fr_selected(&tab->t[i], FR_CALL_CHECK) &&
			    tab->t[i].action == FR_ACTION_RESCUE)
				tab->t[i].users_state = FR_USERS_IN_RESCUE;
		if (!fr_any_selected(tab, FR_CALL_CHECK))
			return;
	}
	if (fr_check_loads(tab, opt, h))
		return;
	fr_judge_checked(tab, opt);
	fr_propagate_refusals(tab);
}
