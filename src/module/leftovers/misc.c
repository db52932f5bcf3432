// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover misc devices (drivers/char/misc.c): devices on misc_list, under
 * misc_mtx, whose miscdevice or fops lie in the target.  One open in any
 * task is refused: misc_deregister() would leave the file with freed
 * operations.  The undo, misc_deregister(), may wait for an open that came
 * in meanwhile: it runs bounded (core.c's fr_call_bounded()).
 */
#include <linux/fdtable.h>
#include <linux/fs.h>
#include <linux/major.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/sched/task.h>

#include "leftovers.h"

static const char fr_sym_misc[] __initconst = "misc_list";
static const char fr_sym_misc_mtx[] __initconst = "misc_mtx";

static struct list_head *fr_misc_list __initdata;
static struct mutex *fr_misc_mtx __initdata;

static void __init fr_lookup_misc(void)
{
	fr_misc_list = fr_lookup(FR_LAYOUT_MISC, fr_sym_misc, sizeof(*fr_misc_list));
	fr_misc_mtx = fr_lookup(FR_LAYOUT_MISC, fr_sym_misc_mtx, sizeof(*fr_misc_mtx));
}

struct fr_open_scan {
	dev_t rdev;
	bool open;
};

/* Called by iterate_fd() under the task's file_lock: must not sleep. */
static int __init fr_is_node(const void *arg, struct file *file, unsigned int fd)
{
	struct fr_open_scan *scan = (struct fr_open_scan *)arg;
	struct inode *inode = file_inode(file);

	if (S_ISCHR(inode->i_mode) && inode->i_rdev == scan->rdev) {
		scan->open = true;
		return 1;
	}
	return 0;
}

/*
 * Does any task have character device @rdev open?  Every file table, one
 * thread held at a time (users.c's walk), rescheduling between threads.
 */
static bool __init fr_node_open(dev_t rdev)
{
	struct fr_open_scan scan = { .rdev = rdev };
	struct task_struct *p;
	int nr = 1;

	while (!scan.open && (p = fr_next_thread(&nr))) {
		task_lock(p);
		if (p->files)
			iterate_fd(p->files, 0, fr_is_node, &scan);
		task_unlock(p);
		put_task_struct(p);
		cond_resched();
	}
	return scan.open;
}

static int __init fr_find_misc(void)
{
	struct miscdevice *misc;
	struct fr_leftover *lo;

	if (!fr_misc_list || !fr_misc_mtx)
		return fr_missing(FR_LAYOUT_MISC);
	if (!fr_mutex_trylock(fr_misc_mtx))
		return -EBUSY;
	list_for_each_entry(misc, fr_misc_list, list) {
		if (!fr_in_target(misc) && !fr_in_target(misc->fops))
			continue;
		lo = fr_lo_add(&fr_lo_misc, misc);
		if (!lo)
			break;
		lo->size = sizeof(*misc);
		strscpy(lo->name, misc->name ? misc->name : "?", sizeof(lo->name));
	}
	mutex_unlock(fr_misc_mtx);

	/* misc_deregister() leaves an open file with freed operations. */
	for (lo = fr_los; lo < fr_los + fr_nr_los; lo++) {
		misc = lo->obj;
		if (lo->t == fr_lo_target && lo->kind == &fr_lo_misc &&
		    fr_node_open(MKDEV(MISC_MAJOR, misc->minor)))
			lo->refuse = FR_OPEN;
	}
	return 0;
}

static void fr_call_misc_deregister(void *misc)
{
	misc_deregister(misc);
}

/*
 * Still listed, and still the target's: a driver's remove, undone before,
 * may have deregistered it and freed it, and another driver may have
 * registered one at the same address since.  Caller holds misc_mtx.
 */
static bool __init fr_misc_listed(const struct miscdevice *obj)
{
	const struct miscdevice *misc;

	list_for_each_entry(misc, fr_misc_list, list)
		if (misc == obj)
			return fr_in_target(misc) || fr_in_target(misc->fops);
	return false;
}

static enum fr_why __init fr_undo_misc(struct fr_leftover *lo)
{
	struct miscdevice *misc = lo->obj;
	bool listed;

	if (!fr_mutex_trylock(fr_misc_mtx))
		return FR_LOCKED;
	listed = fr_misc_listed(misc);
	mutex_unlock(fr_misc_mtx);
	if (!listed)
		return FR_GONE;
	if (fr_node_open(MKDEV(MISC_MAJOR, misc->minor)))
		return FR_OPEN;
	fr_test_pause_undo("misc_deregister");
	return fr_call_bounded(fr_call_misc_deregister, misc);
}

const struct fr_lo_kind fr_lo_misc __initconst = {
	.name = FR_LO_KIND_MISC,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_MISC,
	.lookup = fr_lookup_misc,
	.find = fr_find_misc,
	.undo = fr_undo_misc,
};
