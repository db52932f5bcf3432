// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the command's steps: the whole command (fr_command() of
 * src/cli/main.c) run with its arguments on prepared /proc and /sys trees,
 * its exit status, report and messages compared, as kmod's testsuite runs
 * its tools.  The kernel is faked: this file replaces src/cli/kernel.c, so
 * init_module(2) and delete_module(2) are recorded and act on the tree's
 * /proc/modules.  The kernel log is off (as if hidden) unless a case turns
 * it on: then each load writes the log lines the case scripted for it, one
 * record per read() as /dev/kmsg gives them (a SOCK_SEQPACKET pair).
 *
 * Built with ASan and UBSan by "make check-unit".  To add a case: a tree
 * (tree()), then run() and CHECKs on status, out, err and calls.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fr.h"
#include "check.h"
#include "../module/version.h"

int fr_command(const char *root, int argc, char **argv);

/* ---- the fake kernel ------------------------------------------------------ */

static char calls[4096];	/* "load PARAMS\n", "remove NAME\n" in order */
static int load_result;		/* what a rescue load returns: 0 or -errno */

/*
 * The kernel log, when on: the lines each load writes, in order of the
 * loads: script[i] is "LINE\nLINE\n" (without the "force_rmmod: "), and
 * result[i] (if not 0) what that load returns.
 */
static bool kmsg_on;
static const char *script[8];
static int script_result[8], nr_loads, kmsg_writer = -1;

int fr_kmsg_open(const char *root_)
{
	int sv[2];

	(void)root_;
	if (!kmsg_on)
		return -ENODEV;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	if (kmsg_writer >= 0)
		close(kmsg_writer);
	kmsg_writer = sv[1];
	return sv[0];
}

/* The scripted lines of this load, as kernel log records; its result. */
static int kmsg_write(void)
{
	const char *line = nr_loads < 8 ? script[nr_loads] : NULL;
	int result = nr_loads < 8 ? script_result[nr_loads] : 0;
	char rec[512];

	nr_loads++;
	while (line && *line && kmsg_writer >= 0) {
		const char *end = strchr(line, '\n');
		int n = snprintf(rec, sizeof(rec), "6,%d,0,-;" FR_HELPER_NAME ": %.*s\n",
				 nr_loads, (int)(end - line), line);

		if (write(kmsg_writer, rec, n) != n)
			exit(2);
		line = end + 1;
	}
	return result;
}

static void record(const char *what, const char *arg)
{
	size_t used = strlen(calls);

	snprintf(calls + used, sizeof(calls) - used, "%s %s\n", what, arg);
}

/* @name's line in the tree's /proc/modules removed: 0, or -ENOENT. */
static int modules_drop(const char *name)
{
	char path[512], line[512], rest[8192] = "";
	size_t len = strlen(name);
	int found = -ENOENT;
	FILE *f;

	snprintf(path, sizeof(path), "%s/proc/modules", root);
	f = fopen(path, "r");
	if (!f)
		return -ENOENT;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, name, len) && line[len] == ' ')
			found = 0;
		else
			strncat(rest, line, sizeof(rest) - strlen(rest) - 1);
	}
	fclose(f);
	put("proc/modules", "%s", rest);
	return found;
}

int fr_helper_load(const void *image, size_t len, const char *params)
{
	char path[512];
	FILE *f;
	int result;

	(void)image;
	(void)len;
	record("load", params);
	result = kmsg_write();
	if (strstr(params, " check=1"))
		return -ECANCELED;	/* the check mode never stays */
	if (result || load_result)
		return result ? result : load_result;
	snprintf(path, sizeof(path), "%s/proc/modules", root);
	f = fopen(path, "a");
	fputs(FR_HELPER_NAME " 16384 0 - Live 0x0 (OE)\n", f);
	fclose(f);
	return 0;
}

int fr_module_remove(const char *name)
{
	record("remove", name);
	return modules_drop(name);
}

/* ---- running the command ---------------------------------------------------- */

static char out[8192], err[8192];
static int status;

static void slurp(int fd, char *buf, size_t size)
{
	ssize_t n;

	lseek(fd, 0, SEEK_SET);
	n = read(fd, buf, size - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
}

/* run("ARG", ..., NULL): the command on the tree; its status, out, err, calls. */
static void run(const char *arg, ...)
{
	char *argv[32] = { "force-rmmod" };
	int argc = 1, saved_out, saved_err, fo, fe;
	va_list ap;

	va_start(ap, arg);
	for (; arg && argc < 31; arg = va_arg(ap, const char *))
		argv[argc++] = (char *)arg;
	va_end(ap);
	calls[0] = '\0';
	fflush(stdout);
	fflush(stderr);
	saved_out = dup(1);
	saved_err = dup(2);
	fo = open(root, O_TMPFILE | O_RDWR, 0600);
	fe = open(root, O_TMPFILE | O_RDWR, 0600);
	dup2(fo, 1);
	dup2(fe, 2);
	optind = 0;	/* getopt from the start, as in a new process */
	status = fr_command(root, argc, argv);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, 1);
	dup2(saved_err, 2);
	close(saved_out);
	close(saved_err);
	slurp(fo, out, sizeof(out));
	slurp(fe, err, sizeof(err));
}

#define HAS(buf, text)	CHECK(strstr(buf, text) != NULL)
#define HASNT(buf, text) CHECK(strstr(buf, text) == NULL)

/* A fake helper: not an ELF file we can read, so all of it is its .modinfo. */
static void put_helper(const char *rel, const char *version)
{
	char path[512], image[128];
	int n = snprintf(image, sizeof(image), "%cELF fake%cversion=%s%c", 0x7f, 0, version, 0);
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	if (!f || fwrite(image, 1, n, f) != (size_t)n)
		exit(2);
	fclose(f);
}

/*
 * A fresh tree: /proc/modules as given, a /sys/module entry for each of its
 * modules, /run, a helper file.
 */
static void tree(const char *modules)
{
	char cmd[128], name[FR_NAME_MAX + 16];
	const char *p;

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'/*", root);
	if (system(cmd) != 0)
		exit(2);
	put("proc/modules", "%s", modules);
	for (p = modules; *p; p = strchr(p, '\n') + 1) {
		snprintf(name, sizeof(name), "sys/module/%.*s/", (int)strcspn(p, " "), p);
		put(name, NULL);
		if (!strchr(p, '\n'))
			break;
	}
	put("run/", NULL);
	put_helper("helper.ko", FORCE_RMMOD_VERSION);
	put_helper("old-helper.ko", "0.0.1");
	load_result = 0;
	kmsg_on = false;
	memset(script, 0, sizeof(script));
	memset(script_result, 0, sizeof(script_result));
	nr_loads = 0;
}

static char helper_opt[128];

/* ---- the cases ----------------------------------------------------------------- */

static void test_names(void)
{
	tree("fr_leak_ref 12288 2 - Live 0x0 (OE)\n");
	run("fr_leak_ref", "printk", "", NULL);
	CHECK(status == 2);
	HAS(err, "force-rmmod: ERROR: '': empty module name\n");
	HAS(out, "fr_leak_ref: skipped: another name is invalid, nothing was changed\n");
	CHECK_STR(calls, "");

	put("sys/module/printk/parameters/", NULL);
	run("fr_leak_ref", "printk", NULL);
	CHECK(status == 2);
	HAS(err, "printk: built into the kernel, cannot be unloaded");
	CHECK_STR(calls, "");

	run("force-rmmod", NULL);
	CHECK(status == 2);
	HAS(out, "force_rmmod: invalid: is the rescue helper itself; remove it with rmmod\n");

	run(NULL);
	CHECK(status == 2);
	HAS(err, "force-rmmod: ERROR: no module named\n");
}

static void test_plain_unload(void)
{
	tree("fr_healthy 12288 0 - Live 0x0 (OE)\n");
	run(helper_opt, "fr-healthy", "fr_nosuch", "fr_healthy", NULL);
	CHECK(status == 1);
	CHECK_STR(calls, "remove fr_healthy\n");	/* no helper loaded */
	CHECK_STR(out, "fr_healthy: removed (was live, refcount 0; own exit ran)\n"
		  "fr_nosuch: not loaded\n");
	HAS(err, "fr_nosuch: not loaded");
}

/* Unexplained references: the check mode, whose report cannot be read here. */
static void test_users_unknown(void)
{
	tree("fr_leak_ref 12288 2 - Live 0x0 (OE)\n");
	run(helper_opt, "fr_leak_ref", NULL);
	CHECK(status == 1);
	CHECK_STR(calls, "load modname=fr_leak_ref exit=auto check=1\n");
	HAS(out, "fr_leak_ref: refused: its users could not be checked (no report from the "
	    "helper in the kernel log); use --force to go on (live, refcount 2, holders -, "
	    "exit unknown, tasks -, users not checked)\n");

	/* --force: said, and rescued. */
	tree("fr_leak_ref 12288 2 - Live 0x0 (OE)\n");
	run(helper_opt, "--force", "--exit=stub", "fr_leak_ref", NULL);
	CHECK(status == 0);
	CHECK_STR(calls, "load modname=fr_leak_ref exit=stub check=1 users=ignore leftovers=force\n"
		  "load modname=fr_leak_ref exit=stub users=ignore leftovers=force\n"
		  "remove fr_leak_ref\nremove force_rmmod\n");
	HAS(err, "WARNING: fr_leak_ref: the helper's check did not report on it; going on (--force)");
	CHECK_STR(out, "fr_leak_ref: removed (was live, refcount 2; own exit ran)\n");

	/* --refscan=MODE is passed on as refscan=MODE; another value is a usage error. */
	tree("fr_leak_ref 12288 2 - Live 0x0 (OE)\n");
	run(helper_opt, "--force", "--refscan=refuse", "fr_leak_ref", NULL);
	CHECK(status == 0);
	CHECK_STR(calls, "load modname=fr_leak_ref exit=auto check=1 users=ignore leftovers=force refscan=refuse\n"
		  "load modname=fr_leak_ref exit=auto users=ignore leftovers=force refscan=refuse\n"
		  "remove fr_leak_ref\nremove force_rmmod\n");
	tree("fr_leak_ref 12288 2 - Live 0x0 (OE)\n");
	run(helper_opt, "--refscan=maybe", "fr_leak_ref", NULL);
	CHECK(status == 2);
	HAS(err, "--refscan=maybe: expected report or refuse");
	CHECK_STR(calls, "");

	/* The rescue load refused by the kernel: exit status 3. */
	tree("fr_leak_ref 12288 2 - Live 0x0 (OE)\n");
	load_result = -EEXIST;
	run(helper_opt, "--force", "--json", "fr_leak_ref", NULL);
	CHECK(status == 3);
	HAS(err, "the kernel refused the helper module: a force_rmmod module is already loaded");
	HAS(out, "\"users\":null,\"references\":null,\"block_uses\":[],\"leftovers\":[],\"action\":\"none\",\"result\":\"failed\","
	    "\"error\":\"the kernel refused the helper module\"}]\n");
}

static void test_rescue(void)
{
	tree("fr_crash_init 20480 1 - Loading 0x0 (OE+)\n"
	     "fr_healthy 12288 0 - Live 0x0 (OE)\n");
	run(helper_opt, "fr_crash_init", "fr_healthy", NULL);
	CHECK(status == 0);
	CHECK_STR(calls, "remove fr_healthy\nload modname=fr_crash_init exit=auto\n"
		  "remove fr_crash_init\nremove force_rmmod\n");
	CHECK_STR(out, "fr_crash_init: removed (was coming, refcount 1; own exit ran)\n"
		  "fr_healthy: removed (was live, refcount 0; own exit ran)\n");
	HASNT(err, "ERROR");

	/* The kernel refuses the helper: locked down. */
	tree("fr_crash_init 20480 1 - Loading 0x0 (OE+)\n");
	put("sys/kernel/security/lockdown", "none [integrity] confidentiality\n");
	load_result = -EPERM;
	run(helper_opt, "fr_crash_init", NULL);
	CHECK(status == 3);
	HAS(err, "ERROR: the kernel refused the helper module: the kernel is locked down");
	HAS(out, "fr_crash_init: not removed: the kernel refused the helper module (coming");
}

/* Only a helper of the command's own version is used: exit status 3. */
static void test_helper_version(void)
{
	char opt[128], msg[256];

	tree("fr_crash_init 20480 1 - Loading 0x0 (OE+)\n");
	snprintf(opt, sizeof(opt), "--helper=%s/old-helper.ko", root);
	run(opt, "fr_crash_init", NULL);
	CHECK(status == 3);
	CHECK_STR(calls, "");
	snprintf(msg, sizeof(msg), "cannot use the helper module %s/old-helper.ko: it is "
		 "version 0.0.1, and this force-rmmod is %s", root, FORCE_RMMOD_VERSION);
	HAS(err, msg);
	HAS(out, "fr_crash_init: not removed: the helper module is unavailable (coming");

	put("helper.ko", "\x7f" "ELF without a version");
	run(helper_opt, "fr_crash_init", NULL);
	CHECK(status == 3);
	HAS(err, "it is of no known version, and this force-rmmod is");

	/* Not installed for the running kernel, none given. */
	run("fr_crash_init", NULL);
	CHECK(status == 3);
	HAS(err, "the helper module force_rmmod is not installed for Linux ");
	CHECK_STR(calls, "");
}

static void test_dependents(void)
{
	/* Its holder's reference and its dead loader's: no user possible. */
	const char *deps = "fr_dep_user 12288 0 - Live 0x0 (OE)\n"
			   "fr_dep_base 12288 2 fr_dep_user, Loading 0x0 (OE)\n";

	tree(deps);
	run(helper_opt, "fr_dep_base", NULL);
	CHECK(status == 1);
	HAS(out, "fr_dep_base: refused: used by module fr_dep_user: remove it first, "
	    "name it too, or use --cascade (coming, refcount 2, holders fr_dep_user,");
	/* Refused, but coming: the helper clears the loader's table, no more. */
	CHECK_STR(calls, "load modname=fr_dep_base check=1 heal=1\n");

	tree(deps);
	run(helper_opt, "--cascade", "fr_dep_base", NULL);
	CHECK(status == 0);
	CHECK_STR(calls, "remove fr_dep_user\nload modname=fr_dep_base exit=auto\n"
		  "remove fr_dep_base\nremove force_rmmod\n");
	CHECK_STR(out, "fr_dep_base: removed (was coming, refcount 2; own exit ran)\n"
		  "fr_dep_user: removed (was live, refcount 0; own exit ran)\n");
}

static void test_tasks_and_dry_run(void)
{
	tree("fr_block_init 20480 1 - Loading 0x0 (OE+)\n"
	     "fr_no_exit 8192 0 [permanent], Live 0x0 (OE)\n"
	     "fr_healthy 12288 0 - Live 0x0 (OE)\n");
	put("proc/146/task/146/stack", "[<0>] f+0x1/0x2 [fr_block_init]\n"
	    "[<0>] do_one_initcall+0x5b/0x320\n");
	put("proc/146/task/146/comm", "insmod\n");
	run(helper_opt, "--dry-run", "--json", "fr_block_init", "fr_no_exit", "fr_healthy", NULL);
	CHECK(status == 1);
	/* fr_no_exit's exit would be replaced: the check mode lists its leftovers. */
	CHECK_STR(calls, "load modname=fr_no_exit exit=auto check=1\n");
	CHECK_STR(out,
		  "[{\"name\":\"fr_block_init\",\"state\":\"coming\",\"refcount\":1,\"holders\":[],"
		  "\"has_exit\":null,\"tasks\":[{\"pid\":146,\"comm\":\"insmod\",\"executing\":\"init\"}],"
		  "\"users\":null,\"references\":null,\"block_uses\":[],\"leftovers\":[],\"action\":\"none\",\"result\":\"refused\","
		  "\"error\":\"task 146 (insmod) is executing its init function\"},\n"
		  " {\"name\":\"fr_no_exit\",\"state\":\"live\",\"refcount\":0,\"holders\":[],"
		  "\"has_exit\":false,\"tasks\":[],\"users\":[],\"references\":null,\"block_uses\":[],\"leftovers\":[],\"action\":\"rescue\","
		  "\"result\":\"would-remove\",\"error\":null},\n"
		  " {\"name\":\"fr_healthy\",\"state\":\"live\",\"refcount\":0,\"holders\":[],"
		  "\"has_exit\":null,\"tasks\":[],\"users\":[],\"references\":null,\"block_uses\":[],\"leftovers\":[],\"action\":\"unload\","
		  "\"result\":\"would-remove\",\"error\":null}]\n");
	run(helper_opt, "-n", "fr_no_exit", "fr_healthy", NULL);
	CHECK(status == 0);
	CHECK_STR(out, "fr_no_exit: would be removed after a rescue (live, refcount 0, holders -, "
		  "exit no, tasks -, users -)\n"
		  "fr_healthy: would be removed with a plain rmmod (live, refcount 0, holders -, "
		  "exit unknown, tasks -, users -)\n");
}

/* The lock, and a helper left loaded by an earlier run. */
static void test_lock_and_leftover(void)
{
	char path[512];

	tree("fr_healthy 12288 0 - Live 0x0 (OE)\n" FR_HELPER_NAME " 16384 0 - Live 0x0 (OE)\n");
	run(helper_opt, "-q", "fr_healthy", NULL);
	CHECK(status == 0);
	CHECK_STR(calls, "remove force_rmmod\nremove fr_healthy\n");
	CHECK_STR(out, "");	/* -q: no report */
	CHECK_STR(err, "");

	/* The lock needs no file: a /run that is not a directory does not matter. */
	tree("fr_healthy 12288 0 - Live 0x0 (OE)\n");
	snprintf(path, sizeof(path), "%s/run", root);
	rmdir(path);
	put("run", "not a directory\n");
	run(helper_opt, "fr_healthy", NULL);
	CHECK(status == 0);
	CHECK_STR(calls, "remove fr_healthy\n");
	CHECK_STR(err, "");
	HAS(out, "fr_healthy: removed");
}

/*
 * What a crashed init left registered: --dry-run lists it (text and JSON),
 * a rescue that cannot undo it is refused naming it, --force passes
 * leftovers=force.
 */
static void test_leftovers(void)
{
	const char *mods = "fr_left 12288 1 - Loading 0x0 (OE+)\n";

	tree(mods);
	kmsg_on = true;
	script[0] = "fr_left: check: state coming, refcount 1, holders 0, exit own, users 0, "
		    "would repair and replace exit\n"
		    "fr_left: leftover: filesystem fr_left -> unregister\n";
	script_result[0] = -ECANCELED;
	run(helper_opt, "-n", "fr_left", NULL);
	CHECK(status == 0);
	CHECK_STR(calls, "load modname=fr_left exit=auto check=1\n");
	HAS(out, "fr_left: leftover: unregister filesystem fr_left\n");

	tree(mods);
	kmsg_on = true;
	script[0] = "fr_left: leftover: filesystem fr_left -> unregister\n";
	script_result[0] = -ECANCELED;
	run(helper_opt, "-n", "--json", "fr_left", NULL);
	HAS(out, "\"leftovers\":[{\"kind\": \"filesystem\", \"name\": \"fr_left\", "
	    "\"action\": \"unregister\"}]");

	tree(mods);
	kmsg_on = true;
	script[0] = "fr_left: leftover: proc /proc/fr_left_ops -> refuse (open)\n"
		    "fr_left: cannot undo 1 leftover(s), refusing (leftovers=force forces)\n";
	script_result[0] = -EBUSY;
	run(helper_opt, "fr_left", NULL);
	CHECK(status == 1);
	CHECK_STR(calls, "load modname=fr_left exit=auto\n");
	HAS(err, "ERROR: fr_left: left registered, cannot be undone: refuse proc "
	    "/proc/fr_left_ops (open) (use --force)\n");
}

/* Listed in /proc/modules but not in /sys/module: refused, nothing loaded. */
static void test_not_in_sysfs(void)
{
	char cmd[600];

	tree("fr_crash_param 12288 1 - Loading 0x0 (OE+)\n");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s/sys/module/fr_crash_param'", root);
	if (system(cmd) != 0)
		exit(2);
	run(helper_opt, "fr_crash_param", NULL);
	CHECK(status == 1);
	CHECK_STR(calls, "");
	HAS(out, "fr_crash_param: refused: not in /sys/module (its load stopped before it got "
	    "there), cannot be rescued (coming, refcount 1");
}

/*
 * A block device the helper names: userspace adds who uses it (mountinfo,
 * swaps) to the user's text, the refusal and the JSON; --dry-run prints the
 * helper's account of the references.
 */
static void test_block_users(void)
{
	const char *mods = "loop 40960 1 - Live 0x0\n";
	const char *lines = "loop: user: block device loop0 open (1)\n"
			    "loop: references 1: holders 0, files 0, mounts 0, sockets 0, "
			    "block devices 1, ttys 0, crypto 0, ops 0, loader 0; unexplained 0\n"
			    "loop: has 1 real user(s), refusing (users=ignore forces)\n";

	tree(mods);
	put("sys/class/block/loop0/dev", "7:0\n");
	put("proc/self/mountinfo", "40 22 7:0 / /mnt/img rw - vfat /dev/loop0 rw\n");
	kmsg_on = true;
	script[0] = lines;
	script_result[0] = -EBUSY;
	run(helper_opt, "loop", NULL);
	CHECK(status == 1);
	HAS(err, "ERROR: loop: in use: block device loop0 open (1); loop0 is mounted on "
	    "/mnt/img (vfat) (stop it, or use --force)\n");

	tree(mods);
	put("sys/class/block/loop0/dev", "7:0\n");
	put("proc/self/mountinfo", "40 22 7:0 / /mnt/img rw - vfat /dev/loop0 rw\n");
	kmsg_on = true;
	script[0] = lines;
	script_result[0] = -EBUSY;
	run(helper_opt, "--json", "loop", NULL);
	CHECK(status == 1);
	HAS(out, "\"references\":{\"total\":1,\"explained\":1,\"unexplained\":0,"
	    "\"holders\":0,\"files\":0,\"mounts\":0,\"sockets\":0,\"block_devices\":1,"
	    "\"ttys\":0,\"crypto\":0,\"ops\":0,\"loader\":0},\"block_uses\":[{\"device\":\"loop0\","
	    "\"use\":\"mount\",\"where\":\"/mnt/img\",\"fstype\":\"vfat\"}]");

	tree(mods);
	kmsg_on = true;
	script[0] = "loop: check: state live, refcount 1, holders 0, exit own, users 1, "
		    "would repair\n"
		    "loop: references 1: holders 0, files 0, mounts 0, sockets 0, "
		    "block devices 0, ttys 0, crypto 0, ops 0, loader 0; unexplained 1\n";
	script_result[0] = -ECANCELED;
	run(helper_opt, "-n", "loop", NULL);
	HAS(out, "loop: references 1: 0 explained (holders 0, files 0, mounts 0, sockets 0, "
	    "block devices 0, ttys 0, crypto 0, ops 0, loader 0), 1 unexplained\n");
}

/*
 * With the kernel log: the rescue load itself names the users and refuses;
 * the others go with a second load.  Every state of a target's users.
 */
static void test_users_in_rescue(void)
{
	const char *mods = "fr_misc 12288 1 - Live 0x0 (OE)\n"
			   "fr_leak_ref 12288 2 - Live 0x0 (OE)\n"
			   "fr_crash_init 20480 1 - Loading 0x0 (OE+)\n";

	tree(mods);
	kmsg_on = true;
	script[0] = "fr_misc: user: open file /dev/fr_misc (pid 7, cat\xc3\xa9, fd 0)\n"
		    "fr_misc: has 1 real user(s), refusing (users=ignore forces)\n";
	script_result[0] = -EBUSY;
	run(helper_opt, "--json", "fr_misc", "fr_leak_ref", "fr_crash_init", NULL);
	CHECK(status == 1);
	CHECK_STR(calls, "load modname=fr_misc,fr_leak_ref,fr_crash_init exit=auto\n"
		  "load modname=fr_leak_ref,fr_crash_init exit=auto\n"
		  "remove fr_leak_ref\nremove fr_crash_init\nremove force_rmmod\n");
	HAS(err, "ERROR: fr_misc: in use: open file /dev/fr_misc (pid 7, cat\xc3\xa9, fd 0) "
	    "(stop it, or use --force)\n");
	HAS(out, "{\"name\":\"fr_misc\",\"state\":\"live\",\"refcount\":1,\"holders\":[],"
	    "\"has_exit\":null,\"tasks\":[],"
	    "\"users\":[\"open file /dev/fr_misc (pid 7, cat\xc3\xa9, fd 0)\"],"
	    "\"references\":null,\"block_uses\":[],\"leftovers\":[],"
	    "\"action\":\"none\",\"result\":\"refused\",");
	/* Looked for by the load that stayed: none. */
	HAS(out, "\"name\":\"fr_leak_ref\",\"state\":\"live\",\"refcount\":2,\"holders\":[],"
	    "\"has_exit\":null,\"tasks\":[],\"users\":[],\"references\":null,\"block_uses\":[],\"leftovers\":[],\"action\":\"rescue\","
	    "\"result\":\"removed\"");
	HAS(out, "\"name\":\"fr_crash_init\",\"state\":\"coming\",\"refcount\":1,"
	    "\"holders\":[],\"has_exit\":null,\"tasks\":[],\"users\":[],");

	/* Refused for another reason (a task): so none of them had users. */
	tree(mods);
	kmsg_on = true;
	script[0] = "fr_misc: task 9 (worker) may be executing its code\n";
	script_result[0] = -EBUSY;
	script[1] = "fr_leak_ref: used by module fr_other, remove it first or name it too\n";
	script_result[1] = -EBUSY;
	script_result[2] = -EBUSY;	/* and then, refused without a word */
	run(helper_opt, "fr_misc", "fr_leak_ref", "fr_crash_init", NULL);
	CHECK(status == 1);
	CHECK_STR(out, "fr_misc: refused: task 9 (worker) may be executing its code (live, "
		  "refcount 1, holders -, exit unknown, tasks 9 (worker, code), users -)\n"
		  "fr_leak_ref: refused: used by module fr_other (live, refcount 2, holders -, "
		  "exit unknown, tasks -, users -)\n"
		  "fr_crash_init: refused: the helper refused it, and its reasons are not in the "
		  "kernel log (see dmesg) (coming, refcount 1, holders -, exit unknown, tasks -, "
		  "users -)\n");

	/* --dry-run: the check mode counts them. */
	tree(mods);
	kmsg_on = true;
	script[0] = "fr_misc: user: 1 mounted filesystem(s) of type fr_fs\n"
		    "fr_misc: check: state live, refcount 1, holders 0, exit own, users 3, would repair\n"
		    "fr_leak_ref: check: state live, refcount 2, holders 0, exit own, users 0, would repair\n";
	run(helper_opt, "-n", "fr_misc", "fr_leak_ref", NULL);
	CHECK(status == 1);
	CHECK_STR(calls, "load modname=fr_misc,fr_leak_ref exit=auto check=1\n");
	CHECK_STR(out, "fr_misc: refused: in use: 1 mounted filesystem(s) of type fr_fs, and more "
		  "(stop it, or use --force) (live, refcount 1, holders -, exit unknown, tasks -, "
		  "users 1 mounted filesystem(s) of type fr_fs; 3 user(s) in all)\n"
		  "fr_leak_ref: would be removed after a rescue (live, refcount 2, holders -, "
		  "exit unknown, tasks -, users -)\n");
}

int main(void)
{
	strcpy(root, "/tmp/fr-steps-XXXXXX");
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 2;
	}
	snprintf(helper_opt, sizeof(helper_opt), "--helper=%s/helper.ko", root);
	test_names();
	test_plain_unload();
	test_users_unknown();
	test_rescue();
	test_helper_version();
	test_dependents();
	test_tasks_and_dry_run();
	test_lock_and_leftover();
	test_users_in_rescue();
	test_block_users();
	test_not_in_sysfs();
	test_leftovers();
	tree("");
	rmdir(root);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		if (system(cmd) != 0)
			fprintf(stderr, "warning: could not remove %s\n", root);
	}
	printf("cli step tests: %d passed, %d failed\n", passed, failed);
	return failed || !passed;
}
