// SPDX-License-Identifier: GPL-2.0
/*
 * hold-socket: open a socket of the family tests/fixtures/fr_sock.c
 * registers (AF_ECONET), say so on stdout, and keep it open until killed.
 * While it is open, the socket holds fr_sock.  Exit status 1 when the
 * socket cannot be opened (fr_sock not loaded).
 *
 * hold-socket tcp CONG: a TCP socket using congestion control CONG (which
 * then holds CONG's module, tcp_bbr for bbr), kept open the same way.
 *
 * hold-socket alg TYPE NAME: an AF_ALG socket bound to crypto algorithm
 * NAME of TYPE ("hash"), which holds a transform of it and so its module.
 * Static: the guest has no libc.
 */
#include <errno.h>
#include <linux/if_alg.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define FR_SOCK_FAMILY	AF_ECONET	/* as in tests/fixtures/fr_sock.c */

/* An AF_ALG socket bound to @type and @name: a transform of it. */
static int alg_socket(const char *type, const char *name)
{
	struct sockaddr_alg sa = { .salg_family = AF_ALG };
	int fd = socket(AF_ALG, SOCK_SEQPACKET, 0);

	if (fd < 0 || strlen(type) >= sizeof(sa.salg_type) ||
	    strlen(name) >= sizeof(sa.salg_name))
		return -1;
	strcpy((char *)sa.salg_type, type);
	strcpy((char *)sa.salg_name, name);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "hold-socket: bind %s %s: %s\n", type, name, strerror(errno));
		return -1;
	}
	return fd;
}

int main(int argc, char **argv)
{
	int tcp = argc == 3 && !strcmp(argv[1], "tcp");
	int alg = argc == 4 && !strcmp(argv[1], "alg");
	int family = alg ? AF_ALG : tcp ? AF_INET : FR_SOCK_FAMILY;
	int fd = alg ? alg_socket(argv[2], argv[3]) :
		 socket(family, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);

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
