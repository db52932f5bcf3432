// SPDX-License-Identifier: GPL-2.0
/*
 * The helper's leftover lines (see leftovers.h for the whole set): what a
 * target left registered, what was undone, what was refused, and how long
 * the scan took.  The words come from src/module/contract.h, which the
 * module writes them with.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leftovers.h"
#include "../module/contract.h"

static const char *const fr_kind_names[FR_LEFTOVER_NR_KINDS] = {
	[FR_LEFTOVER_FILESYSTEM] = FR_LO_KIND_FS,
	[FR_LEFTOVER_MISC] = FR_LO_KIND_MISC,
	[FR_LEFTOVER_PROC] = FR_LO_KIND_PROC,
	[FR_LEFTOVER_BINFMT] = FR_LO_KIND_BINFMT,
	[FR_LEFTOVER_TCP] = FR_LO_KIND_TCP,
	[FR_LEFTOVER_DISK] = FR_LO_KIND_DISK,
	[FR_LEFTOVER_TIMER] = FR_LO_KIND_TIMER,
	[FR_LEFTOVER_DELAYED_WORK] = FR_LO_KIND_DWORK,
	[FR_LEFTOVER_HRTIMER] = FR_LO_KIND_HRTIMER,
	[FR_LEFTOVER_WORK] = FR_LO_KIND_WORK,
	[FR_LEFTOVER_NETDEV] = FR_LO_KIND_NETDEV,
	[FR_LEFTOVER_DRIVER] = FR_LO_KIND_DRIVER,
	[FR_LEFTOVER_PDEV] = FR_LO_KIND_PDEV,
	[FR_LEFTOVER_CRYPTO] = FR_LO_KIND_CRYPTO,
	[FR_LEFTOVER_QDISC] = FR_LO_KIND_QDISC,
	[FR_LEFTOVER_LINK] = FR_LO_KIND_LINK,
	[FR_LEFTOVER_NOTIFIER] = FR_LO_KIND_NOTIFIER,
	[FR_LEFTOVER_PERNET] = FR_LO_KIND_PERNET,
	[FR_LEFTOVER_INPUT] = FR_LO_KIND_INPUT,
	[FR_LEFTOVER_LDISC] = FR_LO_KIND_LDISC,
	[FR_LEFTOVER_XT_MATCH] = FR_LO_KIND_XT_MATCH,
	[FR_LEFTOVER_XT_TARGET] = FR_LO_KIND_XT_TARGET,
	[FR_LEFTOVER_KTHREAD] = FR_LO_KIND_KTHREAD,
	[FR_LEFTOVER_KMEM] = FR_LO_KIND_KMEM,
	[FR_LEFTOVER_PTYPE] = FR_LO_KIND_PTYPE,
	[FR_LEFTOVER_STP] = FR_LO_KIND_STP,
	[FR_LEFTOVER_IOCTL] = FR_LO_KIND_IOCTL,
	[FR_LEFTOVER_NLS] = FR_LO_KIND_NLS,
	[FR_LEFTOVER_RC_KEYMAP] = FR_LO_KIND_RC_KEYMAP,
	[FR_LEFTOVER_CLASS] = FR_LO_KIND_CLASS,
	[FR_LEFTOVER_WQ] = FR_LO_KIND_WQ,
	[FR_LEFTOVER_CHAIN] = FR_LO_KIND_CHAIN,
	[FR_LEFTOVER_REGION] = FR_LO_KIND_REGION,
	[FR_LEFTOVER_DEBUGFS] = FR_LO_KIND_DEBUGFS,
	[FR_LEFTOVER_CRYPTO_TEMPLATE] = FR_LO_KIND_CRYPTO_TEMPLATE,
	[FR_LEFTOVER_CHRDEV] = FR_LO_KIND_CHRDEV,
	[FR_LEFTOVER_BUS] = FR_LO_KIND_BUS,
	[FR_LEFTOVER_TC_FILTER] = FR_LO_KIND_TC_FILTER,
	[FR_LEFTOVER_EMATCH] = FR_LO_KIND_EMATCH,
	[FR_LEFTOVER_TC_ACTION] = FR_LO_KIND_TC_ACTION,
	[FR_LEFTOVER_GENL] = FR_LO_KIND_GENL,
	[FR_LEFTOVER_LED_TRIGGER] = FR_LO_KIND_LED_TRIGGER,
	[FR_LEFTOVER_INET_DIAG] = FR_LO_KIND_INET_DIAG,
	[FR_LEFTOVER_SOCK_DIAG] = FR_LO_KIND_SOCK_DIAG,
	[FR_LEFTOVER_USB_FUNCTION] = FR_LO_KIND_USB_FUNCTION,
	[FR_LEFTOVER_DM_TARGET] = FR_LO_KIND_DM_TARGET,
	[FR_LEFTOVER_IPVS_SCHED] = FR_LO_KIND_IPVS_SCHED,
	[FR_LEFTOVER_XT_TEMPLATE] = FR_LO_KIND_XT_TEMPLATE,
	[FR_LEFTOVER_KOBJECT] = FR_LO_KIND_KOBJECT,
	[FR_LEFTOVER_BLKDEV] = FR_LO_KIND_BLKDEV,
	[FR_LEFTOVER_SYSCTL] = FR_LO_KIND_SYSCTL,
	[FR_LEFTOVER_CONFIGFS] = FR_LO_KIND_CONFIGFS,
};

static const char *const fr_action_names[FR_LEFTOVER_NR_ACTIONS] = {
	[FR_LEFTOVER_UNREGISTER] = FR_LO_ACT_UNREGISTER,
	[FR_LEFTOVER_REMOVE] = FR_LO_ACT_REMOVE,
	[FR_LEFTOVER_STOP] = FR_LO_ACT_STOP,
	[FR_LEFTOVER_CANCEL] = FR_LO_ACT_CANCEL,
	[FR_LEFTOVER_DESTROY] = FR_LO_ACT_DESTROY,
	[FR_LEFTOVER_RELEASE] = FR_LO_ACT_RELEASE,
	[FR_LEFTOVER_REFUSE] = FR_LO_ACT_REFUSE,
};

/* The undo line of each kind, "unregistered filesystem " + OBJECT. */
static const char *const fr_undone_words[FR_LEFTOVER_NR_KINDS] = {
	[FR_LEFTOVER_FILESYSTEM] = FR_LOG_UNDONE_FS,
	[FR_LEFTOVER_MISC] = FR_LOG_UNDONE_MISC,
	[FR_LEFTOVER_PROC] = FR_LOG_UNDONE_PROC,
	[FR_LEFTOVER_BINFMT] = FR_LOG_UNDONE_BINFMT,
	[FR_LEFTOVER_TCP] = FR_LOG_UNDONE_TCP,
	[FR_LEFTOVER_DISK] = FR_LOG_UNDONE_DISK,
	[FR_LEFTOVER_TIMER] = FR_LOG_UNDONE_TIMER,
	[FR_LEFTOVER_DELAYED_WORK] = FR_LOG_UNDONE_DWORK,
	[FR_LEFTOVER_HRTIMER] = FR_LOG_UNDONE_HRTIMER,
	[FR_LEFTOVER_WORK] = NULL,	/* never undone: waited for, or refused */
	[FR_LEFTOVER_NETDEV] = FR_LOG_UNDONE_NETDEV,
	[FR_LEFTOVER_DRIVER] = FR_LOG_UNDONE_DRIVER,
	[FR_LEFTOVER_PDEV] = FR_LOG_UNDONE_PDEV,
	[FR_LEFTOVER_CRYPTO] = FR_LOG_UNDONE_CRYPTO,
	[FR_LEFTOVER_QDISC] = FR_LOG_UNDONE_QDISC,
	[FR_LEFTOVER_LINK] = FR_LOG_UNDONE_LINK,
	[FR_LEFTOVER_NOTIFIER] = FR_LOG_UNDONE_NOTIFIER,
	[FR_LEFTOVER_PERNET] = FR_LOG_UNDONE_PERNET,
	[FR_LEFTOVER_INPUT] = FR_LOG_UNDONE_INPUT,
	[FR_LEFTOVER_LDISC] = FR_LOG_UNDONE_LDISC,
	[FR_LEFTOVER_XT_MATCH] = FR_LOG_UNDONE_XT_MATCH,
	[FR_LEFTOVER_XT_TARGET] = FR_LOG_UNDONE_XT_TARGET,
	[FR_LEFTOVER_KTHREAD] = FR_LOG_UNDONE_KTHREAD,
	[FR_LEFTOVER_KMEM] = FR_LOG_UNDONE_KMEM,
	[FR_LEFTOVER_PTYPE] = FR_LOG_UNDONE_PTYPE,
	[FR_LEFTOVER_STP] = FR_LOG_UNDONE_STP,
	[FR_LEFTOVER_IOCTL] = FR_LOG_UNDONE_IOCTL,
	[FR_LEFTOVER_NLS] = FR_LOG_UNDONE_NLS,
	[FR_LEFTOVER_RC_KEYMAP] = FR_LOG_UNDONE_RC_KEYMAP,
	[FR_LEFTOVER_CLASS] = FR_LOG_UNDONE_CLASS,
	[FR_LEFTOVER_WQ] = FR_LOG_UNDONE_WQ,
	[FR_LEFTOVER_CHAIN] = FR_LOG_UNDONE_CHAIN,
	[FR_LEFTOVER_REGION] = FR_LOG_UNDONE_REGION,
	[FR_LEFTOVER_DEBUGFS] = FR_LOG_UNDONE_DEBUGFS,
	[FR_LEFTOVER_CRYPTO_TEMPLATE] = FR_LOG_UNDONE_CRYPTO_TEMPLATE,
	[FR_LEFTOVER_CHRDEV] = FR_LOG_UNDONE_CHRDEV,
	[FR_LEFTOVER_BUS] = FR_LOG_UNDONE_BUS,
	[FR_LEFTOVER_TC_FILTER] = FR_LOG_UNDONE_TC_FILTER,
	[FR_LEFTOVER_EMATCH] = FR_LOG_UNDONE_EMATCH,
	[FR_LEFTOVER_TC_ACTION] = FR_LOG_UNDONE_TC_ACTION,
	[FR_LEFTOVER_GENL] = FR_LOG_UNDONE_GENL,
	[FR_LEFTOVER_LED_TRIGGER] = FR_LOG_UNDONE_LED_TRIGGER,
	[FR_LEFTOVER_INET_DIAG] = FR_LOG_UNDONE_INET_DIAG,
	[FR_LEFTOVER_SOCK_DIAG] = FR_LOG_UNDONE_SOCK_DIAG,
	[FR_LEFTOVER_USB_FUNCTION] = FR_LOG_UNDONE_USB_FUNCTION,
	[FR_LEFTOVER_DM_TARGET] = FR_LOG_UNDONE_DM_TARGET,
	[FR_LEFTOVER_IPVS_SCHED] = FR_LOG_UNDONE_IPVS_SCHED,
	[FR_LEFTOVER_XT_TEMPLATE] = FR_LOG_UNDONE_XT_TEMPLATE,
	[FR_LEFTOVER_KOBJECT] = FR_LOG_UNDONE_KOBJECT,
	[FR_LEFTOVER_BLKDEV] = FR_LOG_UNDONE_BLKDEV,
	[FR_LEFTOVER_SYSCTL] = FR_LOG_UNDONE_SYSCTL,
	[FR_LEFTOVER_CONFIGFS] = NULL,	/* never undone: refused */
};

const char *fr_leftover_kind_name(enum fr_leftover_kind kind)
{
	return kind < FR_LEFTOVER_NR_KINDS ? fr_kind_names[kind] : "?";
}

const char *fr_leftover_action_name(enum fr_leftover_action action)
{
	return action < FR_LEFTOVER_NR_ACTIONS ? fr_action_names[action] : "?";
}

/* Copy @len bytes of @src into @dst of @size; -EINVAL if empty or too long. */
static int fr_copy_n(char *dst, size_t size, const char *src, size_t len)
{
	if (!len || len >= size)
		return -EINVAL;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return 0;
}

/* "KIND OBJECT -> ACTION" or "KIND OBJECT -> refuse (REASON)". */
int fr_leftover_parse(const char *text, struct fr_leftover *lo)
{
	const char *sp, *arrow, *act, *open;
	size_t klen;
	int k, a;

	memset(lo, 0, sizeof(*lo));
	sp = strchr(text, ' ');
	arrow = strstr(text, FR_LOG_LEFTOVER_TO);
	if (!sp || !arrow || arrow <= sp)
		return -EINVAL;
	klen = sp - text;
	for (k = 0; k < FR_LEFTOVER_NR_KINDS; k++)
		if (strlen(fr_kind_names[k]) == klen &&
		    !strncmp(text, fr_kind_names[k], klen))
			break;
	if (k == FR_LEFTOVER_NR_KINDS)
		return -EINVAL;
	lo->kind = k;
	if (fr_copy_n(lo->object, sizeof(lo->object), sp + 1, arrow - sp - 1))
		return -EINVAL;

	act = arrow + strlen(FR_LOG_LEFTOVER_TO);
	for (a = 0; a < FR_LEFTOVER_NR_ACTIONS; a++) {
		size_t alen = strlen(fr_action_names[a]);

		if (!strncmp(act, fr_action_names[a], alen) &&
		    (!act[alen] || act[alen] == ' '))
			break;
	}
	if (a == FR_LEFTOVER_NR_ACTIONS)
		return -EINVAL;
	lo->action = a;
	act += strlen(fr_action_names[a]);
	if (a != FR_LEFTOVER_REFUSE)
		return *act ? -EINVAL : 0;
	/* refuse (REASON): the reason is optional, its parentheses are not. */
	if (!*act)
		return 0;
	open = act;
	if (strncmp(open, " (", 2) || act[strlen(act) - 1] != ')')
		return -EINVAL;
	return fr_copy_n(lo->reason, sizeof(lo->reason), open + 2,
			 strlen(open + 2) - 1);
}

/* Also "gone with an earlier undo: KIND NAME", which names the kind. */
int fr_leftover_undone_parse(const char *text, enum fr_leftover_kind *kind,
			     char *object, size_t size)
{
	bool gone = !strncmp(text, FR_LOG_GONE, strlen(FR_LOG_GONE));

	if (gone)
		text += strlen(FR_LOG_GONE);
	for (int k = 0; k < FR_LEFTOVER_NR_KINDS; k++) {
		const char *w = gone ? fr_kind_names[k] : fr_undone_words[k];
		size_t len = w ? strlen(w) : 0;

		if (!w || strncmp(text, w, len) || (gone && text[len++] != ' '))
			continue;
		if (fr_copy_n(object, size, text + len, strlen(text + len)))
			return -EINVAL;
		*kind = k;
		return 0;
	}
	return -EINVAL;
}

int fr_leftover_mark_undone(struct fr_leftover *list, int n,
			    enum fr_leftover_kind kind, const char *object)
{
	for (int i = 0; i < n; i++) {
		if (list[i].kind != kind || list[i].undone ||
		    list[i].action == FR_LEFTOVER_REFUSE)
			continue;
		/* A /proc directory is undone with what it holds. */
		if (!strcmp(list[i].object, object)) {
			list[i].undone = true;
			return 0;
		}
	}
	return -ENOENT;
}

/* A non-negative decimal number at @s, followed by @rest; -EINVAL if not. */
static int fr_number_then(const char *s, const char *rest, long *out)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || strncmp(end, rest, strlen(rest)))
		return -EINVAL;
	*out = v;
	return 0;
}

/* "cannot undo N leftover(s), ..." or "left N leftover(s) registered ..." */
int fr_leftovers_count_parse(const char *text, int *count)
{
	const char *words[] = { FR_LOG_LEFTOVERS, FR_LOG_LEFTOVERS_LEFT };
	long v;

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strncmp(text, words[i], strlen(words[i])))
			continue;
		if (fr_number_then(text + strlen(words[i]), " leftover(s)", &v) ||
		    v > 1000000)
			return -EINVAL;
		*count = v;
		return 0;
	}
	return -EINVAL;
}

/* "leftover scan: N target(s), M leftover(s), T us" */
int fr_leftover_scan_parse(const char *text, int *targets, int *found, long *us)
{
	const char *p = text;
	long t, f, u;

	if (strncmp(p, FR_LOG_LEFTOVER_SCAN, strlen(FR_LOG_LEFTOVER_SCAN)))
		return -EINVAL;
	p += strlen(FR_LOG_LEFTOVER_SCAN);
	if (fr_number_then(p, " target(s), ", &t) || t > 1000000)
		return -EINVAL;
	p = strstr(p, ", ") + 2;
	if (fr_number_then(p, " leftover(s), ", &f) || f > 1000000)
		return -EINVAL;
	p = strstr(p, ", ") + 2;
	if (fr_number_then(p, " us", &u) || strcmp(strstr(p, " us"), " us"))
		return -EINVAL;
	*targets = t;
	*found = f;
	*us = u;
	return 0;
}

/* Append @s to @buf as a JSON string; false if it does not fit. */
static bool fr_json_put(char *buf, size_t size, size_t *used, const char *s)
{
	char tmp[8];

	for (; *s; s++) {
		const char *piece = tmp;
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			snprintf(tmp, sizeof(tmp), "\\%c", c);
		else if (c < 0x20)
			snprintf(tmp, sizeof(tmp), "\\u%04x", c);
		else
			snprintf(tmp, sizeof(tmp), "%c", c);
		if (*used + strlen(piece) >= size)
			return false;
		memcpy(buf + *used, piece, strlen(piece));
		*used += strlen(piece);
	}
	buf[*used] = '\0';
	return true;
}

static bool fr_raw_put(char *buf, size_t size, size_t *used, const char *s)
{
	size_t len = strlen(s);

	if (*used + len >= size)
		return false;
	memcpy(buf + *used, s, len + 1);
	*used += len;
	return true;
}

int fr_leftover_json(const struct fr_leftover *lo, char *buf, size_t size)
{
	size_t used = 0;
	bool ok;

	if (!size)
		return -ENOSPC;
	buf[0] = '\0';
	ok = fr_raw_put(buf, size, &used, "{\"kind\": \"") &&
	     fr_json_put(buf, size, &used, fr_leftover_kind_name(lo->kind)) &&
	     fr_raw_put(buf, size, &used, "\", \"name\": \"") &&
	     fr_json_put(buf, size, &used, lo->object) &&
	     fr_raw_put(buf, size, &used, "\", \"action\": \"") &&
	     fr_json_put(buf, size, &used, fr_leftover_action_name(lo->action)) &&
	     fr_raw_put(buf, size, &used, "\"");
	if (ok && lo->action == FR_LEFTOVER_REFUSE && lo->reason[0])
		ok = fr_raw_put(buf, size, &used, ", \"reason\": \"") &&
		     fr_json_put(buf, size, &used, lo->reason) &&
		     fr_raw_put(buf, size, &used, "\"");
	if (ok && lo->undone)
		ok = fr_raw_put(buf, size, &used, ", \"undone\": true");
	if (ok)
		ok = fr_raw_put(buf, size, &used, "}");
	return ok ? 0 : -ENOSPC;
}

int fr_leftover_describe(const struct fr_leftover *lo, char *buf, size_t size)
{
	int n;

	if (lo->action == FR_LEFTOVER_REFUSE && lo->reason[0])
		n = snprintf(buf, size, "%s %s %s (%s)",
			     fr_leftover_action_name(lo->action),
			     fr_leftover_kind_name(lo->kind), lo->object,
			     lo->reason);
	else
		n = snprintf(buf, size, "%s %s %s",
			     fr_leftover_action_name(lo->action),
			     fr_leftover_kind_name(lo->kind), lo->object);
	return n < 0 || (size_t)n >= size ? -ENOSPC : 0;
}
