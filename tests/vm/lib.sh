# shellcheck shell=sh
# The one shell library of the guest suites (busybox sh in tests/vm/*.test,
# dash in the packaging guest's tests/pkg/guest-test; see tests/vm/README.md).
# Each check records "FR-RESULT pass|fail DESCRIPTION" in $FR_RESULTS, which
# /init prints in one block at the end for tests/vm/boot (an oops makes the
# kernel log verbose on the console, which could break lines printed
# meanwhile), and on the console at once, to show progress.  A setup step
# is not a check: it records only its failure.

M=/fr	# force_rmmod.ko and the fixtures
: "${FR_RESULTS:=/tmp/results}"	# the FR-RESULT lines
: "${FR_TMP:=/tmp}"		# scratch files

# check DESC CMD...: one check, passed when CMD succeeds; its output is
# shown when it fails.
check() {
	c_desc=$1
	shift
	if "$@" > "$FR_TMP/check.out" 2>&1; then
		echo "FR-RESULT pass $c_desc" | tee -a "$FR_RESULTS"
	else
		echo "FR-RESULT fail $c_desc" | tee -a "$FR_RESULTS"
		sed 's/^/    | /' "$FR_TMP/check.out"
	fi
}

# setup DESC CMD...: a step the checks need, not a check itself: only its
# failure is recorded ("fail setup: DESC"), so the run still fails.
setup() {
	s_desc=$1
	shift
	if "$@" > "$FR_TMP/check.out" 2>&1; then
		echo "FR-SETUP ok $s_desc"
	else
		echo "FR-RESULT fail setup: $s_desc" | tee -a "$FR_RESULTS"
		sed 's/^/    | /' "$FR_TMP/check.out"
	fi
}

not() { ! "$@"; }
is_loaded() { grep -q "^$1 " /proc/modules; }
gone() { ! is_loaded "$1" && [ ! -e "/sys/module/$1" ]; }
state() { awk -v m="$1" '$1 == m { print $5 }' /proc/modules; }
refcnt() { awk -v m="$1" '$1 == m { print $3 }' /proc/modules; }
# runs PID COMM: PID has exec'd COMM.  A background "CMD < FILE" opens FILE
# before its exec: until then the user is named by the shell's name.
runs() { [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ]; }
state_is() { [ "$(state "$1")" = "$2" ]; }
refcnt_is() { [ "$(refcnt "$1")" = "$2" ]; }	# for wait_for: read each time
r_taint() { [ $(($(cat /proc/sys/kernel/tainted) & 8)) -ne 0 ]; }

# The helper, loaded from memory with init_module(2), never finit_module(2).
# Each run is timed into $FR_TMP/helper.times ("CENTISECONDS ARGS").
helper() {
	h_t0=$(uptime_cs)
	h_status=0
	load-module "$M/force_rmmod.ko" "$@" || h_status=$?
	echo "$(($(uptime_cs) - h_t0)) $*" >> "$FR_TMP/helper.times"
	return $h_status
}
uptime_cs() {
	read -r u_up _ < /proc/uptime
	u_up=${u_up%.*}${u_up#*.}
	while [ "${u_up#0}" != "$u_up" ]; do u_up=${u_up#0}; done
	echo "${u_up:-0}"
}
# helper_runs_fast: every run of the helper returned within 10 s (TCG),
# whatever the target's state.
helper_runs_fast() {
	sort -n "$FR_TMP/helper.times" | awk '
		{ n++; if ($1 > 1000) { slow++; print "slow: " $0 } }
		END { printf "%d runs, longest %.2f s\n", n, $1 / 100
		      exit slow > 0 || n == 0 }'
}

# Start a fresh stretch of kernel log; everything is kept in /tmp/dmesg.all.
newlog() { dmesg -c >> "$FR_TMP/dmesg.all"; }
log_has() { dmesg | grep -qF -- "$1"; }
helper_said() { log_has "force_rmmod: $1"; }

wait_for() { wait_up_to 20 "$@"; }
# wait_up_to SECONDS CMD...: the same, for a slow setup.
wait_up_to() {
	w_tries=$(($1 * 5))
	shift
	n=0
	until "$@"; do
		n=$((n + 1))
		[ $n -lt $w_tries ] || return 1
		sleep 0.2
	done
}

# ended PID: the process has exited (a zombie not yet waited for counts).
ended() { [ ! -e "/proc/$1" ] || grep -q '^State:.*Z' "/proc/$1/status"; }
# reaped PID: its exit status, once it has ended; one still running after
# 60 s is a failed check (status 125), never a guest hung in wait.
reaped() {
	wait_up_to 60 ended "$1" || { echo "process $1 still running after 60 s"; return 125; }
	wait "$1"
}
# reaped_failed PID: it has ended (60 s at most), with an error.
reaped_failed() { wait_up_to 60 ended "$1" && ! wait "$1"; }

# Name, refcount and state of every module, and the R taint bit.
snapshot() {
	awk '{ print $1, $3, $5 }' /proc/modules | sort
	r_taint && echo tainted-R
}

# refused DESC LOGTEXT ARGS...: the helper must refuse ARGS with a log line
# "force_rmmod: LOGTEXT" and leave every module and the taint as they were.
refused() {
	r_desc=$1 r_text=$2
	shift 2
	newlog
	r_before=$(snapshot)
	check "$r_desc: helper refuses" not helper "$@"
	check "$r_desc: log says '$r_text'" helper_said "$r_text"
	check "$r_desc: modules and taint unchanged" [ "$(snapshot)" = "$r_before" ]
	check "$r_desc: helper not left loaded" gone force_rmmod
}

# rescued NAME ARGS...: rmmod fails, then helper + rmmod NAME + rmmod helper.
rescued() {
	name=$1
	shift
	check "$name: rmmod fails before" not rmmod "$name"
	newlog
	check "$name: helper loads" helper "modname=$name" "$@"
	check "$name: kernel tainted R" r_taint
	check "$name: rmmod succeeds" rmmod "$name"
	check "$name: helper unloads" rmmod force_rmmod
	check "$name: gone from /proc/modules and /sys/module" gone "$name"
	check "$name: helper gone" gone force_rmmod
}

# oopses N DESC: the whole kernel log holds exactly N oopses, all NULL
# dereferences (DESC says which), and no other BUG:, WARNING: or general
# protection fault.
oopses() {
	newlog
	check "kernel log: $2" \
		[ "$(grep -cE 'BUG: kernel NULL pointer dereference|Unable to handle kernel NULL pointer dereference' \
			"$FR_TMP/dmesg.all")" = "$1" ]
	check "kernel log: no other BUG:" [ "$(oops_count "$FR_TMP/dmesg.all")" = "$1" ]
	check "kernel log: no WARNING:" not grep -q 'WARNING:' "$FR_TMP/dmesg.all"
	check "kernel log: no general protection fault" \
		not grep -q 'general protection' "$FR_TMP/dmesg.all"
}

# oops_count LOG: how many oopses LOG reports, each once: x86-64 says "BUG:",
# arm64 "Internal error:" (after "Unable to handle ...").
oops_count() { grep -cE 'BUG:|Internal error:' "$1"; }

# waits_in_load PID: PID is asleep (S) inside a module load, behind another
# load: not merely started, nor still reading its file.
waits_in_load() {
	grep -q init_module "/proc/$1/stack" &&
		grep -q '^State:.*S' "/proc/$1/status"
}

# killed PID: stop background job PID (a child of this shell) with SIGTERM:
# it must have been running, end by that signal, and be gone.
killed() {
	kill "$1" || return 1
	k_status=0
	wait "$1" || k_status=$?
	[ "$k_status" = 143 ] || { echo "pid $1 ended with status $k_status, not by SIGTERM"; return 1; }
	[ ! -e "/proc/$1" ]
}

# The force-rmmod command, its report in $FR_TMP/fr.out and messages in
# $FR_TMP/fr.err.
# fr STATUS ARGS...: run it, show its output, want exit STATUS.  It is given
# --helper $helper_file (default $M/force_rmmod.ko), unless no_helper is
# set: then it looks the helper up itself.  With fr_user set, it runs as
# that user (su).
fr() {
	f_want=$1
	shift
	[ -n "${no_helper:-}" ] || set -- --helper "${helper_file:-$M/force_rmmod.ko}" "$@"
	if [ -n "${fr_user:-}" ]; then
		su -s /bin/sh "$fr_user" -c "force-rmmod $*" > "$FR_TMP/fr.out" 2> "$FR_TMP/fr.err"
	else
		force-rmmod "$@" > "$FR_TMP/fr.out" 2> "$FR_TMP/fr.err"
	fi
	f_got=$?
	cat "$FR_TMP/fr.out" "$FR_TMP/fr.err"
	[ "$f_got" = "$f_want" ] || { echo "exit status $f_got, expected $f_want"; return 1; }
}
out_has() { grep -qF -- "$1" "$FR_TMP/fr.out"; }
err_has() { grep -qF -- "$1" "$FR_TMP/fr.err"; }
