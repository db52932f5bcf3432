/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command's steps, in the order main() runs them.  Each takes the table
 * and the options (and the helper, if it may load it) and calls only
 * downwards: call.h, table.h, fr.h; never main.c, never another step.
 *
 *   diagnose.c  the names, what each module is, its state, holders and
 *               tasks, and the decision: refuse, unload plainly, or rescue
 *   users.c     real users, looked for by the helper
 *   rescue.c    plain unloads, the rescue, removal of the targets and the
 *               helper, verification
 */
#ifndef FR_STEPS_H
#define FR_STEPS_H

#include "call.h"

/* diagnose.c */
void fr_validate_names(struct fr_table *tab, int argc, char **argv);
void fr_classify(struct fr_table *tab, const struct fr_options *opt);
void fr_remove_leftover_helper(const struct fr_options *opt);
void fr_diagnose(struct fr_table *tab, const struct fr_options *opt);
void fr_decide(struct fr_table *tab, const struct fr_options *opt);

/* users.c */
void fr_find_users(struct fr_table *tab, const struct fr_options *opt,
		   struct fr_helper *h);

/* rescue.c */
void fr_unload_healthy(struct fr_table *tab, const struct fr_options *opt);
void fr_rescue(struct fr_table *tab, const struct fr_options *opt, struct fr_helper *h);
void fr_heal_loader(const struct fr_table *tab, const struct fr_options *opt,
		    struct fr_helper *h);
void fr_verify(struct fr_table *tab, const struct fr_options *opt,
	       const struct fr_helper *h);
void fr_dry_run(struct fr_table *tab);

#endif
