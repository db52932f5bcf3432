// SPDX-License-Identifier: GPL-2.0
/*
 * hold-lock: take force-rmmod's lock (src/cli/lock.c), say so on stdout,
 * and hold it until killed, so that a guest test can show a second run
 * waiting, and the lock released when its holder dies.  Static.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../../src/cli/lock.h"

int main(void)
{
	int fd = fr_lock_try(FR_LOCK_NAME);

	if (fd < 0) {
		fprintf(stderr, "hold-lock: %s\n", strerror(-fd));
		return 1;
	}
	printf("hold-lock: pid %d holds @%s\n", (int)getpid(), FR_LOCK_NAME);
	fflush(stdout);
	for (;;)
		pause();
}
