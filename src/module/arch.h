/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the helper reads differently on each architecture, one small file
 * each (arch_x86.h, arch_arm64.h), every function of the same shape:
 *
 * fr_arch_compat_task(p), FR_NR_COMPAT_{INIT,FINIT,DELETE}_MODULE
 *	is @p a task of the compat ABI (x86's ia32, arm64's AArch32), and
 *	that ABI's numbers of the module system calls (tasks.c matches them).
 * fr_arch_native_nr(nr)
 *	a native system call number without its ABI marks (x32's bit).
 * fr_arch_saved_sp(p)
 *	the stack pointer a task that is not running saved when it switched
 *	out, or 0 when this architecture does not say.
 * fr_arch_code_word(w)
 *	a word of a stack read as a return address: with its pointer
 *	authentication code taken off (arm64), else as it is.
 * FR_ARCH_IMAGE_APART
 *	1 where virt_addr_valid() does not take vmlinux's image (mapped apart
 *	from the linear map): fr_kernel_addr() adds it.
 * FR_ARCH_TRACE_COMPLETE
 *	1 where the unwinder's trace of a sleeping task names every function
 *	it is in; 0 where an exception frame hides the interrupted function's
 *	return address (arm64 reports regs->pc, then continues from the frame
 *	pointer: a leaf the target called, or a function preempted before its
 *	frame record, leaves the target out), so its stack words are read.
 * fr_arch_landing_pad(fn)
 *	can @fn be called indirectly (it starts with ENDBR on x86 with IBT,
 *	with a BTI or PACIxSP on arm64 with kernel BTI)?  0, or -ENOEXEC
 *	naming what it lacks in *@what.
 *
 * Another architecture gets the fallbacks below: no compat ABI is told
 * apart, the whole stack is read, words are compared as they are, and no
 * landing pad is asked for.  Each of them errs towards a refusal (a word
 * more is read), except the compat numbers: there the helper refuses to
 * build (see the #error).
 */
#ifndef FR_ARCH_H
#define FR_ARCH_H

#include <linux/sched.h>

#if defined(CONFIG_X86)
#include "arch_x86.h"
#elif defined(CONFIG_ARM64)
#include "arch_arm64.h"
#elif defined(CONFIG_COMPAT)
#error "force_rmmod: the compat system call numbers of this architecture are not known"
#else
#define FR_ARCH_IMAGE_APART	1
#define FR_ARCH_TRACE_COMPLETE	0

/* No compat ABI: no task is one, and these numbers are never read. */
#define FR_NR_COMPAT_INIT_MODULE	-1
#define FR_NR_COMPAT_DELETE_MODULE	-1
#define FR_NR_COMPAT_FINIT_MODULE	-1

static inline bool fr_arch_compat_task(struct task_struct *p)
{
	return false;
}

static inline long fr_arch_native_nr(long nr)
{
	return nr;
}

static inline unsigned long fr_arch_saved_sp(struct task_struct *p)
{
	return 0;
}

static inline unsigned long fr_arch_code_word(unsigned long w)
{
	return w;
}

static inline int fr_arch_landing_pad(const void *fn, const char **what)
{
	return 0;
}
#endif

#endif /* FR_ARCH_H */
