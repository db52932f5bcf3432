// SPDX-License-Identifier: GPL-2.0
/*
 * References taken through a target's registered operations
 *
 * Some modules exist to lend one table of operations, and everyone who uses
 * the table holds the module through the table's owner field: a mount's
 * character set holds its nls table (load_nls()), a qdisc its Qdisc_ops
 * (qdisc_create()), a tc action its tc_action_ops (tcf_action_init_1()), a
 * filter its classifier's tcf_proto_ops (tcf_proto_create()), a tty its line
 * discipline's tty_ldisc_ops (tty_ldisc_get()).  Those holders
 * keep a pointer to the table but no file, socket or superblock of the
 * module's, so users.c cannot see them: their references would be
 * unexplained, reset as leaked, and the table freed under them (the next
 * file name a vfat mount converts, the next packet on the device, the next
 * packet a filter classifies, the next byte the tty receives, call freed
 * code).
 *
 * Such a table is found in the target's writable data (registering writes
 * the next field or list head of all but the line discipline's, which is not
 * const) by its owner field and its shape: its name a string of name characters in
 * the target and its functions the starts of the target's functions
 * (kallsyms).  (The owner field alone is not enough: tun's data has a word
 * equal to tun at an nls table's owner offset, with code addresses around
 * it.)  When the target has one and references are left unexplained, they
 * are taken to be its users: which holder holds how many cannot be told, so
 * they are counted together and the table named.  A module with such a
 * table and a leaked reference is refused too: wrongly, but safely.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/nls.h>
#include <linux/string.h>
#include <linux/tty.h>
#include <linux/tty_ldisc.h>
#include <net/act_api.h>
#include <net/sch_generic.h>

#include "force_rmmod.h"

/* A kind of table: where its owner is, and whether @obj has its shape. */
struct fr_ops_kind {
	const char *kind;		/* for the log: "nls table" */
	size_t owner_off;		/* offsetof(owner) */
	size_t size;			/* sizeof() */
	/* Is @obj one, owned by @mod?  Its name, for the log. */
	const char *(*shape)(const void *obj, const struct module *mod);
};

static char fr_sym[KSYM_SYMBOL_LEN] __initdata;

/* A name: 1 to @max - 1 of [A-Za-z0-9_.-], in @mod's memory. */
static bool __init fr_name_in(const char *s, size_t max,
			      const struct module *mod)
{
	struct module *m = (struct module *)mod;
	size_t i;
	char c;

	for (i = 0; s && i < max && within_module((unsigned long)s + i, m); i++) {
		c = READ_ONCE(s[i]);
		if (!c)
			return i > 0;
		if (!isalnum(c) && c != '_' && c != '.' && c != '-')
			return false;
	}
	return false;
}

/* @fn: the start of one of @mod's functions, as kallsyms knows them. */
bool __init fr_code_in(const void *fn, const struct module *mod)
{
	if (!fn || !within_module((unsigned long)fn, (struct module *)mod))
		return false;
	sprint_symbol(fr_sym, (unsigned long)fn);
	return strstr(fr_sym, "+0x0/");
}

static const char *__init fr_nls_shape(const void *obj,
				       const struct module *mod)
{
	const struct nls_table *nls = obj;
	const char *charset = READ_ONCE(nls->charset);

	if (!fr_code_in(READ_ONCE(nls->uni2char), mod) ||
	    !fr_code_in(READ_ONCE(nls->char2uni), mod) ||
	    !fr_name_in(charset, 32, mod))
		return NULL;
	return charset;
}

static const char *__init fr_qdisc_shape(const void *obj,
					 const struct module *mod)
{
	const struct Qdisc_ops *ops = obj;

	if (!fr_code_in(READ_ONCE(ops->init), mod) ||
	    !fr_name_in(ops->id, sizeof(ops->id), mod))
		return NULL;
	return ops->id;
}

static const char *__init fr_action_shape(const void *obj,
					  const struct module *mod)
{
	const struct tc_action_ops *ops = obj;

	if (!fr_code_in(READ_ONCE(ops->act), mod) ||
	    !fr_code_in(READ_ONCE(ops->init), mod) ||
	    !fr_name_in(ops->kind, sizeof(ops->kind), mod))
		return NULL;
	return ops->kind;
}

static const char *__init fr_filter_shape(const void *obj,
					  const struct module *mod)
{
	const struct tcf_proto_ops *ops = obj;

	if (!fr_code_in(READ_ONCE(ops->classify), mod) ||
	    !fr_code_in(READ_ONCE(ops->change), mod) ||
	    !fr_name_in(ops->kind, sizeof(ops->kind), mod))
		return NULL;
	return ops->kind;
}

static const char *__init fr_ldisc_shape(const void *obj,
					 const struct module *mod)
{
	const struct tty_ldisc_ops *ops = obj;
	const char *name = READ_ONCE(ops->name);
	int num = READ_ONCE(ops->num);

	if (num < 0 || num >= NR_LDISCS || !fr_code_in(READ_ONCE(ops->open), mod) ||
	    !fr_name_in(name, 32, mod))
		return NULL;
	return name;
}

static const struct fr_ops_kind fr_ops_kinds[] __initconst = {
	{ "nls table", offsetof(struct nls_table, owner),
	  sizeof(struct nls_table), fr_nls_shape },
	{ "qdisc", offsetof(struct Qdisc_ops, owner),
	  sizeof(struct Qdisc_ops), fr_qdisc_shape },
	{ "tc action", offsetof(struct tc_action_ops, owner),
	  sizeof(struct tc_action_ops), fr_action_shape },
	{ "tc filter", offsetof(struct tcf_proto_ops, owner),
	  sizeof(struct tcf_proto_ops), fr_filter_shape },
	{ "line discipline", offsetof(struct tty_ldisc_ops, owner),
	  sizeof(struct tty_ldisc_ops), fr_ldisc_shape },
};

/*
 * The first table of @k in @mod's data, its name in @name; NULL if none.
 * The target's own memory, read while it cannot be freed (its kobject is
 * held).
 */
static const void *__init fr_find_ops(const struct fr_ops_kind *k,
				      const struct module *mod,
				      const char **name)
{
	struct fr_range r[2];
	unsigned int i, ranges = fr_data_ranges(mod, r);
	unsigned long p;

	for (i = 0; i < ranges; i++) {
		for (p = r[i].start + k->owner_off; p + sizeof(void *) <= r[i].end;
		     p += sizeof(void *)) {
			const void *obj = (void *)(p - k->owner_off);

			if (READ_ONCE(*(struct module **)p) != mod ||
			    (unsigned long)obj < r[i].start ||
			    (unsigned long)obj + k->size > r[i].end)
				continue;
			*name = k->shape(obj, mod);
			if (*name)
				return obj;
		}
	}
	return NULL;
}

/*
 * @unexplained references of @t are left: if it lends a table of operations,
 * they are its users.  Returns how many were taken as such.
 */
int __init fr_report_ops(const struct fr_rescue *t, struct fr_users *u,
			 int unexplained)
{
	const char *name;
	unsigned int i;

	if (unexplained <= 0)
		return 0;
	for (i = 0; i < ARRAY_SIZE(fr_ops_kinds); i++) {
		if (!fr_find_ops(&fr_ops_kinds[i], t->mod, &name))
			continue;
		u->users++;
		u->ops += unexplained;
		fr_user_line(t, u, "%s %s used (%d)\n",
			     fr_ops_kinds[i].kind, name, unexplained);
		return unexplained;
	}
	return 0;
}
