// SPDX-License-Identifier: GPL-2.0
/*
 * force-rmmod MODULE...: diagnose stuck modules, rescue them with
 * force_rmmod.ko, remove them, remove the helper, verify.  main() below is
 * the sequence of steps; the mechanisms are in the other files (see fr.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "fr.h"
#include "../module/version.h"

#define FR_LOCK_PATH	"/run/force-rmmod.lock"

enum fr_status {
	FR_EXIT_OK = 0,
	FR_EXIT_NOT_REMOVED = 1,
	FR_EXIT_USAGE = 2,
	FR_EXIT_HELPER = 3,
};

static const char *prog = "force-rmmod";

static struct {
	bool dry_run, json, cascade, force;
	int verbose;		/* -1 -q, 0, 1 -v */
	const char *exit_mode;
	const char *helper;
} opt = { .exit_mode = "auto" };

static struct fr_target *targets;
static int nr_targets;
static enum fr_status status = FR_EXIT_OK;

/* The helper's image, read once. */
static void *helper_image;
static size_t helper_len;
static int helper_err;		/* 0, or why it is unavailable */
static bool helper_tried;
/* The rescue load itself refuses and names real users (users=refuse). */
static bool users_in_rescue;

/* ---- messages ------------------------------------------------------------ */

static void fr_log(const char *level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void fr_log(const char *level, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s: ", prog, level);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

#define ERR(...)	fr_log("ERROR", __VA_ARGS__)
#define WARN(...)	do { if (opt.verbose >= 0) fr_log("WARNING", __VA_ARGS__); } while (0)
#define INFO(...)	do { if (opt.verbose > 0) fr_log("INFO", __VA_ARGS__); } while (0)

static void fr_raise(enum fr_status s)
{
	if (s > status)
		status = s;
}

/* Mark @t as not removed, with a reason on stderr and in the report. */
static void fr_fail(struct fr_target *t, enum fr_result result, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fr_fail(struct fr_target *t, enum fr_result result, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->error, sizeof(t->error), fmt, ap);
	va_end(ap);
	t->result = result;
	if (result != FR_RESULT_INVALID)
		t->action = "none";
	ERR("%s: %s", t->name[0] ? t->name : t->arg, t->error);
	fr_raise(result == FR_RESULT_INVALID ? FR_EXIT_USAGE : FR_EXIT_NOT_REMOVED);
}

/* Kernel errnos in words a user understands (kmod's mod_strerror). */
static const char *fr_strerror(int err)
{
	switch (err) {
	case EPERM:
		return "operation not permitted (needs root with CAP_SYS_MODULE; "
		       "module loading may be disabled or the kernel locked down)";
	case ENOEXEC:
		return "invalid module format (built for another kernel?)";
	case EKEYREJECTED:
	case ENOKEY:
		return "module signature rejected (sign it with a key this kernel trusts, e.g. the DKMS MOK)";
	case EEXIST:
		return "a force_rmmod module is already loaded";
	default:
		return strerror(err);
	}
}

/* ---- usage ----------------------------------------------------------------- */

static void fr_help(FILE *out)
{
	fprintf(out,
"Usage: %s [OPTIONS] MODULE...\n"
"Remove kernel modules that rmmod refuses: diagnose each one, rescue the stuck\n"
"ones with the force_rmmod helper module, remove them, remove the helper and\n"
"verify that everything is gone.\n"
"\n"
"A healthy module (live, refcount 0, no holders) is removed with a plain rmmod;\n"
"its own exit runs and no helper is loaded.  A module is refused, unchanged,\n"
"when another module depends on it (see --cascade), when a task is executing\n"
"its code (a hung init or exit; the PID is named) or when the kernel sees real\n"
"users of it: open files it provides, mounted filesystems of its type, sockets\n"
"(see --force).  The helper looks for users itself and refuses the modules that\n"
"have any; when the kernel log cannot be read to name them, its check mode is\n"
"loaded first, which changes nothing.  Every forced repair taints the kernel\n"
"with 'R'.\n"
"\n"
"Options:\n"
"  -n, --dry-run      diagnose only, change no module: print each module's state,\n"
"                     refcount, holders, exit function, tasks, users and what\n"
"                     would be done (users are looked for as in a real run,\n"
"                     with the helper's check mode)\n"
"      --json         print one JSON document on stdout: an array of objects\n"
"                     (name, state, refcount, holders, has_exit, tasks, users,\n"
"                     action, result, error); messages stay on stderr\n"
"      --cascade      also remove the modules that depend on MODULE, dependents\n"
"                     first\n"
"      --force        DANGEROUS: rescue a module even though the kernel reports\n"
"                     real users of it; they will use freed code\n"
"      --exit=MODE    auto (default): replace a missing or crashed exit; keep:\n"
"                     always keep the module's own exit; stub: always replace it\n"
"      --helper=PATH  the force_rmmod module to use (.ko, .ko.xz, .ko.zst,\n"
"                     .ko.gz); default: force_rmmod as installed for the running\n"
"                     kernel (modules index under /lib/modules/RELEASE)\n"
"  -q, --quiet        no per-module report lines and no warnings; errors stay\n"
"  -v, --verbose      say what is done, and copy the helper's kernel log lines\n"
"  -h, --help         this text\n"
"  -V, --version      the version\n"
"\n"
"Names: '-' and '_' are the same; duplicates count once.  Runs are serialised\n"
"with a lock on " FR_LOCK_PATH ".\n"
"\n"
"Exit status:\n"
"  0  every named module was loaded and is now removed (--dry-run: could be)\n"
"  1  at least one module is not removed: refused, failed, or not loaded\n"
"  2  usage error, or a name that can never be unloaded (empty, too long, a\n"
"     path, built into the kernel, force_rmmod itself); nothing was changed\n"
"  3  the helper module is unavailable or the kernel refused to load it (not\n"
"     installed for this kernel release, lockdown, no CAP_SYS_MODULE)\n",
		prog);
}

static int fr_parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "cascade", no_argument, NULL, 'c' },
		{ "force", no_argument, NULL, 'f' },
		{ "exit", required_argument, NULL, 'e' },
		{ "helper", required_argument, NULL, 'H' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "nqvhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			opt.dry_run = true;
			break;
		case 'j':
			opt.json = true;
			break;
		case 'c':
			opt.cascade = true;
			break;
		case 'f':
			opt.force = true;
			break;
		case 'e':
			if (strcmp(optarg, "auto") && strcmp(optarg, "keep") &&
			    strcmp(optarg, "stub")) {
				ERR("--exit=%s: expected auto, keep or stub", optarg);
				return -1;
			}
			opt.exit_mode = optarg;
			break;
		case 'H':
			opt.helper = optarg;
			break;
		case 'q':
			opt.verbose = -1;
			break;
		case 'v':
			opt.verbose = 1;
			break;
		case 'h':
			fr_help(stdout);
			exit(0);
		case 'V':
			printf("%s %s\n", prog, FORCE_RMMOD_VERSION);
			exit(0);
		default:
			fprintf(stderr, "Try '%s --help'.\n", prog);
			return -1;
		}
	}
	if (optind >= argc) {
		ERR("no module named");
		fprintf(stderr, "Try '%s --help'.\n", prog);
		return -1;
	}
	return 0;
}

/* ---- targets ------------------------------------------------------------- */

static struct fr_target *fr_find_target(const char *name)
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
static void fr_validate_names(int argc, char **argv)
{
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
	}
}

/* Step 2 (under the lock): built-in modules abort, unloaded ones are reported. */
static void fr_classify(void)
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

/* One lock for all runs: a second run waits, then sees the new state. */
static int fr_lock(void)
{
	int fd = open(FR_LOCK_PATH, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		INFO("waiting for another force-rmmod to finish (%s)", FR_LOCK_PATH);
		if (flock(fd, LOCK_EX) < 0) {
			int err = -errno;

			close(fd);
			return err;
		}
	}
	return fd;
}

/* Step 3: a helper left loaded by an earlier run goes first. */
static void fr_remove_leftover_helper(void)
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

/* Step 4: diagnose every loaded target; with --cascade add its holders. */
static void fr_diagnose(void)
{
	struct fr_module **mods;
	bool scan = false;
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
			d = fr_add_target(t->mod.holders[h]);
			strcpy(d->name, t->mod.holders[h]);
			d->cascaded = true;
			d->loaded = true;
			t = &targets[i];	/* fr_add_target moved the array */
			INFO("%s: depends on %s, added by --cascade", d->name, t->name);
		}
	}

	/*
	 * Tasks executing their code: every thread's stack read once for all.
	 * Reading them all is slow, so a real run only looks when an init or
	 * exit may still run (a module coming or going); in a live module a
	 * task is found by the rescue load itself, which names it.
	 */
	mods = calloc(nr_targets + 1, sizeof(*mods));
	if (!mods) {
		ERR("out of memory");
		exit(FR_EXIT_NOT_REMOVED);
	}
	for (int i = 0; i < nr_targets; i++) {
		if (!targets[i].loaded)
			continue;
		mods[n++] = &targets[i].mod;
		if (targets[i].mod.state != FR_STATE_LIVE)
			scan = true;
	}
	if (n && (scan || opt.dry_run) && fr_tasks_scan("", mods, n))
		WARN("cannot read /proc: tasks executing a module's code are left to the helper to find");
	free(mods);
}

/* Holders of @t that are targets not yet removed. */
static int fr_pending_holders(const struct fr_target *t)
{
	int n = 0;

	for (int h = 0; h < t->mod.nr_holders; h++) {
		struct fr_target *d = fr_find_target(t->mod.holders[h]);

		if (d && d->result != FR_RESULT_REMOVED)
			n++;
	}
	return n;
}

static bool fr_pending(const struct fr_target *t)
{
	return t->loaded && t->result == FR_RESULT_PENDING;
}

/* Step 5: refuse what must not be touched; decide unload or rescue. */
static void fr_propagate_refusals(void);

static void fr_decide(void)
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
static void fr_propagate_refusals(void)
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

/* ---- the helper ------------------------------------------------------------ */

static int fr_helper_get(void)
{
	char path[4096];
	struct utsname u;

	if (helper_tried)
		return helper_err;
	helper_tried = true;
	uname(&u);
	if (opt.helper) {
		snprintf(path, sizeof(path), "%s", opt.helper);
	} else if ((helper_err = fr_helper_find("", u.release, path, sizeof(path)))) {
		ERR("the helper module force_rmmod is not installed for Linux %s: install the force-rmmod-dkms package (it builds the module for each kernel with its headers), or give --helper PATH",
		    u.release);
		return helper_err;
	}
	helper_err = fr_helper_read(path, &helper_image, &helper_len);
	if (helper_err)
		ERR("cannot use the helper module %s: %s", path,
		    helper_err == -ENOEXEC ? "not a kernel module (.ko, .ko.xz, .ko.zst or .ko.gz)" :
		    helper_err == -EBADMSG ? "corrupt compressed data" :
		    strerror(-helper_err));
	else
		INFO("helper module: %s", path);
	return helper_err;
}

struct fr_helper_run {
	char params[8192];
	int nr_named;
	int refused;		/* targets refused by the helper's lines */
};

/*
 * @t's users are known (its "user:" lines and their count): a target with
 * users is refused, unless --force.
 */
static void fr_judge_users(struct fr_target *t)
{
	t->users_known = true;
	if (t->users_counted > t->nr_users && t->nr_users < FR_MAX_USERS)
		snprintf(t->users[t->nr_users++], FR_TEXT_MAX, "%d user(s) in all",
			 t->users_counted);
	if (!t->nr_users)
		return;
	if (opt.force) {
		WARN("%s: rescued despite %d user(s) (--force): %s", t->name,
		     t->nr_users, t->users[0]);
		return;
	}
	fr_fail(t, FR_RESULT_REFUSED, "in use: %s%s (stop it, or use --force)",
		t->users[0], t->nr_users > 1 ? ", and more" : "");
}

/* A line from the helper: remember what it says about each target. */
static void fr_helper_line(const char *msg, void *data)
{
	struct fr_helper_run *run = data;
	struct fr_line line;
	struct fr_target *t;

	if (fr_helper_line_parse(msg, &line))
		return;
	if (opt.verbose > 0)
		fprintf(stderr, "%s: kernel: %s\n", prog, msg);
	t = line.name[0] ? fr_find_target(line.name) : NULL;
	if (!t || !fr_pending(t))
		return;
	switch (line.kind) {
	case FR_LINE_REPAIR:
		t->exit_replaced = strcmp(line.exit_before, line.exit_after) != 0;
		break;
	case FR_LINE_USER:
		if (t->nr_users < FR_MAX_USERS)
			snprintf(t->users[t->nr_users++], FR_TEXT_MAX, "%s", line.text);
		break;
	case FR_LINE_CHECK:
		t->users_counted = line.users;
		break;
	case FR_LINE_USERS:	/* a rescue refused it: the users are named above */
		t->users_counted = line.users;
		fr_judge_users(t);
		if (fr_pending(t))
			fr_fail(t, FR_RESULT_REFUSED, "%s", line.text);
		run->refused++;
		break;
	case FR_LINE_TASK:
		if (t->mod.nr_tasks < FR_MAX_TASKS) {
			struct fr_task *task = &t->mod.tasks[t->mod.nr_tasks++];

			task->pid = line.pid;
			snprintf(task->comm, sizeof(task->comm), "%s", line.comm);
			strcpy(task->what, "code");
		}
		fr_fail(t, FR_RESULT_REFUSED, "task %d (%s) may be executing its code",
			line.pid, line.comm);
		run->refused++;
		break;
	case FR_LINE_HOLDER:
		/* A holder we remove first is no reason to refuse. */
		if (fr_find_target(line.holder) && fr_pending(fr_find_target(line.holder)))
			break;
		fr_fail(t, FR_RESULT_REFUSED, "used by module %s", line.holder);
		run->refused++;
		break;
	case FR_LINE_ERROR:
		fr_fail(t, FR_RESULT_REFUSED, "%s", line.text);
		run->refused++;
		break;
	default:
		break;
	}
}

/*
 * Does pending target @t take part in a call for @action: "unload",
 * "rescue", "check" (its users must be looked for) or NULL (every one)?
 */
static bool fr_selected(const struct fr_target *t, const char *action)
{
	if (!fr_pending(t))
		return false;
	if (!action)
		return true;
	if (!strcmp(action, "check"))
		return t->needs_check;
	return !strcmp(t->action, action);
}

/* Load the helper for the pending targets of @action; -errno as init_module. */
static int fr_helper_call(const char *action, bool check, int *refused)
{
	struct fr_helper_run run = { .params = "modname=" };
	size_t used = strlen(run.params);
	int fd, err;

	for (int i = 0; i < nr_targets; i++) {
		struct fr_target *t = &targets[i];

		if (!fr_selected(t, action))
			continue;
		used += snprintf(run.params + used, sizeof(run.params) - used, "%s%s",
				 run.nr_named ? "," : "", t->name);
		run.nr_named++;
	}
	*refused = 0;
	if (!run.nr_named)
		return 0;
	snprintf(run.params + used, sizeof(run.params) - used, " exit=%s%s%s",
		 opt.exit_mode, check ? " check=1" : "",
		 opt.force ? " users=ignore" : "");
	INFO("loading the helper: %s", run.params);

	fd = fr_kmsg_open();
	if (fd < 0)
		WARN("cannot read the kernel log (/dev/kmsg): %s", strerror(-fd));
	err = fr_helper_load(helper_image, helper_len, run.params);
	if (fd >= 0) {
		fr_kmsg_drain(fd, fr_helper_line, &run);
		close(fd);
	}
	*refused = run.refused;
	return err;
}

/* Mark every pending @action target as failed because of the helper. */
static void fr_helper_failed(const char *action, const char *why)
{
	for (int i = 0; i < nr_targets; i++)
		if (fr_pending(&targets[i]) && !strcmp(targets[i].action, action))
			fr_fail(&targets[i], FR_RESULT_FAILED, "%s", why);
	fr_raise(FR_EXIT_HELPER);
	fr_propagate_refusals();
}

static bool fr_any_pending(const char *action)
{
	for (int i = 0; i < nr_targets; i++)
		if (fr_selected(&targets[i], action))
			return true;
	return false;
}

/*
 * Step 6: real users, as the kernel sees them.  Only targets with references
 * nobody accounts for are looked at: an open file, a mount or a socket
 * always holds a reference (fops_get(), get_filesystem(), the socket's
 * owner), so a reference count explained by holders (and by the dead loader
 * of a module stuck coming) means no user.
 *
 * The rescue load looks for them itself: with users=refuse the helper logs
 * each target's users and refuses the load, and fr_rescue() loads it again
 * for the others.  So a rescue is one load, when the kernel log can be read
 * to learn who the users are.  Otherwise (the log hidden, --dry-run, --force
 * that still names the users, an old helper) the helper in check mode
 * reports first, validating like a rescue and refusing to stay (ECANCELED).
 */
static void fr_check_users(void)
{
	int err, refused, kmsg;

	for (int i = 0; i < nr_targets; i++) {
		struct fr_target *t = &targets[i];

		if (fr_pending(t) && !t->needs_check) {
			t->users_known = true;
			t->users_counted = 0;
		}
	}
	if (!fr_any_pending("check"))
		return;
	if (fr_helper_get()) {
		fr_helper_failed("rescue", "the helper module is unavailable");
		return;
	}
	if (!opt.dry_run && !opt.force &&
	    fr_helper_has_param(helper_image, helper_len, "users")) {
		kmsg = fr_kmsg_open();
		if (kmsg >= 0) {
			close(kmsg);
			users_in_rescue = true;
			return;
		}
	}
	if (!fr_helper_has_param(helper_image, helper_len, "check")) {
		if (opt.force) {
			WARN("this force_rmmod has no check mode: real users not looked for (--force)");
			return;
		}
		fr_helper_failed("rescue",
				 "this force_rmmod has no check mode, so users cannot be looked for; update it, or use --force");
		return;
	}
	do {
		err = fr_helper_call("check", true, &refused);
		if (!err) {
			/* It stayed: it did not honour check=1 and repaired. */
			fr_module_remove(FR_HELPER_NAME);
			fr_helper_failed("rescue", "the helper ignored check=1");
			return;
		}
	} while (err != -ECANCELED && refused && fr_any_pending("check"));
	if (err != -ECANCELED && fr_any_pending("check")) {
		ERR("the kernel refused the helper module: %s", fr_strerror(-err));
		fr_helper_failed("rescue", "the kernel refused the helper module");
		return;
	}
	for (int i = 0; i < nr_targets; i++) {
		struct fr_target *t = &targets[i];

		if (!fr_selected(t, "check"))
			continue;
		/* No report on it (log unreadable, lines lost): users unknown. */
		if (t->users_counted < 0) {
			if (opt.force) {
				WARN("%s: the helper's check did not report on it; going on (--force)",
				     t->name);
				continue;
			}
			fr_fail(t, FR_RESULT_REFUSED,
				"its users could not be checked (no report from the helper in the kernel log); use --force to go on");
			continue;
		}
		fr_judge_users(t);
	}
	fr_propagate_refusals();
}

/* ---- removal --------------------------------------------------------------- */

/* Remove every pending target whose holders are gone, dependents first. */
static void fr_remove_ready(const char *action)
{
	bool progress;

	do {
		progress = false;
		for (int i = 0; i < nr_targets; i++) {
			struct fr_target *t = &targets[i];
			int err;

			if (!fr_pending(t) || strcmp(t->action, action) ||
			    fr_pending_holders(t))
				continue;
			err = fr_module_remove(t->name);
			if (err) {
				fr_fail(t, FR_RESULT_FAILED, "rmmod failed: %s%s",
					fr_strerror(-err),
					strcmp(action, "rescue") ? "" :
					" (the helper holds nothing: try rmmod again)");
				continue;
			}
			INFO("%s: removed", t->name);
			t->result = FR_RESULT_REMOVED;
			progress = true;
		}
	} while (progress);
	fr_propagate_refusals();
}

/* Step 7: plain rmmod for the healthy ones; those waiting for a stuck holder go with the rescue. */
static void fr_unload_healthy(void)
{
	bool progress;

	/* Holders first: only move an "unload" whose holders are gone. */
	do {
		progress = false;
		for (int i = 0; i < nr_targets; i++) {
			struct fr_target *t = &targets[i];
			int err;

			if (!fr_pending(t) || strcmp(t->action, "unload") ||
			    fr_pending_holders(t))
				continue;
			err = fr_module_remove(t->name);
			if (!err) {
				t->result = FR_RESULT_REMOVED;
				INFO("%s: removed with a plain rmmod", t->name);
				progress = true;
			} else {
				/* Changed since the diagnosis: never force it unseen. */
				fr_fail(t, FR_RESULT_FAILED, "rmmod failed: %s (it changed meanwhile; run again)",
					fr_strerror(-err));
			}
		}
	} while (progress);
	fr_propagate_refusals();
	for (int i = 0; i < nr_targets; i++)
		if (fr_pending(&targets[i]) && !strcmp(targets[i].action, "unload"))
			targets[i].action = "rescue";	/* waits for a stuck holder */
}

/* Step 8: load the helper once for the rest, remove them, remove the helper. */
static void fr_rescue(void)
{
	int err, refused;

	if (!fr_any_pending("rescue"))
		return;
	if (fr_helper_get()) {
		fr_helper_failed("rescue", "the helper module is unavailable");
		return;
	}
	for (;;) {
		err = fr_helper_call("rescue", false, &refused);
		if (!err || !refused || !fr_any_pending("rescue"))
			break;
		fr_propagate_refusals();
	}
	if (err) {
		if (fr_any_pending("rescue")) {
			ERR("the kernel refused the helper module: %s", fr_strerror(-err));
			fr_helper_failed("rescue", "the kernel refused the helper module");
		}
		return;
	}
	/* It stayed, so it found no user of any target it was given. */
	for (int i = 0; i < nr_targets; i++)
		if (users_in_rescue && fr_selected(&targets[i], "check")) {
			targets[i].users_known = true;
			targets[i].users_counted = 0;
		}
	fr_remove_ready("rescue");
	err = fr_module_remove(FR_HELPER_NAME);
	if (err)
		ERR("the helper could not be removed: %s; finish with: rmmod %s",
		    fr_strerror(-err), FR_HELPER_NAME);
}

/* Step 9: what the kernel says now, not what we believe. */
static void fr_verify(void)
{
	for (int i = 0; i < nr_targets; i++) {
		struct fr_target *t = &targets[i];

		if (t->result == FR_RESULT_REMOVED && fr_module_is_loaded("", t->name))
			fr_fail(t, FR_RESULT_FAILED, "still in /proc/modules after rmmod");
	}
	if (fr_module_is_loaded("", FR_HELPER_NAME) && !opt.dry_run && helper_tried) {
		ERR("the helper %s is still loaded; finish with: rmmod %s",
		    FR_HELPER_NAME, FR_HELPER_NAME);
		fr_raise(FR_EXIT_NOT_REMOVED);
	}
}

/* --dry-run: what would happen to each module still pending. */
static void fr_dry_run(void)
{
	fr_check_users();
	for (int i = 0; i < nr_targets; i++)
		if (fr_pending(&targets[i]))
			targets[i].result = FR_RESULT_WOULD_REMOVE;
}

static void fr_report(void)
{
	if (opt.json) {
		fr_report_json(stdout, targets, nr_targets);
		return;
	}
	if (opt.verbose < 0)
		return;
	for (int i = 0; i < nr_targets; i++)
		fr_report_line(stdout, &targets[i]);
}

static bool fr_any_invalid(void)
{
	for (int i = 0; i < nr_targets; i++)
		if (targets[i].result == FR_RESULT_INVALID)
			return true;
	return false;
}

int main(int argc, char **argv)
{
	int lock;

	if (fr_parse_args(argc, argv))
		return FR_EXIT_USAGE;
	fr_validate_names(argc - optind, argv + optind);
	if (fr_any_invalid())
		goto out_report;

	lock = fr_lock();
	if (lock < 0 && opt.dry_run) {
		WARN("cannot take the lock %s: %s; diagnosing without it", FR_LOCK_PATH,
		     strerror(-lock));
	} else if (lock < 0) {
		/* Not root: nothing could be loaded or removed either. */
		bool denied = lock == -EACCES || lock == -EPERM || lock == -EROFS;

		ERR("cannot take the lock %s: %s%s", FR_LOCK_PATH, strerror(-lock),
		    denied ? " (force-rmmod must run as root)" : "");
		return denied ? FR_EXIT_HELPER : FR_EXIT_NOT_REMOVED;
	}
	fr_classify();
	if (fr_any_invalid())
		goto out_report;
	fr_remove_leftover_helper();
	fr_diagnose();
	fr_decide();
	if (opt.dry_run) {
		fr_dry_run();
		goto out_report;
	}
	fr_check_users();
	fr_unload_healthy();
	fr_rescue();
	fr_verify();

out_report:
	for (int i = 0; i < nr_targets; i++) {
		struct fr_target *t = &targets[i];

		if (t->result != FR_RESULT_PENDING)
			continue;
		if (fr_any_invalid()) {
			t->result = FR_RESULT_SKIPPED;
			t->loaded = false;	/* facts not read, or not to be shown */
			snprintf(t->error, sizeof(t->error), "skipped: another name is invalid");
		} else {
			fr_fail(t, FR_RESULT_FAILED, "not handled");
		}
	}
	fr_report();
	free(helper_image);
	free(targets);
	return status;
}
