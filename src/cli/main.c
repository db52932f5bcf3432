// SPDX-License-Identifier: GPL-2.0
/*
 * force-rmmod MODULE...: diagnose stuck modules, rescue them with
 * force_rmmod.ko, remove them, remove the helper, verify.  main() below is
 * the sequence of steps (see cli.h); the mechanisms are in fr.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "lock.h"
#include "../module/version.h"

struct fr_options opt = { .exit_mode = "auto" };
struct fr_target *targets;
int nr_targets;
static enum fr_status status = FR_EXIT_OK;

/* ---- messages ------------------------------------------------------------ */

void fr_log(const char *level, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s: ", FR_PROG, level);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void fr_raise(enum fr_status s)
{
	if (s > status)
		status = s;
}

/* Mark @t as not removed, with a reason on stderr and in the report. */
void fr_fail(struct fr_target *t, enum fr_result result, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->error, sizeof(t->error), fmt, ap);
	va_end(ap);
	t->result = result;
	if (result != FR_RESULT_INVALID)
		t->action = "none";
	ERR("%s: %s", t->name[0] ? t->name : t->arg, t->error);
	fr_raise(result == FR_RESULT_INVALID ? FR_EXIT_USAGE : FR_EXIT_NOT_REMOVED);
}

/* Kernel errnos in words a user understands (kmod's mod_strerror). */
const char *fr_strerror(int err)
{
	switch (err) {
	case EPERM:
		return "operation not permitted (needs root with CAP_SYS_MODULE; "
		       "module loading may be disabled or the kernel locked down)";
	case ENOEXEC:
		return "invalid module format (built for another kernel?)";
	case EKEYREJECTED:
	case ENOKEY:
		return "module signature rejected (sign it with a key this kernel trusts, e.g. the DKMS MOK)";
	case EEXIST:
		return "a force_rmmod module is already loaded";
	default:
		return strerror(err);
	}
}

/* Why init_module(2) refused the helper: EPERM has causes we can name. */
const char *fr_load_strerror(int err)
{
	if (err != EPERM)
		return fr_strerror(err);
	switch (fr_load_policy("")) {
	case FR_LOAD_DISABLED:
		return "module loading is disabled (kernel.modules_disabled = 1, until reboot)";
	case FR_LOAD_LOCKDOWN:
		return "the kernel is locked down and loads only signed modules (sign the helper with a key it trusts, e.g. the DKMS MOK)";
	default:
		return fr_strerror(err);
	}
}

/* ---- usage ----------------------------------------------------------------- */

static void fr_help(FILE *out)
{
	fprintf(out,
"Usage: %s [OPTIONS] MODULE...\n"
"Remove kernel modules that rmmod refuses: diagnose each one, rescue the stuck\n"
"ones with the force_rmmod helper module, remove them, remove the helper and\n"
"verify that everything is gone.\n"
"\n"
"A healthy module (live, refcount 0, no holders) is removed with a plain rmmod;\n"
"its own exit runs and no helper is loaded.  A module is refused, unchanged,\n"
"when another module depends on it (see --cascade), when a task is executing\n"
"its code (a hung init or exit; the PID is named) or when the kernel sees real\n"
"users of it: open files it provides, mounted filesystems of its type, sockets\n"
"(see --force).  The helper looks for users itself and refuses the modules that\n"
"have any; when the kernel log cannot be read to name them, its check mode is\n"
"loaded first, which changes nothing.  Every forced repair taints the kernel\n"
"with 'R'.\n"
"\n"
"Options:\n"
"  -n, --dry-run      diagnose only, change no module: print each module's state,\n"
"                     refcount, holders, exit function, tasks, users and what\n"
"                     would be done (users are looked for with the helper's\n"
"                     check mode, which changes nothing)\n"
"      --json         print one JSON document on stdout: an array of objects\n"
"                     (name, state, refcount, holders, has_exit, tasks, users,\n"
"                     action, result, error); messages stay on stderr\n"
"      --cascade      also remove the modules that depend on MODULE, dependents\n"
"                     first\n"
"      --force        DANGEROUS: rescue a module even though the kernel reports\n"
"                     real users of it; they will use freed code\n"
"      --exit=MODE    auto (default): replace a missing or crashed exit; keep:\n"
"                     always keep the module's own exit; stub: always replace it\n"
"      --helper=PATH  the force_rmmod module to use (.ko, .ko.xz, .ko.zst,\n"
"                     .ko.gz); default: force_rmmod as installed for the running\n"
"                     kernel (modules index under /lib/modules/RELEASE)\n"
"  -q, --quiet        no per-module report lines and no warnings; errors stay\n"
"  -v, --verbose      say what is done, and copy the helper's kernel log lines\n"
"  -h, --help         this text\n"
"  -V, --version      the version\n"
"\n"
"Names: '-' and '_' are the same; duplicates count once.  Runs are serialised\n"
"with the abstract Unix socket @" FR_LOCK_NAME " (no file needed: works with a\n"
"read-only root or without /run); a second run waits for the first.\n"
"\n"
"Exit status:\n"
"  0  every named module was loaded and is now removed (--dry-run: could be)\n"
"  1  at least one module is not removed: refused, failed, or not loaded\n"
"  2  usage error (also: more than 64 modules named), or a name that can\n"
"     never be unloaded (empty, too long, a path, built into the kernel,\n"
"     force_rmmod itself); nothing was changed\n"
"  3  the helper module is unavailable or the kernel refused to load it (not\n"
"     installed for this kernel release, lockdown, modules_disabled, no\n"
"     CAP_SYS_MODULE)\n",
		FR_PROG);
}

static int fr_parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "cascade", no_argument, NULL, 'c' },
		{ "force", no_argument, NULL, 'f' },
		{ "exit", required_argument, NULL, 'e' },
		{ "helper", required_argument, NULL, 'H' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	while ((c = getopt_long(argc, argv, "nqvhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			opt.dry_run = true;
			break;
		case 'j':
			opt.json = true;
			break;
		case 'c':
			opt.cascade = true;
			break;
		case 'f':
			opt.force = true;
			break;
		case 'e':
			if (strcmp(optarg, "auto") && strcmp(optarg, "keep") &&
			    strcmp(optarg, "stub")) {
				ERR("--exit=%s: expected auto, keep or stub", optarg);
				return -1;
			}
			opt.exit_mode = optarg;
			break;
		case 'H':
			opt.helper = optarg;
			break;
		case 'q':
			opt.verbose = -1;
			break;
		case 'v':
			opt.verbose = 1;
			break;
		case 'h':
			fr_help(stdout);
			exit(0);
		case 'V':
			printf("%s %s\n", FR_PROG, FORCE_RMMOD_VERSION);
			exit(0);
		default:
			fprintf(stderr, "Try '%s --help'.\n", FR_PROG);
			return -1;
		}
	}
	if (optind >= argc) {
		ERR("no module named");
		fprintf(stderr, "Try '%s --help'.\n", FR_PROG);
		return -1;
	}
	return 0;
}

/*
 * One lock for all runs: a second run waits, then sees the new state.  An
 * abstract socket (lock.c): no file, so it works in a rescue shell with a
 * read-only root or without /run, and the kernel drops it if we die.
 */
static int fr_lock(void)
{
	int fd = fr_lock_try(FR_LOCK_NAME);

	if (fd != -EWOULDBLOCK)
		return fd;
	INFO("waiting for another force-rmmod to finish (lock @%s)", FR_LOCK_NAME);
	return fr_lock_wait(FR_LOCK_NAME);
}

static void fr_report(void)
{
	if (opt.json) {
		fr_report_json(stdout, targets, nr_targets);
		return;
	}
	if (opt.verbose < 0)
		return;
	for (int i = 0; i < nr_targets; i++)
		fr_report_line(stdout, &targets[i]);
}

int main(int argc, char **argv)
{
	int lock = -1;

	if (fr_parse_args(argc, argv))
		return FR_EXIT_USAGE;
	fr_validate_names(argc - optind, argv + optind);
	if (fr_any_invalid())
		goto out_report;

	lock = fr_lock();
	if (lock < 0 && opt.dry_run) {
		WARN("cannot take the lock @%s: %s; diagnosing without it", FR_LOCK_NAME,
		     strerror(-lock));
	} else if (lock < 0) {
		/* No Unix sockets (CONFIG_UNIX=n), or out of descriptors. */
		ERR("cannot take the lock @%s: %s", FR_LOCK_NAME, strerror(-lock));
		return FR_EXIT_NOT_REMOVED;
	}
	fr_classify();
	if (fr_any_invalid())
		goto out_report;
	fr_remove_leftover_helper();
	fr_diagnose();
	fr_decide();
	if (opt.dry_run) {
		fr_dry_run();
		goto out_report;
	}
	fr_check_users();
	fr_unload_healthy();
	fr_rescue();
	fr_verify();

out_report:
	for (int i = 0; i < nr_targets; i++) {
		struct fr_target *t = &targets[i];

		if (t->result != FR_RESULT_PENDING)
			continue;
		if (fr_any_invalid()) {
			t->result = FR_RESULT_SKIPPED;
			t->loaded = false;	/* facts not read, or not to be shown */
			snprintf(t->error, sizeof(t->error), "skipped: another name is invalid");
		} else {
			fr_fail(t, FR_RESULT_FAILED, "not handled");
		}
	}
	fr_report();
	fr_helper_release();
	fr_lock_release(lock);
	free(targets);
	return status;
}
