/* SPDX-License-Identifier: GPL-2.0 */
/* x86-64: see arch.h. */
#ifndef FR_ARCH_X86_H
#define FR_ARCH_X86_H

#include <linux/sched.h>
#include <linux/uaccess.h>
#ifdef CONFIG_X86_KERNEL_IBT
#include <asm/ibt.h>
#endif

/* arch/x86/entry/syscalls/syscall_32.tbl: the ia32 numbers. */
#define FR_NR_COMPAT_INIT_MODULE	128
#define FR_NR_COMPAT_DELETE_MODULE	129
#define FR_NR_COMPAT_FINIT_MODULE	350

/* virt_addr_valid() takes vmlinux's image too. */
#define FR_ARCH_IMAGE_APART	0

/* ORC, and every call pushes its return address. */
#define FR_ARCH_TRACE_COMPLETE	1

/*
 * An ia32 task (int 0x80, sysenter) has TS_COMPAT set from its entry until
 * its return to user mode, so it is reliable for a sleeping task; its
 * numbers are ia32's (313 is splice there).
 */
static inline bool fr_arch_compat_task(struct task_struct *p)
{
#ifdef CONFIG_IA32_EMULATION
	return READ_ONCE(task_thread_info(p)->status) & TS_COMPAT;
#else
	return false;
#endif
}

/* An x32 task's numbers carry __X32_SYSCALL_BIT; the module calls are common. */
static inline long fr_arch_native_nr(long nr)
{
#ifdef __X32_SYSCALL_BIT
	nr &= ~(long)__X32_SYSCALL_BIT;
#endif
	return nr;
}

/* __switch_to_asm() saves sp in thread.sp. */
static inline unsigned long fr_arch_saved_sp(struct task_struct *p)
{
	return READ_ONCE(p->thread.sp);
}

static inline unsigned long fr_arch_code_word(unsigned long w)
{
	return w;
}

static inline int fr_arch_landing_pad(const void *fn, const char **what)
{
#ifdef CONFIG_X86_KERNEL_IBT
	u32 insn;

	if (copy_from_kernel_nofault(&insn, fn, sizeof(insn)) || insn != gen_endbr()) {
		*what = "ENDBR";
		return -ENOEXEC;
	}
#endif
	return 0;
}

#endif /* FR_ARCH_X86_H */
