// SPDX-License-Identifier: GPL-2.0
/*
 * Tasks that may be executing a target's code
 *
 * Rule: a task other than the current one, not yet dead, whose kernel stack
 * holds a word that points into the target's memory (text or data, init or
 * core).  For a task that is not on a CPU only the live part of the stack is
 * read, from its saved stack pointer up (x86 SMP); otherwise the whole stack.
 *
 * This covers an init that blocks or never returns and an exit blocked in D
 * state (their return addresses point into the target's text), a loader
 * between marking the module COMING and calling its init (load_module()
 * holds a pointer to the struct module, which lives in the target's memory)
 * and any task asleep inside one of the target's functions.  A crashed init
 * or exit is not covered: the oops killed that task.  A stale word in a live
 * frame can make this refuse a module that is in fact idle; it never accepts
 * one that is running.  A task entering the target after the scan is not
 * covered: for that the caller needs the module's users gone, which is what
 * the refcount meant.
 *
 * Stacks are read with copy_from_kernel_nofault() only: a task may exit and
 * free its stack while we read (put_task_stack() is not exported).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "force_rmmod.h"

static size_t __init fr_task_stack(struct task_struct *p, unsigned long *buf)
{
	unsigned long lo, hi;
	size_t n;

	lo = (unsigned long)task_stack_page(p);
	if (!lo)
		return 0;
	hi = lo + THREAD_SIZE;
#if defined(CONFIG_X86) && defined(CONFIG_SMP)
	if (!READ_ONCE(p->on_cpu)) {
		unsigned long sp = READ_ONCE(p->thread.sp);

		if (sp > lo && sp < hi)
			lo = sp & ~(sizeof(long) - 1);
	}
#endif
	n = (hi - lo) / sizeof(long);
	if (copy_from_kernel_nofault(buf, (void *)lo, n * sizeof(long)))
		return 0;	/* the stack went away: the task is gone */
	return n;
}

static bool __init fr_stack_in_module(const unsigned long *stack, size_t n,
				      const struct module *mod)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (within_module(stack[i], mod))
			return true;
	return false;
}

/* Each task's stack is copied once, then read for every target. */
int __init fr_check_tasks(void)
{
	struct task_struct *g, *p;
	unsigned long *buf;
	unsigned int i;
	size_t n;
	int ret = 0;

	buf = kmalloc(THREAD_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	rcu_read_lock();
	for_each_process_thread(g, p) {
		if (p == current || p->exit_state)
			continue;
		n = fr_task_stack(p, buf);
		for (i = 0; i < fr_nr_rescues; i++) {
			if (!fr_stack_in_module(buf, n, fr_rescues[i].mod))
				continue;
			pr_err("%s: " FR_LOG_TASK "%d (%s) may be executing its code\n",
			       fr_rescues[i].name, task_pid_nr(p), p->comm);
			ret = -EBUSY;
		}
	}
	rcu_read_unlock();
	kfree(buf);
	return ret;
}
