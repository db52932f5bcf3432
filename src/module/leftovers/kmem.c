// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover kmem caches (mm/slab_common.c): the caches on the private list
 * slab_caches whose constructor lies in the target's text (isofs', and
 * most filesystems', inode cache).  A cache with a constructor is never
 * merged with another: it is the target's.  The words of struct kmem_cache
 * that hold its link on the list, its constructor and its name are
 * measured on a cache of the helper's own (refscan.c); not measured, the
 * list is not read.  A cache without a constructor in the target is not
 * looked for: it holds nothing of the target (its name is a copy).
 *
 * Undone with kmem_cache_destroy() once kmem_cache_shrink() has found no
 * slab left in it (every object freed, the empty slabs given back); a
 * cache that still has objects is refused: kmem_cache_destroy() would
 * warn and keep it, its constructor pointing into freed memory.  SLUB
 * counts a node's slabs only with CONFIG_SLUB_DEBUG (Debian's kernels have
 * it): without it, refused as not checked.  Both calls take the CPU
 * hotplug lock and wait for per-CPU flushes: they run in a thread of their
 * own, bounded, after an RCU barrier (slabs of a SLAB_TYPESAFE_BY_RCU
 * cache are freed after a grace period).  slab_mutex is taken by trylock
 * for 100 ms to read the list, never waited on.
 */
#include <linux/err.h>
#include <linux/kfence.h>
#include <linux/panic.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "leftovers.h"

#define FR_KMEM_MAX	4096	/* the caches looked at */

static const char fr_sym_caches[] __initconst = "slab_caches";
static const char fr_sym_slab_mutex[] __initconst = "slab_mutex";

static struct list_head *fr_caches __initdata;
static struct mutex *fr_slab_mutex __initdata;
/* The words of struct kmem_cache: its link, constructor and name. */
static int fr_list_word __initdata, fr_ctor_word __initdata,
	   fr_name_word __initdata;

static void __init fr_lookup_caches(void)
{
	fr_caches = fr_lookup(FR_LAYOUT_SLAB_CACHES, fr_sym_caches,
			      sizeof(*fr_caches));
	fr_slab_mutex = fr_lookup(FR_LAYOUT_SLAB_CACHES, fr_sym_slab_mutex,
				  sizeof(*fr_slab_mutex));
}

static unsigned long __init fr_cache_word(const struct kmem_cache *s, int word)
{
	unsigned long v;

	return get_kernel_nofault(v, (const unsigned long *)s + word) ? 0 : v;
}

/* Its name, read without faulting; "?" when unreadable. */
static void __init fr_cache_name(const struct kmem_cache *s, char *buf,
				 size_t size)
{
	const char *name = (const char *)fr_cache_word(s, fr_name_word);
	size_t i;

	for (i = 0; name && i + 1 < size; i++)
		if (get_kernel_nofault(buf[i], name + i) || !buf[i])
			break;
	buf[i] = '\0';
	if (!buf[0])
		strscpy(buf, "?", size);
}

/* The cache whose link is @node. */
static struct kmem_cache * __init fr_node_cache(const struct list_head *node)
{
	return (struct kmem_cache *)((unsigned long)node -
				     fr_list_word * sizeof(long));
}

/* Whether @s is on the list of caches (1, 0; -E2BIG: not all read). */
static int __init fr_cache_listed(const struct kmem_cache *s)
{
	const struct list_head *node;
	unsigned int n = 0;

	for (node = READ_ONCE(fr_caches->next); node != fr_caches;
	     node = READ_ONCE(node->next)) {
		if (++n > FR_KMEM_MAX)
			return -E2BIG;
		if (fr_node_cache(node) == s)
			return 1;
	}
	return 0;
}

/* An empty cache, destroyed; its result in @busy. */
struct fr_kmem_call {
	struct kmem_cache *s;
	bool destroy;	/* when empty */
	int busy;	/* kmem_cache_shrink(): a slab is left */
};

static void fr_call_kmem(void *arg)
{
	struct fr_kmem_call *c = arg;

	rcu_barrier();
	c->busy = kmem_cache_shrink(c->s);
	if (!c->busy && c->destroy)
		kmem_cache_destroy(c->s);
}

static bool __init fr_kfence_ran(void)
{
#ifdef CONFIG_KFENCE
	return READ_ONCE(__kfence_pool);
#else
	return false;
#endif
}

/*
 * Shrink @s, and destroy it if it is then empty (@destroy): FR_OK when it
 * was empty.  The call's argument outlives init if the call does.
 */
static enum fr_why __init fr_kmem_empty(struct kmem_cache *s, bool destroy)
{
	struct fr_kmem_call *c;
	enum fr_why why;

	if (!IS_ENABLED(CONFIG_SLUB) || !IS_ENABLED(CONFIG_SLUB_DEBUG))
		return FR_UNCHECKED;	/* SLUB counts no full slab */
	/* KFENCE's objects lie outside the slabs counted: once it ran, unknown. */
	if (fr_kfence_ran())
		return FR_UNCHECKED;
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return FR_UNCHECKED;
	c->s = s;
	c->destroy = destroy;
	why = fr_call_bounded_long(fr_call_kmem, c);
	if (why == FR_WAITING || why == FR_WAITING_LONG)
		return why;	/* still used by its thread: left */
	if (!why && c->busy)
		why = FR_NOT_EMPTY;
	kfree(c);
	return why;
}

static int __init fr_find_caches(void)
{
	const struct list_head *node;
	struct fr_leftover *lo, *first = fr_los + fr_nr_los;
	struct kmem_cache *s;
	unsigned int n = 0;
	int err = 0;

	if (!fr_caches)
		return fr_missing(FR_LAYOUT_SLAB_CACHES);
	if (!fr_slab_mutex ||
	    !fr_cache_words(fr_caches, &fr_list_word, &fr_ctor_word, &fr_name_word))
		return -ERANGE;	/* not read */
	if (!fr_mutex_trylock(fr_slab_mutex))
		return -EBUSY;
	for (node = READ_ONCE(fr_caches->next); node != fr_caches;
	     node = READ_ONCE(node->next)) {
		if (++n > FR_KMEM_MAX) {
			err = -E2BIG;
			break;
		}
		s = fr_node_cache(node);
		if (!fr_in_text(fr_lo_target->mod, fr_cache_word(s, fr_ctor_word)))
			continue;
		lo = fr_lo_add(&fr_lo_kmem, s);
		if (!lo)
			break;
		lo->link = (unsigned long)s + fr_ctor_word * sizeof(long);
		fr_cache_name(s, lo->name, sizeof(lo->name));
	}
	mutex_unlock(fr_slab_mutex);
	/* Empty?  Asked with the list unlocked, as kmem_cache_shrink() is. */
	for (lo = first; lo < fr_los + fr_nr_los; lo++)
		lo->refuse = fr_kmem_empty(lo->obj, false);
	return err;
}

static enum fr_why __init fr_undo_cache(struct fr_leftover *lo)
{
	bool warned = test_taint(TAINT_WARN);
	enum fr_why why;
	int listed;

	if (!fr_mutex_trylock(fr_slab_mutex))
		return FR_LOCKED;
	listed = fr_cache_listed(lo->obj);
	mutex_unlock(fr_slab_mutex);
	if (listed <= 0)
		return listed ? FR_UNCHECKED : FR_GONE;
	why = fr_kmem_empty(lo->obj, true);
	/*
	 * Allocated from between the shrink and the destroy (by what?):
	 * kmem_cache_destroy() warned and kept it.  Not repaired.
	 */
	if (!why && !warned && test_taint(TAINT_WARN))
		why = FR_NOT_EMPTY;
	return why;
}

/*
 * Only its constructor word points into the target; once it is destroyed,
 * that word is a stale copy in its freed struct kmem_cache (after RCU for
 * some).
 */
static bool __init fr_cache_ctor_word(const struct fr_leftover *lo,
				      unsigned long where, unsigned long v)
{
	return where == lo->link;
}

const struct fr_lo_kind fr_lo_kmem __initconst = {
	.name = FR_LO_KIND_KMEM,
	.action = FR_LO_ACT_DESTROY,
	.done = FR_LOG_UNDONE_KMEM,
	.lookup = fr_lookup_caches,
	.find = fr_find_caches,
	.undo = fr_undo_cache,
	.explains = fr_cache_ctor_word,
	.stale = fr_cache_ctor_word,
};
