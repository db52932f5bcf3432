// SPDX-License-Identifier: GPL-2.0
/*
 * Real users of a target: a reset refcount betrays them, so a rescue refuses
 * (unless users=ignore) and check=1 reports them.  Seen from here exactly:
 *   - superblocks of a filesystem type the module registered (mounts), also
 *     one whose fill_super never finished (never born),
 *   - open files whose file_operations the module owns (its device nodes,
 *     its debugfs files), and open files on its filesystems, in every
 *     thread's file table,
 *   - sockets whose proto_ops or proto the module owns, TCP sockets using
 *     its congestion control, and network namespaces with it as default,
 *   - transforms and instances using its crypto algorithms,
 *   - what is left, when it lends a table of operations (ops.c),
 *   - its open block devices and its ttys in use (devices.c).
 * Not covered: mappings whose file descriptor was closed, in-kernel users
 * that hold no file (a reference taken by another subsystem).
 *
 * Each user holds references, and the account logged per target says how
 * many of module_refcount() they explain: one per superblock, per struct
 * file whose file_operations it owns and one more if its char device's cdev
 * is the module's (shared descriptors count once), per proto_ops and
 * per struct proto of a socket and its TCP congestion control (three at
 * most), per namespace's default congestion control, per use of a crypto
 * algorithm, per block device open, per tty,
 * one per module using its symbols, and the loader's own while it is COMING.
 * What is left is unexplained: a leaked reference, or a user we cannot see.
 *
 * Nothing here waits on a lock that a crashed task may hold: superblocks are
 * read under sb_lock (a spinlock never held across a filesystem's code), not
 * through iterate_supers_type(), which waits on each one's s_umount, and for
 * a superblock whose fill_super crashed, forever.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cdev.h>
#include <linux/crypto.h>
#include <linux/dcache.h>
#include <linux/delay.h>
#include <linux/fdtable.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/magic.h>
#include <linux/net.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <net/inet_connection_sock.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "force_rmmod.h"

#define FR_MAX_SEEN		512	/* struct files told apart per target */

static char fr_path_buf[256] __initdata;

/* fs/super.c: guards every type's list of superblocks (fs_supers). */
static spinlock_t *fr_sb_lock __initdata;

void __init fr_user_line(const struct fr_rescue *t, struct fr_users *u,
			 const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	if (u->lines++ >= FR_MAX_USER_LINES)
		return;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_info("%s: " FR_LOG_USER "%pV", t->name, &vaf);
	va_end(args);
}

/*
 * Superblocks of @fs, and how many of them were never born, or -EBUSY:
 * sget_fc() runs a filesystem's own test() and set() under sb_lock, so a
 * crash there leaves it held; it is tried for FR_SB_LOCK_MS, never waited on.
 */
#define FR_SB_LOCK_MS	100

static int __init fr_count_supers(struct file_system_type *fs,
				  unsigned int *unborn)
{
	struct super_block *sb;
	unsigned int ms;
	int n = 0;

	for (ms = 0; !spin_trylock(fr_sb_lock); ms++) {
		if (ms == FR_SB_LOCK_MS)
			return -EBUSY;
		usleep_range(1000, 1100);
	}
	hlist_for_each_entry(sb, &fs->fs_supers, s_instances) {
		n++;
		if (!(READ_ONCE(sb->s_flags) & SB_BORN))
			(*unborn)++;
	}
	spin_unlock(fr_sb_lock);
	return n;
}

static void __init fr_report_mounts(const struct fr_rescue *t,
				    struct fr_users *u)
{
	struct file_system_type *owned[FR_MAX_FS];
	unsigned int unborn;
	int i, n, sbs;

	n = fr_fs_owned(t->mod, owned, FR_MAX_FS);
	if (n < 0) {
		pr_warn("%s: " FR_LOG_USER "unknown (filesystem list %s)\n",
			t->name, n == -ERANGE ? "not trusted here" :
			n == -EBUSY ? "locked" : "not found");
		u->users++;
		return;
	}
	if (n > FR_MAX_FS) {
		pr_err("%s: " FR_LOG_USER "unknown (%d filesystem types, %d not checked)\n",
		       t->name, n, n - FR_MAX_FS);
		u->users++;
		n = FR_MAX_FS;
	}
	if (n && !fr_sb_lock) {
		pr_warn("%s: " FR_LOG_USER "unknown (sb_lock not found)\n",
			t->name);
		u->users++;
		return;
	}

	/* The types live in the target, which cannot go while we hold it. */
	for (i = 0; i < n; i++) {
		unborn = 0;
		sbs = fr_count_supers(owned[i], &unborn);
		if (sbs < 0) {
			pr_err("%s: " FR_LOG_USER "unknown (sb_lock held for %d ms)\n",
			       t->name, FR_SB_LOCK_MS);
			u->users++;
			return;
		}
		if (!sbs)
			continue;
		u->users += sbs;
		u->mounts += sbs;
		if (sbs > (int)unborn)
			fr_user_line(t, u, "%u mounted filesystem(s) of type %s\n",
				     sbs - unborn, owned[i]->name);
		if (unborn)
			fr_user_line(t, u, "%u unfinished mount(s) of type %s (never set up)\n",
				     unborn, owned[i]->name);
	}
}

struct fr_file_scan {
	const struct fr_rescue *t;
	struct fr_users *u;
	struct task_struct *task;
	struct file **seen;	/* files counted already */
	unsigned int nr_seen;
	bool seen_full;
};

/* Has @file been counted?  If not, remember it.  Never sleeps. */
static bool __init fr_file_seen(struct fr_file_scan *scan, struct file *file)
{
	unsigned int i;

	for (i = 0; i < scan->nr_seen; i++)
		if (scan->seen[i] == file)
			return true;
	if (scan->nr_seen < FR_MAX_SEEN)
		scan->seen[scan->nr_seen++] = file;
	else
		scan->seen_full = true;
	return false;
}

/*
 * A TCP socket holds its congestion control's module from
 * tcp_assign_congestion_control() or tcp_set_congestion_control() until it
 * is destroyed.  Read without the socket's lock: a pointer, compared only.
 */
static int __init fr_tcp_ca_owned(struct sock *sk, const struct module *mod)
{
	const struct tcp_congestion_ops *ca;

	if (!sk || sk->sk_protocol != IPPROTO_TCP || sk->sk_type != SOCK_STREAM ||
	    (sk->sk_family != AF_INET && sk->sk_family != AF_INET6))
		return 0;
	ca = READ_ONCE(inet_csk(sk)->icsk_ca_ops);
	return ca && ca->owner == mod;
}

/* Does @p lie in any target? */
static bool __init fr_in_targets(const void *p)
{
	unsigned int i;

	for (i = 0; p && i < fr_nr_rescues; i++)
		if (within_module((unsigned long)p, fr_rescues[i].mod))
			return true;
	return false;
}

/*
 * A debugfs file opened through debugfs's proxy holds the module of its
 * real file_operations (full_proxy_open(): fops_get()), and its release
 * calls them (full_proxy_release()).  Once it has been opened, its dentry's
 * d_fsdata is a struct debugfs_fsdata (fs/debugfs/internal.h, private),
 * whose first field is the real file_operations (NULL for short ones,
 * which hold nothing), the same from 6.1 to 7.1.  Before the first open it
 * is NULL, or on 6.1 to 6.12 the real file_operations with bit 0 set: no
 * proxy holds them then.  The open file pins the dentry and its fsdata.  Is
 * @file such a file of @mod's?
 */
static int __init fr_debugfs_owned(const struct file *file,
				   const struct module *mod)
{
	unsigned long fsd = (unsigned long)READ_ONCE(file->f_path.dentry->d_fsdata);
	const struct inode *inode = file_inode(file);
	const struct file_operations *real;

	if (inode->i_sb->s_magic != DEBUGFS_MAGIC || !S_ISREG(inode->i_mode) ||
	    !fsd || fsd & 1UL ||
	    copy_from_kernel_nofault(&real, (void *)fsd, sizeof(real)))
		return 0;
	return real && within_module((unsigned long)real, (struct module *)mod);
}

/* Called by iterate_fd() under the task's file_lock: must not sleep. */
static int __init fr_file_user(const void *arg, struct file *file,
			       unsigned int fd)
{
	struct fr_file_scan *scan = (struct fr_file_scan *)arg;
	const struct module *mod = scan->t->mod;
	struct socket *sock = sock_from_file(file);
	const struct dentry_operations *d_op;
	struct inode *inode = file_inode(file);
	struct fr_users *u = scan->u;
	const char *what = NULL;
	int files = 0, sockets = 0;
	char *path;

	/* A char device's file holds its cdev's owner too (chrdev_open()). */
	files = (file->f_op && file->f_op->owner == mod) +
		(S_ISCHR(inode->i_mode) && inode->i_cdev &&
		 inode->i_cdev->owner == mod);
	if (!files)
		files = fr_debugfs_owned(file, mod);
	if (files) {
		what = "open file";
	} else if (inode->i_sb->s_type->owner == mod) {
		what = "open file on its filesystem";	/* its mount holds it */
	} else if (sock) {
		sockets = (sock->ops && sock->ops->owner == mod) +
			  (sock->sk && sock->sk->sk_prot_creator &&
			   sock->sk->sk_prot_creator->owner == mod) +
			  fr_tcp_ca_owned(sock->sk, mod);
		if (sockets)
			what = "socket";
	}
	if (!what || fr_file_seen(scan, file))
		return 0;
	u->users++;
	u->files += files;
	u->sockets += sockets;
	if (u->lines >= FR_MAX_USER_LINES) {
		u->lines++;
		return 0;
	}
	/* d_path() would call a target's own d_dname here, under file_lock. */
	d_op = READ_ONCE(file->f_path.dentry->d_op);
	if (d_op && fr_in_targets(d_op->d_dname))
		path = "(named by its own d_dname, not called)";
	else
		path = d_path(&file->f_path, fr_path_buf, sizeof(fr_path_buf));
	fr_user_line(scan->t, u, "%s %s (pid %d, %s, fd %u)\n", what,
		     IS_ERR(path) ? "?" : path, task_pid_nr(scan->task),
		     scan->task->comm, fd);
	return 0;
}

/*
 * The next thread from PID @*nr on, held; NULL at the end.  A thread that
 * shares its leader's file table is skipped: the leader's walk covers it.
 */
struct task_struct * __init fr_next_thread(int *nr)
{
	struct task_struct *p = NULL;
	struct pid *pid;

	rcu_read_lock();
	while (!p && (pid = find_ge_pid(*nr, &init_pid_ns))) {
		*nr = pid_nr(pid) + 1;
		p = pid_task(pid, PIDTYPE_PID);
		if (p && !thread_group_leader(p) &&
		    READ_ONCE(p->files) == READ_ONCE(p->group_leader->files))
			p = NULL;
	}
	if (p)
		get_task_struct(p);
	rcu_read_unlock();
	return p;
}

/*
 * Open files, in every thread's file table (a thread may have its own,
 * unshare(CLONE_FILES)).  Threads are visited by PID, one held at a time, so
 * that the walk can reschedule.
 */
static void __init fr_report_files(const struct fr_rescue *t,
				   struct fr_users *u)
{
	struct fr_file_scan scan = { .t = t, .u = u };
	struct task_struct *p;
	int nr = 1;

	scan.seen = kmalloc_array(FR_MAX_SEEN, sizeof(*scan.seen), GFP_KERNEL);
	if (!scan.seen) {
		fr_user_line(t, u, "unknown (open files not checked)\n");
		u->users++;
		return;
	}
	while ((p = fr_next_thread(&nr))) {
		task_lock(p);
		if (p->files) {
			scan.task = p;
			iterate_fd(p->files, 0, fr_file_user, &scan);
		}
		task_unlock(p);
		put_task_struct(p);
		cond_resched();
	}
	if (scan.seen_full)
		pr_warn("%s: more than %d files: one shared by several descriptors may count more than once\n",
			t->name, FR_MAX_SEEN);
	kfree(scan.seen);
}

static void __init fr_find_user_data(void)
{
	if (!fr_sb_lock)
		fr_sb_lock = fr_lookup_data("sb_lock", sizeof(*fr_sb_lock));
	fr_find_device_data();
}

/*
 * How many of @t's references its users explain, unless it has neither
 * references nor users; what is left are users of a table of operations it
 * lends, if it has one (ops.c).  Takes module_mutex for the holders: caller
 * must not hold it.
 */
static void __init fr_report_refs(const struct fr_rescue *t,
				  struct fr_users *u)
{
	struct module *mod = t->mod;
	int refs, holders, loader, explained;

	fr_lock_modules();
	refs = module_refcount(mod);
	holders = fr_nr_holders(mod);
	/* A module's loader holds one reference while init runs. */
	loader = READ_ONCE(mod->state) == MODULE_STATE_COMING;
	fr_unlock_modules();

	if (!refs && !u->users)
		return;		/* nothing to account for */
	explained = max(holders, 0) + u->files + u->mounts + u->sockets +
		    u->blockdevs + u->ttys + u->crypto + loader;
	explained += fr_report_ops(t, u, refs - explained);
	if (u->lines > FR_MAX_USER_LINES)
		pr_info("%s: " FR_LOG_USER "%u more not listed\n", t->name,
			u->lines - FR_MAX_USER_LINES);
	pr_info("%s: " FR_REFS_FMT "\n", t->name, refs, holders, u->files,
		u->mounts, u->sockets, u->blockdevs, u->ttys, u->crypto, u->ops,
		loader, refs > explained ? refs - explained : 0);
}

/*
 * A network namespace's default TCP congestion control holds its module
 * (tcp_set_default_congestion_control()), as every socket made meanwhile.
 */
static void __init fr_report_tcp_default(const struct fr_rescue *t,
					 struct fr_users *u)
{
	const struct tcp_congestion_ops *ca;
	unsigned int nets = 0;
	struct net *net;

	rcu_read_lock();
	for_each_net_rcu(net) {
		ca = rcu_dereference(net->ipv4.tcp_congestion_control);
		nets += ca && ca->owner == t->mod;
	}
	rcu_read_unlock();
	if (!nets)
		return;
	u->users++;
	u->sockets += nets;
	fr_user_line(t, u, "default TCP congestion control of %u network namespace(s)\n",
		     nets);
}

/*
 * Uses of the target's crypto algorithms: a transform (an AF_ALG socket, a
 * dm-crypt table, an IPsec state), a template instance built on one, or a
 * self-test in progress each hold the algorithm (cra_refcnt) and its module
 * (crypto_mod_get()); the registration holds the algorithm once more.  The
 * exit's crypto_unregister_alg() leaves an algorithm in use registered with
 * a warning, and its users then call freed code.  crypto_alg_sem is tried
 * for FR_SB_LOCK_MS, never waited on.
 */
static void __init fr_report_crypto(const struct fr_rescue *t,
				    struct fr_users *u)
{
	struct crypto_alg *alg;
	unsigned int ms;
	int uses;

	for (ms = 0; !down_read_trylock(&crypto_alg_sem); ms++) {
		if (ms == FR_SB_LOCK_MS) {
			pr_err("%s: " FR_LOG_USER "unknown (crypto_alg_sem held for %d ms)\n",
			       t->name, FR_SB_LOCK_MS);
			u->users++;
			return;
		}
		usleep_range(1000, 1100);
	}
	list_for_each_entry(alg, &crypto_alg_list, cra_list) {
		if (alg->cra_module != t->mod || alg->cra_flags & CRYPTO_ALG_LARVAL)
			continue;
		uses = refcount_read(&alg->cra_refcnt) - 1;
		if (uses <= 0)
			continue;
		u->users++;
		u->crypto += uses;
		fr_user_line(t, u, "crypto algorithm %s (%s) used (%d)\n",
			     alg->cra_driver_name, alg->cra_name, uses);
	}
	up_read(&crypto_alg_sem);
}

/*
 * Log the real users of @t and the account of its references; returns how
 * many users.  Takes sb_lock, task and file locks, tty_mutex (tried only)
 * and module_mutex, and sleeps: caller must hold no lock.
 */
unsigned int __init fr_report_users(const struct fr_rescue *t)
{
	struct fr_users u = { };

	fr_find_user_data();
	fr_report_mounts(t, &u);
	fr_report_files(t, &u);
	fr_report_tcp_default(t, &u);
	fr_report_crypto(t, &u);
	fr_report_blockdevs(t, &u);
	fr_report_ttys(t, &u);
	fr_report_refs(t, &u);
	return u.users;
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
