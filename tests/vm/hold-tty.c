// SPDX-License-Identifier: GPL-2.0
/*
 * hold-tty LDISC: open a pseudo-terminal, give it line discipline number
 * LDISC (13: n_hdlc), say so on stdout, and keep it until killed.  While it
 * is open, the tty holds the module of its line discipline.  Exit status 1
 * when either step fails.  Static: the guest has no libc.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int ldisc = argc == 2 ? atoi(argv[1]) : -1;
	int fd = open("/dev/ptmx", O_RDWR | O_NOCTTY);

	if (fd < 0 || ldisc < 0) {
		fprintf(stderr, "hold-tty: /dev/ptmx: %s\n", fd < 0 ? strerror(errno) : "no LDISC");
		return 1;
	}
	if (ioctl(fd, TIOCSETD, &ldisc)) {
		fprintf(stderr, "hold-tty: TIOCSETD %d: %s\n", ldisc, strerror(errno));
		return 1;
	}
	printf("hold-tty: pid %d holds fd %d with line discipline %d\n", (int)getpid(), fd, ldisc);
	fflush(stdout);
	for (;;)
		pause();
}
