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
 * freed by their template (not looked for: templates, caught by the
 * reference scan).  crypto_alg_sem is tried, never waited on.  Between the
 * last check and the unregistration's own lock a new user could still
 * take the algorithm: it takes the target's module too, and the changed
 * count then stops the repair (main.c); crypto_unregister_alg() warns.
 */
#include <crypto/algapi.h>
#include <linux/crypto.h>
#include <linux/rwsem.h>

#include "leftovers.h"

static bool __init fr_alg_sem_read(void)
{
	unsigned int n;

	for (n = 0; n < FR_TRIES; n++, fr_pause())
		if (down_read_trylock(&crypto_alg_sem))
			return true;
	return false;
}

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

	if (!fr_alg_sem_read())
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

/* Still listed and unused, under the lock, which is then free. */
static enum fr_why __init fr_undo_alg(struct fr_leftover *lo)
{
	enum fr_why why = FR_GONE;
	struct crypto_alg *alg;

	if (!fr_alg_sem_read())
		return FR_LOCKED;
	list_for_each_entry(alg, &crypto_alg_list, cra_list)
		if (alg == lo->obj)
			why = fr_alg_state(alg);
	up_read(&crypto_alg_sem);
	if (why)
		return why;
	crypto_unregister_alg(lo->obj);
	return FR_OK;
}

const struct fr_lo_kind fr_lo_crypto __initconst = {
	.name = FR_LO_KIND_CRYPTO,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_CRYPTO,
	.find = fr_find_algs,
	.undo = fr_undo_alg,
};
