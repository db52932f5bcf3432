// SPDX-License-Identifier: GPL-2.0
/*
 * Timers proven, not guessed (and hrtimers and works, at the end)
 *
 * A struct timer_list in a target's data whose function lies in its text
 * may be a timer, or any structure that begins with a list_head on a list,
 * then a word and a function pointer into the target: a binary format, a
 * TCP congestion control, pernet operations, the module's own struct
 * module.  Stopping such a structure as a timer unlinks it from its list
 * without that list's lock, or oopses.  So a timer is one only when proven,
 * under its wheel's lock (tried for 100 ms, never waited on):
 *
 *   armed    its entry's pprev chain, every link pointing back, ends in
 *            the bucket its flags name, of the wheel of the CPU its flags
 *            name;
 *   running  it is that wheel's running_timer: its callback runs now.
 *
 * Anything else is not a timer and is never written as one.
 *
 * The wheels (timer_bases in kernel/time/timer.c, FR_NR_TIMER_BASES per
 * CPU) are private, and a per-CPU symbol has no address that a module can
 * look up.  Their per-CPU offset is measured once, with a timer of our own
 * armed, pinned, on one CPU: its chain ends in the bucket its flags name,
 * and of the links on that chain, exactly one may be that bucket of a wheel
 * whose cpu field names that CPU, whose pending bit for the bucket is set,
 * whose clock is near jiffies, and at whose per-CPU offset every wheel of
 * every possible CPU names its own CPU.  Our timer must then be proven by the same walk
 * that proves the target's.  The layout copied is kernel_private.h's
 * struct fr_timer_base (FR_LAYOUT_TIMER_BASES, lookup.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#ifdef FR_HAVE_HRTIMER_BASES_H
#include <linux/hrtimer_bases.h>	/* 7.3: no longer in hrtimer.h */
#endif
#include <linux/jiffies.h>
#include <linux/percpu.h>
#include <linux/rbtree.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <linux/workqueue.h>

#include "force_rmmod.h"
#include "kernel_private.h"

#define FR_CHAIN_MAX	256	/* links walked back to a bucket */
#define FR_BASE_TRIES	100	/* a wheel's lock: 100 ms at most */
#define FR_MOVE_TRIES	5	/* a timer moving between CPUs: 5 ms */

/* timer_bases[0] of every CPU, once measured; why not, otherwise. */
static struct fr_timer_base __percpu *fr_bases __initdata;
static int fr_bases_err __initdata = -EAGAIN;

static bool __init fr_read(void *dst, const void *src, size_t size)
{
	return !copy_from_kernel_nofault(dst, src, size);
}

/* The link before @node: its pprev, set and pointing back at @node. */
static bool __init fr_back(struct hlist_node *node, struct hlist_node ***pprev)
{
	struct hlist_node *next;

	return fr_read(pprev, &node->pprev, sizeof(*pprev)) && *pprev &&
	       fr_read(&next, *pprev, sizeof(next)) && next == node;
}

/*
 * A node that is its own neighbour: its next is itself, or its pprev its
 * own next.  No hlist node is one; an empty list_head is (cdrom's
 * cdrom_list, and the wait list of its cdrom_mutex, each followed by a
 * word of its text: 6.1, 7.3).
 */
static bool __init fr_self_linked(struct hlist_node *node)
{
	struct hlist_node *next, **pprev;

	return fr_read(&next, &node->next, sizeof(next)) &&
	       fr_read(&pprev, &node->pprev, sizeof(pprev)) &&
	       (next == node || pprev == &node->next);
}

/* Armed, if @t is a timer: its own link points back (not a proof). */
bool __init fr_timer_linked(struct timer_list *t)
{
	struct hlist_node **pprev;

	return !fr_self_linked(&t->entry) && fr_back(&t->entry, &pprev);
}

/* The bucket that a timer's @flags name. */
static unsigned int __init fr_bucket(u32 flags)
{
	return (flags & TIMER_ARRAYMASK) >> TIMER_ARRAYSHIFT;
}

/*
 * Walk @entry's chain back; the caller holds @b's lock.  A chain that
 * points back all the way but ends outside @b's buckets may be a timer
 * that @b's expiry has moved to a list on its own stack, due to run: while
 * @b runs timers (a running timer; on PREEMPT_RT, also a task waiting for
 * one, for which the lock is dropped between them) that is not known.
 */
static enum fr_timer_proof __init fr_walk(const struct fr_timer_base *b,
					  struct hlist_node *entry, u32 flags)
{
	unsigned int n, bucket = fr_bucket(flags);
	bool expiring = READ_ONCE(b->running_timer);
	struct hlist_node *node = entry, **pprev;

#ifdef CONFIG_PREEMPT_RT
	expiring |= atomic_read(&b->timer_waiters) > 0;
#endif
	for (n = 0; n < FR_CHAIN_MAX; n++) {
		if (!fr_back(node, &pprev))
			return n && expiring ? FR_TIMER_UNKNOWN : FR_NOT_TIMER;
		if (bucket < FR_WHEEL_SIZE &&
		    pprev == &b->vectors[bucket].first)
			return FR_TIMER_ARMED;
		/* pprev is &prev->next, and next is an hlist_node's first word. */
		node = container_of(pprev, struct hlist_node, next);
		if (node == entry)
			return FR_NOT_TIMER;	/* a cycle: no hlist is one */
	}
	return FR_TIMER_UNKNOWN;
}

/*
 * Whether a wheel runs @t's callback now: one running may have written
 * its own entry (a list head in a union with it), so a shape says nothing
 * of it.
 */
static bool __init fr_timer_running(const struct timer_list *t)
{
	unsigned int cpu, k;

	for_each_possible_cpu(cpu)
		for (k = 0; k < FR_NR_TIMER_BASES; k++)
			if (READ_ONCE(per_cpu_ptr(fr_bases, cpu)[k].running_timer) == t)
				return true;
	return false;
}

enum fr_timer_proof __init fr_timer_prove(struct timer_list *t)
{
	unsigned int tries, k, cpu, moving = 0;
	u32 flags, now;

	if (fr_bases_err)
		return FR_TIMER_UNKNOWN;
	/*
	 * Running with its entry written as a list head: a timer's undo
	 * (timer_shutdown()) would unhash that entry, writing into the list
	 * head, and trust its flags.  Refused (unchecked), never written.
	 */
	if (fr_self_linked(&t->entry))
		return fr_timer_running(t) ? FR_TIMER_UNKNOWN : FR_NOT_TIMER;
	for (tries = 0; tries < FR_BASE_TRIES; tries++, usleep_range(1000, 1100)) {
		enum fr_timer_proof r;
		bool busy = false, moved;

		if (!fr_read(&flags, &t->flags, sizeof(flags)))
			return FR_NOT_TIMER;
		/* Set for moments, while a timer moves to another wheel. */
		if (flags & TIMER_MIGRATING) {
			if (++moving == FR_MOVE_TRIES)
				return FR_TIMER_UNKNOWN;
			continue;
		}
		cpu = flags & TIMER_CPUMASK;
		if (cpu >= nr_cpu_ids || !cpu_possible(cpu))
			return FR_NOT_TIMER;
		for (k = 0; k < FR_NR_TIMER_BASES; k++) {
			struct fr_timer_base *b = per_cpu_ptr(fr_bases, cpu) + k;
			unsigned long irq;

			if (!raw_spin_trylock_irqsave(&b->lock, irq)) {
				busy = true;
				continue;
			}
			moved = !fr_read(&now, &t->flags, sizeof(now)) ||
				now != flags;
			if (moved)
				r = FR_TIMER_UNKNOWN;	/* look again */
			else if (READ_ONCE(b->running_timer) == t)
				r = FR_TIMER_RUNNING;
			else
				r = fr_walk(b, &t->entry, flags);
			raw_spin_unlock_irqrestore(&b->lock, irq);
			if (r == FR_TIMER_ARMED || r == FR_TIMER_RUNNING)
				return r;
			/* Moved, or maybe due to run: look again. */
			if (moved || r == FR_TIMER_UNKNOWN)
				busy = true;
		}
		if (!busy)
			return FR_NOT_TIMER;
	}
	return FR_TIMER_UNKNOWN;
}

/* Does a wheel of @cpu start at @b, @bucket of it pending? */
static bool __init fr_wheel_at(unsigned long b, unsigned int cpu,
			       unsigned int bucket)
{
	const struct fr_timer_base *base = (const struct fr_timer_base *)b;
	unsigned long clk, word;
	unsigned int c;

	if (b % SMP_CACHE_BYTES || !fr_read(&c, &base->cpu, sizeof(c)) ||
	    c != cpu || !fr_read(&clk, &base->clk, sizeof(clk)) ||
	    time_after(clk, jiffies + HZ) || time_before(clk, jiffies - 600 * HZ) ||
	    !fr_read(&word, &base->pending_map[BIT_WORD(bucket)], sizeof(word)))
		return false;
	return word & BIT_MASK(bucket);
}

/* Does every wheel of every possible CPU start at per-CPU offset @off? */
static bool __init fr_wheels_at(unsigned long off)
{
	struct fr_timer_base __percpu *bases = (void __percpu *)off;
	unsigned int cpu, k, c;

	for_each_possible_cpu(cpu)
		for (k = 0; k < FR_NR_TIMER_BASES; k++)
			if (!fr_read(&c, &(per_cpu_ptr(bases, cpu) + k)->cpu,
				     sizeof(c)) || c != cpu)
				return false;
	return true;
}

static void fr_measure_fn(struct timer_list *t)
{
}

/* Does @t's chain end in its bucket of @b?  Read only, without the lock. */
static bool __init fr_ends_in(struct timer_list *t, struct fr_timer_base *b)
{
	unsigned int n, i = fr_bucket(READ_ONCE(t->flags));
	struct hlist_node *node = &t->entry, **pprev;

	for (n = 0; i < FR_WHEEL_SIZE && n < FR_CHAIN_MAX; n++) {
		if (!fr_back(node, &pprev))
			return false;
		if (pprev == &b->vectors[i].first)
			return true;
		node = container_of(pprev, struct hlist_node, next);
	}
	return false;
}

/*
 * Measure where the wheels are: 0, or -ERANGE (layout not trusted here),
 * -ENOENT (not found, or not exactly once).  Once per load.  A second timer
 * of ours, deferrable, must then sit in the last wheel of that CPU, found
 * from the first by the copied layout's size (read only, then proven as
 * the target's are), and the first be proven too.
 */
int __init fr_find_timer_bases(void)
{
	static struct timer_list mine __initdata, mine_def __initdata;
	struct hlist_node *node = &mine.entry, **pprev;
	unsigned long off = 0, b;
	unsigned int cpu, n, i, found = 0;

	if (fr_bases_err != -EAGAIN)
		return fr_bases_err;
	if (!fr_layout_trusted(FR_LAYOUT_TIMER_BASES))
		return fr_bases_err = -ERANGE;
	cpu = cpumask_first(cpu_online_mask);
	timer_setup(&mine, fr_measure_fn, TIMER_PINNED);
	mine.expires = jiffies + 3600 * HZ;
	add_timer_on(&mine, cpu);
	timer_setup(&mine_def, fr_measure_fn, TIMER_PINNED | TIMER_DEFERRABLE);
	mine_def.expires = jiffies + 3600 * HZ;
	add_timer_on(&mine_def, cpu);
	for (n = 0; n < FR_CHAIN_MAX; n++) {
		if (!fr_back(node, &pprev))
			break;
		i = fr_bucket(READ_ONCE(mine.flags));
		b = (unsigned long)pprev - offsetof(struct fr_timer_base, vectors) -
		    i * sizeof(struct hlist_head);
		if (i < FR_WHEEL_SIZE && fr_wheel_at(b, cpu, i) &&
		    fr_wheels_at(b - per_cpu_offset(cpu))) {
			off = b - per_cpu_offset(cpu);
			found++;
		}
		node = container_of(pprev, struct hlist_node, next);
		if (node == &mine.entry)
			break;
	}
	fr_bases_err = found == 1 ? 0 : -ENOENT;
	if (!fr_bases_err) {
		fr_bases = (void __percpu *)off;
		if (!fr_ends_in(&mine_def, per_cpu_ptr(fr_bases, cpu) +
				FR_NR_TIMER_BASES - 1) ||
		    fr_timer_prove(&mine_def) != FR_TIMER_ARMED ||
		    fr_timer_prove(&mine) != FR_TIMER_ARMED)
			fr_bases_err = -ENOENT;
	}
#ifdef FR_HAVE_TIMER_SHUTDOWN
	timer_shutdown_sync(&mine);
	timer_shutdown_sync(&mine_def);
#else
	del_timer_sync(&mine);
	del_timer_sync(&mine_def);
#endif
	if (fr_bases_err)
		pr_err("timer wheels not found (%u candidates): timers not proven\n",
		       found);
	return fr_bases_err;
}

/*
 * hrtimers, proven the same way under their CPU base's lock (tried for
 * 100 ms): a struct hrtimer's base must be a clock base of a CPU's
 * hrtimer_bases (its cpu_base is that CPU's, found from one of our own, and
 * names the base back at its index); then it is
 *
 *   armed    when its rb_node's parent chain, each parent naming the node
 *            as a child, ends at the root of that base's queue;
 *   running  when it is that base's running timer.
 *
 * struct hrtimer and its bases are public (linux/hrtimer*.h).  In every
 * release a struct hrtimer begins with its rb_node (a timerqueue_node, since
 * 7.2 a timerqueue_linked_node) and a base's queue with its root's.  While a
 * timer moves to another CPU its base is a private placeholder for moments:
 * a base that is no CPU's is looked at again for 5 ms, anything else that
 * is no base is no hrtimer.
 */
static struct hrtimer_cpu_base __percpu *fr_hr_bases __initdata;

static enum hrtimer_restart fr_hr_measure_fn(struct hrtimer *t)
{
	return HRTIMER_NORESTART;
}

/* Where every CPU's hrtimer_bases is, from a timer of ours (never started). */
void __init fr_find_hrtimer_bases(void)
{
	static struct hrtimer mine __initdata;
	struct hrtimer_cpu_base *cb;
	unsigned int cpu;

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
	hrtimer_setup(&mine, fr_hr_measure_fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
#else
	hrtimer_init(&mine, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	mine.function = fr_hr_measure_fn;
#endif
	cb = mine.base->cpu_base;
	cpu = READ_ONCE(cb->cpu);
	if (cpu < nr_cpu_ids && cpu_possible(cpu))
		fr_hr_bases = (void __percpu *)((unsigned long)cb - per_cpu_offset(cpu));
	else
		pr_err("hrtimer bases not found: hrtimers not proven\n");
}

/* @n's parent chain, each link naming its child, ends at @b's root. */
static enum fr_timer_proof __init fr_hr_walk(struct hrtimer_clock_base *b,
					     struct rb_node *n)
{
	struct rb_node *root, *parent, *left, *right;
	unsigned long pc;
	unsigned int i;

	if (!fr_read(&root, &b->active, sizeof(root)))
		return FR_NOT_TIMER;
	for (i = 0; i < FR_CHAIN_MAX; i++) {
		if (n == root)
			return FR_TIMER_ARMED;
		if (!fr_read(&pc, &n->__rb_parent_color, sizeof(pc)))
			return FR_NOT_TIMER;
		parent = (struct rb_node *)(pc & ~3UL);
		if (!parent || parent == n ||
		    !fr_read(&left, &parent->rb_left, sizeof(left)) ||
		    !fr_read(&right, &parent->rb_right, sizeof(right)) ||
		    (left != n && right != n))
			return FR_NOT_TIMER;
		n = parent;
	}
	return FR_TIMER_UNKNOWN;
}

/*
 * @b, read from a timer: a clock base of a CPU's hrtimer_bases?  *@base is
 * whether it is a base at all (its CPU base names it back): the placeholder
 * of a moving timer is one, but no CPU's.
 */
static struct hrtimer_cpu_base *__init fr_hr_cpu_base(struct hrtimer_clock_base *b,
						      bool *base)
{
	struct hrtimer_cpu_base *cb;
	unsigned int idx, cpu;

	*base = b && fr_read(&cb, &b->cpu_base, sizeof(cb)) &&
		fr_read(&idx, (const void *)&b->index, sizeof(idx)) &&
		idx < HRTIMER_MAX_CLOCK_BASES && &cb->clock_base[idx] == b;
	if (!*base || !fr_read(&cpu, &cb->cpu, sizeof(cpu)) ||
	    cpu >= nr_cpu_ids || !cpu_possible(cpu) ||
	    per_cpu_ptr(fr_hr_bases, cpu) != cb)
		return NULL;
	return cb;
}

enum fr_timer_proof __init fr_hrtimer_prove(struct hrtimer *t)
{
	unsigned int tries, moving = 0;

	BUILD_BUG_ON(offsetof(struct hrtimer, node) != 0);
	if (!fr_hr_bases)
		return FR_TIMER_UNKNOWN;
	for (tries = 0; tries < FR_BASE_TRIES; tries++, usleep_range(1000, 1100)) {
		struct hrtimer_clock_base *b;
		struct hrtimer_cpu_base *cb;
		enum fr_timer_proof r;
		unsigned long irq;
		bool base;

		if (!fr_read(&b, &t->base, sizeof(b)))
			return FR_NOT_TIMER;
		cb = fr_hr_cpu_base(b, &base);
		if (!cb) {
			if (!base || ++moving == FR_MOVE_TRIES)
				return FR_NOT_TIMER;
			continue;
		}
		if (!raw_spin_trylock_irqsave(&cb->lock, irq))
			continue;
		if (READ_ONCE(t->base) != b)
			r = FR_TIMER_UNKNOWN;	/* moved: look again */
		else if (READ_ONCE(b->running) == t)
			r = FR_TIMER_RUNNING;
		else
			r = fr_hr_walk(b, (struct rb_node *)t);
		raw_spin_unlock_irqrestore(&cb->lock, irq);
		if (r != FR_TIMER_UNKNOWN)
			return r;
	}
	return FR_TIMER_UNKNOWN;
}

/*
 * The shape of a struct work_struct, its function one of the target's
 * (checked by the caller), read only:
 *
 *   idle     its entry linked to itself (INIT_WORK(), DECLARE_WORK()) and
 *            its data with neither the pending nor the pwq bit;
 *   queued   both bits set and its entry on a list, both neighbours
 *            pointing back;
 *   unknown  the pending bit set otherwise;
 *
 * and none otherwise.  A shape is no proof: pernet operations after an odd
 * word look queued, a mutex after a function pointer looks idle.  Nothing
 * is written on the strength of a shape: leftovers/timer.c waits for a
 * queued one to run, asks work_busy() only of an idle one (whose pool it
 * finds by id, read only) and disables one only when its data is a work's
 * too (fr_work_data_idle()).  A running work looks idle.
 */
enum fr_work_state __init fr_work_state(struct work_struct *w)
{
	struct list_head *next, *prev, *back;
	unsigned long data;

	if (!fr_read(&data, &w->data, sizeof(data)) ||
	    !fr_read(&next, &w->entry.next, sizeof(next)) ||
	    !fr_read(&prev, &w->entry.prev, sizeof(prev)))
		return FR_WORK_NONE;
	if (!(data & (WORK_STRUCT_PENDING | WORK_STRUCT_PWQ)))
		return next == &w->entry && prev == &w->entry ?
		       FR_WORK_IDLE : FR_WORK_NONE;
	if (!(data & WORK_STRUCT_PENDING))
		return FR_WORK_NONE;
	if (!(data & WORK_STRUCT_PWQ) || next == &w->entry ||
	    !fr_read(&back, &next->prev, sizeof(back)) || back != &w->entry ||
	    !fr_read(&back, &prev->next, sizeof(back)) || back != &w->entry)
		return FR_WORK_UNKNOWN;
	return FR_WORK_QUEUED;
}

/*
 * The data of a work off every queue: no pwq bit, so that work_busy()
 * finds its pool by id (idr_find(), read only, any id).  With @written, for
 * disable_work(), also no other queue bit, the id of a pool (at most a few
 * per CPU, and the unbound ones) or WORK_OFFQ_POOL_NONE, and since 6.10
 * never 0 (pool 0, a BH pool, has WORK_OFFQ_BH).  A lock word holding a
 * task pointer, or a count, before a self-linked list and a function
 * pointer, is rarely that.
 */
bool __init fr_work_data_idle(struct work_struct *w, bool written)
{
	unsigned long data, pool;

	if (!fr_read(&data, &w->data, sizeof(data)) || (data & WORK_STRUCT_PWQ))
		return false;
	if (!written)
		return true;
	if (!data || (data & (WORK_STRUCT_PENDING | WORK_STRUCT_INACTIVE |
			      WORK_STRUCT_LINKED)))
		return false;
	pool = data >> WORK_OFFQ_POOL_SHIFT;
	return pool == WORK_OFFQ_POOL_NONE || pool < 8UL * nr_cpu_ids + 4096;
}
