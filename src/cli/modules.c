// SPDX-License-Identifier: GPL-2.0
/*
 * Diagnosis of one module from what the kernel publishes: /proc/modules
 * (refcount, holders, state, "[permanent]" for an init without an exit),
 * /sys/module/NAME (built-in modules have a directory but no initstate; the
 * sections/ of one with an exit list .exit.text) and, failing that,
 * /proc/kallsyms (cleanup_module, the alias module_exit() defines).
 *
 * libkmod reads the same files but with fixed paths; this file takes @root so
 * that the unit tests can prepare a tree.  The fields are the ones libkmod's
 * kmod_module_get_{refcnt,holders,initstate} return.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fr.h"

static FILE *fr_open(const char *root, const char *path)
{
	char full[4096];

	snprintf(full, sizeof(full), "%s%s", root, path);
	return fopen(full, "re");
}

static bool fr_exists(const char *root, const char *fmt, const char *name)
{
	char rel[512], full[4096];

	snprintf(rel, sizeof(rel), fmt, name);
	snprintf(full, sizeof(full), "%s%s", root, rel);
	return access(full, F_OK) == 0;
}

const char *fr_state_name(enum fr_state state)
{
	switch (state) {
	case FR_STATE_LIVE:
		return "live";
	case FR_STATE_COMING:
		return "coming";
	case FR_STATE_GOING:
		return "going";
	default:
		return "unknown";
	}
}

/*
 * One line of /proc/modules:
 *   NAME SIZE REFCNT HOLDERS STATE ADDRESS [(TAINTS)]
 * HOLDERS is "-" or "a,b," with "[permanent]," when init has no exit.
 */
int fr_modules_line_parse(const char *line, struct fr_module *m)
{
	char name[FR_NAME_MAX + 1], holders[4096], state[16];
	unsigned long size;
	int refcount;
	char *cur, *tok;

	memset(m, 0, sizeof(*m));
	m->has_exit = -1;
	if (sscanf(line, "%56s %lu %d %4095s %15s", name, &size, &refcount,
		   holders, state) != 5)
		return -EINVAL;
	if (strlen(name) >= FR_NAME_MAX)
		return -EINVAL;
	strcpy(m->name, name);
	m->refcount = refcount;
	if (!strcmp(state, "Live"))
		m->state = FR_STATE_LIVE;
	else if (!strcmp(state, "Loading"))
		m->state = FR_STATE_COMING;
	else if (!strcmp(state, "Unloading"))
		m->state = FR_STATE_GOING;
	else
		m->state = FR_STATE_UNKNOWN;
	if (!strcmp(holders, "-"))
		return 0;
	cur = holders;
	while ((tok = strsep(&cur, ",")) != NULL) {
		if (!*tok)
			continue;
		if (!strcmp(tok, "[permanent]")) {
			m->permanent = true;
			continue;
		}
		if (strlen(tok) >= FR_NAME_MAX || m->nr_holders == FR_MAX_HOLDERS)
			return -EINVAL;
		strcpy(m->holders[m->nr_holders++], tok);
	}
	return 0;
}

static int fr_modules_find(const char *root, const char *name, struct fr_module *m)
{
	char line[8192];
	size_t len = strlen(name);
	FILE *f = fr_open(root, "/proc/modules");
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, name, len) || line[len] != ' ')
			continue;
		ret = fr_modules_line_parse(line, m);
		break;
	}
	fclose(f);
	return ret;
}

bool fr_module_is_loaded(const char *root, const char *name)
{
	struct fr_module m;

	return fr_modules_find(root, name, &m) == 0;
}

enum fr_kind fr_module_kind(const char *root, const char *name)
{
	if (fr_module_is_loaded(root, name) ||
	    fr_exists(root, "/sys/module/%s/initstate", name))
		return FR_KIND_LOADABLE;
	if (fr_exists(root, "/sys/module/%s", name))
		return FR_KIND_BUILTIN;
	return FR_KIND_NOT_LOADED;
}

/*
 * Whether @name has its /sys/module entry.  A module that /proc/modules
 * lists without one stopped loading before mod_sysfs_setup() (it crashed
 * in a parameter, say): the helper cannot rescue it (it finds modules
 * through /sys/module) and reports its state instead.
 */
bool fr_module_in_sysfs(const char *root, const char *name)
{
	return fr_exists(root, "/sys/module/%s", name);
}

/* Has @name registered a driver (/sys/module/NAME/drivers, made by the first)? */
bool fr_module_has_drivers(const char *root, const char *name)
{
	return fr_exists(root, "/sys/module/%s/drivers", name);
}

/* Has the kernel oopsed since boot (taint D, TAINT_DIE)?  Unknown: yes. */
bool fr_kernel_oopsed(const char *root)
{
	FILE *f = fr_open(root, "/proc/sys/kernel/tainted");
	unsigned long taint;

	if (!f)
		return true;
	if (fscanf(f, "%lu", &taint) != 1)
		taint = ~0UL;
	fclose(f);
	return taint & (1UL << 7);
}

/*
 * 1 when kallsyms lists @name's cleanup_module, 0 when it lists symbols of
 * @name but not that one, -1 when it lists none (kallsyms hidden or absent).
 */
int fr_module_has_exit(const char *root, const char *name)
{
	char line[1024], tag[FR_NAME_MAX + 4];
	FILE *f = fr_open(root, "/proc/kallsyms");
	int ret = -1;

	if (!f)
		return -1;
	snprintf(tag, sizeof(tag), "\t[%s]", name);
	while (fgets(line, sizeof(line), f)) {
		char *t = strstr(line, tag);
		char addr[32], type[4], sym[512];

		if (!t || (t[strlen(tag)] != '\n' && t[strlen(tag)] != '\0'))
			continue;
		ret = 0;
		if (sscanf(line, "%31s %3s %511s", addr, type, sym) == 3 &&
		    !strcmp(sym, "cleanup_module")) {
			ret = 1;
			break;
		}
	}
	fclose(f);
	return ret;
}

/*
 * Without reading all of kallsyms (slow): an exit function lives in
 * .exit.text, which /sys/module/NAME/sections/ lists (root only) when the
 * module has one.  kallsyms is the fallback.
 */
static int fr_module_exit_known(const char *root, const struct fr_module *m)
{
	if (m->permanent)
		return 0;
	if (fr_exists(root, "/sys/module/%s/sections/.exit.text", m->name))
		return 1;
	if (fr_exists(root, "/sys/module/%s/sections/.gnu.linkonce.this_module", m->name))
		return 0;
	return fr_module_has_exit(root, m->name);
}

/* State, refcount, holders and exit of @name; its tasks come from fr_tasks_scan(). */
int fr_module_read(const char *root, const char *name, struct fr_module *m)
{
	int ret = fr_modules_find(root, name, m);

	if (ret)
		return ret;
	m->has_exit = fr_module_exit_known(root, m);
	return 0;
}

/*
 * Whether the kernel loads modules at all: kernel.modules_disabled, and the
 * lockdown LSM ("none [integrity] confidentiality": the bracketed one is in
 * force; any but none refuses unsigned modules).  Read when a load got EPERM.
 */
enum fr_load_policy fr_load_policy(const char *root)
{
	char buf[128];
	FILE *f;

	f = fr_open(root, "/proc/sys/kernel/modules_disabled");
	if (f) {
		bool disabled = fgets(buf, sizeof(buf), f) && buf[0] == '1';

		fclose(f);
		if (disabled)
			return FR_LOAD_DISABLED;
	}
	f = fr_open(root, "/sys/kernel/security/lockdown");
	if (f) {
		bool locked = fgets(buf, sizeof(buf), f) && strchr(buf, '[') &&
			      !strstr(buf, "[none]");

		fclose(f);
		if (locked)
			return FR_LOAD_LOCKDOWN;
	}
	return FR_LOAD_OPEN;
}

/*
 * The first task executing @m's code other than its own kernel threads,
 * which its exit (or the helper, when that will not run) stops; or NULL.
 */
const struct fr_task *fr_module_busy_task(const struct fr_module *m)
{
	for (int i = 0; i < m->nr_tasks; i++)
		if (m->tasks[i].what != FR_EXEC_THREAD)
			return &m->tasks[i];
	return NULL;
}

/*
 * What delete_module() accepts without help, once @leaving of its holders
 * (all of them: targets removed first) are gone: live, removable, no task in
 * its code, and no reference but theirs.  The one rule of the command.
 */
bool fr_module_is_healthy(const struct fr_module *m, int leaving)
{
	return m->state == FR_STATE_LIVE && !m->permanent && !fr_module_busy_task(m) &&
	       m->nr_holders == leaving && m->refcount == leaving;
}

/*
 * References nobody accounts for, so real users are possible: an open file,
 * a mount or a socket always holds one (fops_get(), get_filesystem(), the
 * socket's owner).  Holders hold one each, and the dead loader of a module
 * stuck coming one more; a going module holds none.
 */
bool fr_module_refs_unexplained(const struct fr_module *m)
{
	if (m->state == FR_STATE_GOING)
		return m->refcount > 0;
	return m->refcount > m->nr_holders + (m->state == FR_STATE_COMING);
}

const char *fr_exec_name(enum fr_exec what)
{
	switch (what) {
	case FR_EXEC_INIT:
		return "init";
	case FR_EXEC_EXIT:
		return "exit";
	case FR_EXEC_THREAD:
		return "thread";
	default:
		return "code";
	}
}
