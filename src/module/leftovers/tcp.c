// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover TCP congestion controls (net/ipv4/tcp_cong.c): those on
 * tcp_cong_list, an RCU list, that the target owns; undone with
 * tcp_unregister_congestion_control().  One in the target that names
 * another module as its owner is refused: its users hold no reference to
 * the target.
 */
#include <linux/rculist.h>
#include <net/tcp.h>

#include "leftovers.h"

static const char fr_sym_tcp[] __initconst = "tcp_cong_list";
static const char fr_sym_tcp_lock[] __initconst = "tcp_cong_list_lock";

static struct list_head *fr_tcp_list __initdata;
static spinlock_t *fr_tcp_lock __initdata;

static void __init fr_lookup_tcp(void)
{
	fr_tcp_list = fr_lookup(FR_LAYOUT_TCP_CONG, fr_sym_tcp, sizeof(*fr_tcp_list));
	fr_tcp_lock = fr_lookup(FR_LAYOUT_TCP_CONG, fr_sym_tcp_lock,
				sizeof(*fr_tcp_lock));
}

static int __init fr_find_tcp(void)
{
	struct tcp_congestion_ops *ca;
	struct fr_leftover *lo;

	if (!IS_ENABLED(CONFIG_INET))
		return -ENOENT;
	if (!fr_tcp_list || !fr_tcp_lock)
		return fr_missing(FR_LAYOUT_TCP_CONG);
	rcu_read_lock();
	list_for_each_entry_rcu(ca, fr_tcp_list, list) {
		if (ca->owner != fr_lo_target->mod && !fr_in_target(ca))
			continue;
		lo = fr_lo_add(&fr_lo_tcp, ca);
		if (!lo)
			break;
		lo->size = sizeof(*ca);
		strscpy(lo->name, ca->name, sizeof(lo->name));
		/* Its users hold no reference to the target: not undone. */
		if (ca->owner != fr_lo_target->mod)
			lo->refuse = FR_UNCHECKED;
	}
	rcu_read_unlock();
	return 0;
}

static bool __init fr_tcp_listed(const void *obj)
{
	struct tcp_congestion_ops *ca;
	bool listed = false;

	rcu_read_lock();
	list_for_each_entry_rcu(ca, fr_tcp_list, list)
		listed |= ca == obj && (ca->owner == fr_lo_target->mod ||
					fr_in_target(ca));
	rcu_read_unlock();
	return listed;
}

static enum fr_why __init fr_undo_tcp(struct fr_leftover *lo)
{
	if (!fr_tcp_listed(lo->obj))
		return FR_GONE;
	if (!fr_spin_free(fr_tcp_lock))
		return FR_LOCKED;
#if IS_ENABLED(CONFIG_INET)
	tcp_unregister_congestion_control(lo->obj);
#endif
	return FR_OK;
}

/*
 * Only the list's links to its node are explained: a socket's icsk_ca_ops
 * (or a namespace's default) points to it too, and is a user.
 */
static bool __init fr_tcp_explains(const struct fr_leftover *lo,
				   unsigned long where, unsigned long v)
{
	struct tcp_congestion_ops *ca = lo->obj;

	return v - (unsigned long)&ca->list < sizeof(ca->list);
}

const struct fr_lo_kind fr_lo_tcp __initconst = {
	.name = FR_LO_KIND_TCP,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_TCP,
	.lookup = fr_lookup_tcp,
	.find = fr_find_tcp,
	.undo = fr_undo_tcp,
	.explains = fr_tcp_explains,
};
