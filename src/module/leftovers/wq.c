// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover workqueues (kernel/workqueue.c): a workqueue the target made
 * (alloc_workqueue(), alloc_ordered_workqueue(): dm-bufio, udp_tunnel) and
 * keeps in a word of its data.  Idle, a workqueue holds nothing of the
 * target (its name is a copy): it is a leak, with a rescuer thread when
 * WQ_MEM_RECLAIM, not a danger; a work queued on it is the work kinds'.
 *
 * Whose it is: destroying another's workqueue frees what its owner still
 * queues on.  So a workqueue is the target's only when a word of the
 * target's data points at it, it is on the private list workqueues, its
 * name is a whole string of the target's (the literal it was made with),
 * and no word of vmlinux's data, read-only-after-init data (the system
 * workqueues' pointers, since 6.2) or bss, or of another module's data,
 * holds it.  A delayed work that was queued keeps its workqueue: a word of
 * the target's may point at the kernel's "events".  Named otherwise ("%s"),
 * handed to another subsystem that keeps it in the heap, or with a target
 * whose heap is scanned only after the undo (where a pending work of its
 * could still queue on it), it is left: a leak, not a danger.
 *
 * The list is read under RCU, as the kernel's own dump of it is: a
 * workqueue is freed after a grace period.  Its words are not copied from
 * the kernel's private struct but measured on the kernel's system
 * workqueues: the list's link near system_highpri_wq, and the name
 * "events_highpri" in it, checked on system_long_wq and system_unbound_wq.
 *
 * Undone in two calls, each in a thread of its own, bounded (core.c, 1 s):
 * flush_workqueue(), then, once that has returned, destroy_workqueue().  A
 * work that never ends keeps the flush waiting, the workqueue intact and
 * the target unrepaired.  destroy_workqueue() takes wq_pool_mutex, looked
 * at for 100 ms before (a task crashed in the workqueue code holds it).
 */
#include <linux/bsearch.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include "leftovers.h"

#define FR_WQ_MAX	4096	/* workqueues on the list, at most */
#define FR_WQ_NAME	32	/* WQ_NAME_LEN: 24 in 6.1, 32 since 6.10 */
#define FR_WQ_READ	512	/* bytes of a workqueue read for its name */

static const char fr_sym_workqueues[] __initconst = "workqueues";
static const char fr_sym_wq_pool_mutex[] __initconst = "wq_pool_mutex";

static struct list_head *fr_workqueues __initdata;
static struct mutex *fr_wq_pool_mutex __initdata;
static unsigned long fr_ro_start __initdata, fr_ro_end __initdata;
static int fr_wq_link __initdata = -1;	/* byte offsets: its link, */
static int fr_wq_name __initdata = -1;	/* and its name */
static unsigned long *fr_wqs __initdata;	/* the list's, sorted */
static unsigned int fr_nr_wqs __initdata;

static void __init fr_lookup_wqs(void)
{
	static const char start[] __initconst = "__start_ro_after_init";
	static const char end[] __initconst = "__end_ro_after_init";

	fr_workqueues = fr_lookup(FR_LAYOUT_WORKQUEUES, fr_sym_workqueues,
				  sizeof(*fr_workqueues));
	fr_wq_pool_mutex = fr_lookup(FR_LAYOUT_WORKQUEUES, fr_sym_wq_pool_mutex,
				     sizeof(*fr_wq_pool_mutex));
	fr_ro_start = (unsigned long)fr_lookup_label(start);
	fr_ro_end = (unsigned long)fr_lookup_label(end);
}

/*
 * The workqueues on the list, into fr_wqs[] (@wq 0), or whether @wq is on
 * it: 1, 0; -E2BIG, more than FR_WQ_MAX.
 */
static int __init fr_wq_walk(unsigned long wq)
{
	struct list_head *node;
	unsigned int n = 0;
	int ret = -E2BIG;

	rcu_read_lock();
	for (node = rcu_dereference(list_next_rcu(fr_workqueues));
	     n < FR_WQ_MAX; node = rcu_dereference(list_next_rcu(node)), n++) {
		if (node == fr_workqueues) {
			ret = 0;
			break;
		}
		if (wq && (unsigned long)node - fr_wq_link == wq) {
			ret = 1;
			break;
		}
		if (!wq)
			fr_wqs[n] = (unsigned long)node - fr_wq_link;
	}
	rcu_read_unlock();
	if (!wq && !ret)
		fr_nr_wqs = n;
	return ret;
}

/* Whether the name of @wq, read without faulting, is @name (0: into it). */
static bool __init fr_wq_named(unsigned long wq, char *name)
{
	char buf[FR_WQ_NAME];

	if (copy_from_kernel_nofault(buf, (void *)wq + fr_wq_name, sizeof(buf)) ||
	    !memchr(buf, '\0', sizeof(buf)) || !buf[0])
		return false;
	if (!name[0]) {
		strscpy(name, buf, FR_WQ_NAME);
		return true;
	}
	return !strcmp(buf, name);
}

/*
 * The link's and the name's offsets, measured on system_highpri_wq and
 * checked on two more: false when they do not read back.
 */
static bool __init fr_measure_wqs(void)
{
	static const char highpri[] __initconst = "events_highpri";
	static char buf[FR_WQ_READ] __initdata;
	struct workqueue_struct *wqs[] = { system_long_wq, system_unbound_wq };
	static const char names[][16] __initconst = { "events_long", "events_unbound" };
	unsigned long base = (unsigned long)system_highpri_wq, node;
	unsigned int i, n = 0;
	char *at;

	if (fr_wq_name >= 0)
		return true;
	fr_wq_link = -1;
	rcu_read_lock();
	for (node = (unsigned long)rcu_dereference(list_next_rcu(fr_workqueues));
	     node != (unsigned long)fr_workqueues && n < FR_WQ_MAX;
	     node = (unsigned long)rcu_dereference(list_next_rcu((struct list_head *)node)), n++)
		if (node > base && node - base < 256)
			fr_wq_link = node - base;
	rcu_read_unlock();
	if (fr_wq_link < 0 ||
	    copy_from_kernel_nofault(buf, system_highpri_wq, sizeof(buf)))
		return false;
	at = (char *)fr_find_bytes(buf, sizeof(buf), highpri, sizeof(highpri));
	if (!at)
		return false;
	fr_wq_name = at - buf;
	for (i = 0; i < ARRAY_SIZE(wqs); i++) {
		char name[FR_WQ_NAME] = "";

		if (fr_wq_walk((unsigned long)wqs[i]) != 1 ||
		    !fr_wq_named((unsigned long)wqs[i], name) ||
		    strcmp(name, names[i])) {
			fr_wq_name = -1;
			return false;
		}
	}
	return true;
}

static int __init fr_ulong_cmp(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/*
 * Whether @wq is one of the kernel's own: a system workqueue, or held by a
 * word of vmlinux's read-only-after-init data (fr_static_holds() reads its
 * data and bss), where the system workqueues' pointers are since 6.2.
 */
static bool __init fr_wq_system(unsigned long wq)
{
	unsigned long p = fr_ro_start, e = fr_ro_end;

	if (wq == (unsigned long)system_highpri_wq ||
	    wq == (unsigned long)system_long_wq ||
	    wq == (unsigned long)system_unbound_wq)
		return true;
	if (!p || e <= p)
		return true;	/* unknown: counted as held */
	for (p = ALIGN(p, sizeof(long)); p + sizeof(long) <= e; p += sizeof(long))
		if (*(unsigned long *)p == wq)
			return true;
	return false;
}

/* A word of the target's data at @where points at the workqueue @wq. */
static void __init fr_wq_add(unsigned long where, unsigned long wq)
{
	char name[FR_WQ_NAME] = "";
	struct fr_leftover *lo;

	for (lo = fr_los; lo < fr_los + fr_nr_los; lo++)
		if (lo->kind == &fr_lo_wq && (unsigned long)lo->obj == wq)
			return;
	if (!fr_wq_named(wq, name) || !fr_lo_names(name) ||
	    fr_wq_system(wq) || fr_static_holds(wq, fr_lo_target->mod))
		return;
	lo = fr_lo_add(&fr_lo_wq, (void *)wq);
	if (!lo)
		return;
	lo->link = where;
	strscpy(lo->name, name, sizeof(lo->name));
}

static void __init fr_wq_scan(struct fr_range *r)
{
	unsigned long p, w;

	for (p = ALIGN(r->start, sizeof(long)); p + sizeof(long) <= r->end;
	     p += sizeof(long)) {
		w = *(unsigned long *)p;
		if (fr_is_slab(w) &&
		    bsearch(&w, fr_wqs, fr_nr_wqs, sizeof(w), fr_ulong_cmp))
			fr_wq_add(p, w);
	}
}

static int __init fr_find_wqs(void)
{
	int err;

	if (!fr_workqueues || !fr_wq_pool_mutex)
		return fr_missing(FR_LAYOUT_WORKQUEUES);
	/* Its heap is scanned after the undo: a pending work may be there. */
	if (fr_lo_target->scan_after_undo)
		return 0;
	if (!fr_measure_wqs()) {
		fr_distrust(FR_LAYOUT_WORKQUEUES);
		return -ERANGE;
	}
	fr_wqs = kmalloc_array(FR_WQ_MAX, sizeof(*fr_wqs), GFP_KERNEL);
	if (!fr_wqs)
		return -E2BIG;
	err = fr_wq_walk(0);
	if (!err) {
		sort(fr_wqs, fr_nr_wqs, sizeof(*fr_wqs), fr_ulong_cmp, NULL);
		fr_scan_data(fr_wq_scan);
	}
	kfree(fr_wqs);
	fr_wqs = NULL;
	return err;
}

static void fr_call_wq_flush(void *arg)
{
	flush_workqueue(arg);
}

static void fr_call_wq_destroy(void *arg)
{
	destroy_workqueue(arg);
}

static enum fr_why __init fr_undo_wq(struct fr_leftover *lo)
{
	unsigned long wq = (unsigned long)lo->obj;
	enum fr_why why;
	int listed;

	/* Still the target's word, still on the list, still the same name. */
	if (READ_ONCE(*(unsigned long *)lo->link) != wq)
		return FR_GONE;
	listed = fr_wq_walk(wq);
	if (listed <= 0)
		return listed ? FR_UNCHECKED : FR_GONE;
	if (!fr_wq_named(wq, lo->name))
		return FR_GONE;
	why = fr_call_bounded(fr_call_wq_flush, lo->obj);
	if (!why && !fr_mutex_free(fr_wq_pool_mutex))
		why = FR_LOCKED;
	if (!why)
		why = fr_call_bounded(fr_call_wq_destroy, lo->obj);
	/* destroy_workqueue() keeps one that it found busy (and warns). */
	if (!why && fr_wq_walk(wq))
		why = FR_BUSY;
	return why;
}

const struct fr_lo_kind fr_lo_wq __initconst = {
	.name = FR_LO_KIND_WQ,
	.action = FR_LO_ACT_DESTROY,
	.done = FR_LOG_UNDONE_WQ,
	.lookup = fr_lookup_wqs,
	.find = fr_find_wqs,
	.undo = fr_undo_wq,
};
