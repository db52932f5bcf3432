# shellcheck shell=sh
# Helpers for the guest test scripts (busybox sh).  Each check records
# "FR-RESULT pass|fail DESCRIPTION" in /tmp/results, which /init prints in one
# block at the end for tests/vm/boot (an oops makes the kernel log verbose on
# the console, which could break lines printed meanwhile), and on the console
# at once, to show progress.

M=/fr	# force_rmmod.ko and the fixtures

check() {
	c_desc=$1
	shift
	if "$@" > /tmp/check.out 2>&1; then
		echo "FR-RESULT pass $c_desc" | tee -a /tmp/results
	else
		echo "FR-RESULT fail $c_desc" | tee -a /tmp/results
		sed 's/^/    | /' /tmp/check.out
	fi
}

not() { ! "$@"; }
is_loaded() { grep -q "^$1 " /proc/modules; }
gone() { ! is_loaded "$1" && [ ! -e "/sys/module/$1" ]; }
state() { awk -v m="$1" '$1 == m { print $5 }' /proc/modules; }
refcnt() { awk -v m="$1" '$1 == m { print $3 }' /proc/modules; }
state_is() { [ "$(state "$1")" = "$2" ]; }
refcnt_is() { [ "$(refcnt "$1")" = "$2" ]; }	# for wait_for: read each time
r_taint() { [ $(($(cat /proc/sys/kernel/tainted) & 8)) -ne 0 ]; }

# The helper, loaded from memory with init_module(2), never finit_module(2).
helper() { load-module "$M/force_rmmod.ko" "$@"; }

# Start a fresh stretch of kernel log; everything is kept in /tmp/dmesg.all.
newlog() { dmesg -c >> /tmp/dmesg.all; }
log_has() { dmesg | grep -qF -- "$1"; }
helper_said() { log_has "force_rmmod: $1"; }

wait_for() {
	n=0
	until "$@"; do
		n=$((n + 1))
		[ $n -lt 100 ] || return 1
		sleep 0.2
	done
}

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
