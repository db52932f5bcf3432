/* SPDX-License-Identifier: GPL-2.0 */
/* arm64: see arch.h. */
#ifndef FR_ARCH_ARM64_H
#define FR_ARCH_ARM64_H

#include <linux/bits.h>
#include <linux/sched.h>
#include <linux/uaccess.h>
#include <asm/compat.h>
#include <asm/memory.h>

/* arch/arm/tools/syscall.tbl: the AArch32 (EABI) numbers. */
#define FR_NR_COMPAT_INIT_MODULE	128
#define FR_NR_COMPAT_DELETE_MODULE	129
#define FR_NR_COMPAT_FINIT_MODULE	379

/*
 * virt_addr_valid() means the linear map only; vmlinux's image is mapped
 * apart (from KIMAGE_VADDR).
 */
#define FR_ARCH_IMAGE_APART	1

/*
 * At an exception boundary the unwinder reports regs->pc and goes on from
 * regs->regs[29]: the interrupted LR (x30) is never reported, and
 * arch_stack_walk_reliable() gives up there for that reason.
 */
#define FR_ARCH_TRACE_COMPLETE	0

/* An AArch32 task's thread flag TIF_32BIT is set from its exec on. */
static inline bool fr_arch_compat_task(struct task_struct *p)
{
#ifdef CONFIG_COMPAT
	return is_compat_thread(task_thread_info(p));
#else
	return false;
#endif
}

static inline long fr_arch_native_nr(long nr)
{
	return nr;
}

/* cpu_switch_to() saves sp in thread.cpu_context. */
static inline unsigned long fr_arch_saved_sp(struct task_struct *p)
{
	return READ_ONCE(p->thread.cpu_context.sp);
}

/*
 * With kernel pointer authentication a function saves its return address
 * signed: the code sits in the bits above the virtual address (but bit 55,
 * which picks the kernel's half).  Taken off, as the kernel's unwinder does,
 * so that a return into the target is seen.  Any other word with bit 55 set
 * can only read as more addresses: a refusal, never a miss.
 */
static inline unsigned long fr_arch_code_word(unsigned long w)
{
#ifdef CONFIG_ARM64_PTR_AUTH_KERNEL
	if (w & BIT_ULL(55))
		w |= GENMASK_ULL(63, vabits_actual);
#endif
	return w;
}

/* HINT instructions that an indirect call (BLR) may land on with BTI. */
#define FR_A64_BTI_C	0xd503245f
#define FR_A64_BTI_JC	0xd50324df
#define FR_A64_PACIASP	0xd503233f
#define FR_A64_PACIBSP	0xd503237f

static inline int fr_arch_landing_pad(const void *fn, const char **what)
{
#ifdef CONFIG_ARM64_BTI_KERNEL
	u32 insn;

	if (copy_from_kernel_nofault(&insn, fn, sizeof(insn)) ||
	    (insn != FR_A64_BTI_C && insn != FR_A64_BTI_JC &&
	     insn != FR_A64_PACIASP && insn != FR_A64_PACIBSP)) {
		*what = "a BTI landing pad";
		return -ENOEXEC;
	}
#endif
	return 0;
}

#endif /* FR_ARCH_ARM64_H */
