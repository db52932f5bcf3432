# shellcheck shell=sh
# The guest side of make demo (tests/vm/demo): a crashed init, rescued.
# shellcheck source=tests/vm/lib.sh
. /lib.sh

run() {
	echo "# $*"
	"$@" > /tmp/run.out 2>&1
	rc=$?
	sed 's/^/  /' /tmp/run.out
	[ $rc = 0 ] || echo "  (exit status $rc)"
}

echo "== 1. A module whose init dereferences NULL =="
run insmod "$M/fr_crash_init.ko"
echo 1 > /proc/sys/kernel/printk	# the oops turned the console verbose
dmesg | grep -m 3 -E 'BUG:|RIP:|Call Trace' | sed 's/^/  kernel: /'
run grep fr_crash_init /proc/modules
echo
echo "== 2. rmmod refuses it, forced or not =="
run rmmod fr_crash_init
run rmmod -f fr_crash_init
echo
echo "== 3. Rescue: load force_rmmod (from memory, with init_module(2)) =="
run load-module "$M/force_rmmod.ko" modname=fr_crash_init
dmesg | grep 'force_rmmod:' | sed 's/^/  kernel: /'
echo
echo "== 4. Now a plain rmmod works; then the helper goes too =="
run rmmod fr_crash_init
run rmmod force_rmmod
run cat /proc/modules
echo "  (empty: fr_crash_init and force_rmmod are gone)"
echo "  tainted: $(cat /proc/sys/kernel/tainted) (8 = R, forced module removal)"
