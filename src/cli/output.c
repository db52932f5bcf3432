// SPDX-License-Identifier: GPL-2.0
/*
 * The report: one line per module on stdout, or with --json one document,
 * an array of one object per module.  Messages go to stderr elsewhere.
 */
#include <stdio.h>
#include <string.h>

#include "fr.h"

const char *fr_result_name(enum fr_result result)
{
	switch (result) {
	case FR_RESULT_REMOVED:
		return "removed";
	case FR_RESULT_WOULD_REMOVE:
		return "would-remove";
	case FR_RESULT_REFUSED:
		return "refused";
	case FR_RESULT_FAILED:
		return "failed";
	case FR_RESULT_NOT_LOADED:
		return "not-loaded";
	case FR_RESULT_INVALID:
		return "invalid";
	case FR_RESULT_SKIPPED:
		return "skipped";
	default:
		return "pending";
	}
}

static const char *fr_exit_word(int has_exit)
{
	return has_exit > 0 ? "yes" : has_exit == 0 ? "no" : "unknown";
}

/* "coming, refcount 1, holders -, exit yes, tasks -, users -" */
static void fr_facts(FILE *out, const struct fr_target *t)
{
	const struct fr_module *m = &t->mod;
	int i;

	fprintf(out, "%s, refcount %d, holders ", fr_state_name(m->state), m->refcount);
	for (i = 0; i < m->nr_holders; i++)
		fprintf(out, "%s%s", i ? "," : "", m->holders[i]);
	fprintf(out, "%s, exit %s, tasks ", m->nr_holders ? "" : "-",
		fr_exit_word(m->has_exit));
	for (i = 0; i < m->nr_tasks; i++)
		fprintf(out, "%s%d (%s, %s)", i ? "," : "", m->tasks[i].pid,
			m->tasks[i].comm, m->tasks[i].what);
	fprintf(out, "%s, users ", m->nr_tasks ? "" : "-");
	if (!t->users_known)
		fputs("not checked", out);
	for (i = 0; i < t->nr_users; i++)
		fprintf(out, "%s%s", i ? "; " : "", t->users[i]);
	if (t->users_known && !t->nr_users)
		fputs("-", out);
}

void fr_report_line(FILE *out, const struct fr_target *t)
{
	const struct fr_module *m = &t->mod;

	fprintf(out, "%s: ", t->name[0] ? t->name : t->arg);
	switch (t->result) {
	case FR_RESULT_REMOVED:
		fprintf(out, "removed (was %s, refcount %d; %s)", fr_state_name(m->state),
			m->refcount,
			t->exit_replaced ? "exit replaced" :
			m->has_exit == 0 ? "no exit" : "own exit ran");
		break;
	case FR_RESULT_WOULD_REMOVE:
		fprintf(out, "would be removed %s (",
			!strcmp(t->action, "unload") ? "with a plain rmmod" :
			"after a rescue");
		fr_facts(out, t);
		fputc(')', out);
		break;
	case FR_RESULT_REFUSED:
	case FR_RESULT_FAILED:
		fprintf(out, "%s: %s", t->result == FR_RESULT_REFUSED ?
			"refused" : "not removed", t->error);
		if (t->loaded) {
			fputs(" (", out);
			fr_facts(out, t);
			fputc(')', out);
		}
		break;
	case FR_RESULT_SKIPPED:
		fputs("skipped: another name is invalid, nothing was changed", out);
		break;
	case FR_RESULT_NOT_LOADED:
		fputs("not loaded", out);
		break;
	case FR_RESULT_INVALID:
		fprintf(out, "invalid: %s", t->error);
		break;
	default:
		fputs("not handled", out);
		break;
	}
	fputc('\n', out);
}

void fr_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 0x20 || c == 0x7f || c >= 0x80)
			fprintf(out, "\\u%04x", c);	/* names are ASCII; keep it valid */
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void fr_json_target(FILE *out, const struct fr_target *t)
{
	const struct fr_module *m = &t->mod;
	bool facts = t->loaded;
	int i;

	fputs("{\"name\":", out);
	fr_json_string(out, t->name[0] ? t->name : t->arg);
	fputs(",\"state\":", out);
	if (facts)
		fr_json_string(out, fr_state_name(m->state));
	else
		fputs("null", out);
	if (facts)
		fprintf(out, ",\"refcount\":%d", m->refcount);
	else
		fputs(",\"refcount\":null", out);
	fputs(",\"holders\":[", out);
	for (i = 0; facts && i < m->nr_holders; i++) {
		if (i)
			fputc(',', out);
		fr_json_string(out, m->holders[i]);
	}
	fprintf(out, "],\"has_exit\":%s,\"tasks\":[",
		!facts || m->has_exit < 0 ? "null" : m->has_exit ? "true" : "false");
	for (i = 0; facts && i < m->nr_tasks; i++) {
		fprintf(out, "%s{\"pid\":%d,\"comm\":", i ? "," : "", m->tasks[i].pid);
		fr_json_string(out, m->tasks[i].comm);
		fputs(",\"executing\":", out);
		fr_json_string(out, m->tasks[i].what);
		fputc('}', out);
	}
	fputs("],\"users\":", out);
	if (t->users_known) {
		fputc('[', out);
		for (i = 0; i < t->nr_users; i++) {
			if (i)
				fputc(',', out);
			fr_json_string(out, t->users[i]);
		}
		fputc(']', out);
	} else {
		fputs("null", out);
	}
	fputs(",\"action\":", out);
	fr_json_string(out, t->action ? t->action : "none");
	fputs(",\"result\":", out);
	fr_json_string(out, fr_result_name(t->result));
	fputs(",\"error\":", out);
	if (t->error[0])
		fr_json_string(out, t->error);
	else
		fputs("null", out);
	fputc('}', out);
}

void fr_report_json(FILE *out, const struct fr_target *t, int n)
{
	int i;

	fputc('[', out);
	for (i = 0; i < n; i++) {
		fputs(i ? ",\n " : "", out);
		fr_json_target(out, &t[i]);
	}
	fputs("]\n", out);
}
