// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover kernel threads: the threads whose function, as kthread_create()
 * was given it (kthread_func()), lies in the target's text (pktgen's
 * kpktgend_N, one per CPU).  tasks.c does not count them as executing the
 * target's code when its exit will not run: they are stopped here, last,
 * after every other undo, whose own code (a pernet exit, a driver's remove)
 * stops most of them as the target's exit would.  One still there is
 * stopped with kthread_stop(): it wakes the thread, whose function returns
 * once it sees kthread_should_stop(); that function is the target's, intact.
 * A thread that waits uninterruptibly (on a lock, an I/O, another task) is
 * refused: nothing says its wait ends.  A thread that has not returned after
 * 5 s is named, and the target not repaired; tasks.c then finds it again
 * after the undo.  kthread_worker threads run the kernel's function, not the
 * target's: the target's work on them is a suspect of tasks.c.
 */
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>

#include "leftovers.h"

/* Whether @p is a kernel thread of @mod's: see above. */
bool __init fr_kthread_of(struct task_struct *p, const struct module *mod)
{
	return (READ_ONCE(p->flags) & PF_KTHREAD) &&
	       fr_in_text(mod, (unsigned long)kthread_func(p));
}

/* Whether nothing says @p's wait ends when it is woken: see above. */
static bool __init fr_kthread_stuck(const struct task_struct *p)
{
	unsigned int state = READ_ONCE(p->__state);

	/* PREEMPT_RT: blocked on a spinlock_t, its own state saved aside. */
	if (state == TASK_RTLOCK_WAIT)
		return true;
	/* TASK_IDLE (uninterruptible, not counted as load) is woken too. */
	return (state & TASK_UNINTERRUPTIBLE) && !(state & TASK_NOLOAD);
}

static int __init fr_find_kthreads(void)
{
	struct fr_leftover *lo;
	struct fr_tasks ts;
	unsigned int i;
	int err;

	err = fr_get_tasks(&ts);
	if (err)
		return err;
	for (i = 0; i < ts.nr; i++) {
		struct task_struct *p = ts.task[i];

		if (!fr_kthread_of(p, fr_lo_target->mod))
			continue;
		/*
		 * tasks.c looks again after the undo: one not listed (too
		 * many) or refused and left (leftovers=force) is then a task
		 * executing the target's code, which leaves it unrepaired.
		 */
		fr_lo_target->scan_after_undo = true;
		/* Exiting (do_exit()): it never returns to its function. */
		if (READ_ONCE(p->flags) & PF_EXITING)
			continue;
		lo = fr_lo_add(&fr_lo_kthread, p);
		if (!lo) {
			err = -E2BIG;
			break;
		}
		get_task_struct(p);
		snprintf(lo->name, sizeof(lo->name), "%s/%d", p->comm,
			 task_pid_nr(p));
		/* Its struct kthread: its function and data, and the kernel's. */
		lo->link = (unsigned long)p->worker_private;
		lo->stack = fr_hold_stack(p);
		if (fr_kthread_stuck(p))
			lo->refuse = FR_UNINTERRUPTIBLE;
		cond_resched();
	}
	fr_put_tasks(&ts);
	return err;
}

/* In the undo's own thread, which holds a reference on @p (see below). */
static void fr_call_kthread_stop(void *p)
{
	kthread_stop(p);
	put_task_struct(p);
}

static enum fr_why __init fr_undo_kthread(struct fr_leftover *lo)
{
	struct task_struct *p = lo->obj;
	enum fr_why why;

	/* Stopped by an earlier undo: its function has returned. */
	if (READ_ONCE(p->flags) & PF_EXITING) {
		fr_stack_released(lo->stack);
		return FR_GONE;
	}
	if (fr_kthread_stuck(p))
		return FR_UNINTERRUPTIBLE;
	/*
	 * kthread_stop() takes its own reference only once it runs: until
	 * then, and after 5 s, the put of this leftover may have dropped
	 * the last one.  The call's thread drops this one when done.
	 */
	get_task_struct(p);
	why = fr_call_bounded_long(fr_call_kthread_stop, p);
	if (why == FR_UNCHECKED)	/* its thread never ran */
		put_task_struct(p);
	if (why == FR_OK)	/* what its stack held as it left */
		fr_stack_released(lo->stack);
	return why;
}

static void __init fr_put_kthread(struct fr_leftover *lo)
{
	put_task_struct(lo->obj);
	fr_put_stack(lo->stack);
}

/*
 * After the undo, once the thread has exited: its struct kthread (held
 * with its task until the put), which still names its function and data,
 * and its stack once released, as the thread left it (fr_stack_stale()).
 * The thread ran the target's code: its function's address is there, and
 * a callback of an object left linked on that stack would be too.
 */
static bool __init fr_kthread_stale(const struct fr_leftover *lo,
				    unsigned long where, unsigned long v)
{
	struct task_struct *p = lo->obj;

	if (!(READ_ONCE(p->flags) & PF_EXITING))
		return false;
	return (lo->link && where - lo->link < ksize((void *)lo->link)) ||
	       fr_stack_stale(lo->stack, where);
}

const struct fr_lo_kind fr_lo_kthread __initconst = {
	.name = FR_LO_KIND_KTHREAD,
	.action = FR_LO_ACT_STOP,
	.done = FR_LOG_UNDONE_KTHREAD,
	.find = fr_find_kthreads,
	.undo = fr_undo_kthread,
	.put = fr_put_kthread,
	.stale = fr_kthread_stale,
};
