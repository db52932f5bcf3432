// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel log through /dev/kmsg: opened at its end (kernel.c) before
 * the helper is loaded, then drained after, so that only the lines of this
 * run are read, whatever else the log holds.  One read() returns one record:
 *   PRIORITY,SEQUENCE,MICROSECONDS,FLAGS[,...];MESSAGE\n[ KEY=VALUE\n]...
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "fr.h"

/* Copy the MESSAGE of record @rec (@len bytes) to @msg; -EINVAL if malformed. */
int fr_kmsg_record_parse(const char *rec, size_t len, char *msg, size_t size)
{
	const char *semi = memchr(rec, ';', len), *end;
	size_t n;

	if (!semi || !size)
		return -EINVAL;
	/* PRIORITY first; the other fields are printable, without spaces. */
	if (rec[0] < '0' || rec[0] > '9')
		return -EINVAL;
	for (const char *c = rec; c < semi; c++)
		if (*c <= ' ' || *c > '~')
			return -EINVAL;
	semi++;
	end = memchr(semi, '\n', len - (semi - rec));
	n = end ? (size_t)(end - semi) : len - (semi - rec);
	if (n >= size)
		n = size - 1;
	memcpy(msg, semi, n);
	msg[n] = '\0';
	return 0;
}

/* Call @fn on every message written since the last drain (or the open). */
int fr_kmsg_drain(int fd, fr_kmsg_fn fn, void *data)
{
	char rec[8192], msg[8192];
	ssize_t n;

	for (;;) {
		n = read(fd, rec, sizeof(rec));
		if (n < 0) {
			if (errno == EINTR || errno == EPIPE)
				continue;	/* EPIPE: records overwritten */
			if (errno == EAGAIN)
				return 0;
			return -errno;
		}
		if (n == 0)
			return 0;
		if (!fr_kmsg_record_parse(rec, n, msg, sizeof(msg)))
			fn(msg, data);
	}
}
