// SPDX-License-Identifier: GPL-2.0
/*
 * force_rmmod - make a stuck module removable with a plain rmmod
 *
 * Loaded as "force_rmmod modname=NAME[,NAME...] [exit=auto|keep|stub]", it
 * repairs what makes delete_module() refuse each target:
 *
 *   - state other than LIVE (init crashed: COMING; exit crashed: GOING),
 *   - a reference count above its base (a leaked reference),
 *   - an init function without an exit function, or an exit that crashed.
 *
 * It refuses, changing nothing, when another module depends on a target or
 * when a task may still be executing a target's code.  Everything is checked
 * for all targets before anything is written.  Forcing taints the kernel with
 * TAINT_FORCED_RMMOD ('R'), as "rmmod -f" does.
 *
 * Module loading only ever calls init: the work happens there, and the helper
 * stays loaded holding nothing, so "rmmod TARGET" and "rmmod force_rmmod"
 * work in either order.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/ctype.h>
#include <linux/kallsyms.h>
#include <linux/kobject.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#ifdef CONFIG_X86_KERNEL_IBT
#include <asm/ibt.h>
#endif

#include "version.h"

/* kernel/module/internal.h: the count a module has when nobody uses it. */
#define FR_REF_BASE		1
#define FR_MAX_TARGETS		64

static char *modname;
module_param(modname, charp, 0444);
MODULE_PARM_DESC(modname,
		 "Comma-separated modules to rescue, '-' and '_' alike (required, up to 64)");

static char *exit_mode = "auto";
module_param_named(exit, exit_mode, charp, 0444);
MODULE_PARM_DESC(exit,
		 "auto: replace a missing or crashed exit, keep: keep the target's own exit, stub: always replace it (default: auto)");

enum fr_exit { FR_EXIT_AUTO, FR_EXIT_KEEP, FR_EXIT_STUB };

struct fr_target {
	char name[MODULE_NAME_LEN];
	struct kobject *kobj;	/* from kset_find_obj(): keeps mod from being freed */
	struct module *mod;
	bool stub;		/* replace mod->exit */
};

static struct fr_target fr_targets[FR_MAX_TARGETS] __initdata;
static unsigned int fr_nr_targets __initdata;

/*
 * The replacement exit.  It must live outside this module, so that unloading
 * force_rmmod first cannot leave a target pointing at freed code, and it must
 * be a function whose address is taken (exported) so that it starts with ENDBR
 * on kernels with IBT.  rcu_barrier() is harmless and even useful here: it
 * waits for RCU callbacks that the broken module may still have queued before
 * its code is freed.
 */
#define fr_stub_exit rcu_barrier

/*
 * module_mutex is not exported.  Find it through kallsyms without calling a
 * looked-up address: registering a kprobe on a data symbol fails, but the
 * kprobe core resolves the name first and leaves the address in kp.addr.
 * Trust it only if sprint_symbol() names exactly @name+0x0 in the kernel
 * proper (no "[module]" suffix).
 */
static void * __init fr_lookup_data(const char *name)
{
	struct kprobe kp = { .symbol_name = name };
	char sym[KSYM_SYMBOL_LEN];
	size_t len = strlen(name);

	if (!register_kprobe(&kp)) {
		/* Probeable means text, not the data we asked for. */
		unregister_kprobe(&kp);
		return NULL;
	}
	if (!kp.addr)
		return NULL;
	sprint_symbol(sym, (unsigned long)kp.addr);
	if (strncmp(sym, name, len) || strncmp(sym + len, "+0x0/", 5) ||
	    strchr(sym, '['))
		return NULL;
	return kp.addr;
}

static struct mutex *fr_module_mutex __initdata;

static void __init fr_lock_modules(void)
{
	if (fr_module_mutex)
		mutex_lock(fr_module_mutex);
}

static void __init fr_unlock_modules(void)
{
	if (fr_module_mutex)
		mutex_unlock(fr_module_mutex);
}

static const char * __init fr_state_name(enum module_state state)
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

static const char * __init fr_exit_name(const struct module *mod)
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
 * Find a loaded module by name through the module kset (/sys/module), which
 * holds both loadable and built-in modules.  On success the returned kobject
 * reference keeps the module from being freed: free_module() waits for it.
 */
static int __init fr_find(struct fr_target *t)
{
	struct kobject *kobj;
	struct module_kobject *mk;

	kobj = kset_find_obj(THIS_MODULE->mkobj.kobj.kset, t->name);
	if (!kobj) {
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

static void __init fr_put_targets(void)
{
	unsigned int i;

	for (i = 0; i < fr_nr_targets; i++)
		kobject_put(fr_targets[i].kobj);
}

static bool __init fr_is_target(const struct module *mod)
{
	unsigned int i;

	for (i = 0; i < fr_nr_targets; i++)
		if (fr_targets[i].mod == mod)
			return true;
	return false;
}

/* Split modname, normalise, drop duplicates, look every name up. */
static int __init fr_parse_targets(void)
{
	char *list, *cur, *tok;
	char name[MODULE_NAME_LEN];
	unsigned int i;
	int ret = 0;

	if (!modname) {
		pr_err("modname= is missing: name the module(s) to rescue\n");
		return -EINVAL;
	}
	list = kstrdup(modname, GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	cur = list;
	while ((tok = strsep(&cur, ",")) != NULL) {
		ret = fr_normalise(tok, name);
		if (ret) {
			pr_err("'%s': %s module name\n", tok,
			       ret == -ENAMETOOLONG ? "over-long" :
			       *tok ? "malformed" : "empty");
			goto out;
		}
		for (i = 0; i < fr_nr_targets; i++)
			if (!strcmp(fr_targets[i].name, name))
				break;
		if (i < fr_nr_targets)
			continue;
		if (fr_nr_targets == FR_MAX_TARGETS) {
			pr_err("%s: more than %d modules named\n", name,
			       FR_MAX_TARGETS);
			ret = -E2BIG;
			goto out;
		}
		strscpy(fr_targets[fr_nr_targets].name, name, MODULE_NAME_LEN);
		ret = fr_find(&fr_targets[fr_nr_targets]);
		if (ret)
			goto out;
		fr_nr_targets++;
	}
out:
	kfree(list);
	return ret;
}

/* Turn the exit= policy into a per-target decision; refuse impossible ones. */
static int __init fr_decide_exits(void)
{
	enum fr_exit mode;
	unsigned int i;

	if (!strcmp(exit_mode, "auto")) {
		mode = FR_EXIT_AUTO;
	} else if (!strcmp(exit_mode, "keep")) {
		mode = FR_EXIT_KEEP;
	} else if (!strcmp(exit_mode, "stub")) {
		mode = FR_EXIT_STUB;
	} else {
		pr_err("%s: unknown exit=%s (auto, keep or stub)\n",
		       fr_targets[0].name, exit_mode);
		return -EINVAL;
	}

	for (i = 0; i < fr_nr_targets; i++) {
		struct fr_target *t = &fr_targets[i];
		struct module *mod = t->mod;

		switch (mode) {
		case FR_EXIT_KEEP:
			if (!mod->exit) {
				pr_err("%s: exit=keep, but it has no exit function\n",
				       t->name);
				return -EINVAL;
			}
			t->stub = false;
			break;
		case FR_EXIT_STUB:
			t->stub = true;
			break;
		default:
			/*
			 * A crashed init or exit leaves state half set up or
			 * half torn down: running the module's exit on it would
			 * crash again.  A LIVE module keeps its own exit.
			 */
			t->stub = READ_ONCE(mod->state) != MODULE_STATE_LIVE ||
				  (mod->init && !mod->exit);
			break;
		}
	}

#ifdef CONFIG_X86_KERNEL_IBT
	/* delete_module() calls mod->exit indirectly: it must begin with ENDBR. */
	for (i = 0; i < fr_nr_targets; i++) {
		u32 insn;

		if (!fr_targets[i].stub)
			continue;
		if (copy_from_kernel_nofault(&insn, fr_stub_exit, sizeof(insn)) ||
		    insn != gen_endbr()) {
			pr_err("%s: replacement exit lacks ENDBR, refusing\n",
			       fr_targets[i].name);
			return -ENOEXEC;
		}
		break;
	}
#endif
	return 0;
}

/*
 * May a task be executing @mod's code?
 *
 * Rule: a task other than the current one, not yet dead, whose kernel stack
 * holds a word that points into @mod's memory (text or data, init or core).
 * For a task that is not on a CPU only the live part of the stack is read,
 * from its saved stack pointer up (x86 SMP); otherwise the whole stack.
 *
 * This covers an init that blocks or never returns and an exit blocked in D
 * state (their return addresses point into @mod's text), a loader between
 * marking the module COMING and calling its init (load_module() holds a
 * pointer to the struct module, which lives in @mod's memory) and any task
 * asleep inside one of @mod's functions.  A crashed init or exit is not
 * covered: the oops killed that task.  A stale word in a live frame can make
 * this refuse a module that is in fact idle; it never accepts one that is
 * running.  A task entering @mod after the scan is not covered: for that the
 * caller needs the module's users gone, which is what the refcount meant.
 *
 * Stacks are read with copy_from_kernel_nofault() only: a task may exit and
 * free its stack while we read (put_task_stack() is not exported).
 */
static bool __init fr_task_in_module(struct task_struct *p,
				     const struct module *mod,
				     unsigned long *buf)
{
	unsigned long lo, hi;
	size_t i, n;

	lo = (unsigned long)task_stack_page(p);
	if (!lo)
		return false;
	hi = lo + THREAD_SIZE;
#if defined(CONFIG_X86) && defined(CONFIG_SMP)
	if (!READ_ONCE(p->on_cpu)) {
		unsigned long sp = READ_ONCE(p->thread.sp);

		if (sp > lo && sp < hi)
			lo = sp & ~(sizeof(long) - 1);
	}
#endif
	n = (hi - lo) / sizeof(long);
	if (copy_from_kernel_nofault(buf, (void *)lo, n * sizeof(long)))
		return false;	/* the stack went away: the task is gone */
	for (i = 0; i < n; i++)
		if (within_module(buf[i], mod))
			return true;
	return false;
}

static int __init fr_check_tasks(void)
{
	struct task_struct *g, *p;
	unsigned long *buf;
	unsigned int i;
	int ret = 0;

	buf = kmalloc(THREAD_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	rcu_read_lock();
	for_each_process_thread(g, p) {
		if (p == current || p->exit_state)
			continue;
		for (i = 0; i < fr_nr_targets; i++) {
			if (!fr_task_in_module(p, fr_targets[i].mod, buf))
				continue;
			pr_err("%s: task %d (%s) may be executing its code\n",
			       fr_targets[i].name, task_pid_nr(p), p->comm);
			ret = -EBUSY;
		}
	}
	rcu_read_unlock();
	kfree(buf);
	return ret;
}

/* Caller holds module_mutex (when found): source_list is stable. */
static int __init fr_check_holders(void)
{
	struct module_use *use;
	unsigned int i;
	int ret = 0;

	for (i = 0; i < fr_nr_targets; i++) {
		struct module *mod = fr_targets[i].mod;

		list_for_each_entry(use, &mod->source_list, source_list) {
			if (fr_is_target(use->source))
				continue;
			pr_err("%s: used by module %s, remove it first or name it too\n",
			       fr_targets[i].name, use->source->name);
			ret = -EWOULDBLOCK;
		}
	}
	return ret;
}

/*
 * Each module using @mod's symbols holds one reference, which it drops when
 * it is unloaded (ref_module(), module_unload_free()).  All holders are
 * targets that go first, so these references are the only ones to keep.
 * Caller holds module_mutex (when found).
 */
static int __init fr_nr_holders(struct module *mod)
{
	struct module_use *use;
	int n = 0;

	list_for_each_entry(use, &mod->source_list, source_list)
		n++;
	return n;
}

static bool __init fr_is_healthy(const struct fr_target *t, int holders)
{
	const struct module *mod = t->mod;

	return READ_ONCE(mod->state) == MODULE_STATE_LIVE &&
	       module_refcount(t->mod) == holders && !t->stub &&
	       (mod->exit || !mod->init);
}

/*
 * Caller holds module_mutex (when found), which delete_module() holds while
 * it reads state, refcount and exit.  Unsafe by nature: the target's code may
 * still be referenced from places we cannot see.  Hence the taint.
 */
static void __init fr_repair(struct fr_target *t)
{
	struct module *mod = t->mod;
	enum module_state state = READ_ONCE(mod->state);
	int refs = module_refcount(mod);
	int holders = fr_nr_holders(mod);
	const char *exit_before = fr_exit_name(mod);

	if (fr_is_healthy(t, holders)) {
		pr_info("%s: healthy (live, refcount %d, exit %s), nothing to do\n",
			t->name, refs, exit_before);
		return;
	}
	add_taint(TAINT_FORCED_RMMOD, LOCKDEP_NOW_UNRELIABLE);
	WRITE_ONCE(mod->state, MODULE_STATE_LIVE);
	atomic_set(&mod->refcnt, FR_REF_BASE + holders);
	if (t->stub)
		WRITE_ONCE(mod->exit, fr_stub_exit);
	pr_warn("%s: state %s -> live, refcount %d -> %d, exit %s -> %s; rmmod %s now\n",
		t->name, fr_state_name(state), refs, module_refcount(mod),
		exit_before, fr_exit_name(mod), t->name);
}

static int __init force_rmmod_init(void)
{
	unsigned int i;
	int ret;

	ret = fr_parse_targets();
	if (ret)
		goto out_put;
	ret = fr_decide_exits();
	if (ret)
		goto out_put;
	ret = fr_check_tasks();
	if (ret)
		goto out_put;

	fr_module_mutex = fr_lookup_data("module_mutex");
	if (!fr_module_mutex)
		pr_warn("module_mutex not found: repairing without it\n");

	fr_lock_modules();
	ret = fr_check_holders();
	if (!ret)
		for (i = 0; i < fr_nr_targets; i++)
			fr_repair(&fr_targets[i]);
	fr_unlock_modules();

out_put:
	fr_put_targets();
	return ret;
}

static void __exit force_rmmod_exit(void)
{
}

module_init(force_rmmod_init);
module_exit(force_rmmod_exit);

MODULE_DESCRIPTION("Make a stuck kernel module removable with rmmod");
MODULE_AUTHOR("force-rmmod developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(FORCE_RMMOD_VERSION);
