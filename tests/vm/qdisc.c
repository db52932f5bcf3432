// SPDX-License-Identifier: GPL-2.0
/*
 * qdisc: "qdisc add DEV KIND" puts a root qdisc of KIND on DEV, "qdisc del
 * DEV" takes it off, with one rtnetlink request each (busybox tc only
 * shows qdiscs).  The kernel looks KIND up on its list of registered
 * qdisc kinds, which is what drivers.test uses a qdisc module by.  Exit
 * status 1 with the kernel's error when the request fails.  Static: the
 * guest has no libc.
 */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct request {
	struct nlmsghdr nh;
	struct tcmsg tc;
	char attrs[64];
};

int main(int argc, char **argv)
{
	struct request req = { 0 };
	char reply[4096];
	struct nlmsghdr *nh = (struct nlmsghdr *)reply;
	struct rtattr *rta;
	int add = argc == 4 && !strcmp(argv[1], "add");
	int fd, err;
	ssize_t n;

	if (!add && !(argc == 3 && !strcmp(argv[1], "del"))) {
		fprintf(stderr, "usage: qdisc add DEV KIND | qdisc del DEV\n");
		return 2;
	}
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.tc));
	req.nh.nlmsg_type = add ? RTM_NEWQDISC : RTM_DELQDISC;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK |
			     (add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	req.tc.tcm_family = AF_UNSPEC;
	req.tc.tcm_ifindex = if_nametoindex(argv[2]);
	req.tc.tcm_parent = TC_H_ROOT;
	if (!req.tc.tcm_ifindex) {
		fprintf(stderr, "qdisc: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	if (add) {
		size_t len = strlen(argv[3]) + 1;

		if (len > sizeof(req.attrs) - RTA_LENGTH(0))
			return 2;
		rta = (struct rtattr *)((char *)&req + NLMSG_ALIGN(req.nh.nlmsg_len));
		rta->rta_type = TCA_KIND;
		rta->rta_len = RTA_LENGTH(len);
		memcpy(RTA_DATA(rta), argv[3], len);
		req.nh.nlmsg_len = NLMSG_ALIGN(req.nh.nlmsg_len) + RTA_ALIGN(rta->rta_len);
	}
	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	if (fd < 0 || send(fd, &req, req.nh.nlmsg_len, 0) < 0) {
		perror("qdisc");
		return 1;
	}
	n = recv(fd, reply, sizeof(reply), 0);
	if (n < (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)) || nh->nlmsg_type != NLMSG_ERROR) {
		fprintf(stderr, "qdisc: no answer\n");
		return 1;
	}
	err = ((struct nlmsgerr *)NLMSG_DATA(nh))->error;
	if (err) {
		fprintf(stderr, "qdisc: %s %s: %s\n", argv[1], argv[2], strerror(-err));
		return 1;
	}
	close(fd);
	return 0;
}
