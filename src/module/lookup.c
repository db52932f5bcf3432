// SPDX-License-Identifier: GPL-2.0
/*
 * Private kernel data found by name
 *
 * module_mutex, the loader's table and the filesystem list are not exported.
 * Find them through kallsyms without calling a looked-up address (which IBT
 * would also forbid): registering a kprobe on a data symbol fails, but the
 * kprobe core resolves the name first and leaves the address in kp.addr.
 * Trust it only if sprint_symbol() names exactly @name+0x0 in the kernel
 * proper (no "[module]" suffix) and the symbol spans at least @size bytes.
 * Nothing looked up is ever called.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/mutex.h>
#include <linux/string.h>

#include "force_rmmod.h"

void * __init fr_lookup_data(const char *name, size_t size)
{
	struct kprobe kp = { .symbol_name = name };
	char sym[KSYM_SYMBOL_LEN];
	size_t len = strlen(name);
	unsigned long span;

	if (!register_kprobe(&kp)) {
		/* Probeable means text, not the data we asked for. */
		unregister_kprobe(&kp);
		return NULL;
	}
	if (!kp.addr)
		return NULL;
	sprint_symbol(sym, (unsigned long)kp.addr);
	if (strncmp(sym, name, len) || strncmp(sym + len, "+0x0/", 5) ||
	    strchr(sym, '[') || kstrtoul(sym + len + 5, 0, &span) ||
	    span < size)
		return NULL;
	return kp.addr;
}

/* kernel/module/main.c: guards the module list and every module's state. */
static struct mutex *fr_module_mutex __initdata;

void __init fr_find_module_mutex(void)
{
	fr_module_mutex = fr_lookup_data("module_mutex",
					 sizeof(*fr_module_mutex));
	if (!fr_module_mutex)
		pr_warn("module_mutex not found: working without it\n");
}

void __init fr_lock_modules(void)
{
	if (fr_module_mutex)
		mutex_lock(fr_module_mutex);
}

void __init fr_unlock_modules(void)
{
	if (fr_module_mutex)
		mutex_unlock(fr_module_mutex);
}
