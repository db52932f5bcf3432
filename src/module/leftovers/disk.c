// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover block majors and disks (block/genhd.c)
 *
 * A block major: an entry of genhd.c's private major_names[], read under
 * its spinlock major_names_spinlock (free for 100 ms first), whose probe lies in
 * the target (__register_blkdev(): brd's, loop's), or that is named by a
 * string of the target and has the major of one of its disks
 * (register_blkdev(0, ...): null_blk's).  Undone first, so that no probe
 * makes a disk of the target again while its disks go, with
 * unregister_blkdev() under the entry's own name (another name warns); it
 * takes the mutex major_names_lock, free for 100 ms first, and frees the
 * entry.
 *
 * A disk: a whole disk on block_class whose operations the target owns
 * (devices.c finds them, each held).  Undone as the target's exit does it:
 * del_gendisk(); for a blk-mq disk, the tag set of its queue, which no other
 * queue uses (blk_mq_free_tag_set()); then put_disk().  These run the
 * target's own code, intact, as its exit would (its submit path for the
 * dirty pages written back, its exit_hctx, exit_request and free_disk), and
 * wait for the I/O in flight: each runs bounded (5 s), after the queue
 * was seen to drain (frozen within 1 s, then thawed: a request of a task
 * that died in the driver never ends).  Refused: an open disk (bd_openers
 * counts every opener: a process, a mount, swap, a device stacked on it),
 * its open_mutex held for 100 ms, a queue that does not drain, a disk
 * whose init died in add_disk() (not GD_ADDED: its release would exit the
 * queue again), a blk-mq disk whose queue is not its own (its driver
 * destroys such a queue itself) or whose tag set another queue shares.
 *
 * The disk's release reads its operations (disk->fops->free_disk), which
 * lie in the target: the put after del_gendisk() must be the last.  Only
 * the driver's reference and ours may be left then, and its inode's own
 * (an opener half-way holds the inode); one more refuses the target, which
 * is held (main.c).
 *
 * The target is scanned after the undo.  What del_gendisk() and the tag
 * set's free take away is gone by then.  A disk's private data, a heap
 * object that the driver allocated for it (brd's and null_blk's per-disk
 * structs, linked on the target's own list; loop's is freed by its
 * free_disk), stays, leaked: its words that point into the target are
 * stale links that only the target's code follows, and are passed over.
 */
#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/device.h>
#include <linux/kdev_t.h>
#include <linux/major.h>
#include <linux/slab.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>

#include "leftovers.h"
#include "../kernel_private.h"

#define FR_DISKS_MAX	32	/* a target's disks looked at */

#ifdef FR_HAVE_UNFREEZE_NOMEMRESTORE
#define fr_unfreeze	blk_mq_unfreeze_queue_nomemrestore
#else
#define fr_unfreeze	blk_mq_unfreeze_queue
#endif
#ifdef FR_HAVE_BD_MAPPING
#define fr_bd_inode(bdev)	((bdev)->bd_mapping->host)
#else
#define fr_bd_inode(bdev)	((bdev)->bd_inode)
#endif

static const char fr_sym_major_names[] __initconst = "major_names";
static const char fr_sym_major_spin[] __initconst = "major_names_spinlock";
static const char fr_sym_major_lock[] __initconst = "major_names_lock";

static struct fr_blk_major_name **fr_major_names __initdata;
static spinlock_t *fr_major_spin __initdata;
static struct mutex *fr_major_lock __initdata;

static void __init fr_lookup_blkdevs(void)
{
	fr_major_names = fr_lookup(FR_LAYOUT_MAJOR_NAMES, fr_sym_major_names,
				   FR_BLKDEV_HASH_SIZE * sizeof(*fr_major_names));
	fr_major_spin = fr_lookup(FR_LAYOUT_MAJOR_NAMES, fr_sym_major_spin,
				  sizeof(*fr_major_spin));
	fr_major_lock = fr_lookup(FR_LAYOUT_MAJOR_NAMES, fr_sym_major_lock,
				  sizeof(*fr_major_lock));
}

/* Whether the entry @p is the target's; @majors: its disks'. */
static bool __init fr_blkdev_owned(const struct fr_blk_major_name *p,
				   const int *majors, int n)
{
	int i;

#ifdef CONFIG_BLOCK_LEGACY_AUTOLOAD
	if (p->probe)
		return fr_in_target(p->probe);
#endif
	/* The kernel's own, for extended minors of every driver. */
	if (p->major == BLOCK_EXT_MAJOR)
		return false;
	for (i = 0; i < n; i++)
		if (p->major == majors[i])
			return fr_lo_names(p->name);
	return false;
}

/* The majors of the target's disks, the first @max; how many, or -errno. */
static int __init fr_disk_majors(int *majors, int max)
{
	struct gendisk *disks[FR_DISKS_MAX];
	int i, n = fr_owned_disks(fr_lo_target->mod, disks, ARRAY_SIZE(disks));

	for (i = 0; i < min_t(int, n, ARRAY_SIZE(disks)); i++) {
		if (i < max)
			majors[i] = disks[i]->major;
		put_device(disk_to_dev(disks[i]));
	}
	return n < 0 ? n : min(n, max);
}

static int __init fr_find_blkdevs(void)
{
	int majors[FR_DISKS_MAX], n = fr_disk_majors(majors, FR_DISKS_MAX);
	struct fr_blk_major_name *p;
	struct fr_leftover *lo;
	unsigned int i;

	if (!fr_major_names || !fr_major_spin || !fr_major_lock)
		return fr_missing(FR_LAYOUT_MAJOR_NAMES);
	if (n < 0)
		n = 0;		/* probes still found; the disk kind says why */
	/* Held only around list changes: free for 100 ms, then taken. */
	if (!fr_spin_free(fr_major_spin))
		return -EBUSY;
	spin_lock(fr_major_spin);
	for (i = 0; i < FR_BLKDEV_HASH_SIZE; i++) {
		for (p = fr_major_names[i]; p; p = p->next) {
			if (!fr_blkdev_owned(p, majors, n))
				continue;
			lo = fr_lo_add(&fr_lo_blkdev, p);
			if (!lo)
				break;
			lo->link = p->major;
			scnprintf(lo->name, sizeof(lo->name), "%d:%.*s", p->major,
				  (int)sizeof(p->name), p->name);
		}
	}
	spin_unlock(fr_major_spin);
	return 0;
}

/* The same entry, still listed and the target's: its name into @name. */
static bool __init fr_blkdev_listed(const struct fr_leftover *lo, char *name,
				    size_t size)
{
	const struct fr_blk_major_name *p;
	bool listed = false;

	spin_lock(fr_major_spin);
	for (p = fr_major_names[lo->link % FR_BLKDEV_HASH_SIZE]; p; p = p->next) {
		if (p != lo->obj || p->major != lo->link)
			continue;
		strscpy(name, p->name, min(size, sizeof(p->name)));
		listed = true;
		break;
	}
	spin_unlock(fr_major_spin);
	return listed;
}

static enum fr_why __init fr_undo_blkdev(struct fr_leftover *lo)
{
	char name[sizeof_field(struct fr_blk_major_name, name)];

	if (!fr_spin_free(fr_major_spin))
		return FR_LOCKED;
	if (!fr_blkdev_listed(lo, name, sizeof(name)))
		return FR_GONE;
	if (!fr_mutex_free(fr_major_lock))
		return FR_LOCKED;
	unregister_blkdev(lo->link, name);
	return FR_OK;
}

/* Its probe, the one word of it that points into the target: freed. */
static bool __init fr_blkdev_explains(const struct fr_leftover *lo,
				      unsigned long where, unsigned long v)
{
#ifdef CONFIG_BLOCK_LEGACY_AUTOLOAD
	const struct fr_blk_major_name *p = lo->obj;

	return where == (unsigned long)&p->probe;
#else
	return false;
#endif
}

const struct fr_lo_kind fr_lo_blkdev __initconst = {
	.name = FR_LO_KIND_BLKDEV,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_BLKDEV,
	.lookup = fr_lookup_blkdevs,
	.find = fr_find_blkdevs,
	.undo = fr_undo_blkdev,
	.explains = fr_blkdev_explains,
};

/* ------------------------------------------------------------------------ */

/* Its driver's private object: [lo->link, lo->link + lo->size), or none. */
static void __init fr_disk_private(struct fr_leftover *lo,
				   const struct gendisk *disk)
{
	unsigned long start = (unsigned long)disk->private_data, end;

	lo->link = 0;
	lo->size = 0;
	if (start && !fr_in_target((void *)start) &&
	    fr_slab_extent(start, &start, &end) &&
	    start == (unsigned long)disk->private_data) {
		lo->link = start;
		lo->size = end - start;
	}
}

/* Why @disk cannot be undone, or FR_OK. */
static enum fr_why __init fr_disk_check(const struct fr_leftover *lo,
					struct gendisk *disk)
{
	struct request_queue *q = disk->queue;
	struct blk_mq_tag_set *set;
	bool alone;

	if (atomic_read(&disk->part0->bd_openers))
		return FR_OPEN;
	/*
	 * Found by its operations' owner only (another module's operations),
	 * hidden (never live: its removal would not be seen), or its init
	 * died in add_disk() (not GD_ADDED: its release would exit its queue
	 * again).
	 */
	if (!fr_in_target(disk->fops) || (disk->flags & GENHD_FL_HIDDEN) ||
	    !test_bit(GD_ADDED, &disk->state))
		return FR_NO_UNDO;
	if (!queue_is_mq(q))
		return FR_OK;
	set = q->tag_set;
	/*
	 * Its queue its own (its driver destroys another itself), its tag set
	 * the target's (in its memory or the disk's private object), not
	 * blocking (a task that died in queue_rq() holds its SRCU for good).
	 */
	if (!test_bit(GD_OWNS_QUEUE, &disk->state) || !set ||
	    (set->flags & BLK_MQ_F_BLOCKING) ||
	    (!fr_in_target(set) &&
	     (unsigned long)set - lo->link >= lo->size))
		return FR_NO_UNDO;
	if (!fr_mutex_trylock(&set->tag_list_lock))
		return FR_LOCKED;
	alone = list_is_singular(&set->tag_list) &&
		list_first_entry(&set->tag_list, struct request_queue,
				 tag_set_list) == q;
	mutex_unlock(&set->tag_list_lock);
	return alone ? FR_OK : FR_OTHERS;
}

static int __init fr_find_disks(void)
{
	struct gendisk *disks[FR_DISKS_MAX];
	int i, n = fr_owned_disks(fr_lo_target->mod, disks, ARRAY_SIZE(disks));
	struct fr_leftover *lo;

	if (n < 0)
		return n;
	for (i = 0; i < min_t(int, n, ARRAY_SIZE(disks)); i++) {
		lo = fr_lo_add(&fr_lo_disk, disks[i]);
		if (!lo) {
			put_device(disk_to_dev(disks[i]));
			continue;
		}
		lo->held = true;
		strscpy(lo->name, disks[i]->disk_name, sizeof(lo->name));
		fr_disk_private(lo, disks[i]);
		lo->refuse = fr_disk_check(lo, disks[i]);
		lo->t->scan_after_undo = true;
	}
	return n > (int)ARRAY_SIZE(disks) ? -E2BIG : 0;
}

/*
 * No I/O in flight that will never end (a task that died in the driver's
 * submit path): the queue frozen within 1 s, then thawed, in one thread
 * (bounded: freezing runs the hardware queues, the driver's own code, and
 * takes the queue's freeze lock).  A bio-based driver that completes bios
 * later holds no count on its queue meanwhile: not seen (brd completes them
 * at once).  The result is in the heap: a thread still waiting writes it
 * late, and it is left to it.
 */
struct fr_drain {
	struct request_queue *q;
	bool frozen;
};

static void fr_call_drain(void *arg)
{
	struct fr_drain *d = arg;

	blk_freeze_queue_start(d->q);
	d->frozen = blk_mq_freeze_queue_wait_timeout(d->q, HZ) > 0;
	fr_unfreeze(d->q);
}

static enum fr_why __init fr_queue_drains(struct request_queue *q)
{
	struct fr_drain *d = kzalloc(sizeof(*d), GFP_KERNEL);
	enum fr_why why;

	if (!d)
		return FR_UNCHECKED;
	d->q = q;
	why = fr_call_bounded_long(fr_call_drain, d);
	if (why)
		return why;
	why = d->frozen ? FR_OK : FR_BUSY;
	kfree(d);
	return why;
}

static void fr_call_del_gendisk(void *disk)
{
	del_gendisk(disk);
}

static void fr_call_free_tag_set(void *set)
{
	blk_mq_free_tag_set(set);
}

/* The last references, the driver's (if @both) and ours: the release runs. */
static void fr_call_put_disk(void *disk)
{
	put_disk(disk);
	put_device(disk_to_dev((struct gendisk *)disk));
}

static void fr_call_put_ours(void *disk)
{
	put_device(disk_to_dev((struct gendisk *)disk));
}

/*
 * Whether the disk holds @refs references, and its part0 inode only its
 * own, with no opener (one half-way, that found the inode before
 * del_gendisk() unhashed it, holds the inode): looked at for 100 ms, a
 * reader passing (a class iterator, sync) holds one for a moment.
 */
static bool __init fr_disk_refs(struct gendisk *disk, unsigned int refs)
{
	unsigned int n;

	for (n = 0; n < FR_TRIES; n++, fr_pause())
		if (kref_read(&disk_to_dev(disk)->kobj.kref) == refs &&
		    atomic_read(&fr_bd_inode(disk->part0)->i_count) == 1 &&
		    !atomic_read(&disk->part0->bd_openers))
			return true;
	return false;
}

/*
 * Removed by a driver's remove, undone before: deleted (off sysfs, dead),
 * our reference the last, dropped while the target is there.
 */
static enum fr_why __init fr_disk_gone(struct fr_leftover *lo)
{
	struct gendisk *disk = lo->obj;
	enum fr_why why;

	lo->size = 0;	/* its private object may be freed */
	if (device_is_registered(disk_to_dev(disk)) ||
	    !test_bit(GD_DEAD, &disk->state))
		return FR_BUSY;
	if (!fr_disk_refs(disk, 1))
		return FR_BUSY;
	lo->held = false;
	why = fr_call_bounded_long(fr_call_put_ours, disk);
	return why ? why : FR_GONE;
}

static enum fr_why __init fr_undo_disk(struct fr_leftover *lo)
{
	struct gendisk *disk = lo->obj;
	struct request_queue *q = disk->queue;
	struct blk_mq_tag_set *set = queue_is_mq(q) ? q->tag_set : NULL;
	enum fr_why why;
	bool alone;

	if (!disk_live(disk))
		return fr_disk_gone(lo);
	why = fr_disk_check(lo, disk);
	if (!why && !fr_mutex_free(&disk->open_mutex))
		why = FR_LOCKED;
	if (!why)
		why = fr_queue_drains(q);
	if (!why)
		why = fr_call_bounded_long(fr_call_del_gendisk, disk);
	if (why)
		goto out;
	if (set) {
		/* Its queue, exited by del_gendisk(), has left the set. */
		why = FR_LOCKED;
		if (!fr_mutex_trylock(&set->tag_list_lock))
			goto out;
		alone = list_empty(&set->tag_list);
		mutex_unlock(&set->tag_list_lock);
		why = alone ? fr_call_bounded_long(fr_call_free_tag_set, set) :
			      FR_OTHERS;
		if (why)
			goto out;
	}
	/* The driver's reference and ours: its release runs now. */
	why = FR_BUSY;
	if (!fr_disk_refs(disk, 2))
		goto out;
	/* A free_disk (loop's) frees the private object. */
	if (disk->fops->free_disk)
		lo->size = 0;
	lo->held = false;
	why = fr_call_bounded_long(fr_call_put_disk, disk);
out:
	if (why)
		lo->size = 0;
	return why;
}

static void __init fr_put_disk(struct fr_leftover *lo)
{
	if (lo->held)
		put_device(disk_to_dev((struct gendisk *)lo->obj));
	lo->held = false;
}

/* Nothing before the undo: what points into the target is in the heap. */
static bool __init fr_disk_explains(const struct fr_leftover *lo,
				    unsigned long where, unsigned long v)
{
	return false;
}

/* Whether @v lies in @mod's writable data (data, bss). */
static bool __init fr_in_data(const struct module *mod, unsigned long v)
{
	struct fr_range r[2];
	unsigned int i, n = fr_data_ranges(mod, r);

	for (i = 0; i < n; i++)
		if (v >= r[i].start && v < r[i].end)
			return true;
	return false;
}

/*
 * Whether the word at @where reads as a link of a doubly linked list to
 * @v: a node's next, whose prev is @v too or a node whose next is this
 * one; or a node's prev, the same way round.
 */
static bool __init fr_list_link(unsigned long where, unsigned long v)
{
	const unsigned long w = sizeof(long);
	unsigned long other, back;

	/* @where is &node->next: node->prev at @where + w. */
	if (!get_kernel_nofault(other, (unsigned long *)(where + w)) &&
	    (other == v || (virt_addr_valid((void *)other) &&
			    !get_kernel_nofault(back, (unsigned long *)other) &&
			    back == where)))
		return true;
	/* @where is &node->prev: node->next at @where - w. */
	return !get_kernel_nofault(other, (unsigned long *)(where - w)) &&
	       (other == v || (virt_addr_valid((void *)other) &&
			       !get_kernel_nofault(back, (unsigned long *)(other + w)) &&
			       back == where - w));
}

#define FR_LIST_MAX	1024	/* the nodes of a target's list walked */

/*
 * Walk the list whose head is @head, FR_LIST_MAX nodes at most: whether it
 * holds a node inside [@start, @start + @size) (*@ours) and the node whose
 * link is at @where (*@held).  False if it could not be read to its end.
 */
static bool __init fr_list_walk(unsigned long head, unsigned long start,
				size_t size, unsigned long where, bool *ours,
				bool *held)
{
	unsigned long p;
	unsigned int n;

	*ours = false;
	*held = false;
	if (get_kernel_nofault(p, (unsigned long *)head))
		return false;
	for (n = 0; n < FR_LIST_MAX && p != head; n++) {
		*ours |= p - start < size;
		*held |= p == where || p + sizeof(long) == where;
		if (!virt_addr_valid((void *)p) ||
		    get_kernel_nofault(p, (unsigned long *)p))
			return false;
	}
	return p == head;
}

/*
 * After it, a word that points into the target's data (@v) and reads as a
 * list link:
 *
 *   - in its driver's private object, left (brd's brd_device, on the
 *     target's list brd_devices);
 *   - or in a node that the list this private object is on does not hold:
 *     a node of the list of an earlier instance of the target, loaded at
 *     the same address, whose private objects an earlier rescue left.
 *
 * Only the target's code walks its list, from its head; no one holds an
 * earlier instance's nodes.  Nothing else of the object is passed over: a
 * timer, a work, an operations pointer in it still refuses.
 */
static bool __init fr_disk_stale(const struct fr_leftover *lo,
				 unsigned long where, unsigned long v)
{
	bool ours, held;

	if (!lo->size || !fr_in_data(lo->t->mod, v) || !fr_list_link(where, v))
		return false;
	if (where - lo->link < lo->size)
		return true;
	return fr_is_slab(where) &&
	       fr_list_walk(v, lo->link, lo->size, where, &ours, &held) &&
	       ours && !held;
}

const struct fr_lo_kind fr_lo_disk __initconst = {
	.name = FR_LO_KIND_DISK,
	.action = FR_LO_ACT_REMOVE,
	.done = FR_LOG_UNDONE_DISK,
	.lookup = fr_find_device_data,
	.find = fr_find_disks,
	.undo = fr_undo_disk,
	.put = fr_put_disk,
	.explains = fr_disk_explains,
	.stale = fr_disk_stale,
};
