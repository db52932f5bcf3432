// SPDX-License-Identifier: GPL-2.0
/*
 * ipt-table: "ipt-table NAME" asks ip_tables for the IPv4 table NAME
 * (IPT_SO_GET_INFO), which x_tables makes in this namespace from its
 * template when it is not there yet: what drivers.test uses iptable_filter's
 * template by.  Exit status 0 when the table is there, 1 with the kernel's
 * error when not.  Static: the guest has no libc.
 */
#include <errno.h>
#include <netinet/in.h>	/* before the kernel's headers, which then defer to it */
#include <linux/netfilter_ipv4/ip_tables.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct ipt_getinfo info;
	socklen_t len = sizeof(info);
	int fd, err;

	if (argc != 2 || strlen(argv[1]) >= sizeof(info.name)) {
		fprintf(stderr, "usage: ipt-table NAME\n");
		return 2;
	}
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0) {
		perror("ipt-table: socket");
		return 1;
	}
	memset(&info, 0, sizeof(info));
	strcpy(info.name, argv[1]);
	err = getsockopt(fd, IPPROTO_IP, IPT_SO_GET_INFO, &info, &len) ? errno : 0;
	close(fd);
	if (err) {
		fprintf(stderr, "ipt-table: %s: %s\n", argv[1], strerror(err));
		return 1;
	}
	printf("%s: %u entries\n", info.name, info.num_entries);
	return 0;
}
