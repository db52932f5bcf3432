// SPDX-License-Identifier: GPL-2.0
/*
 * One force-rmmod at a time: a lock that needs no filesystem (see lock.h).
 *
 * The holder binds the abstract address and listens on it, never accepting.
 * A waiter connects: its connection stays in the holder's backlog until the
 * holder's socket is released, which resets it (POLLHUP); then the waiter
 * tries to bind again.  A full backlog makes connect() itself sleep until
 * the holder goes.  Between the holder's bind() and listen() a connection is
 * refused: the waiter then retries after a millisecond.
 *
 * Any user can bind an abstract name.  A waiter checks who holds it
 * (SO_PEERCRED of its connection): a holder that is not root cannot be a
 * force-rmmod at work (it could load nothing), so it is not waited for:
 * fr_lock_wait() returns -EACCES and the caller goes on without the lock.
 */
#define _GNU_SOURCE		/* struct ucred */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "lock.h"

static int fr_lock_addr(const char *name, struct sockaddr_un *sun, socklen_t *len)
{
	size_t n = strlen(name);

	if (!n || n >= sizeof(sun->sun_path) - 1)
		return -EINVAL;
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	/* sun_path[0] = '\0': abstract; the name is not NUL-terminated. */
	memcpy(sun->sun_path + 1, name, n);
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
	return 0;
}

/* Bind and listen on @sun: the lock's descriptor, -EWOULDBLOCK or -errno. */
static int fr_lock_bind(const struct sockaddr_un *sun, socklen_t len)
{
	int fd, err;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (const struct sockaddr *)sun, len) < 0) {
		err = errno == EADDRINUSE ? -EWOULDBLOCK : -errno;
		close(fd);
		return err;
	}
	if (listen(fd, SOMAXCONN) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int fr_lock_try(const char *name)
{
	struct sockaddr_un sun;
	socklen_t len;
	int err;

	err = fr_lock_addr(name, &sun, &len);
	if (err)
		return err;
	return fr_lock_bind(&sun, len);
}

/* Sleep until the holder at @sun lets go: 0, or -errno. */
static int fr_lock_wait_holder(const struct sockaddr_un *sun, socklen_t len)
{
	struct pollfd pfd = { .events = POLLIN };
	struct ucred cred;
	socklen_t cred_len;
	int fd, err = 0;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)sun, len) < 0) {
		if (errno == ECONNREFUSED) {
			/* Gone, or bound but not listening yet: try again. */
			struct timespec ms = { 0, 1000000 };

			nanosleep(&ms, NULL);
		} else if (errno != ENOENT && errno != EINTR) {
			err = -errno;
		}
		close(fd);
		return err;
	}
	/* A holder that is not root only squats the name. */
	cred_len = sizeof(cred);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cred_len) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	if (cred.uid != 0 && getuid() == 0) {
		close(fd);
		return -EACCES;
	}
	/* Never accepted: readable (EOF or ECONNRESET) only when it closes. */
	pfd.fd = fd;
	while (poll(&pfd, 1, -1) < 0)
		if (errno != EINTR) {
			err = -errno;
			break;
		}
	close(fd);
	return err;
}

int fr_lock_wait(const char *name)
{
	struct sockaddr_un sun;
	socklen_t len;
	int fd, err;

	err = fr_lock_addr(name, &sun, &len);
	if (err)
		return err;
	for (;;) {
		fd = fr_lock_bind(&sun, len);
		if (fd != -EWOULDBLOCK)
			return fd;
		err = fr_lock_wait_holder(&sun, len);
		if (err)
			return err;
	}
}

void fr_lock_release(int fd)
{
	if (fd >= 0)
		close(fd);
}
