# shellcheck shell=sh
# make bench: the guest side (tests/vm/boot KVER tests/cli/bench.sh).  Not a
# test: prints a table, "BENCH "-prefixed lines on the console, which the
# Makefile picks out of the console log.  Times come from the kernel log's
# microsecond timestamps: a mark is one write to /dev/kmsg.
# shellcheck source=tests/vm/lib.sh disable=SC1091
. /lib.sh

mkdir -p /run
reps=11
# force-rmmod finds the helper as installed: in the modules index.
kdir=/lib/modules/$(uname -r)
mkdir -p "$kdir/updates/dkms"
cp "$M/force_rmmod.ko" "$kdir/updates/dkms/"
echo "updates/dkms/force_rmmod.ko:" > "$kdir/modules.dep"
fr=force-rmmod

# Ten stuck modules with different names: fr_leak_ref renamed in place
# (same length, so the ELF layout is unchanged); and fr_no_exit as
# fr_no_ex_0, whose references are all explained (no check load needed).
mods=
for i in 0 1 2 3 4 5 6 7 8 9; do
	sed "s/fr_leak_ref/fr_leak_r0$i/g" "$M/fr_leak_ref.ko" > "/tmp/fr_leak_r0$i.ko"
	mods="$mods fr_leak_r0$i"
done
sed "s/fr_no_exit/fr_no_ex_0/g" "$M/fr_no_exit.ko" > /tmp/fr_no_ex_0.ko
load_all() { for m in $mods; do insmod "/tmp/$m.ko"; done; }
mark() { echo "frb $1" > /dev/kmsg; }
# bench LABEL SETUP COMMAND: time COMMAND $reps times, SETUP before each.
bench() {
	for r in $(seq $reps); do
		eval "$2"
		mark "S $1 $r"
		eval "$3"
		mark "E $1 $r"
		dmesg -c >> /tmp/bench.log
	done
}
dmesg -c > /dev/null

bench floor "insmod /tmp/fr_leak_r00.ko" \
	"insmod $M/force_rmmod.ko modname=fr_leak_r00; rmmod fr_leak_r00; rmmod force_rmmod"
bench single "insmod /tmp/fr_leak_r00.ko" "$fr fr_leak_r00 > /dev/null"
bench ten-at-once load_all "$fr $mods > /dev/null"
# shellcheck disable=SC2016 # expanded by eval in bench()
bench ten-separate load_all 'for m in $mods; do $fr "$m" > /dev/null; done'
bench floor-noexit "insmod /tmp/fr_no_ex_0.ko" \
	"insmod $M/force_rmmod.ko modname=fr_no_ex_0; rmmod fr_no_ex_0; rmmod force_rmmod"
bench single-noexit "insmod /tmp/fr_no_ex_0.ko" "$fr fr_no_ex_0 > /dev/null"
# Leftovers to undo: fr_left registers a filesystem, a misc device, /proc
# entries, a timer and a delayed work, and leaks a reference; with its exit
# replaced they are undone.
bench left "insmod $M/fr_left.ko leak=1" "$fr --exit=stub fr_left > /dev/null"
left=$(grep -cE '^fr_(leak_r0|no_ex_0|left) ' /proc/modules)

# Durations in microseconds, one "LABEL US" line per repetition.
sed -n 's/^\[ *\([0-9]*\)\.\([0-9]*\)\] frb \([SE]\) \([a-z-]*\) \([0-9]*\)$/\1\2 \3 \4 \5/p' \
	/tmp/bench.log |
	awk '$2 == "S" { s[$3 " " $4] = $1 } $2 == "E" { print $3, $1 - s[$3 " " $4] }' \
	> /tmp/bench.us
median() { awk -v l="$1" '$1 == l { print $2 }' /tmp/bench.us | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
n() { awk -v l="$1" '$1 == l' /tmp/bench.us | wc -l; }
floor=$(median floor)
single=$(median single)
ten=$(median ten-at-once)
sep=$(median ten-separate)
floor_ne=$(median floor-noexit)
single_ne=$(median single-noexit)
with_left=$(median left)
# The helper's own measure of its leftover search ("leftover scan: ... T us"),
# per case, from the log lines between each case's marks.
awk '/ frb S / { l = $(NF - 1) } / frb E / { l = "" }
	/force_rmmod: leftover scan: / && l != "" { print l, $(NF - 1) }' \
	/tmp/bench.log > /tmp/bench.scan
scan() { awk -v l="$1" '$1 == l { print $2 }' /tmp/bench.scan | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] + 0 }'; }
scan_ne=$(scan single-noexit)
scan_left=$(scan left)
# The reference scan's own measure ("reference scan: N MB in M ms: ..."), per
# case: "LABEL MB MS".
awk '/ frb S / { l = $(NF - 1) } / frb E / { l = "" }
	/: reference scan: / && l != "" {
		for (i = 1; i < NF; i++) if ($i == "scan:") print l, $(i + 1), $(i + 4) }' \
	/tmp/bench.log > /tmp/bench.refscan
refscan() { awk -v l="$1" -v f="$2" '$1 == l { print $f }' /tmp/bench.refscan | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] + 0 }'; }
refscan_mb=$(refscan single-noexit 2)
refscan_ms=$(refscan single-noexit 3)
found_left=$(grep -c 'force_rmmod: fr_left: leftover: ' /tmp/bench.log)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

insmod "$M/fr_healthy.ko"
load-module "$M/force_rmmod.ko" modname=fr_healthy	# healthy: it stays, changes nothing
helper_core=$(cat /sys/module/force_rmmod/coresize)
empty_core=$(cat /sys/module/fr_healthy/coresize)
rmmod force_rmmod
rmmod fr_healthy

{
	echo "kernel $(uname -r), QEMU TCG, median of $reps runs each (n = $(n floor) $(n single) $(n ten-at-once) $(n ten-separate) $(n floor-noexit) $(n single-noexit) $(n left)); modules left behind: $left"
	echo "| case | median | ratio | target |"
	echo "|---|---|---|---|"
	echo "| floor: insmod force_rmmod.ko modname=X; rmmod X; rmmod force_rmmod (X leaked 2 references) | $((floor / 1000)) ms | 1.00 x floor | |"
	echo "| force-rmmod X (one load: the rescue load checks for users) | $((single / 1000)) ms | $(ratio "$single" "$floor") x floor | <= 1.2 |"
	echo "| floor, X without an exit function | $((floor_ne / 1000)) ms | 1.00 x floor | |"
	echo "| force-rmmod X without an exit | $((single_ne / 1000)) ms | $(ratio "$single_ne" "$floor_ne") x floor | <= 1.2 |"
	echo "| its leftover scan (the helper's log), nothing found | $scan_ne us | $(ratio "$scan_ne" "$single_ne") x rescue | |"
	echo "| its reference scan: $refscan_mb MB read | $refscan_ms ms | $(ratio "$((refscan_ms * 1000))" "$single_ne") x rescue | $(awk -v mb="$refscan_mb" -v ms="$refscan_ms" 'BEGIN { if (ms > 0) printf "%.2f GB/s", mb / 1024 / (ms / 1000) }') |"
	echo "| force-rmmod --exit=stub X with 8 leftovers, all undone | $((with_left / 1000)) ms | $(ratio "$with_left" "$single_ne") x without an exit | |"
	echo "| its leftover scan ($((found_left / reps)) found per run) | $scan_left us | $(ratio "$scan_left" "$with_left") x rescue | |"
	echo "| force-rmmod on 10 stuck modules at once | $((ten / 1000)) ms | $(ratio "$ten" "$single") x single | <= 3 |"
	echo "| 10 separate force-rmmod runs | $((sep / 1000)) ms | $(ratio "$sep" "$single") x single | |"
	echo "| coresize: force_rmmod vs fr_healthy (near-empty) | $helper_core vs $empty_core bytes | +$((helper_core - empty_core)) bytes | <= +4096 |"
} | sed 's/^/BENCH /'
