// SPDX-License-Identifier: GPL-2.0
/*
 * Where the command meets the kernel: the two system calls that change
 * modules (loading the helper, removing a module) and the kernel log the
 * helper answers in.  Alone in this file so that the unit tests of the
 * command's steps (tests/cli/steps.c) link a fake kernel in its place, as
 * kmod's testsuite traps these calls.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fr.h"

/* init_module(2), from memory; never finit_module(2) (see helper.c). */
int fr_helper_load(const void *image, size_t len, const char *params)
{
	if (syscall(SYS_init_module, image, len, params) != 0)
		return -errno;
	return 0;
}

/* delete_module(2) as rmmod does it: O_NONBLOCK, never forced. */
int fr_module_remove(const char *name)
{
	if (syscall(SYS_delete_module, name, O_NONBLOCK) != 0)
		return -errno;
	return 0;
}

/* drivers/char/mem.c: /dev/kmsg is character device 1:11. */
#define FR_KMSG_MAJOR	1
#define FR_KMSG_MINOR	11

/*
 * The kernel log @root/dev/kmsg, at its end; -ENODEV if it is another file
 * (hidden), as it is in a prepared tree.
 */
int fr_kmsg_open(const char *root)
{
	char path[4096];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/dev/kmsg", root);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) ||
	    st.st_rdev != makedev(FR_KMSG_MAJOR, FR_KMSG_MINOR)) {
		close(fd);
		return -ENODEV;
	}
	if (lseek(fd, 0, SEEK_END) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}
