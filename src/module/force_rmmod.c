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
 * It refuses, changing nothing, when another module depends on a target,
 * when a task may still be executing a target's code, or (unless
 * users=ignore) when a target has real users: mounts, open files, sockets.  Everything is checked
 * for all targets before anything is written.  Forcing taints the kernel with
 * TAINT_FORCED_RMMOD ('R'), as "rmmod -f" does.
 *
 * A rescue also removes what crashed inits left in finit_module()'s table of
 * loads in flight (Linux 6.6+, see "Healing the module loader").  With
 * check=1 it only reports each target's state and real users and refuses to
 * stay.
 *
 * Module loading only ever calls init: the work happens there, and the helper
 * stays loaded holding nothing, so "rmmod TARGET" and "rmmod force_rmmod"
 * work in either order.  After a repair, RCU grace periods are expedited
 * until it is removed (10 s at most), so that removing many targets is quick.
 *
 * Sections: parameters and lookup; validation; tasks and holders; repair;
 * healing the module loader; real users and check-only mode; expedited
 * removal; init.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/ctype.h>
#include <linux/dcache.h>
#include <linux/fdtable.h>
#include <linux/fs.h>
#include <linux/hash.h>
#include <linux/kallsyms.h>
#include <linux/kobject.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <linux/workqueue.h>
#include <net/sock.h>
#include <asm/syscall.h>
#ifdef CONFIG_X86_KERNEL_IBT
#include <asm/ibt.h>
#endif

#include "kernel_private.h"
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

static char *users_mode = "refuse";
module_param_named(users, users_mode, charp, 0444);
MODULE_PARM_DESC(users,
		 "refuse: refuse targets that have real users (mounts, open files, sockets), ignore: force them anyway (default: refuse)");

static bool check_only;
module_param_named(check, check_only, bool, 0444);
MODULE_PARM_DESC(check,
		 "Only report state, holders, running tasks and users of each target, change nothing and refuse to stay (default: 0)");

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
 * module_mutex and the loader's table are not exported.  Find them through
 * kallsyms without calling a looked-up address (which IBT would also forbid):
 * registering a kprobe on a data symbol fails, but the kprobe core resolves
 * the name first and leaves the address in kp.addr.  Trust it only if
 * sprint_symbol() names exactly @name+0x0 in the kernel proper (no
 * "[module]" suffix) and the symbol spans at least @size bytes.
 */
static void * __init fr_lookup_data(const char *name, size_t size)
{
	struct kprobe kp = { .symbol_name = name };
	char sym[KSYM_SYMBOL_LEN];
	size_t len = strlen(name);
	unsigned long span;

	if (!register_kprobe(&kp)) {
		/* Probeable means text, not the data we asked for. */
		unregister_kprobe(&kp);
		return NULL;
	}
	if (!kp.addr)
		return NULL;
	sprint_symbol(sym, (unsigned long)kp.addr);
	if (strncmp(sym, name, len) || strncmp(sym + len, "+0x0/", 5) ||
	    strchr(sym, '[') || kstrtoul(sym + len + 5, 0, &span) ||
	    span < size)
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
		pr_err("modname= is missing\n");
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

/* Check exit= and users=, decide each target's exit; refuse impossible ones. */
static int __init fr_decide_policy(void)
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
	if (strcmp(users_mode, "refuse") && strcmp(users_mode, "ignore")) {
		pr_err("%s: unknown users=%s (refuse or ignore)\n",
		       fr_targets[0].name, users_mode);
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
static size_t __init fr_task_stack(struct task_struct *p, unsigned long *buf)
{
	unsigned long lo, hi;
	size_t n;

	lo = (unsigned long)task_stack_page(p);
	if (!lo)
		return 0;
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
		return 0;	/* the stack went away: the task is gone */
	return n;
}

static bool __init fr_stack_in_module(const unsigned long *stack, size_t n,
				      const struct module *mod)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (within_module(stack[i], mod))
			return true;
	return false;
}

/* Each task's stack is copied once (the copy above), then read per target. */
static int __init fr_check_tasks(void)
{
	struct task_struct *g, *p;
	unsigned long *buf;
	unsigned int i;
	size_t n;
	int ret = 0;

	buf = kmalloc(THREAD_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	rcu_read_lock();
	for_each_process_thread(g, p) {
		if (p == current || p->exit_state)
			continue;
		n = fr_task_stack(p, buf);
		for (i = 0; i < fr_nr_targets; i++) {
			if (!fr_stack_in_module(buf, n, fr_targets[i].mod))
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
static bool __init fr_repair(struct fr_target *t)
{
	struct module *mod = t->mod;
	enum module_state state = READ_ONCE(mod->state);
	int refs = module_refcount(mod);
	int holders = fr_nr_holders(mod);
	const char *exit_before = fr_exit_name(mod);

	if (fr_is_healthy(t, holders)) {
		pr_info("%s: healthy (live, refcount %d, exit %s), nothing to do\n",
			t->name, refs, exit_before);
		return false;
	}
	add_taint(TAINT_FORCED_RMMOD, LOCKDEP_NOW_UNRELIABLE);
	WRITE_ONCE(mod->state, MODULE_STATE_LIVE);
	atomic_set(&mod->refcnt, FR_REF_BASE + holders);
	if (t->stub)
		WRITE_ONCE(mod->exit, fr_stub_exit);
	pr_warn("%s: state %s -> live, refcount %d -> %d, exit %s -> %s; rmmod %s now\n",
		t->name, fr_state_name(state), refs, module_refcount(mod),
		exit_before, fr_exit_name(mod), t->name);
	return true;
}

/*
 * Healing the module loader (Linux 6.6 and later)
 *
 * finit_module() records each load in flight in idem_hash (kernel/module/
 * main.c): a struct idempotent on the loading task's stack, hashed by the
 * file's inode, linked and unlinked under idem_lock.  The first loader of a
 * file loads it; later loaders of the same file link their own record and
 * wait on its completion until the first one completes and unlinks them all.
 * If the first loader dies in the module's init, nobody unlinks its record:
 * it points into a freed, soon reused stack.  Later loaders of that file wait
 * forever behind it, and every load that hashes to the bucket reads through
 * it under idem_lock, where it may fault or loop forever.
 *
 * fr_heal_loader() rebuilds every bucket under idem_lock.  It keeps a record
 * only if it lies on the stack of a live task (not exiting) that is inside
 * finit_module(), its pprev points back to the link it was reached through,
 * and its cookie hashes to its bucket.  Records are read only through
 * copy_from_kernel_nofault(); writes go only to bucket heads and to kept
 * records, which live on loaders' stacks, as idempotent() itself writes them.
 *
 * A stale record (not on a live loader's stack) that reads back consistently
 * is dropped and its successor followed.  A record that does not read back
 * consistently means its memory was reused: its successor cannot be trusted,
 * so the chain is cut there and the rest of the bucket dropped.
 *
 * A kept record whose task waits on its completion, when no kept record with
 * the same cookie belongs to a loader still at work, will never be completed:
 * it is unlinked and completed with -EAGAIN, as idempotent_complete() would,
 * so that its finit_module() returns and can be retried.
 *
 * Residual risk: live records beyond a cut (a load older than the crash, in
 * the same bucket) are dropped with the rest and cannot be repaired.  Their
 * loader completes normally; a waiter among them stays waiting until it is
 * signalled, and then unlinks itself through a pprev that may point into
 * reused memory.  That needs a concurrent load of another file hashing to
 * the same bucket, older than the crash and still in flight.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)

/* Must match struct idempotent in kernel/module/main.c (6.6 to 6.12). */
struct fr_idem {
	const void *cookie;
	struct hlist_node entry;
	struct completion complete;
	int ret;
};

#define FR_IDEM_BITS		8
#define FR_IDEM_MAX_CHAIN	64
#define FR_NR_IA32_FINIT_MODULE	350	/* arch/x86/entry/syscalls/syscall_32.tbl */

struct fr_idem_seen {
	struct fr_idem *rec;
	const void *cookie;
	bool live;		/* on a live loader's stack: kept */
	bool waiting;		/* its task sleeps on its completion */
	bool release;		/* live, but nobody will complete it */
};

/* Scratch for one bucket; used under idem_lock only. */
static struct fr_idem_seen fr_idem_chain[FR_IDEM_MAX_CHAIN] __initdata;

static bool __init fr_in_finit_module(struct task_struct *p)
{
	long nr = syscall_get_nr(p, task_pt_regs(p));

	return nr == __NR_finit_module || nr == FR_NR_IA32_FINIT_MODULE;
}

/* Caller holds rcu_read_lock(). */
static bool __init fr_on_loader_stack(const struct fr_idem *rec)
{
	unsigned long addr = (unsigned long)rec, lo;
	struct task_struct *g, *p;

	for_each_process_thread(g, p) {
		lo = (unsigned long)task_stack_page(p);
		if (!lo || addr < lo || addr + sizeof(*rec) > lo + THREAD_SIZE)
			continue;
		return !(READ_ONCE(p->flags) & PF_EXITING) && !p->exit_state &&
		       fr_in_finit_module(p);
	}
	return false;
}

struct fr_idem_stats {
	unsigned int kept, removed, released, cuts;
};

/* Caller holds idem_lock and rcu_read_lock(). */
static void __init fr_heal_bucket(struct hlist_head *head, unsigned int bucket,
				  struct fr_idem_stats *st)
{
	struct hlist_node **link = &head->first;
	struct hlist_node *pos = READ_ONCE(head->first);
	struct fr_idem_seen *seen = fr_idem_chain;
	unsigned int i, j, n = 0;
	bool cut = false, changed;

	/* Read-only pass: classify what the chain holds. */
	while (pos) {
		struct fr_idem *rec = container_of(pos, struct fr_idem, entry);
		struct fr_idem copy;

		if (n == FR_IDEM_MAX_CHAIN ||
		    copy_from_kernel_nofault(&copy, rec, sizeof(copy)) ||
		    copy.entry.pprev != link ||
		    hash_ptr(copy.cookie, FR_IDEM_BITS) != bucket) {
			cut = true;
			break;
		}
		seen[n].rec = rec;
		seen[n].cookie = copy.cookie;
		seen[n].live = fr_on_loader_stack(rec);
		seen[n].waiting = copy.complete.wait.task_list.next !=
				  &rec->complete.wait.task_list;
		n++;
		link = &pos->next;
		pos = copy.entry.next;
	}

	/* A live waiter is released when no live loader of its file is left. */
	changed = cut;
	for (i = 0; i < n; i++) {
		if (seen[i].live && seen[i].waiting) {
			for (j = 0; j < n; j++)
				if (seen[j].live && !seen[j].waiting &&
				    seen[j].cookie == seen[i].cookie)
					break;
			seen[i].release = j == n;
		}
		if (!seen[i].live || seen[i].release)
			changed = true;
	}
	if (!changed) {
		st->kept += n;
		return;
	}

	/* Write pass: relink the kept records, in their order. */
	link = &head->first;
	for (i = 0; i < n; i++) {
		if (!seen[i].live) {
			st->removed++;
			continue;
		}
		if (seen[i].release)
			continue;
		WRITE_ONCE(*link, &seen[i].rec->entry);
		seen[i].rec->entry.pprev = link;
		link = &seen[i].rec->entry.next;
		st->kept++;
	}
	WRITE_ONCE(*link, NULL);
	if (cut) {
		st->removed++;
		st->cuts++;
		pr_warn("loader table: bucket %u: record %u unreadable (stack reused), chain cut there\n",
			bucket, n + 1);
	}

	/* As idempotent_complete() does; the record is gone once completed. */
	for (i = 0; i < n; i++) {
		struct fr_idem *rec = seen[i].rec;

		if (!seen[i].release)
			continue;
		rec->entry.next = NULL;
		rec->entry.pprev = NULL;
		rec->ret = -EAGAIN;
		complete(&rec->complete);
		st->released++;
	}
}

/*
 * Remove stale records from the loader's table.  Caller holds no lock and
 * has tainted the kernel: this is part of a forced rescue.
 */
static void __init fr_heal_loader(void)
{
	struct fr_idem_stats st = { };
	struct hlist_head *hash;
	spinlock_t *lock;		/* idem_lock: guards the table */
	unsigned int b;

	hash = fr_lookup_data("idem_hash", sizeof(*hash) << FR_IDEM_BITS);
	lock = fr_lookup_data("idem_lock", sizeof(*lock));
	if (!hash || !lock) {
		pr_err("loader table (idem_hash) not found: loading a crashed module's file again may crash the kernel until reboot\n");
		return;
	}

	spin_lock(lock);
	rcu_read_lock();
	for (b = 0; b < 1U << FR_IDEM_BITS; b++)
		fr_heal_bucket(&hash[b], b, &st);
	rcu_read_unlock();
	spin_unlock(lock);

	if (!st.removed && !st.released && !st.cuts) {
		pr_info("loader table: no stale records (%u loads in flight)\n",
			st.kept);
		return;
	}
	pr_warn("loader table: removed %u stale record(s) (%u unreadable), released %u waiting loader(s), kept %u load(s) in flight\n",
		st.removed, st.cuts, st.released, st.kept);
}

#else

/* No table before 6.6: finit_module() keeps no records. */
static void __init fr_heal_loader(void)
{
}

#endif

/*
 * Real users of a target: a reset refcount betrays them, so a rescue refuses
 * (unless users=ignore) and check=1 reports them.  Seen from here exactly:
 *   - superblocks of a filesystem type the module registered (mounts),
 *   - open files whose file_operations the module owns (its device nodes),
 *     and open files on its filesystems,
 *   - sockets whose proto_ops or proto the module owns.
 * Not covered: mappings whose file descriptor was closed, in-kernel users
 * that hold no file (a reference taken by another subsystem).
 */
#define FR_MAX_FS		8
#define FR_MAX_USER_LINES	16

struct fr_user_scan {
	const struct module *mod;
	const char *name;
	struct task_struct *task;
	unsigned int *users;
};

static char fr_path_buf[256] __initdata;

static void __init fr_count_sb(struct super_block *sb, void *arg)
{
	(*(unsigned int *)arg)++;
}

/* fs/filesystems.c: the registered filesystem types and their lock. */
static struct file_system_type **fr_file_systems __initdata;
static rwlock_t *fr_file_systems_lock __initdata;

static unsigned int __init fr_report_mounts(const struct fr_target *t)
{
	struct file_system_type *fs, *owned[FR_MAX_FS];
	unsigned int i, n = 0, sbs, users = 0;

	if (!fr_file_systems || !fr_file_systems_lock) {
		pr_warn("%s: user: unknown (filesystem list not found)\n",
			t->name);
		return 1;
	}
	read_lock(fr_file_systems_lock);
	for (fs = *fr_file_systems; fs && n < FR_MAX_FS; fs = fs->next)
		if (fs->owner == t->mod)
			owned[n++] = fs;
	read_unlock(fr_file_systems_lock);

	/* The types live in the target, which cannot go while we hold it. */
	for (i = 0; i < n; i++) {
		sbs = 0;
		iterate_supers_type(owned[i], fr_count_sb, &sbs);
		if (!sbs)
			continue;
		pr_info("%s: user: %u mounted filesystem(s) of type %s\n",
			t->name, sbs, owned[i]->name);
		users += sbs;
	}
	return users;
}

/* Called by iterate_fd() under the task's file_lock: must not sleep. */
static int __init fr_file_user(const void *arg, struct file *file,
			       unsigned int fd)
{
	const struct fr_user_scan *scan = arg;
	const struct module *mod = scan->mod;
	struct socket *sock = sock_from_file(file);
	const char *what = NULL;
	char *path;

	if (file->f_op && file->f_op->owner == mod)
		what = "open file";
	else if (file_inode(file)->i_sb->s_type->owner == mod)
		what = "open file on its filesystem";
	else if (sock && ((sock->ops && sock->ops->owner == mod) ||
			  (sock->sk && sock->sk->sk_prot_creator &&
			   sock->sk->sk_prot_creator->owner == mod)))
		what = "socket";
	if (!what)
		return 0;
	if (++*scan->users > FR_MAX_USER_LINES)
		return 0;
	path = d_path(&file->f_path, fr_path_buf, sizeof(fr_path_buf));
	pr_info("%s: user: %s %s (pid %d, %s, fd %u)\n", scan->name, what,
		IS_ERR(path) ? "?" : path, task_pid_nr(scan->task),
		scan->task->comm, fd);
	return 0;
}

static unsigned int __init fr_report_files(const struct fr_target *t)
{
	unsigned int users = 0;
	struct fr_user_scan scan = {
		.mod = t->mod, .name = t->name, .users = &users,
	};
	struct task_struct *p;

	rcu_read_lock();
	for_each_process(p) {
		task_lock(p);
		if (p->files) {
			scan.task = p;
			iterate_fd(p->files, 0, fr_file_user, &scan);
		}
		task_unlock(p);
	}
	rcu_read_unlock();
	return users;
}

/*
 * Log the real users of @t; returns how many.  Takes sb_lock, s_umount and
 * task locks: caller must not hold module_mutex.
 */
static unsigned int __init fr_report_users(const struct fr_target *t)
{
	if (!fr_file_systems)
		fr_file_systems = fr_lookup_data("file_systems",
						 sizeof(*fr_file_systems));
	if (!fr_file_systems_lock)
		fr_file_systems_lock =
			fr_lookup_data("file_systems_lock",
				       sizeof(*fr_file_systems_lock));
	return fr_report_mounts(t) + fr_report_files(t);
}

/*
 * Every user found holds a reference: resetting the count would let rmmod
 * free code and data they still use.  Refuse unless users=ignore.
 */
static int __init fr_check_users(void)
{
	unsigned int i, users;
	int ret = 0;

	if (!strcmp(users_mode, "ignore"))
		return 0;
	for (i = 0; i < fr_nr_targets; i++) {
		users = fr_report_users(&fr_targets[i]);
		if (!users)
			continue;
		pr_err("%s: has %u real user(s), refusing (users=ignore forces)\n",
		       fr_targets[i].name, users);
		ret = -EBUSY;
	}
	return ret;
}

/* Report, change nothing.  Caller holds no lock. */
static void __init fr_report(void)
{
	unsigned int i, users;

	fr_check_tasks();
	for (i = 0; i < fr_nr_targets; i++) {
		struct fr_target *t = &fr_targets[i];
		struct module *mod = t->mod;
		int holders;

		users = fr_report_users(t);

		fr_lock_modules();
		holders = fr_nr_holders(mod);
		pr_info("%s: check: state %s, refcount %d, holders %d, exit %s, users %u, would %s\n",
			t->name, fr_state_name(READ_ONCE(mod->state)),
			module_refcount(mod), holders, fr_exit_name(mod), users,
			fr_is_healthy(t, holders) ? "do nothing" :
			t->stub ? "repair and replace exit" : "repair");
		fr_unlock_modules();
	}
	fr_lock_modules();
	fr_check_holders();
	fr_unlock_modules();
}

/*
 * Expedited removal
 *
 * Every delete_module() waits for one RCU grace period, holding module_mutex
 * (free_module()), so removing the targets one after another costs one grace
 * period each: most of a rescue's time (about 15 ms each, measured under QEMU
 * TCG).  After a repair, grace periods are expedited with rcu_expedite_gp(),
 * a nesting request the kernel itself makes while booting, until this module
 * is removed, and for FR_EXPEDITE_MS at most if it is left loaded: expedited
 * grace periods interrupt every CPU, which a system should not have to bear
 * for longer.  rcupdate.rcu_normal=1 overrides it.
 */
#define FR_EXPEDITE_MS		10000

static atomic_t fr_expedited = ATOMIC_INIT(0);

static void fr_unexpedite(struct work_struct *work)
{
	if (atomic_xchg(&fr_expedited, 0))
		rcu_unexpedite_gp();
}

static DECLARE_DELAYED_WORK(fr_expedite_work, fr_unexpedite);

static void __init fr_expedite(void)
{
	atomic_set(&fr_expedited, 1);
	rcu_expedite_gp();
	schedule_delayed_work(&fr_expedite_work,
			      msecs_to_jiffies(FR_EXPEDITE_MS));
}

static int __init force_rmmod_init(void)
{
	bool forced = false;
	unsigned int i;
	int ret;

	ret = fr_parse_targets();
	if (ret)
		goto out_put;
	ret = fr_decide_policy();
	if (ret)
		goto out_put;

	fr_module_mutex = fr_lookup_data("module_mutex",
					 sizeof(*fr_module_mutex));
	if (!fr_module_mutex)
		pr_warn("module_mutex not found: working without it\n");

	if (check_only) {
		fr_report();
		ret = -ECANCELED;
		goto out_put;
	}
	/* Users first: a mount or an open file is the reason to tell first. */
	ret = fr_check_users();
	if (ret)
		goto out_put;
	ret = fr_check_tasks();
	if (ret)
		goto out_put;

	fr_lock_modules();
	ret = fr_check_holders();
	if (!ret)
		for (i = 0; i < fr_nr_targets; i++)
			forced |= fr_repair(&fr_targets[i]);
	fr_unlock_modules();

	/* A rescue also clears what crashed inits left in the loader. */
	if (forced) {
		fr_heal_loader();
		fr_expedite();
	}

out_put:
	fr_put_targets();
	return ret;
}

static void __exit force_rmmod_exit(void)
{
	cancel_delayed_work_sync(&fr_expedite_work);
	fr_unexpedite(NULL);
}

module_init(force_rmmod_init);
module_exit(force_rmmod_exit);

MODULE_DESCRIPTION("Make a stuck kernel module removable with rmmod");
MODULE_AUTHOR("force-rmmod developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(FORCE_RMMOD_VERSION);
