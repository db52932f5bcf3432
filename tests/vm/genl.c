// SPDX-License-Identifier: GPL-2.0
/*
 * genl: "genl NAME" asks generic netlink's controller for the family NAME
 * (CTRL_CMD_GETFAMILY), which looks it up among the registered families:
 * what drivers.test uses a family by.  Exit status 0 when the family is
 * registered, 1 with the kernel's error when not.  Static: the guest has no
 * libc.
 */
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct {
		struct nlmsghdr nh;
		struct genlmsghdr gh;
		char attrs[64];
	} req = { 0 };
	char reply[8192];
	struct nlmsghdr *nh = (struct nlmsghdr *)reply;
	struct nlattr *na;
	size_t len;
	ssize_t n;
	int fd;

	if (argc != 2 || strlen(argv[1]) >= GENL_NAMSIZ) {
		fprintf(stderr, "usage: genl NAME\n");
		return 2;
	}
	len = strlen(argv[1]) + 1;
	req.nh.nlmsg_type = GENL_ID_CTRL;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.gh.cmd = CTRL_CMD_GETFAMILY;
	req.gh.version = 1;
	na = (struct nlattr *)req.attrs;
	na->nla_type = CTRL_ATTR_FAMILY_NAME;
	na->nla_len = NLA_HDRLEN + len;
	memcpy((char *)na + NLA_HDRLEN, argv[1], len);
	req.nh.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN) + NLA_ALIGN(na->nla_len);
	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	if (fd < 0 || send(fd, &req, req.nh.nlmsg_len, 0) < 0) {
		perror("genl");
		return 1;
	}
	n = recv(fd, reply, sizeof(reply), 0);
	close(fd);
	if (n < (ssize_t)NLMSG_HDRLEN) {
		fprintf(stderr, "genl: no answer\n");
		return 1;
	}
	if (nh->nlmsg_type == NLMSG_ERROR) {
		fprintf(stderr, "genl: %s: %s\n", argv[1],
			strerror(-((struct nlmsgerr *)NLMSG_DATA(nh))->error));
		return 1;
	}
	return nh->nlmsg_type == GENL_ID_CTRL ? 0 : 1;
}
