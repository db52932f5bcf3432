// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of force-rmmod's mechanisms (src/cli/), built with ASan and
 * UBSan by "make check-unit".  Diagnosis runs on a /proc and /sys tree made
 * here in a temporary directory, as the kernel prints them (see the guest
 * probes in tests/vm/cli.test for the real thing).
 *
 * To add a case: a CHECK() in the test function of its file, or a new
 * test function called from main().  Every CHECK counts; any failure makes
 * the run exit 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "leftovers.h"
#include "check.h"
#include "fr.h"
#include "blockusers.h"
#include "lock.h"

/* ---- names.c --------------------------------------------------------------- */

static void test_names(void)
{
	char out[FR_NAME_MAX], name55[56], name56[57];

	CHECK(fr_name_normalise("fr_leak_ref", out) == FR_NAME_OK);
	CHECK_STR(out, "fr_leak_ref");
	CHECK(fr_name_normalise("fr-crash-init", out) == FR_NAME_OK);
	CHECK_STR(out, "fr_crash_init");
	CHECK(fr_name_normalise("Ext4_2", out) == FR_NAME_OK);
	CHECK(fr_name_normalise("", out) == FR_NAME_EMPTY);
	CHECK(fr_name_normalise("./fr_leak_ref.ko", out) == FR_NAME_PATH);
	CHECK(fr_name_normalise("/lib/modules/x/fr.ko.xz", out) == FR_NAME_PATH);
	CHECK(fr_name_normalise("a/b", out) == FR_NAME_PATH);
	CHECK(fr_name_normalise("fr.ko", out) == FR_NAME_PATH);
	CHECK(fr_name_normalise("fr leak", out) == FR_NAME_MALFORMED);
	CHECK(fr_name_normalise("fr*", out) == FR_NAME_MALFORMED);
	CHECK(fr_name_normalise("fr\xc3\xa4", out) == FR_NAME_MALFORMED);
	CHECK(fr_name_normalise("fr\n", out) == FR_NAME_MALFORMED);
	memset(name55, 'x', 55);
	name55[55] = '\0';
	memset(name56, 'x', 56);
	name56[56] = '\0';
	CHECK(fr_name_normalise(name55, out) == FR_NAME_OK);
	CHECK(strlen(out) == 55);
	CHECK(fr_name_normalise(name56, out) == FR_NAME_TOO_LONG);
	CHECK(out[0] == '\0');
	CHECK(strstr(fr_name_strerror(FR_NAME_EMPTY), "empty") != NULL);
	CHECK(strstr(fr_name_strerror(FR_NAME_PATH), "file name") != NULL);
}

/* ---- modules.c: /proc/modules lines ---------------------------------------- */

static void test_modules_line(void)
{
	struct fr_module m;

	CHECK(fr_modules_line_parse("fr_healthy 12288 0 - Live 0xffffffffc02dd000 (OE)\n", &m) == 0);
	CHECK_STR(m.name, "fr_healthy");
	CHECK(m.state == FR_STATE_LIVE && m.refcount == 0 && m.nr_holders == 0 && !m.permanent);
	CHECK(fr_module_is_healthy(&m, 0));
	CHECK(!fr_module_refs_unexplained(&m));

	CHECK(fr_modules_line_parse("fr_dep_base 12288 2 fr_dep_user, Live 0xffffffffc02eb000 (OE)", &m) == 0);
	CHECK(m.refcount == 2 && m.nr_holders == 1);
	CHECK_STR(m.holders[0], "fr_dep_user");
	CHECK(!fr_module_is_healthy(&m, 0));
	CHECK(!fr_module_is_healthy(&m, 1));	/* one reference more than its holder's */
	CHECK(fr_module_refs_unexplained(&m));
	m.refcount = 1;
	CHECK(fr_module_is_healthy(&m, 1));	/* once its holder, a target, is gone */
	CHECK(!fr_module_is_healthy(&m, 0));
	CHECK(!fr_module_refs_unexplained(&m));
	m.nr_tasks = 1;
	CHECK(!fr_module_is_healthy(&m, 1));	/* a task in its code */
	m.nr_tasks = 0;
	m.state = FR_STATE_COMING;
	CHECK(!fr_module_is_healthy(&m, 1));
	m.refcount = 2;				/* its holder's and the dead loader's */
	CHECK(!fr_module_refs_unexplained(&m));
	m.refcount = 3;
	CHECK(fr_module_refs_unexplained(&m));
	m.state = FR_STATE_GOING;
	m.refcount = 0;
	CHECK(!fr_module_refs_unexplained(&m));
	m.refcount = 1;
	CHECK(fr_module_refs_unexplained(&m));

	CHECK(fr_modules_line_parse("fr_no_exit 8192 0 [permanent], Live 0x0000000000000000 (OE)", &m) == 0);
	CHECK(m.permanent && m.nr_holders == 0 && !fr_module_is_healthy(&m, 0));

	CHECK(fr_modules_line_parse("fr_block_exit 12288 -1 - Unloading 0xffffffffc02f7000 (OE-)", &m) == 0);
	CHECK(m.state == FR_STATE_GOING && m.refcount == -1);
	CHECK(fr_modules_line_parse("fr_block_init 20480 1 - Loading 0xffffffffc02fd000 (OE+)", &m) == 0);
	CHECK(m.state == FR_STATE_COMING && m.refcount == 1);
	CHECK(fr_modules_line_parse("b 1 3 u1,u2,[permanent], Live 0x0", &m) == 0);
	CHECK(m.nr_holders == 2 && m.permanent);
	CHECK_STR(m.holders[1], "u2");
	CHECK(fr_modules_line_parse("x 1 0 - Weird 0x0", &m) == 0);
	CHECK(m.state == FR_STATE_UNKNOWN);

	CHECK(fr_modules_line_parse("", &m) == -EINVAL);
	CHECK(fr_modules_line_parse("fr_healthy 12288", &m) == -EINVAL);
	CHECK(fr_modules_line_parse("fr_healthy x 0 - Live 0x0", &m) == -EINVAL);
	CHECK(fr_modules_line_parse("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx 1 0 - Live 0", &m) == -EINVAL);
}

/* ---- modules.c and tasks.c on a prepared tree -------------------------------- */

static void make_tree(void)
{
	strcpy(root, "/tmp/fr-unit-XXXXXX");
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		exit(2);
	}
	put("proc/modules",
	    "fr_block_init 20480 1 - Loading 0xffffffffc02fd000 (OE+)\n"
	    "fr_block_exit 12288 -1 - Unloading 0xffffffffc02f7000 (OE-)\n"
	    "fr_dep_user 12288 0 - Live 0xffffffffc02f1000 (OE)\n"
	    "fr_dep_base 12288 2 fr_dep_user, Live 0xffffffffc02eb000 (OE)\n"
	    "fr_leak_ref 12288 2 - Live 0xffffffffc02e3000 (OE)\n"
	    "fr_no_exit 8192 0 [permanent], Live 0x0000000000000000 (OE)\n"
	    "fr_healthy 12288 0 - Live 0xffffffffc02dd000 (OE)\n"
	    "fr_healthy_twin 12288 0 - Live 0xffffffffc02dd000 (OE)\n");
	put("proc/kallsyms",
	    "ffffffff98964550 T _printk\n"
	    "ffffffffc02fd010 t cleanup_module\t[fr_block_init]\n"
	    "ffffffffc0309010 t init_module\t[fr_block_init]\n"
	    "ffffffffc02f7010 t cleanup_module\t[fr_block_exit]\n"
	    "ffffffffc02e9084 r _note_19\t[fr_no_exit]\n"
	    "ffffffffc02e7040 d __this_module\t[fr_no_exit]\n"
	    "ffffffffc02dd010 t cleanup_module\t[fr_healthy_twin]\n"
	    "ffffffffc02dd010 t cleanup_module\t[fr_healthy]\n"
	    "ffffffffc02e3010 t cleanup_module\t[fr_leak_ref]\n");
	put("sys/module/fr_leak_ref/initstate", "live\n");
	put("sys/module/fr_healthy/initstate", "live\n");
	put("sys/module/printk/parameters/", NULL);
	put("sys/module/printk/uevent", "");
	/* An insmod stuck in fr_block_init's init, an rmmod in fr_block_exit's exit. */
	put("proc/146/task/146/stack",
	    "[<0>] msleep+0x2b/0x40\n"
	    "[<0>] fr_block_init_init+0x1f/0xff0 [fr_block_init]\n"
	    "[<0>] do_one_initcall+0x5b/0x320\n"
	    "[<0>] do_init_module+0x60/0x270\n"
	    "[<0>] __x64_sys_finit_module+0x5e/0xb0\n");
	put("proc/146/task/146/comm", "insmod\n");
	put("proc/146/task/146/syscall", "313 0x3 0xab9a9a0 0x0\n");
	put("proc/147/task/147/stack",
	    "[<0>] msleep+0x2b/0x40\n"
	    "[<0>] fr_block_exit_exit+0x1a/0xff0 [fr_block_exit]\n"
	    "[<0>] __do_sys_delete_module+0x1b8/0x350\n");
	put("proc/147/task/147/comm", "rmmod\n");
	/* A second thread of a process, asleep in a module function. */
	put("proc/200/task/200/stack", "[<0>] do_sys_poll+0x1/0x2\n");
	put("proc/200/task/200/comm", "worker\n");
	put("proc/200/task/201/stack", "[<0>] fr_leak_ref_wait+0x1/0x2 [fr_leak_ref]\n");
	put("proc/200/task/201/comm", "worker-2\n");
	put("proc/200/task/201/syscall", "7 0x0\n");
	/* Near misses: another module whose name starts the same. */
	put("proc/300/task/300/stack", "[<0>] x+0x1/0x2 [fr_healthy_twin]\n");
	put("proc/300/task/300/comm", "twin\n");
	put("proc/self/", NULL);	/* not numeric: skipped */
	put("proc/400/", NULL);		/* a process gone meanwhile: no task/ */
}

/* fr_module_read() and the one stack scan for @name. */
static int read_with_tasks(const char *name, struct fr_module *m)
{
	struct fr_module *one = m;
	int ret = fr_module_read(root, name, m);

	if (!ret)
		ret = fr_tasks_scan(root, &one, 1);
	return ret;
}

static void test_tree(void)
{
	struct fr_module m, a, b, *two[2] = { &a, &b };

	make_tree();
	CHECK(fr_module_kind(root, "fr_leak_ref") == FR_KIND_LOADABLE);
	CHECK(fr_module_kind(root, "fr_no_exit") == FR_KIND_LOADABLE);	/* /proc/modules only */
	CHECK(fr_module_kind(root, "printk") == FR_KIND_BUILTIN);
	CHECK(fr_module_kind(root, "fr_nosuch") == FR_KIND_NOT_LOADED);
	CHECK(fr_module_kind(root, "fr_healthy_") == FR_KIND_NOT_LOADED);
	CHECK(fr_module_kind(root, "fr") == FR_KIND_NOT_LOADED);
	CHECK(fr_module_is_loaded(root, "fr_healthy"));
	CHECK(fr_module_in_sysfs(root, "fr_leak_ref"));
	CHECK(!fr_module_in_sysfs(root, "fr_no_exit"));	/* load stopped before sysfs */
	CHECK(!fr_module_is_loaded(root, "fr_health"));

	CHECK(read_with_tasks("fr_block_init", &m) == 0);
	CHECK(m.state == FR_STATE_COMING && m.refcount == 1 && m.has_exit == 1);
	CHECK(m.nr_tasks == 1);
	CHECK(m.tasks[0].pid == 146);
	CHECK_STR(m.tasks[0].comm, "insmod");
	CHECK_STR(fr_exec_name(m.tasks[0].what), "init");

	CHECK(read_with_tasks("fr_block_exit", &m) == 0);
	CHECK(m.state == FR_STATE_GOING && m.refcount == -1 && m.nr_tasks == 1);
	CHECK(m.tasks[0].pid == 147);
	CHECK_STR(fr_exec_name(m.tasks[0].what), "exit");

	CHECK(read_with_tasks("fr_leak_ref", &m) == 0);
	CHECK(m.refcount == 2 && m.has_exit == 1 && m.nr_tasks == 1);
	CHECK(m.tasks[0].pid == 201);
	CHECK_STR(m.tasks[0].comm, "worker-2");
	CHECK_STR(fr_exec_name(m.tasks[0].what), "code");

	CHECK(read_with_tasks("fr_no_exit", &m) == 0);
	CHECK(m.permanent && m.has_exit == 0 && m.nr_tasks == 0);

	CHECK(read_with_tasks("fr_healthy", &m) == 0);
	CHECK(m.has_exit == 1 && m.nr_tasks == 0 && fr_module_is_healthy(&m, 0));

	CHECK(read_with_tasks("fr_dep_base", &m) == 0);
	CHECK(m.nr_holders == 1 && m.has_exit == -1);	/* not in kallsyms */
	CHECK(read_with_tasks("fr_dep_user", &m) == 0);
	CHECK(fr_module_is_healthy(&m, 0));
	CHECK(fr_module_read(root, "fr_nosuch", &m) == -ENOENT);
	CHECK(fr_module_read("/nonexistent-root", "fr_healthy", &m) == -ENOENT);

	/* One scan, two modules. */
	CHECK(fr_module_read(root, "fr_healthy_twin", &a) == 0);
	CHECK(fr_module_read(root, "fr_block_exit", &b) == 0);
	CHECK(fr_tasks_scan(root, two, 2) == 0);
	CHECK(a.nr_tasks == 1 && a.tasks[0].pid == 300 && b.nr_tasks == 1 && b.tasks[0].pid == 147);
	CHECK_STR(fr_exec_name(a.tasks[0].what), "code");
	CHECK(fr_tasks_scan("/nonexistent-root", two, 2) == -ENOENT);
	CHECK(a.nr_tasks == 0);

	/* Exit function from sections/ first: .exit.text there or not. */
	put("sys/module/fr_dep_base/sections/.exit.text", "0xffffffffc02eb040\n");
	CHECK(fr_module_read(root, "fr_dep_base", &m) == 0 && m.has_exit == 1);
	put("sys/module/fr_block_init/sections/.gnu.linkonce.this_module", "0x0\n");
	CHECK(fr_module_read(root, "fr_block_init", &m) == 0 && m.has_exit == 0);
}

static void test_stack_line(void)
{
	CHECK(fr_stack_line_in_module("[<0>] f+0x1/0x2 [fr_x]\n", "fr_x"));
	CHECK(fr_stack_line_in_module("[<0>] f+0x1/0x2 [fr_x]", "fr_x"));
	CHECK(!fr_stack_line_in_module("[<0>] f+0x1/0x2 [fr_xy]\n", "fr_x"));
	CHECK(!fr_stack_line_in_module("[<0>] f+0x1/0x2 [afr_x]\n", "fr_x"));
	/* A kernel thread whose function is the module's: the frame before kthread's. */
	CHECK(fr_stack_own_thread("[<0>] __schedule+0x1/0x2\n[<0>] w+0x1/0x2 [fr_x]\n"
				  "[<0>] kthread+0x1/0x2\n[<0>] ret_from_fork+0x1/0x2\n", "fr_x"));
	CHECK(!fr_stack_own_thread("[<0>] w+0x1/0x2 [fr_x]\n[<0>] worker_thread+0x1/0x2\n"
				   "[<0>] kthread+0x1/0x2\n", "fr_x"));
	CHECK(!fr_stack_own_thread("[<0>] kthread+0x1/0x2\n", "fr_x"));
	CHECK(!fr_stack_own_thread("[<0>] w+0x1/0x2 [fr_x]\n[<0>] do_syscall_64+0x1/0x2\n", "fr_x"));
	CHECK(!fr_stack_line_in_module("[<0>] fr_x+0x1/0x2\n", "fr_x"));
	CHECK(!fr_stack_line_in_module("[fr_x]", "fr_x"));
	CHECK(!fr_stack_line_in_module("", "fr_x"));
	CHECK(!fr_stack_line_in_module("]", "fr_x"));
}

/*
 * What a task runs, told by its system call when no frame tells: the
 * numbers of this architecture (SYS_*), as /proc/PID/syscall prints them.
 */
static void test_syscall_numbers(void)
{
	struct fr_module a, b, c, *three[] = { &a, &b, &c };
	char sub[128];

	snprintf(sub, sizeof(sub), "%s/sysnr", root);
	put("sysnr/proc/modules", "fr_a 1 1 - Loading 0x0\nfr_b 1 0 - Unloading 0x0\n"
	    "fr_c 1 1 - Loading 0x0\n");
	put("sysnr/proc/10/task/10/stack", "[<0>] a+0x1/0x2 [fr_a]\n");
	put("sysnr/proc/10/task/10/syscall", "%d 0x3 0x0\n", (int)SYS_init_module);
	put("sysnr/proc/11/task/11/stack", "[<0>] b+0x1/0x2 [fr_b]\n");
	put("sysnr/proc/11/task/11/syscall", "%d 0x3 0x0\n", (int)SYS_delete_module);
	put("sysnr/proc/12/task/12/stack", "[<0>] c+0x1/0x2 [fr_c]\n");
	put("sysnr/proc/12/task/12/syscall", "%d 0x3 0x0\n", (int)SYS_finit_module);
	CHECK(fr_module_read(sub, "fr_a", &a) == 0 && fr_module_read(sub, "fr_b", &b) == 0 &&
	      fr_module_read(sub, "fr_c", &c) == 0);
	CHECK(fr_tasks_scan(sub, three, 3) == 0);
	CHECK(a.nr_tasks == 1 && a.tasks[0].what == FR_EXEC_INIT);
	CHECK(b.nr_tasks == 1 && b.tasks[0].what == FR_EXEC_EXIT);
	CHECK(c.nr_tasks == 1 && c.tasks[0].what == FR_EXEC_INIT);
	put("sysnr/proc/11/task/11/syscall", "%d 0x3 0x0\n", (int)SYS_read);
	CHECK(fr_tasks_scan(sub, three, 3) == 0 && b.tasks[0].what == FR_EXEC_CODE);
}

/* ---- kmsg.c and helperlog.c --------------------------------------------------- */

static void test_kmsg(void)
{
	char msg[64];
	const char rec[] = "4,1234,5678901,-;force_rmmod: fr_x: healthy\n SUBSYSTEM=x\n";

	CHECK(fr_kmsg_record_parse(rec, strlen(rec), msg, sizeof(msg)) == 0);
	CHECK_STR(msg, "force_rmmod: fr_x: healthy");
	CHECK(fr_kmsg_record_parse("6,1,0,c,caller=T1;hi", 20, msg, sizeof(msg)) == 0);
	CHECK_STR(msg, "hi");
	CHECK(fr_kmsg_record_parse("6,1,0,-;0123456789", 18, msg, 5) == 0);
	CHECK_STR(msg, "0123");
	CHECK(fr_kmsg_record_parse("no separator", 12, msg, sizeof(msg)) == -EINVAL);
	CHECK(fr_kmsg_record_parse("a b;x", 5, msg, sizeof(msg)) == -EINVAL);
	CHECK(fr_kmsg_record_parse("6,1,0,-;x", 9, msg, 0) == -EINVAL);
	/* Under a root: absent, or a plain file (not the 1:11 device) is refused. */
	CHECK(fr_kmsg_open(root) == -ENOENT);
	put("dev/kmsg", "6,1,0,-;force_rmmod: fr_x: user: fake\n");
	CHECK(fr_kmsg_open(root) == -ENODEV);
}

static void test_helper_lines(void)
{
	struct fr_line l;

	CHECK(fr_helper_line_parse("force_rmmod: fr_crash_init: state coming -> live, refcount 1 -> 0, exit own -> stub; rmmod fr_crash_init now", &l) == 0);
	CHECK(l.kind == FR_LINE_REPAIR);
	CHECK_STR(l.name, "fr_crash_init");
	CHECK_STR(l.state_before, "coming");
	CHECK(l.refs_before == 1 && l.refs_after == 0);
	CHECK_STR(l.exit_before, "own");
	CHECK_STR(l.exit_after, "stub");

	CHECK(fr_helper_line_parse("force_rmmod: fr_crash_exit: state going -> live, refcount -1 -> 0, exit own -> stub; rmmod fr_crash_exit now", &l) == 0);
	CHECK(l.kind == FR_LINE_REPAIR && l.refs_before == -1);

	CHECK(fr_helper_line_parse("force_rmmod: fr_healthy: healthy (live, refcount 0, exit own), nothing to do", &l) == 0);
	CHECK(l.kind == FR_LINE_HEALTHY);

	CHECK(fr_helper_line_parse("force_rmmod: fr_block_init: task 100 (insmod) may be executing its code", &l) == 0);
	CHECK(l.kind == FR_LINE_TASK && l.pid == 100);
	CHECK_STR(l.comm, "insmod");

	CHECK(fr_helper_line_parse("force_rmmod: fr_dep_base: used by module fr_dep_user, remove it first or name it too", &l) == 0);
	CHECK(l.kind == FR_LINE_HOLDER);
	CHECK_STR(l.holder, "fr_dep_user");

	CHECK(fr_helper_line_parse("force_rmmod: fr_misc: user: open file /dev/fr_misc (pid 12, sleep, fd 3)", &l) == 0);
	CHECK(l.kind == FR_LINE_USER);
	CHECK_STR(l.text, "open file /dev/fr_misc (pid 12, sleep, fd 3)");
	CHECK(fr_helper_line_parse("force_rmmod: fr_fs: user: 1 mounted filesystem(s) of type fr_fs", &l) == 0);
	CHECK(l.kind == FR_LINE_USER);

	CHECK(fr_helper_line_parse("force_rmmod: fr_fs: check: state live, refcount 1, holders 0, exit own, users 1, would repair", &l) == 0);
	CHECK(l.kind == FR_LINE_CHECK && l.users == 1);
	CHECK_STR(l.text, "state live, refcount 1, holders 0, exit own, users 1, would repair");
	CHECK(fr_helper_line_parse("force_rmmod: fr_fs: check: state live, refcount 1", &l) == 0);
	CHECK(l.kind == FR_LINE_CHECK && l.users == -1);
	CHECK(fr_helper_line_parse("force_rmmod: fr_fs: check: x, users -3, would", &l) == 0);
	CHECK(l.kind == FR_LINE_CHECK && l.users == -1);

	CHECK(fr_helper_line_parse("force_rmmod: fr_misc: has 2 real user(s), refusing (users=ignore forces)", &l) == 0);
	CHECK(l.kind == FR_LINE_USERS && l.users == 2);
	CHECK_STR(l.name, "fr_misc");
	CHECK(fr_helper_line_parse("force_rmmod: fr_misc: has -2 real user(s), refusing", &l) == 0);
	CHECK(l.kind == FR_LINE_ERROR);

	CHECK(fr_helper_line_parse("force_rmmod: fr_nosuch: not loaded", &l) == 0);
	CHECK(l.kind == FR_LINE_ERROR);
	CHECK_STR(l.text, "not loaded");

	CHECK(fr_helper_line_parse("force_rmmod: modname= is missing", &l) == 0);
	CHECK(l.kind == FR_LINE_OTHER && l.name[0] == '\0');
	CHECK(fr_helper_line_parse("force_rmmod: '': empty module name", &l) == 0);
	CHECK(l.kind == FR_LINE_OTHER);
	CHECK(fr_helper_line_parse("force_rmmod: module_mutex not found: working without it", &l) == 0);
	CHECK(l.kind == FR_LINE_OTHER);
	CHECK(fr_helper_line_parse("force_rmmod: acc: disabled idle work acc_work", &l) == 0);
	CHECK(l.kind == FR_LINE_OTHER);
	CHECK_STR(l.name, "acc");
	CHECK(fr_helper_line_parse("force_rmmodx: a: b", &l) == -1);
	CHECK(fr_helper_line_parse("fr_healthy: exit ran", &l) == -1);
	CHECK(fr_helper_line_parse("", &l) == -1);
}

/* ---- leftovers.c: what a target left registered ------------------------------------ */

static void test_leftovers(void)
{
	struct fr_leftover lo, list[3];
	enum fr_leftover_kind kind;
	struct fr_line l;
	char obj[64], buf[256];
	int targets, found, count;
	long us;

	/* Lines as helperlog.c classifies them. */
	CHECK(fr_helper_line_parse("force_rmmod: acc: leftover: filesystem accres -> unregister", &l) == 0);
	CHECK(l.kind == FR_LINE_LEFTOVER);
	CHECK_STR(l.name, "acc");
	CHECK_STR(l.text, "filesystem accres -> unregister");
	CHECK(fr_helper_line_parse("force_rmmod: acc: unregistered filesystem accres", &l) == 0);
	CHECK(l.kind == FR_LINE_UNDONE);
	CHECK(fr_helper_line_parse("force_rmmod: acc: removed /proc entry /proc/acc/stats", &l) == 0);
	CHECK(l.kind == FR_LINE_UNDONE);
	CHECK(fr_helper_line_parse("force_rmmod: acc: cannot undo 2 leftover(s), refusing (leftovers=force forces)", &l) == 0);
	CHECK(l.kind == FR_LINE_LEFTOVERS && l.leftovers == 2);
	CHECK(fr_helper_line_parse("force_rmmod: acc: left 1 leftover(s) registered (leftovers=force)", &l) == 0);
	CHECK(l.kind == FR_LINE_LEFTOVERS_LEFT && l.leftovers == 1);
	CHECK(fr_helper_line_parse("force_rmmod: acc: could not undo timer acc_timer (running), not repaired", &l) == 0);
	CHECK(l.kind == FR_LINE_ERROR);
	CHECK(fr_helper_line_parse("force_rmmod: acc: cannot undo -1 leftover(s), refusing", &l) == 0);
	CHECK(l.kind == FR_LINE_ERROR);
	CHECK(fr_helper_line_parse("force_rmmod: leftover scan: 2 target(s), 3 leftover(s), 154 us", &l) == 0);
	CHECK(l.kind == FR_LINE_OTHER && l.name[0] == '\0');

	/* leftover: KIND OBJECT -> ACTION */
	CHECK(fr_leftover_parse("filesystem accres -> unregister", &lo) == 0);
	CHECK(lo.kind == FR_LEFTOVER_FILESYSTEM && lo.action == FR_LEFTOVER_UNREGISTER);
	CHECK_STR(lo.object, "accres");
	CHECK(!lo.reason[0] && !lo.undone);
	CHECK(fr_leftover_parse("proc /proc/acc dir/x -> remove", &lo) == 0);
	CHECK(lo.kind == FR_LEFTOVER_PROC && lo.action == FR_LEFTOVER_REMOVE);
	CHECK_STR(lo.object, "/proc/acc dir/x");
	CHECK(fr_leftover_parse("timer acc_timer -> stop", &lo) == 0);
	CHECK(lo.kind == FR_LEFTOVER_TIMER && lo.action == FR_LEFTOVER_STOP);
	CHECK(fr_leftover_parse("delayed_work acc_work -> cancel", &lo) == 0);
	CHECK(lo.kind == FR_LEFTOVER_DELAYED_WORK && lo.action == FR_LEFTOVER_CANCEL);
	CHECK(fr_leftover_parse("hrtimer acc_hrtimer -> cancel", &lo) == 0);
	CHECK(lo.kind == FR_LEFTOVER_HRTIMER && lo.action == FR_LEFTOVER_CANCEL);
	CHECK(fr_leftover_parse("kmem_cache acc_inode_cache -> destroy", &lo) == 0);
	CHECK(lo.kind == FR_LEFTOVER_KMEM && lo.action == FR_LEFTOVER_DESTROY);
	CHECK(fr_leftover_parse("workqueue tpm-vtpm -> destroy", &lo) == 0);
	CHECK(lo.kind == FR_LEFTOVER_WQ && lo.action == FR_LEFTOVER_DESTROY);
	CHECK(fr_leftover_parse("region epxc3_watchdog:1ee-1ef -> release", &lo) == 0);
	CHECK(lo.kind == FR_LEFTOVER_REGION && lo.action == FR_LEFTOVER_RELEASE &&
	      !strcmp(lo.object, "epxc3_watchdog:1ee-1ef"));
	CHECK(fr_leftover_parse("debugfs usb/ehci -> remove", &lo) == 0);
	CHECK(lo.kind == FR_LEFTOVER_DEBUGFS && lo.action == FR_LEFTOVER_REMOVE);
	CHECK(fr_leftover_parse("kobject fs/ext4/features -> remove", &lo) == 0);
	CHECK(lo.kind == FR_LEFTOVER_KOBJECT && lo.action == FR_LEFTOVER_REMOVE &&
	      !strcmp(lo.object, "fs/ext4/features"));
	CHECK(fr_leftover_parse("kobject fs/acc -> refuse (has children)", &lo) == 0);
	CHECK(lo.kind == FR_LEFTOVER_KOBJECT && lo.action == FR_LEFTOVER_REFUSE &&
	      !strcmp(lo.reason, "has children"));
	CHECK(fr_leftover_parse("blkdev 1:ramdisk -> unregister", &lo) == 0);
	CHECK(lo.kind == FR_LEFTOVER_BLKDEV && lo.action == FR_LEFTOVER_UNREGISTER &&
	      !strcmp(lo.object, "1:ramdisk"));
	CHECK(fr_leftover_parse("disk ram0 -> remove", &lo) == 0);
	CHECK(lo.kind == FR_LEFTOVER_DISK && lo.action == FR_LEFTOVER_REMOVE);
	CHECK(fr_leftover_parse("disk nullb0 -> refuse (open)", &lo) == 0);
	CHECK(lo.kind == FR_LEFTOVER_DISK && lo.action == FR_LEFTOVER_REFUSE &&
	      !strcmp(lo.reason, "open"));
	CHECK(fr_leftover_parse("notifier reboot:epx_c3_notifier -> unregister", &lo) == 0);
	CHECK(lo.kind == FR_LEFTOVER_CHAIN && lo.action == FR_LEFTOVER_UNREGISTER);
	CHECK(fr_leftover_parse("kthread kacc_0/406 -> stop", &lo) == 0);
	CHECK(lo.kind == FR_LEFTOVER_KTHREAD && lo.action == FR_LEFTOVER_STOP);
	CHECK(fr_leftover_parse("xt_match acc/ipv4 -> unregister", &lo) == 0);
	CHECK(lo.kind == FR_LEFTOVER_XT_MATCH && lo.action == FR_LEFTOVER_UNREGISTER);
	CHECK(fr_leftover_parse("work acc_work -> refuse (still running)", &lo) == 0);
	CHECK(lo.kind == FR_LEFTOVER_WORK && lo.action == FR_LEFTOVER_REFUSE);
	CHECK(fr_leftover_parse("misc acc -> refuse (open)", &lo) == 0);
	CHECK(lo.kind == FR_LEFTOVER_MISC && lo.action == FR_LEFTOVER_REFUSE);
	CHECK_STR(lo.reason, "open");
	CHECK(fr_leftover_parse("driver pci/acc -> unregister", &lo) == 0);
	CHECK(lo.kind == FR_LEFTOVER_DRIVER && lo.action == FR_LEFTOVER_UNREGISTER);
	CHECK_STR(lo.object, "pci/acc");
	CHECK(fr_leftover_parse("netdev acc0 -> remove", &lo) == 0);
	CHECK(lo.kind == FR_LEFTOVER_NETDEV && lo.action == FR_LEFTOVER_REMOVE);
	CHECK(fr_leftover_parse("netdev acc0 -> refuse (unregister_netdev runs its code)", &lo) == 0);
	CHECK(lo.kind == FR_LEFTOVER_NETDEV);
	CHECK_STR(lo.reason, "unregister_netdev runs its code");
	CHECK(fr_leftover_parse("netdev acc0 -> refuse", &lo) == 0 && !lo.reason[0]);
	CHECK(fr_leftover_parse("netdev acc0 -> refuse open", &lo) == -EINVAL);
	CHECK(fr_leftover_parse("netdev acc0 -> refuse ()", &lo) == -EINVAL);
	CHECK(fr_leftover_parse("filesystem accres -> unregister now", &lo) == -EINVAL);
	CHECK(fr_leftover_parse("filesystem accres -> unregistered", &lo) == -EINVAL);
	CHECK(fr_leftover_parse("irq acc -> remove", &lo) == -EINVAL);
	CHECK(fr_leftover_parse("filesystem  -> unregister", &lo) == -EINVAL);
	CHECK(fr_leftover_parse("filesystem", &lo) == -EINVAL);
	CHECK(fr_leftover_parse("filesystem -> unregister", &lo) == -EINVAL);
	CHECK(fr_leftover_parse("", &lo) == -EINVAL);

	/* Undo lines, and marking the listed leftover undone. */
	CHECK(fr_leftover_undone_parse("unregistered filesystem accres", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_FILESYSTEM);
	CHECK_STR(obj, "accres");
	CHECK(fr_leftover_undone_parse("unregistered misc device acc", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_MISC);
	CHECK(fr_leftover_undone_parse("stopped timer acc_timer", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_TIMER);
	CHECK(fr_leftover_undone_parse("cancelled delayed work acc_work", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_DELAYED_WORK);
	CHECK(fr_leftover_undone_parse("unregistered driver usb/acc", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_DRIVER && !strcmp(obj, "usb/acc"));
	CHECK(fr_leftover_undone_parse("unregistered platform device acc.0", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_PDEV && !strcmp(obj, "acc.0"));
	CHECK(fr_leftover_undone_parse("unregistered crypto algorithm acc-generic", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_CRYPTO && !strcmp(obj, "acc-generic"));
	CHECK(fr_leftover_undone_parse("unregistered qdisc acc", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_QDISC && !strcmp(obj, "acc"));
	CHECK(fr_leftover_undone_parse("unregistered rtnl_link acc", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_LINK && !strcmp(obj, "acc"));
	CHECK(fr_leftover_undone_parse("unregistered netdev_notifier acc_nb", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_NOTIFIER && !strcmp(obj, "acc_nb"));
	CHECK(fr_leftover_undone_parse("unregistered pernet operations acc_net_ops", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_PERNET && !strcmp(obj, "acc_net_ops"));
	CHECK(fr_leftover_undone_parse("unregistered input handler acc", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_INPUT && !strcmp(obj, "acc"));
	CHECK(fr_leftover_undone_parse("unregistered line discipline n_acc", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_LDISC && !strcmp(obj, "n_acc"));
	CHECK(fr_leftover_undone_parse("unregistered xt_match acc/ipv4", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_XT_MATCH && !strcmp(obj, "acc/ipv4"));
	CHECK(fr_leftover_undone_parse("unregistered xt_target ACC/unspec", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_XT_TARGET && !strcmp(obj, "ACC/unspec"));
	CHECK(fr_leftover_undone_parse("stopped kthread kacc_0/406", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_KTHREAD && !strcmp(obj, "kacc_0/406"));
	CHECK(fr_leftover_undone_parse("destroyed kmem_cache acc_inode_cache", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_KMEM && !strcmp(obj, "acc_inode_cache"));
	CHECK(fr_leftover_undone_parse("unregistered packet_type acc_mrp_app", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_PTYPE && !strcmp(obj, "acc_mrp_app"));
	CHECK(fr_leftover_undone_parse("unregistered stp_proto acc_gvrp_app", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_STP && !strcmp(obj, "acc_gvrp_app"));
	CHECK(fr_leftover_undone_parse("cleared ioctl_hook vlan", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_IOCTL && !strcmp(obj, "vlan"));
	CHECK(fr_leftover_undone_parse("unregistered nls utf8", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_NLS && !strcmp(obj, "utf8"));
	CHECK(fr_leftover_undone_parse("unregistered rc_keymap rc-rc6-mce", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_RC_KEYMAP && !strcmp(obj, "rc-rc6-mce"));
	CHECK(fr_leftover_undone_parse("unregistered class enclosure", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_CLASS && !strcmp(obj, "enclosure"));
	CHECK(fr_leftover_undone_parse("destroyed workqueue dm_bufio_cache", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_WQ && !strcmp(obj, "dm_bufio_cache"));
	CHECK(fr_leftover_undone_parse("unregistered notifier reboot:epx_c3_notifier", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_CHAIN && !strcmp(obj, "reboot:epx_c3_notifier"));
	CHECK(fr_leftover_undone_parse("released region epxc3_watchdog:1ee-1ef", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_REGION && !strcmp(obj, "epxc3_watchdog:1ee-1ef"));
	CHECK(fr_leftover_parse("crypto_template lrw -> unregister", &lo) == 0);
	CHECK(lo.kind == FR_LEFTOVER_CRYPTO_TEMPLATE && lo.action == FR_LEFTOVER_UNREGISTER &&
	      !strcmp(lo.object, "lrw"));
	CHECK(fr_leftover_undone_parse("unregistered crypto template lrw", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_CRYPTO_TEMPLATE && !strcmp(obj, "lrw"));
	CHECK(fr_leftover_parse("chrdev 239:0-255:wwan_port -> unregister", &lo) == 0);
	CHECK(lo.kind == FR_LEFTOVER_CHRDEV && !strcmp(lo.object, "239:0-255:wwan_port"));
	CHECK(fr_leftover_undone_parse("unregistered chrdev 239:0-255:wwan_port", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_CHRDEV && !strcmp(obj, "239:0-255:wwan_port"));
	CHECK(fr_leftover_parse("bus gameport -> unregister", &lo) == 0);
	CHECK(lo.kind == FR_LEFTOVER_BUS && !strcmp(lo.object, "gameport"));
	CHECK(fr_leftover_undone_parse("unregistered bus gameport", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_BUS && !strcmp(obj, "gameport"));
	CHECK(fr_leftover_parse("tc_filter basic -> unregister", &lo) == 0);
	CHECK(lo.kind == FR_LEFTOVER_TC_FILTER && !strcmp(lo.object, "basic"));
	CHECK(fr_leftover_undone_parse("unregistered tc filter basic", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_TC_FILTER && !strcmp(obj, "basic"));
	CHECK(fr_leftover_parse("ematch 1 -> refuse (lock held)", &lo) == 0);
	CHECK(lo.kind == FR_LEFTOVER_EMATCH && lo.action == FR_LEFTOVER_REFUSE);
	CHECK(fr_leftover_undone_parse("unregistered ematch 1", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_EMATCH && !strcmp(obj, "1"));
	CHECK(fr_leftover_parse("tc_action gact -> unregister", &lo) == 0);
	CHECK(lo.kind == FR_LEFTOVER_TC_ACTION && !strcmp(lo.object, "gact"));
	CHECK(fr_leftover_undone_parse("unregistered tc action gact", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_TC_ACTION && !strcmp(obj, "gact"));
	CHECK(fr_leftover_parse("genl_family team -> unregister", &lo) == 0);
	CHECK(lo.kind == FR_LEFTOVER_GENL && !strcmp(lo.object, "team"));
	CHECK(fr_leftover_undone_parse("unregistered genl family team", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_GENL && !strcmp(obj, "team"));
	CHECK(fr_leftover_parse("xt_template filter/ipv4 -> unregister", &lo) == 0);
	CHECK(lo.kind == FR_LEFTOVER_XT_TEMPLATE && !strcmp(lo.object, "filter/ipv4"));
	CHECK(fr_leftover_undone_parse("unregistered xt_template filter/ipv4", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_XT_TEMPLATE && !strcmp(obj, "filter/ipv4"));
	CHECK(fr_leftover_parse("ipvs_scheduler rr -> unregister", &lo) == 0);
	CHECK(lo.kind == FR_LEFTOVER_IPVS_SCHED && !strcmp(lo.object, "rr"));
	CHECK(fr_leftover_undone_parse("unregistered ipvs scheduler rr", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_IPVS_SCHED && !strcmp(obj, "rr"));
	CHECK(fr_leftover_parse("dm_target zero -> refuse (lock held)", &lo) == 0);
	CHECK(lo.kind == FR_LEFTOVER_DM_TARGET && lo.action == FR_LEFTOVER_REFUSE);
	CHECK(fr_leftover_undone_parse("unregistered dm_target zero", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_DM_TARGET && !strcmp(obj, "zero"));
	CHECK(fr_leftover_parse("usb_function SourceSink -> unregister", &lo) == 0);
	CHECK(lo.kind == FR_LEFTOVER_USB_FUNCTION && !strcmp(lo.object, "SourceSink"));
	CHECK(fr_leftover_undone_parse("unregistered usb_function Loopback", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_USB_FUNCTION && !strcmp(obj, "Loopback"));
	CHECK(fr_leftover_parse("sock_diag unix_diag_handler/1 -> unregister", &lo) == 0);
	CHECK(lo.kind == FR_LEFTOVER_SOCK_DIAG && !strcmp(lo.object, "unix_diag_handler/1"));
	CHECK(fr_leftover_undone_parse("unregistered inet_diag tcp_diag_handler/6", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_INET_DIAG && !strcmp(obj, "tcp_diag_handler/6"));
	CHECK(fr_leftover_parse("led_trigger heartbeat -> refuse (not checked)", &lo) == 0);
	CHECK(lo.kind == FR_LEFTOVER_LED_TRIGGER && lo.action == FR_LEFTOVER_REFUSE);
	CHECK(fr_leftover_undone_parse("unregistered led_trigger timer", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_LED_TRIGGER && !strcmp(obj, "timer"));
	CHECK(fr_leftover_undone_parse("removed debugfs usb/ehci", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_DEBUGFS && !strcmp(obj, "usb/ehci"));
	CHECK(fr_leftover_undone_parse("removed disk ram0", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_DISK && !strcmp(obj, "ram0"));
	CHECK(fr_leftover_undone_parse("unregistered sysctl dev/cdrom", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_SYSCTL && !strcmp(obj, "dev/cdrom"));
	CHECK(fr_leftover_parse("sysctl dev/cdrom -> refuse (open or in use)", &lo) == 0);
	CHECK(lo.kind == FR_LEFTOVER_SYSCTL && lo.action == FR_LEFTOVER_REFUSE &&
	      !strcmp(lo.object, "dev/cdrom") && !strcmp(lo.reason, "open or in use"));
	CHECK(fr_leftover_parse("configfs nullb -> refuse (its undo is a module's export)", &lo) == 0);
	CHECK(lo.kind == FR_LEFTOVER_CONFIGFS && lo.action == FR_LEFTOVER_REFUSE &&
	      !strcmp(lo.object, "nullb") && !strcmp(lo.reason, "its undo is a module's export"));
	CHECK(fr_leftover_undone_parse("unregistered blkdev 7:loop", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_BLKDEV && !strcmp(obj, "7:loop"));
	CHECK(fr_leftover_undone_parse("removed kobject fs/ext4", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_KOBJECT && !strcmp(obj, "fs/ext4"));
	CHECK(fr_leftover_undone_parse("gone with an earlier undo: kthread kacc_0/406", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_KTHREAD && !strcmp(obj, "kacc_0/406"));
	CHECK(fr_leftover_undone_parse("gone with an earlier undo: proc /proc/net/acc/acc0", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_PROC && !strcmp(obj, "/proc/net/acc/acc0"));
	CHECK(fr_leftover_undone_parse("gone with an earlier undo: netdev_notifier acc_nb", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_NOTIFIER && !strcmp(obj, "acc_nb"));
	CHECK(fr_leftover_undone_parse("gone with an earlier undo: netdev acc0", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_NETDEV && !strcmp(obj, "acc0"));
	CHECK(fr_leftover_undone_parse("gone with an earlier undo: disk ram0", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_DISK && !strcmp(obj, "ram0"));
	CHECK(fr_leftover_undone_parse("gone with an earlier undo: nothing acc", &kind, obj, sizeof(obj)) == -EINVAL);
	CHECK(fr_leftover_undone_parse("gone with an earlier undo: proc ", &kind, obj, sizeof(obj)) == -EINVAL);
	CHECK(fr_leftover_undone_parse("removed netdev acc0", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_NETDEV && !strcmp(obj, "acc0"));
	CHECK(fr_leftover_undone_parse("cancelled work acc_work", &kind, obj, sizeof(obj)) == -EINVAL);
	CHECK(fr_leftover_undone_parse("cancelled hrtimer acc_hrtimer", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_HRTIMER);
	CHECK(fr_leftover_undone_parse("removed /proc entry /proc/acc", &kind, obj, sizeof(obj)) == 0);
	CHECK(kind == FR_LEFTOVER_PROC);
	CHECK_STR(obj, "/proc/acc");
	CHECK(fr_leftover_undone_parse("unregistered filesystem ", &kind, obj, sizeof(obj)) == -EINVAL);
	CHECK(fr_leftover_undone_parse("unregistered filesystem accres", &kind, obj, 4) == -EINVAL);
	CHECK(fr_leftover_undone_parse("not loaded", &kind, obj, sizeof(obj)) == -EINVAL);

	CHECK(fr_leftover_parse("filesystem accres -> unregister", &list[0]) == 0);
	CHECK(fr_leftover_parse("misc accres -> refuse (open)", &list[1]) == 0);
	CHECK(fr_leftover_parse("misc acc -> unregister", &list[2]) == 0);
	CHECK(fr_leftover_mark_undone(list, 3, FR_LEFTOVER_MISC, "accres") == -ENOENT);
	CHECK(fr_leftover_mark_undone(list, 3, FR_LEFTOVER_MISC, "acc") == 0);
	CHECK(list[2].undone && !list[1].undone && !list[0].undone);
	CHECK(fr_leftover_mark_undone(list, 3, FR_LEFTOVER_MISC, "acc") == -ENOENT);

	/* Counts and the scan time. */
	CHECK(fr_leftovers_count_parse("cannot undo 3 leftover(s), refusing", &count) == 0 && count == 3);
	CHECK(fr_leftovers_count_parse("left 0 leftover(s) registered", &count) == 0 && count == 0);
	CHECK(fr_leftovers_count_parse("left x leftover(s)", &count) == -EINVAL);
	CHECK(fr_leftovers_count_parse("cannot undo 99999999999999999999 leftover(s)", &count) == -EINVAL);
	CHECK(fr_leftovers_count_parse("left 2 users", &count) == -EINVAL);
	CHECK(fr_leftover_scan_parse("leftover scan: 2 target(s), 3 leftover(s), 154 us", &targets, &found, &us) == 0);
	CHECK(targets == 2 && found == 3 && us == 154);
	CHECK(fr_leftover_scan_parse("leftover scan: 2 target(s), 3 leftover(s), 154 ms", &targets, &found, &us) == -EINVAL);
	CHECK(fr_leftover_scan_parse("leftover scan: 2 target(s), 3 leftover(s), 154 us!", &targets, &found, &us) == -EINVAL);
	CHECK(fr_leftover_scan_parse("leftover scan: 2 target(s)", &targets, &found, &us) == -EINVAL);
	CHECK(fr_leftover_scan_parse("loader table: x", &targets, &found, &us) == -EINVAL);

	/* JSON and words. */
	CHECK(fr_leftover_parse("filesystem accres -> unregister", &lo) == 0);
	CHECK(fr_leftover_json(&lo, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "{\"kind\": \"filesystem\", \"name\": \"accres\", \"action\": \"unregister\"}");
	lo.undone = true;
	CHECK(fr_leftover_json(&lo, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "{\"kind\": \"filesystem\", \"name\": \"accres\", \"action\": \"unregister\", \"undone\": true}");
	CHECK(fr_leftover_describe(&lo, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "unregister filesystem accres");
	CHECK(fr_leftover_parse("proc /proc/a\"b\\c -> refuse (open \"x\")", &lo) == 0);
	CHECK(fr_leftover_json(&lo, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "{\"kind\": \"proc\", \"name\": \"/proc/a\\\"b\\\\c\", \"action\": \"refuse\", \"reason\": \"open \\\"x\\\"\"}");
	CHECK(fr_leftover_describe(&lo, buf, sizeof(buf)) == 0);
	CHECK_STR(buf, "refuse proc /proc/a\"b\\c (open \"x\")");
	CHECK(fr_leftover_json(&lo, buf, 20) == -ENOSPC);
	CHECK(fr_leftover_json(&lo, buf, 0) == -ENOSPC);
	CHECK(fr_leftover_describe(&lo, buf, 10) == -ENOSPC);
	CHECK_STR(fr_leftover_kind_name(FR_LEFTOVER_NR_KINDS), "?");
	CHECK_STR(fr_leftover_action_name(FR_LEFTOVER_NR_ACTIONS), "?");
}

/* ---- helper.c: images --------------------------------------------------------------- */

static void test_images(void)
{
	static unsigned char elf[70000], packed[80000];
	void *out;
	size_t len, plen, i;
	z_stream z;
	char path[256], want[256], version[16];
	struct fr_image img;
	FILE *f;

	memcpy(elf, "\x7f" "ELF", 4);
	for (i = 4; i < sizeof(elf); i++)
		elf[i] = (unsigned char)(i * 7 / 5);
	memcpy(elf + 20000, "\0srcversion=9.9\0", 17);	/* not an entry "version=" */
	memcpy(elf + 30000, "\0version=0.1.0\0", 16);

	CHECK(fr_image_decompress(elf, sizeof(elf), &out, &len) == 0);
	CHECK(len == sizeof(elf) && !memcmp(out, elf, len));
	CHECK(fr_helper_version(out, len, version, sizeof(version)) == 0);
	CHECK_STR(version, "0.1.0");
	CHECK(fr_helper_version(out, len, version, 5) == -ENAMETOOLONG);
	CHECK(fr_helper_version(out, 30000, version, sizeof(version)) == -ENOENT);
	free(out);

	plen = 0;
	CHECK(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, NULL, elf, sizeof(elf),
				      packed, &plen, sizeof(packed)) == LZMA_OK);
	CHECK(fr_image_decompress(packed, plen, &out, &len) == 0);
	CHECK(len == sizeof(elf) && !memcmp(out, elf, len));
	free(out);
	packed[plen / 2] ^= 0xff;
	CHECK(fr_image_decompress(packed, plen, &out, &len) == -EBADMSG && !out);
	CHECK(fr_image_decompress(packed, 20, &out, &len) == -EBADMSG);	/* truncated */

	plen = ZSTD_compress(packed, sizeof(packed), elf, sizeof(elf), 3);
	CHECK(!ZSTD_isError(plen));
	CHECK(fr_image_decompress(packed, plen, &out, &len) == 0);
	CHECK(len == sizeof(elf) && !memcmp(out, elf, len));
	free(out);
	CHECK(fr_image_decompress(packed, plen / 2, &out, &len) == -EBADMSG);

	memset(&z, 0, sizeof(z));
	CHECK(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
	z.next_in = elf;
	z.avail_in = sizeof(elf);
	z.next_out = packed;
	z.avail_out = sizeof(packed);
	CHECK(deflate(&z, Z_FINISH) == Z_STREAM_END);
	plen = z.total_out;
	deflateEnd(&z);
	CHECK(fr_image_decompress(packed, plen, &out, &len) == 0);
	CHECK(len == sizeof(elf) && !memcmp(out, elf, len));
	free(out);
	CHECK(fr_image_decompress(packed, plen / 2, &out, &len) == -EBADMSG);

	/* Compressed, but not a module inside. */
	plen = ZSTD_compress(packed, sizeof(packed), "hello", 5, 3);
	CHECK(fr_image_decompress(packed, plen, &out, &len) == -ENOEXEC);
	CHECK(fr_image_decompress("hello", 5, &out, &len) == -ENOEXEC);
	CHECK(fr_image_decompress("", 0, &out, &len) == -ENOEXEC);

	/* Through a file, as --helper gives it. */
	snprintf(path, sizeof(path), "%s/helper.ko.zst", root);
	plen = ZSTD_compress(packed, sizeof(packed), elf, sizeof(elf), 3);
	f = fopen(path, "w");
	CHECK(f && fwrite(packed, 1, plen, f) == plen);
	fclose(f);
	CHECK(fr_helper_read(path, &img) == 0);
	CHECK(!img.mapped && img.len == sizeof(elf) &&
	      fr_helper_version(img.data, img.len, version, sizeof(version)) == 0);
	fr_image_release(&img);
	CHECK(img.data == NULL);
	/* Not compressed: used in place, mapped. */
	snprintf(path, sizeof(path), "%s/helper.ko", root);
	f = fopen(path, "w");
	CHECK(f && fwrite(elf, 1, sizeof(elf), f) == sizeof(elf));
	fclose(f);
	CHECK(fr_helper_read(path, &img) == 0);
	CHECK(img.mapped && img.len == sizeof(elf) && !memcmp(img.data, elf, sizeof(elf)));
	fr_image_release(&img);
	CHECK(fr_helper_read("/nonexistent/force_rmmod.ko", &img) == -ENOENT);
	CHECK(fr_helper_read(root, &img) == -ENOEXEC);	/* a directory */
	snprintf(path, sizeof(path), "%s/proc/modules", root);
	CHECK(fr_helper_read(path, &img) == -ENOEXEC);	/* empty, as /proc files look */
	put("notamodule", "hello\n");
	snprintf(path, sizeof(path), "%s/notamodule", root);
	CHECK(fr_helper_read(path, &img) == -ENOEXEC && img.data == NULL);
	CHECK(fr_helper_find(root, "0.0.0-no-such-release", path, sizeof(path)) == -ENOENT);

	/* modules.dep by hand: names as kmod reads them, relative and absolute paths. */
	put("lib/modules/0.0.1-rel/modules.dep",
	    "kernel/a/force_rmmod_extra.ko: kernel/b/dep.ko\n"
	    "kernel/a/xforce_rmmod.ko:\n"
	    "force_rmmod:\n"
	    "no colon force_rmmod.ko\n"
	    "extra/force-rmmod.ko.zst: kernel/b/dep.ko\n");
	CHECK(fr_helper_find(root, "0.0.1-rel", path, sizeof(path)) == 0);
	snprintf(want, sizeof(want), "%s/lib/modules/0.0.1-rel/extra/force-rmmod.ko.zst", root);
	CHECK_STR(path, want);
	put("lib/modules/0.0.2-abs/modules.dep", "/opt/m/force_rmmod.ko.gz:\n");
	CHECK(fr_helper_find(root, "0.0.2-abs", path, sizeof(path)) == 0);
	snprintf(want, sizeof(want), "%s/opt/m/force_rmmod.ko.gz", root);
	CHECK_STR(path, want);
	put("lib/modules/0.0.3-none/modules.dep", "kernel/a/force_rmmod_extra.ko:\n");
	CHECK(fr_helper_find(root, "0.0.3-none", path, sizeof(path)) == -ENOENT);
}

/* The lookup in modules.dep, in an index made by depmod (tests/cli/modules-index). */
static void test_helper_find(const char *index_root)
{
	char path[4096], want[4096], version[32];
	struct fr_image img;

	CHECK(index_root != NULL);	/* never skipped: missing is a failure */
	if (!index_root)
		return;
	snprintf(want, sizeof(want), "%s/lib/modules/9.9.9-dkms/updates/dkms/force_rmmod.ko.xz",
		 index_root);
	CHECK(fr_helper_find(index_root, "9.9.9-dkms", path, sizeof(path)) == 0);
	CHECK_STR(path, want);
	CHECK(fr_helper_read(path, &img) == 0);
	CHECK(img.len > 4 && !memcmp(img.data, "\x7f" "ELF", 4));
	/* The version is looked for in .modinfo only (see modules-index). */
	CHECK(fr_helper_version(img.data, img.len, version, sizeof(version)) == 0);
	CHECK_STR(version, "0.1.0-unit");
	CHECK(memmem(img.data, img.len, "\0version=0.0.0-decoy", 20) != NULL);
	fr_image_release(&img);
	CHECK(fr_helper_find(index_root, "9.9.9-none", path, sizeof(path)) == -ENOENT);
	CHECK(fr_helper_find(index_root, "9.9.9-absent", path, sizeof(path)) == -ENOENT);
	CHECK(fr_helper_find(index_root, "9.9.9-dkms", path, 10) == -ENOENT);	/* too long */
}

/* Why the kernel refuses modules: modules_disabled, then lockdown (prepared tree). */
static void test_load_policy(void)
{
	char sub[128];

	snprintf(sub, sizeof(sub), "%s/policy", root);
	CHECK(fr_load_policy(sub) == FR_LOAD_OPEN);	/* neither file: nothing known */
	put("policy/proc/sys/kernel/modules_disabled", "0\n");
	put("policy/sys/kernel/security/lockdown", "[none] integrity confidentiality\n");
	CHECK(fr_load_policy(sub) == FR_LOAD_OPEN);
	put("policy/sys/kernel/security/lockdown", "none [integrity] confidentiality\n");
	CHECK(fr_load_policy(sub) == FR_LOAD_LOCKDOWN);
	put("policy/sys/kernel/security/lockdown", "none integrity [confidentiality]\n");
	CHECK(fr_load_policy(sub) == FR_LOAD_LOCKDOWN);
	put("policy/proc/sys/kernel/modules_disabled", "1\n");
	CHECK(fr_load_policy(sub) == FR_LOAD_DISABLED);
}

/* An oops since boot (taint D) and a module's drivers (prepared tree). */
static void test_oopsed_drivers(void)
{
	char sub[128];

	snprintf(sub, sizeof(sub), "%s/oops", root);
	CHECK(fr_kernel_oopsed(sub));		/* unknown: yes */
	put("oops/proc/sys/kernel/tainted", "0\n");
	CHECK(!fr_kernel_oopsed(sub));
	put("oops/proc/sys/kernel/tainted", "4096\n");	/* O: not an oops */
	CHECK(!fr_kernel_oopsed(sub));
	put("oops/proc/sys/kernel/tainted", "4224\n");	/* O and D */
	CHECK(fr_kernel_oopsed(sub));
	put("oops/proc/sys/kernel/tainted", "junk\n");
	CHECK(fr_kernel_oopsed(sub));
	put("oops/sys/module/fr_probe/drivers/platform:fr_probe", "");
	CHECK(fr_module_has_drivers(sub, "fr_probe"));
	CHECK(!fr_module_has_drivers(sub, "fr_leak_ref"));
}

/* ---- output.c ------------------------------------------------------------------------ */

static char *report_buf;	/* the last report(), freed by the next */

static char *report(void (*fn)(FILE *, const struct fr_target *), const struct fr_target *t)
{
	size_t size;
	FILE *f;

	free(report_buf);
	f = open_memstream(&report_buf, &size);
	fn(f, t);
	fclose(f);
	return report_buf;
}

static void json1(FILE *f, const struct fr_target *t)
{
	fr_report_json(f, t, 1);
}

static void test_output(void)
{
	static struct fr_target t[2];
	char *buf;
	size_t size;
	FILE *f;

	memset(t, 0, sizeof(t));
	strcpy(t[0].name, "fr_crash_init");
	t[0].loaded = true;
	t[0].mod.state = FR_STATE_COMING;
	t[0].mod.refcount = 1;
	t[0].mod.has_exit = 1;
	t[0].users_state = FR_USERS_KNOWN;
	t[0].action = FR_ACTION_RESCUE;
	t[0].exit_replaced = true;
	t[0].result = FR_RESULT_REMOVED;
	CHECK_STR(report(fr_report_line, &t[0]),
		  "fr_crash_init: removed (was coming, refcount 1; exit replaced)\n");
	t[0].refs_known = true;
	t[0].refs.total = 3;
	t[0].refs.loader = 1;
	t[0].refs.unexplained = 2;
	CHECK_STR(report(fr_report_line, &t[0]),
		  "fr_crash_init: removed (was coming, refcount 1; exit replaced; 2 references not explained)\n");
	t[0].refs.unexplained = 1;
	CHECK_STR(report(fr_report_line, &t[0]),
		  "fr_crash_init: removed (was coming, refcount 1; exit replaced; 1 reference not explained)\n");
	t[0].refs_known = false;
	memset(&t[0].refs, 0, sizeof(t[0].refs));
	CHECK_STR(report(json1, &t[0]),
		  "[{\"name\":\"fr_crash_init\",\"state\":\"coming\",\"refcount\":1,\"holders\":[],"
		  "\"has_exit\":true,\"tasks\":[],\"users\":[],\"references\":null,\"block_uses\":[],\"leftovers\":[],\"action\":\"rescue\","
		  "\"result\":\"removed\",\"error\":null}]\n");

	strcpy(t[1].name, "fr_block_init");
	t[1].loaded = true;
	t[1].mod.state = FR_STATE_COMING;
	t[1].mod.refcount = 1;
	t[1].mod.has_exit = -1;
	t[1].mod.nr_holders = 2;
	strcpy(t[1].mod.holders[0], "a");
	strcpy(t[1].mod.holders[1], "b");
	t[1].mod.nr_tasks = 1;
	t[1].mod.tasks[0].pid = 146;
	strcpy(t[1].mod.tasks[0].comm, "in\"s\\mod\n");
	t[1].mod.tasks[0].what = FR_EXEC_INIT;
	t[1].action = FR_ACTION_NONE;
	t[1].result = FR_RESULT_REFUSED;
	strcpy(t[1].error, "task 146 (insmod) is executing its init function");
	CHECK_STR(report(fr_report_line, &t[1]),
		  "fr_block_init: refused: task 146 (insmod) is executing its init function "
		  "(coming, refcount 1, holders a,b, exit unknown, tasks 146 (in\"s\\mod\n, init), "
		  "users not checked)\n");
	f = open_memstream(&buf, &size);
	fr_report_json(f, t, 2);
	fclose(f);
	CHECK(strstr(buf, "},\n {\"name\":\"fr_block_init\",\"state\":\"coming\",\"refcount\":1,"
		     "\"holders\":[\"a\",\"b\"],\"has_exit\":null,"
		     "\"tasks\":[{\"pid\":146,\"comm\":\"in\\\"s\\\\mod\\n\",\"executing\":\"init\"}],"
		     "\"users\":null,\"references\":null,\"block_uses\":[],\"leftovers\":[],\"action\":\"none\",\"result\":\"refused\","
		     "\"error\":\"task 146 (insmod) is executing its init function\"}]\n") != NULL);
	free(buf);

	memset(&t[0], 0, sizeof(t[0]));
	strcpy(t[0].arg, "fr_nosuch");
	strcpy(t[0].name, "fr_nosuch");
	t[0].result = FR_RESULT_NOT_LOADED;
	strcpy(t[0].error, "not loaded");
	CHECK_STR(report(fr_report_line, &t[0]), "fr_nosuch: not loaded\n");
	CHECK_STR(report(json1, &t[0]),
		  "[{\"name\":\"fr_nosuch\",\"state\":null,\"refcount\":null,\"holders\":[],"
		  "\"has_exit\":null,\"tasks\":[],\"users\":null,\"references\":null,\"block_uses\":[],\"leftovers\":[],\"action\":\"none\","
		  "\"result\":\"not-loaded\",\"error\":\"not loaded\"}]\n");

	memset(&t[0], 0, sizeof(t[0]));
	strcpy(t[0].arg, "bad\x01\x7f\xff");
	t[0].result = FR_RESULT_INVALID;
	strcpy(t[0].error, "malformed");
	CHECK(strstr(report(json1, &t[0]), "\"name\":\"bad\\u0001\x7f\\ufffd\"") != NULL);

	t[0].result = FR_RESULT_SKIPPED;
	strcpy(t[0].arg, "fr_x");
	CHECK_STR(report(fr_report_line, &t[0]),
		  "fr_x: skipped: another name is invalid, nothing was changed\n");
	CHECK(strstr(report(json1, &t[0]), "\"result\":\"skipped\"") != NULL);
	t[0].result = FR_RESULT_FAILED;
	strcpy(t[0].name, "fr_x");
	strcpy(t[0].error, "not handled");
	CHECK_STR(report(fr_report_line, &t[0]), "fr_x: not removed: not handled\n");

	f = open_memstream(&buf, &size);
	fr_report_json(f, t, 0);
	fclose(f);
	CHECK_STR(buf, "[]\n");
	free(buf);
	free(report_buf);
	report_buf = NULL;
}

/* ---- lock.c ---------------------------------------------------------------- */

/* Is a byte readable on @fd within @ms milliseconds? */
static bool readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

/*
 * A child that takes the lock @name (as user nobody if @nobody) and holds it
 * until killed.  Returns its pid once it holds it, or -1.
 */
static pid_t fork_holder(const char *name, bool nobody)
{
	int pipefd[2], fd;
	pid_t pid;
	char c = 0;
	bool held;

	if (pipe(pipefd))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		if (nobody && (setgid(65534) || setuid(65534)))
			_exit(3);
		fd = fr_lock_try(name);
		c = fd >= 0 ? 'y' : 'n';
		if (write(pipefd[1], &c, 1) != 1)
			_exit(3);
		pause();
		_exit(0);
	}
	close(pipefd[1]);
	held = pid > 0 && readable(pipefd[0], 10000) &&
	       read(pipefd[0], &c, 1) == 1 && c == 'y';
	close(pipefd[0]);
	if (!held && pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	return held ? pid : -1;
}

static void test_lock(void)
{
	char name[64], c = 0;
	int fd, fd2, pipefd[2], status;
	pid_t pid;

	snprintf(name, sizeof(name), "force-rmmod-unit-%d", (int)getpid());
	CHECK(fr_lock_try("") == -EINVAL);
	fd = fr_lock_try(name);
	CHECK(fd >= 0);
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	CHECK(fr_lock_try(name) == -EWOULDBLOCK);
	fr_lock_release(fd);
	fd = fr_lock_try(name);		/* released at once */
	CHECK(fd >= 0);

	/* A waiter sleeps while the lock is held and gets it when released. */
	CHECK(pipe(pipefd) == 0);
	pid = fork();
	if (pid == 0) {
		/* A copy of the holder's descriptor would hold it too. */
		close(fd);
		close(pipefd[0]);
		if (fr_lock_try(name) != -EWOULDBLOCK)
			_exit(2);
		fd2 = fr_lock_wait(name);
		c = fd2 >= 0 ? 'y' : 'n';
		if (write(pipefd[1], &c, 1) != 1)
			_exit(3);
		_exit(0);
	}
	close(pipefd[1]);
	CHECK(!readable(pipefd[0], 300));	/* still waiting */
	fr_lock_release(fd);
	CHECK(readable(pipefd[0], 10000) && read(pipefd[0], &c, 1) == 1 && c == 'y');
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0);
	close(pipefd[0]);

	/* A holder killed with SIGKILL releases it: the kernel closes it. */
	pid = fork_holder(name, false);
	CHECK(pid > 0);
	if (pid > 0) {		/* never kill(-1) */
		CHECK(fr_lock_try(name) == -EWOULDBLOCK);
		kill(pid, SIGKILL);
		CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status));
	}
	fd = fr_lock_wait(name);
	CHECK(fd >= 0);
	fr_lock_release(fd);
	fr_lock_release(-1);

	/* A holder that is not root squats the name: root does not wait. */
	if (getuid() != 0)
		return;
	pid = fork_holder(name, true);
	CHECK(pid > 0);
	if (pid <= 0)
		return;
	CHECK(fr_lock_try(name) == -EWOULDBLOCK);
	CHECK(fr_lock_wait(name) == -EACCES);
	kill(pid, SIGKILL);
	CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status));
}

static char *json(const char *s)
{
	size_t size;
	FILE *f;

	free(report_buf);
	f = open_memstream(&report_buf, &size);
	fr_json_string(f, s);
	fclose(f);
	return report_buf;
}

/* JSON strings: valid UTF-8 passes through; only what JSON requires is escaped. */
static void test_json_utf8(void)
{
	CHECK_STR(json("plain ~ text/"), "\"plain ~ text/\"");
	CHECK_STR(json("q\"b\\n\nt\tc\x01\x1f"), "\"q\\\"b\\\\n\\nt\\tc\\u0001\\u001f\"");
	CHECK_STR(json("del\x7f"), "\"del\x7f\"");
	CHECK_STR(json("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
		  "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
	CHECK_STR(json("\xef\xbf\xbf\xf4\x8f\xbf\xbf"), "\"\xef\xbf\xbf\xf4\x8f\xbf\xbf\"");
	/* Not UTF-8: each byte that starts no valid sequence is U+FFFD. */
	CHECK_STR(json("\xff"), "\"\\ufffd\"");
	CHECK_STR(json("\xc0\xaf"), "\"\\ufffd\\ufffd\"");		/* overlong '/' */
	CHECK_STR(json("\xe0\x80\xaf"), "\"\\ufffd\\ufffd\\ufffd\"");	/* overlong */
	CHECK_STR(json("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");	/* a surrogate */
	CHECK_STR(json("\xf4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");	/* > U+10FFFF */
	CHECK_STR(json("a\xe2\x82"), "\"a\\ufffd\\ufffd\"");	/* cut short by the end */
	CHECK_STR(json("\xe2\x82z"), "\"\\ufffd\\ufffdz\"");
	free(report_buf);
	report_buf = NULL;
}

/* ---- blockusers.c ---------------------------------------------------------- */

static void make_block_tree(void)
{
	put("blk/sys/class/block/zram0/dev", "251:0\n");
	put("blk/sys/class/block/zram0/holders/", NULL);
	put("blk/sys/class/block/loop0/dev", "7:0\n");
	put("blk/sys/class/block/loop0/holders/", NULL);
	put("blk/sys/class/block/loop0/queue/", NULL);	/* not a partition */
	put("blk/sys/class/block/loop0/loop0p1/partition", "1\n");
	put("blk/sys/class/block/loop0/loop0p1/dev", "259:0\n");
	put("blk/sys/class/block/loop0p1/dev", "259:0\n");
	put("blk/sys/class/block/loop0p1/holders/dm-0/", NULL);
	put("blk/sys/class/block/loop10/dev", "7:10\n");
	put("blk/sys/class/block/sda/dev", "8:0\n");
	put("blk/sys/class/block/sda/holders/md0/", NULL);
	put("blk/sys/class/block/broken/dev", "garbage\n");
	put("blk/sys/class/block/nodev/", NULL);
	put("blk/proc/swaps",
	    "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"
	    "/dev/zram0                              partition\t65532\t\t1024\t\t-2\n"
	    "/mnt/img/swap\\040file                   file\t\t1020\t\t0\t\t-3\n");
	put("blk/proc/self/mountinfo",
	    "22 1 0:21 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n"
	    "40 22 7:0 / /mnt/img rw,relatime - vfat /dev/loop0 rw,fmask=0022\n"
	    "41 22 259:0 / /mnt/my\\040part rw shared:1 master:2 - ext4 /dev/loop0p1 rw\n"
	    "42 22 0:45 / /mnt/btrfs rw - btrfs /dev/loop0 rw\n"
	    "43 22 7:10 / /mnt/other rw - vfat /dev/loop10 rw\n"
	    "44 22 7:0 / /mnt/broken rw\n");
}

static void test_blockusers(void)
{
	struct fr_block_use uses[FR_MAX_BLOCK_USES];
	char broot[128], text[512], disk[FR_DISK_NAME_MAX];
	struct fr_refs r;

	make_block_tree();
	snprintf(broot, sizeof(broot), "%s/blk", root);

	CHECK(fr_block_uses(broot, "zram0", uses, FR_MAX_BLOCK_USES) == 1);
	CHECK(uses[0].kind == FR_BLOCK_SWAP);
	CHECK_STR(uses[0].dev, "zram0");
	CHECK_STR(uses[0].where, "/dev/zram0");
	fr_block_use_text(&uses[0], text, sizeof(text));
	CHECK_STR(text, "zram0 is swap (/dev/zram0)");
	CHECK_STR(fr_block_use_kind_name(uses[0].kind), "swap");

	/* The disk and its partition: mounts by number and by source, a holder. */
	CHECK(fr_block_uses(broot, "loop0", uses, FR_MAX_BLOCK_USES) == 4);
	CHECK(uses[0].kind == FR_BLOCK_MOUNT);
	fr_block_use_text(&uses[0], text, sizeof(text));
	CHECK_STR(text, "loop0 is mounted on /mnt/img (vfat)");
	fr_block_use_text(&uses[1], text, sizeof(text));
	CHECK_STR(text, "loop0p1 is mounted on /mnt/my part (ext4)");
	fr_block_use_text(&uses[2], text, sizeof(text));
	CHECK_STR(text, "loop0 is mounted on /mnt/btrfs (btrfs)");
	CHECK(uses[3].kind == FR_BLOCK_HOLDER);
	fr_block_use_text(&uses[3], text, sizeof(text));
	CHECK_STR(text, "loop0p1 is held by dm-0");
	CHECK_STR(fr_block_use_kind_name(uses[3].kind), "holder");
	CHECK_STR(fr_block_use_kind_name(uses[1].kind), "mount");
	/* More than fit: all counted, the first stored. */
	memset(uses, 0, sizeof(uses));
	CHECK(fr_block_uses(broot, "loop0", uses, 2) == 4);
	CHECK_STR(uses[1].where, "/mnt/my part");
	CHECK(uses[2].dev[0] == '\0');

	CHECK(fr_block_uses(broot, "loop10", uses, FR_MAX_BLOCK_USES) == 1);
	CHECK_STR(uses[0].where, "/mnt/other");
	CHECK(fr_block_uses(broot, "sda", uses, FR_MAX_BLOCK_USES) == 1);
	fr_block_use_text(&uses[0], text, sizeof(text));
	CHECK_STR(text, "sda is held by md0");
	CHECK(fr_block_uses(broot, "nosuch", uses, FR_MAX_BLOCK_USES) == -ENOENT);
	CHECK(fr_block_uses(broot, "nodev", uses, FR_MAX_BLOCK_USES) == -ENOENT);
	CHECK(fr_block_uses(broot, "broken", uses, FR_MAX_BLOCK_USES) == -EINVAL);
	CHECK(fr_block_uses(broot, "", uses, FR_MAX_BLOCK_USES) == -EINVAL);
	CHECK(fr_block_uses(broot, "..", uses, FR_MAX_BLOCK_USES) == -EINVAL);
	CHECK(fr_block_uses(broot, "../blk", uses, FR_MAX_BLOCK_USES) == -EINVAL);
	/* No /proc/swaps, no mountinfo: no uses, no error. */
	put("blk2/sys/class/block/ram0/dev", "1:0\n");
	snprintf(broot, sizeof(broot), "%s/blk2", root);
	CHECK(fr_block_uses(broot, "ram0", uses, FR_MAX_BLOCK_USES) == 0);

	CHECK(fr_block_user_disk("block device zram0 open (1)", disk) == 0);
	CHECK_STR(disk, "zram0");
	CHECK(fr_block_user_disk("block device loop0 open (12)", disk) == 0);
	CHECK_STR(disk, "loop0");
	CHECK(fr_block_user_disk("open file /dev/fr_misc (pid 1, sh, fd 0)", disk) == -EINVAL);
	CHECK(fr_block_user_disk("block device  open (1)", disk) == -EINVAL);
	CHECK(fr_block_user_disk("block device ../x open (1)", disk) == -EINVAL);
	CHECK(fr_block_user_disk("block device zram0", disk) == -EINVAL);
	CHECK(fr_block_user_disk("tty ttyprintk open (1)", disk) == -EINVAL);

	CHECK(fr_refs_line_parse("references 2: holders 0, files 1, mounts 0, sockets 0, "
				 "block devices 0, ttys 0, crypto 0, ops 0, loader 0; unexplained 1", &r) == 0);
	CHECK(r.total == 2 && r.files == 1 && r.unexplained == 1);
	CHECK(fr_refs_explained(&r) == 1);
	CHECK(fr_refs_line_parse("references 5: holders 1, files 0, mounts 0, sockets 2, "
				 "block devices 1, ttys 1, crypto 0, ops 0, loader 0; unexplained 0\n", &r) == 0);
	CHECK(fr_refs_explained(&r) == 5 && r.sockets == 2 && r.ttys == 1 &&
	      r.blockdevs == 1 && r.holders == 1);
	CHECK(fr_refs_line_parse("references 6: holders 0, files 0, mounts 0, sockets 0, "
				 "block devices 0, ttys 0, crypto 2, ops 3, loader 1; unexplained 0", &r) == 0);
	CHECK(fr_refs_explained(&r) == 6 && r.crypto == 2 && r.ops == 3 && r.loader == 1);
	/* The line without crypto, as a helper before it wrote it. */
	CHECK(fr_refs_line_parse("references 2: holders 0, files 1, mounts 0, sockets 0, "
				 "block devices 0, ttys 0, loader 0; unexplained 1", &r) == -EINVAL);
	CHECK(fr_refs_line_parse("references 2: holders 0, files 1, mounts 0, sockets 0, "
				 "block devices 0, ttys 0, crypto 0, ops 0, loader 0; unexplained 1 more", &r) == -EINVAL);
	CHECK(fr_refs_line_parse("references 2: holders 0, files 1", &r) == -EINVAL);
	CHECK(fr_refs_line_parse("user: block device zram0 open (1)", &r) == -EINVAL);
	CHECK(fr_refs_line_parse("", &r) == -EINVAL);
}

int main(int argc, char **argv)
{
	char cmd[128];

	test_names();
	test_modules_line();
	test_tree();
	test_stack_line();
	test_syscall_numbers();
	test_kmsg();
	test_helper_lines();
	test_leftovers();
	test_images();
	test_helper_find(argc > 1 ? argv[1] : NULL);
	test_load_policy();
	test_oopsed_drivers();
	test_output();
	test_json_utf8();
	test_blockusers();
	test_lock();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		fprintf(stderr, "warning: could not remove %s\n", root);
	printf("cli unit tests: %d passed, %d failed\n", passed, failed);
	return failed || !passed;
}
