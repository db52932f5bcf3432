// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover debugfs directories (fs/debugfs/inode.c): an empty directory the
 * target made (debugfs_create_dir() in its init: ehci-hcd's usb/ehci, many
 * network drivers' own) and keeps in a word of its data.  Empty, it holds
 * nothing of the target (its name is a copy); left, it makes the reloaded
 * driver's debugfs_create_dir() fail (-EEXIST), and its files with it.  A
 * directory with files is not looked for here: a file of the target's
 * (its operations or data in the target) is the reference scan's, which
 * refuses it.
 *
 * Found by the superblock of debugfs's private mount debugfs_mount: a word
 * of the target's data pointing to a slab object whose d_sb is debugfs's,
 * at the top or one level down, read without faulting.  Proven by
 * debugfs_lookup() of its name (and of its parent's) returning that very
 * dentry, which takes a reference, held until the put; then it must be a
 * directory, empty (simple_empty()), named by a whole string of the
 * target's, and held by no other module's data nor vmlinux's.
 * debugfs_lookup() takes its parent's inode lock when the name is not in
 * the dcache: that lock is looked at for 100 ms first, never waited on.
 *
 * Undone with debugfs_remove(), bounded (core.c), given the reference: it
 * takes the directory's and its parent's inode locks, looked at first (a
 * removal that crashed half-way holds them).  An owner that keeps the
 * directory only in the heap, with a name that is also a literal of the
 * target's, is not told apart.
 */
#include <linux/dcache.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/mount.h>
#include <linux/uaccess.h>

#include "leftovers.h"

#define FR_DNAME	40	/* a directory's name, at most */

static const char fr_sym_debugfs_mount[] __initconst = "debugfs_mount";

static struct vfsmount **fr_debugfs_mount __initdata;
static struct dentry *fr_debugfs_root __initdata;
static struct super_block *fr_debugfs_sb __initdata;

static void __init fr_lookup_debugfs(void)
{
	fr_debugfs_mount = fr_lookup(FR_LAYOUT_DEBUGFS, fr_sym_debugfs_mount,
				     sizeof(*fr_debugfs_mount));
}

/* @dir's inode lock free, looked at for 100 ms: a lookup may take it. */
static bool __init fr_dir_unlocked(struct dentry *dir)
{
	unsigned int n;

	for (n = 0; inode_is_locked(d_inode(dir)); n++, fr_pause())
		if (n == FR_TRIES)
			return false;
	return true;
}

/* @d's name, read without faulting, into @name (FR_DNAME bytes). */
static bool __init fr_dentry_name(const struct dentry *d, char *name)
{
	const unsigned char *p;
	unsigned int len;

	/* The name is inline in the dentry, or a slab object of its own. */
	if (get_kernel_nofault(p, &d->d_name.name) ||
	    get_kernel_nofault(len, &d->d_name.len) || !len ||
	    len >= FR_DNAME ||
	    (!fr_is_slab((unsigned long)p) &&
	     ((void *)p < (void *)d || (void *)p >= (void *)(d + 1))) ||
	    copy_from_kernel_nofault(name, p, len))
		return false;
	name[len] = '\0';
	return strlen(name) == len && !strchr(name, '/');
}

/*
 * @d held, if it is a live debugfs dentry at the top or one level down,
 * its path ("usb/ehci") in @path; else NULL.  Read without faulting until
 * debugfs_lookup() proves it.
 */
static struct dentry *__init fr_debugfs_get(struct dentry *d, char *path,
					    size_t size)
{
	char name[FR_DNAME], pname[FR_DNAME];
	struct dentry *parent, *grand, *p = NULL, *found = NULL;

	if (get_kernel_nofault(parent, &d->d_parent) || !fr_dentry_name(d, name))
		return NULL;
	if (parent != fr_debugfs_root) {
		if (!fr_is_slab((unsigned long)parent) ||
		    get_kernel_nofault(grand, &parent->d_parent) ||
		    grand != fr_debugfs_root || !fr_dentry_name(parent, pname) ||
		    !fr_dir_unlocked(fr_debugfs_root))
			return NULL;
		p = debugfs_lookup(pname, NULL);
		if (p != parent)
			goto out;
		scnprintf(path, size, "%s/%s", pname, name);
	} else {
		strscpy(path, name, size);
	}
	if (!fr_dir_unlocked(p ? p : fr_debugfs_root))
		goto out;
	found = debugfs_lookup(name, p);
	if (found != d) {
		dput(found);
		found = NULL;
	}
out:
	dput(p);
	return found;
}

/* A word of the target's data at @where points at the debugfs dentry @d. */
static void __init fr_debugfs_add(unsigned long where, struct dentry *d)
{
	const char *name;
	struct fr_leftover *lo;
	char path[2 * FR_DNAME];

	for (lo = fr_los; lo < fr_los + fr_nr_los; lo++)
		if (lo->kind == &fr_lo_debugfs && lo->obj == d)
			return;
	d = fr_debugfs_get(d, path, sizeof(path));
	if (!d)
		return;
	name = strrchr(path, '/');
	name = name ? name + 1 : path;
	if (!d_is_dir(d) || !simple_empty(d) || !fr_lo_names(name) ||
	    fr_static_holds((unsigned long)d, fr_lo_target->mod)) {
		dput(d);
		return;
	}
	lo = fr_lo_add(&fr_lo_debugfs, d);
	if (!lo) {
		dput(d);
		return;
	}
	lo->held = true;
	lo->link = where;
	strscpy(lo->name, path, sizeof(lo->name));
}

static void __init fr_debugfs_scan(struct fr_range *r)
{
	struct super_block *sb;
	unsigned long p, w;

	for (p = ALIGN(r->start, sizeof(long)); p + sizeof(long) <= r->end;
	     p += sizeof(long)) {
		w = *(unsigned long *)p;
		if (fr_is_slab(w) &&
		    !get_kernel_nofault(sb, &((struct dentry *)w)->d_sb) &&
		    sb == fr_debugfs_sb)
			fr_debugfs_add(p, (struct dentry *)w);
	}
}

static int __init fr_find_debugfs(void)
{
	struct vfsmount *mnt;

	if (!fr_debugfs_mount)
		return fr_missing(FR_LAYOUT_DEBUGFS);
	/* Pinned while any entry exists: none yet, nothing to find. */
	mnt = READ_ONCE(*fr_debugfs_mount);
	if (!mnt)
		return 0;
	fr_debugfs_root = mnt->mnt_root;
	fr_debugfs_sb = mnt->mnt_sb;
	fr_scan_data(fr_debugfs_scan);
	return 0;
}

/* The thread is given the reference the search took. */
static void fr_call_debugfs_remove(void *arg)
{
	debugfs_remove(arg);
	dput(arg);
}

static enum fr_why __init fr_undo_debugfs(struct fr_leftover *lo)
{
	struct dentry *d = lo->obj;
	enum fr_why why;

	if (!simple_positive(d))
		return FR_GONE;
	/* A removal that crashed half-way holds its lock, the directory dead. */
	if (IS_DEADDIR(d_inode(d)) || !fr_dir_unlocked(d) ||
	    !fr_dir_unlocked(READ_ONCE(d->d_parent)))
		return FR_LOCKED;
	if (!simple_empty(d))
		return FR_NOT_EMPTY;
	lo->held = false;
	why = fr_call_bounded(fr_call_debugfs_remove, d);
	if (why == FR_UNCHECKED)
		lo->held = true;	/* not called: no thread */
	return why;
}

static void __init fr_put_debugfs(struct fr_leftover *lo)
{
	if (lo->held)
		dput(lo->obj);
	lo->held = false;
}

const struct fr_lo_kind fr_lo_debugfs __initconst = {
	.name = FR_LO_KIND_DEBUGFS,
	.action = FR_LO_ACT_REMOVE,
	.done = FR_LOG_UNDONE_DEBUGFS,
	.lookup = fr_lookup_debugfs,
	.find = fr_find_debugfs,
	.undo = fr_undo_debugfs,
	.put = fr_put_debugfs,
};
