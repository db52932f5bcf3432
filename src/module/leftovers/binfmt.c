// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover binary formats (fs/exec.c), in the target's data, that name it
 * as their module; undone with unregister_binfmt().
 *
 * The list formats is private and its name is
 * not unique in kallsyms, so a format is found in the target's data (its
 * module the target, its load_binary in the target's text) and proven on
 * the list: under binfmt_lock, its links cycle back to it through a head
 * that kallsyms names exactly "formats" at offset 0, in the kernel proper.
 * (kallsyms' size of a symbol is the distance to the next one: 0x10 on
 * 6.12, 0x1a0 on 7.3; it is not checked.)
 */
#include <linux/binfmts.h>
#include <linux/kallsyms.h>
#include <linux/uaccess.h>

#include "leftovers.h"

static const char fr_sym_binfmt_lock[] __initconst = "binfmt_lock";

static rwlock_t *fr_binfmt_lock __initdata;

static void __init fr_lookup_binfmt(void)
{
	fr_binfmt_lock = fr_lookup(FR_LAYOUT_BINFMT, fr_sym_binfmt_lock,
				   sizeof(*fr_binfmt_lock));
}

/* Is @lh on the formats list?  Caller holds binfmt_lock. */
static bool __init fr_on_formats(struct list_head *lh)
{
	static const char want[] __initconst = "formats+0x0/";
	struct list_head *node = lh, *next, *back;
	char sym[KSYM_SYMBOL_LEN];
	bool head = false;
	unsigned int n;

	for (n = 0; n < 64; n++) {
		if (copy_from_kernel_nofault(&next, &node->next, sizeof(next)) ||
		    copy_from_kernel_nofault(&back, &next->prev, sizeof(back)) ||
		    back != node)
			return false;
		if (next == lh)
			return head;
		sprint_symbol(sym, (unsigned long)next);
		head |= !strncmp(sym, want, sizeof(want) - 1) &&
			!strchr(sym, '[');
		node = next;
	}
	return false;
}

/* FR_OK: on the list; FR_GONE: not; FR_LOCKED, FR_UNCHECKED: unknown. */
static enum fr_why __init fr_binfmt_linked(struct linux_binfmt *fmt)
{
	enum fr_why why;
	unsigned int n;

	if (!fr_binfmt_lock)
		return FR_UNCHECKED;
	for (n = 0; n < FR_TRIES; n++, fr_pause()) {
		if (read_trylock(fr_binfmt_lock)) {
			why = fr_on_formats(&fmt->lh) ? FR_OK : FR_GONE;
			read_unlock(fr_binfmt_lock);
			return why;
		}
	}
	return FR_LOCKED;
}

static void __init fr_scan_binfmts(struct fr_range *r)
{
	const struct module *mod = fr_lo_target->mod;
	struct fr_leftover *lo;
	enum fr_why why;
	unsigned long p;

	for (p = r->start; p + sizeof(struct linux_binfmt) <= r->end;
	     p += sizeof(long)) {
		struct linux_binfmt *fmt = (struct linux_binfmt *)p;

		if (!fr_in_text(mod, (unsigned long)READ_ONCE(fmt->load_binary)))
			continue;
		why = fr_binfmt_linked(fmt);
		if (why == FR_GONE)
			continue;	/* not registered: nothing points at it */
		lo = fr_lo_add(&fr_lo_binfmt, fmt);
		if (!lo)
			continue;
		/* An exec holds fmt->module while it runs: it must be the target. */
		lo->refuse = why ? why : READ_ONCE(fmt->module) != mod ? FR_UNCHECKED : FR_OK;
		lo->size = sizeof(*fmt);
		fr_lo_symbol(lo, p);
	}
}

/* unregister_binfmt() takes binfmt_lock for writing unconditionally. */
static enum fr_why __init fr_undo_binfmt(struct fr_leftover *lo)
{
	struct linux_binfmt *fmt = lo->obj;
	enum fr_why why = fr_binfmt_linked(fmt);

	if (why)
		return why;
	if (!fr_rwlock_free(fr_binfmt_lock))
		return FR_LOCKED;
	unregister_binfmt(fmt);
	return FR_OK;
}

static int __init fr_find_binfmts(void)
{
	fr_scan_data(fr_scan_binfmts);
	return 0;
}

const struct fr_lo_kind fr_lo_binfmt __initconst = {
	.name = FR_LO_KIND_BINFMT,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_BINFMT,
	.lookup = fr_lookup_binfmt,
	.find = fr_find_binfmts,
	.undo = fr_undo_binfmt,
};
