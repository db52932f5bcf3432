// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover character sets (fs/nls/nls_base.c): the struct nls_table on the
 * private chain tables (newest first, ending in the kernel's default_table)
 * that lies in the target or names it as owner (nls_utf8, nls_cp437...);
 * undone with unregister_nls(), which unlinks it under the spinlock
 * nls_lock and runs nothing else.  A mount using one holds its owner, the
 * target, and points at it: the scan refuses that.
 *
 * tables is a common name: the chain is trusted only if, read without
 * faulting, it ends within 256 links at a table that kallsyms names exactly
 * "default_table", in the kernel proper, whose next is NULL.  It is read
 * under nls_lock, taken by trylock for 100 ms, and the lock is looked at for
 * 100 ms again before the call: never waited on.
 */
#include <linux/kallsyms.h>
#include <linux/nls.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

#include "leftovers.h"

#define FR_NLS_MAX	256	/* links followed: Debian has 60 tables */

static const char fr_sym_tables[] __initconst = "tables";
static const char fr_sym_nls_lock[] __initconst = "nls_lock";

static struct nls_table **fr_tables __initdata;
static spinlock_t *fr_nls_lock __initdata;

static void __init fr_lookup_nls(void)
{
	fr_tables = fr_lookup(FR_LAYOUT_NLS, fr_sym_tables, sizeof(*fr_tables));
	fr_nls_lock = fr_lookup(FR_LAYOUT_NLS, fr_sym_nls_lock,
				sizeof(*fr_nls_lock));
}

/* Whether @nls is the kernel's default_table, the chain's last link. */
static bool __init fr_nls_default(const struct nls_table *nls)
{
	static const char want[] __initconst = "default_table+0x0/";
	char sym[KSYM_SYMBOL_LEN];

	sprint_symbol(sym, (unsigned long)nls);
	return !strncmp(sym, want, sizeof(want) - 1) && !strchr(sym, '[');
}

/*
 * The word that points to @nls on the chain (its predecessor's next, or
 * tables), NULL when @nls is not on it; ERR_PTR(-ERANGE) when the chain
 * does not read as checked.  @nls NULL: only the chain is checked.
 * The caller keeps the chain from changing (nls_lock) or its modules from
 * being freed (RCU).
 */
static struct nls_table **__init fr_nls_link(const struct nls_table *nls)
{
	struct nls_table **at = fr_tables, *p;
	unsigned int n;

	for (n = 0; n < FR_NLS_MAX; n++) {
		if (copy_from_kernel_nofault(&p, at, sizeof(p)) || !p)
			return ERR_PTR(-ERANGE);
		if (p == nls)
			return at;
		if (fr_nls_default(p))
			return READ_ONCE(p->next) ? ERR_PTR(-ERANGE) : NULL;
		at = &p->next;
	}
	return ERR_PTR(-ERANGE);
}

static int __init fr_find_nls(void)
{
	const struct module *mod = fr_lo_target->mod;
	struct nls_table **at, *nls;
	struct fr_leftover *lo;
	unsigned int n;
	int err = 0;

	if (!fr_tables || !fr_nls_lock)
		return fr_missing(FR_LAYOUT_NLS);
	if (!fr_spin_free(fr_nls_lock) || !spin_trylock(fr_nls_lock))
		return -EBUSY;
	at = fr_tables;
	if (IS_ERR(fr_nls_link(NULL))) {
		fr_distrust(FR_LAYOUT_NLS);
		err = -ERANGE;
		goto out;
	}
	/* Proven to end at default_table within FR_NLS_MAX links, lock held. */
	for (n = 0; n < FR_NLS_MAX; n++) {
		nls = READ_ONCE(*at);
		if (!nls || fr_nls_default(nls))
			break;
		at = &nls->next;
		if (nls->owner != mod && !fr_in_target(nls))
			continue;
		lo = fr_lo_add(&fr_lo_nls, nls);
		if (!lo)
			break;
		lo->size = sizeof(*nls);
		strscpy(lo->name, nls->charset, sizeof(lo->name));
		/* A table of another module's, or one outside the target. */
		if (nls->owner != mod || !fr_in_target(nls))
			lo->refuse = FR_UNCHECKED;
	}
out:
	spin_unlock(fr_nls_lock);
	return err;
}

static enum fr_why __init fr_undo_nls(struct fr_leftover *lo)
{
	struct nls_table **at;

	rcu_read_lock();
	at = fr_nls_link(lo->obj);
	rcu_read_unlock();
	if (IS_ERR(at))
		return FR_UNCHECKED;
	if (!at)
		return FR_GONE;
	if (!fr_spin_free(fr_nls_lock))
		return FR_LOCKED;
	if (unregister_nls(lo->obj))
		return FR_GONE;
	return FR_OK;
}

/* Whether @where is the word that links @v: a predecessor's next, or tables. */
static bool __init fr_nls_explains(const struct fr_leftover *lo,
				   unsigned long where, unsigned long v)
{
	struct nls_table **at;

	if (v != (unsigned long)lo->obj)
		return false;
	rcu_read_lock();
	at = fr_nls_link(lo->obj);
	rcu_read_unlock();
	return !IS_ERR_OR_NULL(at) && (unsigned long)at == where;
}

const struct fr_lo_kind fr_lo_nls __initconst = {
	.name = FR_LO_KIND_NLS,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_NLS,
	.lookup = fr_lookup_nls,
	.find = fr_find_nls,
	.undo = fr_undo_nls,
	.explains = fr_nls_explains,
};
