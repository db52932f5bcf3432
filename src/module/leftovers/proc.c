// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover /proc entries (fs/proc/): entries of /proc and /proc/net
 * (init_net) whose operations, show function, write function or data lie
 * in the target; a directory with its whole subtree.  One permanent, open
 * or in use, or a directory holding others' entries, is refused.
 *
 * A directory the target made (proc_mkdir()) has nothing of the target in
 * it until it holds the target's entries: ext4's /proc/fs/ext4 holds them
 * only while mounted, and left, it makes the fixed module's proc_mkdir()
 * warn.  One is found by its address, kept in the target's data, when it
 * is named as the target and its path under /proc is a whole string of the
 * target's, the one it was made with ("fs/ext4"; jbd2's "fs/jbd2").  Its
 * maker keeps its address: one that the kernel's data or another module's
 * also holds is refused ("not made by it").  The
 * undo, proc_remove(), waits for the entry's readers: it runs bounded
 * (core.c's fr_call_bounded()).
 *
 * struct proc_dir_entry is private.  Its layout up to the last field read
 * here, as fs/proc/internal.h has it, was checked on 6.1 and 6.12
 * (FR_PDE_DOPS), and on 7.2 and 7.3, where proc_dops is gone.  On other
 * releases, and with CONFIG_RANDSTRUCT (struct proc_dir_entry is
 * __randomize_layout), /proc cannot be read: a target whose exit will not
 * run is refused ("proc ? -> refuse (not checked)").  The copy is trusted
 * only after it reads /proc's root and /proc/net back correctly.  The
 * tree, an rbtree of children per directory, is guarded by
 * proc_subdir_lock.
 */
#include <linux/proc_fs.h>
#include <linux/rbtree.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <net/net_namespace.h>

#include "leftovers.h"

#define FR_PROC_DEPTH		16

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 0) && \
	LINUX_VERSION_CODE < KERNEL_VERSION(6, 13, 0) && !defined(CONFIG_RANDSTRUCT)
#define FR_PDE_CHECKED
#define FR_PDE_DOPS
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(7, 2, 0) && \
	LINUX_VERSION_CODE < KERNEL_VERSION(7, 4, 0) && !defined(CONFIG_RANDSTRUCT)
#define FR_PDE_CHECKED
#endif

#ifdef FR_PDE_CHECKED
struct fr_pde {
	atomic_t in_use;
	refcount_t refcnt;
	struct list_head pde_openers;
	spinlock_t pde_unload_lock;	/* guards pde_openers */
	struct completion *pde_unload_completion;
	const struct inode_operations *proc_iops;
	const void *proc_ops;		/* or proc_dir_ops */
#ifdef FR_PDE_DOPS
	const struct dentry_operations *proc_dops;
#endif
	const void *seq_ops;		/* or single_show */
	proc_write_t write;
	void *data;
	unsigned int state_size;
	unsigned int low_ino;
	nlink_t nlink;
	kuid_t uid;
	kgid_t gid;
	loff_t size;
	struct fr_pde *parent;
	struct rb_root subdir;
	struct rb_node subdir_node;
	char *name;
	umode_t mode;
	u8 flags;
	u8 namelen;
};

#define FR_PROC_ROOT_INO	1

static const char fr_sym_proc_root[] __initconst = "proc_root";
static const char fr_sym_proc_lock[] __initconst = "proc_subdir_lock";
static const char fr_why_proc_root[] __initconst = "proc_root as checked";

static struct fr_pde *fr_proc_root __initdata;	/* once it reads back */
static rwlock_t *fr_proc_lock __initdata;	/* proc_subdir_lock */

/* Does @pde read as an entry named @name whose parent is @parent? */
static bool __init fr_pde_is(struct fr_pde *pde, const char *name,
			     struct fr_pde *parent)
{
	char buf[8] = "";
	struct fr_pde copy;

	if (copy_from_kernel_nofault(&copy, pde, sizeof(copy)) ||
	    copy.namelen != strlen(name) || copy.namelen >= sizeof(buf) ||
	    copy_from_kernel_nofault(buf, copy.name, copy.namelen))
		return false;
	return !memcmp(buf, name, copy.namelen) && copy.parent == parent;
}

/* Look up proc_root and check that the layout reads it and /proc/net. */
static void __init fr_find_proc_root(void)
{
	struct fr_pde *root = fr_lookup(FR_LAYOUT_PROC, fr_sym_proc_root,
					sizeof(*root));
	struct fr_pde *net = (struct fr_pde *)init_net.proc_net;

	fr_proc_lock = fr_lookup(FR_LAYOUT_PROC, fr_sym_proc_lock,
				 sizeof(*fr_proc_lock));
	if (!root || !fr_proc_lock)
		return;
	/* proc_root (fs/proc/root.c) and init_net's (fs/proc/proc_net.c). */
	if (!fr_pde_is(root, "/proc", root) || !S_ISDIR(root->mode) ||
	    root->low_ino != FR_PROC_ROOT_INO ||
	    (net && (!fr_pde_is(net, "net", root) || net->data != &init_net))) {
		fr_not_looked_at(fr_why_proc_root);
		fr_distrust(FR_LAYOUT_PROC);
		return;
	}
	fr_proc_root = root;
}

static bool __init fr_pde_busy(struct fr_pde *pde)
{
	return atomic_read(&pde->in_use) ||
	       READ_ONCE(pde->pde_openers.next) != &pde->pde_openers;
}

static bool __init fr_pde_owned(struct fr_pde *pde)
{
	return fr_in_target(pde->proc_ops) || fr_in_target(pde->proc_iops) ||
	       fr_in_target(pde->seq_ops) || fr_in_target(pde->write) ||
	       fr_in_target(pde->data);
}

/* "/proc/a/b" from the names up to proc_root.  Caller holds the lock. */
static void __init fr_pde_path(struct fr_pde *pde, char *buf, size_t size)
{
	struct fr_pde *chain[FR_PROC_DEPTH];
	unsigned int n = 0;
	ssize_t used, len;

	while (pde != fr_proc_root && n < FR_PROC_DEPTH) {
		chain[n++] = pde;
		pde = pde->parent;
	}
	used = strscpy(buf, "/proc", size);
	while (n-- && used + 1 < size) {
		buf[used++] = '/';
		len = strscpy(buf + used, chain[n]->name, size - used);
		if (len < 0)
			return;
		used += len;
	}
}

/* A directory named as the target, its address kept in the target's data. */
static bool __init fr_pde_made(struct fr_pde *pde)
{
	const char *name = fr_lo_target->name;
	char path[64];

	if (!S_ISDIR(pde->mode) || pde->namelen != strlen(name) ||
	    memcmp(pde->name, name, pde->namelen))
		return false;
	fr_pde_path(pde, path, sizeof(path));
	if (strncmp(path, "/proc/", 6) || !fr_lo_names(path + 6))
		return false;
	return fr_data_holds((unsigned long)pde);
}

/* An entry whose things lie in the target, not under one already listed. */
static struct fr_leftover * __init fr_proc_found(struct fr_pde *pde)
{
	struct fr_leftover *lo = fr_lo_add(&fr_lo_proc, pde);

	if (!lo)
		return NULL;
	fr_pde_path(pde, lo->name, sizeof(lo->name));
	/* Linked, so at least one reference: it stays until fr_put_proc(). */
	lo->held = refcount_inc_not_zero(&pde->refcnt);
	if (pde->flags & PROC_ENTRY_PERMANENT)
		lo->refuse = FR_PERMANENT;
	else if (fr_pde_busy(pde))
		lo->refuse = FR_OPEN;
	return lo;
}

/*
 * Walk the subtree of directory @top, depth first.  A leftover directory is
 * removed with its subtree, so what lies below it is not listed again; but
 * if it holds an entry that is not the target's, or one in use or open, it
 * is refused.  Caller holds proc_subdir_lock for reading.
 */
static void __init fr_walk_proc(struct fr_pde *top)
{
	struct fr_leftover *owners[FR_PROC_DEPTH] = { NULL };
	struct rb_node *node = rb_first(&top->subdir);
	unsigned int depth = 0;
	struct fr_pde *pde;

	while (node) {
		struct fr_leftover *above = depth ? owners[depth - 1] : NULL;

		pde = rb_entry(node, struct fr_pde, subdir_node);
		owners[depth] = above;
		if (!above && fr_pde_owned(pde)) {
			owners[depth] = fr_proc_found(pde);
		} else if (!above && fr_pde_made(pde)) {
			owners[depth] = fr_proc_found(pde);
			if (owners[depth])	/* made, not owned */
				owners[depth]->link = (unsigned long)pde;
		} else if (above && !fr_pde_owned(pde) && !S_ISDIR(pde->mode)) {
			above->refuse = FR_OTHERS;
		} else if (above && fr_pde_busy(pde)) {
			above->refuse = FR_BUSY;
		}
		/* Down into a directory, else on to the next sibling or up. */
		if (!RB_EMPTY_ROOT(&pde->subdir) && depth + 1 < FR_PROC_DEPTH) {
			depth++;
			node = rb_first(&pde->subdir);
			continue;
		}
		while (!(node = rb_next(node)) && depth) {
			depth--;
			pde = pde->parent;
			node = &pde->subdir_node;
		}
	}
}

static int __init fr_find_proc(void)
{
	struct fr_leftover *lo, *first = fr_los + fr_nr_los;
	unsigned int n;

	if (!fr_proc_root)
		return fr_missing(FR_LAYOUT_PROC);
	for (n = 0; n < FR_TRIES; n++, fr_pause()) {
		if (read_trylock(fr_proc_lock)) {
			fr_walk_proc(fr_proc_root);
			if (init_net.proc_net)
				fr_walk_proc((struct fr_pde *)init_net.proc_net);
			read_unlock(fr_proc_lock);
			/* A directory found by its address: kept by none but it. */
			for (lo = first; lo < fr_los + fr_nr_los; lo++)
				if (lo->link && !lo->refuse &&
				    fr_static_holds(lo->link, fr_lo_target->mod))
					lo->refuse = FR_NOT_ITS_OWN;
			return 0;
		}
	}
	return -EBUSY;
}

/*
 * Is the subtree of @top, a leftover of fr_lo_target's, still as found: no
 * entry permanent, in use or open, and every one but directories the
 * target's?  Caller holds proc_subdir_lock for reading.
 */
static enum fr_why __init fr_proc_subtree(struct fr_pde *top)
{
	struct rb_node *node = &top->subdir_node;
	struct fr_pde *pde = top;
	unsigned int depth = 0;

	for (;;) {
		if (pde->flags & PROC_ENTRY_PERMANENT)
			return FR_PERMANENT;
		if (fr_pde_busy(pde))
			return pde == top ? FR_OPEN : FR_BUSY;
		if (pde != top && !fr_pde_owned(pde) && !S_ISDIR(pde->mode))
			return FR_OTHERS;
		if (!RB_EMPTY_ROOT(&pde->subdir) && depth + 1 < FR_PROC_DEPTH) {
			depth++;
			node = rb_first(&pde->subdir);
		} else {
			while (depth && !(node = rb_next(node))) {
				depth--;
				pde = pde->parent;
				node = &pde->subdir_node;
			}
			if (!depth)
				return FR_OK;
		}
		pde = rb_entry(node, struct fr_pde, subdir_node);
	}
}

/*
 * Drop the reference fr_proc_found() took.  Only while the entry is linked,
 * which holds one too: dropping the last one would need pde_put(), which is
 * private.  An entry removed meanwhile (or a lock not had) keeps it: one
 * proc_dir_entry leaked, nothing freed under anyone.
 */
static void __init fr_put_proc(struct fr_leftover *lo)
{
	struct fr_pde *pde = lo->obj;
	unsigned int n;

	if (!lo->held)
		return;
	for (n = 0; n < FR_TRIES; n++, fr_pause()) {
		if (!read_trylock(fr_proc_lock))
			continue;
		if (!RB_EMPTY_NODE(&pde->subdir_node)) {
			refcount_dec(&pde->refcnt);
			lo->held = false;
		}
		read_unlock(fr_proc_lock);
		return;
	}
}

/*
 * Another target's leftover above each /proc leftover (below another's
 * directory): if that one is undone first, its remove_proc_subtree()
 * removes this one too, and this one is not removed again (one listed for
 * two targets is fr_undone_before()'s).  Each entry is held, and its
 * parents, linked under the lock, are read there.
 */
static void __init fr_cover_proc_locked(void)
{
	struct fr_leftover *lo, *up;
	struct fr_pde *pde;
	unsigned int depth;

	for (lo = fr_los; lo < fr_los + fr_nr_los; lo++) {
		if (lo->kind != &fr_lo_proc || !lo->held ||
		    RB_EMPTY_NODE(&((struct fr_pde *)lo->obj)->subdir_node))
			continue;
		pde = ((struct fr_pde *)lo->obj)->parent;
		for (depth = 0; !lo->cover && pde != fr_proc_root &&
		     depth < FR_PROC_DEPTH; depth++, pde = pde->parent)
			for (up = fr_los; up < fr_los + fr_nr_los; up++)
				if (up->kind == &fr_lo_proc && up->obj == pde &&
				    up->t != lo->t)
					lo->cover = up;
	}
}

static void __init fr_cover_proc(void)
{
	struct fr_leftover *lo;
	unsigned int n;

	for (lo = fr_los; lo < fr_los + fr_nr_los; lo++)
		if (lo->kind == &fr_lo_proc && lo->held)
			break;
	if (lo == fr_los + fr_nr_los)
		return;		/* none held: none read, the lock perhaps not found */
	/* Not had: uncovered, and a second removal finds the entry gone. */
	for (n = 0; n < FR_TRIES; n++, fr_pause()) {
		if (read_trylock(fr_proc_lock)) {
			fr_cover_proc_locked();
			read_unlock(fr_proc_lock);
			return;
		}
	}
}

static void fr_call_proc_remove(void *pde)
{
	proc_remove(pde);
}

/*
 * remove_proc_subtree() takes proc_subdir_lock and waits for users: the
 * lock must be free, and the whole subtree, looked at again under it, still
 * as found.  The entry is removed by its name under its parent
 * (proc_remove()): it must still be linked there.
 */
static enum fr_why __init fr_undo_proc(struct fr_leftover *lo)
{
	struct fr_pde *pde = lo->obj;
	enum fr_why why = FR_GONE;
	unsigned int n;

	if (lo->cover && lo->cover->undone)
		return FR_OK;	/* removed with it */
	if (!lo->held || !fr_rwlock_free(fr_proc_lock))
		return lo->held ? FR_LOCKED : FR_UNCHECKED;
	for (n = 0; n < FR_TRIES; n++, fr_pause()) {
		if (!read_trylock(fr_proc_lock))
			continue;
		if (!RB_EMPTY_NODE(&pde->subdir_node)) {
			why = fr_proc_subtree(pde);
			refcount_dec(&pde->refcnt);	/* its link holds one */
			lo->held = false;
		}
		read_unlock(fr_proc_lock);
		if (why)
			return why;
		fr_test_pause_undo("proc_remove");
		return fr_call_bounded(fr_call_proc_remove, lo->obj);
	}
	return FR_LOCKED;
}

/*
 * For refscan.c: whether the undo removes the /proc entry @pde, a leftover
 * of @t's or below one (remove_proc_subtree() takes the whole subtree), so
 * that its words and its inodes' data are no danger.  The parents are read
 * without proc_subdir_lock, nofault: an entry's parent does not change.
 */
bool __init fr_lo_proc_removes(const struct fr_rescue *t, unsigned long pde)
{
	const struct fr_leftover *lo;
	unsigned long p;
	unsigned int depth;

	for (lo = fr_los; lo < fr_los + fr_nr_los; lo++) {
		if (lo->t != t || lo->refuse || lo->undone || lo->kind != &fr_lo_proc)
			continue;
		for (p = pde, depth = 0; p && depth < FR_PROC_DEPTH; depth++) {
			if (p == (unsigned long)lo->obj)
				return true;
			if (get_kernel_nofault(p, (unsigned long *)&((struct fr_pde *)p)->parent))
				break;
		}
	}
	return false;
}

/* Its undo frees the entry: words in it are no danger. */
static bool __init fr_proc_explains(const struct fr_leftover *lo,
				    unsigned long where, unsigned long v)
{
	return where - (unsigned long)lo->obj < ksize(lo->obj);
}

#else
/* Out of every checked range: lookup.c says so, loudly. */
static void __init fr_find_proc_root(void)
{
	fr_layout_trusted(FR_LAYOUT_PROC);
}

/* /proc is there, but its entries cannot be read: not checked. */
static int __init fr_find_proc(void)
{
	return -ERANGE;
}

/* No /proc entry is a leftover. */
bool __init fr_lo_proc_removes(const struct fr_rescue *t, unsigned long pde)
{
	return false;
}
#endif

const struct fr_lo_kind fr_lo_proc __initconst = {
	.name = FR_LO_KIND_PROC,
	.action = FR_LO_ACT_REMOVE,
	.done = FR_LOG_UNDONE_PROC,
	.lookup = fr_find_proc_root,
	.find = fr_find_proc,
#ifdef FR_PDE_CHECKED
	.found = fr_cover_proc,
	.undo = fr_undo_proc,
	.put = fr_put_proc,
	.explains = fr_proc_explains,
#endif
};
