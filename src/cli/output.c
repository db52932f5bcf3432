// SPDX-License-Identifier: GPL-2.0
/*
 * The report: one line per module on stdout, or with --json one document,
 * an array of one object per module.  Messages go to stderr elsewhere.
 *
 * To report one more list per module (as holders, tasks and users are):
 * a field in struct fr_target, one fr_text_list() call in fr_facts() and one
 * fr_json_list() call in fr_json_target().
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

const char *fr_action_name(enum fr_action action)
{
	switch (action) {
	case FR_ACTION_UNLOAD:
		return "unload";
	case FR_ACTION_RESCUE:
		return "rescue";
	default:
		return "none";
	}
}

static bool fr_users_known(const struct fr_target *t)
{
	return t->users_state == FR_USERS_KNOWN;
}

/*
 * A list of @n strings, @stride bytes apart, joined by @sep: @none when it
 * is empty, @unknown (if not NULL) instead when it is not known.
 */
static void fr_text_list(FILE *out, const char *items, size_t stride, int n,
			 const char *sep, const char *none, const char *unknown)
{
	if (unknown) {
		fputs(unknown, out);
		return;
	}
	for (int i = 0; i < n; i++)
		fprintf(out, "%s%s", i ? sep : "", items + i * stride);
	if (!n)
		fputs(none, out);
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
	fr_text_list(out, m->holders[0], sizeof(m->holders[0]), m->nr_holders, ",", "-",
		     NULL);
	fprintf(out, ", exit %s, tasks ", fr_exit_word(m->has_exit));
	for (i = 0; i < m->nr_tasks; i++)
		fprintf(out, "%s%d (%s, %s)", i ? "," : "", m->tasks[i].pid,
			m->tasks[i].comm, fr_exec_name(m->tasks[i].what));
	fprintf(out, "%s, users ", m->nr_tasks ? "" : "-");
	fr_text_list(out, t->users[0], sizeof(t->users[0]), t->nr_users, "; ", "-",
		     fr_users_known(t) ? NULL : "not checked");
}

void fr_report_line(FILE *out, const struct fr_target *t)
{
	const struct fr_module *m = &t->mod;

	fprintf(out, "%s: ", t->name[0] ? t->name : t->arg);
	switch (t->result) {
	case FR_RESULT_REMOVED:
		fprintf(out, "removed (was %s, refcount %d; %s", fr_state_name(m->state),
			m->refcount,
			t->exit_replaced ? "exit replaced" :
			m->has_exit == 0 ? "no exit" : "own exit ran");
		/* references reset that no user explained: DANGERS in force-rmmod(8) */
		if (t->refs_known && t->refs.unexplained > 0)
			fprintf(out, "; %d reference%s not explained", t->refs.unexplained,
				t->refs.unexplained == 1 ? "" : "s");
		fputc(')', out);
		break;
	case FR_RESULT_WOULD_REMOVE:
		fprintf(out, "would be removed %s (",
			t->action == FR_ACTION_UNLOAD ? "with a plain rmmod" :
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

/*
 * The length of the valid UTF-8 sequence at @s (RFC 3629: shortest form, no
 * surrogates, at most U+10FFFF), 0 if there is none.
 */
static size_t fr_utf8_len(const unsigned char *s)
{
	size_t n;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)	/* also stops at the NUL */
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

/*
 * @s as a JSON string: valid UTF-8 passes through, and only what JSON
 * requires is escaped ('"', '\\' and control characters); a byte that is not
 * UTF-8 (a task's comm can hold any) becomes U+FFFD, so the document stays
 * valid.
 */
void fr_json_string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', out);
	while (*p) {
		size_t n = fr_utf8_len(p);

		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", out);
		else if (*p == '\t')
			fputs("\\t", out);
		else if (*p < 0x20)
			fprintf(out, "\\u%04x", *p);
		else if (!n)
			fputs("\\ufffd", out);
		else
			fwrite(p, 1, n, out);
		p += n ? n : 1;
	}
	fputc('"', out);
}

/* "KEY":[...] of @n strings @stride bytes apart, or "KEY":null if @known is false. */
static void fr_json_list(FILE *out, const char *key, const char *items, size_t stride,
			 int n, bool known)
{
	fprintf(out, ",\"%s\":", key);
	if (!known) {
		fputs("null", out);
		return;
	}
	fputc('[', out);
	for (int i = 0; i < n; i++) {
		if (i)
			fputc(',', out);
		fr_json_string(out, items + i * stride);
	}
	fputc(']', out);
}

/*
 * --dry-run: "NAME: references N: E explained (holders H, files F, mounts M,
 * sockets S, block devices B, ttys T, crypto C, ops O, loader L), U unexplained".
 */
void fr_report_refs(FILE *out, const struct fr_target *t)
{
	const struct fr_refs *r = &t->refs;

	if (!t->refs_known)
		return;
	fprintf(out, "%s: references %d: %d explained (holders %d, files %d, mounts %d, "
		"sockets %d, block devices %d, ttys %d, crypto %d, ops %d, loader %d), "
		"%d unexplained\n",
		t->name, r->total, fr_refs_explained(r), r->holders, r->files, r->mounts,
		r->sockets, r->blockdevs, r->ttys, r->crypto, r->ops, r->loader,
		r->unexplained);
}

/* "references":{...} or null when the helper gave no account. */
static void fr_json_refs(FILE *out, const struct fr_target *t)
{
	const struct fr_refs *r = &t->refs;

	if (!t->refs_known) {
		fputs(",\"references\":null", out);
		return;
	}
	fprintf(out, ",\"references\":{\"total\":%d,\"explained\":%d,\"unexplained\":%d,"
		"\"holders\":%d,\"files\":%d,\"mounts\":%d,\"sockets\":%d,"
		"\"block_devices\":%d,\"ttys\":%d,\"crypto\":%d,\"ops\":%d,\"loader\":%d}",
		r->total, fr_refs_explained(r), r->unexplained, r->holders, r->files,
		r->mounts, r->sockets, r->blockdevs, r->ttys, r->crypto, r->ops, r->loader);
}

/* --dry-run: "NAME: leftover: unregister filesystem accres", one a line. */
void fr_report_leftovers(FILE *out, const struct fr_target *t)
{
	char text[FR_TEXT_MAX];

	for (int i = 0; i < t->nr_leftovers; i++)
		if (fr_leftover_describe(&t->leftovers[i], text, sizeof(text)) >= 0)
			fprintf(out, "%s: leftover: %s\n", t->name, text);
}

/* "leftovers":[{"kind":"filesystem","name":"accres","action":"unregister"}] */
static void fr_json_leftovers(FILE *out, const struct fr_target *t)
{
	char obj[FR_TEXT_MAX + 2 * FR_LEFTOVER_OBJECT_MAX];

	fputs(",\"leftovers\":[", out);
	for (int i = 0, n = 0; i < t->nr_leftovers; i++)
		if (fr_leftover_json(&t->leftovers[i], obj, sizeof(obj)) >= 0)
			fprintf(out, "%s%s", n++ ? "," : "", obj);
	fputc(']', out);
}

/* "block_uses":[{"device":"loop0","use":"mount","where":"/mnt","fstype":"vfat"}] */
static void fr_json_block_uses(FILE *out, const struct fr_target *t)
{
	fputs(",\"block_uses\":[", out);
	for (int i = 0; i < t->nr_block_uses; i++) {
		const struct fr_block_use *u = &t->block_uses[i];

		fputs(i ? ",{\"device\":" : "{\"device\":", out);
		fr_json_string(out, u->dev);
		fputs(",\"use\":", out);
		fr_json_string(out, fr_block_use_kind_name(u->kind));
		fputs(",\"where\":", out);
		fr_json_string(out, u->where);
		if (u->kind == FR_BLOCK_MOUNT) {
			fputs(",\"fstype\":", out);
			fr_json_string(out, u->fstype);
		}
		fputc('}', out);
	}
	fputc(']', out);
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
	fr_json_list(out, "holders", m->holders[0], sizeof(m->holders[0]),
		     facts ? m->nr_holders : 0, true);
	fprintf(out, ",\"has_exit\":%s,\"tasks\":[",
		!facts || m->has_exit < 0 ? "null" : m->has_exit ? "true" : "false");
	for (i = 0; facts && i < m->nr_tasks; i++) {
		fprintf(out, "%s{\"pid\":%d,\"comm\":", i ? "," : "", m->tasks[i].pid);
		fr_json_string(out, m->tasks[i].comm);
		fputs(",\"executing\":", out);
		fr_json_string(out, fr_exec_name(m->tasks[i].what));
		fputc('}', out);
	}
	fputc(']', out);
	fr_json_list(out, "users", t->users[0], sizeof(t->users[0]), t->nr_users,
		     fr_users_known(t));
	fr_json_refs(out, t);
	fr_json_block_uses(out, t);
	fr_json_leftovers(out, t);
	fputs(",\"action\":", out);
	fr_json_string(out, fr_action_name(t->action));
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
