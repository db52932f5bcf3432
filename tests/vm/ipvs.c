// SPDX-License-Identifier: GPL-2.0
/*
 * ipvs: "ipvs add|del SCHED" adds (or deletes) the IPVS virtual service
 * TCP 10.0.0.1:80 with the scheduler SCHED (IP_VS_SO_SET_ADD, _DEL), which
 * ip_vs looks up among the registered schedulers and holds while the
 * service lives: what drivers.test uses a scheduler by.  Exit status 0
 * when the kernel did it, 1 with its error when not.  Static: the guest
 * has no libc.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>	/* before the kernel's headers, which then defer to it */
#include <linux/ip_vs.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct ip_vs_service_user svc;
	int fd, op, err;

	if (argc != 3 || (strcmp(argv[1], "add") && strcmp(argv[1], "del")) ||
	    strlen(argv[2]) >= sizeof(svc.sched_name)) {
		fprintf(stderr, "usage: ipvs add|del SCHED\n");
		return 2;
	}
	op = strcmp(argv[1], "add") ? IP_VS_SO_SET_DEL : IP_VS_SO_SET_ADD;
	memset(&svc, 0, sizeof(svc));
	svc.protocol = IPPROTO_TCP;
	svc.addr = htonl(0x0a000001);
	svc.port = htons(80);
	strcpy(svc.sched_name, argv[2]);
	svc.netmask = ~0U;
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0) {
		perror("ipvs: socket");
		return 1;
	}
	err = setsockopt(fd, IPPROTO_IP, op, &svc, sizeof(svc)) ? errno : 0;
	close(fd);
	if (err) {
		fprintf(stderr, "ipvs: %s %s: %s\n", argv[1], argv[2], strerror(err));
		return 1;
	}
	return 0;
}
