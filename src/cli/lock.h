/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lock.c: one force-rmmod at a time, without a file.
 *
 * The lock is an abstract Unix socket address ("@NAME" in /proc/net/unix):
 * binding it needs no writable or even existing filesystem (a rescue shell
 * with a read-only root, no /run), and the kernel releases it the moment
 * the holder's last descriptor closes, also when the holder is killed.
 * Abstract addresses belong to a network namespace: runs in different
 * network namespaces are not serialised.  The descriptor is close-on-exec,
 * but a fork()ed child holds the lock too until it closes its copy.
 */
#ifndef FR_LOCK_H
#define FR_LOCK_H

#define FR_LOCK_NAME	"force-rmmod"	/* seen as "@force-rmmod" */

/*
 * Take the lock without waiting: a descriptor (close-on-exec) that holds it
 * until closed, -EWOULDBLOCK if another process holds it, or -errno.
 */
int fr_lock_try(const char *name);

/*
 * Take the lock, waiting for the holder to close it or die (no polling: the
 * waiter sleeps on a connection to the holder, which the kernel resets when
 * the holder's socket closes).  A descriptor, or -errno; -EACCES when a
 * process that is not root holds the name (anyone can bind it) and we are
 * root: it is not a force-rmmod at work, do not wait for it.
 */
int fr_lock_wait(const char *name);

/* Give the lock back (close the descriptor); a no-op for fd < 0. */
void fr_lock_release(int fd);

#endif
