/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The contract between force_rmmod.ko and the force-rmmod command: the
 * helper's parameters and the words of its kernel log lines that the command
 * parses.  Macros and strings only, so that the module (kernel C) and the
 * command (userspace C) both include it.  It lives here, beside version.h,
 * because DKMS ships only this folder.
 *
 * Log lines are "force_rmmod: NAME: TEXT"; TEXT starts with one of the
 * FR_LOG_* words below (man/force_rmmod.4 lists the whole lines).
 */
#ifndef FR_CONTRACT_H
#define FR_CONTRACT_H

#define FR_HELPER_NAME		"force_rmmod"
#define FR_MAX_TARGETS		64	/* names one load takes in modname= */

/* Parameter names, as identifiers (module_param_named()) and strings. */
#define FR_PARAM_MODNAME	modname
#define FR_PARAM_EXIT		exit
#define FR_PARAM_USERS		users
#define FR_PARAM_CHECK		check
#define FR_PARAM_LEFTOVERS	leftovers
#define FR_PARAM_REFSCAN	refscan
#define FR_PARAM_HEAL		heal
/* Test only: treat these private layouts as outside their checked range. */
#define FR_PARAM_DISTRUST	distrust
#define FR_STR_(x)		#x
#define FR_STR(x)		FR_STR_(x)

/* Values of exit= and users=. */
#define FR_EXIT_MODE_AUTO	"auto"
#define FR_EXIT_MODE_KEEP	"keep"
#define FR_EXIT_MODE_STUB	"stub"
#define FR_USERS_REFUSE		"refuse"
#define FR_USERS_IGNORE		"ignore"
/* Values of leftovers=: undo what is safe and refuse the rest, or go on. */
#define FR_LEFTOVERS_UNDO	"undo"
#define FR_LEFTOVERS_FORCE	"force"
/* Values of refscan=: what a pointer into a target the scan cannot explain does. */
#define FR_REFSCAN_REPORT	"report"
#define FR_REFSCAN_REFUSE	"refuse"

/* First words of TEXT in "force_rmmod: NAME: TEXT". */
#define FR_LOG_REPAIR		"state "	/* state S -> live, refcount ... */
#define FR_LOG_HEALTHY		"healthy"
#define FR_LOG_TASK		"task "		/* task PID (COMM) may be executing */
#define FR_LOG_HOLDER		"used by module "
#define FR_LOG_USER		"user: "
#define FR_LOG_USERS		"has "		/* has N real user(s), refusing */
#define FR_LOG_CHECK		"check: "
#define FR_LOG_LEFTOVER		"leftover: "	/* leftover: KIND OBJECT -> ACTION */
#define FR_LOG_LEFTOVER_TO	" -> "
#define FR_LOG_LEFTOVERS	"cannot undo "	/* cannot undo N leftover(s), refusing */
#define FR_LOG_LEFTOVERS_LEFT	"left "		/* left N leftover(s) registered */
#define FR_LOG_UNDO_FAILED	"could not undo "	/* a race: not repaired */
/* "force_rmmod: an undo still waits: force_rmmod stays loaded until it returns" */
#define FR_LOG_UNDO_WAITING	"an undo still waits: "
#define FR_LOG_DEVICE		"device "	/* device D: probe by driver R never returned */

/* Leftover kinds (KIND), what undoes each (ACTION), and the line saying so. */
#define FR_LO_KIND_FS		"filesystem"
#define FR_LO_KIND_MISC		"misc"
#define FR_LO_KIND_PROC		"proc"
#define FR_LO_KIND_BINFMT	"binfmt"
#define FR_LO_KIND_TCP		"tcp_congestion"
#define FR_LO_KIND_DISK		"disk"
#define FR_LO_KIND_BLKDEV	"blkdev"
#define FR_LO_KIND_SYSCTL	"sysctl"
#define FR_LO_KIND_CONFIGFS	"configfs"
#define FR_LO_KIND_TIMER	"timer"
#define FR_LO_KIND_DWORK	"delayed_work"
#define FR_LO_KIND_HRTIMER	"hrtimer"
#define FR_LO_KIND_WORK		"work"
#define FR_LO_KIND_NETDEV	"netdev"
#define FR_LO_KIND_DRIVER	"driver"
#define FR_LO_KIND_PDEV		"platform_device"
#define FR_LO_KIND_CRYPTO	"crypto"
#define FR_LO_KIND_CRYPTO_TEMPLATE	"crypto_template"
#define FR_LO_KIND_CHRDEV	"chrdev"
#define FR_LO_KIND_BUS	"bus"
#define FR_LO_KIND_TC_FILTER	"tc_filter"
#define FR_LO_KIND_EMATCH	"ematch"
#define FR_LO_KIND_TC_ACTION	"tc_action"
#define FR_LO_KIND_GENL	"genl_family"
#define FR_LO_KIND_LED_TRIGGER	"led_trigger"
#define FR_LO_KIND_INET_DIAG	"inet_diag"
#define FR_LO_KIND_SOCK_DIAG	"sock_diag"
#define FR_LO_KIND_USB_FUNCTION	"usb_function"
#define FR_LO_KIND_DM_TARGET	"dm_target"
#define FR_LO_KIND_IPVS_SCHED	"ipvs_scheduler"
#define FR_LO_KIND_XT_TEMPLATE	"xt_template"
#define FR_LO_KIND_QDISC	"qdisc"
#define FR_LO_KIND_LINK		"rtnl_link"
#define FR_LO_KIND_NOTIFIER	"netdev_notifier"
#define FR_LO_KIND_PERNET	"pernet"
#define FR_LO_KIND_INPUT	"input_handler"
#define FR_LO_KIND_LDISC	"ldisc"
#define FR_LO_KIND_XT_MATCH	"xt_match"
#define FR_LO_KIND_XT_TARGET	"xt_target"
#define FR_LO_KIND_KTHREAD	"kthread"
#define FR_LO_KIND_KMEM		"kmem_cache"
#define FR_LO_KIND_PTYPE	"packet_type"
#define FR_LO_KIND_STP		"stp_proto"
#define FR_LO_KIND_IOCTL	"ioctl_hook"
#define FR_LO_KIND_NLS		"nls"
#define FR_LO_KIND_RC_KEYMAP	"rc_keymap"
#define FR_LO_KIND_CLASS	"class"
#define FR_LO_KIND_WQ		"workqueue"
#define FR_LO_KIND_CHAIN	"notifier"
#define FR_LO_KIND_REGION	"region"
#define FR_LO_KIND_DEBUGFS	"debugfs"
#define FR_LO_KIND_KOBJECT	"kobject"
#define FR_LO_ACT_UNREGISTER	"unregister"
#define FR_LO_ACT_REMOVE	"remove"
#define FR_LO_ACT_STOP		"stop"
#define FR_LO_ACT_CANCEL	"cancel"
#define FR_LO_ACT_DESTROY	"destroy"
#define FR_LO_ACT_RELEASE	"release"
#define FR_LO_ACT_REFUSE	"refuse"	/* refuse (REASON) */
#define FR_LOG_UNDONE_FS	"unregistered filesystem "
#define FR_LOG_UNDONE_MISC	"unregistered misc device "
#define FR_LOG_UNDONE_PROC	"removed /proc entry "
#define FR_LOG_UNDONE_BINFMT	"unregistered binfmt "
#define FR_LOG_UNDONE_TCP	"unregistered tcp_congestion "
#define FR_LOG_UNDONE_TIMER	"stopped timer "
#define FR_LOG_UNDONE_DWORK	"cancelled delayed work "
#define FR_LOG_UNDONE_HRTIMER	"cancelled hrtimer "
#define FR_LOG_UNDONE_DRIVER	"unregistered driver "	/* BUS/NAME */
#define FR_LOG_UNDONE_NETDEV	"removed netdev "	/* by its driver's remove */
#define FR_LOG_UNDONE_PDEV	"unregistered platform device "
#define FR_LOG_UNDONE_CRYPTO	"unregistered crypto algorithm "
#define FR_LOG_UNDONE_CRYPTO_TEMPLATE	"unregistered crypto template "
#define FR_LOG_UNDONE_CHRDEV	"unregistered chrdev "
#define FR_LOG_UNDONE_BUS	"unregistered bus "
#define FR_LOG_UNDONE_TC_FILTER	"unregistered tc filter "
#define FR_LOG_UNDONE_EMATCH	"unregistered ematch "
#define FR_LOG_UNDONE_TC_ACTION	"unregistered tc action "
#define FR_LOG_UNDONE_GENL	"unregistered genl family "
#define FR_LOG_UNDONE_LED_TRIGGER	"unregistered led_trigger "
#define FR_LOG_UNDONE_INET_DIAG	"unregistered inet_diag "
#define FR_LOG_UNDONE_SOCK_DIAG	"unregistered sock_diag "
#define FR_LOG_UNDONE_USB_FUNCTION	"unregistered usb_function "
#define FR_LOG_UNDONE_DM_TARGET	"unregistered dm_target "
#define FR_LOG_UNDONE_IPVS_SCHED	"unregistered ipvs scheduler "
#define FR_LOG_UNDONE_XT_TEMPLATE	"unregistered xt_template "
#define FR_LOG_UNDONE_QDISC	"unregistered qdisc "
#define FR_LOG_UNDONE_LINK	"unregistered rtnl_link "
#define FR_LOG_UNDONE_NOTIFIER	"unregistered netdev_notifier "
#define FR_LOG_UNDONE_PERNET	"unregistered pernet operations "
#define FR_LOG_UNDONE_INPUT	"unregistered input handler "
#define FR_LOG_UNDONE_LDISC	"unregistered line discipline "
#define FR_LOG_UNDONE_XT_MATCH	"unregistered xt_match "	/* NAME/FAMILY */
#define FR_LOG_UNDONE_XT_TARGET	"unregistered xt_target "
#define FR_LOG_UNDONE_KTHREAD	"stopped kthread "	/* COMM/PID */
#define FR_LOG_UNDONE_KMEM	"destroyed kmem_cache "
#define FR_LOG_UNDONE_PTYPE	"unregistered packet_type "
#define FR_LOG_UNDONE_STP	"unregistered stp_proto "
#define FR_LOG_UNDONE_IOCTL	"cleared ioctl_hook "
#define FR_LOG_UNDONE_NLS	"unregistered nls "
#define FR_LOG_UNDONE_RC_KEYMAP	"unregistered rc_keymap "
#define FR_LOG_UNDONE_CLASS	"unregistered class "
#define FR_LOG_UNDONE_WQ	"destroyed workqueue "
#define FR_LOG_UNDONE_CHAIN	"unregistered notifier "
#define FR_LOG_UNDONE_REGION	"released region "
#define FR_LOG_UNDONE_DEBUGFS	"removed debugfs "
#define FR_LOG_UNDONE_KOBJECT	"removed kobject "
#define FR_LOG_UNDONE_DISK	"removed disk "
#define FR_LOG_UNDONE_BLKDEV	"unregistered blkdev "	/* MAJOR:NAME */
#define FR_LOG_UNDONE_SYSCTL	"unregistered sysctl "	/* its directory: dev/cdrom */
/* "gone with an earlier undo: KIND NAME": a driver's remove took it away */
#define FR_LOG_GONE		"gone with an earlier undo: "
/* An idle work of the target disabled since 6.10: no leftover, no refusal. */
#define FR_LOG_IDLE_WORK	"disabled idle work "
#define FR_LOG_REFS		"references "	/* FR_REFS_FMT */
/* A line without a module name: "force_rmmod: loader table: ..." */
#define FR_LOG_LOADER		"loader table: "
/* "force_rmmod: leftover scan: N target(s), M leftover(s), T us" */
#define FR_LOG_LEFTOVER_SCAN	"leftover scan: "
/* "force_rmmod: NAME: reference scan: N MB in M ms: ..." (refscan.c) */
#define FR_LOG_REFSCAN		"reference scan: "
/* "force_rmmod: NAME: reference: pointer to SYMBOL (KIND) from WHERE" */
#define FR_LOG_REFERENCE	"reference: "
/* "force_rmmod: layout: SYMBOL ...": a private layout not trusted here. */
#define FR_LOG_LAYOUT		"layout: "

/*
 * How many of a target's references its users explain, logged wherever the
 * helper looks for users: the total (module_refcount()), then per kind, then
 * what is left.  The command reads it back with sscanf() and this format.
 */
#define FR_REFS_FMT \
	FR_LOG_REFS "%d: holders %d, files %d, mounts %d, sockets %d, " \
	"block devices %d, ttys %d, crypto %d, ops %d, loader %d; unexplained %d"

/* Users the command looks into further, after FR_LOG_USER. */
#define FR_USER_BLOCKDEV	"block device "	/* block device DISK open (N) */
#define FR_USER_TTY		"tty "		/* tty NAME open (N) */

#endif
