// SPDX-License-Identifier: GPL-2.0
/*
 * The steps of force-rmmod that change the kernel: real users looked for,
 * the healthy modules unloaded plainly, the helper loaded once for the rest,
 * its kernel log lines read, the targets removed (dependents first), the
 * helper removed, and the result checked in /proc/modules.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cli.h"

/* The helper's image, read once. */
static struct fr_image helper_image;
static int helper_err;		/* 0, or why it is unavailable */
static bool helper_tried;
/* The rescue load itself refuses and names real users (users=refuse). */
static bool users_in_rescue;

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
	helper_err = fr_helper_read(path, &helper_image);
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
	char params[FR_MAX_TARGETS * FR_NAME_MAX + 64];
	struct fr_target *named[FR_MAX_TARGETS];
	int nr_named;
	int refused;		/* targets refused by the helper's lines */
	int refused_users;	/* of them, for their users */
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
		fprintf(stderr, "%s: kernel: %s\n", FR_PROG, msg);
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
		run->refused_users++;
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

	/* At most FR_MAX_TARGETS names (fr_validate_names, fr_diagnose): they fit. */
	for (int i = 0; i < nr_targets && run.nr_named < FR_MAX_TARGETS; i++) {
		struct fr_target *t = &targets[i];

		if (!fr_selected(t, action))
			continue;
		used += snprintf(run.params + used, sizeof(run.params) - used, "%s%s",
				 run.nr_named ? "," : "", t->name);
		run.named[run.nr_named++] = t;
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
	err = fr_helper_load(helper_image.data, helper_image.len, run.params);
	if (fd >= 0) {
		fr_kmsg_drain(fd, fr_helper_line, &run);
		close(fd);
	}
	/*
	 * A rescue looks for users before anything else and stops there if it
	 * finds any: refused for another reason, none of them had users.
	 */
	if (users_in_rescue && !check && run.refused && !run.refused_users)
		for (int i = 0; i < run.nr_named; i++)
			if (!run.named[i]->users_known) {
				run.named[i]->users_known = true;
				run.named[i]->users_counted = 0;
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
void fr_check_users(void)
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
	    fr_helper_has_param(helper_image.data, helper_image.len, "users")) {
		kmsg = fr_kmsg_open();
		if (kmsg >= 0) {
			close(kmsg);
			users_in_rescue = true;
			return;
		}
	}
	if (!fr_helper_has_param(helper_image.data, helper_image.len, "check")) {
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
		ERR("the kernel refused the helper module: %s", fr_load_strerror(-err));
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

/*
 * Remove every pending @action target ("unload" or "rescue") whose holders
 * are gone, dependents first.
 */
static void fr_remove_ready(const char *action)
{
	bool plain = !strcmp(action, "unload");
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
				/* A plain unload failing: it changed since the diagnosis. */
				fr_fail(t, FR_RESULT_FAILED, "rmmod failed: %s (%s)",
					fr_strerror(-err), plain ?
					"it changed meanwhile; run again" :
					"the helper holds nothing: try rmmod again");
				continue;
			}
			INFO("%s: removed%s", t->name, plain ? " with a plain rmmod" : "");
			t->result = FR_RESULT_REMOVED;
			progress = true;
		}
	} while (progress);
	fr_propagate_refusals();
}

/*
 * Step 7: plain rmmod for the healthy ones (never forced unseen); those
 * waiting for a stuck holder go with the rescue.
 */
void fr_unload_healthy(void)
{
	fr_remove_ready("unload");
	for (int i = 0; i < nr_targets; i++)
		if (fr_pending(&targets[i]) && !strcmp(targets[i].action, "unload"))
			targets[i].action = "rescue";	/* waits for a stuck holder */
}

/* Step 8: load the helper once for the rest, remove them, remove the helper. */
void fr_rescue(void)
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
	if (err == -EBUSY) {
		/* The helper refused (tasks, holders, users), but said nothing we read. */
		for (int i = 0; i < nr_targets; i++)
			if (fr_selected(&targets[i], "rescue"))
				fr_fail(&targets[i], FR_RESULT_REFUSED,
					"the helper refused it, and its reasons are not in the kernel log (see dmesg)");
		fr_propagate_refusals();
		return;
	}
	if (err) {
		if (fr_any_pending("rescue")) {
			ERR("the kernel refused the helper module: %s", fr_load_strerror(-err));
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
void fr_verify(void)
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
void fr_dry_run(void)
{
	fr_check_users();
	for (int i = 0; i < nr_targets; i++)
		if (fr_pending(&targets[i]))
			targets[i].result = FR_RESULT_WOULD_REMOVE;
}


void fr_helper_release(void)
{
	fr_image_release(&helper_image);
}
