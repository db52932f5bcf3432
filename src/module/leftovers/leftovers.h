/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Leftovers, for the files of this folder: one file per kind (or family of
 * kinds), each described by a struct fr_lo_kind; core.c lists them, in the
 * order they are looked for and undone, and runs the search and the undo.
 * Adding a kind is one new file, one line in Kbuild, one extern below and
 * one line in core.c's table.
 */
#ifndef FR_LEFTOVERS_H
#define FR_LEFTOVERS_H

#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "../force_rmmod.h"

#define FR_TRIES	100	/* a lock or a callback: 100 ms at most */

/* timer_delete_sync_try() was try_to_del_timer_sync() before 6.16. */
#ifndef FR_HAVE_TIMER_DELETE_SYNC_TRY
#define timer_delete_sync_try	try_to_del_timer_sync
#endif

/* Why a leftover cannot be undone safely (core.c words each). */
enum fr_why { FR_OK, FR_MOUNTED, FR_OPEN, FR_BUSY, FR_OTHERS, FR_PERMANENT,
	      FR_NETDEV, FR_LOCKED, FR_GONE, FR_RUNNING, FR_UNCHECKED,
	      FR_NO_UNDO, FR_LIVE, FR_WAITING, FR_WAITING_LONG, FR_OWN_BUS,
	      FR_MADE_DEVICE, FR_RTNL, FR_NOT_ITS_OWN, FR_UNINTERRUPTIBLE,
	      FR_NOT_EMPTY, FR_HAS_DEVICES, FR_HAS_CHILDREN, FR_MODULE_EXPORT };

struct fr_leftover;

/*
 * A kind.  Its words are char arrays, not pointers to literals, which would
 * stay in the helper's core: the helper that stays loaded is small.  Every
 * operation but find may be NULL.
 */
struct fr_lo_kind {
	char name[20];		/* the log's KIND: "filesystem" */
	char action[12];	/* the log's ACTION: "unregister"; "": refused */
	char done[32];		/* logged after the undo: FR_LOG_UNDONE_* */
	/* Once per load: look up the kernel's private lists and locks. */
	void (*lookup)(void);
	/* A new search begins: forget what the last one kept. */
	void (*begin)(void);
	/*
	 * fr_lo_target's leftovers, added with fr_lo_add(): 0, or why the
	 * list could not be read (-EBUSY locked, -E2BIG more than looked
	 * at, -ERANGE layout not trusted, -ENOENT not in this kernel).
	 * NULL: found by another kind's find (delayed works, by timers').
	 */
	int (*find)(void);
	/* After every target's find: what the leftovers say of each other. */
	void (*found)(void);
	/* Checked again right before, the kernel's own undo; NULL: none. */
	enum fr_why (*undo)(struct fr_leftover *lo);
	/* The references find took, dropped. */
	void (*put)(struct fr_leftover *lo);
	/* Whether @v, found at @where, points into what the undo removes. */
	bool (*explains)(const struct fr_leftover *lo, unsigned long where,
			 unsigned long v);
	/* After the undo: whether @v is a stale copy in what the undo freed. */
	bool (*stale)(const struct fr_leftover *lo, unsigned long where,
		      unsigned long v);
	bool recheck;		/* looked for again after the undo (timers) */
};

struct fr_leftover {
	struct fr_rescue *t;
	const struct fr_lo_kind *kind;
	void *obj;		/* the registered object, as the list holds it */
	size_t size;		/* its size, where it may lie in the target */
	char name[64];		/* fs name, device name, /proc path, symbol */
	/*
	 * notifier, ldisc: the word that points to it; rtnl_link: SRCU data;
	 * chrdev: its cdev; tc_action: its pernet operations; proc: a
	 * directory found by its address, not by what it holds; kobject:
	 * its kernfs node, held
	 */
	unsigned long link;
	struct fr_stack *stack;	/* kthread: its stack, held */
	struct module *owner;	/* xtables, stp, rc: their module, held till the put */
	enum fr_why refuse;	/* why it cannot be undone safely, or FR_OK */
	bool held;		/* proc, kobject: a reference is held */
	bool idle;		/* work: idle, disabled quietly (never refuses) */
	bool undone;
	bool pending;		/* its undo still runs in its thread */
	/*
	 * proc: another target's leftover above it, whose undo removes it;
	 * netdev: the driver or link leftover whose undo unregisters it;
	 * pernet: the tc action whose undo unregisters it
	 */
	const struct fr_leftover *cover;
};

/* The kinds, in core.c's table order: one file each (or per family). */
extern const struct fr_lo_kind fr_lo_driver;	/* driver.c */
extern const struct fr_lo_kind fr_lo_pdev;	/* platform.c */
extern const struct fr_lo_kind fr_lo_link;	/* rtnl.c */
extern const struct fr_lo_kind fr_lo_notifier;	/* notifier.c */
extern const struct fr_lo_kind fr_lo_chain;	/* chain.c */
extern const struct fr_lo_kind fr_lo_ioctl;	/* ioctl.c */
extern const struct fr_lo_kind fr_lo_pernet;	/* pernet.c */
extern const struct fr_lo_kind fr_lo_ptype;	/* ptype.c */
extern const struct fr_lo_kind fr_lo_stp;	/* stp.c */
extern const struct fr_lo_kind fr_lo_input;	/* input.c */
extern const struct fr_lo_kind fr_lo_led_trigger;	/* led_trigger.c */
extern const struct fr_lo_kind fr_lo_fs;	/* fs.c */
extern const struct fr_lo_kind fr_lo_misc;	/* misc.c */
extern const struct fr_lo_kind fr_lo_chrdev;	/* chrdev.c */
extern const struct fr_lo_kind fr_lo_proc;	/* proc.c */
extern const struct fr_lo_kind fr_lo_debugfs;	/* debugfs.c */
extern const struct fr_lo_kind fr_lo_sysctl;	/* sysctl.c */
extern const struct fr_lo_kind fr_lo_configfs;	/* configfs.c */
extern const struct fr_lo_kind fr_lo_binfmt;	/* binfmt.c */
extern const struct fr_lo_kind fr_lo_tcp;	/* tcp.c */
extern const struct fr_lo_kind fr_lo_ldisc;	/* ldisc.c */
extern const struct fr_lo_kind fr_lo_nls;	/* nls.c */
extern const struct fr_lo_kind fr_lo_rc_keymap;	/* rckeymap.c */
extern const struct fr_lo_kind fr_lo_xt_match;	/* xtables.c */
extern const struct fr_lo_kind fr_lo_xt_target;	/* xtables.c */
extern const struct fr_lo_kind fr_lo_xt_template;	/* xtables.c */
extern const struct fr_lo_kind fr_lo_ipvs_sched;	/* ipvs.c */
extern const struct fr_lo_kind fr_lo_dm_target;	/* dm_target.c */
extern const struct fr_lo_kind fr_lo_usb_function;	/* usb_function.c */
extern const struct fr_lo_kind fr_lo_crypto;	/* crypto.c */
extern const struct fr_lo_kind fr_lo_crypto_template;	/* crypto.c */
extern const struct fr_lo_kind fr_lo_qdisc;	/* qdisc.c */
extern const struct fr_lo_kind fr_lo_tc_filter;	/* tc.c */
extern const struct fr_lo_kind fr_lo_ematch;	/* tc.c */
extern const struct fr_lo_kind fr_lo_tc_action;	/* tc.c */
extern const struct fr_lo_kind fr_lo_genl;	/* genl.c */
extern const struct fr_lo_kind fr_lo_sock_diag;	/* sock_diag.c */
extern const struct fr_lo_kind fr_lo_inet_diag;	/* sock_diag.c */
extern const struct fr_lo_kind fr_lo_class;	/* class.c */
extern const struct fr_lo_kind fr_lo_bus;	/* class.c */
extern const struct fr_lo_kind fr_lo_blkdev;	/* disk.c */
extern const struct fr_lo_kind fr_lo_disk;	/* disk.c */
extern const struct fr_lo_kind fr_lo_kobject;	/* kobject.c */
extern const struct fr_lo_kind fr_lo_region;	/* region.c */
extern const struct fr_lo_kind fr_lo_timer;	/* timer.c */
extern const struct fr_lo_kind fr_lo_dwork;	/* timer.c */
extern const struct fr_lo_kind fr_lo_hrtimer;	/* timer.c */
extern const struct fr_lo_kind fr_lo_work;	/* timer.c */
extern const struct fr_lo_kind fr_lo_netdev;	/* netdev.c */
extern const struct fr_lo_kind fr_lo_kthread;	/* kthread.c */
extern const struct fr_lo_kind fr_lo_wq;	/* wq.c */
extern const struct fr_lo_kind fr_lo_kmem;	/* kmem.c */

/* core.c: the leftovers found, and the target being searched. */
extern struct fr_leftover fr_los[];
extern unsigned int fr_nr_los;
extern struct fr_rescue *fr_lo_target;
extern bool fr_rechecking;

struct fr_leftover *fr_lo_add(const struct fr_lo_kind *kind, void *obj);
void fr_lo_symbol(struct fr_leftover *lo, unsigned long addr);
bool fr_lo_slot_explains(const struct fr_leftover *lo, unsigned long where,
			 unsigned long v);
const char *fr_why_words(enum fr_why why);

/* core.c: the kernel's private lists, found by name (lookup.c). */
void *fr_lookup(enum fr_layout layout, const char *name, size_t size);
void fr_distrust(enum fr_layout layout);
int fr_missing(enum fr_layout layout);
void fr_not_looked_at(const char *what);

/* core.c: locks tried, never waited on; calls that may wait, bounded. */
void fr_pause(void);
bool fr_rwlock_free(rwlock_t *lock);
bool fr_spin_free(spinlock_t *lock);
bool fr_mutex_trylock(struct mutex *lock);
struct rw_semaphore;
bool fr_down_read_tried(struct rw_semaphore *sem);
bool fr_down_write_tried(struct rw_semaphore *sem);
bool fr_rtnl_trylock(void);
bool fr_mutex_free(struct mutex *lock);
struct list_head;
bool fr_list_head_ok(struct list_head *head);
bool fr_list_head_tried(struct list_head *head);
/* A thread's stack, its pages held: stale words once its task is gone. */
struct fr_stack;
struct task_struct;
struct fr_stack *fr_hold_stack(struct task_struct *p);
bool fr_stack_released(struct fr_stack *st);
bool fr_stack_stale(const struct fr_stack *st, unsigned long where);
void fr_put_stack(struct fr_stack *st);
/* Waited for 1 s; _long, 5 s: a call that waits for RCU or every device. */
enum fr_why fr_call_bounded(void (*fn)(void *arg), void *arg);
enum fr_why fr_call_bounded_long(void (*fn)(void *arg), void *arg);

/* notifier.c: a block of the target's; the words that link it (chain.c too). */
struct notifier_block;
bool fr_notifier_owned(const struct notifier_block *nb);
bool fr_notifier_explains(const struct fr_leftover *lo, unsigned long where,
			  unsigned long v);

/* timer.c: the works fr_queued_work() explained, waited for (core.c). */
void fr_recheck_queued_works(void);

/* pernet.c: RTNL and pernet_ops_rwsem free, tried for 100 ms. */
enum fr_why fr_net_locks_free(void);
/* pernet.c: @obj still on pernet_list (FR_OK), FR_GONE, or unread. */
enum fr_why fr_pernet_listed(const void *obj);

/* core.c: a loaded module, held; NULL when not loaded. */
struct module *fr_get_module(const char *name);
bool fr_lo_uses(const struct module *mod, const struct module *owner);

/* core.c: the target's memory. */
bool fr_in_target(const void *p);
void fr_scan_data(void (*scan)(struct fr_range *r));
void fr_scan_rodata(void (*scan)(struct fr_range *r));
bool fr_lo_names(const char *name);
bool fr_lo_str(char *buf, size_t size, const char *src);
void fr_lo_path(char *buf, size_t size, const char *const *names,
		unsigned int n);
unsigned long fr_data_holds(unsigned long value);
const char *fr_find_bytes(const char *p, size_t size, const char *s, size_t len);

#endif
