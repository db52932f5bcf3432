// SPDX-License-Identifier: GPL-2.0
/*
 * One load of the helper for a selection of targets (call.h): its image
 * found, read and checked against this command's version; its parameters
 * written from the contract (src/module/contract.h); its kernel log lines
 * read back into each target: repairs, tasks, holders, users, refusals.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "call.h"
#include "../module/version.h"

static int fr_helper_path(const struct fr_options *opt, char *path, size_t size)
{
	struct utsname u;
	int err;

	if (opt->helper) {
		snprintf(path, size, "%s", opt->helper);
		return 0;
	}
	uname(&u);
	err = fr_helper_find(opt->root, u.release, path, size);
	if (err)
		ERR("the helper module force_rmmod is not installed for Linux %s: install the force-rmmod-dkms package (it builds the module for each kernel with its headers), or give --helper PATH",
		    u.release);
	return err;
}

/* Only a helper of this very version: the contract is not negotiated. */
static int fr_helper_check_version(const struct fr_helper *h, const char *path)
{
	char version[64];
	int err = fr_helper_version(h->image.data, h->image.len, version, sizeof(version));

	if (!err && !strcmp(version, FORCE_RMMOD_VERSION))
		return 0;
	ERR("cannot use the helper module %s: it is %s%s, and this force-rmmod is %s: install the force-rmmod-dkms package of the same version, or give --helper PATH",
	    path, err ? "of no known version" : "version ", err ? "" : version,
	    FORCE_RMMOD_VERSION);
	return -EPROTO;
}

/* The helper's image, read once; 0 or why it is unavailable (said on stderr). */
int fr_helper_get(struct fr_helper *h, const struct fr_options *opt)
{
	char path[4096];

	if (h->tried)
		return h->err;
	h->tried = true;
	h->err = fr_helper_path(opt, path, sizeof(path));
	if (h->err)
		return h->err;
	h->err = fr_helper_read(path, &h->image);
	if (h->err) {
		ERR("cannot use the helper module %s: %s", path,
		    h->err == -ENOEXEC ? "not a kernel module (.ko, .ko.xz, .ko.zst or .ko.gz)" :
		    h->err == -EBADMSG ? "corrupt compressed data" :
		    strerror(-h->err));
		return h->err;
	}
	h->err = fr_helper_check_version(h, path);
	if (!h->err)
		INFO(opt, "helper module: %s", path);
	return h->err;
}

void fr_helper_release(struct fr_helper *h)
{
	fr_image_release(&h->image);
}

/* Does pending target @t take part in a load for @call? */
bool fr_selected(const struct fr_target *t, enum fr_call call)
{
	if (!fr_pending(t))
		return false;
	if (call == FR_CALL_CHECK)
		return t->users_state == FR_USERS_WANTED || t->users_state == FR_USERS_COUNTED ||
		       t->leftovers_wanted;
	return t->action == FR_ACTION_RESCUE;
}

bool fr_any_selected(const struct fr_table *tab, enum fr_call call)
{
	for (int i = 0; i < tab->n; i++)
		if (fr_selected(&tab->t[i], call))
			return true;
	return false;
}

/* Mark every pending rescue as failed because of the helper. */
void fr_helper_failed(struct fr_table *tab, const char *why)
{
	for (int i = 0; i < tab->n; i++)
		if (fr_pending(&tab->t[i]) && tab->t[i].action == FR_ACTION_RESCUE)
			fr_fail(tab, &tab->t[i], FR_RESULT_FAILED, "%s", why);
	fr_raise(tab, FR_STATUS_HELPER);
	fr_propagate_refusals(tab);
}

/*
 * @t's users are known (its "user:" lines and their count): a target with
 * users is refused, unless --force.
 */
void fr_judge_users(struct fr_table *tab, const struct fr_options *opt,
		    struct fr_target *t)
{
	t->users_state = FR_USERS_KNOWN;
	if (t->users_total > t->nr_users && t->nr_users < FR_MAX_USERS)
		snprintf(t->users[t->nr_users++], FR_TEXT_MAX, "%d user(s) in all",
			 t->users_total);
	if (!t->nr_users)
		return;
	if (opt->force) {
		WARN(opt, "%s: rescued despite %d user(s) (--force): %s", t->name,
		     t->nr_users, t->users[0]);
		return;
	}
	fr_fail(tab, t, FR_RESULT_REFUSED, "in use: %s%s (stop it, or use --force)",
		t->users[0], t->nr_users > 1 ? ", and more" : "");
}

/* One load: its parameters, the targets it names, what its lines said. */
struct fr_load {
	struct fr_table *tab;
	const struct fr_options *opt;
	char params[FR_MAX_TARGETS * FR_NAME_MAX + 96];
	struct fr_target *named[FR_MAX_TARGETS];
	int nr_named;
	int refused;		/* targets refused by the helper's lines */
	int refused_users;	/* of them, for their users */
};

static void fr_line_task(struct fr_load *ld, struct fr_target *t, const struct fr_line *line)
{
	if (t->mod.nr_tasks < FR_MAX_TASKS) {
		struct fr_task *task = &t->mod.tasks[t->mod.nr_tasks++];

		task->pid = line->pid;
		snprintf(task->comm, sizeof(task->comm), "%s", line->comm);
		task->what = FR_EXEC_CODE;
	}
	/* A healthy module's own threads: its exit, which will run, stops them. */
	if (t->action == FR_ACTION_UNLOAD)
		return;
	fr_fail(ld->tab, t, FR_RESULT_REFUSED, "task %d (%s) may be executing its code",
		line->pid, line->comm);
	ld->refused++;
}

/* "has N real user(s), refusing": a rescue refused it, its users named above. */
static void fr_line_users(struct fr_load *ld, struct fr_target *t, const struct fr_line *line)
{
	t->users_total = line->users;
	fr_judge_users(ld->tab, ld->opt, t);
	if (fr_pending(t))
		fr_fail(ld->tab, t, FR_RESULT_REFUSED, "%s", line->text);
	ld->refused++;
	ld->refused_users++;
}

/*
 * "user: ...": one real user.  The kernel cannot say who holds a block device
 * open; userspace adds what it sees (swap, mounts, stacked devices) to the
 * same text: "block device loop0 open (1); loop0 is mounted on /mnt (vfat)".
 */
static void fr_line_user(struct fr_load *ld, struct fr_target *t, const struct fr_line *line)
{
	char disk[FR_DISK_NAME_MAX], *text;
	int i, n, first = t->nr_block_uses;
	size_t len;

	if (t->nr_users >= FR_MAX_USERS)
		return;
	text = t->users[t->nr_users++];
	snprintf(text, FR_TEXT_MAX, "%s", line->text);
	if (fr_block_user_disk(line->text, disk))
		return;
	n = fr_block_uses(ld->opt->root, disk, &t->block_uses[first],
			  FR_MAX_BLOCK_USES - first);
	if (n <= 0)
		return;
	if (n > FR_MAX_BLOCK_USES - first)
		n = FR_MAX_BLOCK_USES - first;
	t->nr_block_uses += n;
	for (i = first; i < t->nr_block_uses; i++) {
		len = strlen(text);
		if (len + 3 >= FR_TEXT_MAX)
			break;
		strcpy(text + len, "; ");
		fr_block_use_text(&t->block_uses[i], text + len + 2, FR_TEXT_MAX - len - 2);
	}
}

/* The lines about what @t left registered (leftovers.h). */
static void fr_line_leftover(struct fr_load *ld, struct fr_target *t, const struct fr_line *line)
{
	enum fr_leftover_kind kind;
	char object[FR_LEFTOVER_OBJECT_MAX], what[FR_TEXT_MAX] = "";

	switch (line->kind) {
	case FR_LINE_LEFTOVER:
		if (t->nr_leftovers < FR_MAX_LEFTOVERS &&
		    !fr_leftover_parse(line->text, &t->leftovers[t->nr_leftovers]))
			t->nr_leftovers++;
		break;
	case FR_LINE_UNDONE:
		if (!fr_leftover_undone_parse(line->text, &kind, object, sizeof(object)))
			fr_leftover_mark_undone(t->leftovers, t->nr_leftovers, kind, object);
		break;
	case FR_LINE_LEFTOVERS:
		/* The first that cannot be undone, as the users' refusal names one. */
		for (int i = 0; i < t->nr_leftovers && !what[0]; i++)
			if (t->leftovers[i].action == FR_LEFTOVER_REFUSE)
				fr_leftover_describe(&t->leftovers[i], what, sizeof(what));
		if (!what[0])
			snprintf(what, sizeof(what), "%s", t->reference);
		fr_fail(ld->tab, t, FR_RESULT_REFUSED,
			"left registered, cannot be undone: %s%s (use --force)",
			what[0] ? what : "?", line->leftovers > 1 ? ", and more" : "");
		ld->refused++;
		break;
	default:	/* FR_LINE_LEFTOVERS_LEFT: --force left them */
		WARN(ld->opt, "%s: %s", t->name, line->text);
		break;
	}
}

/*
 * A line from the helper: remember what it says about each target.  Long
 * only because it is one flat case per kind of line.
 */
static void fr_helper_line(const char *msg, void *data)
{
	struct fr_load *ld = data;
	struct fr_line line;
	struct fr_target *t, *d;

	if (fr_helper_line_parse(msg, &line))
		return;
	if (ld->opt->verbose > 0)
		fprintf(stderr, "%s: kernel: %s\n", FR_PROG, msg);
	t = line.name[0] ? fr_table_find(ld->tab, line.name) : NULL;
	if (!t || !fr_pending(t))
		return;
	switch (line.kind) {
	case FR_LINE_REPAIR:
		t->exit_replaced = strcmp(line.exit_before, line.exit_after) != 0;
		break;
	case FR_LINE_USER:
		fr_line_user(ld, t, &line);
		break;
	case FR_LINE_REFS:
		t->refs_known = !fr_refs_line_parse(line.text, &t->refs);
		break;
	case FR_LINE_LEFTOVER:
	case FR_LINE_UNDONE:
	case FR_LINE_LEFTOVERS:
	case FR_LINE_LEFTOVERS_LEFT:
		fr_line_leftover(ld, t, &line);
		break;
	case FR_LINE_REFERENCE:
		if (!t->reference[0])
			snprintf(t->reference, sizeof(t->reference), "%s", line.text);
		break;
	case FR_LINE_CHECK:
		t->users_total = line.users;
		t->users_state = line.users >= 0 ? FR_USERS_COUNTED : FR_USERS_WANTED;
		break;
	case FR_LINE_USERS:
		fr_line_users(ld, t, &line);
		break;
	case FR_LINE_TASK:
		fr_line_task(ld, t, &line);
		break;
	case FR_LINE_HOLDER:
		/* A holder we remove first is no reason to refuse. */
		d = fr_table_find(ld->tab, line.holder);
		if (d && fr_pending(d))
			break;
		fr_fail(ld->tab, t, FR_RESULT_REFUSED, "used by module %s", line.holder);
		ld->refused++;
		break;
	case FR_LINE_ERROR:
		fr_fail(ld->tab, t, FR_RESULT_REFUSED, "%s", line.text);
		ld->refused++;
		break;
	default:
		break;
	}
}

/*
 * "modname=a,b exit=MODE [check=1] [users=ignore leftovers=force]
 * [refscan=MODE]" for the selected targets.
 */
static void fr_load_params(struct fr_load *ld, enum fr_call call)
{
	size_t used = snprintf(ld->params, sizeof(ld->params), "%s=",
			       FR_STR(FR_PARAM_MODNAME));

	/* At most FR_MAX_TARGETS names (fr_validate_names, fr_diagnose): they fit. */
	for (int i = 0; i < ld->tab->n && ld->nr_named < FR_MAX_TARGETS; i++) {
		struct fr_target *t = &ld->tab->t[i];

		if (!fr_selected(t, call))
			continue;
		used += snprintf(ld->params + used, sizeof(ld->params) - used, "%s%s",
				 ld->nr_named ? "," : "", t->name);
		ld->named[ld->nr_named++] = t;
	}
	snprintf(ld->params + used, sizeof(ld->params) - used, " %s=%s%s%s%s%s",
		 FR_STR(FR_PARAM_EXIT), ld->opt->exit_mode,
		 call == FR_CALL_CHECK ? " " FR_STR(FR_PARAM_CHECK) "=1" : "",
		 ld->opt->force ? " " FR_STR(FR_PARAM_USERS) "=" FR_USERS_IGNORE
				  " " FR_STR(FR_PARAM_LEFTOVERS) "=" FR_LEFTOVERS_FORCE : "",
		 ld->opt->refscan ? " " FR_STR(FR_PARAM_REFSCAN) "=" : "",
		 ld->opt->refscan ? ld->opt->refscan : "");
}

/* Load the helper for the pending targets of @call; -errno as init_module. */
int fr_helper_call(struct fr_table *tab, const struct fr_options *opt,
		   const struct fr_helper *h, enum fr_call call, int *refused)
{
	struct fr_load ld = { .tab = tab, .opt = opt };
	int fd, err;

	fr_load_params(&ld, call);
	*refused = 0;
	if (!ld.nr_named)
		return 0;
	INFO(opt, "loading the helper: %s", ld.params);

	fd = fr_kmsg_open(opt->root);
	if (fd < 0)
		WARN(opt, "cannot read the kernel log (/dev/kmsg): %s", strerror(-fd));
	err = fr_helper_load(h->image.data, h->image.len, ld.params);
	if (fd >= 0) {
		fr_kmsg_drain(fd, fr_helper_line, &ld);
		close(fd);
	}
	/*
	 * A rescue looks for users before anything else and stops there if it
	 * finds any: refused for another reason, none of them had users.
	 */
	if (call == FR_CALL_RESCUE && ld.refused && !ld.refused_users)
		for (int i = 0; i < ld.nr_named; i++)
			if (ld.named[i]->users_state == FR_USERS_IN_RESCUE) {
				ld.named[i]->users_state = FR_USERS_KNOWN;
				ld.named[i]->users_total = 0;
			}
	*refused = ld.refused;
	return err;
}
