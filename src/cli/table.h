/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The run's table of targets and its messages: the layer between the
 * command's steps and the library (fr.h).  The layers, each calling only
 * downwards (tests/cli/layers checks it):
 *
 *   main.c                       options, the lock, the sequence, the report
 *   diagnose.c users.c rescue.c  the steps (steps.h), called by main only
 *   call.c                       the helper: its image, one load, its lines
 *   table.c                      this: targets, failures, exit status, messages
 *   fr.h                         the library: mechanisms, no printing
 *
 * Options and the table are passed down explicitly; nothing is global.
 */
#ifndef FR_TABLE_H
#define FR_TABLE_H

#include "fr.h"

#define FR_PROG		"force-rmmod"

/* The command's exit status (not the helper's exit= modes). */
enum fr_status {
	FR_STATUS_OK = 0,
	FR_STATUS_NOT_REMOVED = 1,
	FR_STATUS_USAGE = 2,
	FR_STATUS_HELPER = 3,
};

struct fr_options {
	const char *root;	/* "" for the real system; a tree in the tests */
	bool dry_run, json, cascade, force;
	int verbose;		/* -1 -q, 0, 1 -v */
	const char *exit_mode;	/* FR_EXIT_MODE_* */
	const char *refscan;	/* FR_REFSCAN_*, or NULL: the helper's default */
	const char *helper;	/* --helper, or NULL */
};

/* Every name, then what --cascade adds, with the run's exit status. */
struct fr_table {
	struct fr_target *t;
	int n;
	enum fr_status status;
};

/* Messages on stderr: errors always, warnings unless -q, INFO with -v. */
void fr_log(const char *level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define ERR(...)	fr_log("ERROR", __VA_ARGS__)
#define WARN(opt, ...)	do { if ((opt)->verbose >= 0) fr_log("WARNING", __VA_ARGS__); } while (0)
#define INFO(opt, ...)	do { if ((opt)->verbose > 0) fr_log("INFO", __VA_ARGS__); } while (0)
const char *fr_strerror(int err);
const char *fr_load_strerror(const char *root, int err);

struct fr_target *fr_table_add(struct fr_table *tab, const char *arg);
struct fr_target *fr_table_find(const struct fr_table *tab, const char *name);
void fr_table_free(struct fr_table *tab);
bool fr_pending(const struct fr_target *t);
int fr_pending_holders(const struct fr_table *tab, const struct fr_target *t);
int fr_nr_loaded(const struct fr_table *tab);
bool fr_any_invalid(const struct fr_table *tab);
void fr_raise(struct fr_table *tab, enum fr_status s);
void fr_fail(struct fr_table *tab, struct fr_target *t, enum fr_result result,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void fr_propagate_refusals(struct fr_table *tab);
void fr_table_finish(struct fr_table *tab);

#endif
