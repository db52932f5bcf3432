/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the unit tests of the command share (tests/cli/unit.c, steps.c):
 * CHECK() and CHECK_STR(), which count every check, and put(), which writes
 * a file of the prepared tree under @root.
 */
#ifndef FR_TEST_CHECK_H
#define FR_TEST_CHECK_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int passed, failed;

#define CHECK(cond) do {						\
	if (cond) {							\
		passed++;						\
	} else {							\
		failed++;						\
		fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
	}								\
} while (0)

#define CHECK_STR(got, want) do {					\
	const char *g_ = (got), *w_ = (want);				\
	if (!strcmp(g_, w_)) {						\
		passed++;						\
	} else {							\
		failed++;						\
		fprintf(stderr, "FAIL %s:%d: got\n  %s\nwanted\n  %s\n",	\
			__FILE__, __LINE__, g_, w_);			\
	}								\
} while (0)

static char root[64];

static void put(const char *rel, const char *fmt, ...)
{
	char path[512], *slash;
	va_list ap;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (slash = strchr(path + strlen(root) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	if (!fmt) {
		mkdir(path, 0755);
		return;
	}
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(2);
	}
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
}

#endif
