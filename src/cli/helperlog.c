// SPDX-License-Identifier: GPL-2.0
/*
 * The rescue module's kernel log lines, "force_rmmod: NAME: TEXT", as
 * src/module/force_rmmod.c writes them.  This is the one place that knows
 * their wording: change it here when the module's messages change.
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
 */
#include <stdio.h>
#include <string.h>

#include "fr.h"
#include "leftovers.h"
#include "../module/contract.h"

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

/* 0 when @msg is a line of the helper (filled in @line), -1 otherwise. */
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

	if (sscanf(rest, "state %15s -> live, refcount %d -> %d, exit %7s -> %7[a-z];",
		   sb, &a, &b, eb, ea) == 5) {
		line->kind = FR_LINE_REPAIR;
		fr_copy(line->state_before, sizeof(line->state_before), sb);
		line->refs_before = a;
		line->refs_after = b;
		fr_copy(line->exit_before, sizeof(line->exit_before), eb);
		fr_copy(line->exit_after, sizeof(line->exit_after), ea);
	} else if (!strncmp(rest, "healthy", 7)) {
		line->kind = FR_LINE_HEALTHY;
	} else if (sscanf(rest, "task %d (%31[^)]) may be executing", &pid, comm) == 2) {
		line->kind = FR_LINE_TASK;
		line->pid = pid;
		fr_copy(line->comm, sizeof(line->comm), comm);
	} else if (sscanf(rest, "used by module %55[A-Za-z0-9_]", holder) == 1) {
		line->kind = FR_LINE_HOLDER;
		fr_copy(line->holder, sizeof(line->holder), holder);
	} else if (!strncmp(rest, "user: ", 6)) {
		line->kind = FR_LINE_USER;
		fr_copy(line->text, sizeof(line->text), rest + 6);
	} else if (sscanf(rest, "has %d real user", &a) == 1 && a >= 0) {
		line->kind = FR_LINE_USERS;
		line->users = a;
	} else if (!strncmp(rest, FR_LOG_LEFTOVER, strlen(FR_LOG_LEFTOVER))) {
		line->kind = FR_LINE_LEFTOVER;
		fr_copy(line->text, sizeof(line->text), rest + strlen(FR_LOG_LEFTOVER));
	} else if (!fr_leftover_undone_parse(rest, &lkind, object, sizeof(object))) {
		line->kind = FR_LINE_UNDONE;
	} else if (!fr_leftovers_count_parse(rest, &line->leftovers)) {
		line->kind = !strncmp(rest, FR_LOG_LEFTOVERS, strlen(FR_LOG_LEFTOVERS)) ?
			     FR_LINE_LEFTOVERS : FR_LINE_LEFTOVERS_LEFT;
	} else if (!strncmp(rest, "check: ", 7)) {
		const char *u = strstr(rest, ", users ");

		line->kind = FR_LINE_CHECK;
		fr_copy(line->text, sizeof(line->text), rest + 7);
		if (!u || sscanf(u, ", users %d", &line->users) != 1 || line->users < 0)
			line->users = -1;
	} else {
		line->kind = FR_LINE_ERROR;
	}
	return 0;
}
