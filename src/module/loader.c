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
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/err.h>
#include <linux/hash.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <asm/syscall.h>

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

/*
 * Read-only pass: classify what the chain of @head holds into fr_idem_chain.
 * Returns how many records were read; *cut is set when the chain stops at a
 * record that does not read back consistently.  Caller holds idem_lock and
 * rcu_read_lock().
 */
static unsigned int __init fr_idem_classify(struct hlist_head *head,
					    unsigned int bucket, bool *cut)
{
	struct hlist_node **link = &head->first;
	struct hlist_node *pos = READ_ONCE(head->first);
	struct fr_idem_seen *seen = fr_idem_chain;
	unsigned int n = 0;

	*cut = false;
	while (pos) {
		struct fr_idem *rec = container_of(pos, struct fr_idem, entry);
		struct fr_idem copy;

		if (n == FR_IDEM_MAX_CHAIN ||
		    copy_from_kernel_nofault(&copy, rec, sizeof(copy)) ||
		    copy.entry.pprev != link ||
		    hash_ptr(copy.cookie, FR_IDEM_BITS) != bucket) {
			*cut = true;
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
	unsigned int n;
	bool cut;

	n = fr_idem_classify(head, bucket, &cut);
	if (!fr_idem_decide(n) && !cut) {
		st->kept += n;
		return;
	}
	fr_idem_relink(head, n, st);
	if (cut) {
		st->removed++;
		st->cuts++;
		pr_warn(FR_LOG_LOADER "bucket %u: record %u unreadable (stack reused), chain cut there\n",
			bucket, n + 1);
	}
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
	unsigned int b;

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

	spin_lock(lock);
	rcu_read_lock();
	for (b = 0; b < 1U << FR_IDEM_BITS; b++)
		fr_heal_bucket(&hash[b], b, &st);
	rcu_read_unlock();
	spin_unlock(lock);

	if (!st.removed && !st.released && !st.cuts) {
		pr_info(FR_LOG_LOADER "no stale records (%u loads in flight)\n",
			st.kept);
		return;
	}
	pr_warn(FR_LOG_LOADER "removed %u stale record(s) (%u unreadable), released %u waiting loader(s), kept %u load(s) in flight\n",
		st.removed, st.cuts, st.released, st.kept);
}
