// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover crypto algorithms: those on crypto_alg_list (exported, declared
 * in crypto/internal.h) whose module is the target, larvals aside.  Undone
 * with crypto_unregister_alg() on the algorithm's base, which is what
 * crypto_unregister_shash(), _skcipher(), _ahash() and the others do.
 *
 * One in use is refused ("open or in use"): a transform, a template
 * instance built on it and a self-test in progress each hold it
 * (cra_refcnt above the registration's 1), and crypto_unregister_alg()
 * would warn and leave it to its users.  users.c names those users.  An
 * instance of one of the target's templates is refused too: instances are
 * freed by their template.  crypto_alg_sem is tried, never waited on: the last
 * check is made under it, taken for writing, and marks the algorithm dying
 * (CRYPTO_ALG_DYING: lookups pass over it) before the lock is let go; the
 * unregistration then runs bounded (core.c), as a reader stuck on the lock
 * would block it.  Only crypto_user's lookup by name (CAP_NET_ADMIN) still
 * takes a dying algorithm: one that holds it through the unregistration
 * makes crypto_unregister_alg() warn, and its module reference stops the
 * repair (main.c); one that let it go again by then leaves only the
 * warning.
 *
 * Leftover crypto templates (ccm, xts, hmac...): those on the private
 * crypto_template_list, under crypto_alg_sem too, whose module is the
 * target.  One with an instance is refused ("open or in use"): the
 * instance is an algorithm of the target's, made by its code, and
 * crypto_unregister_template() would free it under a BUG_ON() of its
 * users.  Since 6.18 a removed instance waits on the template's dead list
 * for its last user, then the template's free_work (in the target) frees
 * it: one dead or being freed is refused too.  Then, with no instance,
 * crypto_unregister_template() is a list_del_init() under crypto_alg_sem
 * taken for writing (and a flush of the idle free_work): that is done
 * here, under the lock taken by trylock, right after the last check.
 */
#include <crypto/algapi.h>
#include <linux/crypto.h>
#include <linux/rwsem.h>

#include "leftovers.h"

static enum fr_why __init fr_alg_state(const struct crypto_alg *alg)
{
	if (alg->cra_flags & CRYPTO_ALG_INSTANCE)
		return FR_NO_UNDO;
	return refcount_read(&alg->cra_refcnt) == 1 ? FR_OK : FR_BUSY;
}

static int __init fr_find_algs(void)
{
	struct crypto_alg *alg;
	struct fr_leftover *lo;

	if (!fr_down_read_tried(&crypto_alg_sem))
		return -EBUSY;
	list_for_each_entry(alg, &crypto_alg_list, cra_list) {
		if (alg->cra_module != fr_lo_target->mod ||
		    alg->cra_flags & CRYPTO_ALG_LARVAL)
			continue;
		lo = fr_lo_add(&fr_lo_crypto, alg);
		if (!lo)
			break;
		lo->size = sizeof(*alg);
		strscpy(lo->name, alg->cra_driver_name, sizeof(lo->name));
		lo->refuse = fr_alg_state(alg);
	}
	up_read(&crypto_alg_sem);
	return 0;
}

static void fr_call_unregister_alg(void *alg)
{
	crypto_unregister_alg(alg);
}

/* Still listed, the target's and unused, under the lock: then dying. */
static enum fr_why __init fr_undo_alg(struct fr_leftover *lo)
{
	enum fr_why why = FR_GONE;
	struct crypto_alg *alg;
	unsigned int n;

	if (!fr_down_write_tried(&crypto_alg_sem))
		return FR_LOCKED;
	list_for_each_entry(alg, &crypto_alg_list, cra_list)
		if (alg == lo->obj && alg->cra_module == fr_lo_target->mod)
			why = fr_alg_state(alg);
	if (!why)
		((struct crypto_alg *)lo->obj)->cra_flags |= CRYPTO_ALG_DYING;
	up_write(&crypto_alg_sem);
	if (why)
		return why;
	why = fr_call_bounded(fr_call_unregister_alg, lo->obj);
	/* Not called (no thread): found by lookups again, if the lock is had. */
	for (n = 0; why == FR_UNCHECKED && n < FR_TRIES; n++, fr_pause()) {
		if (down_write_trylock(&crypto_alg_sem)) {
			((struct crypto_alg *)lo->obj)->cra_flags &= ~CRYPTO_ALG_DYING;
			up_write(&crypto_alg_sem);
			break;
		}
	}
	return why;
}

/*
 * Only the list's links to it are explained (cra_list is its first field):
 * a transform's __crt_alg points to the same address, and is a user.
 */
static bool __init fr_alg_explains(const struct fr_leftover *lo,
				   unsigned long where, unsigned long v)
{
	const struct crypto_alg *alg;
	bool link;

	BUILD_BUG_ON(offsetof(struct crypto_alg, cra_list) != 0);
	if (v - (unsigned long)lo->obj >= sizeof(struct list_head))
		return false;
	link = where - (unsigned long)&crypto_alg_list < sizeof(crypto_alg_list);
	if (link || !down_read_trylock(&crypto_alg_sem))
		return link;
	list_for_each_entry(alg, &crypto_alg_list, cra_list)
		link |= where - (unsigned long)&alg->cra_list < sizeof(alg->cra_list);
	up_read(&crypto_alg_sem);
	return link;
}

const struct fr_lo_kind fr_lo_crypto __initconst = {
	.name = FR_LO_KIND_CRYPTO,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_CRYPTO,
	.find = fr_find_algs,
	.undo = fr_undo_alg,
	.explains = fr_alg_explains,
};

static const char fr_sym_templates[] __initconst = "crypto_template_list";

static struct list_head *fr_templates __initdata;

#define FR_MAX_TEMPLATES	1024	/* a list longer than that is not read */

static void __init fr_lookup_templates(void)
{
	fr_templates = fr_lookup(FR_LAYOUT_CRYPTO_TEMPLATES, fr_sym_templates,
				 sizeof(*fr_templates));
}

static enum fr_why __init fr_template_state(struct crypto_template *tmpl)
{
	if (tmpl->module != fr_lo_target->mod)
		return FR_UNCHECKED;
#ifdef FR_CRYPTO_TEMPLATE_DEAD
	if (!hlist_empty(&tmpl->dead) || work_busy(&tmpl->free_work))
		return FR_BUSY;
#endif
	return hlist_empty(&tmpl->instances) ? FR_OK : FR_BUSY;
}

/* The target's templates (or lying in it), crypto_alg_sem held. */
static int __init fr_find_templates_locked(void)
{
	struct crypto_template *tmpl;
	struct fr_leftover *lo;
	unsigned int n = 0;

	list_for_each_entry(tmpl, fr_templates, list) {
		if (++n > FR_MAX_TEMPLATES)
			return -E2BIG;
		if (tmpl->module != fr_lo_target->mod && !fr_in_target(tmpl))
			continue;
		lo = fr_lo_add(&fr_lo_crypto_template, tmpl);
		if (!lo)
			break;
		lo->size = sizeof(*tmpl);
		strscpy(lo->name, tmpl->name, sizeof(lo->name));
		lo->refuse = fr_template_state(tmpl);
	}
	return 0;
}

static int __init fr_find_templates(void)
{
	int ret;

	if (!fr_templates)
		return fr_missing(FR_LAYOUT_CRYPTO_TEMPLATES);
	if (!fr_down_read_tried(&crypto_alg_sem))
		return -EBUSY;
	ret = fr_find_templates_locked();
	up_read(&crypto_alg_sem);
	return ret;
}

/* Still listed, the target's and without instances: unlinked, locked. */
static enum fr_why __init fr_undo_template(struct fr_leftover *lo)
{
	struct crypto_template *tmpl;
	enum fr_why why = FR_GONE;
	unsigned int n = 0;

	if (!fr_down_write_tried(&crypto_alg_sem))
		return FR_LOCKED;
	list_for_each_entry(tmpl, fr_templates, list) {
		if (++n > FR_MAX_TEMPLATES)
			break;
		if (tmpl == lo->obj)
			why = fr_template_state(tmpl);
	}
	if (!why)
		list_del_init(&((struct crypto_template *)lo->obj)->list);
	up_write(&crypto_alg_sem);
	return why;
}

/* The list's links to it (->list is its first field), and only those. */
static bool __init fr_template_explains(const struct fr_leftover *lo,
					unsigned long where, unsigned long v)
{
	struct crypto_template *tmpl;
	unsigned int n = 0;
	bool link;

	BUILD_BUG_ON(offsetof(struct crypto_template, list) != 0);
	if (v - (unsigned long)lo->obj >= sizeof(struct list_head))
		return false;
	link = where - (unsigned long)fr_templates < sizeof(*fr_templates);
	if (link || !down_read_trylock(&crypto_alg_sem))
		return link;
	list_for_each_entry(tmpl, fr_templates, list) {
		if (++n > FR_MAX_TEMPLATES)
			break;
		link |= where - (unsigned long)&tmpl->list < sizeof(tmpl->list);
	}
	up_read(&crypto_alg_sem);
	return link;
}

const struct fr_lo_kind fr_lo_crypto_template __initconst = {
	.name = FR_LO_KIND_CRYPTO_TEMPLATE,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_CRYPTO_TEMPLATE,
	.lookup = fr_lookup_templates,
	.find = fr_find_templates,
	.undo = fr_undo_template,
	.explains = fr_template_explains,
};
