/* SPDX-License-Identifier: GPL-2.0 */
/*
 * force_rmmod's internal interface.  One file per concern, as the kernel's
 * own kernel/module/ is split:
 *
 *   main.c      parameters, init and exit: the order of a rescue
 *   lookup.c    private kernel data found by name (module_mutex, ...)
 *   targets.c   the targets: names, lookup in /sys/module, exit and users
 *               policy
 *   tasks.c     tasks that may be executing a target's code
 *   repair.c    holders, health and the repair itself
 *   loader.c    healing finit_module()'s table of loads in flight
 *   users.c     real users: mounts, open files, sockets, crypto; the
 *               account of a target's references
 *   devices.c   real users through the block and tty layers
 *   ops.c       real users held through a table of operations it lends
 *   probes.c    a target's driver whose probe or remove never returned
 *   leftovers/  what a target whose exit will not run left registered:
 *               found, undone or refused; one file per kind, listed in
 *               leftovers/core.c's table (leftovers/leftovers.h)
 *   timers.c    which of a target's timer-shaped data are timers: proven
 *   refscan.c   the reference scan: nothing left pointing into a target
 *               whose exit will not run
 *   expedite.c  expedited RCU grace periods after a repair
 *
 * Everything but expedite.c runs once, from init: it is __init.
 */
#ifndef FR_FORCE_RMMOD_H
#define FR_FORCE_RMMOD_H

#include <linux/hrtimer.h>
#include <linux/module.h>
#include <linux/timer.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "contract.h"

/* kernel/module/internal.h: the count a module has when nobody uses it. */
#define FR_REF_BASE		1

/*
 * The replacement exit.  It must live outside this module, so that unloading
 * force_rmmod first cannot leave a target pointing at freed code, and it must
 * be a function whose address is taken (exported) so that it starts with ENDBR
 * on kernels with IBT.  rcu_barrier() is harmless and even useful here: it
 * waits for RCU callbacks that the broken module may still have queued before
 * its code is freed.
 */
#define fr_stub_exit rcu_barrier

/* exit=: whether a target's exit is replaced by fr_stub_exit. */
enum fr_exit_policy {
	FR_STUB_AUTO,		/* auto: when missing or crashed */
	FR_STUB_NEVER,		/* keep */
	FR_STUB_ALWAYS,		/* stub */
};

/* users=: what real users of a target mean. */
enum fr_users_policy {
	FR_REFUSE_USERS,	/* refuse */
	FR_IGNORE_USERS,	/* ignore */
};

/* leftovers=: what leftovers that cannot be undone mean. */
enum fr_leftovers_policy {
	FR_UNDO_LEFTOVERS,	/* undo: refuse the target */
	FR_FORCE_LEFTOVERS,	/* force: leave them registered, go on */
};

/* One module named in modname=. */
struct fr_rescue {
	char name[MODULE_NAME_LEN];
	struct kobject *kobj;	/* from kset_find_obj(): keeps mod from being freed */
	struct module *mod;
	bool stub;		/* replace mod->exit */
	bool stub_asked;	/* exit=stub given: a live target's leftovers are undone */
	bool stub_auto;		/* exit=auto: stub decided again from state_seen */
	/* Seen under module_mutex before the checks; repaired only if still so. */
	enum module_state state_seen;
	int refs_seen;
	unsigned int leftovers_refused;	/* leftovers that cannot be undone */
	bool undo_failed;	/* an undo failed, or the count changed: not repaired */
	bool scan_after_undo;	/* a driver's remove runs: refscan after the undo */
};

/* targets.c */
extern struct fr_rescue fr_rescues[FR_MAX_TARGETS];
extern unsigned int fr_nr_rescues;
int fr_parse_targets(const char *list);
void fr_put_targets(void);
bool fr_is_target(const struct module *mod);
int fr_parse_policy(const char *exit, const char *users,
		    enum fr_exit_policy *exit_policy,
		    enum fr_users_policy *users_policy);
int fr_decide_exits(enum fr_exit_policy policy);
bool fr_auto_stub(const struct module *mod, enum module_state state);
const char *fr_state_name(enum module_state state);
const char *fr_exit_name(const struct module *mod);

/*
 * lookup.c: private kernel layouts, each with the releases it was checked
 * against; one found but not trusted means that part is not done.
 */
enum fr_layout {
	FR_LAYOUT_MODULE_MUTEX,
	FR_LAYOUT_MODULE_USE,
	FR_LAYOUT_IDEM,
	FR_LAYOUT_FILE_SYSTEMS,
	FR_LAYOUT_MISC,		/* leftovers/misc.c */
	FR_LAYOUT_PROC,		/* leftovers/proc.c */
	FR_LAYOUT_TIMER_BASES,	/* timers.c */
	FR_LAYOUT_BINFMT,	/* leftovers/binfmt.c */
	FR_LAYOUT_TCP_CONG,	/* leftovers/tcp.c */
	FR_LAYOUT_QDISC,	/* leftovers/qdisc.c */
	FR_LAYOUT_LINK_OPS,	/* leftovers/rtnl.c */
	FR_LAYOUT_NETDEV_CHAIN,	/* leftovers/notifier.c */
	FR_LAYOUT_PERNET,	/* leftovers/pernet.c */
	FR_LAYOUT_INPUT,	/* leftovers/input.c */
	FR_LAYOUT_LDISCS,	/* leftovers/ldisc.c */
	FR_LAYOUT_XT,		/* leftovers/xtables.c */
	FR_LAYOUT_SLAB_CACHES,	/* leftovers/kmem.c */
	FR_LAYOUT_PTYPE,	/* leftovers/ptype.c */
	FR_LAYOUT_STP,		/* leftovers/stp.c */
	FR_LAYOUT_IOCTL_HOOKS,	/* leftovers/ioctl.c */
	FR_LAYOUT_NLS,		/* leftovers/nls.c */
	FR_LAYOUT_RC_MAPS,	/* leftovers/rckeymap.c */
	FR_LAYOUT_WORKQUEUES,	/* leftovers/wq.c */
	FR_LAYOUT_CHAINS,	/* leftovers/chain.c */
	FR_LAYOUT_RESOURCE,	/* leftovers/region.c */
	FR_LAYOUT_DEBUGFS,	/* leftovers/debugfs.c */
	FR_LAYOUT_CRYPTO_TEMPLATES,	/* leftovers/crypto.c */
	FR_LAYOUT_CHRDEVS,	/* leftovers/chrdev.c */
	FR_LAYOUT_TCF_PROTO,	/* leftovers/tc.c */
	FR_LAYOUT_EMATCH,	/* leftovers/tc.c */
	FR_LAYOUT_TC_ACTIONS,	/* leftovers/tc.c */
	FR_LAYOUT_GENL,		/* leftovers/genl.c */
	FR_LAYOUT_DM_TARGETS,	/* leftovers/dm_target.c */
	FR_LAYOUT_USB_FUNCTIONS,	/* leftovers/usb_function.c */
	FR_LAYOUT_SOCK_DIAG,	/* leftovers/sock_diag.c */
	FR_LAYOUT_INET_DIAG,	/* leftovers/sock_diag.c */
	FR_LAYOUT_LED_TRIGGERS,	/* leftovers/led_trigger.c */
	FR_LAYOUT_FTRACE_PAGES,	/* refscan.c */
	FR_LAYOUT_FTRACE_MOD_MAPS,	/* refscan.c */
	FR_LAYOUT_MAJOR_NAMES,	/* leftovers/disk.c */
	FR_LAYOUT_SYSCTL,	/* leftovers/sysctl.c */
	FR_NR_LAYOUTS,
};

struct file_system_type;

void *fr_lookup_data(const char *name, size_t size);
void *fr_lookup_label(const char *name);
bool fr_kernel_addr(const void *p);
void *fr_lookup_module_data(const char *mod, const char *name, size_t size);
struct list_head *fr_modules_list(void);
bool fr_layout_trusted(enum fr_layout layout);
void *fr_lookup_layout(enum fr_layout layout, const char *name, size_t size);
int fr_find_module_mutex(void);
void fr_lock_modules(void);
void fr_unlock_modules(void);
#define FR_MAX_FS	8	/* filesystem types of one target */
int fr_fs_owned(const struct module *mod, struct file_system_type **owned,
		unsigned int max);

/* tasks.c */
enum fr_syscall {
	FR_SYS_OTHER,
	FR_SYS_INIT_MODULE,
	FR_SYS_FINIT_MODULE,
	FR_SYS_DELETE_MODULE,
};

/* References to every thread but current (fr_get_tasks()). */
struct fr_tasks {
	struct task_struct **task;
	unsigned int nr;
};

enum fr_syscall fr_task_syscall(struct task_struct *p);
int fr_get_tasks(struct fr_tasks *ts);
void fr_put_tasks(struct fr_tasks *ts);
int fr_check_tasks(bool own_threads);
/* leftovers/kthread.c: a kernel thread whose function is @mod's. */
bool fr_kthread_of(struct task_struct *p, const struct module *mod);

/* repair.c: callers hold module_mutex. */
void fr_snapshot(void);
int fr_check_unchanged(void);
int fr_check_holders(void);
int fr_nr_holders(struct module *mod);
bool fr_is_healthy(const struct fr_rescue *t, int holders);
bool fr_repair(struct fr_rescue *t);

/* loader.c */
void fr_heal_loader(void);

/* users.c, devices.c: callers hold no lock. */
#define FR_MAX_USER_LINES	16	/* "user:" lines per target */

/* What one target's users hold: counts of users and of references by kind. */
struct fr_users {
	unsigned int users;	/* real users found */
	unsigned int lines;	/* user lines, logged up to FR_MAX_USER_LINES */
	int files, mounts, sockets, blockdevs, ttys, crypto, ops;	/* references */
};

/* crypto/internal.h (private), exported: the algorithms and their lock. */
struct rw_semaphore;
extern struct list_head crypto_alg_list;
extern struct rw_semaphore crypto_alg_sem;

unsigned int fr_report_users(const struct fr_rescue *t);
struct task_struct *fr_next_thread(int *nr);	/* held; by PID, from *nr */
int fr_refuse_users(void);
__printf(3, 4) void fr_user_line(const struct fr_rescue *t, struct fr_users *u,
				 const char *fmt, ...);
void fr_find_device_data(void);
void fr_report_blockdevs(const struct fr_rescue *t, struct fr_users *u);
void fr_report_ttys(const struct fr_rescue *t, struct fr_users *u);

/* ops.c: callers hold no lock. */
int fr_report_ops(const struct fr_rescue *t, struct fr_users *u,
		  int unexplained);
bool fr_code_in(const void *fn, const struct module *mod);

/* probes.c: callers hold no lock. */
struct device_driver;
int fr_check_probes(void);
bool fr_is_driver(const struct device_driver *drv);
unsigned int fr_target_drivers(const struct module *mod,
			       const struct device_driver **drv,
			       unsigned int max);

/* leftovers/core.c: callers hold no lock. */
struct fr_range {
	unsigned long start, end;
};

unsigned int fr_data_ranges(const struct module *mod, struct fr_range r[2]);
int fr_parse_leftovers(const char *mode, enum fr_leftovers_policy *policy);
unsigned int fr_find_leftovers(void);
int fr_refuse_leftovers(enum fr_leftovers_policy policy);
void fr_undo_leftovers(void);
void fr_put_leftovers(void);
bool fr_lo_undid(const struct fr_rescue *t);
void fr_recheck_timers(void);
bool fr_undo_waiting(void);
#ifdef FR_TEST_PAUSE
void fr_test_pause_undo(const char *what);	/* main.c */
#else
static inline void fr_test_pause_undo(const char *what)
{
}
#endif
bool fr_in_text(const struct module *mod, unsigned long addr);
bool fr_queued_work(struct fr_rescue *t, unsigned long where, unsigned long v);
bool fr_lo_explains(const struct fr_rescue *t, unsigned long where,
		    unsigned long v);
bool fr_lo_proc_removes(const struct fr_rescue *t, unsigned long pde);

/* timers.c: what a struct timer_list-shaped object is, under its wheel's lock. */
enum fr_timer_proof {
	FR_NOT_TIMER,		/* not linked on a wheel, not running: never written */
	FR_TIMER_ARMED,		/* its chain ends in a bucket of its CPU's wheel */
	FR_TIMER_RUNNING,	/* its CPU's wheel runs its callback now */
	FR_TIMER_UNKNOWN,	/* wheel locked, chain too long, wheels not found */
};

int fr_find_timer_bases(void);
enum fr_timer_proof fr_timer_prove(struct timer_list *t);
bool fr_timer_linked(struct timer_list *t);
void fr_find_hrtimer_bases(void);
enum fr_timer_proof fr_hrtimer_prove(struct hrtimer *t);

/* timers.c: the shape of a struct work_struct-sized object, read only. */
enum fr_work_state {
	FR_WORK_NONE,		/* not a work's shape */
	FR_WORK_IDLE,		/* linked to itself, not pending (or running) */
	FR_WORK_QUEUED,		/* pending, on a list that points back */
	FR_WORK_UNKNOWN,	/* pending, not (yet) on a list */
};

enum fr_work_state fr_work_state(struct work_struct *w);
bool fr_work_data_idle(struct work_struct *w, bool written);

/* devices.c, for leftovers/disk.c: the target's whole disks, held. */
struct gendisk;
int fr_owned_disks(const struct module *mod, struct gendisk **disks,
		   unsigned int max);

/* refscan.c: callers hold no lock. */
int fr_refscan(struct fr_rescue *t, bool refuse, bool static_only);
bool fr_static_holds(unsigned long value, const struct module *mod);
bool fr_cache_words(const struct list_head *caches, int *list, int *ctor,
		    int *name);
/* Whether @a is in a slab object (a linear-map address of a slab page). */
bool fr_is_slab(unsigned long a);
/* The slab object @a lies in, [*start, *end): false if none. */
bool fr_slab_extent(unsigned long a, unsigned long *start, unsigned long *end);

/* expedite.c */
void fr_expedite(void);
void fr_expedite_stop(void);

#endif
