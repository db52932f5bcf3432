/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Leftovers: what a module whose own exit will not run left registered,
 * as the helper reports it in the kernel log (src/module/leftovers/):
 *
 *   NAME: leftover: KIND OBJECT -> ACTION            found; undone in a rescue
 *   NAME: leftover: KIND OBJECT -> refuse (REASON)   cannot be undone safely
 *   NAME: unregistered filesystem OBJECT             (and the other kinds'
 *                                                    verbs) undone
 *   NAME: cannot undo N leftover(s), refusing (leftovers=force forces)
 *   NAME: left N leftover(s) registered (leftovers=force)
 *   leftover scan: N target(s), M leftover(s), T us
 *
 * helperlog.c classifies the lines (FR_LINE_LEFTOVER, FR_LINE_UNDONE,
 * FR_LINE_LEFTOVERS, FR_LINE_LEFTOVERS_LEFT); the functions below read their
 * text.  Pure functions: they return 0 or -EINVAL and never print.
 */
#ifndef FR_LEFTOVERS_H
#define FR_LEFTOVERS_H

#include <stdbool.h>
#include <stddef.h>

#define FR_LEFTOVER_OBJECT_MAX	128
#define FR_LEFTOVER_REASON_MAX	96

enum fr_leftover_kind {
	FR_LEFTOVER_FILESYSTEM,
	FR_LEFTOVER_MISC,
	FR_LEFTOVER_PROC,
	FR_LEFTOVER_BINFMT,
	FR_LEFTOVER_TCP,
	FR_LEFTOVER_DISK,
	FR_LEFTOVER_TIMER,
	FR_LEFTOVER_DELAYED_WORK,
	FR_LEFTOVER_HRTIMER,
	FR_LEFTOVER_WORK,
	FR_LEFTOVER_NETDEV,
	FR_LEFTOVER_DRIVER,
	FR_LEFTOVER_PDEV,
	FR_LEFTOVER_CRYPTO,
	FR_LEFTOVER_QDISC,
	FR_LEFTOVER_LINK,
	FR_LEFTOVER_NOTIFIER,
	FR_LEFTOVER_PERNET,
	FR_LEFTOVER_INPUT,
	FR_LEFTOVER_LDISC,
	FR_LEFTOVER_XT_MATCH,
	FR_LEFTOVER_XT_TARGET,
	FR_LEFTOVER_KTHREAD,
	FR_LEFTOVER_KMEM,
	FR_LEFTOVER_PTYPE,
	FR_LEFTOVER_STP,
	FR_LEFTOVER_IOCTL,
	FR_LEFTOVER_NLS,
	FR_LEFTOVER_RC_KEYMAP,
	FR_LEFTOVER_CLASS,
	FR_LEFTOVER_WQ,
	FR_LEFTOVER_CHAIN,
	FR_LEFTOVER_REGION,
	FR_LEFTOVER_DEBUGFS,
	FR_LEFTOVER_CRYPTO_TEMPLATE,
	FR_LEFTOVER_CHRDEV,
	FR_LEFTOVER_BUS,
	FR_LEFTOVER_TC_FILTER,
	FR_LEFTOVER_EMATCH,
	FR_LEFTOVER_TC_ACTION,
	FR_LEFTOVER_GENL,
	FR_LEFTOVER_XT_TEMPLATE,
	FR_LEFTOVER_IPVS_SCHED,
	FR_LEFTOVER_DM_TARGET,
	FR_LEFTOVER_USB_FUNCTION,
	FR_LEFTOVER_SOCK_DIAG,
	FR_LEFTOVER_INET_DIAG,
	FR_LEFTOVER_LED_TRIGGER,
	FR_LEFTOVER_KOBJECT,
	FR_LEFTOVER_BLKDEV,
	FR_LEFTOVER_SYSCTL,
	FR_LEFTOVER_CONFIGFS,
	FR_LEFTOVER_NR_KINDS,
};

enum fr_leftover_action {
	FR_LEFTOVER_UNREGISTER,	/* filesystem, misc, binfmt, tcp_congestion, driver, rtnl_link, ... */
	FR_LEFTOVER_REMOVE,	/* proc, debugfs, kobject, disk, netdev (by its driver's remove) */
	FR_LEFTOVER_STOP,	/* timer, kthread */
	FR_LEFTOVER_CANCEL,	/* delayed_work, hrtimer */
	FR_LEFTOVER_DESTROY,	/* kmem_cache, workqueue */
	FR_LEFTOVER_RELEASE,	/* region */
	FR_LEFTOVER_REFUSE,	/* cannot be undone safely: reason says why */
	FR_LEFTOVER_NR_ACTIONS,
};

struct fr_leftover {
	enum fr_leftover_kind kind;
	char object[FR_LEFTOVER_OBJECT_MAX];	/* "accres", "/proc/acc", ... */
	enum fr_leftover_action action;
	char reason[FR_LEFTOVER_REASON_MAX];	/* FR_LEFTOVER_REFUSE only */
	bool undone;				/* its undo line was seen */
};

/* The words of the log lines and of the JSON: "filesystem", "unregister". */
const char *fr_leftover_kind_name(enum fr_leftover_kind kind);
const char *fr_leftover_action_name(enum fr_leftover_action action);

/* @text: what follows "leftover: " (FR_LINE_LEFTOVER's text). */
int fr_leftover_parse(const char *text, struct fr_leftover *lo);
/* @text: a whole FR_LINE_UNDONE text, "unregistered filesystem accres". */
int fr_leftover_undone_parse(const char *text, enum fr_leftover_kind *kind,
			     char *object, size_t size);
/* Mark the leftover of @kind and @object undone; -ENOENT if none matches. */
int fr_leftover_mark_undone(struct fr_leftover *list, int n,
			    enum fr_leftover_kind kind, const char *object);
/* @text: a FR_LINE_LEFTOVERS or FR_LINE_LEFTOVERS_LEFT text: its N. */
int fr_leftovers_count_parse(const char *text, int *count);
/* @text: the text of "leftover scan: ..." after "force_rmmod: ". */
int fr_leftover_scan_parse(const char *text, int *targets, int *found,
			   long *us);

/*
 * One leftover as a JSON object, {"kind": "filesystem", "name": "accres",
 * "action": "unregister"} (with "reason" when refused and "undone": true
 * once undone), or as words for a person: "unregister filesystem accres",
 * "refuse misc acc (open)".  -ENOSPC if @size is too small.
 */
int fr_leftover_json(const struct fr_leftover *lo, char *buf, size_t size);
int fr_leftover_describe(const struct fr_leftover *lo, char *buf, size_t size);

#endif
