// SPDX-License-Identifier: GPL-2.0
/*
 * Real users of a target: a reset refcount betrays them, so a rescue refuses
 * (unless users=ignore) and check=1 reports them.  Seen from here exactly:
 *   - superblocks of a filesystem type the module registered (mounts),
 *   - open files whose file_operations the module owns (its device nodes),
 *     and open files on its filesystems,
 *   - sockets whose proto_ops or proto the module owns.
 * Not covered: mappings whose file descriptor was closed, in-kernel users
 * that hold no file (a reference taken by another subsystem).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dcache.h>
#include <linux/fdtable.h>
#include <linux/fs.h>
#include <linux/net.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/spinlock.h>
#include <net/sock.h>

#include "force_rmmod.h"

#define FR_MAX_FS		8
#define FR_MAX_USER_LINES	16

struct fr_user_scan {
	const struct module *mod;
	const char *name;
	struct task_struct *task;
	unsigned int *users;
};

static char fr_path_buf[256] __initdata;

static void __init fr_count_sb(struct super_block *sb, void *arg)
{
	(*(unsigned int *)arg)++;
}

static unsigned int __init fr_report_mounts(const struct fr_rescue *t)
{
	struct file_system_type *owned[FR_MAX_FS];
	unsigned int sbs, users = 0;
	int i, n;

	n = fr_fs_owned(t->mod, owned, FR_MAX_FS);
	if (n < 0) {
		pr_warn("%s: " FR_LOG_USER "unknown (filesystem list %s)\n",
			t->name, n == -ERANGE ? "not trusted here" : "not found");
		return 1;
	}

	/* The types live in the target, which cannot go while we hold it. */
	for (i = 0; i < n; i++) {
		sbs = 0;
		iterate_supers_type(owned[i], fr_count_sb, &sbs);
		if (!sbs)
			continue;
		pr_info("%s: " FR_LOG_USER "%u mounted filesystem(s) of type %s\n",
			t->name, sbs, owned[i]->name);
		users += sbs;
	}
	return users;
}

/* Called by iterate_fd() under the task's file_lock: must not sleep. */
static int __init fr_file_user(const void *arg, struct file *file,
			       unsigned int fd)
{
	const struct fr_user_scan *scan = arg;
	const struct module *mod = scan->mod;
	struct socket *sock = sock_from_file(file);
	const char *what = NULL;
	char *path;

	if (file->f_op && file->f_op->owner == mod)
		what = "open file";
	else if (file_inode(file)->i_sb->s_type->owner == mod)
		what = "open file on its filesystem";
	else if (sock && ((sock->ops && sock->ops->owner == mod) ||
			  (sock->sk && sock->sk->sk_prot_creator &&
			   sock->sk->sk_prot_creator->owner == mod)))
		what = "socket";
	if (!what)
		return 0;
	if (++*scan->users > FR_MAX_USER_LINES)
		return 0;
	path = d_path(&file->f_path, fr_path_buf, sizeof(fr_path_buf));
	pr_info("%s: " FR_LOG_USER "%s %s (pid %d, %s, fd %u)\n", scan->name, what,
		IS_ERR(path) ? "?" : path, task_pid_nr(scan->task),
		scan->task->comm, fd);
	return 0;
}

static unsigned int __init fr_report_files(const struct fr_rescue *t)
{
	unsigned int users = 0;
	struct fr_user_scan scan = {
		.mod = t->mod, .name = t->name, .users = &users,
	};
	struct task_struct *p;

	rcu_read_lock();
	for_each_process(p) {
		task_lock(p);
		if (p->files) {
			scan.task = p;
			iterate_fd(p->files, 0, fr_file_user, &scan);
		}
		task_unlock(p);
	}
	rcu_read_unlock();
	return users;
}

/*
 * Log the real users of @t; returns how many.  Takes sb_lock, s_umount and
 * task locks: caller must not hold module_mutex.
 */
unsigned int __init fr_report_users(const struct fr_rescue *t)
{
	return fr_report_mounts(t) + fr_report_files(t);
}

/*
 * Every user found holds a reference: resetting the count would let rmmod
 * free code and data they still use.  Refuse (users=refuse).
 */
int __init fr_refuse_users(void)
{
	unsigned int i, users;
	int ret = 0;

	for (i = 0; i < fr_nr_rescues; i++) {
		users = fr_report_users(&fr_rescues[i]);
		if (!users)
			continue;
		pr_err("%s: " FR_LOG_USERS "%u real user(s), refusing (users=ignore forces)\n",
		       fr_rescues[i].name, users);
		ret = -EBUSY;
	}
	return ret;
}
