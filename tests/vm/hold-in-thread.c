// SPDX-License-Identifier: GPL-2.0
/*
 * hold-in-thread FILE: open FILE in a second thread that has its own file
 * table (unshare(CLONE_FILES)), so that the process's own table does not
 * have it; say so on stdout and keep it open until killed.  The guest tests
 * check that the helper looks for users in every thread's file table.
 * Static: the guest has no libc.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *path;

static void *holder(void *arg)
{
	int fd;

	(void)arg;
	if (unshare(CLONE_FILES)) {
		fprintf(stderr, "hold-in-thread: unshare: %s\n", strerror(errno));
		_exit(1);
	}
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "hold-in-thread: %s: %s\n", path, strerror(errno));
		_exit(1);
	}
	printf("hold-in-thread: pid %d thread %ld holds fd %d\n", (int)getpid(),
	       (long)syscall(SYS_gettid), fd);
	fflush(stdout);
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;

	if (argc != 2) {
		fprintf(stderr, "usage: hold-in-thread FILE\n");
		return 2;
	}
	path = argv[1];
	if (pthread_create(&t, NULL, holder, NULL)) {
		fprintf(stderr, "hold-in-thread: pthread_create failed\n");
		return 1;
	}
	for (;;)
		pause();
}
