// SPDX-License-Identifier: GPL-2.0
/*
 * Private kernel data found by name, and the layouts the module assumes
 *
 * module_mutex, the loader's table and the filesystem list are not exported.
 * Find them through kallsyms without calling a looked-up address (which IBT
 * would also forbid): registering a kprobe on a data symbol fails, but the
 * kprobe core resolves the name first and leaves the address in kp.addr.
 * Trust it only if sprint_symbol() names exactly @name+0x0 in the kernel
 * proper (no "[module]" suffix) and the symbol spans at least @size bytes.
 * Nothing looked up is ever called.
 *
 * A size that fits says nothing about the type: on 7.x file_systems is an
 * hlist head and its lock a spinlock, on 6.12 a pointer and an rwlock, both
 * one word.  So every looked-up object whose type the module assumes, and
 * every private structure it copies, is listed in fr_layouts[] below with
 * the releases it was checked against.  The symbol decides whether a
 * feature exists (distributions backport: the loader table exists wherever
 * idem_hash is found, whatever the version says); the checked range decides
 * whether its layout is trusted.  Found but out of range: that part is not
 * done, a "force_rmmod: layout: ..." line says so, and where that leaves a
 * safety check unable to tell (holders, real users), the rescue is refused.
 *
 * To support a new kernel series: read the sources named in the table for
 * it, then extend each range (or add a variant, as file_systems has).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/utsname.h>
#include <linux/version.h>

#include "force_rmmod.h"
#include "arch.h"
#include "kernel_private.h"

/* Test only: a guest test proves what happens out of range (lookup.c). */
static char *distrust;
module_param_named(FR_PARAM_DISTRUST, distrust, charp, 0444);
MODULE_PARM_DESC(FR_PARAM_DISTRUST,
		 "Test only: comma-separated layouts (module_mutex, module_use, idem_hash, file_systems, misc_list, proc_root, timer_bases, binfmt_lock, tcp_cong_list, qdisc_base, link_ops, netdev_chain, pernet_list, input_handler_list, tty_ldiscs, xt, slab_caches, ptype_base, garp_protos, vlan_ioctl_hook, tables, rc_map_list, workqueues, notifier_chains, resource_lock, debugfs_mount, crypto_template_list, chrdevs, tcf_proto_base, ematch_ops, act_base, genl_fam_idr, _targets, func_list, sock_diag_handlers, inet_diag_table, trigger_list, ftrace_pages_start, ftrace_mod_maps, major_names, sysctl_table_root, or all) to treat as outside their checked range (default: none)");

#define FR_FROM(a, b)		KERNEL_VERSION(a, b, 0)
#define FR_UNTIL(a, b)		KERNEL_VERSION(a, b, 255)

struct fr_layout_range {
	const char *name;	/* the symbol, or the structure copied */
	const char *assumed;	/* what the module assumes of it */
	unsigned int from, until;	/* LINUX_VERSION_CODE, series checked */
	const char *read;	/* the releases whose sources were read */
	const char *otherwise;	/* what is not done out of range */
};

/*
 * The private layouts.  "read": the sources compared line by line with what
 * this module assumes (Debian's 6.1, 6.12, and trixie-backports' 7.2, 7.3).
 */
static const struct fr_layout_range fr_layouts[FR_NR_LAYOUTS] = {
	[FR_LAYOUT_MODULE_MUTEX] = {
		"module_mutex", "a struct mutex in kernel/module/main.c",
		FR_FROM(6, 1), FR_UNTIL(7, 3), "6.1, 6.12, 7.2, 7.3",
		"no repair without it",
	},
#ifdef FR_HAVE_MODULE_USE
	/* Public: the compiler checks it. */
	[FR_LAYOUT_MODULE_USE] = {
		"module_use", "from <linux/module.h>",
		0, UINT_MAX, "any",
		"holders unknown, refusing",
	},
#else
	/* Private since 6.17: copied in kernel_private.h. */
	[FR_LAYOUT_MODULE_USE] = {
		"module_use", "copied from kernel/module/internal.h",
		FR_FROM(6, 17), FR_UNTIL(7, 3), "7.2, 7.3",
		"holders unknown, refusing",
	},
#endif
	/* Since 6.5; 1 << 8 buckets, idem_lock a spinlock. */
	[FR_LAYOUT_IDEM] = {
		"idem_hash",
		"struct idempotent and the spinlock idem_lock in kernel/module/main.c",
		FR_FROM(6, 5), FR_UNTIL(7, 3), "6.12, 7.2, 7.3",
		"not healed: loading a crashed module's file again may hang or crash the kernel",
	},
#ifdef FR_FS_NEXT
	[FR_LAYOUT_FILE_SYSTEMS] = {
		"file_systems",
		"a list by ->next under the rwlock file_systems_lock in fs/filesystems.c",
		FR_FROM(6, 1), FR_UNTIL(6, 12), "6.1, 6.12",
		"mounts unknown, counted as a real user",
	},
#else
	[FR_LAYOUT_FILE_SYSTEMS] = {
		"file_systems", "an RCU hlist by ->list in fs/filesystems.c",
		FR_FROM(7, 2), FR_UNTIL(7, 3), "7.2, 7.3",
		"mounts unknown, counted as a real user",
	},
#endif
	/* leftovers/: what a target left registered. */
	[FR_LAYOUT_MISC] = {
		"misc_list", "a list_head under the mutex misc_mtx in drivers/char/misc.c",
		FR_FROM(6, 1), FR_UNTIL(7, 3), "6.1, 6.12, 7.2, 7.3",
		"misc devices left behind not looked for",
	},
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 13, 0)
	[FR_LAYOUT_PROC] = {
		"proc_root", "struct proc_dir_entry with proc_dops, in fs/proc/internal.h",
		FR_FROM(6, 1), FR_UNTIL(6, 12), "6.1, 6.12",
		"/proc entries left behind not looked for",
	},
#else
	[FR_LAYOUT_PROC] = {
		"proc_root", "struct proc_dir_entry without proc_dops, in fs/proc/internal.h",
		FR_FROM(7, 2), FR_UNTIL(7, 3), "7.2, 7.3",
		"/proc entries left behind not looked for",
	},
#endif
	/* timers.c: measured, not looked up; kernel_private.h's copy. */
	[FR_LAYOUT_TIMER_BASES] = {
		"timer_bases",
		"struct timer_base, FR_NR_TIMER_BASES per CPU, in kernel/time/timer.c",
		FR_FROM(6, 1), FR_UNTIL(7, 3), "6.1, 6.12, 7.2, 7.3",
		"timers not proven: a target with timer-shaped data is refused",
	},
	[FR_LAYOUT_BINFMT] = {
		"binfmt_lock", "the rwlock guarding the list formats in fs/exec.c",
		FR_FROM(6, 1), FR_UNTIL(7, 3), "6.1, 6.12, 7.2, 7.3",
		"binary formats left behind refuse the target",
	},
	[FR_LAYOUT_TCP_CONG] = {
		"tcp_cong_list",
		"a list_head under the spinlock tcp_cong_list_lock in net/ipv4/tcp_cong.c",
		FR_FROM(6, 1), FR_UNTIL(7, 3), "6.1, 6.12, 7.2, 7.3",
		"TCP congestion controls left behind not looked for",
	},
	[FR_LAYOUT_QDISC] = {
		"qdisc_base",
		"a list of struct Qdisc_ops by ->next under the rwlock qdisc_mod_lock in net/sched/sch_api.c",
		FR_FROM(6, 1), FR_UNTIL(7, 3),
		"6.12, 7.1 (6.1, 7.2, 7.3: the same unregister_qdisc())",
		"qdiscs left behind not looked for",
	},
#ifdef FR_LINK_OPS_RCU
	[FR_LAYOUT_LINK_OPS] = {
		"link_ops",
		"an RCU list of struct rtnl_link_ops under the mutex link_ops_mutex in net/core/rtnetlink.c",
		FR_FROM(6, 13), FR_UNTIL(7, 3), "7.1 (7.2, 7.3: the same rtnl_link_unregister())",
		"link kinds left behind not looked for",
	},
#else
	[FR_LAYOUT_LINK_OPS] = {
		"link_ops", "a list of struct rtnl_link_ops under RTNL in net/core/rtnetlink.c",
		FR_FROM(6, 1), FR_UNTIL(6, 12), "6.12 (6.1: the same rtnl_link_unregister())",
		"link kinds left behind not looked for",
	},
#endif
	[FR_LAYOUT_NETDEV_CHAIN] = {
		"netdev_chain", "a raw notifier chain under RTNL in net/core/dev.c",
		FR_FROM(6, 1), FR_UNTIL(7, 3),
		"6.12, 7.1 (6.1, 7.2, 7.3: the same unregister_netdevice_notifier())",
		"network device notifiers left behind not looked for",
	},
	[FR_LAYOUT_PERNET] = {
		"pernet_list",
		"a list of struct pernet_operations under the rw_semaphore pernet_ops_rwsem in net/core/net_namespace.c",
		FR_FROM(6, 1), FR_UNTIL(7, 3),
		"6.12, 7.1 (6.1, 7.2, 7.3: the same unregister_pernet_device())",
		"pernet operations left behind not looked for",
	},
	[FR_LAYOUT_INPUT] = {
		"input_handler_list",
		"a list of struct input_handler by ->node under the mutex input_mutex in drivers/input/input.c",
		FR_FROM(6, 1), FR_UNTIL(7, 3),
		"6.12, 7.1 (6.1, 7.2, 7.3: the same input_unregister_handler())",
		"input handlers left behind not looked for",
	},
	[FR_LAYOUT_LDISCS] = {
		"tty_ldiscs",
		"an array of NR_LDISCS struct tty_ldisc_ops pointers under the raw spinlock tty_ldiscs_lock in drivers/tty/tty_ldisc.c",
		FR_FROM(6, 1), FR_UNTIL(7, 3),
		"6.12, 7.1 (6.1, 7.2, 7.3: the same tty_unregister_ldisc())",
		"line disciplines left behind not looked for",
	},
	[FR_LAYOUT_XT] = {
		"xt",
		"a pointer to NFPROTO_NUMPROTO struct xt_af (a mutex, then lists of struct xt_match and of struct xt_target) in net/netfilter/x_tables.c, a module",
		FR_FROM(6, 1), FR_UNTIL(7, 3),
		"6.12, 7.1 (6.1, 7.2, 7.3: the same xt_unregister_match())",
		"xtables matches and targets left behind not looked for",
	},
	[FR_LAYOUT_SLAB_CACHES] = {
		"slab_caches",
		"a list of struct kmem_cache under the mutex slab_mutex in mm/slab_common.c (its link, constructor and name words measured on a cache of the helper's own)",
		FR_FROM(6, 1), FR_UNTIL(7, 3),
		"6.12, 7.1 (6.1, 7.2, 7.3: the same kmem_cache_destroy())",
		"kmem caches left behind not looked for",
	},
	[FR_LAYOUT_PTYPE] = {
		"ptype_base",
		"an RCU array of PTYPE_HASH_SIZE lists of struct packet_type under the spinlock ptype_lock in net/core/dev.c (and the list ptype_all: private to 6.8, in net_hotdata to 6.14)",
		FR_FROM(6, 1), FR_UNTIL(7, 3),
		"6.12, 7.1 (6.1, 7.2, 7.3: the same dev_remove_pack())",
		"packet types left behind not looked for",
	},
	[FR_LAYOUT_STP] = {
		"garp_protos",
		"an array of 16 struct stp_proto pointers and the pointer stp_proto under the mutex stp_proto_mutex in net/802/stp.c, a module",
		FR_FROM(6, 1), FR_UNTIL(7, 3),
		"6.12, 7.1 (6.1, 7.2, 7.3: the same stp_proto_unregister())",
		"STP and GARP protocols left behind not looked for",
	},
	[FR_LAYOUT_IOCTL_HOOKS] = {
		"vlan_ioctl_hook",
		"function pointers (vlan_ioctl_hook, br_ioctl_hook) each under a mutex (vlan_ioctl_mutex, br_ioctl_mutex) in net/socket.c",
		FR_FROM(6, 1), FR_UNTIL(7, 3),
		"6.12, 7.1 (6.1, 7.2, 7.3: the same vlan_ioctl_set() and brioctl_set())",
		"socket ioctl hooks left behind not looked for",
	},
	[FR_LAYOUT_NLS] = {
		"tables",
		"a chain of struct nls_table by ->next, ending in default_table, under the spinlock nls_lock in fs/nls/nls_base.c",
		FR_FROM(6, 1), FR_UNTIL(7, 3),
		"6.12, 7.1 (6.1, 7.2, 7.3: the same unregister_nls())",
		"character sets left behind not looked for",
	},
	[FR_LAYOUT_RC_MAPS] = {
		"rc_map_list",
		"a list of struct rc_map_list under the spinlock rc_map_lock in drivers/media/rc/rc-main.c, a module",
		FR_FROM(6, 1), FR_UNTIL(7, 3),
		"6.12, 7.1 (6.1, 7.2, 7.3: the same rc_map_unregister())",
		"remote-control keymaps left behind not looked for",
	},
	/* Its words measured on the system workqueues, not copied. */
	[FR_LAYOUT_WORKQUEUES] = {
		"workqueues",
		"an RCU list of struct workqueue_struct by ->list in kernel/workqueue.c, freed after a grace period",
		FR_FROM(6, 1), FR_UNTIL(7, 3),
		"6.12, 7.1 (6.1, 7.2, 7.3: the same list_del_rcu() in destroy_workqueue())",
		"workqueues left behind not looked for",
	},
	[FR_LAYOUT_CHAINS] = {
		"notifier_chains",
		"struct blocking_notifier_head or atomic_notifier_head (public) at reboot_notifier_list, pm_chain_head, module_notify_list, panic_notifier_list, inetaddr_chain, inet6addr_chain, their validators' and netevent_notif_chain",
		FR_FROM(6, 1), FR_UNTIL(7, 3),
		"6.12, 7.1 (6.1, 7.2, 7.3: the same notifier heads)",
		"notifier blocks left behind on those chains not looked for",
	},
	[FR_LAYOUT_RESOURCE] = {
		"resource_lock",
		"an rwlock over ioport_resource's and iomem_resource's trees in kernel/resource.c",
		FR_FROM(6, 1), FR_UNTIL(7, 3),
		"6.12, 7.1 (6.1, 7.2, 7.3: the same __release_region())",
		"I/O port and memory regions left behind not looked for",
	},
	[FR_LAYOUT_DEBUGFS] = {
		"debugfs_mount",
		"a struct vfsmount * in fs/debugfs/inode.c, set once and kept while any entry exists",
		FR_FROM(6, 1), FR_UNTIL(7, 3),
		"6.12, 7.1 (6.1, 7.2, 7.3: the same debugfs_lookup())",
		"empty debugfs directories left behind not looked for",
	},
	[FR_LAYOUT_CRYPTO_TEMPLATES] = {
		"crypto_template_list",
		"a list_head under crypto_alg_sem in crypto/algapi.c",
		FR_FROM(6, 1), FR_UNTIL(7, 3),
		"6.12, 7.1 (6.1, 7.2, 7.3: the same crypto_unregister_template())",
		"crypto templates left behind not looked for",
	},
	[FR_LAYOUT_CHRDEVS] = {
		"chrdevs",
		"struct char_device_struct's hash under the mutex chrdevs_lock in fs/char_dev.c",
		FR_FROM(6, 1), FR_UNTIL(7, 3),
		"6.12, 7.1 (6.1, 7.2, 7.3: the same __unregister_chrdev())",
		"character device regions left behind not looked for",
	},
	[FR_LAYOUT_TCF_PROTO] = {
		"tcf_proto_base",
		"a list_head under the rwlock cls_mod_lock in net/sched/cls_api.c",
		FR_FROM(6, 1), FR_UNTIL(7, 3),
		"6.12, 7.1 (6.1, 7.2, 7.3: the same unregister_tcf_proto_ops())",
		"tc filter kinds left behind not looked for",
	},
	[FR_LAYOUT_EMATCH] = {
		"ematch_ops",
		"a list_head under the rwlock ematch_mod_lock in net/sched/ematch.c",
		FR_FROM(6, 1), FR_UNTIL(7, 3),
		"6.12, 7.1 (6.1, 7.2, 7.3: the same tcf_em_unregister())",
		"tc ematches left behind not looked for",
	},
	[FR_LAYOUT_TC_ACTIONS] = {
		"act_base",
		"a list_head under the rwlock act_mod_lock in net/sched/act_api.c",
		FR_FROM(6, 1), FR_UNTIL(7, 3),
		"6.12, 7.1 (6.1, 7.2, 7.3: the same tcf_unregister_action())",
		"tc actions left behind not looked for",
	},
	[FR_LAYOUT_GENL] = {
		"genl_fam_idr",
		"an idr under the rwsem cb_lock and the mutex genl_mutex in net/netlink/genetlink.c",
		FR_FROM(6, 1), FR_UNTIL(7, 3),
		"6.12, 7.1 (6.1, 7.2, 7.3: the same genl_unregister_family())",
		"generic netlink families left behind not looked for",
	},
	[FR_LAYOUT_DM_TARGETS] = {
		"_targets",
		"a list of struct target_type by ->list under the rw_semaphore _lock in drivers/md/dm-target.c of dm_mod, a module",
		FR_FROM(6, 1), FR_UNTIL(7, 3),
		"6.12, 7.1 (6.1, 7.2, 7.3: the same dm_unregister_target(), read in dm-mod.ko)",
		"device-mapper target types left behind not looked for",
	},
	[FR_LAYOUT_USB_FUNCTIONS] = {
		"func_list",
		"a list of struct usb_function_driver under the mutex func_lock in drivers/usb/gadget/functions.c, a module (libcomposite)",
		FR_FROM(6, 1), FR_UNTIL(7, 3),
		"6.12, 7.1 (6.1, 7.2, 7.3: the same usb_function_unregister(), read in libcomposite.ko)",
		"USB gadget functions left behind not looked for",
	},
	[FR_LAYOUT_SOCK_DIAG] = {
		"sock_diag_handlers",
		"an RCU array of AF_MAX struct sock_diag_handler pointers with ->owner, set by cmpxchg and cleared by xchg under no lock, in net/core/sock_diag.c",
		FR_FROM(6, 1), FR_UNTIL(7, 3),
		"6.12, 7.1 (6.1, 7.2, 7.3: the same sock_diag_unregister(), disassembled)",
		"socket diagnostics handlers left behind not looked for",
	},
	[FR_LAYOUT_INET_DIAG] = {
		"inet_diag_table",
		"a pointer to a kzalloc()ed array of IPPROTO_MAX struct inet_diag_handler pointers in net/ipv4/inet_diag.c, a module: under the mutex inet_diag_table_mutex (6.1), or RCU with ->owner",
		FR_FROM(6, 1), FR_UNTIL(7, 3),
		"6.12, 7.1 (6.1, 7.2, 7.3: inet_diag.ko's inet_diag_unregister(), disassembled)",
		"inet_diag handlers left behind not looked for",
	},
	[FR_LAYOUT_LED_TRIGGERS] = {
		"trigger_list",
		"a list of struct led_trigger by ->next_trig under the rw_semaphore triggers_list_lock in drivers/leds/led-triggers.c",
		FR_FROM(6, 1), FR_UNTIL(7, 3),
		"6.1, 6.12, 7.1 (7.2, 7.3: the same led_trigger_unregister())",
		"LED triggers left behind not looked for",
	},
	/* refscan.c: checked again as it is read. */
	[FR_LAYOUT_FTRACE_PAGES] = {
		"ftrace_pages_start",
		"a list of struct ftrace_page (next, records, index, order) in kernel/trace/ftrace.c",
		FR_FROM(6, 1), FR_UNTIL(7, 3), "6.1, 6.12, 7.1 (7.2, 7.3: checked as read)",
		"ftrace's records of a target's functions not told apart",
	},
	[FR_LAYOUT_FTRACE_MOD_MAPS] = {
		"ftrace_mod_maps",
		"a list of struct ftrace_mod_map (rcu, list, mod, start_addr, end_addr, funcs) with a list of struct ftrace_mod_func (list, name, ip, size) in kernel/trace/ftrace.c",
		FR_FROM(6, 1), FR_UNTIL(7, 3), "6.1, 6.12 (7.2, 7.3: checked as read)",
		"ftrace's map of a target's freed init functions not told apart",
	},
	[FR_LAYOUT_MAJOR_NAMES] = {
		"major_names",
		"an array of 255 struct blk_major_name * (next, major, name[16], probe) under major_names_spinlock, changed under the mutex major_names_lock too, in block/genhd.c",
		FR_FROM(6, 1), FR_UNTIL(7, 3), "6.1, 6.12 (7.2, 7.3: checked as read)",
		"block majors left behind not looked for",
	},
	[FR_LAYOUT_SYSCTL] = {
		"sysctl_table_root",
		"a struct ctl_table_root (public, linux/sysctl.h) whose default set holds /proc/sys, and the spinlock sysctl_lock, in fs/proc/proc_sysctl.c",
		FR_FROM(6, 1), FR_UNTIL(7, 3), "6.1, 6.12, 7.3 (7.2: the same header)",
		"sysctl tables left behind not looked for",
	},
};

static unsigned long fr_layouts_warned __initdata;

static bool __init fr_distrusted(const char *name)
{
	const char *p = distrust;
	size_t len = strlen(name);

	while (p && *p) {
		if ((!strncmp(p, name, len) && (p[len] == ',' || !p[len])) ||
		    (!strncmp(p, "all", 3) && (p[3] == ',' || !p[3])))
			return true;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return false;
}

/* Whether @layout may be used here; says loudly (once) when not. */
bool __init fr_layout_trusted(enum fr_layout layout)
{
	const struct fr_layout_range *l = &fr_layouts[layout];
	bool distrusted = fr_distrusted(l->name);

	if (!distrusted && LINUX_VERSION_CODE >= l->from &&
	    LINUX_VERSION_CODE <= l->until)
		return true;
	if (__test_and_set_bit(layout, &fr_layouts_warned))
		return false;
	if (distrusted)
		pr_err(FR_LOG_LAYOUT "%s, %s: distrusted by " FR_STR(FR_PARAM_DISTRUST) "=: %s\n",
		       l->name, l->assumed, l->otherwise);
	else
		pr_err(FR_LOG_LAYOUT "%s, %s: checked for Linux %u.%u to %u.%u only (read: %s), this is %s: %s\n",
		       l->name, l->assumed, l->from >> 16, (l->from >> 8) & 0xff,
		       l->until >> 16, (l->until >> 8) & 0xff, l->read,
		       utsname()->release, l->otherwise);
	return false;
}

#ifdef FR_TEST_PAUSE
/* Test builds only: a name that lookups pretend not to find. */
static char *test_hide;
module_param(test_hide, charp, 0444);
MODULE_PARM_DESC(test_hide, "Test builds: a kernel symbol to pretend is not found (default: none)");
#endif

/*
 * @name's address as the kprobe core resolves it, into @sym as
 * sprint_symbol() names it; NULL when unknown, or probeable (text, not the
 * data asked for).  x86 with IBT: the core steps over an ENDBR64 at the
 * symbol's start (arch_adjust_kprobe_addr()), and data can hold those
 * bytes too: a page given back at boot and reused as code, as at
 * __start_bss_decrypted_unused (6.12: the bss's hole was then read as
 * vmlinux's data, and a target refused on a freed page's words).  The
 * address given is then 4 bytes past the symbol's start, where no symbol
 * starts: it is stepped back.
 */
static void * __init fr_resolve(const char *name, char sym[KSYM_SYMBOL_LEN])
{
	struct kprobe kp = { .symbol_name = name };
	void *addr;

	if (!register_kprobe(&kp)) {
		unregister_kprobe(&kp);
		return NULL;
	}
	addr = kp.addr;
	if (!addr)
		return NULL;
	sprint_symbol(sym, (unsigned long)addr);
	if (IS_ENABLED(CONFIG_X86_KERNEL_IBT) && strstr(sym, "+0x4/")) {
		addr -= 4;
		sprint_symbol(sym, (unsigned long)addr);
	}
	return addr;
}

void * __init fr_lookup_data(const char *name, size_t size)
{
	char sym[KSYM_SYMBOL_LEN];
	size_t len = strlen(name);
	unsigned long span;
	void *addr;

#ifdef FR_TEST_PAUSE
	if (test_hide && !strcmp(test_hide, name))
		return NULL;
#endif
	addr = fr_resolve(name, sym);
	if (!addr || strncmp(sym, name, len) || strncmp(sym + len, "+0x0/", 5) ||
	    strchr(sym, '[') || kstrtoul(sym + len + 5, 0, &span) ||
	    span < size)
		return NULL;
	return addr;
}

/*
 * @name in the loaded module @mod ("xt" of x_tables), resolved as
 * "MOD:NAME"; trusted only if sprint_symbol() names the start of a symbol
 * of @mod's, "NAME+0x0/SPAN [@mod]", with at least @size bytes to the next
 * one.  NAME is @name, or another at the same address that the module's
 * symbol table lists first: a lock's lockdep key (__key.N, of size 0 when
 * lockdep is off), as for rc_core's rc_map_lock on 6.12 arm64.  The caller
 * holds a reference on @mod: the address is @mod's while it is loaded.
 */
void * __init fr_lookup_module_data(const char *mod, const char *name,
				    size_t size)
{
	/* Too big for the stack, together. */
	static char sym[KSYM_SYMBOL_LEN] __initdata;
	static char full[MODULE_NAME_LEN + KSYM_NAME_LEN] __initdata;
	char tail[MODULE_NAME_LEN + 4];
	size_t sym_len, tail_len;
	unsigned long span;
	char *start;
	void *addr;

	snprintf(full, sizeof(full), "%s:%s", mod, name);
	tail_len = snprintf(tail, sizeof(tail), " [%s]", mod);
	addr = fr_resolve(full, sym);
	if (!addr)
		return NULL;
	sym_len = strlen(sym);
	if (sym_len <= tail_len || strcmp(sym + sym_len - tail_len, tail))
		return NULL;
	sym[sym_len - tail_len] = '\0';
	start = strstr(sym, "+0x0/");
	if (!start || start == sym || kstrtoul(start + 5, 0, &span) || span < size)
		return NULL;
	return addr;
}

/*
 * A linker label of the kernel proper (_sdata, __bss_start): an address,
 * not an object, so no size is checked; only that it is no module's.
 */
void * __init fr_lookup_label(const char *name)
{
	char sym[KSYM_SYMBOL_LEN];
	void *addr = fr_resolve(name, sym);

	return addr && !strchr(sym, '[') ? addr : NULL;
}

/*
 * A kernel address that can be read: virt_addr_valid() (the linear map),
 * and where vmlinux's image is mapped apart from it (arm64, arch.h) the
 * image too, from _stext to __bss_stop (kallsyms has neither _text nor
 * _end there).
 */
bool __init fr_kernel_addr(const void *p)
{
	static unsigned long start __initdata, end __initdata;
	static bool looked __initdata;
	unsigned long a = (unsigned long)p;

	if (virt_addr_valid(p))
		return true;
	if (!FR_ARCH_IMAGE_APART)
		return false;
	if (!looked) {
		start = (unsigned long)fr_lookup_label("_stext");
		end = (unsigned long)fr_lookup_label("__bss_stop");
		looked = true;
	}
	return start && end > start && a - start < end - start;
}

/* kernel/module/main.c's list of modules, looked up once. */
struct list_head * __init fr_modules_list(void)
{
	static struct list_head *modules __initdata;

	if (!modules)
		modules = fr_lookup_data("modules", sizeof(*modules));
	return modules;
}

/*
 * @name, part of @layout: NULL when not found (the feature is absent),
 * ERR_PTR(-ERANGE) when found but @layout is not trusted here.
 */
void * __init fr_lookup_layout(enum fr_layout layout, const char *name,
			       size_t size)
{
	void *addr = fr_lookup_data(name, size);

	if (addr && !fr_layout_trusted(layout))
		return ERR_PTR(-ERANGE);
	return addr;
}

/*
 * kernel/module/main.c: guards the module list and every module's state.
 * Without it a repair would race the kernel's loader and unloader, so there
 * is no repair without it (check=1 still reports, unlocked).
 */
static struct mutex *fr_module_mutex __initdata;

int __init fr_find_module_mutex(void)
{
	fr_module_mutex = fr_lookup_layout(FR_LAYOUT_MODULE_MUTEX,
					   "module_mutex",
					   sizeof(*fr_module_mutex));
	if (IS_ERR(fr_module_mutex)) {
		fr_module_mutex = NULL;
		return -ERANGE;		/* fr_layout_trusted() said why */
	}
	if (!fr_module_mutex) {
		pr_err("module_mutex not found: no repair without it\n");
		return -ENOENT;
	}
	return 0;
}

void __init fr_lock_modules(void)
{
	if (fr_module_mutex)
		mutex_lock(fr_module_mutex);
}

void __init fr_unlock_modules(void)
{
	if (fr_module_mutex)
		mutex_unlock(fr_module_mutex);
}

/*
 * The filesystem types @mod registered, the first @max of them into @owned:
 * returns how many there are (more than @max: the rest were not stored), or
 * -ENOENT (list not found), -ERANGE (layout not trusted) or -EBUSY (its
 * lock stayed held for FR_FS_LOCK_MS, as by a task that died under it).
 * The types live in @mod, which the caller keeps from going.  The list
 * changed shape between 6.12 and 7.2 (FR_FS_NEXT from Kbuild).
 */
#ifdef FR_FS_NEXT
#define FR_FS_LOCK_MS	100

int __init fr_fs_owned(const struct module *mod,
		       struct file_system_type **owned, unsigned int max)
{
	static struct file_system_type **list __initdata;
	static rwlock_t *lock __initdata;	/* file_systems_lock */
	struct file_system_type *fs;
	unsigned int ms, n = 0;

	if (!list || !lock) {
		list = fr_lookup_layout(FR_LAYOUT_FILE_SYSTEMS, "file_systems",
					sizeof(*list));
		lock = fr_lookup_layout(FR_LAYOUT_FILE_SYSTEMS,
					"file_systems_lock", sizeof(*lock));
	}
	if (IS_ERR(list) || IS_ERR(lock))
		return -ERANGE;
	if (!list || !lock)
		return -ENOENT;
	/* A lock a dead task may hold: tried, never waited on for long. */
	for (ms = 0; !read_trylock(lock); ms++) {
		if (ms == FR_FS_LOCK_MS)
			return -EBUSY;
		usleep_range(1000, 1100);
	}
	for (fs = *list; fs; fs = fs->next)
		if (fs->owner == mod && n++ < max)
			owned[n - 1] = fs;
	read_unlock(lock);
	return n;
}
#else
int __init fr_fs_owned(const struct module *mod,
		       struct file_system_type **owned, unsigned int max)
{
	static struct hlist_head *list __initdata;
	struct file_system_type *fs;
	unsigned int n = 0;

	/* Readers walk under rcu_read_lock() alone: no lock is taken. */
	if (!list)
		list = fr_lookup_layout(FR_LAYOUT_FILE_SYSTEMS, "file_systems",
					sizeof(*list));
	if (IS_ERR(list))
		return -ERANGE;
	if (!list)
		return -ENOENT;
	rcu_read_lock();
	hlist_for_each_entry_rcu(fs, list, list)
		if (fs->owner == mod && n++ < max)
			owned[n - 1] = fs;
	rcu_read_unlock();
	return n;
}
#endif
