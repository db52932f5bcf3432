/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The mechanisms behind force-rmmod, one concern per file:
 *
 *   names.c      module names: normalise, validate
 *   modules.c    diagnosis from /proc/modules and /sys/module, and whether
 *                the kernel loads modules at all (root prefix)
 *   tasks.c      tasks executing a module's code, from /proc/PID/task/TID/stack
 *   kmsg.c       the kernel log: /dev/kmsg records
 *   helperlog.c  the rescue module's own log lines ("force_rmmod: NAME: ...")
 *   leftovers.c  its leftover lines: what a target left registered (leftovers.h)
 *   helper.c     finding, decompressing and checking force_rmmod.ko
 *   kernel.c     the kernel itself: init_module(2), delete_module(2) and
 *                /dev/kmsg opened (the step tests replace this file)
 *   output.c     the per-module report: text lines and JSON
 *
 * Functions return 0 or a negative errno; none of them prints, except output.c.
 * Everything that reads /proc or /sys takes @root ("" for the real system), so
 * that the unit tests can run it on a prepared tree.  This is the lowest
 * layer of the command: it includes and calls nothing above it (table.h,
 * call.h, steps.h; tests/cli/layers checks it).  The words of the helper's
 * parameters and log lines are src/module/contract.h, shared with it.
 */
#ifndef FR_H
#define FR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../module/contract.h"
#include "blockusers.h"
#include "leftovers.h"

#define FR_NAME_MAX	56	/* the kernel's MODULE_NAME_LEN, with the NUL */
#define FR_MAX_HOLDERS	64
#define FR_MAX_TASKS	16
#define FR_MAX_USERS	16
#define FR_MAX_LEFTOVERS	16
#define FR_TEXT_MAX	256

/* names.c */
enum fr_name_error {
	FR_NAME_OK,
	FR_NAME_EMPTY,
	FR_NAME_TOO_LONG,
	FR_NAME_PATH,		/* a file name or path, not a module name */
	FR_NAME_MALFORMED,
};
enum fr_name_error fr_name_normalise(const char *in, char out[FR_NAME_MAX]);
const char *fr_name_strerror(enum fr_name_error err);

/* modules.c */
enum fr_kind { FR_KIND_NOT_LOADED, FR_KIND_BUILTIN, FR_KIND_LOADABLE };
enum fr_state { FR_STATE_UNKNOWN, FR_STATE_LIVE, FR_STATE_COMING, FR_STATE_GOING };

/* What a task in a module's code executes (JSON "executing"). */
/* FR_EXEC_THREAD: a kernel thread whose function is the module's (kpktgend_0). */
enum fr_exec { FR_EXEC_CODE, FR_EXEC_INIT, FR_EXEC_EXIT, FR_EXEC_THREAD };

struct fr_task {
	int pid;
	char comm[32];
	enum fr_exec what;
};

struct fr_module {
	char name[FR_NAME_MAX];
	enum fr_state state;
	int refcount;
	char holders[FR_MAX_HOLDERS][FR_NAME_MAX];
	int nr_holders;
	bool permanent;		/* init without exit: delete_module() refuses */
	int has_exit;		/* 1, 0, -1 unknown */
	struct fr_task tasks[FR_MAX_TASKS];
	int nr_tasks;
};

enum fr_kind fr_module_kind(const char *root, const char *name);
bool fr_module_in_sysfs(const char *root, const char *name);
bool fr_module_has_drivers(const char *root, const char *name);
bool fr_kernel_oopsed(const char *root);
int fr_modules_line_parse(const char *line, struct fr_module *m);
int fr_module_read(const char *root, const char *name, struct fr_module *m);
int fr_module_has_exit(const char *root, const char *name);
bool fr_module_is_loaded(const char *root, const char *name);
const struct fr_task *fr_module_busy_task(const struct fr_module *m);
bool fr_module_is_healthy(const struct fr_module *m, int leaving);
bool fr_module_refs_unexplained(const struct fr_module *m);
const char *fr_state_name(enum fr_state state);
const char *fr_exec_name(enum fr_exec what);
/* Why the kernel may refuse any module: sysctl modules_disabled, lockdown. */
enum fr_load_policy { FR_LOAD_OPEN, FR_LOAD_DISABLED, FR_LOAD_LOCKDOWN };
enum fr_load_policy fr_load_policy(const char *root);

/* tasks.c */
int fr_tasks_scan(const char *root, struct fr_module **mods, int n);
int fr_stack_line_in_module(const char *line, const char *name);
bool fr_stack_own_thread(const char *stack, const char *name);

/* kmsg.c */
int fr_kmsg_record_parse(const char *rec, size_t len, char *msg, size_t size);
typedef void (*fr_kmsg_fn)(const char *msg, void *data);
int fr_kmsg_drain(int fd, fr_kmsg_fn fn, void *data);

/* helperlog.c */
enum fr_line_kind {
	FR_LINE_OTHER,		/* a helper line we do not interpret */
	FR_LINE_REPAIR,		/* "state S -> live, refcount A -> B, exit E -> F; ..." */
	FR_LINE_HEALTHY,	/* "healthy (...), nothing to do" */
	FR_LINE_TASK,		/* "task PID (COMM) may be executing its code" */
	FR_LINE_HOLDER,		/* "used by module M, ..." */
	FR_LINE_USER,		/* "user: ..." (check mode, or a rescue refusing) */
	FR_LINE_CHECK,		/* "check: ..." (check mode) */
	FR_LINE_USERS,		/* "has N real user(s), refusing ..." (rescue) */
	FR_LINE_LEFTOVER,	/* "leftover: KIND OBJECT -> ACTION": text is what
				 * follows "leftover: " (fr_leftover_parse()) */
	FR_LINE_UNDONE,		/* "unregistered filesystem X" and the like */
	FR_LINE_LEFTOVERS,	/* "cannot undo N leftover(s), refusing ..." */
	FR_LINE_LEFTOVERS_LEFT,	/* "left N leftover(s) registered (leftovers=force)" */
	FR_LINE_ERROR,		/* any other line naming a module */
	FR_LINE_REFS,		/* "references N: ..." (blockusers.h: fr_refs_line_parse()) */
	FR_LINE_REFERENCE,	/* "reference: pointer to S (KIND) from W": text is
				 * what follows "reference: " */
};

struct fr_line {
	enum fr_line_kind kind;
	char name[FR_NAME_MAX];	/* "" for lines that name no module */
	char text[FR_TEXT_MAX];	/* after "NAME: " */
	char state_before[16];	/* FR_LINE_REPAIR */
	int refs_before, refs_after;
	char exit_before[8], exit_after[8];
	int pid;		/* FR_LINE_TASK */
	char comm[32];
	char holder[FR_NAME_MAX]; /* FR_LINE_HOLDER */
	int users;		/* FR_LINE_CHECK: "users N", -1 if absent;
				 * FR_LINE_USERS: N */
	int leftovers;		/* FR_LINE_LEFTOVERS, FR_LINE_LEFTOVERS_LEFT: N */
};
int fr_helper_line_parse(const char *msg, struct fr_line *line);

/* helper.c */
int fr_helper_find(const char *root, const char *release, char *path, size_t size);
/* The helper as init_module(2) wants it: the file mapped, or decompressed. */
struct fr_image {
	void *data;
	size_t len;
	bool mapped;		/* munmap() it, else free() */
};
int fr_helper_read(const char *path, struct fr_image *img);
void fr_image_release(struct fr_image *img);
int fr_image_decompress(const void *in, size_t len, void **out, size_t *outlen);
int fr_helper_version(const void *image, size_t len, char *version, size_t size);

/* kernel.c */
int fr_kmsg_open(const char *root);
int fr_helper_load(const void *image, size_t len, const char *params);
int fr_module_remove(const char *name);

/* output.c */
enum fr_result {
	FR_RESULT_PENDING,
	FR_RESULT_REMOVED,
	FR_RESULT_WOULD_REMOVE,	/* --dry-run */
	FR_RESULT_REFUSED,
	FR_RESULT_FAILED,
	FR_RESULT_NOT_LOADED,
	FR_RESULT_INVALID,
	FR_RESULT_SKIPPED,	/* another name was invalid: nothing was done */
};

enum fr_action { FR_ACTION_NONE, FR_ACTION_UNLOAD, FR_ACTION_RESCUE };

/*
 * What is known of a target's real users (open files, mounts, sockets), one
 * state machine:
 *
 *   UNKNOWN --(references explained by holders)---------------> KNOWN (none)
 *   UNKNOWN --(unexplained: fr_decide)--> WANTED
 *   WANTED --(kernel log readable, no --force, no --dry-run)--> IN_RESCUE
 *   WANTED --(check mode: "check: ... users N")--> COUNTED --(judged)--> KNOWN
 *   IN_RESCUE --("has N real user(s)", judged; or the load went on)--> KNOWN
 *
 * Only KNOWN is reported as a list (maybe empty); any other state is "not
 * checked" (JSON null).  WANTED and COUNTED targets are the check mode's,
 * and with --dry-run those whose exit a rescue replaces (leftovers_wanted):
 * the check mode lists what they left registered.
 */
enum fr_users {
	FR_USERS_UNKNOWN,
	FR_USERS_WANTED,	/* references unexplained: look for users */
	FR_USERS_IN_RESCUE,	/* the rescue load looks for them (users=refuse) */
	FR_USERS_COUNTED,	/* the check mode counted them: users_total */
	FR_USERS_KNOWN,		/* users[] lists them (users_total in all) */
};

/* One named module through the whole run. */
struct fr_target {
	char arg[FR_TEXT_MAX];	/* as given */
	char name[FR_NAME_MAX];
	bool cascaded;		/* added by --cascade, not named */
	bool loaded;
	struct fr_module mod;	/* diagnosis before anything changed */
	enum fr_users users_state;
	char users[FR_MAX_USERS][FR_TEXT_MAX];
	int nr_users;
	int users_total;	/* the helper's count (COUNTED, KNOWN) */
	struct fr_refs refs;	/* the helper's account of its references */
	bool refs_known;
	struct fr_block_use block_uses[FR_MAX_BLOCK_USES];	/* its disks' users */
	int nr_block_uses;
	struct fr_leftover leftovers[FR_MAX_LEFTOVERS];	/* left registered */
	int nr_leftovers;
	char reference[FR_TEXT_MAX];	/* the first pointer the scan named */
	bool leftovers_wanted;	/* --dry-run: the check mode lists them */
	enum fr_action action;
	bool exit_replaced;
	enum fr_result result;
	char error[FR_TEXT_MAX];
};

const char *fr_result_name(enum fr_result result);
const char *fr_action_name(enum fr_action action);
void fr_report_line(FILE *out, const struct fr_target *t);
void fr_report_json(FILE *out, const struct fr_target *t, int n);
void fr_report_refs(FILE *out, const struct fr_target *t);
void fr_report_leftovers(FILE *out, const struct fr_target *t);
void fr_json_string(FILE *out, const char *s);

#endif
