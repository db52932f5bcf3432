/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The helper force_rmmod.ko as the steps use it: its image, read once and
 * of this command's version only; one load for a selection of targets, with
 * what its kernel log lines say about each.  Above the table (table.h),
 * below the steps (steps.h).
 */
#ifndef FR_CALL_H
#define FR_CALL_H

#include "table.h"

struct fr_helper {
	struct fr_image image;
	int err;		/* 0, or why it is unavailable */
	bool tried;		/* fr_helper_get() ran: it may have been loaded */
};

/* What a load is for, and so which pending targets it names. */
enum fr_call {
	FR_CALL_CHECK,		/* check=1: report users, change nothing */
	FR_CALL_RESCUE,		/* repair the targets whose action is rescue */
};

int fr_helper_get(struct fr_helper *h, const struct fr_options *opt);
void fr_helper_release(struct fr_helper *h);
bool fr_selected(const struct fr_target *t, enum fr_call call);
bool fr_any_selected(const struct fr_table *tab, enum fr_call call);
int fr_helper_call(struct fr_table *tab, const struct fr_options *opt,
		   const struct fr_helper *h, enum fr_call call, int *refused);
void fr_helper_failed(struct fr_table *tab, const char *why);
void fr_judge_users(struct fr_table *tab, const struct fr_options *opt,
		    struct fr_target *t);

#endif
