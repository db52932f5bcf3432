// SPDX-License-Identifier: GPL-2.0
/*
 * Who uses a block device, as userspace sees it (see blockusers.h), and the
 * helper's account of a target's references.
 *
 * A disk's devices are the disk and its partitions: the subdirectories of
 * /sys/class/block/DISK that have a "partition" file.  Each has a "dev" file
 * ("MAJ:MIN"), which /proc/self/mountinfo shows for filesystems on block
 * devices; /proc/swaps shows the swap area's file name, matched by its last
 * component or, where it is a device node, by its device number.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "blockusers.h"
#include "../module/contract.h"

struct fr_blockdev {
	char name[FR_DISK_NAME_MAX];
	unsigned int major, minor;
};

struct fr_uses {
	struct fr_block_use *uses;
	int max, n;
};

static void fr_bu_copy(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void fr_uses_add(struct fr_uses *u, enum fr_block_use_kind kind,
			const char *dev, const char *where, const char *fstype)
{
	struct fr_block_use *use;

	if (u->n++ >= u->max)
		return;
	use = &u->uses[u->n - 1];
	use->kind = kind;
	fr_bu_copy(use->dev, sizeof(use->dev), dev);
	fr_bu_copy(use->where, sizeof(use->where), where);
	fr_bu_copy(use->fstype, sizeof(use->fstype), fstype ? fstype : "");
}

/* A name as /sys/class/block has it: no slash, not "." or "..". */
static int fr_disk_name_ok(const char *name)
{
	size_t len = strlen(name);

	return len && len < FR_DISK_NAME_MAX && !strchr(name, '/') &&
	       strcmp(name, ".") && strcmp(name, "..");
}

static int fr_read_dev(const char *root, const char *rel, unsigned int *major,
		       unsigned int *minor)
{
	char path[4096];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/sys/class/block/%s/dev", root, rel);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	ok = fscanf(f, "%u:%u", major, minor) == 2;
	fclose(f);
	return ok ? 0 : -EINVAL;
}

/* The disk, then its partitions; returns how many, or -errno. */
static int fr_disk_devices(const char *root, const char *disk,
			   struct fr_blockdev *devs, int max)
{
	char path[4096], rel[FR_DISK_NAME_MAX + 260];
	struct dirent *de;
	struct stat st;
	DIR *dir;
	int n = 0, ret;

	ret = fr_read_dev(root, disk, &devs[0].major, &devs[0].minor);
	if (ret)
		return ret == -EINVAL ? ret : -ENOENT;
	fr_bu_copy(devs[n++].name, FR_DISK_NAME_MAX, disk);

	snprintf(path, sizeof(path), "%s/sys/class/block/%s", root, disk);
	dir = opendir(path);
	if (!dir)
		return n;
	while ((de = readdir(dir)) != NULL && n < max) {
		if (!fr_disk_name_ok(de->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/sys/class/block/%s/%s/partition",
			 root, disk, de->d_name);
		if (stat(path, &st))
			continue;
		snprintf(rel, sizeof(rel), "%s/%s", disk, de->d_name);
		if (fr_read_dev(root, rel, &devs[n].major, &devs[n].minor))
			continue;
		fr_bu_copy(devs[n++].name, FR_DISK_NAME_MAX, de->d_name);
	}
	closedir(dir);
	return n;
}

/* Undo the octal escapes (\040 for a space) of /proc/swaps and mountinfo. */
static void fr_unescape(char *s)
{
	char *out = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 |
					(s[3] - '0'));
			s += 4;
		} else {
			*out++ = *s++;
		}
	}
	*out = '\0';
}

static const char *fr_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* Which of @devs @path names: by its last component, or as a device node. */
static const struct fr_blockdev *fr_match_path(const char *root,
					       const char *path,
					       const struct fr_blockdev *devs,
					       int n)
{
	char full[4096];
	struct stat st;
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(fr_basename(path), devs[i].name))
			return &devs[i];
	if (path[0] != '/')
		return NULL;
	snprintf(full, sizeof(full), "%s%s", root, path);
	if (stat(full, &st) || !S_ISBLK(st.st_mode))
		return NULL;
	for (i = 0; i < n; i++)
		if (major(st.st_rdev) == devs[i].major &&
		    minor(st.st_rdev) == devs[i].minor)
			return &devs[i];
	return NULL;
}

/* /proc/swaps: "Filename Type Size Used Priority", then one line each. */
static void fr_find_swaps(const char *root, const struct fr_blockdev *devs,
			  int n, struct fr_uses *u)
{
	char path[4096], line[4096], name[4096];
	const struct fr_blockdev *dev;
	FILE *f;

	snprintf(path, sizeof(path), "%s/proc/swaps", root);
	f = fopen(path, "re");
	if (!f)
		return;		/* no swap support */
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Filename", 8) ||
		    sscanf(line, "%4095s", name) != 1)
			continue;
		fr_unescape(name);
		dev = fr_match_path(root, name, devs, n);
		if (dev)
			fr_uses_add(u, FR_BLOCK_SWAP, dev->name, name, NULL);
	}
	fclose(f);
}

/*
 * /proc/self/mountinfo: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS
 * [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS".  A filesystem on a block
 * device has its number; one that keeps its own (btrfs) is matched by its
 * source.
 */
static void fr_find_mounts(const char *root, const struct fr_blockdev *devs,
			   int n, struct fr_uses *u)
{
	char path[4096], line[8192], point[4096], fstype[64], source[4096];
	const struct fr_blockdev *dev;
	unsigned int maj, min;
	const char *sep;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "%s/proc/self/mountinfo", root);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*d %*d %u:%u %*s %4095s", &maj, &min, point) != 3)
			continue;
		sep = strstr(line, " - ");
		if (!sep || sscanf(sep + 3, "%63s %4095s", fstype, source) != 2)
			continue;
		fr_unescape(point);
		fr_unescape(source);
		dev = NULL;
		for (i = 0; i < n && !dev; i++)
			if (devs[i].major == maj && devs[i].minor == min)
				dev = &devs[i];
		if (!dev)
			dev = fr_match_path(root, source, devs, n);
		if (dev)
			fr_uses_add(u, FR_BLOCK_MOUNT, dev->name, point, fstype);
	}
	fclose(f);
}

/* /sys/class/block/DEV/holders/: the devices stacked on DEV. */
static void fr_find_holders(const char *root, const struct fr_blockdev *devs,
			    int n, struct fr_uses *u)
{
	char path[4096];
	struct dirent *de;
	DIR *dir;
	int i;

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/sys/class/block/%s/holders",
			 root, devs[i].name);
		dir = opendir(path);
		if (!dir)
			continue;
		while ((de = readdir(dir)) != NULL)
			if (fr_disk_name_ok(de->d_name))
				fr_uses_add(u, FR_BLOCK_HOLDER, devs[i].name,
					    de->d_name, NULL);
		closedir(dir);
	}
}

int fr_block_uses(const char *root, const char *disk,
		  struct fr_block_use *uses, int max)
{
	struct fr_blockdev *devs;
	struct fr_uses u = { .uses = uses, .max = max };
	int n;

	if (!fr_disk_name_ok(disk))
		return -EINVAL;
	devs = calloc(FR_MAX_PARTITIONS + 1, sizeof(*devs));
	if (!devs)
		return -ENOMEM;
	n = fr_disk_devices(root, disk, devs, FR_MAX_PARTITIONS + 1);
	if (n > 0) {
		fr_find_swaps(root, devs, n, &u);
		fr_find_mounts(root, devs, n, &u);
		fr_find_holders(root, devs, n, &u);
	}
	free(devs);
	return n < 0 ? n : u.n;
}

const char *fr_block_use_kind_name(enum fr_block_use_kind kind)
{
	switch (kind) {
	case FR_BLOCK_SWAP:
		return "swap";
	case FR_BLOCK_MOUNT:
		return "mount";
	default:
		return "holder";
	}
}

int fr_block_use_text(const struct fr_block_use *use, char *buf, size_t size)
{
	switch (use->kind) {
	case FR_BLOCK_SWAP:
		return snprintf(buf, size, "%s is swap (%s)", use->dev, use->where);
	case FR_BLOCK_MOUNT:
		return snprintf(buf, size, "%s is mounted on %s (%s)", use->dev,
				use->where, use->fstype);
	default:
		return snprintf(buf, size, "%s is held by %s", use->dev, use->where);
	}
}

int fr_block_user_disk(const char *text, char disk[FR_DISK_NAME_MAX])
{
	size_t len = strlen(FR_USER_BLOCKDEV), n;
	const char *name = text + len;

	if (strncmp(text, FR_USER_BLOCKDEV, len))
		return -EINVAL;
	n = strcspn(name, " ");
	if (!n || n >= FR_DISK_NAME_MAX || strncmp(name + n, " open (", 7))
		return -EINVAL;
	memcpy(disk, name, n);
	disk[n] = '\0';
	return fr_disk_name_ok(disk) ? 0 : -EINVAL;
}

int fr_refs_line_parse(const char *text, struct fr_refs *r)
{
	int end = 0;

	memset(r, 0, sizeof(*r));
	if (sscanf(text, FR_REFS_FMT "%n", &r->total, &r->holders, &r->files,
		   &r->mounts, &r->sockets, &r->blockdevs, &r->ttys, &r->crypto,
		   &r->ops, &r->loader, &r->unexplained, &end) != 11 || !end ||
	    (text[end] && strcmp(text + end, "\n")))
		return -EINVAL;
	return 0;
}

int fr_refs_explained(const struct fr_refs *r)
{
	return r->holders + r->files + r->mounts + r->sockets + r->blockdevs +
	       r->ttys + r->crypto + r->ops + r->loader;
}
