/* SPDX-License-Identifier: GPL-2.0 */
/*
 * blockusers.c: who uses a module's block devices and how many of its
 * references the rescue module could explain.
 *
 * The rescue module names a target's open block devices ("user: block device
 * zram0 open (1)") and ttys, and counts its references ("references N: ...").
 * A block device is opened by the block layer for whoever uses it, so the
 * kernel cannot say by whom; userspace can, for the usual cases:
 *
 *   swap          /proc/swaps
 *   mount         /proc/self/mountinfo (device number, or the source's name)
 *   holder        /sys/class/block/DEV/holders/ (device mapper, md, bcache)
 *
 * of the disk and of each of its partitions.  Functions return 0, a count or
 * a negative errno and print nothing; everything they read is under @root
 * ("" for the real system), so that the unit tests run on prepared trees.
 */
#ifndef FR_BLOCKUSERS_H
#define FR_BLOCKUSERS_H

#include <stddef.h>

#define FR_DISK_NAME_MAX	32	/* the kernel's DISK_NAME_LEN */
#define FR_MAX_BLOCK_USES	16
#define FR_MAX_PARTITIONS	64

enum fr_block_use_kind {
	FR_BLOCK_SWAP,		/* swapped on: where = the swap area's file name */
	FR_BLOCK_MOUNT,		/* mounted: where = the mount point */
	FR_BLOCK_HOLDER,	/* stacked: where = the holding device ("dm-0") */
};

struct fr_block_use {
	enum fr_block_use_kind kind;
	char dev[FR_DISK_NAME_MAX];	/* the disk or partition used: "loop0p1" */
	char where[256];
	char fstype[32];		/* FR_BLOCK_MOUNT: "vfat" */
};

/*
 * The uses of @disk (a whole disk's name, as in /sys/class/block) and of its
 * partitions.  Stores up to @max in @uses and returns how many there are
 * (more than @max: some were left out), or -ENOENT when @root has no such
 * disk, -EINVAL for a name that is not one.
 */
int fr_block_uses(const char *root, const char *disk,
		  struct fr_block_use *uses, int max);

/* "swap", "mount", "holder": the JSON word for a kind. */
const char *fr_block_use_kind_name(enum fr_block_use_kind kind);

/*
 * One use as a line of text: "zram0 is swap (/dev/zram0)", "loop0 is mounted
 * on /mnt (vfat)", "sdb1 is held by dm-0".  Returns snprintf()'s length.
 */
int fr_block_use_text(const struct fr_block_use *use, char *buf, size_t size);

/*
 * The disk named by a helper user line's text ("block device zram0 open
 * (1)", the text after "user: "): 0 and the name in @disk, or -EINVAL for
 * another kind of user.
 */
int fr_block_user_disk(const char *text, char disk[FR_DISK_NAME_MAX]);

/*
 * The helper's reference count of a target, explained by kind:
 * "references N: holders H, files F, mounts M, sockets S, block devices B,
 * ttys T, crypto C, ops O, loader L; unexplained U" (the text after "NAME: ").
 */
struct fr_refs {
	int total;		/* module_refcount() */
	int holders;		/* modules using its symbols */
	int files;		/* open files it drives, one per struct file */
	int mounts;		/* superblocks of its filesystem types */
	int sockets;		/* its sockets: proto_ops and struct proto, 2 each at most */
	int blockdevs;		/* opens of its block devices */
	int ttys;		/* its ttys in use */
	int crypto;		/* uses of its crypto algorithms */
	int ops;		/* held through a table of operations it lends */
	int loader;		/* the loader's own while init runs */
	int unexplained;
};
int fr_refs_line_parse(const char *text, struct fr_refs *refs);
int fr_refs_explained(const struct fr_refs *refs);

#endif
