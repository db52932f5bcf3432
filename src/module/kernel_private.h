/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Functions the kernel exports to modules without declaring them in a public
 * header.  Each one is checked against Module.symvers by "make check".
 */
#ifndef FR_KERNEL_PRIVATE_H
#define FR_KERNEL_PRIVATE_H

/* kernel/rcu/rcu.h; EXPORT_SYMBOL_GPL since Linux 3.19 (for rcutorture). */
void rcu_expedite_gp(void);
void rcu_unexpedite_gp(void);

#endif
