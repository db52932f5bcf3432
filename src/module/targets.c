// SPDX-License-Identifier: GPL-2.0
/*
 * The targets: the names in modname=, each found in /sys/module and checked
 * before anything is written, and the decisions made for them (exit= and
 * users=).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/kobject.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "force_rmmod.h"
#include "arch.h"

struct fr_rescue fr_rescues[FR_MAX_TARGETS] __initdata;
unsigned int fr_nr_rescues __initdata;

const char * __init fr_state_name(enum module_state state)
{
	switch (state) {
	case MODULE_STATE_LIVE:
		return "live";
	case MODULE_STATE_COMING:
		return "coming";
	case MODULE_STATE_GOING:
		return "going";
	default:
		return "unformed";
	}
}

const char * __init fr_exit_name(const struct module *mod)
{
	if (!mod->exit)
		return "none";
	return mod->exit == fr_stub_exit ? "stub" : "own";
}

/* A name as kmod accepts it, with '-' turned into '_' in @out. */
static int __init fr_normalise(const char *in, char *out)
{
	size_t i, len = strlen(in);

	if (!len)
		return -EINVAL;
	if (len >= MODULE_NAME_LEN)
		return -ENAMETOOLONG;
	for (i = 0; i < len; i++) {
		if (!isalnum(in[i]) && in[i] != '_' && in[i] != '-')
			return -EINVAL;
		out[i] = in[i] == '-' ? '_' : in[i];
	}
	out[len] = '\0';
	return 0;
}

/*
 * A module the kernel lists but /sys/module does not: its load stopped, or
 * crashed, before mod_sysfs_setup() (in a parameter's set function, say).
 * Report its real state; it cannot be rescued (no kobject keeps it).  The
 * list (kernel/module/main.c's "modules") is walked under RCU, as the kernel
 * does.
 */
static bool __init fr_report_unlisted(const char *name)
{
	struct list_head *modules;
	struct module *mod;
	bool found = false;

	modules = fr_modules_list();
	if (!modules)
		return false;
	rcu_read_lock();
	list_for_each_entry_rcu(mod, modules, list) {
		if (strcmp(mod->name, name))
			continue;
		pr_err("%s: %s, but not in /sys/module (its load stopped before it got there), cannot be rescued\n",
		       name, fr_state_name(READ_ONCE(mod->state)));
		found = true;
		break;
	}
	rcu_read_unlock();
	return found;
}

/*
 * Find a loaded module by name through the module kset (/sys/module), which
 * holds both loadable and built-in modules.  On success the returned kobject
 * reference keeps the module from being freed: free_module() waits for it.
 */
static int __init fr_find(struct fr_rescue *t)
{
	struct kobject *kobj;
	struct module_kobject *mk;

	kobj = kset_find_obj(THIS_MODULE->mkobj.kobj.kset, t->name);
	if (!kobj) {
		if (fr_report_unlisted(t->name))
			return -EBUSY;
		pr_err("%s: not loaded\n", t->name);
		return -ENOENT;
	}
	mk = container_of(kobj, struct module_kobject, kobj);
	if (kobj->ktype != THIS_MODULE->mkobj.kobj.ktype) {
		pr_err("%s: /sys/module entry is not a module\n", t->name);
		goto out_put;
	}
	if (!mk->mod) {
		pr_err("%s: built into the kernel, cannot be unloaded\n",
		       t->name);
		goto out_put;
	}
	if (mk->mod == THIS_MODULE) {
		pr_err("%s: is the rescue module itself\n", t->name);
		goto out_put;
	}
	if (&mk->mod->mkobj != mk || strcmp(mk->mod->name, t->name)) {
		pr_err("%s: module object does not match its sysfs entry\n",
		       t->name);
		goto out_put;
	}
	t->kobj = kobj;
	t->mod = mk->mod;
	return 0;

out_put:
	kobject_put(kobj);
	return -EINVAL;
}

void __init fr_put_targets(void)
{
	unsigned int i;

	for (i = 0; i < fr_nr_rescues; i++)
		kobject_put(fr_rescues[i].kobj);
}

bool __init fr_is_target(const struct module *mod)
{
	unsigned int i;

	for (i = 0; i < fr_nr_rescues; i++)
		if (fr_rescues[i].mod == mod)
			return true;
	return false;
}

/* Add one name of modname= (normalised, looked up), once. */
static int __init fr_add_target(const char *tok)
{
	char name[MODULE_NAME_LEN];
	unsigned int i;
	int ret;

	ret = fr_normalise(tok, name);
	if (ret) {
		pr_err("'%s': %s module name\n", tok,
		       ret == -ENAMETOOLONG ? "over-long" :
		       *tok ? "malformed" : "empty");
		return ret;
	}
	for (i = 0; i < fr_nr_rescues; i++)
		if (!strcmp(fr_rescues[i].name, name))
			return 0;
	if (fr_nr_rescues == FR_MAX_TARGETS) {
		pr_err("%s: more than %d modules named\n", name,
		       FR_MAX_TARGETS);
		return -E2BIG;
	}
	strscpy(fr_rescues[fr_nr_rescues].name, name, MODULE_NAME_LEN);
	ret = fr_find(&fr_rescues[fr_nr_rescues]);
	if (ret)
		return ret;
	fr_nr_rescues++;
	return 0;
}

/* Split modname=, normalise, drop duplicates, look every name up. */
int __init fr_parse_targets(const char *modname)
{
	char *list, *cur, *tok;
	int ret = 0;

	if (!modname) {
		pr_err(FR_STR(FR_PARAM_MODNAME) "= is missing\n");
		return -EINVAL;
	}
	list = kstrdup(modname, GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	cur = list;
	while ((tok = strsep(&cur, ",")) != NULL) {
		ret = fr_add_target(tok);
		if (ret)
			break;
	}
	kfree(list);
	return ret;
}

/* exit= and users= into their enums; errors name the first target. */
int __init fr_parse_policy(const char *exit, const char *users,
			   enum fr_exit_policy *exit_policy,
			   enum fr_users_policy *users_policy)
{
	if (!strcmp(exit, FR_EXIT_MODE_AUTO)) {
		*exit_policy = FR_STUB_AUTO;
	} else if (!strcmp(exit, FR_EXIT_MODE_KEEP)) {
		*exit_policy = FR_STUB_NEVER;
	} else if (!strcmp(exit, FR_EXIT_MODE_STUB)) {
		*exit_policy = FR_STUB_ALWAYS;
	} else {
		pr_err("%s: unknown exit=%s (auto, keep or stub)\n",
		       fr_rescues[0].name, exit);
		return -EINVAL;
	}
	if (!strcmp(users, FR_USERS_REFUSE)) {
		*users_policy = FR_REFUSE_USERS;
	} else if (!strcmp(users, FR_USERS_IGNORE)) {
		*users_policy = FR_IGNORE_USERS;
	} else {
		pr_err("%s: unknown users=%s (refuse or ignore)\n",
		       fr_rescues[0].name, users);
		return -EINVAL;
	}
	return 0;
}

/*
 * delete_module() calls mod->exit indirectly: with indirect-branch tracking
 * (x86's IBT, arm64's BTI) it must begin with a landing pad.
 */
static int __init fr_check_landing_pad(enum fr_exit_policy policy)
{
	const char *what;

	/* Whatever exit=auto decides now: it decides again later. */
	if (policy == FR_STUB_NEVER)
		return 0;
	if (fr_arch_landing_pad(fr_stub_exit, &what)) {
		pr_err("%s: replacement exit lacks %s, refusing\n",
		       fr_rescues[0].name, what);
		return -ENOEXEC;
	}
	return 0;
}

/*
 * exit=auto: a crashed init or exit leaves state half set up or half torn
 * down, and running the module's exit on it would crash again.  A LIVE
 * module keeps its own exit, if it has one.
 */
bool __init fr_auto_stub(const struct module *mod, enum module_state state)
{
	/* An exit replaced by an earlier rescue: its own will not run either. */
	return state != MODULE_STATE_LIVE || (mod->init && !mod->exit) ||
	       mod->exit == fr_stub_exit;
}

/* Decide each target's exit; refuse impossible ones. */
int __init fr_decide_exits(enum fr_exit_policy policy)
{
	unsigned int i;

	for (i = 0; i < fr_nr_rescues; i++) {
		struct fr_rescue *t = &fr_rescues[i];
		struct module *mod = t->mod;

		switch (policy) {
		case FR_STUB_NEVER:
			if (!mod->exit) {
				pr_err("%s: exit=keep, but it has no exit function\n",
				       t->name);
				return -EINVAL;
			}
			t->stub = false;
			break;
		case FR_STUB_ALWAYS:
			t->stub = true;
			t->stub_asked = true;
			break;
		default:
			/* Decided again with the snapshot (fr_snapshot()). */
			t->stub_auto = true;
			t->stub = fr_auto_stub(mod, READ_ONCE(mod->state));
			break;
		}
	}
	return fr_check_landing_pad(policy);
}
