// SPDX-License-Identifier: GPL-2.0
/*
 * Expedited removal
 *
 * Every delete_module() waits for one RCU grace period, holding module_mutex
 * (free_module()), so removing the targets one after another costs one grace
 * period each: most of a rescue's time (about 15 ms each, measured under QEMU
 * TCG).  After a repair, grace periods are expedited with rcu_expedite_gp(),
 * a nesting request the kernel itself makes while booting, until this module
 * is removed, and for FR_EXPEDITE_MS at most if it is left loaded: expedited
 * grace periods interrupt every CPU, which a system should not have to bear
 * for longer.  rcupdate.rcu_normal=1 overrides it; PREEMPT_RT sets it after
 * boot (rcupdate.rcu_normal_after_boot): then nothing is asked, and the log
 * says so.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/jiffies.h>
#include <linux/workqueue.h>

#include "force_rmmod.h"
#include "kernel_private.h"

#define FR_EXPEDITE_MS		10000

static atomic_t fr_expedited = ATOMIC_INIT(0);

static void fr_unexpedite(struct work_struct *work)
{
	if (atomic_xchg(&fr_expedited, 0))
		rcu_unexpedite_gp();
}

static DECLARE_DELAYED_WORK(fr_expedite_work, fr_unexpedite);

void __init fr_expedite(void)
{
	if (rcu_gp_is_normal()) {
		pr_info("removals not expedited: rcu_normal is set (PREEMPT_RT sets it)\n");
		return;
	}
	atomic_set(&fr_expedited, 1);
	rcu_expedite_gp();
	schedule_delayed_work(&fr_expedite_work,
			      msecs_to_jiffies(FR_EXPEDITE_MS));
}

/* From the helper's exit: stop expediting now if it still does. */
void fr_expedite_stop(void)
{
	cancel_delayed_work_sync(&fr_expedite_work);
	fr_unexpedite(NULL);
}
