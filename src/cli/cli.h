/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The force-rmmod command itself, in the order main() runs its steps:
 *
 *   main.c      options, messages, the lock, the sequence of steps, the report
 *   diagnose.c  the names, each module's state and why it is stuck, refusals
 *   rescue.c    the helper: real users, plain unloads, the rescue, removal
 *               of the targets and the helper, verification
 *
 * They share the run's state declared here; the mechanisms they use are the
 * library in fr.h.
 */
#ifndef FR_CLI_H
#define FR_CLI_H

#include "fr.h"

#define FR_PROG		"force-rmmod"

enum fr_status {
	FR_EXIT_OK = 0,
	FR_EXIT_NOT_REMOVED = 1,
	FR_EXIT_USAGE = 2,
	FR_EXIT_HELPER = 3,
};

struct fr_options {
	bool dry_run, json, cascade, force;
	int verbose;		/* -1 -q, 0, 1 -v */
	const char *exit_mode;
	const char *helper;
};

extern struct fr_options opt;
extern struct fr_target *targets;	/* every name, then what --cascade adds */
extern int nr_targets;

/* main.c */
void fr_log(const char *level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define ERR(...)	fr_log("ERROR", __VA_ARGS__)
#define WARN(...)	do { if (opt.verbose >= 0) fr_log("WARNING", __VA_ARGS__); } while (0)
#define INFO(...)	do { if (opt.verbose > 0) fr_log("INFO", __VA_ARGS__); } while (0)
void fr_raise(enum fr_status s);
void fr_fail(struct fr_target *t, enum fr_result result, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *fr_strerror(int err);
const char *fr_load_strerror(int err);

/* diagnose.c */
void fr_validate_names(int argc, char **argv);
bool fr_any_invalid(void);
void fr_classify(void);
void fr_remove_leftover_helper(void);
void fr_diagnose(void);
void fr_decide(void);
struct fr_target *fr_find_target(const char *name);
bool fr_pending(const struct fr_target *t);
int fr_pending_holders(const struct fr_target *t);
void fr_propagate_refusals(void);

/* rescue.c */
void fr_check_users(void);
void fr_unload_healthy(void);
void fr_rescue(void);
void fr_verify(void);
void fr_dry_run(void);
void fr_helper_release(void);

#endif
