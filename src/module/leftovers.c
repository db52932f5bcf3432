// SPDX-License-Identifier: GPL-2.0
/*
 * Leftovers: what a target whose own exit will not run left registered
 *
 * A target with a replaced exit (crashed init, crashed exit, no exit) is
 * freed without undoing its registrations: everything it left on the
 * kernel's lists points into freed memory, and the next walk of such a list
 * oopses.  Before the repair, each such target is searched for:
 *
 *   filesystem    types on file_systems whose owner is the target;
 *   misc          devices on misc_list whose miscdevice or fops lie in it;
 *   proc          /proc and /proc/net (init_net) entries whose operations,
 *                 show function, write function or data lie in it (a
 *                 directory with its whole subtree);
 *   binfmt        binary formats on the kernel's list (fs/exec.c formats)
 *                 that lie in its data and name it as their module;
 *   tcp_congestion TCP congestion controls on tcp_cong_list it owns;
 *   disk          whole disks whose operations it owns: refused (no undo);
 *   timer         timers in its own data, bss and init data, their
 *                 function in its text, proven armed or running (timers.c);
 *   delayed_work  delayed works there, their work function in its text,
 *                 their timer proven armed or running (one queued is looked
 *                 at again until it ran; still queued after 100 ms, it is
 *                 refused: not proven);
 *   hrtimer       hrtimers there, their function in its text, proven armed
 *                 or running (timers.c);
 *   work          plain works there, their function one of its functions:
 *                 waited for while queued or running, never cancelled;
 *                 since 6.10 one idle is disabled, quietly (no leftover);
 *   netdev        network devices (every namespace) whose netdev_ops,
 *                 rtnl_link_ops, ethtool_ops or header_ops lie in it, or
 *                 whose parent device is bound to its driver: never undone,
 *                 unregister_netdev() runs the dead module's own stop code.
 *
 * Each is logged "NAME: leftover: KIND OBJECT -> ACTION", ACTION being what
 * undoes it with the kernel's own exported function (unregister, remove,
 * stop, cancel), or "refuse (REASON)" when that could wait or run the
 * target's code: a mounted filesystem, an open device or /proc file, a
 * /proc entry in use, a running work, a lock held for 100 ms.  With
 * leftovers=undo (the default) any refusal refuses the target before
 * anything is changed; leftovers=force leaves those registered and goes on.
 * The undo itself runs after every check, without module_mutex, each lock
 * tried first so that none is waited on.
 *
 * None of the lists or their locks is exported: they are found by name,
 * each with the releases its layout was checked against (lookup.c's
 * FR_LAYOUT_FILE_SYSTEMS, _MISC, _PROC); struct proc_dir_entry, private, is
 * read through a copy of its layout, and only after that copy reads /proc's
 * root and /proc/net back correctly.
 *
 * The target's struct module and every object found as another kind is
 * never a timer candidate.  Not looked for: timers, hrtimers and works in
 * heap memory, sysctl tables, character devices, notifier blocks, IRQ handlers,
 * /proc entries of other network namespaces, and pointers kept in another
 * driver's private data.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/binfmts.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/fdtable.h>
#include <linux/kallsyms.h>
#include <linux/fs.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/major.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/proc_fs.h>
#include <linux/rbtree.h>
#include <linux/refcount.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timer.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/rtnetlink.h>
#include <net/tcp.h>

#include "force_rmmod.h"

#define FR_MAX_LEFTOVERS	64
#define FR_TRIES		100	/* a lock or a callback: 100 ms at most */
#define FR_WORK_TRIES		5	/* a work being queued: 5 ms */
#define FR_PROC_DEPTH		16
#define FR_LO_FORCE		FR_STR(FR_PARAM_LEFTOVERS) "=" FR_LEFTOVERS_FORCE

/* timer_delete_sync_try() was try_to_del_timer_sync() before 6.16. */
#ifndef FR_HAVE_TIMER_DELETE_SYNC_TRY
#define timer_delete_sync_try	try_to_del_timer_sync
#endif

enum fr_lo_kind { FR_LO_FS, FR_LO_MISC, FR_LO_PROC, FR_LO_BINFMT, FR_LO_TCP,
		  FR_LO_DISK, FR_LO_TIMER, FR_LO_DWORK, FR_LO_HRTIMER, FR_LO_WORK,
		  FR_LO_NETDEV };

/*
 * Words kept in init memory (char arrays, not pointers to literals, which
 * would stay in the helper's core): the helper that stays loaded is small.
 */
static const char fr_lo_kinds[][16] __initconst = {
	[FR_LO_FS] = FR_LO_KIND_FS, [FR_LO_MISC] = FR_LO_KIND_MISC,
	[FR_LO_PROC] = FR_LO_KIND_PROC, [FR_LO_BINFMT] = FR_LO_KIND_BINFMT,
	[FR_LO_TCP] = FR_LO_KIND_TCP, [FR_LO_DISK] = FR_LO_KIND_DISK,
	[FR_LO_TIMER] = FR_LO_KIND_TIMER, [FR_LO_DWORK] = FR_LO_KIND_DWORK,
	[FR_LO_HRTIMER] = FR_LO_KIND_HRTIMER, [FR_LO_WORK] = FR_LO_KIND_WORK,
	[FR_LO_NETDEV] = FR_LO_KIND_NETDEV,
};

static const char fr_lo_refuse[] __initconst = FR_LO_ACT_REFUSE;
static const char fr_lo_actions[][12] __initconst = {
	[FR_LO_FS] = FR_LO_ACT_UNREGISTER, [FR_LO_MISC] = FR_LO_ACT_UNREGISTER,
	[FR_LO_PROC] = FR_LO_ACT_REMOVE, [FR_LO_BINFMT] = FR_LO_ACT_UNREGISTER,
	[FR_LO_TCP] = FR_LO_ACT_UNREGISTER, [FR_LO_TIMER] = FR_LO_ACT_STOP,
	[FR_LO_DWORK] = FR_LO_ACT_CANCEL, [FR_LO_HRTIMER] = FR_LO_ACT_CANCEL,
};

/* Why a leftover cannot be undone safely. */
enum fr_why { FR_OK, FR_MOUNTED, FR_OPEN, FR_BUSY, FR_OTHERS, FR_PERMANENT,
	      FR_NETDEV, FR_LOCKED, FR_GONE, FR_RUNNING, FR_UNCHECKED,
	      FR_NO_UNDO, FR_LIVE, FR_WAITING };

static const char fr_whys[][32] __initconst = {
	[FR_MOUNTED] = "mounted", [FR_OPEN] = "open",
	[FR_BUSY] = "open or in use", [FR_OTHERS] = "holds others' entries",
	[FR_PERMANENT] = "permanent",
	[FR_NETDEV] = "unregister_netdev runs its code",
	[FR_LOCKED] = "lock held", [FR_GONE] = "not registered",
	[FR_RUNNING] = "still running", [FR_UNCHECKED] = "not checked",
	[FR_NO_UNDO] = "no undo for this kind",
	[FR_LIVE] = "live: exit=stub undoes it",
	[FR_WAITING] = "still waiting after 1 s",
};

/* The private data looked up, and why a list may not be looked at. */
static const char fr_sym_fs[] __initconst = "file_systems";
static const char fr_sym_fs_lock[] __initconst = "file_systems_lock";
static const char fr_sym_misc[] __initconst = "misc_list";
static const char fr_sym_misc_mtx[] __initconst = "misc_mtx";
static const char fr_sym_proc_root[] __initconst = "proc_root";
static const char fr_sym_proc_lock[] __initconst = "proc_subdir_lock";
static const char fr_why_proc_root[] __initconst = "proc_root as checked";
static const char fr_sym_binfmt_lock[] __initconst = "binfmt_lock";
static const char fr_sym_tcp[] __initconst = "tcp_cong_list";
static const char fr_sym_tcp_lock[] __initconst = "tcp_cong_list_lock";

/* A list whose leftovers cannot be looked for: said loudly, once. */
static void __init fr_not_looked_at(const char *what)
{
	pr_warn("no %s: leftovers there not looked for\n", what);
}

static unsigned long fr_untrusted __initdata;	/* layouts found, not trusted */

/*
 * A looked-up object: NULL if absent or its layout is not trusted here; the
 * second is remembered, for fr_missing().
 */
static void * __init fr_lookup(enum fr_layout layout, const char *name,
			       size_t size)
{
	void *addr = fr_lookup_layout(layout, name, size);

	if (!addr)
		fr_not_looked_at(name);
	if (!IS_ERR(addr))
		return addr;
	__set_bit(layout, &fr_untrusted);
	return NULL;
}

/*
 * Why a list of @layout is not there: -ERANGE when it was found but cannot
 * be read (its layout out of range, or not reading back): what is on it is
 * unknown, which refuses; -ENOENT when the kernel has no such list.
 */
static int __init fr_missing(enum fr_layout layout)
{
	return test_bit(layout, &fr_untrusted) ? -ERANGE : -ENOENT;
}

struct fr_leftover {
	struct fr_rescue *t;
	enum fr_lo_kind kind;
	void *obj;		/* the registered object, as the list holds it */
	size_t size;		/* its size, where it may lie in the target */
	char name[64];		/* fs name, device name, /proc path, symbol */
	enum fr_why refuse;	/* why it cannot be undone safely, or FR_OK */
	bool held;		/* proc: a reference on the entry is held */
	bool idle;		/* work: idle, disabled quietly (never refuses) */
	bool undone;
	/* proc: another target's leftover above it, whose undo removes it */
	const struct fr_leftover *cover;
};

static struct fr_leftover fr_los[FR_MAX_LEFTOVERS] __initdata;

/*
 * A leftover named by its symbol, "fr_left_timer" of "fr_left_timer
 * [fr_left]".  sprint_symbol() wants KSYM_SYMBOL_LEN bytes (6.1 pads its
 * copy of the name with zeros up to KSYM_NAME_LEN): never lo->name itself.
 */
static void __init fr_lo_symbol(struct fr_leftover *lo, unsigned long addr)
{
	static char sym[KSYM_SYMBOL_LEN] __initdata;

	sprint_symbol_no_offset(sym, addr);
	strreplace(sym, ' ', '\0');
	strscpy(lo->name, sym, sizeof(lo->name));
}

static unsigned int fr_nr_los __initdata;

/* The target being searched, for the walks' callbacks. */
static struct fr_rescue *fr_lo_target __initdata;
static bool fr_lo_overflow __initdata;
static bool fr_rechecking __initdata;	/* fr_recheck_timers() */

static struct fr_leftover * __init fr_lo_add(enum fr_lo_kind kind, void *obj)
{
	struct fr_leftover *lo;

	if (fr_nr_los == FR_MAX_LEFTOVERS) {
		fr_lo_overflow = true;
		return NULL;
	}
	lo = &fr_los[fr_nr_los++];
	lo->t = fr_lo_target;
	lo->kind = kind;
	lo->obj = obj;
	lo->size = 0;
	lo->name[0] = '\0';
	lo->refuse = FR_OK;
	lo->held = false;
	lo->idle = false;
	lo->undone = false;
	lo->cover = NULL;
	return lo;
}

/*
 * A lock a crashed task may hold forever is never waited on: it is tried
 * for 100 ms at most, then the undo that needs it is refused.  The kernel
 * functions that undo take their lock unconditionally: it is tried first.
 */
static void __init fr_pause(void)
{
	usleep_range(1000, 1100);
}

static bool __init fr_rwlock_free(rwlock_t *lock)
{
	unsigned int n;

	for (n = 0; n < FR_TRIES; n++, fr_pause()) {
		if (write_trylock(lock)) {
			write_unlock(lock);
			return true;
		}
	}
	return false;
}

/*
 * The target's memory.  Since 6.4 struct module describes each kind of
 * memory in mod->mem[]; before, core_layout and init_layout hold text,
 * read-only data, read-only-after-init data and data, in that order.  Init
 * memory is gone (size 0) once init returned.
 */
static bool __init fr_in_text(const struct module *mod, unsigned long addr)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	return within_module_mem_type(addr, mod, MOD_TEXT) ||
	       within_module_mem_type(addr, mod, MOD_INIT_TEXT);
#else
	unsigned long core = (unsigned long)mod->core_layout.base;
	unsigned long init = (unsigned long)mod->init_layout.base;

	return (addr >= core && addr - core < mod->core_layout.text_size) ||
	       (init && addr >= init && addr - init < mod->init_layout.text_size);
#endif
}

/* Writable data (data, bss), core then init; returns how many ranges. */
unsigned int __init fr_data_ranges(const struct module *mod,
				   struct fr_range r[2])
{
	unsigned int n = 0;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	enum mod_mem_type types[] = { MOD_DATA, MOD_INIT_DATA };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		const struct module_memory *m = &mod->mem[types[i]];

		if (!m->base || !m->size)
			continue;
		r[n].start = (unsigned long)m->base;
		r[n++].end = (unsigned long)m->base + m->size;
	}
#else
	const struct module_layout *l[] = { &mod->core_layout, &mod->init_layout };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(l); i++) {
		if (!l[i]->base || l[i]->size <= l[i]->ro_after_init_size)
			continue;
		r[n].start = (unsigned long)l[i]->base + l[i]->ro_after_init_size;
		r[n++].end = (unsigned long)l[i]->base + l[i]->size;
	}
#endif
	return n;
}

static bool __init fr_in_target(const void *p)
{
	return p && within_module((unsigned long)p, fr_lo_target->mod);
}

/* ------------------------------------------------------------------------ */
/*
 * An undo that may wait for others: misc_deregister() takes misc_mtx, which
 * every misc open holds while the driver's open runs, and drains the
 * device's sysfs files; proc_remove() waits for the entry's readers.  Each
 * is re-checked right before the call, but a task can still come in
 * between and block there.  So the call runs in a thread of its own, waited
 * for FR_CALL_MS: when it is not done by then, the target is not repaired
 * ("still waiting after 1 s"), and the helper stays loaded, its module held
 * by the thread, until the call returns (rmmod force_rmmod then).  The
 * thread's code is not init code: it may outlive init.  A thread that is
 * done is waited for until it has exited.
 */
#define FR_CALL_MS	1000

struct fr_call {
	void (*fn)(void *arg);
	void *arg;
	struct completion done;
	refcount_t refs;	/* the caller's and the thread's */
};

static bool fr_calls_waiting __initdata;

static int fr_call_thread(void *data)
{
	struct fr_call *c = data;

	c->fn(c->arg);
	complete(&c->done);
	if (refcount_dec_and_test(&c->refs))
		kfree(c);
	module_put_and_kthread_exit(0);
}

static enum fr_why __init fr_call_bounded(void (*fn)(void *arg), void *arg)
{
	struct task_struct *task;
	struct fr_call *c;
	bool done;

	c = kmalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return FR_UNCHECKED;
	c->fn = fn;
	c->arg = arg;
	init_completion(&c->done);
	refcount_set(&c->refs, 2);
	__module_get(THIS_MODULE);
	task = kthread_create(fr_call_thread, c, "force_rmmod_undo");
	if (IS_ERR(task)) {
		module_put(THIS_MODULE);
		kfree(c);
		return FR_UNCHECKED;
	}
	get_task_struct(task);
	wake_up_process(task);
	done = wait_for_completion_timeout(&c->done, msecs_to_jiffies(FR_CALL_MS));
	if (refcount_dec_and_test(&c->refs))
		kfree(c);
	/*
	 * Done: the thread still runs this module's code after complete().
	 * Wait for it to have exited, for a failed init frees the module
	 * whatever its count.  (kthread_stop() of a thread that exits by
	 * itself returns once it has.)
	 */
	if (done)
		kthread_stop(task);
	put_task_struct(task);
	if (done)
		return FR_OK;
	fr_calls_waiting = true;
	return FR_WAITING;
}

/* Whether an undo still waits: then the helper must stay loaded. */
bool __init fr_undo_waiting(void)
{
	return fr_calls_waiting;
}

static void fr_call_misc_deregister(void *misc)
{
	misc_deregister(misc);
}

static void fr_call_proc_remove(void *pde)
{
	proc_remove(pde);
}

/* ------------------------------------------------------------------------ */
/*
 * Filesystem types (fs/filesystems.c), found by lookup.c's fr_fs_owned(),
 * the walk users.c makes too: a list through ->next under an rwlock
 * (FR_FS_NEXT, up to 6.12), an RCU hlist under a spinlock since (7.2, 7.3).
 * The lock is looked up here only to be tried before the undo.
 */
#ifdef FR_FS_NEXT
static rwlock_t *fr_fs_lock __initdata;
#else
static spinlock_t *fr_fs_lock __initdata;
#endif

static void __init fr_fs_found(struct file_system_type *fs)
{
	struct fr_leftover *lo;

	lo = fr_lo_add(FR_LO_FS, fs);
	if (!lo)
		return;
	lo->size = sizeof(*fs);
	strscpy(lo->name, fs->name, sizeof(lo->name));
	/* unregister_filesystem() while a superblock lives would free its type. */
	if (!hlist_empty(&fs->fs_supers))
		lo->refuse = FR_MOUNTED;
}

/* 0, or -EBUSY (list locked), -E2BIG (more types than looked at), ... */
static int __init fr_find_fs(void)
{
	struct file_system_type *owned[FR_MAX_FS];
	int i, n;

	if (!fr_fs_lock)
		return fr_missing(FR_LAYOUT_FILE_SYSTEMS);	/* said so */
	n = fr_fs_owned(fr_lo_target->mod, owned, FR_MAX_FS);
	if (n == -ENOENT)
		fr_not_looked_at(fr_sym_fs);
	if (n < 0)
		return n;
	for (i = 0; i < n && i < FR_MAX_FS; i++)
		fr_fs_found(owned[i]);
	return n > FR_MAX_FS ? -E2BIG : 0;
}

/* unregister_filesystem() takes file_systems_lock unconditionally. */
static enum fr_why __init fr_undo_fs(struct fr_leftover *lo)
{
	struct file_system_type *fs = lo->obj;

#ifndef FR_FS_NEXT
	unsigned int n;

	for (n = 0; !spin_trylock(fr_fs_lock); n++, fr_pause())
		if (n == FR_TRIES)
			return FR_LOCKED;
	spin_unlock(fr_fs_lock);
#else
	if (!fr_rwlock_free(fr_fs_lock))
		return FR_LOCKED;
#endif
	if (!hlist_empty(&fs->fs_supers))
		return FR_MOUNTED;
	return unregister_filesystem(fs) ? FR_GONE : FR_OK;
}

/* ------------------------------------------------------------------------ */
/* Misc devices (drivers/char/misc.c): misc_list under misc_mtx. */
static struct list_head *fr_misc_list __initdata;
static struct mutex *fr_misc_mtx __initdata;

struct fr_open_scan {
	dev_t rdev;
	bool open;
};

/* Called by iterate_fd() under the task's file_lock: must not sleep. */
static int __init fr_is_node(const void *arg, struct file *file, unsigned int fd)
{
	struct fr_open_scan *scan = (struct fr_open_scan *)arg;
	struct inode *inode = file_inode(file);

	if (S_ISCHR(inode->i_mode) && inode->i_rdev == scan->rdev) {
		scan->open = true;
		return 1;
	}
	return 0;
}

/*
 * Does any task have character device @rdev open?  Every file table, one
 * thread held at a time (users.c's walk), rescheduling between threads.
 */
static bool __init fr_node_open(dev_t rdev)
{
	struct fr_open_scan scan = { .rdev = rdev };
	struct task_struct *p;
	int nr = 1;

	while (!scan.open && (p = fr_next_thread(&nr))) {
		task_lock(p);
		if (p->files)
			iterate_fd(p->files, 0, fr_is_node, &scan);
		task_unlock(p);
		put_task_struct(p);
		cond_resched();
	}
	return scan.open;
}

static bool __init fr_misc_lock(void)
{
	unsigned int n;

	for (n = 0; !mutex_trylock(fr_misc_mtx); n++, fr_pause())
		if (n == FR_TRIES)
			return false;
	return true;
}

static int __init fr_find_misc(void)
{
	struct miscdevice *misc;
	struct fr_leftover *lo;

	if (!fr_misc_list || !fr_misc_mtx)
		return fr_missing(FR_LAYOUT_MISC);
	if (!fr_misc_lock())
		return -EBUSY;
	list_for_each_entry(misc, fr_misc_list, list) {
		if (!fr_in_target(misc) && !fr_in_target(misc->fops))
			continue;
		lo = fr_lo_add(FR_LO_MISC, misc);
		if (!lo)
			break;
		lo->size = sizeof(*misc);
		strscpy(lo->name, misc->name ? misc->name : "?", sizeof(lo->name));
	}
	mutex_unlock(fr_misc_mtx);

	/* misc_deregister() leaves an open file with freed operations. */
	for (lo = fr_los; lo < fr_los + fr_nr_los; lo++) {
		misc = lo->obj;
		if (lo->t == fr_lo_target && lo->kind == FR_LO_MISC &&
		    fr_node_open(MKDEV(MISC_MAJOR, misc->minor)))
			lo->refuse = FR_OPEN;
	}
	return 0;
}

static enum fr_why __init fr_undo_misc(struct fr_leftover *lo)
{
	struct miscdevice *misc = lo->obj;

	if (!fr_misc_lock())
		return FR_LOCKED;
	mutex_unlock(fr_misc_mtx);
	if (fr_node_open(MKDEV(MISC_MAJOR, misc->minor)))
		return FR_OPEN;
	fr_test_pause_undo("misc_deregister");
	return fr_call_bounded(fr_call_misc_deregister, misc);
}

/* ------------------------------------------------------------------------ */
/*
 * /proc entries (fs/proc/): struct proc_dir_entry is private.  Its layout
 * up to the last field read here, as fs/proc/internal.h has it, checked on
 * 6.1 and 6.12 (FR_PDE_DOPS), and on 7.2 and 7.3, where proc_dops is gone.
 * On other releases, and with CONFIG_RANDSTRUCT (struct proc_dir_entry is
 * __randomize_layout), /proc cannot be read: a target whose exit will not
 * run is refused ("proc ? -> refuse (not checked)").  The tree, an rbtree of
 * children per directory, is guarded by proc_subdir_lock.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 0) && \
	LINUX_VERSION_CODE < KERNEL_VERSION(6, 13, 0) && !defined(CONFIG_RANDSTRUCT)
#define FR_PDE_CHECKED
#define FR_PDE_DOPS
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(7, 2, 0) && \
	LINUX_VERSION_CODE < KERNEL_VERSION(7, 4, 0) && !defined(CONFIG_RANDSTRUCT)
#define FR_PDE_CHECKED
#endif

#ifdef FR_PDE_CHECKED
struct fr_pde {
	atomic_t in_use;
	refcount_t refcnt;
	struct list_head pde_openers;
	spinlock_t pde_unload_lock;	/* guards pde_openers */
	struct completion *pde_unload_completion;
	const struct inode_operations *proc_iops;
	const void *proc_ops;		/* or proc_dir_ops */
#ifdef FR_PDE_DOPS
	const struct dentry_operations *proc_dops;
#endif
	const void *seq_ops;		/* or single_show */
	proc_write_t write;
	void *data;
	unsigned int state_size;
	unsigned int low_ino;
	nlink_t nlink;
	kuid_t uid;
	kgid_t gid;
	loff_t size;
	struct fr_pde *parent;
	struct rb_root subdir;
	struct rb_node subdir_node;
	char *name;
	umode_t mode;
	u8 flags;
	u8 namelen;
};

#define FR_PROC_ROOT_INO	1

static struct fr_pde *fr_proc_root __initdata;	/* once it reads back */
static rwlock_t *fr_proc_lock __initdata;	/* proc_subdir_lock */

/* Does @pde read as an entry named @name whose parent is @parent? */
static bool __init fr_pde_is(struct fr_pde *pde, const char *name,
			     struct fr_pde *parent)
{
	char buf[8] = "";
	struct fr_pde copy;

	if (copy_from_kernel_nofault(&copy, pde, sizeof(copy)) ||
	    copy.namelen != strlen(name) || copy.namelen >= sizeof(buf) ||
	    copy_from_kernel_nofault(buf, copy.name, copy.namelen))
		return false;
	return !memcmp(buf, name, copy.namelen) && copy.parent == parent;
}

/* Look up proc_root and check that the layout reads it and /proc/net. */
static void __init fr_find_proc_root(void)
{
	struct fr_pde *root = fr_lookup(FR_LAYOUT_PROC, fr_sym_proc_root,
					sizeof(*root));
	struct fr_pde *net = (struct fr_pde *)init_net.proc_net;

	fr_proc_lock = fr_lookup(FR_LAYOUT_PROC, fr_sym_proc_lock,
				 sizeof(*fr_proc_lock));
	if (!root || !fr_proc_lock)
		return;
	/* proc_root (fs/proc/root.c) and init_net's (fs/proc/proc_net.c). */
	if (!fr_pde_is(root, "/proc", root) || !S_ISDIR(root->mode) ||
	    root->low_ino != FR_PROC_ROOT_INO ||
	    (net && (!fr_pde_is(net, "net", root) || net->data != &init_net))) {
		fr_not_looked_at(fr_why_proc_root);
		__set_bit(FR_LAYOUT_PROC, &fr_untrusted);
		return;
	}
	fr_proc_root = root;
}

static bool __init fr_pde_busy(struct fr_pde *pde)
{
	return atomic_read(&pde->in_use) ||
	       READ_ONCE(pde->pde_openers.next) != &pde->pde_openers;
}

static bool __init fr_pde_owned(struct fr_pde *pde)
{
	return fr_in_target(pde->proc_ops) || fr_in_target(pde->proc_iops) ||
	       fr_in_target(pde->seq_ops) || fr_in_target(pde->write) ||
	       fr_in_target(pde->data);
}

/* "/proc/a/b" from the names up to proc_root.  Caller holds the lock. */
static void __init fr_pde_path(struct fr_pde *pde, char *buf, size_t size)
{
	struct fr_pde *chain[FR_PROC_DEPTH];
	unsigned int n = 0;
	ssize_t used, len;

	while (pde != fr_proc_root && n < FR_PROC_DEPTH) {
		chain[n++] = pde;
		pde = pde->parent;
	}
	used = strscpy(buf, "/proc", size);
	while (n-- && used + 1 < size) {
		buf[used++] = '/';
		len = strscpy(buf + used, chain[n]->name, size - used);
		if (len < 0)
			return;
		used += len;
	}
}

/* An entry whose things lie in the target, not under one already listed. */
static struct fr_leftover * __init fr_proc_found(struct fr_pde *pde)
{
	struct fr_leftover *lo = fr_lo_add(FR_LO_PROC, pde);

	if (!lo)
		return NULL;
	fr_pde_path(pde, lo->name, sizeof(lo->name));
	/* Linked, so at least one reference: it stays until fr_put_proc(). */
	lo->held = refcount_inc_not_zero(&pde->refcnt);
	if (pde->flags & PROC_ENTRY_PERMANENT)
		lo->refuse = FR_PERMANENT;
	else if (fr_pde_busy(pde))
		lo->refuse = FR_OPEN;
	return lo;
}

/*
 * Walk the subtree of directory @top, depth first.  A leftover directory is
 * removed with its subtree, so what lies below it is not listed again; but
 * if it holds an entry that is not the target's, or one in use or open, it
 * is refused.  Caller holds proc_subdir_lock for reading.
 */
static void __init fr_walk_proc(struct fr_pde *top)
{
	struct fr_leftover *owners[FR_PROC_DEPTH] = { NULL };
	struct rb_node *node = rb_first(&top->subdir);
	unsigned int depth = 0;
	struct fr_pde *pde;

	while (node) {
		struct fr_leftover *above = depth ? owners[depth - 1] : NULL;

		pde = rb_entry(node, struct fr_pde, subdir_node);
		owners[depth] = above;
		if (!above && fr_pde_owned(pde))
			owners[depth] = fr_proc_found(pde);
		else if (above && !fr_pde_owned(pde) && !S_ISDIR(pde->mode))
			above->refuse = FR_OTHERS;
		else if (above && fr_pde_busy(pde))
			above->refuse = FR_BUSY;
		/* Down into a directory, else on to the next sibling or up. */
		if (!RB_EMPTY_ROOT(&pde->subdir) && depth + 1 < FR_PROC_DEPTH) {
			depth++;
			node = rb_first(&pde->subdir);
			continue;
		}
		while (!(node = rb_next(node)) && depth) {
			depth--;
			pde = pde->parent;
			node = &pde->subdir_node;
		}
	}
}

static int __init fr_find_proc(void)
{
	unsigned int n;

	if (!fr_proc_root)
		return fr_missing(FR_LAYOUT_PROC);
	for (n = 0; n < FR_TRIES; n++, fr_pause()) {
		if (read_trylock(fr_proc_lock)) {
			fr_walk_proc(fr_proc_root);
			if (init_net.proc_net)
				fr_walk_proc((struct fr_pde *)init_net.proc_net);
			read_unlock(fr_proc_lock);
			return 0;
		}
	}
	return -EBUSY;
}

/*
 * Is the subtree of @top, a leftover of fr_lo_target's, still as found: no
 * entry permanent, in use or open, and every one but directories the
 * target's?  Caller holds proc_subdir_lock for reading.
 */
static enum fr_why __init fr_proc_subtree(struct fr_pde *top)
{
	struct rb_node *node = &top->subdir_node;
	struct fr_pde *pde = top;
	unsigned int depth = 0;

	for (;;) {
		if (pde->flags & PROC_ENTRY_PERMANENT)
			return FR_PERMANENT;
		if (fr_pde_busy(pde))
			return pde == top ? FR_OPEN : FR_BUSY;
		if (pde != top && !fr_pde_owned(pde) && !S_ISDIR(pde->mode))
			return FR_OTHERS;
		if (!RB_EMPTY_ROOT(&pde->subdir) && depth + 1 < FR_PROC_DEPTH) {
			depth++;
			node = rb_first(&pde->subdir);
		} else {
			while (depth && !(node = rb_next(node))) {
				depth--;
				pde = pde->parent;
				node = &pde->subdir_node;
			}
			if (!depth)
				return FR_OK;
		}
		pde = rb_entry(node, struct fr_pde, subdir_node);
	}
}

/*
 * Drop the reference fr_proc_found() took.  Only while the entry is linked,
 * which holds one too: dropping the last one would need pde_put(), which is
 * private.  An entry removed meanwhile (or a lock not had) keeps it: one
 * proc_dir_entry leaked, nothing freed under anyone.
 */
static void __init fr_put_proc(struct fr_leftover *lo)
{
	struct fr_pde *pde = lo->obj;
	unsigned int n;

	if (!lo->held)
		return;
	for (n = 0; n < FR_TRIES; n++, fr_pause()) {
		if (!read_trylock(fr_proc_lock))
			continue;
		if (!RB_EMPTY_NODE(&pde->subdir_node)) {
			refcount_dec(&pde->refcnt);
			lo->held = false;
		}
		read_unlock(fr_proc_lock);
		return;
	}
}

/*
 * Another target's leftover above each /proc leftover (below another's
 * directory): if that one is undone first, its remove_proc_subtree()
 * removes this one too, and this one is not removed again (one listed for
 * two targets is fr_undone_before()'s).  Each entry is held, and its
 * parents, linked under the lock, are read there.
 */
static void __init fr_cover_proc_locked(void)
{
	struct fr_leftover *lo, *up;
	struct fr_pde *pde;
	unsigned int depth;

	for (lo = fr_los; lo < fr_los + fr_nr_los; lo++) {
		if (lo->kind != FR_LO_PROC || !lo->held ||
		    RB_EMPTY_NODE(&((struct fr_pde *)lo->obj)->subdir_node))
			continue;
		pde = ((struct fr_pde *)lo->obj)->parent;
		for (depth = 0; !lo->cover && pde != fr_proc_root &&
		     depth < FR_PROC_DEPTH; depth++, pde = pde->parent)
			for (up = fr_los; up < fr_los + fr_nr_los; up++)
				if (up->kind == FR_LO_PROC && up->obj == pde &&
				    up->t != lo->t)
					lo->cover = up;
	}
}

static void __init fr_cover_proc(void)
{
	struct fr_leftover *lo;
	unsigned int n;

	for (lo = fr_los; lo < fr_los + fr_nr_los; lo++)
		if (lo->kind == FR_LO_PROC && lo->held)
			break;
	if (lo == fr_los + fr_nr_los)
		return;		/* none held: none read, the lock perhaps not found */
	/* Not had: uncovered, and a second removal finds the entry gone. */
	for (n = 0; n < FR_TRIES; n++, fr_pause()) {
		if (read_trylock(fr_proc_lock)) {
			fr_cover_proc_locked();
			read_unlock(fr_proc_lock);
			return;
		}
	}
}

/*
 * remove_proc_subtree() takes proc_subdir_lock and waits for users: the
 * lock must be free, and the whole subtree, looked at again under it, still
 * as found.  The entry is removed by its name under its parent
 * (proc_remove()): it must still be linked there.
 */
static enum fr_why __init fr_undo_proc(struct fr_leftover *lo)
{
	struct fr_pde *pde = lo->obj;
	enum fr_why why = FR_GONE;
	unsigned int n;

	if (lo->cover && lo->cover->undone)
		return FR_OK;	/* removed with it */
	if (!lo->held || !fr_rwlock_free(fr_proc_lock))
		return lo->held ? FR_LOCKED : FR_UNCHECKED;
	for (n = 0; n < FR_TRIES; n++, fr_pause()) {
		if (!read_trylock(fr_proc_lock))
			continue;
		if (!RB_EMPTY_NODE(&pde->subdir_node)) {
			why = fr_proc_subtree(pde);
			refcount_dec(&pde->refcnt);	/* its link holds one */
			lo->held = false;
		}
		read_unlock(fr_proc_lock);
		if (why)
			return why;
		fr_test_pause_undo("proc_remove");
		return fr_call_bounded(fr_call_proc_remove, lo->obj);
	}
	return FR_LOCKED;
}

/*
 * For refscan.c: whether the undo removes the /proc entry @pde, a leftover
 * of @t's or below one (remove_proc_subtree() takes the whole subtree), so
 * that its words and its inodes' data are no danger.  The parents are read
 * without proc_subdir_lock, nofault: an entry's parent does not change.
 */
bool __init fr_lo_proc_removes(const struct fr_rescue *t, unsigned long pde)
{
	const struct fr_leftover *lo;
	unsigned long p;
	unsigned int depth;

	for (lo = fr_los; lo < fr_los + fr_nr_los; lo++) {
		if (lo->t != t || lo->refuse || lo->kind != FR_LO_PROC)
			continue;
		for (p = pde, depth = 0; p && depth < FR_PROC_DEPTH; depth++) {
			if (p == (unsigned long)lo->obj)
				return true;
			if (get_kernel_nofault(p, (unsigned long *)&((struct fr_pde *)p)->parent))
				break;
		}
	}
	return false;
}

#else
/* Out of every checked range: lookup.c says so, loudly. */
static void __init fr_find_proc_root(void)
{
	fr_layout_trusted(FR_LAYOUT_PROC);
}

/* /proc is there, but its entries cannot be read: not checked. */
static int __init fr_find_proc(void)
{
	return -ERANGE;
}

static enum fr_why __init fr_undo_proc(struct fr_leftover *lo)
{
	return FR_UNCHECKED;
}

static void __init fr_put_proc(struct fr_leftover *lo)
{
}

static void __init fr_cover_proc(void)
{
}

/* No /proc entry is a leftover. */
bool __init fr_lo_proc_removes(const struct fr_rescue *t, unsigned long pde)
{
	return false;
}
#endif

/* ------------------------------------------------------------------------ */
/*
 * Binary formats (fs/exec.c): the list formats is private and its name is
 * not unique in kallsyms, so a format is found in the target's data (its
 * module the target, its load_binary in the target's text) and proven on
 * the list: under binfmt_lock, its links cycle back to it through a head
 * that kallsyms names exactly "formats" at offset 0, in the kernel proper.
 * (kallsyms' size of a symbol is the distance to the next one: 0x10 on
 * 6.12, 0x1a0 on 7.3; it is not checked.)
 */
static rwlock_t *fr_binfmt_lock __initdata;

/* Is @lh on the formats list?  Caller holds binfmt_lock. */
static bool __init fr_on_formats(struct list_head *lh)
{
	static const char want[] __initconst = "formats+0x0/";
	struct list_head *node = lh, *next, *back;
	char sym[KSYM_SYMBOL_LEN];
	bool head = false;
	unsigned int n;

	for (n = 0; n < 64; n++) {
		if (copy_from_kernel_nofault(&next, &node->next, sizeof(next)) ||
		    copy_from_kernel_nofault(&back, &next->prev, sizeof(back)) ||
		    back != node)
			return false;
		if (next == lh)
			return head;
		sprint_symbol(sym, (unsigned long)next);
		head |= !strncmp(sym, want, sizeof(want) - 1) &&
			!strchr(sym, '[');
		node = next;
	}
	return false;
}

/* FR_OK: on the list; FR_GONE: not; FR_LOCKED, FR_UNCHECKED: unknown. */
static enum fr_why __init fr_binfmt_linked(struct linux_binfmt *fmt)
{
	enum fr_why why;
	unsigned int n;

	if (!fr_binfmt_lock)
		return FR_UNCHECKED;
	for (n = 0; n < FR_TRIES; n++, fr_pause()) {
		if (read_trylock(fr_binfmt_lock)) {
			why = fr_on_formats(&fmt->lh) ? FR_OK : FR_GONE;
			read_unlock(fr_binfmt_lock);
			return why;
		}
	}
	return FR_LOCKED;
}

static void __init fr_scan_binfmts(struct fr_range *r)
{
	const struct module *mod = fr_lo_target->mod;
	struct fr_leftover *lo;
	enum fr_why why;
	unsigned long p;

	for (p = r->start; p + sizeof(struct linux_binfmt) <= r->end;
	     p += sizeof(long)) {
		struct linux_binfmt *fmt = (struct linux_binfmt *)p;

		if (!fr_in_text(mod, (unsigned long)READ_ONCE(fmt->load_binary)))
			continue;
		why = fr_binfmt_linked(fmt);
		if (why == FR_GONE)
			continue;	/* not registered: nothing points at it */
		lo = fr_lo_add(FR_LO_BINFMT, fmt);
		if (!lo)
			continue;
		/* An exec holds fmt->module while it runs: it must be the target. */
		lo->refuse = why ? why : READ_ONCE(fmt->module) != mod ? FR_UNCHECKED : FR_OK;
		lo->size = sizeof(*fmt);
		fr_lo_symbol(lo, p);
	}
}

/* unregister_binfmt() takes binfmt_lock for writing unconditionally. */
static enum fr_why __init fr_undo_binfmt(struct fr_leftover *lo)
{
	struct linux_binfmt *fmt = lo->obj;
	enum fr_why why = fr_binfmt_linked(fmt);

	if (why)
		return why;
	if (!fr_rwlock_free(fr_binfmt_lock))
		return FR_LOCKED;
	unregister_binfmt(fmt);
	return FR_OK;
}

/* ------------------------------------------------------------------------ */
/* TCP congestion controls (net/ipv4/tcp_cong.c): an RCU list. */
static struct list_head *fr_tcp_list __initdata;
static spinlock_t *fr_tcp_lock __initdata;

static int __init fr_find_tcp(void)
{
	struct tcp_congestion_ops *ca;
	struct fr_leftover *lo;

	if (!IS_ENABLED(CONFIG_INET))
		return -ENOENT;
	if (!fr_tcp_list || !fr_tcp_lock)
		return fr_missing(FR_LAYOUT_TCP_CONG);
	rcu_read_lock();
	list_for_each_entry_rcu(ca, fr_tcp_list, list) {
		if (ca->owner != fr_lo_target->mod && !fr_in_target(ca))
			continue;
		lo = fr_lo_add(FR_LO_TCP, ca);
		if (!lo)
			break;
		lo->size = sizeof(*ca);
		strscpy(lo->name, ca->name, sizeof(lo->name));
		/* Its users hold no reference to the target: not undone. */
		if (ca->owner != fr_lo_target->mod)
			lo->refuse = FR_UNCHECKED;
	}
	rcu_read_unlock();
	return 0;
}

static bool __init fr_tcp_listed(const void *obj)
{
	struct tcp_congestion_ops *ca;
	bool listed = false;

	rcu_read_lock();
	list_for_each_entry_rcu(ca, fr_tcp_list, list)
		listed |= ca == obj;
	rcu_read_unlock();
	return listed;
}

static enum fr_why __init fr_undo_tcp(struct fr_leftover *lo)
{
	unsigned int n;

	if (!fr_tcp_listed(lo->obj))
		return FR_GONE;
	for (n = 0; !spin_trylock(fr_tcp_lock); n++, fr_pause())
		if (n == FR_TRIES)
			return FR_LOCKED;
	spin_unlock(fr_tcp_lock);
#if IS_ENABLED(CONFIG_INET)
	tcp_unregister_congestion_control(lo->obj);
#endif
	return FR_OK;
}

/* ------------------------------------------------------------------------ */
/* Whole disks whose operations the target owns: found to be refused. */
static void __init fr_find_disks(void)
{
	char names[4][FR_DISK_NAME_LEN];
	struct fr_leftover *lo;
	int i, n = fr_owned_disks(fr_lo_target->mod, names, ARRAY_SIZE(names));

	for (i = 0; i < n || (n < 0 && !i); i++) {
		lo = fr_lo_add(FR_LO_DISK, NULL);
		if (!lo)
			return;
		strscpy(lo->name, n > 0 && i < ARRAY_SIZE(names) ? names[i] : "?",
			sizeof(lo->name));
		lo->refuse = n < 0 ? FR_UNCHECKED : FR_NO_UNDO;
	}
}

/* ------------------------------------------------------------------------ */
/*
 * Timers and delayed works in the target's own data: a struct timer_list is
 * a candidate by its function (in the target's text, or the workqueue's
 * delayed_work_timer_fn with a work function in the target's text), unless
 * it overlaps the target's struct module or an object found as another
 * kind.  A candidate is a timer only when timers.c proves it armed or
 * running, and a delayed work only when its timer is.  A delayed work
 * queued (its pending bit set, its timer not armed) is looked at again
 * until its work has run, 100 ms at most: after that it is refused, not
 * proven.  Nothing else is written.
 */
static bool __init fr_lo_overlaps(unsigned long p, size_t size)
{
	const struct module *mod = fr_lo_target->mod;
	const struct fr_leftover *lo;
	unsigned long m = (unsigned long)mod;

	if (p < m + sizeof(*mod) && m < p + size)
		return true;
	for (lo = fr_los; lo < fr_los + fr_nr_los; lo++) {
		/* Looked at again after their undo: armed or queued again? */
		if (fr_rechecking &&
		    (lo->kind == FR_LO_HRTIMER || lo->kind == FR_LO_WORK))
			continue;
		if (lo->t == fr_lo_target && lo->size &&
		    p < (unsigned long)lo->obj + lo->size &&
		    (unsigned long)lo->obj < p + size)
			return true;
	}
	return false;
}

/* @obj of @kind (of @size, 0 for timers and delayed works) found. */
static void __init fr_timer_found(enum fr_lo_kind kind, void *obj, size_t size,
				  enum fr_why why)
{
	struct fr_leftover *lo;

	if (fr_rechecking) {
		/* Armed again, or still running, after its undo. */
		pr_err("%s: " FR_LOG_UNDO_FAILED "%s %ps (%s), not repaired\n",
		       fr_lo_target->name, fr_lo_kinds[kind], obj,
		       fr_whys[why ? why : FR_RUNNING]);
		fr_lo_target->undo_failed = true;
		return;
	}
	lo = fr_lo_add(kind, obj);
	if (!lo)
		return;
	lo->refuse = why;
	lo->size = size;
	fr_lo_symbol(lo, (unsigned long)obj);
}

/*
 * A delayed work: FR_OK with its timer proven armed or running, or idle
 * (*proof FR_NOT_TIMER: neither armed nor pending); FR_UNCHECKED when it
 * stayed queued or unproven for 100 ms.  One seen pending is never taken
 * for idle: its work may arm it again as it runs.
 */
static enum fr_why __init fr_dwork_state(struct delayed_work *dw,
					 enum fr_timer_proof *proof)
{
	bool pending = false;
	unsigned long data;
	unsigned int n;

	for (n = 0; n < FR_TRIES; n++, fr_pause()) {
		*proof = fr_timer_prove(&dw->timer);
		if (*proof == FR_TIMER_ARMED || *proof == FR_TIMER_RUNNING)
			return FR_OK;
		if (copy_from_kernel_nofault(&data, &dw->work.data, sizeof(data)))
			break;
		pending |= data & WORK_STRUCT_PENDING;
		if (pending)
			continue;
		if (*proof == FR_NOT_TIMER ||
		    (*proof == FR_TIMER_UNKNOWN && !fr_timer_linked(&dw->timer))) {
			*proof = FR_NOT_TIMER;
			return FR_OK;	/* idle */
		}
	}
	return FR_UNCHECKED;
}

static void __init fr_scan_timers(struct fr_range *r)
{
	const struct module *mod = fr_lo_target->mod;
	size_t dw_off = offsetof(struct delayed_work, timer);
	unsigned long p;

	for (p = r->start; p + sizeof(struct timer_list) <= r->end;
	     p += sizeof(long)) {
		struct timer_list *t = (struct timer_list *)p;
		unsigned long fn = (unsigned long)READ_ONCE(t->function);
		struct delayed_work *dw = NULL;
		enum fr_timer_proof proof;
		enum fr_why why = FR_OK;

		if (fn == (unsigned long)delayed_work_timer_fn) {
			if (p - r->start < dw_off)
				continue;
			dw = container_of(t, struct delayed_work, timer);
			if (!fr_in_text(mod, (unsigned long)READ_ONCE(dw->work.func)))
				continue;
		} else if (!fr_in_text(mod, fn)) {
			continue;
		}
		if (fr_lo_overlaps(dw ? (unsigned long)dw : p,
				   dw ? sizeof(*dw) : sizeof(*t)))
			continue;
		if (dw) {
			why = fr_dwork_state(dw, &proof);
			if (!why && proof == FR_NOT_TIMER)
				continue;	/* an idle work */
		} else {
			proof = fr_timer_prove(t);
			if (proof == FR_NOT_TIMER)
				continue;
			/* Not proven either way: refused, if it could be armed. */
			if (proof == FR_TIMER_UNKNOWN && !fr_timer_linked(t))
				continue;
			if (proof == FR_TIMER_UNKNOWN)
				why = FR_UNCHECKED;
		}
		fr_timer_found(dw ? FR_LO_DWORK : FR_LO_TIMER,
			       dw ? (void *)dw : t, 0, why);
	}
}

/*
 * hrtimers in the target's data, their function in its text, proven armed
 * or running (timers.c).  One neither armed nor running is not written.
 */
static void __init fr_scan_hrtimers(struct fr_range *r)
{
	const struct module *mod = fr_lo_target->mod;
	unsigned long p;

	for (p = r->start; p + sizeof(struct hrtimer) <= r->end;
	     p += sizeof(long)) {
		struct hrtimer *t = (struct hrtimer *)p;
		enum fr_timer_proof proof;

		if (!fr_in_text(mod, (unsigned long)READ_ONCE(ACCESS_PRIVATE(t, function))) ||
		    fr_lo_overlaps(p, sizeof(*t)))
			continue;
		proof = fr_hrtimer_prove(t);
		if (proof == FR_NOT_TIMER)
			continue;
		fr_timer_found(FR_LO_HRTIMER, t, sizeof(*t),
			       proof == FR_TIMER_UNKNOWN ? FR_UNCHECKED : FR_OK);
	}
}

/*
 * Plain works in the target's data, their function the start of one of
 * the target's functions, not a delayed work's.  A work's shape proves
 * nothing (timers.c), so none is cancelled:
 *
 *   - one of queued shape is waited for, 100 ms at most (one pending but
 *     on no list, 5 ms), to run (its code is intact) and leave the queue;
 *     one that never does is no work (or a work stuck on its queue, or an
 *     rcu_work waiting for its grace period: the reference scan sees the
 *     queue point into the target), remembered as a look-alike with its
 *     data and function words, and passed over by the recheck only while
 *     both are unchanged;
 *   - one of idle shape running (work_busy(), which reads its pool by id
 *     only) is waited for too, and refused as running after 100 ms;
 *   - since 6.10 one of idle shape whose data is a work's is disabled, so
 *     that nothing queues it again.  It is registered nowhere, so it is no
 *     leftover: not listed, never a refusal, left alone in a live target
 *     whose exit was not replaced by request.
 *
 * Looked for after the timers and hrtimers that may queue them, and
 * disabled after their undo.  The recheck after the undo waits again for
 * any work queued or running by then (a timer queued it before its undo),
 * look-alikes aside, and refuses one still queued or running after 100 ms.
 */
#define FR_MAX_LOOKALIKES	64
/* A look-alike's place, and its data and function words as they were. */
static struct {
	unsigned long where, data, func;
} fr_lookalikes[FR_MAX_LOOKALIKES] __initdata;
static unsigned int fr_nr_lookalikes __initdata;

static void __init fr_lookalike_add(struct work_struct *w)
{
	unsigned int i = fr_nr_lookalikes++;

	fr_lookalikes[i].where = (unsigned long)w;
	fr_lookalikes[i].data = atomic_long_read(&w->data);
	fr_lookalikes[i].func = (unsigned long)READ_ONCE(w->func);
}

/* A look-alike whose words have not changed (a real work's would have). */
static bool __init fr_is_lookalike(struct work_struct *w)
{
	unsigned int i;

	for (i = 0; i < fr_nr_lookalikes; i++)
		if (fr_lookalikes[i].where == (unsigned long)w)
			return fr_lookalikes[i].data == atomic_long_read(&w->data) &&
			       fr_lookalikes[i].func == (unsigned long)READ_ONCE(w->func);
	return false;
}

/*
 * Queued, or idle and running: wait 100 ms at most (a work being queued
 * but not yet on a list, 5 ms).  The last state.
 */
static enum fr_work_state __init fr_work_settle(struct work_struct *w,
						bool *running)
{
	enum fr_work_state state = fr_work_state(w);
	unsigned int n;

	*running = false;
	for (n = 0; n < FR_TRIES; n++, fr_pause()) {
		if (state == FR_WORK_NONE ||
		    (state == FR_WORK_UNKNOWN && n >= FR_WORK_TRIES))
			return state;
		*running = state == FR_WORK_IDLE && fr_work_data_idle(w, false) &&
			   work_busy(w);
		if (state == FR_WORK_IDLE && !*running)
			return state;
		state = fr_work_state(w);
	}
	return state;
}

static void __init fr_scan_works(struct fr_range *r)
{
	const struct module *mod = fr_lo_target->mod;
	size_t tfn = offsetof(struct delayed_work, timer.function);
	unsigned long p;

	for (p = r->start; p + sizeof(struct work_struct) <= r->end;
	     p += sizeof(long)) {
		struct work_struct *w = (struct work_struct *)p;
		struct fr_leftover *lo __maybe_unused;
		enum fr_work_state state;
		bool running;

		if (!fr_in_text(mod, (unsigned long)READ_ONCE(w->func)) ||
		    !fr_code_in(READ_ONCE(w->func), mod) ||
		    (p + tfn + sizeof(long) <= r->end &&
		     READ_ONCE(*(unsigned long *)(p + tfn)) ==
		     (unsigned long)delayed_work_timer_fn) ||
		    fr_lo_overlaps(p, sizeof(*w)) ||
		    (fr_rechecking && fr_is_lookalike(w)))
			continue;
		state = fr_work_settle(w, &running);
		if (state == FR_WORK_NONE)
			continue;
		if (running || (fr_rechecking && state != FR_WORK_IDLE)) {
			fr_timer_found(FR_LO_WORK, w, sizeof(*w),
				       running ? FR_RUNNING : FR_UNCHECKED);
			continue;
		}
		if (state != FR_WORK_IDLE) {
			if (fr_nr_lookalikes < FR_MAX_LOOKALIKES)
				fr_lookalike_add(w);
			else
				fr_timer_found(FR_LO_WORK, w, sizeof(*w), FR_UNCHECKED);
			continue;
		}
#ifdef FR_HAVE_DISABLE_WORK
		if (fr_rechecking || !fr_work_data_idle(w, true))
			continue;
		lo = fr_lo_add(FR_LO_WORK, w);
		if (!lo)
			continue;
		lo->idle = true;
		lo->size = sizeof(*w);
		fr_lo_symbol(lo, p);
#endif
	}
}

/* @scan over each range of the target's writable data. */
static void __init fr_scan_data(void (*scan)(struct fr_range *r))
{
	struct fr_range r[2];
	unsigned int i, n = fr_data_ranges(fr_lo_target->mod, r);

	for (i = 0; i < n; i++)
		scan(&r[i]);
}

/*
 * timer_shutdown() dequeues the timer and makes it refuse to be armed
 * again (6.2, 6.1.84); then it is deleted once its callback is not running,
 * which is never waited for more than 100 ms.
 */
static enum fr_why __init fr_undo_timer(struct fr_leftover *lo)
{
	struct timer_list *t = lo->obj;
	unsigned int n;

#ifdef FR_HAVE_TIMER_SHUTDOWN
	timer_shutdown(t);
#endif

	for (n = 0; timer_delete_sync_try(t) < 0; n++, fr_pause())
		if (n == FR_TRIES)
			return FR_RUNNING;
	return FR_OK;
}

/*
 * Cancel until neither queued nor running; no waiting on a stuck work.
 * Since 6.10 it is disabled first: nothing queues it again, neither its
 * own work as it runs nor another of the target's callbacks not yet undone.
 */
static enum fr_why __init fr_undo_dwork(struct fr_leftover *lo)
{
	struct delayed_work *dw = lo->obj;
	unsigned int n;

#ifdef FR_HAVE_DISABLE_WORK
	disable_delayed_work(dw);
#endif
	for (n = 0; cancel_delayed_work(dw), work_busy(&dw->work); n++, fr_pause())
		if (n == FR_TRIES)
			return FR_RUNNING;
	return FR_OK;
}

/*
 * hrtimer_try_to_cancel() dequeues it, or fails while its callback runs:
 * then the callback (intact) may arm it again, and it is tried again, 100
 * ms at most.
 */
static enum fr_why __init fr_undo_hrtimer(struct fr_leftover *lo)
{
	unsigned int n;

	for (n = 0; hrtimer_try_to_cancel(lo->obj) < 0; n++, fr_pause())
		if (n == FR_TRIES)
			return FR_RUNNING;
	return FR_OK;
}

/*
 * An idle work (6.10 on), still idle by its shape and data (the reference
 * scan took a while): disabled; one that began to run is waited for.  One
 * that changed is left alone, for the recheck to judge.
 */
static enum fr_why __init fr_undo_work(struct fr_leftover *lo)
{
	struct work_struct *w = lo->obj;
	unsigned int n;

	if (fr_work_state(w) != FR_WORK_IDLE || !fr_work_data_idle(w, true)) {
		lo->idle = false;	/* not disabled: nothing to log */
		return FR_OK;
	}
#ifdef FR_HAVE_DISABLE_WORK
	disable_work(w);
#endif
	for (n = 0; work_busy(w); n++, fr_pause())
		if (n == FR_TRIES)
			return FR_RUNNING;
	return FR_OK;
}

/* ------------------------------------------------------------------------ */
/*
 * Network devices, in every namespace: found to be refused.  One is the
 * target's when its operations lie in it, or when its parent device is
 * bound to one of the target's drivers: a framework's device (usbnet's
 * minidrivers, cdc_ether among them) has the framework's netdev_ops, and
 * the target's callbacks only in its private data.  The parent is held by
 * the registered device; its driver is read nofault.
 */
static bool __init fr_netdev_owned(const struct net_device *dev)
{
	struct device *parent = READ_ONCE(dev->dev.parent);
	struct device_driver *drv;
	struct module *owner;

	if (fr_in_target(dev->netdev_ops) || fr_in_target(dev->rtnl_link_ops) ||
	    fr_in_target(dev->ethtool_ops) || fr_in_target(dev->header_ops))
		return true;
	return parent && !copy_from_kernel_nofault(&drv, &parent->driver, sizeof(drv)) &&
	       drv && !copy_from_kernel_nofault(&owner, &drv->owner, sizeof(owner)) &&
	       owner == fr_lo_target->mod;
}

static void __init fr_find_netdevs(void)
{
	struct net_device *dev;
	struct fr_leftover *lo;
	struct net *net;

	rcu_read_lock();
	for_each_net_rcu(net) {
		for_each_netdev_rcu(net, dev) {
			if (!fr_netdev_owned(dev))
				continue;
			lo = fr_lo_add(FR_LO_NETDEV, dev);
			if (!lo)
				break;
			strscpy(lo->name, dev->name, sizeof(lo->name));
			lo->refuse = FR_NETDEV;
		}
	}
	rcu_read_unlock();
}

/* ------------------------------------------------------------------------ */
int __init fr_parse_leftovers(const char *mode, enum fr_leftovers_policy *policy)
{
	if (!strcmp(mode, FR_LEFTOVERS_UNDO)) {
		*policy = FR_UNDO_LEFTOVERS;
	} else if (!strcmp(mode, FR_LEFTOVERS_FORCE)) {
		*policy = FR_FORCE_LEFTOVERS;
	} else {
		pr_err("%s: unknown " FR_STR(FR_PARAM_LEFTOVERS) "=%s (undo or force)\n",
		       fr_rescues[0].name, mode);
		return -EINVAL;
	}
	return 0;
}

static void __init fr_lookup_lists(void)
{
	static bool done __initdata;

	if (done)
		return;
	done = true;
	fr_fs_lock = fr_lookup(FR_LAYOUT_FILE_SYSTEMS, fr_sym_fs_lock,
			       sizeof(*fr_fs_lock));
	fr_misc_list = fr_lookup(FR_LAYOUT_MISC, fr_sym_misc, sizeof(*fr_misc_list));
	fr_misc_mtx = fr_lookup(FR_LAYOUT_MISC, fr_sym_misc_mtx, sizeof(*fr_misc_mtx));
	fr_find_proc_root();
	fr_binfmt_lock = fr_lookup(FR_LAYOUT_BINFMT, fr_sym_binfmt_lock,
				   sizeof(*fr_binfmt_lock));
	fr_tcp_list = fr_lookup(FR_LAYOUT_TCP_CONG, fr_sym_tcp, sizeof(*fr_tcp_list));
	fr_tcp_lock = fr_lookup(FR_LAYOUT_TCP_CONG, fr_sym_tcp_lock,
				sizeof(*fr_tcp_lock));
	fr_find_device_data();
	fr_find_timer_bases();
	fr_find_hrtimer_bases();
}

/*
 * A list that could not be read, or not to its end, or whose layout is not
 * trusted here: what is on it is unknown, so it refuses; not found, it was
 * not looked at, and that was said.
 */
static void __init fr_unreadable(enum fr_lo_kind kind, int err)
{
	struct fr_leftover *lo;

	if (err != -EBUSY && err != -E2BIG && err != -ERANGE)
		return;
	lo = fr_lo_add(kind, NULL);
	if (!lo)
		return;
	strscpy(lo->name, "?", sizeof(lo->name));
	lo->refuse = err == -EBUSY ? FR_LOCKED : FR_UNCHECKED;
}

static void __init fr_find_target(struct fr_rescue *t)
{
	fr_lo_target = t;
	fr_unreadable(FR_LO_FS, fr_find_fs());
	fr_unreadable(FR_LO_MISC, fr_find_misc());
	fr_unreadable(FR_LO_PROC, fr_find_proc());
	fr_scan_data(fr_scan_binfmts);
	fr_unreadable(FR_LO_TCP, fr_find_tcp());
	fr_find_disks();
	/* Last: nothing found as another kind is taken for a timer. */
	fr_scan_data(fr_scan_timers);
	fr_scan_data(fr_scan_hrtimers);
	fr_scan_data(fr_scan_works);
	fr_find_netdevs();
}

static bool __init fr_any_stub(void)
{
	unsigned int i;

	for (i = 0; i < fr_nr_rescues; i++)
		if (fr_rescues[i].stub)
			return true;
	return false;
}

/*
 * Find and log the leftovers of every target whose exit will not run; set
 * each target's number of refused ones.  Caller holds no lock.  Returns how
 * many were found.
 */
unsigned int __init fr_find_leftovers(void)
{
	ktime_t start = ktime_get();
	unsigned int i, first, n, targets = 0;
	struct fr_leftover *lo;
	s64 us;

	fr_put_leftovers();
	fr_nr_los = 0;
	fr_nr_lookalikes = 0;
	for (i = 0; i < fr_nr_rescues; i++)
		fr_rescues[i].leftovers_refused = 0;
	if (!fr_any_stub())
		return 0;	/* every target's own exit runs */
	fr_lookup_lists();
	for (i = 0; i < fr_nr_rescues; i++) {
		struct fr_rescue *t = &fr_rescues[i];

		if (!t->stub)
			continue;
		targets++;
		fr_lo_overflow = false;
		first = fr_nr_los;
		fr_find_target(t);
		/*
		 * A live target's registrations are in use: undoing them is the
		 * user's call (exit=stub), not exit=auto's, which only replaces
		 * an exit it does not have.  An undo is not rolled back.
		 */
		if (!t->stub_asked && READ_ONCE(t->mod->state) == MODULE_STATE_LIVE)
			for (lo = fr_los + first; lo < fr_los + fr_nr_los; lo++)
				if (!lo->refuse)
					lo->refuse = FR_LIVE;
		if (fr_lo_overflow) {
			pr_err("%s: more than %d leftovers\n", t->name,
			       FR_MAX_LEFTOVERS);
			t->leftovers_refused++;
		}
	}
	fr_cover_proc();
	us = ktime_us_delta(ktime_get(), start);
	for (lo = fr_los, n = 0; lo < fr_los + fr_nr_los; lo++) {
		bool refuse = lo->refuse != FR_OK;

		if (lo->idle)
			continue;
		n++;
		/* One format for both: "-> unregister", "-> refuse (open)". */
		pr_warn("%s: " FR_LOG_LEFTOVER "%s %s -> %s%s%s%s\n", lo->t->name,
			fr_lo_kinds[lo->kind], lo->name,
			refuse ? fr_lo_refuse : fr_lo_actions[lo->kind],
			refuse ? " (" : "", refuse ? fr_whys[lo->refuse] : "",
			refuse ? ")" : "");
		lo->t->leftovers_refused += refuse;
	}
	pr_info(FR_LOG_LEFTOVER_SCAN "%u target(s), %u leftover(s), %lld us\n",
		targets, n, us);
	return n;
}

/* After fr_find_leftovers(): refuse targets with leftovers not undone. */
int __init fr_refuse_leftovers(enum fr_leftovers_policy policy)
{
	unsigned int i;
	int ret = 0;

	for (i = 0; i < fr_nr_rescues; i++) {
		struct fr_rescue *t = &fr_rescues[i];

		if (!t->leftovers_refused)
			continue;
		if (policy == FR_FORCE_LEFTOVERS) {
			pr_warn("%s: " FR_LOG_LEFTOVERS_LEFT
				"%u leftover(s) registered (" FR_LO_FORCE ")\n",
				t->name, t->leftovers_refused);
			continue;
		}
		pr_err("%s: " FR_LOG_LEFTOVERS
		       "%u leftover(s), refusing (" FR_LO_FORCE " forces)\n",
		       t->name, t->leftovers_refused);
		ret = -EBUSY;
	}
	return ret;
}

static const char fr_lo_done[][32] __initconst = {
	[FR_LO_FS] = FR_LOG_UNDONE_FS, [FR_LO_MISC] = FR_LOG_UNDONE_MISC,
	[FR_LO_PROC] = FR_LOG_UNDONE_PROC, [FR_LO_BINFMT] = FR_LOG_UNDONE_BINFMT,
	[FR_LO_TCP] = FR_LOG_UNDONE_TCP, [FR_LO_TIMER] = FR_LOG_UNDONE_TIMER,
	[FR_LO_DWORK] = FR_LOG_UNDONE_DWORK, [FR_LO_HRTIMER] = FR_LOG_UNDONE_HRTIMER,
};

/* The same object listed for an earlier target, and undone there. */
static bool __init fr_undone_before(const struct fr_leftover *lo)
{
	const struct fr_leftover *e;

	for (e = fr_los; lo->obj && e < lo; e++)
		if (e->undone && e->kind == lo->kind && e->obj == lo->obj)
			return true;
	return false;
}

/*
 * Undo what fr_find_leftovers() found and did not refuse.  A target one of
 * whose undos fails (something changed since the search) is marked
 * undo_failed and must not be repaired.  Caller holds no lock.
 */
void __init fr_undo_leftovers(void)
{
	struct fr_leftover *lo;
	enum fr_why why;

	for (lo = fr_los; lo < fr_los + fr_nr_los; lo++) {
		if (lo->refuse || lo->t->undo_failed)
			continue;
		fr_lo_target = lo->t;
		if (fr_undone_before(lo)) {
			why = FR_OK;	/* listed for two targets: undone once */
			goto done;
		}
		switch (lo->kind) {
		case FR_LO_FS:
			why = fr_undo_fs(lo);
			break;
		case FR_LO_MISC:
			why = fr_undo_misc(lo);
			break;
		case FR_LO_PROC:
			why = fr_undo_proc(lo);
			break;
		case FR_LO_BINFMT:
			why = fr_undo_binfmt(lo);
			break;
		case FR_LO_TCP:
			why = fr_undo_tcp(lo);
			break;
		case FR_LO_TIMER:
			why = fr_undo_timer(lo);
			break;
		case FR_LO_DWORK:
			why = fr_undo_dwork(lo);
			break;
		case FR_LO_HRTIMER:
			why = fr_undo_hrtimer(lo);
			break;
		case FR_LO_WORK:
			why = fr_undo_work(lo);
			break;
		default:
			continue;
		}
done:
		if (why) {
			pr_err("%s: " FR_LOG_UNDO_FAILED "%s %s (%s), not repaired\n",
			       lo->t->name, fr_lo_kinds[lo->kind], lo->name,
			       fr_whys[why]);
			lo->t->undo_failed = true;
			continue;
		}
		lo->undone = true;
		if (lo->kind != FR_LO_WORK)
			pr_warn("%s: %s%s\n", lo->t->name, fr_lo_done[lo->kind],
				lo->name);
		else if (lo->idle)
			pr_info("%s: " FR_LOG_IDLE_WORK "%s\n", lo->t->name,
				lo->name);
	}
}

/* The references fr_find_leftovers() holds, dropped.  Caller holds no lock. */
void __init fr_put_leftovers(void)
{
	struct fr_leftover *lo;

	for (lo = fr_los; lo < fr_los + fr_nr_los; lo++)
		if (lo->kind == FR_LO_PROC)
			fr_put_proc(lo);
}

/*
 * After the undo, before the repair: a timer or delayed work of a target
 * whose exit will not run that is armed, running or queued now (a callback
 * or work that was running armed it again) leaves that target unrepaired.
 * Caller holds no lock.
 */
void __init fr_recheck_timers(void)
{
	unsigned int i;

	if (!fr_any_stub())
		return;
	fr_rechecking = true;
	for (i = 0; i < fr_nr_rescues; i++) {
		fr_lo_target = &fr_rescues[i];
		if (!fr_lo_target->stub || fr_lo_target->undo_failed)
			continue;
		fr_scan_data(fr_scan_timers);
		fr_scan_data(fr_scan_hrtimers);
		fr_scan_data(fr_scan_works);
	}
	fr_rechecking = false;
}

/*
 * For refscan.c: whether the word at @where, pointing to @v in @t, is no
 * danger once the undo ran: a pointer to an object the undo unregisters (a
 * list's links, a device's data), or a word of a /proc entry, which the
 * undo frees.  Leftovers not undone explain nothing.
 */
bool __init fr_lo_explains(const struct fr_rescue *t, unsigned long where,
			   unsigned long v)
{
	const struct fr_leftover *lo;

	for (lo = fr_los; lo < fr_los + fr_nr_los; lo++) {
		unsigned long obj = (unsigned long)lo->obj;
		size_t size = lo->size;

		if (lo->t != t || lo->refuse || lo->idle || !obj)
			continue;
		if (lo->kind == FR_LO_TIMER)
			size = sizeof(struct timer_list);
		else if (lo->kind == FR_LO_DWORK)
			size = sizeof(struct delayed_work);
		else if (lo->kind == FR_LO_PROC && where - obj < ksize(lo->obj))
			return true;
		if (v - obj < size)
			return true;
	}
	return false;
}
