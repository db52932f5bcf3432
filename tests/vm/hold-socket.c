// SPDX-License-Identifier: GPL-2.0
/*
 * hold-socket: open a socket of the family tests/fixtures/fr_sock.c
 * registers (AF_ECONET), say so on stdout, and keep it open until killed.
 * While it is open, the socket holds fr_sock.  Exit status 1 when the
 * socket cannot be opened (fr_sock not loaded).  Static: the guest has no libc.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define FR_SOCK_FAMILY	AF_ECONET	/* as in tests/fixtures/fr_sock.c */

int main(void)
{
	int fd = socket(FR_SOCK_FAMILY, SOCK_DGRAM, 0);

	if (fd < 0) {
		fprintf(stderr, "hold-socket: socket(%d, SOCK_DGRAM, 0): %s\n",
			FR_SOCK_FAMILY, strerror(errno));
		return 1;
	}
	printf("hold-socket: pid %d holds socket fd %d (family %d)\n",
	       (int)getpid(), fd, FR_SOCK_FAMILY);
	fflush(stdout);
	for (;;)
		pause();
}
