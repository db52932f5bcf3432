// SPDX-License-Identifier: GPL-2.0
/*
 * force-rmmod MODULE...: diagnose stuck modules, rescue them with
 * force_rmmod.ko, remove them, remove the helper, verify.  This file is the
 * top layer: the options, the lock, the sequence of steps (steps.h) and the
 * report.  Below it: the steps, the helper's loads (call.h), the table of
 * targets (table.h), and the library of mechanisms (fr.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lock.h"
#include "steps.h"
#include "../module/version.h"


/* ---- usage ----------------------------------------------------------------- */

/* The --help text: one string, long because it is the whole manual in short. */
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
"      --refscan=MODE refuse (default): refuse a module whose exit will not\n"
"                     run while something points into it; report: only name it\n"
"      --helper=PATH  the force_rmmod module to use (.ko, .ko.xz, .ko.zst,\n"
"                     .ko.gz); default: force_rmmod as installed for the running\n"
"                     kernel (modules index under /lib/modules/RELEASE)\n"
"  -q, --quiet        no per-module report lines and no warnings; errors stay\n"
"  -v, --verbose      say what is done, and copy the helper's kernel log lines\n"
"  -h, --help         this text\n"
"  -V, --version      the version\n"
"\n"
"Names: '-' and '_' are the same; duplicates count once.  Runs are serialised\n"
"with the abstract Unix socket @" FR_LOCK_NAME " (no file: works with a read-only\n"
"root or without /run); a second run waits for the first.\n"
"\n"
"Exit status:\n"
"  0  every named module was loaded and is now removed (--dry-run: could be)\n"
"  1  at least one module is not removed: refused, failed, or not loaded\n"
"  2  usage error (also: more than 64 modules named), or a name that can\n"
"     never be unloaded (empty, too long, a path, built into the kernel,\n"
"     force_rmmod itself); nothing was changed\n"
"  3  the helper module is unavailable or the kernel refused to load it (not\n"
"     installed for this kernel release, of another version, lockdown,\n"
"     modules_disabled, no CAP_SYS_MODULE)\n",
		FR_PROG);
}

/*
 * Exits for --help and --version; -1 on a usage error.  Long only because
 * it is one flat case per option, as getopt_long() wants.
 */
static int fr_parse_args(int argc, char **argv, struct fr_options *opt)
{
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "cascade", no_argument, NULL, 'c' },
		{ "force", no_argument, NULL, 'f' },
		{ "exit", required_argument, NULL, 'e' },
		{ "refscan", required_argument, NULL, 'R' },
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
			opt->dry_run = true;
			break;
		case 'j':
			opt->json = true;
			break;
		case 'c':
			opt->cascade = true;
			break;
		case 'f':
			opt->force = true;
			break;
		case 'e':
			if (strcmp(optarg, FR_EXIT_MODE_AUTO) && strcmp(optarg, FR_EXIT_MODE_KEEP) &&
			    strcmp(optarg, FR_EXIT_MODE_STUB)) {
				ERR("--exit=%s: expected auto, keep or stub", optarg);
				return -1;
			}
			opt->exit_mode = optarg;
			break;
		case 'R':
			if (strcmp(optarg, FR_REFSCAN_REPORT) && strcmp(optarg, FR_REFSCAN_REFUSE)) {
				ERR("--refscan=%s: expected report or refuse", optarg);
				return -1;
			}
			opt->refscan = optarg;
			break;
		case 'H':
			opt->helper = optarg;
			break;
		case 'q':
			opt->verbose = -1;
			break;
		case 'v':
			opt->verbose = 1;
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
 * abstract Unix socket (lock.c): no file, so it works in a rescue shell with
 * a read-only root or without /run, and the kernel drops it if we die.
 */
static int fr_lock(const struct fr_options *opt)
{
	int fd = fr_lock_try(FR_LOCK_NAME);

	if (fd != -EWOULDBLOCK)
		return fd;
	INFO(opt, "waiting for another force-rmmod to finish (lock @%s)", FR_LOCK_NAME);
	return fr_lock_wait(FR_LOCK_NAME);
}

static void fr_print_report(const struct fr_table *tab, const struct fr_options *opt)
{
	if (opt->json) {
		fr_report_json(stdout, tab->t, tab->n);
		return;
	}
	if (opt->verbose < 0)
		return;
	for (int i = 0; i < tab->n; i++) {
		fr_report_line(stdout, &tab->t[i]);
		if (opt->dry_run) {
			fr_report_refs(stdout, &tab->t[i]);
			fr_report_leftovers(stdout, &tab->t[i]);
		}
	}
}

/*
 * Under the lock: 0 to go on, or the exit status when it cannot be taken.
 * --dry-run goes on without it.
 */
static int fr_take_lock(const struct fr_options *opt, int *lock)
{
	*lock = fr_lock(opt);
	if (*lock == -EACCES) {
		/* Anyone can bind the name: a holder that is not root loads nothing. */
		WARN(opt, "the lock @%s is held by a process that is not root; going on without it",
		     FR_LOCK_NAME);
	} else if (*lock < 0 && opt->dry_run) {
		WARN(opt, "cannot take the lock @%s: %s; diagnosing without it", FR_LOCK_NAME,
		     strerror(-*lock));
	} else if (*lock < 0) {
		/* No Unix sockets (CONFIG_UNIX=n), or out of descriptors. */
		ERR("cannot take the lock @%s: %s", FR_LOCK_NAME, strerror(-*lock));
		return FR_STATUS_NOT_REMOVED;
	}
	if (!opt->dry_run && geteuid() != 0) {
		/* Nothing could be loaded or removed. */
		ERR("force-rmmod must run as root");
		return FR_STATUS_HELPER;
	}
	return 0;
}

/* The steps under the lock, in order (steps.h), until the table is complete. */
static void fr_run(struct fr_table *tab, const struct fr_options *opt, struct fr_helper *h)
{
	fr_classify(tab, opt);
	if (fr_any_invalid(tab))
		return;
	fr_remove_leftover_helper(opt);
	fr_diagnose(tab, opt);
	fr_decide(tab, opt);
	fr_find_users(tab, opt, h);
	if (opt->dry_run) {
		fr_dry_run(tab);
		return;
	}
	fr_unload_healthy(tab, opt);
	fr_rescue(tab, opt, h);
	fr_heal_loader(tab, opt, h);
	fr_verify(tab, opt, h);
}

/*
 * The command on the system under @root ("" for the real one; the step
 * tests, tests/cli/steps.c, run it on prepared trees): its exit status.
 */
int fr_command(const char *root, int argc, char **argv)
{
	struct fr_options opt = { .root = root, .exit_mode = FR_EXIT_MODE_AUTO };
	struct fr_table tab = { 0 };
	struct fr_helper helper = { 0 };
	int lock = -1, err;

	if (fr_parse_args(argc, argv, &opt))
		return FR_STATUS_USAGE;
	fr_validate_names(&tab, argc - optind, argv + optind);
	if (!fr_any_invalid(&tab)) {
		err = fr_take_lock(&opt, &lock);
		if (err) {
			fr_table_free(&tab);
			return err;
		}
		fr_run(&tab, &opt, &helper);
	}
	fr_table_finish(&tab);
	fr_print_report(&tab, &opt);
	fr_helper_release(&helper);
	fr_table_free(&tab);
	if (lock >= 0)
		close(lock);
	return tab.status;
}

int main(int argc, char **argv)
{
	return fr_command("", argc, argv);
}
