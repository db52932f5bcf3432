// SPDX-License-Identifier: GPL-2.0
/*
 * qdisc: "qdisc add DEV KIND" puts a root qdisc of KIND on DEV, "qdisc del
 * DEV" takes it off, with one rtnetlink request each (busybox tc only
 * shows qdiscs).  The kernel looks KIND up on its list of registered
 * qdisc kinds, which is what drivers.test uses a qdisc module by.
 *
 * "qdisc action add gact INDEX" makes a standalone gact action (pass) with
 * that index, which holds act_gact until "qdisc action del gact INDEX".
 * "qdisc filter add DEV KIND" puts a filter of classifier KIND on DEV's root
 * qdisc (every protocol, priority 1, class :1 as option 1: the class id of
 * basic, fw, u32, matchall and flower); it holds KIND's module until the
 * qdisc is taken off.  Under sfq, a packet the filter did not classify is
 * dropped, so packets that pass prove it ran.  "qdisc filter add DEV basic
 * cmp" gives the basic filter one ematch of kind cmp (a byte of the link
 * layer header compared), which holds em_cmp the same way.
 *
 * Exit status 1 with the kernel's error when the request fails.  Static:
 * the guest has no libc.
 */
#include <errno.h>
#include <linux/netlink.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/if_ether.h>
#include <linux/tc_act/tc_gact.h>
#include <linux/tc_ematch/tc_em_cmp.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct request {
	struct nlmsghdr nh;
	union {
		struct tcmsg tc;
		struct tcamsg tca;
	};
	char attrs[256];
};

/* Append attribute @type with @len bytes of @data; returns it (to nest). */
static struct rtattr *attr(struct request *req, int type, const void *data, size_t len)
{
	struct rtattr *rta = (struct rtattr *)((char *)req + NLMSG_ALIGN(req->nh.nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(rta), data, len);
	req->nh.nlmsg_len = NLMSG_ALIGN(req->nh.nlmsg_len) + RTA_ALIGN(rta->rta_len);
	return rta;
}

/* Close the nest @rta opened: it spans to the end of the request. */
static void nest_end(struct request *req, struct rtattr *rta)
{
	rta->rta_len = (char *)req + req->nh.nlmsg_len - (char *)rta;
}

/* RTM_NEWACTION or RTM_DELACTION of gact action @index. */
static void action(struct request *req, int add, unsigned int index)
{
	struct tc_gact parms = { .index = index, .action = TC_ACT_OK };
	struct rtattr *tab, *act, *opts;

	req->nh.nlmsg_len = NLMSG_LENGTH(sizeof(req->tca));
	req->nh.nlmsg_type = add ? RTM_NEWACTION : RTM_DELACTION;
	req->nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	req->tca.tca_family = AF_UNSPEC;
	tab = attr(req, TCA_ACT_TAB, NULL, 0);
	act = attr(req, 1, NULL, 0);
	attr(req, TCA_ACT_KIND, "gact", sizeof("gact"));
	if (add) {
		opts = attr(req, TCA_ACT_OPTIONS, NULL, 0);
		attr(req, TCA_GACT_PARMS, &parms, sizeof(parms));
		nest_end(req, opts);
	} else {
		attr(req, TCA_ACT_INDEX, &index, sizeof(index));
	}
	nest_end(req, act);
	nest_end(req, tab);
}

/* RTM_NEWQDISC of a root qdisc of @kind on @ifindex, or RTM_DELQDISC. */
static void qdisc(struct request *req, unsigned int ifindex, const char *kind)
{
	req->nh.nlmsg_len = NLMSG_LENGTH(sizeof(req->tc));
	req->nh.nlmsg_type = kind ? RTM_NEWQDISC : RTM_DELQDISC;
	req->nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (kind ? NLM_F_CREATE | NLM_F_EXCL : 0);
	req->tc.tcm_family = AF_UNSPEC;
	req->tc.tcm_ifindex = ifindex;
	req->tc.tcm_parent = TC_H_ROOT;
	if (kind)
		attr(req, TCA_KIND, kind, strlen(kind) + 1);
}

/* basic's option: a tree of one ematch, cmp (kind 1), as the last match. */
static void ematch_cmp(struct request *req)
{
	struct tcf_ematch_tree_hdr hdr = { .nmatches = 1 };
	struct {
		struct tcf_ematch_hdr hdr;
		struct tcf_em_cmp cmp;
	} em = { { .kind = TCF_EM_CMP, .flags = TCF_EM_REL_END },
		 { .align = TCF_EM_ALIGN_U8 } };
	struct rtattr *tree, *list;

	tree = attr(req, TCA_BASIC_EMATCHES, NULL, 0);
	attr(req, TCA_EMATCH_TREE_HDR, &hdr, sizeof(hdr));
	list = attr(req, TCA_EMATCH_TREE_LIST, NULL, 0);
	attr(req, 1, &em, sizeof(em));
	nest_end(req, list);
	nest_end(req, tree);
}

/*
 * RTM_NEWTFILTER: a filter of classifier @kind on @ifindex's root qdisc,
 * with an ematch cmp when @cmp.
 */
static void filter(struct request *req, unsigned int ifindex, const char *kind, int cmp)
{
	unsigned int classid = TC_H_MAKE(1 << 16, 1);
	struct rtattr *opts;

	req->nh.nlmsg_len = NLMSG_LENGTH(sizeof(req->tc));
	req->nh.nlmsg_type = RTM_NEWTFILTER;
	req->nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	req->tc.tcm_family = AF_UNSPEC;
	req->tc.tcm_ifindex = ifindex;
	req->tc.tcm_parent = 0;	/* the root qdisc */
	req->tc.tcm_info = TC_H_MAKE(1 << 16, htons(ETH_P_ALL));
	attr(req, TCA_KIND, kind, strlen(kind) + 1);
	opts = attr(req, TCA_OPTIONS, NULL, 0);
	attr(req, 1, &classid, sizeof(classid));
	if (cmp)
		ematch_cmp(req);
	nest_end(req, opts);
}

int main(int argc, char **argv)
{
	struct request req = { 0 };
	char reply[4096];
	struct nlmsghdr *nh = (struct nlmsghdr *)reply;
	int add_act = argc == 5 && !strcmp(argv[1], "action") && !strcmp(argv[2], "add");
	int del_act = argc == 5 && !strcmp(argv[1], "action") && !strcmp(argv[2], "del");
	int add = argc == 4 && !strcmp(argv[1], "add");
	int add_filter = (argc == 5 || argc == 6) && !strcmp(argv[1], "filter") &&
			 !strcmp(argv[2], "add");
	unsigned int ifindex;
	int fd, err;
	ssize_t n;

	if (add_act || del_act) {
		if (strcmp(argv[3], "gact"))
			return 2;
		action(&req, add_act, strtoul(argv[4], NULL, 10));
	} else if (add_filter) {
		ifindex = if_nametoindex(argv[3]);
		if (argc == 6 && (strcmp(argv[4], "basic") || strcmp(argv[5], "cmp")))
			return 2;
		if (!ifindex || strlen(argv[4]) > 15) {
			fprintf(stderr, "qdisc: %s: %s\n", argv[3], strerror(errno));
			return 1;
		}
		filter(&req, ifindex, argv[4], argc == 6);
	} else if (add || (argc == 3 && !strcmp(argv[1], "del"))) {
		ifindex = if_nametoindex(argv[2]);
		if (!ifindex || (add && strlen(argv[3]) > 32)) {
			fprintf(stderr, "qdisc: %s: %s\n", argv[2], strerror(errno));
			return 1;
		}
		qdisc(&req, ifindex, add ? argv[3] : NULL);
	} else {
		fprintf(stderr, "usage: qdisc add DEV KIND | qdisc del DEV |\n"
			"       qdisc action add|del gact INDEX | qdisc filter add DEV KIND [cmp]\n");
		return 2;
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
