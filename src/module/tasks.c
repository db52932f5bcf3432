// SPDX-License-Identifier: GPL-2.0
/*
 * Tasks that may be executing a target's code, or that are loading or
 * unloading it right now
 *
 * Every thread is looked at once per round, from a list of references taken
 * under RCU and walked outside it (with cond_resched()), so that a big
 * machine does not sit in one long RCU read-side section.
 *
 * What makes a task a suspect depends on what it is doing:
 *
 *   - inside delete_module() (rmmod): any word of its live stack pointing
 *     into the target's memory.  Its own struct module pointer is such a
 *     word, from find_module() until free_module() has finished: that is an
 *     unload in flight, whose exit and free would run twice after a repair.
 *   - inside init_module() or finit_module() (insmod, modprobe): the same,
 *     for the loader between marking the target COMING and dropping its
 *     initial reference (do_init_module()); and a loader of another module
 *     waiting in resolve_symbol_wait() for the target's symbols (the
 *     target's name on its stack), which would bind to it once it is live.
 *     Where the kernel's unwinder can be asked (stack_trace_save_tsk(),
 *     exported since 6.12 here), a loader
 *     that only waits, behind a load of the same file or of the same name
 *     (add_unformed_module()), is not a suspect: healing releases it.
 *   - any other task: where the unwinder can be asked, its trace names every
 *     function (arch.h: not on arm64) and the task is not on
 *     a CPU, a return address in the target's text (proof that it executes
 *     the target's code: an init or exit that blocks, a thread asleep in one
 *     of the target's functions).  Otherwise, built with frame pointers
 *     (arm64), if it stayed off every CPU while its stack was copied, any
 *     word of its live stack pointing into the target's text: its return
 *     addresses are among them (frame pointers turn tail calls off), and
 *     so are the pc and lr an exception frame saved (what arm64's trace
 *     leaves out).  A pointer to the target's data alone is no execution
 *     then (a worker's last work, left in a register its sleep saved:
 *     6.12 arm64).  Without frame pointers and an unwinder to ask (x86's
 *     ORC on 6.1), a function of the target that ends in a jump to a sleep
 *     leaves no return address, so there, and for a task on a CPU, any
 *     word pointing into the target's memory counts.  Where the trace or
 *     the text rule decides, a task queued on something in the target's
 *     memory counts too: a stack word pointing there, to a list link that
 *     points back into the stack (a waiter on the target's wait queue,
 *     completion or mutex), which such a jump leaves.  A trace that fills
 *     all FR_TRACE_DEPTH frames may be cut: it proves nothing, and that
 *     task's stack words are read as where the unwinder cannot be asked.
 *
 * Words that point into the target can be stale (a rmmod of another module
 * walked the module list, a load resolved symbols of every module): such a
 * task is passing through.  So a scan that finds suspects is repeated, up to
 * FR_TASK_ROUNDS times FR_TASK_ROUND_MS apart, and only a task found in
 * every round is named.  A crashed init or exit is not a suspect: the oops
 * killed that task.  A task entering the target after the scan is not
 * covered here: the caller checks state and refcount again under
 * module_mutex (repair.c).
 *
 * Stacks are copied with copy_from_kernel_nofault() only: a task may exit
 * and free its stack while we read (put_task_stack() is not exported).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/kallsyms.h>
#include <linux/kasan.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/stacktrace.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <asm/syscall.h>

#include "force_rmmod.h"
#include "arch.h"

#define FR_TASK_ROUNDS		10
#define FR_TASK_ROUND_MS	50
#define FR_MAX_SUSPECTS		64
#define FR_TRACE_DEPTH		64

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0) && defined(CONFIG_STACKTRACE)
#define FR_HAVE_UNWINDER	1
#else
#define FR_HAVE_UNWINDER	0
#endif

/* Which module system call @nr is, given its ABI's three numbers. */
static enum fr_syscall __init fr_module_call(long nr, long init_nr,
					     long finit_nr, long delete_nr)
{
	if (nr == init_nr)
		return FR_SYS_INIT_MODULE;
	if (nr == finit_nr)
		return FR_SYS_FINIT_MODULE;
	if (nr == delete_nr)
		return FR_SYS_DELETE_MODULE;
	return FR_SYS_OTHER;
}

/*
 * The module system call @p is in: by the numbers of its ABI (arch.h tells
 * a compat task's apart).
 *
 * @p is pinned by a reference, but its stack is not (put_task_stack() is not
 * exported): a task that exits frees it, and p->stack becomes NULL.  Its
 * saved registers, at the top of the stack, are copied without faulting
 * from one reading of p->stack.
 */
enum fr_syscall __init fr_task_syscall(struct task_struct *p)
{
	unsigned long stack = (unsigned long)READ_ONCE(p->stack);
	unsigned long offset = (unsigned long)task_pt_regs(current) -
			       (unsigned long)task_stack_page(current);
	struct pt_regs regs;
	long nr;

	if ((READ_ONCE(p->flags) & (PF_KTHREAD | PF_EXITING)) || !stack ||
	    copy_from_kernel_nofault(&regs, (void *)(stack + offset), sizeof(regs)))
		return FR_SYS_OTHER;
	nr = syscall_get_nr(p, &regs);
	if (nr < 0)
		return FR_SYS_OTHER;
	if (fr_arch_compat_task(p))
		return fr_module_call(nr, FR_NR_COMPAT_INIT_MODULE,
				      FR_NR_COMPAT_FINIT_MODULE,
				      FR_NR_COMPAT_DELETE_MODULE);
	return fr_module_call(fr_arch_native_nr(nr), __NR_init_module,
			      __NR_finit_module, __NR_delete_module);
}

/* Every thread but the current one, referenced; fr_put_tasks() drops them. */
int __init fr_get_tasks(struct fr_tasks *ts)
{
	struct task_struct *g, *p;
	unsigned int tries, n;

	for (tries = 0; tries < 3; tries++) {
		n = 0;
		rcu_read_lock();
		for_each_process_thread(g, p)
			n++;
		rcu_read_unlock();
		/* Room for the threads born meanwhile. */
		ts->task = kvmalloc_array(n + 64, sizeof(*ts->task), GFP_KERNEL);
		if (!ts->task)
			return -ENOMEM;
		ts->nr = 0;
		rcu_read_lock();
		for_each_process_thread(g, p) {
			if (p == current || p->exit_state)
				continue;
			if (ts->nr == n + 64)
				break;
			get_task_struct(p);
			ts->task[ts->nr++] = p;
		}
		rcu_read_unlock();
		if (ts->nr < n + 64)
			return 0;
		fr_put_tasks(ts);
	}
	pr_err("threads are being created faster than they can be listed\n");
	return -EAGAIN;
}

void __init fr_put_tasks(struct fr_tasks *ts)
{
	unsigned int i;

	for (i = 0; i < ts->nr; i++)
		put_task_struct(ts->task[i]);
	kvfree(ts->task);
	ts->task = NULL;
	ts->nr = 0;
}

/* Whether @p may be on a CPU (always, without SMP: no on_cpu to read). */
static bool __init fr_on_cpu(const struct task_struct *p)
{
#ifdef CONFIG_SMP
	/* Acquire: once it reads 0, the switch counted before it is seen. */
	return smp_load_acquire(&p->on_cpu);
#else
	return true;
#endif
}

/* @p's live stack words into @buf, its stack's bounds into @stack_lo/hi. */
static size_t __init fr_task_stack(struct task_struct *p, unsigned long *buf,
				   unsigned long *stack_lo, unsigned long *stack_hi)
{
	unsigned long lo, hi;
	size_t n;

	*stack_lo = 0;
	*stack_hi = 0;
	lo = (unsigned long)task_stack_page(p);
	if (!lo)
		return 0;
	hi = lo + THREAD_SIZE;
	*stack_lo = lo;
	*stack_hi = hi;
	if (!fr_on_cpu(p)) {
		unsigned long sp = fr_arch_saved_sp(p);

		if (sp > lo && sp < hi)
			lo = sp & ~(sizeof(long) - 1);
	}
	n = (hi - lo) / sizeof(long);
	if (copy_from_kernel_nofault(buf, (void *)lo, n * sizeof(long)))
		return 0;	/* the stack went away: the task is gone */
	return n;
}

static bool __init fr_words_in_module(const unsigned long *words, size_t n,
				      const struct module *mod)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (within_module(fr_arch_code_word(words[i]), mod))
			return true;
	return false;
}

static bool __init fr_words_in_text(const unsigned long *words, size_t n,
				    const struct module *mod)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (fr_in_text(mod, fr_arch_code_word(words[i])))
			return true;
	return false;
}

/* One task's view: its syscall, live stack words and, if proven, its frames. */
struct fr_task_view {
	enum fr_syscall call;
	unsigned long *stack;
	size_t nr_words;
	unsigned long lo, hi;	/* where its whole stack lies */
	unsigned long trace[FR_TRACE_DEPTH];
	unsigned int nr_frames;	/* 0: no proof, read the words */
	bool waiter;		/* a loader that only waits (6.12+) */
	bool asleep;		/* off every CPU while its stack was copied */
};

#if FR_HAVE_UNWINDER
/* Is @addr in the function @fn (or a compiler clone of it, fn.xyz)? */
static bool __init fr_in_function(unsigned long addr, const char *fn)
{
	char sym[KSYM_SYMBOL_LEN];
	size_t len = strlen(fn);

	sprint_symbol(sym, addr);
	return !strncmp(sym, fn, len) && (sym[len] == '+' || sym[len] == '.');
}

static bool __init fr_trace_has(const struct fr_task_view *v, const char *fn)
{
	unsigned int i;

	for (i = 0; i < v->nr_frames; i++)
		if (fr_in_function(v->trace[i], fn))
			return true;
	return false;
}

/*
 * The kernel's unwinder on a task that is not running: its return
 * addresses, as /proc/PID/stack shows them.  Empty for a running task,
 * whose saved frames mean nothing.
 */
static void __init fr_unwind(struct task_struct *p, struct fr_task_view *v)
{
	if (fr_on_cpu(p))
		return;
	v->nr_frames = stack_trace_save_tsk(p, v->trace, FR_TRACE_DEPTH, 0);
	/* A full trace may be cut: no proof, its stack words are read. */
	if (v->nr_frames >= FR_TRACE_DEPTH)
		v->nr_frames = 0;
	if (v->call == FR_SYS_OTHER || !v->nr_frames)
		return;
	/*
	 * A loader that waits for a load of the same file (idempotent) or of
	 * the same name (add_unformed_module()) has not loaded anything yet.
	 */
	v->waiter = v->call != FR_SYS_DELETE_MODULE &&
		    (fr_trace_has(v, "add_unformed_module") ||
		     fr_trace_has(v, "module_patient_check_exists") ||
		     !(fr_trace_has(v, "load_module") ||
		       fr_trace_has(v, "do_init_module")));
}
#else
static void __init fr_unwind(struct task_struct *p, struct fr_task_view *v)
{
}
#endif

/* How often @p was switched out so far; with on_cpu, whether it ran. */
static unsigned long __init fr_switches(const struct task_struct *p)
{
	return READ_ONCE(p->nvcsw) + READ_ONCE(p->nivcsw);
}

static void __init fr_view_task(struct task_struct *p, struct fr_task_view *v)
{
	bool off = IS_ENABLED(CONFIG_FRAME_POINTER) &&
		   !IS_ENABLED(CONFIG_SHADOW_CALL_STACK) && !fr_on_cpu(p);
	unsigned long switches = fr_switches(p);

	v->call = fr_task_syscall(p);
	v->nr_frames = 0;
	v->waiter = false;
	v->nr_words = fr_task_stack(p, v->stack, &v->lo, &v->hi);
	smp_rmb();	/* the stack read before the task's state again */
	v->asleep = off && !fr_on_cpu(p) && fr_switches(p) == switches;
	fr_unwind(p, v);
}

/*
 * A loader waiting in resolve_symbol_wait() for a symbol of @mod, which is
 * not live: the name of the module it waits for is in a buffer on its
 * stack (owner[MODULE_NAME_LEN]).  Repaired, @mod would be handed to it
 * the moment it turns live.  (The unwinder cannot tell: 6.12 inlines
 * resolve_symbol_wait() into simplify_symbols().)
 */
static bool __init fr_waits_for_symbols(const struct fr_task_view *v,
					const struct module *mod)
{
	const char *bytes = (const char *)v->stack;
	size_t len = strlen(mod->name) + 1;
	size_t i, n = v->nr_words * sizeof(long);

	for (i = 0; i + len <= n; i++)
		if (!memcmp(bytes + i, mod->name, len))
			return true;
	return false;
}

/*
 * Is @v queued on something in @mod's memory: a word of its live stack
 * pointing there, to a word (a list head's next or prev) that points back
 * into its stack?  A waiter's entry on a wait queue, completion, mutex or
 * semaphore of the target is linked so.  It finds a task that a target's
 * function left by a jump, as "return wait_for_completion_killable(&x)"
 * compiles without frame pointers: no return address of the target's is
 * left, yet the task touches the target's memory when it wakes.  Only the
 * first and last waiters of a list are linked to its head, and an rtmutex
 * (PREEMPT_RT) keeps its waiters in a tree: a middle one is not seen.
 */
static bool __init fr_queued_in(const struct fr_task_view *v,
				const struct module *mod)
{
	unsigned long back;
	size_t i;
	int k;

	for (i = 0; i < v->nr_words; i++) {
		if (!IS_ALIGNED(v->stack[i], sizeof(long)) ||
		    !within_module(v->stack[i], mod))
			continue;
		for (k = 0; k < 2; k++)
			if (!get_kernel_nofault(back, (unsigned long *)v->stack[i] + k) &&
			    (unsigned long)kasan_reset_tag((void *)back) - v->lo <
			    v->hi - v->lo)
				return true;
	}
	return false;
}

/* Is @v a suspect for @mod?  See the rules at the top of this file. */
static bool __init fr_suspect(const struct fr_task_view *v,
			      const struct module *mod)
{
	if (v->call != FR_SYS_OTHER) {
		if (v->waiter)
			return false;
		if (v->call != FR_SYS_DELETE_MODULE && fr_waits_for_symbols(v, mod))
			return true;
		return fr_words_in_module(v->stack, v->nr_words, mod);
	}
	if (v->nr_frames && FR_ARCH_TRACE_COMPLETE)
		return fr_words_in_module(v->trace, v->nr_frames, mod) ||
		       fr_queued_in(v, mod);
	if (v->asleep)
		return fr_words_in_text(v->stack, v->nr_words, mod) ||
		       fr_queued_in(v, mod);
	return fr_words_in_module(v->stack, v->nr_words, mod);
}

struct fr_suspect {
	pid_t pid;
	unsigned int target;
	enum fr_syscall call;
	char comm[TASK_COMM_LEN];
	bool seen;		/* again in this round */
};

static struct fr_suspect fr_suspects[FR_MAX_SUSPECTS] __initdata;

#ifdef FR_TEST_PAUSE
static const char * __init fr_call_name(enum fr_syscall call)
{
	switch (call) {
	case FR_SYS_INIT_MODULE:
		return "init_module";
	case FR_SYS_FINIT_MODULE:
		return "finit_module";
	case FR_SYS_DELETE_MODULE:
		return "delete_module";
	default:
		return "other";
	}
}
#endif

/*
 * One round over every thread.  The first round (@first) fills
 * fr_suspects; later rounds keep only those found again.  Returns how many
 * are left, or -errno.  One loop over the threads, kept whole so that the
 * filter of each round reads in one place.
 */
static int __init fr_scan_round(struct fr_task_view *v, unsigned int *nr,
				bool first, bool own_threads, bool *overflow)
{
	struct fr_tasks ts;
	unsigned int i, j, k;
	int ret;

	ret = fr_get_tasks(&ts);
	if (ret)
		return ret;
	for (k = 0; k < *nr; k++)
		fr_suspects[k].seen = false;
	for (i = 0; i < ts.nr; i++) {
		struct task_struct *p = ts.task[i];
		pid_t pid = task_pid_nr(p);

		fr_view_task(p, v);
#ifdef FR_TEST_PAUSE
		/* Test builds: how each module system call was told apart. */
		if (first && v->call != FR_SYS_OTHER)
			pr_info("test: task %d (%s) in %s%s\n", pid, p->comm,
				fr_call_name(v->call), v->waiter ? ", waiting" : "");
#endif
		for (j = 0; j < fr_nr_rescues; j++) {
			/* Stopped as a leftover (leftovers/kthread.c). */
			if (own_threads && fr_rescues[j].stub &&
			    fr_kthread_of(p, fr_rescues[j].mod))
				continue;
			if (!fr_suspect(v, fr_rescues[j].mod))
				continue;
			for (k = 0; k < *nr; k++)
				if (fr_suspects[k].pid == pid &&
				    fr_suspects[k].target == j)
					break;
			if (k < *nr) {
				fr_suspects[k].seen = true;
				continue;
			}
			if (!first)
				continue;
			if (*nr == FR_MAX_SUSPECTS) {
				*overflow = true;
				continue;
			}
			fr_suspects[k].pid = pid;
			fr_suspects[k].target = j;
			fr_suspects[k].call = v->call;
			get_task_comm(fr_suspects[k].comm, p);
			fr_suspects[k].seen = true;
			(*nr)++;
		}
		cond_resched();
	}
	fr_put_tasks(&ts);
	/* Drop those not seen again. */
	for (j = 0, k = 0; k < *nr; k++)
		if (fr_suspects[k].seen)
			fr_suspects[j++] = fr_suspects[k];
	*nr = j;
	return j;
}

static const char * __init fr_call_doing(enum fr_syscall call)
{
	switch (call) {
	case FR_SYS_INIT_MODULE:
	case FR_SYS_FINIT_MODULE:
		return " (in a module load)";
	case FR_SYS_DELETE_MODULE:
		return " (in a module unload)";
	default:
		return "";
	}
}

/*
 * Name the tasks found in every round; -EBUSY if there are any.  With
 * @own_threads, a kernel thread of a target whose exit will not run is
 * not one: it is a leftover, stopped after the other undos.
 */
int __init fr_check_tasks(bool own_threads)
{
	struct fr_task_view *v;
	unsigned int round, k, nr = 0;
	bool overflow = false;
	int ret;

	v = kmalloc(sizeof(*v), GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	v->stack = kmalloc(THREAD_SIZE, GFP_KERNEL);
	if (!v->stack) {
		kfree(v);
		return -ENOMEM;
	}
	ret = fr_scan_round(v, &nr, true, own_threads, &overflow);
	for (round = 1; ret > 0 && round < FR_TASK_ROUNDS; round++) {
		msleep(FR_TASK_ROUND_MS);
		ret = fr_scan_round(v, &nr, false, own_threads, &overflow);
	}
	kfree(v->stack);
	kfree(v);
	if (ret < 0)
		return ret;
	for (k = 0; k < nr; k++)
		pr_err("%s: " FR_LOG_TASK "%d (%s) may be executing its code%s\n",
		       fr_rescues[fr_suspects[k].target].name, fr_suspects[k].pid,
		       fr_suspects[k].comm, fr_call_doing(fr_suspects[k].call));
	/* Those not listed were never looked at again: still suspects. */
	if (overflow)
		pr_err("more than %d tasks may be executing the targets' code, not all named\n",
		       FR_MAX_SUSPECTS);
	return nr || overflow ? -EBUSY : 0;
}
