// SPDX-License-Identifier: GPL-2.0
/*
 * dm-versions: "dm-versions" asks device-mapper for its target types
 * (DM_LIST_VERSIONS on /dev/mapper/control, which walks their list) and
 * prints each one's name, one a line: what drivers.test uses a target type
 * by.  "dm-versions zero" makes a device of one zero target instead, 8
 * sectors (DM_DEV_CREATE, DM_TABLE_LOAD, DM_DEV_SUSPEND to resume it),
 * reads its 4 KiB through a node of its own, checks they are zeros, and
 * removes it (DM_DEV_REMOVE).  Exit status 0 when all went well, 1 with the
 * error when not.  Static: the guest has no libc.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/dm-ioctl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define CONTROL	"/dev/mapper/control"
#define DEVICE	"frzero"		/* the zero device's name */
#define NODE	"/tmp/frzero"		/* and its node */
#define SECTORS	8

/* The ioctl's header, then its data; aligned as struct dm_ioctl. */
static union {
	struct dm_ioctl dmi;
	char buf[16384];
} io;

/*
 * @cmd (named @what in an error) for the device @name ("": none), the
 * header and data io holds sent, @size bytes; the kernel's answer in io.
 */
static int dm(int fd, unsigned long cmd, const char *what, const char *name,
	      size_t size)
{
	io.dmi.version[0] = DM_VERSION_MAJOR;	/* any minor: 0 */
	io.dmi.version[1] = 0;
	io.dmi.version[2] = 0;
	io.dmi.data_size = size;
	io.dmi.data_start = sizeof(io.dmi);
	strncpy(io.dmi.name, name, sizeof(io.dmi.name) - 1);
	if (ioctl(fd, cmd, &io) == 0)
		return 0;
	fprintf(stderr, "dm-versions: %s: %s\n", what, strerror(errno));
	return 1;
}

static int list(int fd)
{
	struct dm_target_versions *v;
	size_t at;

	memset(&io, 0, sizeof(io));
	if (dm(fd, DM_LIST_VERSIONS, "DM_LIST_VERSIONS", "", sizeof(io)))
		return 1;
	if (io.dmi.flags & DM_BUFFER_FULL_FLAG) {
		fprintf(stderr, "dm-versions: more than %zu bytes\n", sizeof(io));
		return 1;
	}
	/* One record a target type, each ->next bytes after the one before. */
	at = io.dmi.data_start;
	while (at + sizeof(*v) < io.dmi.data_size && at + sizeof(*v) < sizeof(io)) {
		v = (struct dm_target_versions *)(io.buf + at);
		printf("%.*s\n", (int)(sizeof(io) - at - sizeof(*v)), v->name);
		if (!v->next)
			break;
		at += v->next;
	}
	return 0;
}

/* DEVICE: 8 sectors of zeros, read back through NODE. */
static int zero(int fd)
{
	struct dm_target_spec *spec;
	char data[SECTORS * 512];
	dev_t dev;
	int st = 1, b;
	size_t i;

	memset(&io, 0, sizeof(io));
	if (dm(fd, DM_DEV_CREATE, "DM_DEV_CREATE", DEVICE, sizeof(io.dmi)))
		return 1;
	memset(&io, 0, sizeof(io));
	io.dmi.target_count = 1;
	spec = (struct dm_target_spec *)(io.buf + sizeof(io.dmi));
	spec->length = SECTORS;
	memcpy(spec->target_type, "zero", 5);	/* its parameters: "" */
	if (dm(fd, DM_TABLE_LOAD, "DM_TABLE_LOAD", DEVICE,
	       sizeof(io.dmi) + sizeof(*spec) + 8))
		goto out;
	memset(&io, 0, sizeof(io));
	if (dm(fd, DM_DEV_SUSPEND, "resume", DEVICE, sizeof(io.dmi)))
		goto out;
	dev = makedev(major(io.dmi.dev), minor(io.dmi.dev));
	unlink(NODE);
	if (mknod(NODE, S_IFBLK | 0600, dev)) {
		perror("dm-versions: " NODE);
		goto out;
	}
	b = open(NODE, O_RDONLY);
	if (b < 0 || read(b, data, sizeof(data)) != (ssize_t)sizeof(data)) {
		perror("dm-versions: read " NODE);
	} else {
		for (i = 0; i < sizeof(data) && !data[i]; i++)
			;
		st = i != sizeof(data);
		if (st)
			fprintf(stderr, "dm-versions: not zeros at %zu\n", i);
	}
	if (b >= 0)
		close(b);
	unlink(NODE);
out:
	memset(&io, 0, sizeof(io));
	return dm(fd, DM_DEV_REMOVE, "DM_DEV_REMOVE", DEVICE, sizeof(io.dmi)) | st;
}

int main(int argc, char **argv)
{
	int fd, st;

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "zero"))) {
		fprintf(stderr, "usage: dm-versions [zero]\n");
		return 2;
	}
	fd = open(CONTROL, O_RDWR);
	if (fd < 0) {
		perror("dm-versions: " CONTROL);
		return 1;
	}
	st = argc == 2 ? zero(fd) : list(fd);
	close(fd);
	return st;
}
