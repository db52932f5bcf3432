// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover I/O port and memory regions (kernel/resource.c): a busy region
 * in ioport_resource's or iomem_resource's tree whose name lies in the
 * target, what request_region() and request_mem_region() made for it
 * (watchdogs and hardware monitors that probe fixed ports).  A region of a
 * device's driver (devm_, pci_request_regions()) goes with the driver's
 * remove, earlier in the undo.  Undone with __release_region(), which
 * unlinks and frees it under the private rwlock resource_lock and runs
 * nothing else; that lock is tried for 100 ms to read the tree and again
 * right before the call, never waited on.
 *
 * __release_region() frees the first busy region on its way down that has
 * the same bounds: the way is walked first as it walks it, and must end at
 * this region.  A busy region with regions inside, or one that is not in
 * the heap (a struct resource of the target's own, which kfree() would
 * take for a slab object), is refused: no undo here.  A region that is not
 * busy (request_resource(), insert_resource(): a platform device's) is not
 * looked for: the platform device's undo removes it, and the reference
 * scan sees what is left.
 */
#include <linux/ioport.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "leftovers.h"

#define FR_REGIONS_MAX	65536	/* regions looked at in a tree */

static const char fr_sym_resource_lock[] __initconst = "resource_lock";

static rwlock_t *fr_resource_lock __initdata;

static void __init fr_lookup_regions(void)
{
	fr_resource_lock = fr_lookup(FR_LAYOUT_RESOURCE, fr_sym_resource_lock,
				     sizeof(*fr_resource_lock));
}

static void __init fr_region_add(struct resource *root, struct resource *res)
{
	struct fr_leftover *lo = fr_lo_add(&fr_lo_region, res);

	if (!lo)
		return;
	lo->size = sizeof(*res);
	lo->link = (unsigned long)root;
	scnprintf(lo->name, sizeof(lo->name), "%.40s:%llx-%llx", res->name,
		  (unsigned long long)res->start, (unsigned long long)res->end);
	strreplace(lo->name, ' ', '_');	/* one word in the log */
	if (res->child || !virt_addr_valid(res) || fr_in_target(res))
		lo->refuse = FR_NO_UNDO;
}

/* The regions of @root's tree named by the target, added; -E2BIG: too many. */
static int __init fr_find_in(struct resource *root)
{
	struct resource *p = root->child;
	unsigned int n = 0;

	while (p) {
		if (++n > FR_REGIONS_MAX)
			return -E2BIG;
		if ((p->flags & IORESOURCE_BUSY) && fr_in_target(p->name))
			fr_region_add(root, p);
		if (p->child) {
			p = p->child;
			continue;
		}
		while (!p->sibling && p->parent && p->parent != root)
			p = p->parent;
		p = p->sibling;
	}
	return 0;
}

static int __init fr_find_regions(void)
{
	int err;

	if (!fr_resource_lock)
		return fr_missing(FR_LAYOUT_RESOURCE);
	/* Free of writers and readers for 100 ms, then read-locked. */
	if (!fr_rwlock_free(fr_resource_lock) || !read_trylock(fr_resource_lock))
		return -EBUSY;
	err = fr_find_in(&ioport_resource);
	if (!err)
		err = fr_find_in(&iomem_resource);
	read_unlock(fr_resource_lock);
	return err;
}

/* The region __release_region(@root, @res's bounds) would free; lock held. */
static struct resource *__init fr_region_released(struct resource *root,
						  const struct resource *res)
{
	struct resource *p = root->child;
	unsigned int n = 0;

	while (p && ++n <= FR_REGIONS_MAX) {
		if (p->start <= res->start && p->end >= res->end) {
			if (!(p->flags & IORESOURCE_BUSY)) {
				p = p->child;
				continue;
			}
			return p->start == res->start && p->end == res->end ?
			       p : NULL;
		}
		p = p->sibling;
	}
	return NULL;
}

static enum fr_why __init fr_undo_region(struct fr_leftover *lo)
{
	struct resource *root = (struct resource *)lo->link, *res = lo->obj;
	resource_size_t start = 0, size = 0;
	bool same;

	if (!fr_rwlock_free(fr_resource_lock) || !read_trylock(fr_resource_lock))
		return FR_LOCKED;
	/* Its fields read only once it is proven still there. */
	same = fr_region_released(root, res) == res && fr_in_target(res->name) &&
	       !res->child;
	if (same) {
		start = res->start;
		size = resource_size(res);
	}
	read_unlock(fr_resource_lock);
	if (!same)
		return FR_GONE;
	if (!fr_rwlock_free(fr_resource_lock))
		return FR_LOCKED;
	__release_region(root, start, size);
	return FR_OK;
}

/* Only its name points into the target. */
static bool __init fr_region_explains(const struct fr_leftover *lo,
				      unsigned long where, unsigned long v)
{
	const struct resource *res = lo->obj;

	return where == (unsigned long)&res->name;
}

const struct fr_lo_kind fr_lo_region __initconst = {
	.name = FR_LO_KIND_REGION,
	.action = FR_LO_ACT_RELEASE,
	.done = FR_LOG_UNDONE_REGION,
	.lookup = fr_lookup_regions,
	.find = fr_find_regions,
	.undo = fr_undo_region,
	.explains = fr_region_explains,
};
