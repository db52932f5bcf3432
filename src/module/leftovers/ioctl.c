// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover socket ioctl hooks (net/socket.c): the private function
 * pointers vlan_ioctl_hook (8021q's SIOCGIFVLAN and SIOCSIFVLAN) and
 * br_ioctl_hook (the bridge's), when they point into the target's text;
 * undone with vlan_ioctl_set(NULL) and brioctl_set(NULL), which take the
 * hook's mutex: a task in the hook holds it, and is executing the target's
 * code (tasks.c refuses it).  The mutex is looked at for 100 ms first, and
 * the call is bounded.
 */
#include <linux/if_bridge.h>
#include <linux/if_vlan.h>
#include <linux/mutex.h>

#include "leftovers.h"

struct fr_hook {
	char name[8];		/* the log's: "vlan" */
	char sym[24];		/* the hook */
	char lock[24];		/* its mutex */
	void (*clear)(void *arg);
};

static void fr_clear_vlan(void *arg)
{
	vlan_ioctl_set(NULL);
}

static void fr_clear_bridge(void *arg)
{
	brioctl_set(NULL);
}

static const struct fr_hook fr_hooks[] __initconst = {
	{ "vlan", "vlan_ioctl_hook", "vlan_ioctl_mutex", fr_clear_vlan },
	{ "bridge", "br_ioctl_hook", "br_ioctl_mutex", fr_clear_bridge },
};

static unsigned long *fr_hook_at[ARRAY_SIZE(fr_hooks)] __initdata;
static struct mutex *fr_hook_lock[ARRAY_SIZE(fr_hooks)] __initdata;

static void __init fr_lookup_hooks(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fr_hooks); i++) {
		fr_hook_at[i] = fr_lookup(FR_LAYOUT_IOCTL_HOOKS, fr_hooks[i].sym,
					  sizeof(*fr_hook_at[i]));
		fr_hook_lock[i] = fr_lookup(FR_LAYOUT_IOCTL_HOOKS, fr_hooks[i].lock,
					    sizeof(*fr_hook_lock[i]));
	}
}

static int __init fr_find_hooks(void)
{
	struct fr_leftover *lo;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fr_hooks); i++) {
		if (!fr_hook_at[i]) {
			if (fr_missing(FR_LAYOUT_IOCTL_HOOKS) == -ERANGE)
				return -ERANGE;
			continue;	/* not in this kernel */
		}
		if (!fr_hook_lock[i])
			return -ERANGE;	/* the hook without its lock */
		if (!fr_in_text(fr_lo_target->mod, READ_ONCE(*fr_hook_at[i])))
			continue;
		lo = fr_lo_add(&fr_lo_ioctl, (void *)&fr_hooks[i]);
		if (!lo)
			break;
		lo->link = i;
		strscpy(lo->name, fr_hooks[i].name, sizeof(lo->name));
	}
	return 0;
}

static enum fr_why __init fr_undo_hook(struct fr_leftover *lo)
{
	unsigned int i = lo->link;

	if (!fr_in_text(lo->t->mod, READ_ONCE(*fr_hook_at[i])))
		return FR_GONE;
	if (!fr_mutex_free(fr_hook_lock[i]))
		return FR_LOCKED;
	return fr_call_bounded(fr_hooks[i].clear, NULL);
}

/* Only the hook itself points into the target. */
static bool __init fr_hook_explains(const struct fr_leftover *lo,
				    unsigned long where, unsigned long v)
{
	return where == (unsigned long)fr_hook_at[lo->link];
}

const struct fr_lo_kind fr_lo_ioctl __initconst = {
	.name = FR_LO_KIND_IOCTL,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_IOCTL,
	.lookup = fr_lookup_hooks,
	.find = fr_find_hooks,
	.undo = fr_undo_hook,
	.explains = fr_hook_explains,
};
