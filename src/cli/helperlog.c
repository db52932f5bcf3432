// SPDX-License-Identifier: GPL-2.0
/*
 * The rescue module's kernel log lines, "force_rmmod: NAME: TEXT", as
 * the module writes them.  Their first words are the contract's
 * (src/module/contract.h, FR_LOG_*); this is the one place of the command
 * that knows the rest of their wording.
 *
 *   NAME: state S -> live, refcount A -> B, exit E -> F; rmmod NAME now
 *   NAME: healthy (live, refcount N, exit E), nothing to do
 *   NAME: task PID (COMM) may be executing its code
 *   NAME: used by module M, remove it first or name it too
 *   NAME: check: state S, refcount N, holders N, exit E, users N, would ...
 *                             (check=1: one per target, after its users)
 *   NAME: user: ...           (a real user the kernel sees)
 *   NAME: has N real user(s), refusing (users=ignore forces)
 *                             (a rescue, after its users' lines)
 *   NAME: leftover: KIND OBJECT -> ACTION     (see leftovers.h: what a target
 *   NAME: unregistered filesystem OBJECT      whose exit will not run left
 *   NAME: cannot undo N leftover(s), ...      registered, what was undone,
 *   NAME: left N leftover(s) registered ...   what was refused or left)
 *   NAME: reference: pointer to S (KIND) from WHERE   (the reference scan:
 *   NAME: reference scan: N MB in M ms: ...   a pointer it cannot explain)
 */
#include <stdio.h>
#include <string.h>

#include "fr.h"
#include "leftovers.h"

#define FR_PREFIX	FR_HELPER_NAME ": "

static bool fr_is_name(const char *s, size_t len)
{
	if (!len || len >= FR_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

static void fr_copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src);
}

static bool fr_starts(const char *s, const char *word)
{
	return !strncmp(s, word, strlen(word));
}

/*
 * 0 when @msg is a line of the helper (filled in @line), -1 otherwise.
 * Long only because it is one flat branch per kind of line, in the order
 * they must be tried.
 */
int fr_helper_line_parse(const char *msg, struct fr_line *line)
{
	const char *rest, *colon;
	char sb[16], eb[8], ea[8], comm[32], holder[FR_NAME_MAX];
	char object[FR_LEFTOVER_OBJECT_MAX];
	enum fr_leftover_kind lkind;
	int a, b, pid;

	memset(line, 0, sizeof(*line));
	if (strncmp(msg, FR_PREFIX, strlen(FR_PREFIX)))
		return -1;
	rest = msg + strlen(FR_PREFIX);
	colon = strstr(rest, ": ");
	if (!colon || !fr_is_name(rest, colon - rest)) {
		line->kind = FR_LINE_OTHER;
		fr_copy(line->text, sizeof(line->text), rest);
		return 0;
	}
	memcpy(line->name, rest, colon - rest);
	line->name[colon - rest] = '\0';
	rest = colon + 2;
	fr_copy(line->text, sizeof(line->text), rest);

	if (sscanf(rest, FR_LOG_REPAIR "%15s -> live, refcount %d -> %d, exit %7s -> %7[a-z];",
		   sb, &a, &b, eb, ea) == 5) {
		line->kind = FR_LINE_REPAIR;
		fr_copy(line->state_before, sizeof(line->state_before), sb);
		line->refs_before = a;
		line->refs_after = b;
		fr_copy(line->exit_before, sizeof(line->exit_before), eb);
		fr_copy(line->exit_after, sizeof(line->exit_after), ea);
	} else if (fr_starts(rest, FR_LOG_HEALTHY)) {
		line->kind = FR_LINE_HEALTHY;
	} else if (sscanf(rest, FR_LOG_TASK "%d (%31[^)]) may be executing", &pid, comm) == 2) {
		line->kind = FR_LINE_TASK;
		line->pid = pid;
		fr_copy(line->comm, sizeof(line->comm), comm);
	} else if (sscanf(rest, FR_LOG_HOLDER "%55[A-Za-z0-9_]", holder) == 1) {
		line->kind = FR_LINE_HOLDER;
		fr_copy(line->holder, sizeof(line->holder), holder);
	} else if (fr_starts(rest, FR_LOG_USER)) {
		line->kind = FR_LINE_USER;
		fr_copy(line->text, sizeof(line->text), rest + strlen(FR_LOG_USER));
	} else if (sscanf(rest, FR_LOG_USERS "%d real user", &a) == 1 && a >= 0) {
		line->kind = FR_LINE_USERS;
		line->users = a;
	} else if (fr_starts(rest, FR_LOG_REFSCAN) || fr_starts(rest, FR_LOG_IDLE_WORK)) {
		line->kind = FR_LINE_OTHER;
	} else if (fr_starts(rest, FR_LOG_REFERENCE)) {
		line->kind = FR_LINE_REFERENCE;
		fr_copy(line->text, sizeof(line->text), rest + strlen(FR_LOG_REFERENCE));
	} else if (fr_starts(rest, FR_LOG_REFS)) {
		line->kind = FR_LINE_REFS;
	} else if (fr_starts(rest, FR_LOG_LEFTOVER)) {
		line->kind = FR_LINE_LEFTOVER;
		fr_copy(line->text, sizeof(line->text), rest + strlen(FR_LOG_LEFTOVER));
	} else if (!fr_leftover_undone_parse(rest, &lkind, object, sizeof(object))) {
		line->kind = FR_LINE_UNDONE;
	} else if (!fr_leftovers_count_parse(rest, &line->leftovers)) {
		line->kind = fr_starts(rest, FR_LOG_LEFTOVERS) ?
			     FR_LINE_LEFTOVERS : FR_LINE_LEFTOVERS_LEFT;
	} else if (fr_starts(rest, FR_LOG_CHECK)) {
		const char *u = strstr(rest, ", users ");

		line->kind = FR_LINE_CHECK;
		fr_copy(line->text, sizeof(line->text), rest + strlen(FR_LOG_CHECK));
		if (!u || sscanf(u, ", users %d", &line->users) != 1 || line->users < 0)
			line->users = -1;
	} else {
		line->kind = FR_LINE_ERROR;
	}
	return 0;
}
