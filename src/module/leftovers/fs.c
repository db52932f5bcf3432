// SPDX-License-Identifier: GPL-2.0
/*
 * Leftover filesystem types (fs/filesystems.c): types on file_systems whose
 * owner is the target, found by lookup.c's fr_fs_owned(), the walk users.c
 * makes too: a list through ->next under an rwlock (FR_FS_NEXT, up to
 * 6.12), an RCU hlist under a spinlock since (7.2, 7.3).  The lock is
 * looked up here only to be tried before the undo, unregister_filesystem().
 * A type with a superblock (mounted) is refused.
 */
#include <linux/fs.h>

#include "leftovers.h"

static const char fr_sym_fs[] __initconst = "file_systems";
static const char fr_sym_fs_lock[] __initconst = "file_systems_lock";

#ifdef FR_FS_NEXT
static rwlock_t *fr_fs_lock __initdata;
#else
static spinlock_t *fr_fs_lock __initdata;
#endif

static void __init fr_lookup_fs(void)
{
	fr_fs_lock = fr_lookup(FR_LAYOUT_FILE_SYSTEMS, fr_sym_fs_lock,
			       sizeof(*fr_fs_lock));
}

static void __init fr_fs_found(struct file_system_type *fs)
{
	struct fr_leftover *lo;

	lo = fr_lo_add(&fr_lo_fs, fs);
	if (!lo)
		return;
	lo->size = sizeof(*fs);
	strscpy(lo->name, fs->name, sizeof(lo->name));
	/* unregister_filesystem() while a superblock lives would free its type. */
	if (!hlist_empty(&fs->fs_supers))
		lo->refuse = FR_MOUNTED;
}

static int __init fr_find_fs(void)
{
	struct file_system_type *owned[FR_MAX_FS];
	int i, n;

	if (!fr_fs_lock)
		return fr_missing(FR_LAYOUT_FILE_SYSTEMS);	/* said so */
	n = fr_fs_owned(fr_lo_target->mod, owned, FR_MAX_FS);
	if (n == -ENOENT)
		fr_not_looked_at(fr_sym_fs);
	if (n < 0)
		return n;
	for (i = 0; i < n && i < FR_MAX_FS; i++)
		fr_fs_found(owned[i]);
	return n > FR_MAX_FS ? -E2BIG : 0;
}

/* unregister_filesystem() takes file_systems_lock unconditionally. */
static enum fr_why __init fr_undo_fs(struct fr_leftover *lo)
{
	struct file_system_type *fs = lo->obj;

#ifdef FR_FS_NEXT
	if (!fr_rwlock_free(fr_fs_lock))
		return FR_LOCKED;
#else
	if (!fr_spin_free(fr_fs_lock))
		return FR_LOCKED;
#endif
	if (!hlist_empty(&fs->fs_supers))
		return FR_MOUNTED;
	return unregister_filesystem(fs) ? FR_GONE : FR_OK;
}

const struct fr_lo_kind fr_lo_fs __initconst = {
	.name = FR_LO_KIND_FS,
	.action = FR_LO_ACT_UNREGISTER,
	.done = FR_LOG_UNDONE_FS,
	.lookup = fr_lookup_fs,
	.find = fr_find_fs,
	.undo = fr_undo_fs,
};
