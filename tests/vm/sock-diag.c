// SPDX-License-Identifier: GPL-2.0
/*
 * sock-diag: "sock-diag FAMILY [PROTO]" sends one SOCK_DIAG_BY_FAMILY dump
 * request over NETLINK_SOCK_DIAG (unix, netlink, packet, or inet with tcp,
 * udp or raw), which the kernel hands to the handler registered for FAMILY
 * (unix_diag, netlink_diag, af_packet_diag; for inet, inet_diag and then
 * PROTO's: tcp_diag, udp_diag, raw_diag): what drivers.test uses a socket
 * diagnostics handler by.  Exit status 0 when the kernel answers with
 * records or NLMSG_DONE, 1 with the kernel's error when it answers one
 * (ENOENT: no handler; an inet dump whose protocol has none ends in an
 * NLMSG_DONE that carries the error).  Static: the guest has no libc.
 */
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/netlink_diag.h>
#include <linux/packet_diag.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

union fr_diag_req {
	struct unix_diag_req u;
	struct netlink_diag_req nl;
	struct packet_diag_req p;
	struct inet_diag_req_v2 in;
};

/* The request for @family (and @proto): its length, 0 if not known. */
static size_t diag_req(union fr_diag_req *r, const char *family,
		       const char *proto)
{
	if (!strcmp(family, "unix") && !proto) {
		r->u.sdiag_family = AF_UNIX;
		r->u.udiag_states = ~0U;
		return sizeof(r->u);
	}
	if (!strcmp(family, "netlink") && !proto) {
		r->nl.sdiag_family = AF_NETLINK;
		r->nl.sdiag_protocol = NDIAG_PROTO_ALL;
		return sizeof(r->nl);
	}
	if (!strcmp(family, "packet") && !proto) {
		r->p.sdiag_family = AF_PACKET;
		return sizeof(r->p);
	}
	if (!strcmp(family, "inet") && proto) {
		r->in.sdiag_family = AF_INET;
		r->in.idiag_states = ~0U;
		if (!strcmp(proto, "tcp"))
			r->in.sdiag_protocol = IPPROTO_TCP;
		else if (!strcmp(proto, "udp"))
			r->in.sdiag_protocol = IPPROTO_UDP;
		else if (!strcmp(proto, "raw"))
			r->in.sdiag_protocol = IPPROTO_RAW;
		else
			return 0;
		return sizeof(r->in);
	}
	return 0;
}

/* 0 on records then NLMSG_DONE, else the kernel's error; 1: no answer. */
static int diag_answer(int fd)
{
	char reply[32768] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct nlmsghdr *nh;
	ssize_t n;
	int len;

	for (;;) {
		n = recv(fd, reply, sizeof(reply), 0);
		if (n < (ssize_t)NLMSG_HDRLEN)
			return 1;
		len = (int)n;
		for (nh = (struct nlmsghdr *)reply; NLMSG_OK(nh, len);
		     nh = NLMSG_NEXT(nh, len)) {
			if (nh->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(nh))->error;
			if (nh->nlmsg_type != NLMSG_DONE)
				continue;	/* a record */
			/* A dump's own error, carried by NLMSG_DONE. */
			if (nh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
				return *(int *)NLMSG_DATA(nh);
			return 0;
		}
	}
}

int main(int argc, char **argv)
{
	struct {
		struct nlmsghdr nh;
		union fr_diag_req r;
	} req;
	size_t len;
	int fd, err;

	memset(&req, 0, sizeof(req));
	len = argc == 2 || argc == 3 ?
	      diag_req(&req.r, argv[1], argc == 3 ? argv[2] : NULL) : 0;
	if (!len) {
		fprintf(stderr, "usage: sock-diag unix|netlink|packet|inet tcp|udp|raw\n");
		return 2;
	}
	req.nh.nlmsg_len = NLMSG_LENGTH(len);
	req.nh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_SOCK_DIAG);
	if (fd < 0 || send(fd, &req, req.nh.nlmsg_len, 0) < 0) {
		perror("sock-diag");
		return 1;
	}
	err = diag_answer(fd);
	close(fd);
	if (err == 1) {
		fprintf(stderr, "sock-diag: no answer\n");
		return 1;
	}
	if (err) {
		fprintf(stderr, "sock-diag: %s: %s\n", argv[1], strerror(-err));
		return 1;
	}
	return 0;
}
