// SPDX-License-Identifier: GPL-2.0
/*
 * load-module FILE [PARAMS...]: load a module from memory with init_module(2).
 *
 * finit_module(2), which busybox and kmod use for an uncompressed .ko, walks
 * the kernel's table of loads in flight (6.5+), which an init crash poisons.
 * The helper is therefore always loaded from memory.  Exit status: 0 loaded,
 * 1 the kernel refused it (errno printed), 2 usage or file error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long size;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > 0 &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc(size)) != NULL &&
	    fread(buf, 1, size, f) != (size_t)size) {
		free(buf);
		buf = NULL;
	}
	*len = buf ? (size_t)size : 0;
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	char params[4096] = "";
	size_t len, used = 0;
	char *image;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: load-module FILE [PARAM=VALUE...]\n");
		return 2;
	}
	for (i = 2; i < argc; i++) {
		int n = snprintf(params + used, sizeof(params) - used, "%s%s",
				 used ? " " : "", argv[i]);

		if (n < 0 || (size_t)n >= sizeof(params) - used) {
			fprintf(stderr, "load-module: parameters too long\n");
			return 2;
		}
		used += n;
	}
	image = read_file(argv[1], &len);
	if (!image) {
		fprintf(stderr, "load-module: %s: cannot read\n", argv[1]);
		return 2;
	}
	if (syscall(SYS_init_module, image, len, params) != 0) {
		fprintf(stderr, "load-module: %s: %s\n", argv[1], strerror(errno));
		free(image);
		return 1;
	}
	free(image);
	return 0;
}
