// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover timers, delayed works, hrtimers and works, in the target's own
 * data (data, bss, init data), proven by timers.c under their base's lock:
 *
 *   timer         its function in the target's text, proven armed or
 *                 running: stopped;
 *   delayed_work  its work function in the target's text, its timer proven
 *                 armed or running: cancelled (one queued is looked at
 *                 again until it ran; still queued after 100 ms, it is
 *                 refused: not proven);
 *   hrtimer       its function in the target's text, proven armed or
 *                 running: cancelled;
 *   work          its function one of the target's functions: waited for
 *                 while queued or running, never cancelled; since 6.10 one
 *                 idle is disabled, quietly (no leftover).
 *
 * Each kind is looked for again after the undo (core.c's
 * fr_recheck_timers()): one armed, running or queued by then leaves its
 * target unrepaired.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hrtimer.h>
#include <linux/timer.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include "leftovers.h"

#define FR_WORK_TRIES		5	/* a work being queued: 5 ms */

static void __init fr_lookup_timers(void)
{
	fr_find_timer_bases();
}

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
		if (fr_rechecking && lo->kind->recheck)
			continue;
		if (lo->t == fr_lo_target && lo->size &&
		    p < (unsigned long)lo->obj + lo->size &&
		    (unsigned long)lo->obj < p + size)
			return true;
	}
	return false;
}

/*
 * Whether [@p, @p + @size) overlaps a timer, delayed work or hrtimer found
 * before the undo: FR_OVER_PROVEN over one proven (its words are no work's:
 * past a timer in init data, a work's shape can take its expiry for data
 * and the word after it for a function, 6.12 arm64), FR_OVER_REFUSED over
 * one refused (not proven, and left registered by leftovers=force: a work
 * there may refuse, but is never written to).
 */
enum fr_over { FR_OVER_NONE, FR_OVER_PROVEN, FR_OVER_REFUSED };

static enum fr_over __init fr_lo_over_timer(unsigned long p, size_t size)
{
	const struct fr_leftover *lo;
	enum fr_over over = FR_OVER_NONE;

	for (lo = fr_los; lo < fr_los + fr_nr_los; lo++) {
		unsigned long o = (unsigned long)lo->obj;
		size_t n;

		if (lo->t != fr_lo_target)
			continue;
		if (lo->kind == &fr_lo_timer)
			n = sizeof(struct timer_list);
		else if (lo->kind == &fr_lo_dwork)
			n = sizeof(struct delayed_work);
		else if (lo->kind == &fr_lo_hrtimer)
			n = sizeof(struct hrtimer);
		else
			continue;
		if (p >= o + n || o >= p + size)
			continue;
		if (!lo->refuse)
			return FR_OVER_PROVEN;
		over = FR_OVER_REFUSED;
	}
	return over;
}

/* @obj of @kind (of @size, 0 for timers and delayed works) found. */
static void __init fr_timer_found(const struct fr_lo_kind *kind, void *obj,
				  size_t size, enum fr_why why)
{
	struct fr_leftover *lo;

	if (fr_rechecking) {
		/* Armed again, or still running, after its undo. */
		pr_err("%s: " FR_LOG_UNDO_FAILED "%s %ps (%s), not repaired\n",
		       fr_lo_target->name, kind->name, obj,
		       fr_why_words(why ? why : FR_RUNNING));
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
		fr_timer_found(dw ? &fr_lo_dwork : &fr_lo_timer,
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
		fr_timer_found(&fr_lo_hrtimer, t, sizeof(*t),
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
 *     queue point into the target, and fr_queued_work() does not explain
 *     it), remembered as a look-alike with its data and function words,
 *     and passed over by the recheck only while both are unchanged;
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
#define FR_MAX_LOOKALIKES	256	/* 6.1 ext4's trace eval maps: about 100 */
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
		enum fr_over over;
		bool running;

		/*
		 * A work's data is flags, a pool's ID or a pool workqueue,
		 * never the target's code (on 7.x, __ADDRESSABLE(init_module)
		 * in init data, a word before a pointer to its code, is).
		 */
		if (!fr_in_text(mod, (unsigned long)READ_ONCE(w->func)) ||
		    fr_in_text(mod, atomic_long_read(&w->data)) ||
		    !fr_code_in(READ_ONCE(w->func), mod) ||
		    (p + tfn + sizeof(long) <= r->end &&
		     READ_ONCE(*(unsigned long *)(p + tfn)) ==
		     (unsigned long)delayed_work_timer_fn) ||
		    fr_lo_overlaps(p, sizeof(*w)) ||
		    (fr_rechecking && fr_is_lookalike(w)))
			continue;
		over = fr_lo_over_timer(p, sizeof(*w));
		if (over == FR_OVER_PROVEN)
			continue;
		state = fr_work_settle(w, &running);
		if (state == FR_WORK_NONE)
			continue;
		if (running || (fr_rechecking && state != FR_WORK_IDLE) ||
		    (over && state != FR_WORK_IDLE)) {
			fr_timer_found(&fr_lo_work, w, sizeof(*w),
				       running ? FR_RUNNING : FR_UNCHECKED);
			continue;
		}
		if (over)
			continue;	/* idle by its shape: never written */
		if (state != FR_WORK_IDLE) {
			if (fr_nr_lookalikes < FR_MAX_LOOKALIKES)
				fr_lookalike_add(w);
			else
				fr_timer_found(&fr_lo_work, w, sizeof(*w), FR_UNCHECKED);
			continue;
		}
#ifdef FR_HAVE_DISABLE_WORK
		if (fr_rechecking || !fr_work_data_idle(w, true))
			continue;
		lo = fr_lo_add(&fr_lo_work, w);
		if (!lo)
			continue;
		lo->idle = true;
		lo->size = sizeof(*w);
		fr_lo_symbol(lo, p);
#endif
	}
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
 * An idle work (6.10 on), idle again by its shape and data: disabled.  The
 * reference scan took a while, and a timer undone just before may have
 * queued it once more: that work runs (its code is intact) and is waited
 * for, 100 ms at most.  One running is waited for after it is disabled.
 * One that changed otherwise, or is still queued, is left alone, for the
 * recheck to judge.
 */
static enum fr_why __init fr_undo_work(struct fr_leftover *lo)
{
	struct work_struct *w = lo->obj;
	unsigned int n;
	bool running;

	if (fr_work_settle(w, &running) != FR_WORK_IDLE ||
	    !fr_work_data_idle(w, true)) {
		lo->idle = false;	/* not disabled: nothing to log */
		return FR_OK;
	}
#ifdef FR_HAVE_DISABLE_WORK
	disable_work(w);
#endif
	for (n = 0; work_busy(w); n++, fr_pause())
		if (n == FR_TRIES)
			return FR_RUNNING;
	pr_info("%s: " FR_LOG_IDLE_WORK "%s\n", lo->t->name, lo->name);
	return FR_OK;
}

static int __init fr_find_timers(void)
{
	fr_scan_data(fr_scan_timers);
	return 0;
}

static int __init fr_find_hrtimers(void)
{
	fr_scan_data(fr_scan_hrtimers);
	return 0;
}

static int __init fr_find_works(void)
{
	fr_scan_data(fr_scan_works);
	return 0;
}

static void __init fr_forget_lookalikes(void)
{
	fr_nr_lookalikes = 0;
}

/* Their undo leaves nothing of theirs in the target to point at. */
static bool __init fr_timer_explains(const struct fr_leftover *lo,
				     unsigned long where, unsigned long v)
{
	return v - (unsigned long)lo->obj < sizeof(struct timer_list);
}

static bool __init fr_dwork_explains(const struct fr_leftover *lo,
				     unsigned long where, unsigned long v)
{
	return v - (unsigned long)lo->obj < sizeof(struct delayed_work);
}

/*
 * For the reference scan before the undo: whether the word at @where,
 * pointing to @v, is a queue's link to one of @t's works (in its data or
 * init data, queued, its function one of @t's): a timer of the target
 * queued it before that timer's undo (fr_left's hrtimer, seen on a CPU's
 * worker pool, 6.12 arm64).  Only a neighbour's link to the work's own
 * entry, in a list that points back; not a look-alike's (queued all along
 * since it was found: stuck); and only while there is room to remember the
 * work: fr_recheck_queued_works() waits for each one again and leaves its
 * target unrepaired if it is still queued or running.  Never after that
 * recheck (the scan after the undo): nothing would wait for it then.
 */
#define FR_MAX_QUEUED	32
static struct {
	struct fr_rescue *t;
	struct work_struct *w;
} fr_queued[FR_MAX_QUEUED] __initdata;
static unsigned int fr_nr_queued __initdata;
static bool fr_queued_rechecked __initdata;

bool __init fr_queued_work(struct fr_rescue *t, unsigned long where,
			   unsigned long v)
{
	struct work_struct *w = (void *)(v - offsetof(struct work_struct, entry));
	unsigned long a = (unsigned long)w;
	const struct module *mod = t->mod;
	struct list_head *next, *prev;
	struct fr_range r[2];
	unsigned int i, n;
	work_func_t fn;

	if (fr_queued_rechecked || !IS_ALIGNED(v, sizeof(long)))
		return false;
	n = fr_data_ranges(mod, r);
	for (i = 0; i < n; i++)
		if (a >= r[i].start && a + sizeof(*w) <= r[i].end)
			break;
	if (i == n || fr_work_state(w) != FR_WORK_QUEUED || fr_is_lookalike(w) ||
	    copy_from_kernel_nofault(&fn, &w->func, sizeof(fn)) ||
	    copy_from_kernel_nofault(&next, &w->entry.next, sizeof(next)) ||
	    copy_from_kernel_nofault(&prev, &w->entry.prev, sizeof(prev)) ||
	    !fr_in_text(mod, (unsigned long)fn) || !fr_code_in(fn, mod) ||
	    (where != (unsigned long)&prev->next &&
	     where != (unsigned long)&next->prev))
		return false;
	for (i = 0; i < fr_nr_queued; i++)
		if (fr_queued[i].w == w && fr_queued[i].t == t)
			return true;
	if (fr_nr_queued == FR_MAX_QUEUED)
		return false;
	fr_queued[fr_nr_queued].t = t;
	fr_queued[fr_nr_queued++].w = w;
	return true;
}

/* For fr_recheck_timers(), rechecking: see fr_queued_work(). */
void __init fr_recheck_queued_works(void)
{
	unsigned int i;

	fr_queued_rechecked = true;
	for (i = 0; i < fr_nr_queued; i++) {
		struct work_struct *w = fr_queued[i].w;
		enum fr_work_state state;
		bool running;

		fr_lo_target = fr_queued[i].t;
		if (fr_lo_target->undo_failed)
			continue;
		state = fr_work_settle(w, &running);
		if (state != FR_WORK_IDLE || running)
			fr_timer_found(&fr_lo_work, w, sizeof(*w),
				       running ? FR_RUNNING : FR_UNCHECKED);
	}
}

/* Delayed works are found by the timers' scan. */
const struct fr_lo_kind fr_lo_timer __initconst = {
	.name = FR_LO_KIND_TIMER,
	.action = FR_LO_ACT_STOP,
	.done = FR_LOG_UNDONE_TIMER,
	.lookup = fr_lookup_timers,
	.find = fr_find_timers,
	.undo = fr_undo_timer,
	.explains = fr_timer_explains,
	.recheck = true,
};

const struct fr_lo_kind fr_lo_dwork __initconst = {
	.name = FR_LO_KIND_DWORK,
	.action = FR_LO_ACT_CANCEL,
	.done = FR_LOG_UNDONE_DWORK,
	.undo = fr_undo_dwork,
	.explains = fr_dwork_explains,
	.recheck = true,
};

const struct fr_lo_kind fr_lo_hrtimer __initconst = {
	.name = FR_LO_KIND_HRTIMER,
	.action = FR_LO_ACT_CANCEL,
	.done = FR_LOG_UNDONE_HRTIMER,
	.lookup = fr_find_hrtimer_bases,
	.find = fr_find_hrtimers,
	.undo = fr_undo_hrtimer,
	.recheck = true,
};

/* Never a leftover itself: one idle is disabled quietly (logged by its undo). */
const struct fr_lo_kind fr_lo_work __initconst = {
	.name = FR_LO_KIND_WORK,
	.begin = fr_forget_lookalikes,
	.find = fr_find_works,
	.undo = fr_undo_work,
	.recheck = true,
};
