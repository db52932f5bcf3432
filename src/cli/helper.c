// SPDX-License-Identifier: GPL-2.0
/*
 * The rescue module force_rmmod.ko: found through the modules index of the
 * running kernel (depmod's modules.dep), as DKMS installs it, possibly
 * compressed; read and decompressed into memory, its version read; loaded
 * with init_module(2) (kernel.c).
 *
 * Never finit_module(2): since Linux 6.5 it records each load in a table
 * that a crashed init leaves poisoned, and a crashed init is what we rescue.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "fr.h"

#define FR_IMAGE_MAX	(256u << 20)	/* no module is that big */

/*
 * The modules index is depmod's modules.dep: one line per module, "PATH:"
 * and its dependencies, PATH relative to the release's directory (or
 * absolute).  libkmod reads the same index from modules.dep.bin, which depmod
 * writes in the same run; we read the text form because force-rmmod is
 * linked statically (a rescue is a few system calls, and a dynamic start
 * costs more than all of them under emulation) and Debian ships no static
 * libkmod.  A module's name is its file name up to the first dot, with '-'
 * read as '_', as kmod derives it.
 */
static bool fr_dep_path_is(const char *path, size_t len, const char *name)
{
	const char *base = memrchr(path, '/', len);
	size_t n = strlen(name);

	base = base ? base + 1 : path;
	len -= base - path;
	if (len <= n || base[n] != '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if ((base[i] == '-' ? '_' : base[i]) != name[i])
			return false;
	return true;
}

/*
 * The path of force_rmmod in @root/lib/modules/@release's index: -ENOENT
 * when it is not there (or the index is missing or the path too long).
 */
int fr_helper_find(const char *root, const char *release, char *path, size_t size)
{
	char dir[4096], *line = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *dep;
	int ret = -ENOENT;

	snprintf(dir, sizeof(dir), "%s/lib/modules/%s", root, release);
	snprintf(path, size, "%s/modules.dep", dir);
	dep = fopen(path, "re");
	if (!dep)
		return -ENOENT;
	while ((len = getline(&line, &cap, dep)) > 0) {
		char *colon = memchr(line, ':', len);

		if (!colon || !fr_dep_path_is(line, colon - line, FR_HELPER_NAME))
			continue;
		*colon = '\0';
		if ((size_t)snprintf(path, size, "%s%s%s", line[0] == '/' ? root : dir,
				     line[0] == '/' ? "" : "/", line) < size)
			ret = 0;
		break;
	}
	free(line);
	fclose(dep);
	return ret;
}

static int fr_grow(uint8_t **buf, size_t *cap, size_t want)
{
	uint8_t *n;

	if (want > FR_IMAGE_MAX)
		return -EFBIG;
	if (want <= *cap)
		return 0;
	if (want < *cap * 2)
		want = *cap * 2;
	if (want > FR_IMAGE_MAX)
		want = FR_IMAGE_MAX;
	n = realloc(*buf, want);
	if (!n)
		return -ENOMEM;
	*buf = n;
	*cap = want;
	return 0;
}

static int fr_unxz(const uint8_t *in, size_t len, uint8_t **out, size_t *outlen)
{
	lzma_stream s = LZMA_STREAM_INIT;
	size_t cap = 0;
	lzma_ret r;
	int ret;

	if (lzma_stream_decoder(&s, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
		return -ENOMEM;
	s.next_in = in;
	s.avail_in = len;
	do {
		ret = fr_grow(out, &cap, s.total_out + 65536);
		if (ret)
			break;
		s.next_out = *out + s.total_out;
		s.avail_out = cap - s.total_out;
		r = lzma_code(&s, LZMA_FINISH);
		if (r != LZMA_OK && r != LZMA_STREAM_END)
			ret = -EBADMSG;
	} while (!ret && r != LZMA_STREAM_END);
	*outlen = s.total_out;
	lzma_end(&s);
	return ret;
}

static int fr_unzstd(const uint8_t *in, size_t len, uint8_t **out, size_t *outlen)
{
	ZSTD_DStream *s = ZSTD_createDStream();
	ZSTD_inBuffer ib = { in, len, 0 };
	size_t cap = 0, r = 1;
	int ret = 0;

	if (!s)
		return -ENOMEM;
	*outlen = 0;
	while (r != 0) {
		ZSTD_outBuffer ob;

		ret = fr_grow(out, &cap, *outlen + 65536);
		if (ret)
			break;
		ob.dst = *out + *outlen;
		ob.size = cap - *outlen;
		ob.pos = 0;
		r = ZSTD_decompressStream(s, &ob, &ib);
		*outlen += ob.pos;
		if (ZSTD_isError(r) || (ib.pos == ib.size && ob.pos == 0 && r)) {
			ret = -EBADMSG;	/* corrupt or truncated */
			break;
		}
	}
	ZSTD_freeDStream(s);
	return ret;
}

static int fr_gunzip(const uint8_t *in, size_t len, uint8_t **out, size_t *outlen)
{
	z_stream s;
	size_t cap = 0;
	int r = Z_OK, ret = 0;

	memset(&s, 0, sizeof(s));
	if (inflateInit2(&s, 16 + MAX_WBITS) != Z_OK)
		return -ENOMEM;
	s.next_in = (Bytef *)in;
	s.avail_in = len > UINT32_MAX ? UINT32_MAX : len;
	while (r != Z_STREAM_END) {
		ret = fr_grow(out, &cap, s.total_out + 65536);
		if (ret)
			break;
		s.next_out = *out + s.total_out;
		s.avail_out = cap - s.total_out;
		r = inflate(&s, Z_NO_FLUSH);
		if (r != Z_OK && r != Z_STREAM_END) {
			ret = -EBADMSG;
			break;
		}
	}
	*outlen = s.total_out;
	inflateEnd(&s);
	return ret;
}

/*
 * An ELF image from @in: copied when it is one, else decompressed by its
 * magic (xz, zstd, gzip).  -ENOEXEC when it is none of these.
 */
int fr_image_decompress(const void *in, size_t len, void **out, size_t *outlen)
{
	const uint8_t *p = in;
	uint8_t *buf = NULL;
	int ret;

	*out = NULL;
	*outlen = 0;
	if (len >= 4 && !memcmp(p, "\x7f" "ELF", 4)) {
		buf = malloc(len);
		if (!buf)
			return -ENOMEM;
		memcpy(buf, p, len);
		*outlen = len;
		ret = 0;
	} else if (len >= 6 && !memcmp(p, "\xfd" "7zXZ\0", 6)) {
		ret = fr_unxz(p, len, &buf, outlen);
	} else if (len >= 4 && !memcmp(p, "\x28\xb5\x2f\xfd", 4)) {
		ret = fr_unzstd(p, len, &buf, outlen);
	} else if (len >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
		ret = fr_gunzip(p, len, &buf, outlen);
	} else {
		return -ENOEXEC;
	}
	if (!ret && (*outlen < 4 || memcmp(buf, "\x7f" "ELF", 4)))
		ret = -ENOEXEC;
	if (ret) {
		free(buf);
		*outlen = 0;
		return ret;
	}
	*out = buf;
	return 0;
}

/*
 * The image init_module(2) wants from @path: an uncompressed module is
 * mapped, prefaulted, and used in place (copying it cost more than a rescue's
 * system calls under emulation); a compressed one is decompressed.
 */
int fr_helper_read(const char *path, struct fr_image *img)
{
	struct stat st;
	void *map;
	int fd, ret;

	*img = (struct fr_image){ 0 };
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (size_t)st.st_size > FR_IMAGE_MAX) {
		close(fd);
		return -ENOEXEC;
	}
	map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	ret = map == MAP_FAILED ? -errno : 0;
	close(fd);
	if (ret)
		return ret;
	if (st.st_size >= 4 && !memcmp(map, "\x7f" "ELF", 4)) {
		*img = (struct fr_image){ map, st.st_size, true };
		return 0;
	}
	ret = fr_image_decompress(map, st.st_size, &img->data, &img->len);
	munmap(map, st.st_size);
	return ret;
}

void fr_image_release(struct fr_image *img)
{
	if (img->mapped)
		munmap(img->data, img->len);
	else
		free(img->data);
	*img = (struct fr_image){ 0 };
}

/* What fr_modinfo() needs of a section header, ELF32 or ELF64 alike. */
struct fr_shdr {
	uint64_t name, type, offset, size;
};

static void fr_shdr_read(const uint8_t *p, bool is64, struct fr_shdr *sh)
{
	if (is64) {
		Elf64_Shdr s;

		memcpy(&s, p, sizeof(s));
		*sh = (struct fr_shdr){ s.sh_name, s.sh_type, s.sh_offset, s.sh_size };
	} else {
		Elf32_Shdr s;

		memcpy(&s, p, sizeof(s));
		*sh = (struct fr_shdr){ s.sh_name, s.sh_type, s.sh_offset, s.sh_size };
	}
}

/*
 * The .modinfo section of ELF image @image (native byte order, as the
 * running kernel's modules), checked against the image's bounds; the whole
 * image when it is no ELF file we can read (the search then costs more).
 * Kept for the version alone: a "version=" string elsewhere in the image
 * (code, data) must not count.  About 50 lines: ELF32 and ELF64 headers.
 */
static void fr_modinfo(const uint8_t *image, size_t len, const uint8_t **info,
		       size_t *size)
{
	static const char want[] = ".modinfo";
	uint64_t shoff, shentsize, shnum, shstrndx;
	struct fr_shdr names, sh;
	bool is64;

	*info = image;
	*size = len;
	if (len < EI_NIDENT || memcmp(image, ELFMAG, SELFMAG))
		return;
	is64 = image[EI_CLASS] == ELFCLASS64;
	if (is64 && len >= sizeof(Elf64_Ehdr)) {
		Elf64_Ehdr eh;

		memcpy(&eh, image, sizeof(eh));
		shoff = eh.e_shoff;
		shentsize = eh.e_shentsize;
		shnum = eh.e_shnum;
		shstrndx = eh.e_shstrndx;
	} else if (image[EI_CLASS] == ELFCLASS32 && len >= sizeof(Elf32_Ehdr)) {
		Elf32_Ehdr eh;

		memcpy(&eh, image, sizeof(eh));
		shoff = eh.e_shoff;
		shentsize = eh.e_shentsize;
		shnum = eh.e_shnum;
		shstrndx = eh.e_shstrndx;
	} else {
		return;
	}
	if (shentsize != (is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr)) ||
	    shstrndx >= shnum || shoff > len || shnum > (len - shoff) / shentsize)
		return;
	fr_shdr_read(image + shoff + shstrndx * shentsize, is64, &names);
	if (names.offset > len || names.size > len - names.offset)
		return;
	*size = 0;	/* an ELF file without .modinfo declares nothing */
	for (uint64_t i = 0; i < shnum; i++) {
		fr_shdr_read(image + shoff + i * shentsize, is64, &sh);
		if (sh.type == SHT_NOBITS || sh.offset > len ||
		    sh.size > len - sh.offset || sh.name >= names.size ||
		    names.size - sh.name < sizeof(want) ||
		    memcmp(image + names.offset + sh.name, want, sizeof(want)))
			continue;
		*info = image + sh.offset;
		*size = sh.size;
		return;
	}
}

/*
 * The module's version, "version=" in .modinfo (MODULE_VERSION), copied to
 * @version: -ENOENT when it declares none, -ENAMETOOLONG when it does not
 * fit.  The command uses only a helper of its own version: their contract
 * (src/module/contract.h) is not negotiated.
 */
int fr_helper_version(const void *image, size_t len, char *version, size_t size)
{
	static const char key[] = "version=";
	const uint8_t *info, *p, *end;
	size_t n, klen = sizeof(key) - 1, isize;

	fr_modinfo(image, len, &info, &isize);
	/* Each entry starts the section or follows a NUL ("srcversion=" does not). */
	for (p = info; isize && (p = memmem(p, isize - (p - info), key, klen)); p++) {
		if (p != info && p[-1] != '\0')
			continue;
		p += klen;
		end = memchr(p, '\0', isize - (p - info));
		n = end ? (size_t)(end - p) : isize - (p - info);
		if (n >= size)
			return -ENAMETOOLONG;
		memcpy(version, p, n);
		version[n] = '\0';
		return 0;
	}
	return -ENOENT;
}
