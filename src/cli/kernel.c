// SPDX-License-Identifier: GPL-2.0
/*
 * The two system calls of the command that change the kernel's modules:
 * loading the helper and removing a module.  Alone in this file so that the
 * unit tests of the command's steps (tests/cli/steps.c) link a fake kernel
 * in its place, as kmod's testsuite traps these calls.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
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
