// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover sysctl tables (fs/proc/proc_sysctl.c): a table the target
 * registered under /proc/sys (register_sysctl(): cdrom's dev/cdrom,
 * parport's, sg's) whose header it keeps in its data, as it keeps it for
 * its exit's unregister_sysctl_table().  Found by a word of the target's
 * data that points to the start of a slab object reading as a live header
 * of the kernel's own tree: its root sysctl_table_root (looked up, not
 * exported), its set that root's default set, registered once and not
 * being unregistered, its nodes right after it (not a directory or a
 * link), its table (as given, and as registered) in the target; on 6.1,
 * one leaf table (a nested table registered as several subheaders under a
 * wrapper is not taken: the reference scan refuses it).  A network
 * namespace's tables (register_net_sysctl()) have another root: the
 * target's pernet exit removes them.
 *
 * Undone with unregister_sysctl_table(), as the exit does: it takes the
 * spinlock sysctl_lock (free for 100 ms first) and waits for the handlers
 * that run, on the table and on each directory made for it that goes with
 * it (a readdir copying to user memory): one in use is refused, and the
 * call runs bounded (1 s).  It is found before the target's timers, so
 * that none is looked for in its table (a handler can sit where a timer's
 * function would).  The header is freed a grace period later
 * (kfree_rcu()), before or during the scan after the undo: its two words
 * that point at the table are passed over, while it still reads as that
 * header, being unregistered, or once another object took its place, left
 * there holding the table.  Copies elsewhere, that an earlier load of the
 * target left in its freed header (cdrom's on 6.1), are passed over once
 * proven to be no registered header (fr_sysctl_dead_copy()).  A /proc/sys file
 * still open keeps its inode, which points at the target's table: the
 * scan after the undo refuses then.
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/sysctl.h>
#include <linux/uaccess.h>

#include "leftovers.h"

#define FR_SYSCTL_DEPTH	8	/* the directories of a path named */

static const char fr_sym_sysctl_root[] __initconst = "sysctl_table_root";
static const char fr_sym_sysctl_lock[] __initconst = "sysctl_lock";

static struct ctl_table_root *fr_sysctl_root __initdata;
static spinlock_t *fr_sysctl_lock __initdata;

static void __init fr_lookup_sysctl(void)
{
	fr_sysctl_root = fr_lookup(FR_LAYOUT_SYSCTL, fr_sym_sysctl_root,
				   sizeof(*fr_sysctl_root));
	fr_sysctl_lock = fr_lookup(FR_LAYOUT_SYSCTL, fr_sym_sysctl_lock,
				   sizeof(*fr_sysctl_lock));
}

#ifndef FR_SYSCTL_TYPED
/*
 * 6.1: how many headers unregister_sysctl_table() takes the table at @t to
 * have (count_subheaders(), counted again at the unregister), read without
 * faulting; -1 if it cannot be read, or nests deeper than it should.
 */
static int __init fr_sysctl_subheaders(const struct ctl_table *t, int depth)
{
	struct ctl_table e;
	int n = 0, files = 0, sub, i;

	if (depth > FR_SYSCTL_DEPTH)
		return -1;
	for (i = 0; i < 256; i++) {
		if (copy_from_kernel_nofault(&e, &t[i], sizeof(e)))
			return -1;
		if (!e.procname)
			return n + files;
		if (!e.child) {
			files = 1;
			continue;
		}
		sub = fr_sysctl_subheaders(e.child, depth + 1);
		if (sub < 0)
			return -1;
		n += sub;
	}
	return -1;
}
#endif

/*
 * A copy of the header at @p, if it is a live one of the target's, one
 * registration, its nodes right after it (not a directory, a link or a
 * wrapper of 6.1's subheaders); else false.
 */
static bool __init fr_sysctl_header(unsigned long p, struct ctl_table_header *h)
{
	unsigned long start, end;

	if (!fr_is_slab(p) || !fr_slab_extent(p, &start, &end) || start != p ||
	    end - start < sizeof(*h) ||
	    copy_from_kernel_nofault(h, (void *)p, sizeof(*h)))
		return false;
	if (h->root != fr_sysctl_root ||
	    h->set != &fr_sysctl_root->default_set || h->unregistering ||
	    h->nreg != 1 || h->count < 1 || !h->parent ||
	    (unsigned long)h->node != p + sizeof(*h) ||
	    !fr_in_target(h->ctl_table) || !fr_in_target(h->ctl_table_arg))
		return false;
#ifdef FR_SYSCTL_TYPED
	return h->type == SYSCTL_TABLE_TYPE_DEFAULT &&
	       h->ctl_table == h->ctl_table_arg;
#else
	return fr_sysctl_subheaders(h->ctl_table_arg, 0) == 1;
#endif
}

/*
 * The directories the unregister removes with it (one registration each:
 * made for this table) must be in use by no one either: it would wait for
 * a reader (a readdir copying to user memory) as for the table's.
 */
static enum fr_why __init fr_sysctl_dirs_idle(const struct ctl_table_header *h)
{
	const struct ctl_dir *root = &fr_sysctl_root->default_set.dir;
	const struct ctl_dir *dir = h->parent;
	struct ctl_table_header dh;
	int n;

	for (n = 0; dir && dir != root && n < FR_SYSCTL_DEPTH; n++) {
		if (copy_from_kernel_nofault(&dh, &dir->header, sizeof(dh)))
			return FR_UNCHECKED;
		if (dh.nreg != 1)
			return FR_OK;
		if (dh.used)
			return FR_BUSY;
		dir = dh.parent;
	}
	return FR_OK;
}

/* Its path under /proc/sys, "dev/cdrom", from its directories' names. */
static void __init fr_sysctl_path(struct fr_leftover *lo,
				  const struct ctl_table_header *h)
{
	const struct ctl_dir *root = &fr_sysctl_root->default_set.dir;
	const char *names[FR_SYSCTL_DEPTH];
	struct ctl_table_header dh;
	const struct ctl_dir *dir = h->parent;
	const char *name;
	unsigned int n = 0;

	while (dir && dir != root && n < FR_SYSCTL_DEPTH) {
		if (copy_from_kernel_nofault(&dh, &dir->header, sizeof(dh)) ||
		    copy_from_kernel_nofault(&name, &dh.ctl_table->procname,
					     sizeof(name)))
			break;
		names[n++] = name;
		dir = dh.parent;
	}
	fr_lo_path(lo->name, sizeof(lo->name), names, n);
	if (!lo->name[0])
		strscpy(lo->name, "?", sizeof(lo->name));
}

/* The bytes of the table at @t, its terminating entry included. */
static size_t __init fr_sysctl_table_size(const struct ctl_table *t)
{
	const char *name;
	size_t i;

	for (i = 0; i < 256; i++)
		if (copy_from_kernel_nofault(&name, &t[i].procname, sizeof(name)) ||
		    !name)
			break;
	return (i + 1) * sizeof(*t);
}

static void __init fr_sysctl_in(struct fr_range *r)
{
	struct ctl_table_header h;
	struct fr_leftover *lo;
	unsigned long p, v;

	for (p = ALIGN(r->start, sizeof(long)); p + sizeof(long) <= r->end;
	     p += sizeof(long)) {
		v = READ_ONCE(*(unsigned long *)p);
		if (!v || !fr_sysctl_header(v, &h))
			continue;
		/*
		 * Its table, in the target (no timer is looked for in it: a
		 * handler word can take the place of a timer's function);
		 * its header: link.
		 */
		lo = fr_lo_add(&fr_lo_sysctl, (void *)h.ctl_table);
		if (!lo)
			return;
		lo->size = fr_sysctl_table_size(h.ctl_table);
		lo->link = v;
		fr_sysctl_path(lo, &h);
		lo->refuse = h.used ? FR_BUSY : fr_sysctl_dirs_idle(&h);
		lo->t->scan_after_undo = true;
	}
}

static int __init fr_find_sysctl(void)
{
	if (!fr_sysctl_root || !fr_sysctl_lock)
		return fr_missing(FR_LAYOUT_SYSCTL);
	fr_scan_data(fr_sysctl_in);
	return 0;
}

static void fr_call_unregister_sysctl(void *h)
{
	unregister_sysctl_table(h);
}

/* Still a live header of the target's, none of its handlers running. */
static enum fr_why __init fr_undo_sysctl(struct fr_leftover *lo)
{
	struct ctl_table_header h;
	enum fr_why why;

	if (!fr_spin_free(fr_sysctl_lock))
		return FR_LOCKED;
	if (!fr_sysctl_header(lo->link, &h) || h.ctl_table != lo->obj)
		return FR_GONE;
	if (h.used)
		return FR_BUSY;
	why = fr_sysctl_dirs_idle(&h);
	return why ? why :
	       fr_call_bounded(fr_call_unregister_sysctl, (void *)lo->link);
}

/* Nothing before the undo: the header is in the heap, scanned after it. */
static bool __init fr_sysctl_explains(const struct fr_leftover *lo,
				      unsigned long where, unsigned long v)
{
	return false;
}

/* Whether a tree link could not be read. */
static bool __init fr_rb_unread(struct rb_node **dst, struct rb_node *const *src)
{
	return copy_from_kernel_nofault(dst, src, sizeof(*dst));
}

/*
 * Whether the slab object at @base, which holds the table at one of a
 * header's two table words, is no registered header: every header that
 * __register_sysctl_table() registers has its nodes right after it, each
 * linked into its directory's tree.  Its first node's tree links are
 * followed under sysctl_lock, taken by trylock (never waited on): a node
 * whose parent (or, at the top, its directory's root) does not point back
 * at it is on no tree.  A copy an earlier load of the target left in a
 * freed header, since taken by another object, reads so (cdrom's, 6.1).
 * So does 6.1's live wrapper of a nested table (no nodes, on no tree),
 * whose table word only unregister_sysctl_table() reads: the exit's call,
 * which does not run.
 */
static bool __init fr_sysctl_dead_copy(unsigned long base)
{
	const struct ctl_table_header *p = (void *)base;
	struct ctl_node *node = (struct ctl_node *)(p + 1);
	struct rb_node rb, *left, *right, *top, *parent;
	struct ctl_table_header h;
	unsigned long start, end;
	bool linked = true;	/* what cannot be read is taken as linked */

	if (!fr_slab_extent(base, &start, &end) || start != base ||
	    end - start < sizeof(*p) + sizeof(*node) ||
	    copy_from_kernel_nofault(&h, p, sizeof(h)))
		return false;
	if ((unsigned long)h.node != (unsigned long)node)
		return true;
	if (!fr_sysctl_lock || !spin_trylock(fr_sysctl_lock))
		return false;
	if (!copy_from_kernel_nofault(&rb, &node->node, sizeof(rb))) {
		parent = rb_parent(&rb);
		if (parent)
			linked = fr_rb_unread(&left, &parent->rb_left) ||
				 fr_rb_unread(&right, &parent->rb_right) ||
				 left == &node->node || right == &node->node;
		else
			linked = !h.parent ||
				 fr_rb_unread(&top, &h.parent->root.rb_node) ||
				 top == &node->node;
	}
	spin_unlock(fr_sysctl_lock);
	return !linked;
}

/*
 * After it: the header's two words that point at the table, until
 * kfree_rcu() frees it: while it still reads as that header, being
 * unregistered, or, once freed and taken again by another (6.1: within
 * the scan), as a stale copy left in that very word, its value the table
 * it held (nothing new points at an unregistered table).  Elsewhere, the
 * same two words of an object that is no registered header.
 */
static bool __init fr_sysctl_stale(const struct fr_leftover *lo,
				   unsigned long where, unsigned long v)
{
	const struct ctl_table_header *p = (void *)lo->link;
	struct ctl_table_header h;
	size_t arg = offsetof(struct ctl_table_header, ctl_table_arg);

	if (where != (unsigned long)&p->ctl_table &&
	    where != (unsigned long)&p->ctl_table_arg)
		return v == (unsigned long)lo->obj &&
		       (fr_sysctl_dead_copy(where) ||
			fr_sysctl_dead_copy(where - arg));
	if (v == (unsigned long)lo->obj)
		return true;
	/* Not by its first word: kfree_rcu() may link it through it. */
	return !copy_from_kernel_nofault(&h, p, sizeof(h)) && h.unregistering &&
	       h.root == fr_sysctl_root &&
	       (unsigned long)h.node == (unsigned long)(p + 1) &&
	       fr_in_target(h.ctl_table_arg);
}

const struct fr_lo_kind fr_lo_sysctl __initconst = {
	.name = FR_LO_KIND_SYSCTL,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_SYSCTL,
	.lookup = fr_lookup_sysctl,
	.find = fr_find_sysctl,
	.undo = fr_undo_sysctl,
	.explains = fr_sysctl_explains,
	.stale = fr_sysctl_stale,
};
