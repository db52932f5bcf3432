/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Functions the kernel exports to modules without declaring them in a public
 * header (each one is checked against Module.symvers by "make check"), and
 * copies of structures the kernel keeps private (each one named, with the
 * releases it was checked against, in lookup.c's table of layouts).
 */
#ifndef FR_KERNEL_PRIVATE_H
#define FR_KERNEL_PRIVATE_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock_types.h>
#include <linux/timer.h>
#include <linux/version.h>

/* kernel/rcu/rcu.h; EXPORT_SYMBOL_GPL since Linux 3.19 (for rcutorture). */
void rcu_expedite_gp(void);
void rcu_unexpedite_gp(void);
bool rcu_gp_is_normal(void);	/* rcupdate.rcu_normal in effect */

/*
 * One module using another's symbols, on the used module's source_list.
 * Public in <linux/module.h> until 6.16; since 6.17 private to
 * kernel/module/internal.h, copied here (FR_LAYOUT_MODULE_USE: trusted
 * only in its checked range).  FR_HAVE_MODULE_USE comes from Kbuild.
 */
#ifndef FR_HAVE_MODULE_USE
struct module;

struct module_use {
	struct list_head source_list;
	struct list_head target_list;
	struct module *source, *target;
};
#endif

/*
 * kernel/time/timer.c: one CPU's timer wheel, the per-CPU array timer_bases
 * (FR_NR_TIMER_BASES of them: standard and deferrable before 6.9, local,
 * global and deferrable since).  Private, copied here (FR_LAYOUT_TIMER_BASES,
 * trusted only in its checked range); its per-CPU address is not found by
 * name (a per-CPU symbol has no kernel address) but measured with timers of
 * our own (timers.c).
 */
#if HZ > 100
#define FR_LVL_DEPTH		9
#else
#define FR_LVL_DEPTH		8
#endif
#define FR_WHEEL_SIZE		(64 * FR_LVL_DEPTH)

#ifndef CONFIG_NO_HZ_COMMON
#define FR_NR_TIMER_BASES	1
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
#define FR_NR_TIMER_BASES	3
#else
#define FR_NR_TIMER_BASES	2
#endif

struct fr_timer_base {
	raw_spinlock_t lock;
	struct timer_list *running_timer;
#ifdef CONFIG_PREEMPT_RT
	spinlock_t expiry_lock;		/* PREEMPT_RT: waits for a running callback */
	atomic_t timer_waiters;
#endif
	unsigned long clk;
	unsigned long next_expiry;
	unsigned int cpu;
	bool next_expiry_recalc;
	bool is_idle;
	bool timers_pending;
	DECLARE_BITMAP(pending_map, FR_WHEEL_SIZE);
	struct hlist_head vectors[FR_WHEEL_SIZE];
} ____cacheline_aligned;

/*
 * kernel/trace/ftrace.c: a block of ftrace's records of call sites (struct
 * dyn_ftrace, public), on the list ftrace_pages_start.  Private, copied
 * here (FR_LAYOUT_FTRACE_PAGES), and checked as it is read (refscan.c).
 */
struct fr_ftrace_page {
	struct fr_ftrace_page *next;
	void *records;
	int index;
	int order;
};

/*
 * kernel/trace/ftrace.c: what ftrace keeps of a module's freed init
 * functions while a tracer is registered (for kallsyms): a map per module
 * on the list ftrace_mod_maps, with a record per function, removed by
 * ftrace_release_mod() as the module goes.  Private, copied here
 * (FR_LAYOUT_FTRACE_MOD_MAPS), and checked as it is read (refscan.c).
 */
struct fr_ftrace_mod_func {
	struct list_head list;
	char *name;
	unsigned long ip;
	unsigned int size;
};

struct fr_ftrace_mod_map {
	struct rcu_head rcu;
	struct list_head list;
	struct module *mod;
	unsigned long start_addr;
	unsigned long end_addr;
	struct list_head funcs;
	unsigned int num_funcs;
};

/*
 * kernel/trace/trace.h: the start of a field of a trace event's record
 * (struct ftrace_event_field), on its class's fields list; name and type
 * point to the strings of the module that defined the event.  Private; its
 * first words are the same from 6.1 to 7.3, and refscan.c checks what it
 * reads.
 */
struct fr_event_field {
	struct list_head link;
	const char *name;
	const char *type;
};

/*
 * net/netfilter/x_tables.c: one protocol family's matches and targets, the
 * module x_tables' array xt[NFPROTO_NUMPROTO] (FR_LAYOUT_XT), as this
 * kernel's configuration builds it.  Private, copied here.
 */
struct fr_xt_af {
	struct mutex mutex;		/* guards match and target */
	struct list_head match;
	struct list_head target;
#ifdef CONFIG_NETFILTER_XTABLES_COMPAT
	struct mutex compat_mutex;	/* guards compat_tab */
	void *compat_tab;
	unsigned int number;
	unsigned int cur;
#endif
};

/*
 * net/netfilter/x_tables.c: a table's template (iptable_filter's "filter"),
 * kzalloc()ed by xt_register_template() on the module x_tables' lists
 * xt_templates[NFPROTO_NUMPROTO] under its family's xt[af].mutex; the
 * same four fields since 5.16.  Private, copied here.
 */
struct net;

struct fr_xt_template {
	struct list_head list;
	int (*table_init)(struct net *net);
	struct module *me;
	char name[32];			/* XT_TABLE_MAXNAMELEN */
};

/*
 * drivers/leds/leds.h: the list of LEDs and its lock, EXPORT_SYMBOL_GPL in
 * drivers/leds/led-core.c (6.1 to 7.3) but declared only there.
 */
#ifdef CONFIG_LEDS_TRIGGERS
extern struct rw_semaphore leds_list_lock;
extern struct list_head leds_list;
#endif

/*
 * fs/char_dev.c: a region of character device numbers, on the hash
 * chrdevs[CHRDEV_MAJOR_HASH_SIZE] under the mutex chrdevs_lock
 * (FR_LAYOUT_CHRDEVS).  Private, copied here.
 */
#define FR_CHRDEV_HASH_SIZE	255

struct fr_char_device_struct {
	struct fr_char_device_struct *next;
	unsigned int major;
	unsigned int baseminor;
	int minorct;
	char name[64];
	struct cdev *cdev;		/* __register_chrdev()'s */
};

/*
 * block/genhd.c: a block major, on the hash major_names[255] under the
 * spinlock major_names_spinlock, changed under the mutex major_names_lock
 * too (FR_LAYOUT_MAJOR_NAMES).  Private, copied here.
 */
#define FR_BLKDEV_HASH_SIZE	255

struct fr_blk_major_name {
	struct fr_blk_major_name *next;
	int major;
	char name[16];
#ifdef CONFIG_BLOCK_LEGACY_AUTOLOAD
	void (*probe)(dev_t devt);
#endif
};

/*
 * drivers/base/map.c: the device number map cdev_map, under chrdevs_lock
 * too; a probe for each cdev added (and one, the base, for every number).
 */
struct fr_kobj_map {
	struct fr_probe {
		struct fr_probe *next;
		dev_t dev;
		unsigned long range;
		struct module *owner;
		void *get;
		int (*lock)(dev_t dev, void *data);
		void *data;
	} *probes[FR_CHRDEV_HASH_SIZE];
	struct mutex *lock;		/* &chrdevs_lock */
};

#endif
