/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Functions the kernel exports to modules without declaring them in a public
 * header (each one is checked against Module.symvers by "make check"), and
 * copies of structures the kernel keeps private (each one named, with the
 * releases it was checked against, in lookup.c's table of layouts).
 */
#ifndef FR_KERNEL_PRIVATE_H
#define FR_KERNEL_PRIVATE_H

#include <linux/list.h>

/* kernel/rcu/rcu.h; EXPORT_SYMBOL_GPL since Linux 3.19 (for rcutorture). */
void rcu_expedite_gp(void);
void rcu_unexpedite_gp(void);
bool rcu_gp_is_normal(void);	/* rcupdate.rcu_normal in effect */

/*
 * One module using another's symbols, on the used module's source_list.
 * Public in <linux/module.h> until 6.16; since 6.17 private to
 * kernel/module/internal.h, copied here (FR_LAYOUT_MODULE_USE: trusted
 * only in its checked range).  FR_HAVE_MODULE_USE comes from Kbuild.
 */
#ifndef FR_HAVE_MODULE_USE
struct module;

struct module_use {
	struct list_head source_list;
	struct list_head target_list;
	struct module *source, *target;
};
#endif

#endif
