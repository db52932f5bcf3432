// SPDX-License-Identifier: GPL-2.0
/*
 * Healing the module loader (Linux 6.5 and later)
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
 * consistently means its memory was reused: its next pointer is lost.  The
 * record that followed it, if live, is on a listed loader's stack (it is
 * older than the crash) with its pprev pointing to the lost record's next
 * field: the loaders' stacks are searched for it (its own next must point
 * back to it too), and the walk goes on from there.  If none is found, or
 * more than one, the chain is cut there and the rest of the bucket dropped.
 *
 * A kept record whose task waits on its completion, when no kept record with
 * the same cookie belongs to a loader still at work, will never be completed:
 * it is unlinked and completed with -EAGAIN, as idempotent_complete() would,
 * so that its finit_module() returns and can be retried.
 *
 * A bucket with more than FR_IDEM_MAX_CHAIN records (parallel loads of one
 * file, as udev makes at boot on a big machine) is left untouched and
 * reported: those are most likely all live.
 *
 * idem_lock is a spinlock that a loader which died under it (a fault while
 * reading a poisoned bucket) would hold forever: it is only tried, for
 * FR_IDEM_LOCK_MS at most; failing that, nothing is healed and the log says
 * so.  The loaders are listed before the lock is taken (with their system
 * call told apart per ABI, tasks.c), so that the work under it is a look
 * at a few stacks per record; a record on no listed loader's stack (a load
 * that began meanwhile) is looked up among all threads.
 *
 * Residual risk: live records beyond a cut are dropped with the rest and
 * cannot be repaired.  Their loader completes normally; a waiter among them
 * stays waiting until it is signalled, and then unlinks itself through a
 * pprev that may point into reused memory.  That needs two stale records in
 * a row, the first reused, followed by a load of another file hashing to
 * the same bucket, older than both crashes and still in flight.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/hash.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

#include "force_rmmod.h"

/*
 * finit_module() keeps its table since Linux 6.5, and wherever idem_hash is
 * found (a backport): no version test here.  Must match struct idempotent in
 * kernel/module/main.c; trusted in the range of FR_LAYOUT_IDEM (lookup.c).
 */
struct fr_idem {
	const void *cookie;
	struct hlist_node entry;
	struct completion complete;
	int ret;
};

#define FR_IDEM_BITS		8
#define FR_IDEM_MAX_CHAIN	64
#define FR_IDEM_LOCK_MS		200

struct fr_idem_seen {
	struct fr_idem *rec;
	const void *cookie;
	bool live;		/* on a live loader's stack: kept */
	bool waiting;		/* its task sleeps on its completion */
	bool release;		/* live, but nobody will complete it */
};

/* Scratch for one bucket; used under idem_lock only. */
static struct fr_idem_seen fr_idem_chain[FR_IDEM_MAX_CHAIN] __initdata;

/* The threads inside finit_module(), listed before idem_lock is taken. */
static struct fr_tasks fr_loaders __initdata;

/* One loader's stack, copied while searching it (fr_idem_after()). */
static char *fr_stack_copy __initdata;

static bool __init fr_is_live_loader(struct task_struct *p)
{
	return !(READ_ONCE(p->flags) & PF_EXITING) && !p->exit_state &&
	       fr_task_syscall(p) == FR_SYS_FINIT_MODULE;
}

static bool __init fr_on_stack(const struct fr_idem *rec,
			       struct task_struct *p)
{
	unsigned long addr = (unsigned long)rec;
	unsigned long lo = (unsigned long)task_stack_page(p);

	return lo && addr >= lo && addr + sizeof(*rec) <= lo + THREAD_SIZE;
}

/* Caller holds rcu_read_lock(). */
static bool __init fr_on_loader_stack(const struct fr_idem *rec)
{
	struct task_struct *g, *p;
	unsigned int i;

	for (i = 0; i < fr_loaders.nr; i++)
		if (fr_on_stack(rec, fr_loaders.task[i]))
			return fr_is_live_loader(fr_loaders.task[i]);
	for_each_process_thread(g, p)
		if (fr_on_stack(rec, p))
			return fr_is_live_loader(p);
	return false;
}

/* Keep only the loaders in fr_loaders; drop the other references. */
static int __init fr_list_loaders(void)
{
	unsigned int i, n = 0;
	int ret;

	ret = fr_get_tasks(&fr_loaders);
	if (ret)
		return ret;
	for (i = 0; i < fr_loaders.nr; i++) {
		struct task_struct *p = fr_loaders.task[i];

		if (fr_task_syscall(p) == FR_SYS_FINIT_MODULE)
			fr_loaders.task[n++] = p;
		else
			put_task_struct(p);
		cond_resched();
	}
	fr_loaders.nr = n;
	return 0;
}

struct fr_idem_stats {
	unsigned int kept, removed, released, unreadable, crowded;
};

/* @next is NULL, or a node whose pprev is @link. */
static bool __init fr_idem_points_back(struct hlist_node *next,
				       struct hlist_node **link)
{
	struct hlist_node **pprev;

	return !next ||
	       (!copy_from_kernel_nofault(&pprev, &next->pprev, sizeof(pprev)) &&
		pprev == link);
}

/*
 * The record that followed one whose memory was reused, whose next field is
 * at @link (only the address is used): on a listed loader's stack, with a
 * cookie of @bucket, its pprev at @link and its own next NULL or pointing
 * back to it.  Records among the first @n read are skipped, so that a chain
 * that loops is not followed around.  NULL unless exactly one record
 * matches.  Caller holds idem_lock and rcu_read_lock().
 */
static struct fr_idem *__init fr_idem_after(struct hlist_node **link,
					    unsigned int bucket, unsigned int n)
{
	struct fr_idem *match = NULL;
	unsigned int i, j;
	unsigned long lo;
	size_t off;

	if (!fr_stack_copy)
		return NULL;
	for (i = 0; i < fr_loaders.nr; i++) {
		struct task_struct *p = fr_loaders.task[i];

		lo = (unsigned long)READ_ONCE(p->stack);
		if (!lo || !fr_is_live_loader(p) ||
		    copy_from_kernel_nofault(fr_stack_copy, (void *)lo,
					     THREAD_SIZE))
			continue;
		for (off = 0; off + sizeof(struct fr_idem) <= THREAD_SIZE;
		     off += sizeof(long)) {
			const struct fr_idem *c = (void *)(fr_stack_copy + off);
			struct fr_idem *rec = (struct fr_idem *)(lo + off);

			if (c->entry.pprev != link || !c->cookie ||
			    hash_ptr(c->cookie, FR_IDEM_BITS) != bucket ||
			    !fr_idem_points_back(c->entry.next,
						 &rec->entry.next))
				continue;
			for (j = 0; j < n && fr_idem_chain[j].rec != rec; j++)
				;
			if (j < n)
				continue;
			if (match)
				return NULL;	/* two: neither is trusted */
			match = rec;
		}
	}
	return match;
}

/*
 * Read-only pass: classify what the chain of @head holds into fr_idem_chain.
 * Returns how many records were read consistently.  A record that does not
 * read back consistently is counted in *found when the record after it was
 * found (fr_idem_after()); otherwise the chain stops there and *cut is set.
 * *crowded is set when there are more than FR_IDEM_MAX_CHAIN records.
 * Caller holds idem_lock and rcu_read_lock().
 */
static unsigned int __init fr_idem_classify(struct hlist_head *head,
					    unsigned int bucket,
					    unsigned int *found, bool *cut,
					    bool *crowded)
{
	struct hlist_node **link = &head->first;
	struct hlist_node *pos = READ_ONCE(head->first);
	struct fr_idem_seen *seen = fr_idem_chain;
	unsigned int n = 0;

	*found = 0;
	*cut = false;
	*crowded = false;
	while (pos) {
		struct fr_idem *rec = container_of(pos, struct fr_idem, entry);
		struct fr_idem copy, *after;

		if (n + *found == FR_IDEM_MAX_CHAIN) {
			*crowded = true;
			break;
		}
		if (copy_from_kernel_nofault(&copy, rec, sizeof(copy)) ||
		    copy.entry.pprev != link ||
		    hash_ptr(copy.cookie, FR_IDEM_BITS) != bucket) {
			after = fr_idem_after(&pos->next, bucket, n);
			if (!after) {
				*cut = true;
				break;
			}
			(*found)++;
			link = &pos->next;
			pos = &after->entry;
			continue;
		}
		/* All of it: the scratch holds the last bucket's records. */
		seen[n++] = (struct fr_idem_seen) {
			.rec = rec,
			.cookie = copy.cookie,
			.live = fr_on_loader_stack(rec),
			.waiting = copy.complete.wait.task_list.next !=
				   &rec->complete.wait.task_list,
		};
		link = &pos->next;
		pos = copy.entry.next;
	}
	return n;
}

/*
 * A live waiter is released when no live loader of its file is left.
 * Returns whether the bucket needs rewriting.
 */
static bool __init fr_idem_decide(unsigned int n)
{
	struct fr_idem_seen *seen = fr_idem_chain;
	unsigned int i, j;
	bool changed = false;

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
	return changed;
}

/* Write pass: relink the kept records of @head, in their order. */
static void __init fr_idem_relink(struct hlist_head *head, unsigned int n,
				  struct fr_idem_stats *st)
{
	struct hlist_node **link = &head->first;
	struct fr_idem_seen *seen = fr_idem_chain;
	unsigned int i;

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
}

/* As idempotent_complete() does; the record is gone once completed. */
static void __init fr_idem_release(unsigned int n, struct fr_idem_stats *st)
{
	struct fr_idem_seen *seen = fr_idem_chain;
	unsigned int i;

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

/* Caller holds idem_lock and rcu_read_lock(). */
static void __init fr_heal_bucket(struct hlist_head *head, unsigned int bucket,
				  struct fr_idem_stats *st)
{
	unsigned int n, found;
	bool cut, crowded;

	n = fr_idem_classify(head, bucket, &found, &cut, &crowded);
	if (crowded) {
		st->crowded++;
		pr_warn(FR_LOG_LOADER "bucket %u: more than %d records, left untouched\n",
			bucket, FR_IDEM_MAX_CHAIN);
		return;
	}
	if (!fr_idem_decide(n) && !found && !cut) {
		st->kept += n;
		return;
	}
	fr_idem_relink(head, n, st);
	st->removed += found + (unsigned int)cut;
	st->unreadable += found + (unsigned int)cut;
	if (found)
		pr_warn(FR_LOG_LOADER "bucket %u: %u unreadable record(s) (stack reused) skipped, the record after each found on a loader's stack\n",
			bucket, found);
	if (cut)
		pr_warn(FR_LOG_LOADER "bucket %u: record %u unreadable (stack reused), chain cut there\n",
			bucket, n + found + 1);
	fr_idem_release(n, st);
}

/*
 * Remove stale records from the loader's table.  Caller holds no lock and
 * has tainted the kernel: this is part of a forced rescue.
 */
void __init fr_heal_loader(void)
{
	struct fr_idem_stats st = { };
	struct hlist_head *hash;
	spinlock_t *lock;		/* idem_lock: guards the table */
	unsigned int b, ms;

	hash = fr_lookup_layout(FR_LAYOUT_IDEM, "idem_hash",
				sizeof(*hash) << FR_IDEM_BITS);
	if (!hash)
		return;		/* no table in this kernel (before 6.5) */
	if (IS_ERR(hash))
		return;		/* not trusted here, and said so */
	lock = fr_lookup_data("idem_lock", sizeof(*lock));
	if (!lock) {
		pr_err(FR_LOG_LOADER "idem_lock not found: not healed, loading a crashed module's file again may crash the kernel until reboot\n");
		return;
	}

	if (fr_list_loaders()) {
		pr_err(FR_LOG_LOADER "not healed (out of memory): loading a crashed module's file again may crash the kernel until reboot\n");
		return;
	}
	/* Without it, a chain is cut at its first unreadable record. */
	fr_stack_copy = kvmalloc(THREAD_SIZE, GFP_KERNEL);
	/* A spinlock a dead task may hold: tried, never waited on for long. */
	for (ms = 0; !spin_trylock(lock); ms++) {
		if (ms == FR_IDEM_LOCK_MS) {
			fr_put_tasks(&fr_loaders);
			kvfree(fr_stack_copy);
			fr_stack_copy = NULL;
			pr_err(FR_LOG_LOADER "idem_lock held for %d ms (by a loader that died?), not healed: loading a crashed module's file again may hang or crash the kernel until reboot\n",
			       FR_IDEM_LOCK_MS);
			return;
		}
		usleep_range(1000, 1100);
	}
	rcu_read_lock();
	for (b = 0; b < 1U << FR_IDEM_BITS; b++)
		fr_heal_bucket(&hash[b], b, &st);
	rcu_read_unlock();
	spin_unlock(lock);
	fr_put_tasks(&fr_loaders);
	kvfree(fr_stack_copy);
	fr_stack_copy = NULL;

	if (st.crowded)
		pr_warn(FR_LOG_LOADER "%u bucket(s) with more than %d records left untouched\n",
			st.crowded, FR_IDEM_MAX_CHAIN);
	if (!st.removed && !st.released) {
		pr_info(FR_LOG_LOADER "no stale records (%u loads in flight)\n",
			st.kept);
		return;
	}
	pr_warn(FR_LOG_LOADER "removed %u stale record(s) (%u unreadable), released %u waiting loader(s), kept %u load(s) in flight\n",
		st.removed, st.unreadable, st.released, st.kept);
}
