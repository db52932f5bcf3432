// SPDX-License-Identifier: GPL-2.0
/*
 * many-threads N FILE [FDS]: start N threads, each with its own file table
 * (unshare(CLONE_FILES)) holding FILE open, say "N threads" on stdout once
 * all run, and sleep until killed.  With FDS, FILE is first opened FDS
 * times more (the limit of open files raised for it: root only), so that
 * each thread's table holds FDS + 1 descriptors.  The guest tests make the helper's walks
 * over every thread long, and its users many, with it.  Static: the guest
 * has no libc.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static const char *path;
static long started;

static void *sleeper(void *arg)
{
	(void)arg;
	if (unshare(CLONE_FILES) || open(path, O_RDONLY) < 0)
		_exit(1);
	pthread_mutex_lock(&lock);
	started++;
	pthread_cond_signal(&cond);
	pthread_mutex_unlock(&lock);
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_attr_t attr;
	pthread_t t;
	long i, n = argc >= 3 ? strtol(argv[1], NULL, 10) : 0;
	long fds = argc == 4 ? strtol(argv[3], NULL, 10) : 0;
	struct rlimit rl;

	if (n <= 0 || argc > 4 || fds < 0) {
		fprintf(stderr, "usage: many-threads N FILE [FDS]\n");
		return 2;
	}
	path = argv[2];
	if (fds) {
		rl.rlim_cur = fds + 64;
		rl.rlim_max = fds + 64;
		if (setrlimit(RLIMIT_NOFILE, &rl)) {
			perror("many-threads: setrlimit");
			return 1;
		}
		for (i = 0; i < fds; i++) {
			if (open(path, O_RDONLY) < 0) {
				perror("many-threads: open");
				return 1;
			}
		}
	}
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	for (i = 0; i < n; i++) {
		if (pthread_create(&t, &attr, sleeper, NULL)) {
			fprintf(stderr, "many-threads: %ld started\n", i);
			return 1;
		}
	}
	pthread_mutex_lock(&lock);
	while (started < n)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	printf("%ld threads\n", n);
	fflush(stdout);
	for (;;)
		pause();
}
