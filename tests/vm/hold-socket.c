// SPDX-License-Identifier: GPL-2.0
/*
 * hold-socket: open a socket of the family tests/fixtures/fr_sock.c
 * registers (AF_ECONET), say so on stdout, and keep it open until killed.
 * While it is open, the socket holds fr_sock.  Exit status 1 when the
 * socket cannot be opened (fr_sock not loaded).
 *
 * hold-socket tcp CONG: a TCP socket using congestion control CONG (which
 * then holds CONG's module, tcp_bbr for bbr), kept open the same way.
 * Static: the guest has no libc.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define FR_SOCK_FAMILY	AF_ECONET	/* as in tests/fixtures/fr_sock.c */

int main(int argc, char **argv)
{
	int tcp = argc == 3 && !strcmp(argv[1], "tcp");
	int family = tcp ? AF_INET : FR_SOCK_FAMILY;
	int fd = socket(family, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);

	if (fd < 0) {
		fprintf(stderr, "hold-socket: socket(%d): %s\n", family,
			strerror(errno));
		return 1;
	}
	if (tcp && setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, argv[2],
			      strlen(argv[2]))) {
		fprintf(stderr, "hold-socket: TCP_CONGESTION %s: %s\n", argv[2],
			strerror(errno));
		return 1;
	}
	printf("hold-socket: pid %d holds socket fd %d (family %d)\n",
	       (int)getpid(), fd, family);
	fflush(stdout);
	for (;;)
		pause();
}
