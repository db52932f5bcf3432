// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover STP and GARP protocols (net/802/stp.c, the module stp): the
 * struct stp_proto that the private pointers stp_proto and garp_protos[]
 * of stp hold, when it lies in the target (8021q's GVRP application,
 * registered for it by garp).  Undone with stp_proto_unregister(), a GPL
 * export of stp taken with symbol_get() (the helper does not link to
 * stp), which clears the pointer under the mutex stp_proto_mutex and waits
 * for RCU: the mutex is looked at for 100 ms first, the call bounded.  stp
 * is held (a module reference) from the find to the put.
 */
#include <linux/err.h>
#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <net/stp.h>

#include "leftovers.h"

/* net/802/stp.c: 01:80:c2:00:00:20 to 01:80:c2:00:00:2f. */
#define FR_GARP_ADDR_MIN	0x20
#define FR_GARP_PROTOS		16

static const char fr_stp_module[] __initconst = "stp";
static const char fr_sym_garp[] __initconst = "garp_protos";
static const char fr_sym_stp[] __initconst = "stp_proto";
static const char fr_sym_stp_mutex[] __initconst = "stp_proto_mutex";

/* stp's pointers, while it is held (by the find, then by its leftovers). */
static unsigned long *fr_garp_at __initdata, *fr_stp_at __initdata;

/* The slot of the pointer at @link, as fr_stp_slot() numbers them. */
static int __init fr_stp_link_slot(unsigned long link)
{
	if (link == (unsigned long)fr_stp_at)
		return -1;
	return (link - (unsigned long)fr_garp_at) / sizeof(*fr_garp_at);
}

/* The slot of @p's address, in garp_protos[] (-1: stp_proto). */
static int __init fr_stp_slot(const struct stp_proto *p)
{
	if (is_zero_ether_addr(p->group_address))
		return -1;
	return p->group_address[5] - FR_GARP_ADDR_MIN;
}

static void __init fr_stp_add(const struct stp_proto *p, int slot,
			      unsigned long *at, struct module *owner)
{
	struct fr_leftover *lo = fr_lo_add(&fr_lo_stp, (void *)p);

	if (!lo)
		return;
	__module_get(owner);
	lo->owner = owner;
	lo->link = (unsigned long)at;
	fr_lo_symbol(lo, (unsigned long)p);
	/* Not where stp_proto_unregister() would clear it. */
	if (fr_stp_slot(p) != slot)
		lo->refuse = FR_UNCHECKED;
}

static int __init fr_find_stp(void)
{
	struct module *owner = fr_get_module(fr_stp_module);
	unsigned long *garp, *stp, v;
	int i, err = 0;

	if (!owner)
		return 0;	/* not loaded: nothing registered */
	garp = fr_lookup_module_data(fr_stp_module, fr_sym_garp,
				     FR_GARP_PROTOS * sizeof(*garp));
	stp = fr_lookup_module_data(fr_stp_module, fr_sym_stp, sizeof(*stp));
	fr_garp_at = garp;
	fr_stp_at = stp;
	if (!garp || !stp || !fr_layout_trusted(FR_LAYOUT_STP)) {
		fr_distrust(FR_LAYOUT_STP);
		err = -ERANGE;
		goto out;
	}
	for (i = 0; i < FR_GARP_PROTOS; i++) {
		v = READ_ONCE(garp[i]);
		if (v && fr_in_target((void *)v))
			fr_stp_add((void *)v, i, &garp[i], owner);
	}
	v = READ_ONCE(*stp);
	if (v && fr_in_target((void *)v))
		fr_stp_add((void *)v, -1, stp, owner);
out:
	module_put(owner);
	return err;
}

static void fr_call_stp_unregister(void *p)
{
	void (*unregister)(const struct stp_proto *p);

	unregister = symbol_get(stp_proto_unregister);
	if (!unregister)
		return;
	unregister(p);
	symbol_put(stp_proto_unregister);
}

static enum fr_why __init fr_undo_stp(struct fr_leftover *lo)
{
	void (*unregister)(const struct stp_proto *p);
	struct mutex *lock;	/* stp_proto_mutex */
	enum fr_why why;

	if (READ_ONCE(*(unsigned long *)lo->link) != (unsigned long)lo->obj)
		return FR_GONE;
	/*
	 * stp_proto_unregister() clears the slot of the address it reads
	 * from the target, unchecked: it must be the slot it was found in.
	 */
	if (fr_stp_slot(lo->obj) != fr_stp_link_slot(lo->link))
		return FR_UNCHECKED;
	lock = fr_lookup_module_data(fr_stp_module, fr_sym_stp_mutex,
				     sizeof(*lock));
	if (!lock)
		return FR_UNCHECKED;
	if (!fr_mutex_free(lock))
		return FR_LOCKED;
	/* Found here, or not done: the call's thread takes it again. */
	unregister = symbol_get(stp_proto_unregister);
	if (!unregister)
		return FR_UNCHECKED;
	why = fr_call_bounded_long(fr_call_stp_unregister, lo->obj);
	symbol_put(stp_proto_unregister);
	if (!why && READ_ONCE(*(unsigned long *)lo->link) == (unsigned long)lo->obj)
		why = FR_UNCHECKED;	/* not cleared after all */
	return why;
}

static void __init fr_put_stp(struct fr_leftover *lo)
{
	module_put(lo->owner);
}

const struct fr_lo_kind fr_lo_stp __initconst = {
	.name = FR_LO_KIND_STP,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_STP,
	.find = fr_find_stp,
	.undo = fr_undo_stp,
	.put = fr_put_stp,
	/* Only its pointer in stp points to it. */
	.explains = fr_lo_slot_explains,
};
