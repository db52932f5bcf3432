// SPDX-License-Identifier: GPL-2.0
/*
 * The run's table of targets (table.h): adding and finding them, failing
 * one with its reason, the exit status, refusals carried from a module to
 * the modules it depends on; and the command's messages.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

void fr_log(const char *level, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s: ", FR_PROG, level);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Kernel errnos in words a user understands (kmod's mod_strerror). */
const char *fr_strerror(int err)
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

/* Why init_module(2) refused the helper: EPERM has causes we can name. */
const char *fr_load_strerror(const char *root, int err)
{
	if (err != EPERM)
		return fr_strerror(err);
	switch (fr_load_policy(root)) {
	case FR_LOAD_DISABLED:
		return "module loading is disabled (kernel.modules_disabled = 1, until reboot)";
	case FR_LOAD_LOCKDOWN:
		return "the kernel is locked down and loads only signed modules (sign the helper with a key it trusts, e.g. the DKMS MOK)";
	default:
		return fr_strerror(err);
	}
}

/* A new target, as given on the command line (or by --cascade). */
struct fr_target *fr_table_add(struct fr_table *tab, const char *arg)
{
	struct fr_target *t;

	t = realloc(tab->t, (tab->n + 1) * sizeof(*t));
	if (!t) {
		ERR("out of memory");
		exit(FR_STATUS_NOT_REMOVED);
	}
	tab->t = t;
	t = &tab->t[tab->n++];
	memset(t, 0, sizeof(*t));
	snprintf(t->arg, sizeof(t->arg), "%s", arg);
	return t;
}

struct fr_target *fr_table_find(const struct fr_table *tab, const char *name)
{
	for (int i = 0; i < tab->n; i++)
		if (tab->t[i].name[0] && !strcmp(tab->t[i].name, name))
			return &tab->t[i];
	return NULL;
}

void fr_table_free(struct fr_table *tab)
{
	free(tab->t);
	tab->t = NULL;
	tab->n = 0;
}

bool fr_pending(const struct fr_target *t)
{
	return t->loaded && t->result == FR_RESULT_PENDING;
}

/* Holders of @t that are targets not yet removed. */
int fr_pending_holders(const struct fr_table *tab, const struct fr_target *t)
{
	int n = 0;

	for (int h = 0; h < t->mod.nr_holders; h++) {
		struct fr_target *d = fr_table_find(tab, t->mod.holders[h]);

		if (d && d->result != FR_RESULT_REMOVED)
			n++;
	}
	return n;
}

int fr_nr_loaded(const struct fr_table *tab)
{
	int n = 0;

	for (int i = 0; i < tab->n; i++)
		n += tab->t[i].loaded;
	return n;
}

bool fr_any_invalid(const struct fr_table *tab)
{
	for (int i = 0; i < tab->n; i++)
		if (tab->t[i].result == FR_RESULT_INVALID)
			return true;
	return false;
}

void fr_raise(struct fr_table *tab, enum fr_status s)
{
	if (s > tab->status)
		tab->status = s;
}

/* Mark @t as not removed, with a reason on stderr and in the report. */
void fr_fail(struct fr_table *tab, struct fr_target *t, enum fr_result result,
	     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->error, sizeof(t->error), fmt, ap);
	va_end(ap);
	t->result = result;
	if (result != FR_RESULT_INVALID)
		t->action = FR_ACTION_NONE;
	ERR("%s: %s", t->name[0] ? t->name : t->arg, t->error);
	fr_raise(tab, result == FR_RESULT_INVALID ? FR_STATUS_USAGE : FR_STATUS_NOT_REMOVED);
}

/* A module whose holder is refused or failed cannot go either. */
void fr_propagate_refusals(struct fr_table *tab)
{
	bool changed;

	do {
		changed = false;
		for (int i = 0; i < tab->n; i++) {
			struct fr_target *t = &tab->t[i];

			if (!fr_pending(t))
				continue;
			for (int h = 0; h < t->mod.nr_holders; h++) {
				struct fr_target *d = fr_table_find(tab, t->mod.holders[h]);

				if (d && d->result != FR_RESULT_PENDING &&
				    d->result != FR_RESULT_REMOVED) {
					fr_fail(tab, t, FR_RESULT_REFUSED,
						"used by module %s, which is not removed",
						d->name);
					changed = true;
					break;
				}
			}
		}
	} while (changed);
}

/* Before the report: every target still pending was skipped, or not handled. */
void fr_table_finish(struct fr_table *tab)
{
	bool invalid = fr_any_invalid(tab);

	for (int i = 0; i < tab->n; i++) {
		struct fr_target *t = &tab->t[i];

		if (t->result != FR_RESULT_PENDING)
			continue;
		if (invalid) {
			t->result = FR_RESULT_SKIPPED;
			t->loaded = false;	/* facts not read, or not to be shown */
			snprintf(t->error, sizeof(t->error), "skipped: another name is invalid");
		} else {
			fr_fail(tab, t, FR_RESULT_FAILED, "not handled");
		}
	}
}
