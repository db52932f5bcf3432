// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover sysctl tables (fs/proc/proc_sysctl.c): a table the target
 * registered under /proc/sys (register_sysctl(): cdrom's dev/cdrom,
 * parport's, sg's) whose header it keeps in its data, as it keeps it for
 * its exit's unregister_sysctl_table().  Found by a word of the target's
 * data that points to the start of a slab object reading as a live
 * header of the kernel's own tree: its root sysctl_table_root (looked up,
 * not exported), its set that root's default set, registered and not being
 * unregistered, its table (ctl_table_arg, as given) in the target.  A
 * network namespace's tables (register_net_sysctl()) have another root:
 * the target's pernet exit removes them.
 *
 * Undone with unregister_sysctl_table(), as the exit does: it takes the
 * spinlock sysctl_lock (free for 100 ms first) and waits for the handlers
 * that run (the target's own code, intact): one in use is refused, and the
 * call runs bounded (1 s).  The header is freed a grace period later
 * (kfree_rcu()), after the scan after the undo has run: its words are
 * passed over.  A /proc/sys file still open keeps its inode, which points
 * at the target's table: the scan after the undo refuses then.
 */
#include <linux/slab.h>
#include <linux/mm.h>
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

/* A copy of the header at @p, if it is one of the target's; else false. */
static bool __init fr_sysctl_header(unsigned long p, struct ctl_table_header *h)
{
	unsigned long start, end;

	if (!fr_is_slab(p) || !fr_slab_extent(p, &start, &end) || start != p ||
	    end - start < sizeof(*h) ||
	    copy_from_kernel_nofault(h, (void *)p, sizeof(*h)))
		return false;
	return h->root == fr_sysctl_root &&
	       h->set == &fr_sysctl_root->default_set &&
	       !h->unregistering && h->nreg > 0 && h->count > 0 &&
	       fr_in_target(h->ctl_table_arg) && h->parent;
}

/* Its path under /proc/sys, "dev/cdrom", from its directories' names. */
static void __init fr_sysctl_path(struct fr_leftover *lo,
				  const struct ctl_table_header *h)
{
	const struct ctl_dir *root = &fr_sysctl_root->default_set.dir;
	const char *names[FR_SYSCTL_DEPTH];
	struct ctl_table_header dh;
	const struct ctl_dir *dir = h->parent;
	const struct ctl_table *t;
	const char *name;
	int n = 0, len = 0;

	while (dir && dir != root && n < FR_SYSCTL_DEPTH) {
		if (copy_from_kernel_nofault(&dh, &dir->header, sizeof(dh)) ||
		    copy_from_kernel_nofault(&t, &dh.ctl_table, sizeof(t)) ||
		    copy_from_kernel_nofault(&name, &t->procname, sizeof(name)))
			break;
		names[n++] = name;
		dir = dh.parent;
	}
	lo->name[0] = '\0';
	while (n-- > 0 && len < sizeof(lo->name) - 1) {
		char part[24];

		if (!fr_lo_str(part, sizeof(part), names[n]))
			strscpy(part, "?", sizeof(part));
		len += scnprintf(lo->name + len, sizeof(lo->name) - len, "%s%s",
				 len ? "/" : "", part);
	}
	if (!len)
		strscpy(lo->name, "?", sizeof(lo->name));
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
		lo = fr_lo_add(&fr_lo_sysctl, (void *)v);
		if (!lo)
			return;
		lo->size = sizeof(h);
		fr_sysctl_path(lo, &h);
		if (READ_ONCE(((struct ctl_table_header *)v)->used))
			lo->refuse = FR_BUSY;
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

	if (!fr_spin_free(fr_sysctl_lock))
		return FR_LOCKED;
	if (!fr_sysctl_header((unsigned long)lo->obj, &h))
		return FR_GONE;
	if (h.used)
		return FR_BUSY;
	return fr_call_bounded(fr_call_unregister_sysctl, lo->obj);
}

/* Nothing before the undo: the header is in the heap, scanned after it. */
static bool __init fr_sysctl_explains(const struct fr_leftover *lo,
				      unsigned long where, unsigned long v)
{
	return false;
}

/* After it: the header's words, until kfree_rcu() frees it. */
static bool __init fr_sysctl_stale(const struct fr_leftover *lo,
				   unsigned long where, unsigned long v)
{
	return where - (unsigned long)lo->obj < lo->size;
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
