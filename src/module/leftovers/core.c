// SPDX-License-Identifier: GPL-2.0
/*
 * Leftovers: what a target whose own exit will not run left registered
 *
 * A target with a replaced exit (crashed init, crashed exit, no exit) is
 * freed without undoing its registrations: everything it left on the
 * kernel's lists points into freed memory, and the next walk of such a list
 * oopses.  Before the repair, each such target is searched for every kind
 * in fr_lo_table below, in its order, which is also the order of the undo.
 * Each kind's file says what it looks for and how it is undone.
 *
 * Each leftover is logged "NAME: leftover: KIND OBJECT -> ACTION", ACTION
 * being what undoes it with the kernel's own exported function (unregister,
 * remove, stop, cancel), or "refuse (REASON)" when that could wait or run
 * the target's code: a mounted filesystem, an open device or /proc file, a
 * /proc entry in use, a running work, a lock held for 100 ms.  With
 * leftovers=undo (the default) any refusal refuses the target before
 * anything is changed; leftovers=force leaves those registered and goes on.
 * The undo itself runs after every check, without module_mutex, each lock
 * tried first so that none is waited on.
 *
 * None of the lists or their locks is exported: they are found by name,
 * each with the releases its layout was checked against (lookup.c's
 * FR_LAYOUT_*).  The target's struct module and every object found as
 * another kind is never a timer candidate.  Not looked for: timers, hrtimers
 * and works in heap memory, sysctl tables kept in the heap or of a network
 * namespace (its pernet exit's), cdevs added apart from their
 * region, notifier blocks on other chains, IRQ handlers, /proc entries of
 * other network namespaces, and pointers kept in another driver's private
 * data.  refscan.c then proves
 * that nothing else points into the target.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/kallsyms.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/rtnetlink.h>
#include <linux/rwsem.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/version.h>

#include "leftovers.h"
#include "../kernel_private.h"

#define FR_MAX_LEFTOVERS	64
#define FR_LO_FORCE		FR_STR(FR_PARAM_LEFTOVERS) "=" FR_LEFTOVERS_FORCE

/* Every kind, in the order it is looked for and undone. */
static const struct fr_lo_kind *const fr_lo_table[] __initconst = {
	/* First: its remove undoes what probe made, as the target's exit would. */
	&fr_lo_driver,
	/* Unbound by then: unregistering one runs none of its code. */
	&fr_lo_pdev,
	/* What user space calls in it directly, first. */
	&fr_lo_ioctl,
	/* Its dellink removes its devices, as the target's exit would. */
	&fr_lo_link,
	&fr_lo_notifier,
	&fr_lo_chain,
	/* Before its pernet operations: a message handled needs them. */
	&fr_lo_genl,
	&fr_lo_sock_diag,
	&fr_lo_inet_diag,
	/* With its pernet operations, which it unregisters itself. */
	&fr_lo_tc_action,
	/* Before its pernet operations, which remove its tables: none made again. */
	&fr_lo_xt_template,
	/* Its exit removes what it made per namespace: before /proc. */
	&fr_lo_pernet,
	&fr_lo_ptype,
	&fr_lo_stp,
	/* Its disconnect removes the devices its connect made. */
	&fr_lo_input,
	&fr_lo_led_trigger,
	&fr_lo_fs,
	&fr_lo_misc,
	&fr_lo_chrdev,
	&fr_lo_proc,
	&fr_lo_debugfs,
	&fr_lo_sysctl,
	&fr_lo_configfs,
	&fr_lo_binfmt,
	&fr_lo_tcp,
	&fr_lo_ldisc,
	&fr_lo_nls,
	&fr_lo_rc_keymap,
	&fr_lo_usb_function,
	&fr_lo_xt_match,
	&fr_lo_xt_target,
	&fr_lo_ipvs_sched,
	&fr_lo_dm_target,
	&fr_lo_crypto,
	/* After the algorithms: an instance of one is refused. */
	&fr_lo_crypto_template,
	&fr_lo_qdisc,
	&fr_lo_tc_filter,
	&fr_lo_ematch,
	/* After the drivers and links whose devices are in it. */
	&fr_lo_class,
	&fr_lo_bus,
	/* First: no probe of it makes a disk again. */
	&fr_lo_blkdev,
	&fr_lo_disk,
	/* After the drivers, whose remove releases their devices' regions. */
	&fr_lo_region,
	/* Last: nothing found as another kind is taken for a timer. */
	&fr_lo_timer,
	&fr_lo_dwork,
	&fr_lo_hrtimer,
	/* After the timers that may queue them. */
	&fr_lo_work,
	&fr_lo_netdev,
	/* The other undos stop most as the target's exit would. */
	&fr_lo_kthread,
	/* Once nothing of the target runs to notify through them. */
	&fr_lo_kobject,
	/* After the timers, works and threads that queue on them. */
	&fr_lo_wq,
	/* Last: once nothing of the target can free into them. */
	&fr_lo_kmem,
};

#define FR_LO_TABLE_END		(fr_lo_table + ARRAY_SIZE(fr_lo_table))

static const char fr_lo_refuse[] __initconst = FR_LO_ACT_REFUSE;

static const char fr_whys[][40] __initconst = {
	[FR_MOUNTED] = "mounted", [FR_OPEN] = "open",
	[FR_BUSY] = "open or in use", [FR_OTHERS] = "holds others' entries",
	[FR_PERMANENT] = "permanent",
	[FR_NETDEV] = "unregister_netdev runs its code",
	[FR_LOCKED] = "lock held", [FR_GONE] = "not registered",
	[FR_RUNNING] = "still running", [FR_UNCHECKED] = "not checked",
	[FR_NO_UNDO] = "no undo for this kind",
	[FR_LIVE] = "live: exit=stub undoes it",
	[FR_WAITING] = "still waiting after 1 s",
	[FR_WAITING_LONG] = "still waiting after 5 s",
	[FR_OWN_BUS] = "on a bus of its own",
	[FR_MADE_DEVICE] = "points at a device of its bus",
	[FR_RTNL] = "RTNL held",
	[FR_NOT_ITS_OWN] = "not made by it",
	[FR_UNINTERRUPTIBLE] = "waits uninterruptibly",
	[FR_NOT_EMPTY] = "has objects",
	[FR_HAS_DEVICES] = "has devices",
	[FR_HAS_CHILDREN] = "has children",
	[FR_MODULE_EXPORT] = "its undo is a module's export",
};

const char * __init fr_why_words(enum fr_why why)
{
	return fr_whys[why];
}

/* A list whose leftovers cannot be looked for: said loudly, once. */
void __init fr_not_looked_at(const char *what)
{
	pr_warn("no %s: leftovers there not looked for\n", what);
}

static unsigned long fr_untrusted __initdata;	/* layouts found, not trusted */

/*
 * A looked-up object: NULL if absent or its layout is not trusted here; the
 * second is remembered, for fr_missing().
 */
void * __init fr_lookup(enum fr_layout layout, const char *name, size_t size)
{
	void *addr = fr_lookup_layout(layout, name, size);

	if (!addr)
		fr_not_looked_at(name);
	if (!IS_ERR(addr))
		return addr;
	fr_distrust(layout);
	return NULL;
}

/* A list found whose layout does not read back as checked. */
void __init fr_distrust(enum fr_layout layout)
{
	__set_bit(layout, &fr_untrusted);
}

/*
 * Why a list of @layout is not there: -ERANGE when it was found but cannot
 * be read (its layout out of range, or not reading back): what is on it is
 * unknown, which refuses; -ENOENT when the kernel has no such list.
 */
int __init fr_missing(enum fr_layout layout)
{
	return test_bit(layout, &fr_untrusted) ? -ERANGE : -ENOENT;
}

struct fr_leftover fr_los[FR_MAX_LEFTOVERS] __initdata;
unsigned int fr_nr_los __initdata;

/* The target being searched, for the walks' callbacks. */
struct fr_rescue *fr_lo_target __initdata;
bool fr_rechecking __initdata;	/* fr_recheck_timers() */
static bool fr_lo_overflow __initdata;

struct fr_leftover * __init fr_lo_add(const struct fr_lo_kind *kind, void *obj)
{
	struct fr_leftover *lo;

	if (fr_nr_los == FR_MAX_LEFTOVERS) {
		fr_lo_overflow = true;
		return NULL;
	}
	lo = &fr_los[fr_nr_los++];
	memset(lo, 0, sizeof(*lo));
	lo->t = fr_lo_target;
	lo->kind = kind;
	lo->obj = obj;
	return lo;
}

/*
 * A leftover named by its symbol, "fr_left_timer" of "fr_left_timer
 * [fr_left]".  sprint_symbol() wants KSYM_SYMBOL_LEN bytes (6.1 pads its
 * copy of the name with zeros up to KSYM_NAME_LEN): never lo->name itself.
 */
void __init fr_lo_symbol(struct fr_leftover *lo, unsigned long addr)
{
	static char sym[KSYM_SYMBOL_LEN] __initdata;

	sprint_symbol_no_offset(sym, addr);
	strreplace(sym, ' ', '\0');
	strscpy(lo->name, sym, sizeof(lo->name));
}

/*
 * A lock a crashed task may hold forever is never waited on: it is tried
 * for 100 ms at most, then the undo that needs it is refused.  The kernel
 * functions that undo take their lock unconditionally: it is tried first.
 */
void __init fr_pause(void)
{
	usleep_range(1000, 1100);
}

bool __init fr_rwlock_free(rwlock_t *lock)
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

bool __init fr_spin_free(spinlock_t *lock)
{
	unsigned int n;

	for (n = 0; n < FR_TRIES; n++, fr_pause()) {
		if (spin_trylock(lock)) {
			spin_unlock(lock);
			return true;
		}
	}
	return false;
}

/* A mutex taken within 100 ms, or not: never waited on. */
bool __init fr_mutex_trylock(struct mutex *lock)
{
	unsigned int n;

	for (n = 0; !mutex_trylock(lock); n++, fr_pause())
		if (n == FR_TRIES)
			return false;
	return true;
}

/* @sem taken for reading, or for writing, within 100 ms, or not. */
bool __init fr_down_read_tried(struct rw_semaphore *sem)
{
	unsigned int n;

	for (n = 0; !down_read_trylock(sem); n++, fr_pause())
		if (n == FR_TRIES)
			return false;
	return true;
}

bool __init fr_down_write_tried(struct rw_semaphore *sem)
{
	unsigned int n;

	for (n = 0; !down_write_trylock(sem); n++, fr_pause())
		if (n == FR_TRIES)
			return false;
	return true;
}

/* RTNL taken within 100 ms, or not. */
bool __init fr_rtnl_trylock(void)
{
	unsigned int n;

	for (n = 0; !rtnl_trylock(); n++, fr_pause())
		if (n == FR_TRIES)
			return false;
	return true;
}

/* Whether a mutex that a call will take is free within 100 ms. */
/*
 * Whether a list head of another module's, read unlocked, links back: its
 * neighbours read without faulting and point to it.  _tried: up to four
 * reads, a pause between (an entry coming meanwhile may fail one).
 */
bool __init fr_list_head_ok(struct list_head *head)
{
	struct list_head *next, *prev, *back;

	return !get_kernel_nofault(next, &head->next) &&
	       !get_kernel_nofault(prev, &head->prev) &&
	       !get_kernel_nofault(back, &next->prev) && back == head &&
	       !get_kernel_nofault(back, &prev->next) && back == head;
}

bool __init fr_list_head_tried(struct list_head *head)
{
	unsigned int tries;

	for (tries = 0; !fr_list_head_ok(head); tries++, fr_pause())
		if (tries == 3)
			return false;
	return true;
}

bool __init fr_mutex_free(struct mutex *lock)
{
	unsigned int n;

	for (n = 0; mutex_is_locked(lock); n++, fr_pause())
		if (n == FR_TRIES)
			return false;
	return true;
}

/*
 * The loaded module @name with a reference (try_module_get()), or NULL: a
 * kind whose lists live in a module (x_tables, stp, rc_core) holds it while it
 * reads them and until its leftovers are put.
 */
struct module * __init fr_get_module(const char *name)
{
	struct list_head *modules = fr_modules_list();
	struct module *mod, *found = NULL;

	if (!modules)
		return NULL;
	rcu_read_lock();
	list_for_each_entry_rcu(mod, modules, list) {
		if (strcmp(mod->name, name))
			continue;
		if (try_module_get(mod))
			found = mod;
		break;
	}
	rcu_read_unlock();
	return found;
}

/*
 * Whether @mod uses @owner's symbols (struct module_use, stable for a
 * target: its uses change only while it loads and when it is freed); one
 * that does not registered nothing on @owner's lists (x_tables, rc_core).
 * Unknown counts as using.
 */
bool __init fr_lo_uses(const struct module *mod, const struct module *owner)
{
	struct module_use *use;

	if (!fr_layout_trusted(FR_LAYOUT_MODULE_USE))
		return true;
	list_for_each_entry(use, &mod->target_list, target_list)
		if (use->target == owner)
			return true;
	return false;
}

/*
 * The target's memory.  Since 6.4 struct module describes each kind of
 * memory in mod->mem[]; before, core_layout and init_layout hold text,
 * read-only data, read-only-after-init data and data, in that order.  Init
 * memory is gone (size 0) once init returned.
 */
bool __init fr_in_text(const struct module *mod, unsigned long addr)
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

bool __init fr_in_target(const void *p)
{
	return p && within_module((unsigned long)p, fr_lo_target->mod);
}

/* @scan over each range of the target's writable data. */
void __init fr_scan_data(void (*scan)(struct fr_range *r))
{
	struct fr_range r[2];
	unsigned int i, n = fr_data_ranges(fr_lo_target->mod, r);

	for (i = 0; i < n; i++)
		scan(&r[i]);
}

/*
 * @scan over each range of the target's read-only data, read-only-after-init
 * data and data: where its constants lie (a const class, a name).
 */
void __init fr_scan_rodata(void (*scan)(struct fr_range *r))
{
	const struct module *mod = fr_lo_target->mod;
	struct fr_range r;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	static const enum mod_mem_type types[] __initconst = {
		MOD_RODATA, MOD_RO_AFTER_INIT, MOD_DATA,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		r.start = (unsigned long)mod->mem[types[i]].base;
		r.end = r.start + mod->mem[types[i]].size;
		if (r.start)
			scan(&r);
	}
#else
	r.start = (unsigned long)mod->core_layout.base + mod->core_layout.text_size;
	r.end = (unsigned long)mod->core_layout.base + mod->core_layout.size;
	scan(&r);
#endif
}

/* Where @s (@len bytes) lies in @p (@size bytes), or NULL. */
const char *__init fr_find_bytes(const char *p, size_t size,
					 const char *s, size_t len)
{
	const char *end = p + size;

	for (; len && p + len <= end; p++) {
		p = memchr(p, s[0], end - p);
		if (!p || p + len > end)
			return NULL;
		if (!memcmp(p, s, len))
			return p;
	}
	return NULL;
}

/* Whether the target's constants hold @name as a whole string: its literal. */
static bool fr_names_found __initdata;
static char fr_names_want[64] __initdata;

static void __init fr_names_in(struct fr_range *r)
{
	size_t len = strlen(fr_names_want) + 1;
	const char *p = (const char *)r->start, *end = (const char *)r->end;

	/*
	 * A whole string: "events" is not the end of "too many events".  The
	 * byte before may be a NUL, or the end of the section before, which is
	 * no ASCII text (6.1 lays .rodata.str1.1 out right after
	 * __mcount_loc's addresses).
	 */
	while (!fr_names_found && (p = fr_find_bytes(p, end - p, fr_names_want, len))) {
		fr_names_found = p == (const char *)r->start ||
				 (u8)p[-1] < ' ' || (u8)p[-1] > '~';
		p++;
	}
}

bool __init fr_lo_names(const char *name)
{
	if (strscpy(fr_names_want, name, sizeof(fr_names_want)) <= 0)
		return false;
	fr_names_found = false;
	fr_scan_rodata(fr_names_in);
	return fr_names_found;
}

/*
 * The string at @src into @buf, read without faulting up to the end of its
 * page first (a short name may end just before an unmapped page).
 */
bool __init fr_lo_str(char *buf, size_t size, const char *src)
{
	size_t n;

	if (!src)
		return false;
	n = min_t(size_t, size - 1, PAGE_SIZE - offset_in_page(src));
	if (copy_from_kernel_nofault(buf, src, n))
		return false;
	if (n < size - 1 && strnlen(buf, n) == n &&
	    copy_from_kernel_nofault(buf + n, src + n, size - 1 - n))
		return false;
	buf[size - 1] = '\0';
	return true;
}

/*
 * "fs/ext4/features" into @buf: @names joined by "/", from the outermost,
 * @names[@n - 1], in to @names[0]; each read as fr_lo_str() reads it, "?"
 * when it cannot be.
 */
void __init fr_lo_path(char *buf, size_t size, const char *const *names,
		       unsigned int n)
{
	char part[32];

	buf[0] = '\0';
	while (n--) {
		if (!fr_lo_str(part, sizeof(part), names[n]))
			strscpy(part, "?", sizeof(part));
		if (buf[0])
			strlcat(buf, "/", size);
		strlcat(buf, part, size);
	}
}

/* The first word of the target's writable data that holds @value, or 0. */
static unsigned long fr_holds_want __initdata;
static unsigned long fr_holds_word __initdata;

static void __init fr_holds_in(struct fr_range *r)
{
	unsigned long p;

	for (p = ALIGN(r->start, sizeof(long));
	     !fr_holds_word && p + sizeof(long) <= r->end; p += sizeof(long))
		if (READ_ONCE(*(unsigned long *)p) == fr_holds_want)
			fr_holds_word = p;
}

unsigned long __init fr_data_holds(unsigned long value)
{
	fr_holds_want = value;
	fr_holds_word = 0;
	fr_scan_data(fr_holds_in);
	return fr_holds_word;
}

/* ------------------------------------------------------------------------ */
/* A thread's stack, held: its frames are stale once its task has gone. */

#define FR_STACK_PAGES	(THREAD_SIZE / PAGE_SIZE)
#define FR_STACK_HEAD	3	/* words a released stack's own free writes */
#define FR_GONE_POLLS	100	/* times 10-20 ms, for a task's last switch */

/* Its task, where vmalloc() mapped it, its pages, held; once released, a sum. */
struct fr_stack {
	struct task_struct *task;
	unsigned long base;
	struct page *page[FR_STACK_PAGES];
	u64 sum;
	bool released;
};

/*
 * The pages of @p's stack, each held (get_page()), and @p: so that they are
 * that stack's or no one's until the put.  NULL (the stack not read as
 * stale, which may refuse) without a vmalloc'd stack or memory, or when @p
 * began to exit meanwhile: a stack is released only after its task's last
 * switch, long after PF_EXITING is set, so one seen without it before and
 * after the pages were taken was @p's throughout.
 */
struct fr_stack * __init fr_hold_stack(struct task_struct *p)
{
	struct fr_stack *st;
	unsigned int i, n;

	if (!IS_ENABLED(CONFIG_VMAP_STACK))
		return NULL;
	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return NULL;
	st->base = (unsigned long)READ_ONCE(p->stack);
	for (n = 0; is_vmalloc_addr((void *)st->base) && n < FR_STACK_PAGES; n++) {
		st->page[n] = vmalloc_to_page((void *)(st->base + n * PAGE_SIZE));
		if (!st->page[n] || !get_page_unless_zero(st->page[n]))
			break;
	}
	if (n == FR_STACK_PAGES && !(READ_ONCE(p->flags) & PF_EXITING) &&
	    READ_ONCE(p->stack) == (void *)st->base) {
		st->task = get_task_struct(p);
		return st;
	}
	for (i = 0; i < n; i++)
		put_page(st->page[i]);
	kfree(st);
	return NULL;
}

/* The held pages' words (FNV-1a), but the few its own free writes. */
static u64 __init fr_stack_sum(const struct fr_stack *st)
{
	u64 sum = 0xcbf29ce484222325ULL;
	const unsigned long *w;
	unsigned int i, k;

	for (i = 0; i < FR_STACK_PAGES; i++) {
		w = page_address(st->page[i]);
		for (k = i ? 0 : FR_STACK_HEAD; k < PAGE_SIZE / sizeof(long); k++)
			sum = (sum ^ w[k]) * 0x100000001b3ULL;
	}
	return sum;
}

/*
 * Whether @st's task has made its last switch: the kernel then released
 * the stack (put_task_stack() sets ->stack to NULL; a task removed from
 * the task list, as kthreadd's children are as they exit, still runs on
 * it until then), waited for 1 to 2 s at most.  The first time it has, the
 * stack's words are summed: what it held as its task left it.
 * A released stack waits in the per-CPU cache, or for a grace period and
 * then a work that frees it (vfree_atomic()): its first words hold the
 * free's own list links (struct vm_stack), not summed.  A task that takes
 * it from the cache clears it first.
 */
bool __init fr_stack_released(struct fr_stack *st)
{
	unsigned int i;

	if (!st)
		return false;
	for (i = 0; READ_ONCE(st->task->stack) && !st->released; i++) {
		if (i >= FR_GONE_POLLS)
			return false;
		usleep_range(10000, 20000);
	}
	if (!st->released) {
		smp_rmb();	/* the stack read after its release */
		st->sum = fr_stack_sum(st);
		st->released = true;
	}
	return true;
}

/*
 * Whether @where lies in one of the held pages of @st, past the words its
 * own free writes (an RCU callback list's link, which may lead to a
 * target's callback), summed when released, and the stack still holds
 * what its task left there: no task runs on it now, and one that took it
 * from the cache since cleared it.  Asked after the word was read.
 */
bool __init fr_stack_stale(const struct fr_stack *st, unsigned long where)
{
	struct task_struct *g, *t;
	bool held = false, used = false;
	struct page *page;
	unsigned int i;

	if (!st || !st->released || !virt_addr_valid((void *)where))
		return false;
	page = virt_to_page((void *)where);
	for (i = 0; i < FR_STACK_PAGES; i++)
		held |= st->page[i] == page;
	if (!held || (page == st->page[0] &&
		      offset_in_page(where) < FR_STACK_HEAD * sizeof(long)))
		return false;
	rcu_read_lock();
	for_each_process_thread(g, t) {
		if ((unsigned long)READ_ONCE(t->stack) == st->base) {
			used = true;
			break;
		}
	}
	rcu_read_unlock();
	smp_rmb();	/* the word read before the stack is summed again */
	return !used && fr_stack_sum(st) == st->sum;
}

void __init fr_put_stack(struct fr_stack *st)
{
	unsigned int i;

	if (!st)
		return;
	for (i = 0; i < FR_STACK_PAGES; i++)
		put_page(st->page[i]);
	put_task_struct(st->task);
	kfree(st);
}

/* ------------------------------------------------------------------------ */
/*
 * An undo that may wait for others: misc_deregister() takes misc_mtx, which
 * every misc open holds while the driver's open runs, and drains the
 * device's sysfs files; proc_remove() waits for the entry's readers;
 * driver_unregister() takes each bound device's lock, and its remove may
 * wait for RTNL or RCU.  Each is re-checked right before the call, but a
 * task can still come in between and block there.  So the call runs in a
 * thread of its own, waited for FR_CALL_MS (a call that waits for a grace
 * period or for every device, FR_CALL_LONG_MS): when it is
 * not done by then, the target is not repaired ("still waiting after 1
 * s"), and the helper stays loaded, its module held by the thread, until
 * the call returns (rmmod force_rmmod then).  The thread's code is not
 * init code: it may outlive init.  A thread that is done is waited for
 * until it has exited.  Its stack, held from before it ran, keeps what the
 * call was given (rtnl_link_unregister()'s ops: 7.3 arm64 refused dummy,
 * veth, ifb and bonding on a pointer to it "from a page": the thread was
 * off the task list, its stack not yet back in the cache): once the
 * thread's last switch is done, a word there that points to an undone
 * leftover's object, not to the target's code, is stale (fr_call_stale()).
 * The call runs the target's code too (a remove, a dellink): a callback of
 * an object it left linked on that stack is not explained.
 */
#define FR_CALL_MS	1000
#define FR_CALL_LONG_MS	5000	/* FR_WAITING_LONG says so */
#define FR_CALL_STACKS	64	/* exited calls' stacks held, at most */

static struct fr_stack *fr_call_stacks[FR_CALL_STACKS] __initdata;
static unsigned int fr_nr_call_stacks __initdata;

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

static enum fr_why __init fr_call_bounded_ms(void (*fn)(void *arg), void *arg,
					     unsigned int ms)
{
	struct task_struct *task;
	struct fr_stack *st;
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
	st = fr_nr_call_stacks < FR_CALL_STACKS ? fr_hold_stack(task) : NULL;
	wake_up_process(task);
	done = wait_for_completion_timeout(&c->done, msecs_to_jiffies(ms));
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
	if (done && fr_stack_released(st))
		fr_call_stacks[fr_nr_call_stacks++] = st;
	else
		fr_put_stack(st);
	if (done)
		return FR_OK;
	fr_calls_waiting = true;
	return ms > FR_CALL_MS ? FR_WAITING_LONG : FR_WAITING;
}

enum fr_why __init fr_call_bounded(void (*fn)(void *arg), void *arg)
{
	return fr_call_bounded_ms(fn, arg, FR_CALL_MS);
}

enum fr_why __init fr_call_bounded_long(void (*fn)(void *arg), void *arg)
{
	return fr_call_bounded_ms(fn, arg, FR_CALL_LONG_MS);
}

/*
 * Whether @v at @where is stale on the stack of an undo's thread that is
 * gone: a pointer to what @t's undo removed (@lo), not to its code.
 */
static bool __init fr_call_stale(const struct fr_leftover *lo,
				 const struct fr_rescue *t, unsigned long where,
				 unsigned long v)
{
	unsigned int i;

	if (fr_in_text(t->mod, v) ||
	    (v != (unsigned long)lo->obj && v - (unsigned long)lo->obj >= lo->size))
		return false;
	for (i = 0; i < fr_nr_call_stacks; i++)
		if (fr_stack_stale(fr_call_stacks[i], where))
			return true;
	return false;
}

/* Whether an undo still waits: then the helper must stay loaded. */
bool __init fr_undo_waiting(void)
{
	return fr_calls_waiting;
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

/*
 * A list that could not be read, or not to its end, or whose layout is not
 * trusted here: what is on it is unknown, so it refuses; not found, it was
 * not looked at, and that was said.
 */
static void __init fr_unreadable(const struct fr_lo_kind *kind, int err)
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

static bool __init fr_any_stub(void)
{
	unsigned int i;

	for (i = 0; i < fr_nr_rescues; i++)
		if (fr_rescues[i].stub)
			return true;
	return false;
}

/* Once per load: every kind's private lists, looked up. */
static void __init fr_lookup_kinds(void)
{
	static bool done __initdata;
	const struct fr_lo_kind *const *k;

	if (done)
		return;
	done = true;
	for (k = fr_lo_table; k < FR_LO_TABLE_END; k++)
		if ((*k)->lookup)
			(*k)->lookup();
}

/*
 * Find and log the leftovers of every target whose exit will not run; set
 * each target's number of refused ones.  Caller holds no lock.  Returns how
 * many were found.
 */
unsigned int __init fr_find_leftovers(void)
{
	const struct fr_lo_kind *const *k;
	ktime_t start = ktime_get();
	unsigned int i, first, n, targets = 0;
	struct fr_leftover *lo;
	s64 us;

	fr_put_leftovers();
	fr_nr_los = 0;
	for (i = 0; i < fr_nr_rescues; i++) {
		fr_rescues[i].leftovers_refused = 0;
		fr_rescues[i].scan_after_undo = false;
	}
	if (!fr_any_stub())
		return 0;	/* every target's own exit runs */
	fr_lookup_kinds();
	for (k = fr_lo_table; k < FR_LO_TABLE_END; k++)
		if ((*k)->begin)
			(*k)->begin();
	for (i = 0; i < fr_nr_rescues; i++) {
		struct fr_rescue *t = &fr_rescues[i];

		if (!t->stub)
			continue;
		targets++;
		fr_lo_overflow = false;
		first = fr_nr_los;
		fr_lo_target = t;
		for (k = fr_lo_table; k < FR_LO_TABLE_END; k++)
			if ((*k)->find)
				fr_unreadable(*k, (*k)->find());
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
	for (k = fr_lo_table; k < FR_LO_TABLE_END; k++)
		if ((*k)->found)
			(*k)->found();
	us = ktime_us_delta(ktime_get(), start);
	n = 0;
	for (lo = fr_los; lo < fr_los + fr_nr_los; lo++) {
		bool refuse = lo->refuse != FR_OK;

		if (lo->idle)
			continue;
		n++;
		/* One format for both: "-> unregister", "-> refuse (open)". */
		pr_warn("%s: " FR_LOG_LEFTOVER "%s %s -> %s%s%s%s\n", lo->t->name,
			lo->kind->name, lo->name,
			refuse ? fr_lo_refuse : lo->kind->action,
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
		if (lo->refuse || lo->t->undo_failed || !lo->kind->undo)
			continue;
		fr_lo_target = lo->t;
		/* Listed for two targets: undone once. */
		why = fr_undone_before(lo) ? FR_OK : lo->kind->undo(lo);
		/*
		 * Gone: an undo before it (a driver's remove, a link kind's
		 * dellink, a pernet exit) took it away, as the target's exit
		 * would have; the reference scan after the undo proves nothing
		 * is left.
		 */
		if (why == FR_GONE && lo->t->scan_after_undo &&
		    lo->kind != &fr_lo_driver) {
			pr_info("%s: " FR_LOG_GONE "%s %s\n", lo->t->name,
				lo->kind->name, lo->name);
			lo->undone = true;
			continue;
		}
		lo->pending = why == FR_WAITING || why == FR_WAITING_LONG;
		if (why) {
			pr_err("%s: " FR_LOG_UNDO_FAILED "%s %s (%s), not repaired\n",
			       lo->t->name, lo->kind->name, lo->name,
			       fr_whys[why]);
			lo->t->undo_failed = true;
			continue;
		}
		lo->undone = true;
		if (lo->kind->done[0])
			pr_warn("%s: %s%s\n", lo->t->name, lo->kind->done,
				lo->name);
	}
}

/* Whether anything of @t's was undone, or is being undone in its thread. */
bool __init fr_lo_undid(const struct fr_rescue *t)
{
	const struct fr_leftover *lo;

	for (lo = fr_los; lo < fr_los + fr_nr_los; lo++)
		if (lo->t == t && (lo->undone || lo->pending))
			return true;
	return false;
}

/* The references fr_find_leftovers() holds, dropped.  Caller holds no lock. */
void __init fr_put_leftovers(void)
{
	struct fr_leftover *lo;
	unsigned int i;

	for (lo = fr_los; lo < fr_los + fr_nr_los; lo++)
		if (lo->kind->put)
			lo->kind->put(lo);
	for (i = 0; i < fr_nr_call_stacks; i++)
		fr_put_stack(fr_call_stacks[i]);
	fr_nr_call_stacks = 0;
}

/*
 * After the undo, before the repair: a timer, hrtimer or work of a target
 * whose exit will not run that is armed, running or queued now (a callback
 * or work that was running armed it again) leaves that target unrepaired.
 * Caller holds no lock.
 */
void __init fr_recheck_timers(void)
{
	const struct fr_lo_kind *const *k;
	unsigned int i;

	if (!fr_any_stub())
		return;
	fr_rechecking = true;
	fr_recheck_queued_works();
	for (i = 0; i < fr_nr_rescues; i++) {
		fr_lo_target = &fr_rescues[i];
		if (!fr_lo_target->stub || fr_lo_target->undo_failed)
			continue;
		for (k = fr_lo_table; k < FR_LO_TABLE_END; k++)
			if ((*k)->recheck && (*k)->find)
				(*k)->find();
	}
	fr_rechecking = false;
}

/* An explains op: the one word that holds the leftover is lo->link (a slot). */
bool __init fr_lo_slot_explains(const struct fr_leftover *lo,
				unsigned long where, unsigned long v)
{
	return where == lo->link && v == (unsigned long)lo->obj;
}

/*
 * For refscan.c, before the undo: whether the word at @where, pointing to
 * @v in @t, is no danger once the undo ran: a pointer to an object the undo
 * unregisters (a list's links, a device's data), or one its kind says the
 * undo removes.  Leftovers refused explain nothing, and neither do those
 * already undone (the scan after the undo, main.c): a pointer to one then
 * is one the undo did not take away, unless its kind says it is a stale
 * copy in what the undo freed.
 */
bool __init fr_lo_explains(const struct fr_rescue *t, unsigned long where,
			   unsigned long v)
{
	const struct fr_leftover *lo;

	for (lo = fr_los; lo < fr_los + fr_nr_los; lo++) {
		if (lo->t != t || lo->refuse || lo->idle || !lo->obj)
			continue;
		fr_lo_target = lo->t;	/* for the kinds' fr_in_target() */
		if (lo->undone) {
			if ((lo->kind->stale && lo->kind->stale(lo, where, v)) ||
			    fr_call_stale(lo, t, where, v))
				return true;
			continue;
		}
		if (lo->kind->explains ? lo->kind->explains(lo, where, v) :
		    v - (unsigned long)lo->obj < lo->size)
			return true;
	}
	return false;
}
