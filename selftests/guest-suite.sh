#!/bin/bash
# guest-suite.sh SUITE - runs INSIDE the test guest (selftests/check.sh
# boots one guest per suite). Prints TAP from every test program and ends
# with "COS-SUITE: N passed, N failed, N skipped".
#   main  100 load/unload cycles, then every test program, clean unload
#   la57  5-level paging: the ABI, null-call and fault tests
#   pti   page-table isolation on: the module must refuse to load
#   fred  the FRED refusal, through the module's test_fred=1 (QEMU 7.2
#         cannot emulate FRED; docs/kernels.md)
#   mce   machine checks injected by the host (selftests/mce-inject.sh on
#         QEMU's monitor; check.sh boots this guest with it)
set -uo pipefail
cd "$(dirname "$0")/.."
suite=${1:?usage: guest-suite.sh main|la57|pti|fred|mce}
pass=0 fail=0 skip=0
# The cos.ko built for the kernel this guest booted (6.1 or 6.12, ...).
KO=$(selftests/guest-ko.sh) || { echo "COS-SUITE: 0 passed, 1 failed, 0 skipped"; exit 1; }
echo "# kernel $(uname -r), module $KO"

result() {	# result PASS(0/1) NAME...
	local ok=$1; shift
	if [ "$ok" = 1 ]; then pass=$((pass + 1)); echo "ok - $*";
	else fail=$((fail + 1)); echo "not ok - $*"; fi
}

# Run one TAP program; count its lines. A crash or a bad exit code with no
# "not ok" line still counts as one failure.
run_tap() {	# run_tap PROG [ARGS...]
	local prog=$1 out rc p f s
	shift
	echo "# ---- $prog $*"
	if [ -x "selftests/$prog.sh" ]; then
		out=$(timeout "${TAP_TIMEOUT:-600}" "selftests/$prog.sh" "$@" 2>&1); rc=$?
	else
		out=$(timeout "${TAP_TIMEOUT:-600}" "build/selftests/$prog" "$@" 2>&1); rc=$?
	fi
	echo "$out"
	p=$(grep -cE '^ok [0-9]+ ' <<<"$out" || true)
	s=$(grep -cE '^ok [0-9]+ .*# SKIP' <<<"$out" || true)
	f=$(grep -cE '^not ok [0-9]+ ' <<<"$out" || true)
	pass=$((pass + p - s)); skip=$((skip + s)); fail=$((fail + f))
	if [ "$rc" != 0 ] && [ "$rc" != 4 ] && [ "$f" = 0 ]; then
		result 0 "$prog exited with status $rc"
	fi
}

# Every fast-path precondition the tests make fail (fastpath.h) was
# counted by the slow path, which agreed with the assembly on each (a
# disagreement is a kernel WARNING, which fails the guest run). The
# FSGSBASE checks cannot fail on this CPU.
fastpath_refusals_seen() {	# fastpath_refusals_seen CHECK...
	local f=/sys/kernel/debug/cos/stats c n ok=1
	for c in "$@"; do
		n=$(awk -v k="fastpath_refused_$c" '$1 == k { print $2 }' $f)
		echo "# fastpath_refused_$c ${n:-missing}"
		[ -n "$n" ] && [ "$n" -gt 0 ] || ok=0
	done
	echo $ok
}

stats_zero() {
	local f=/sys/kernel/debug/cos/stats
	[ -r $f ] && grep -q '^systems 0$' $f && grep -q '^threads 0$' $f &&
		grep -q '^pages 0$' $f
}

# insmod with PARAMS must fail with EOPNOTSUPP and exactly one
# "cos: refusing to load: WHY..." line, leaving nothing loaded.
refused() {	# refused PARAMS WHY WHEN
	local err rc n before lines
	before=$(dmesg | wc -l)
	err=$(insmod "$KO" $1 2>&1); rc=$?
	echo "# insmod: $err"
	result $([ $rc != 0 ] && grep -q 'Operation not supported' <<<"$err" && echo 1 || echo 0) \
		"insmod refused with EOPNOTSUPP $3"
	# the module's lines since (not Linux's taint and signature notes)
	lines=$(dmesg | tail -n +$((before + 1)) | grep 'cos: ' |
		grep -vE 'taints kernel|verification failed' || true)
	printf '%s\n' "$lines" | sed 's/^/# dmesg: /'
	n=$(grep -c 'cos: ' <<<"$lines" || true)
	result $([ "$n" = 1 ] && grep -q "cos: refusing to load: $2" <<<"$lines" && echo 1 || echo 0) \
		"one clear line in the kernel log ($2)"
	result $([ ! -e /dev/cos ] && ! grep -q '^cos ' /proc/modules && echo 1 || echo 0) "nothing left loaded"
}

load_unload_cycles() {
	local i ok=1
	for i in $(seq 1 100); do
		if ! insmod "$KO"; then ok=0; echo "# insmod failed at cycle $i"; break; fi
		[ -c /dev/cos ] || { ok=0; echo "# no /dev/cos at cycle $i"; }
		if ! rmmod cos; then ok=0; echo "# rmmod failed at cycle $i"; break; fi
	done
	result $ok "100 load/unload cycles"
}

case $suite in
main)
	load_unload_cycles
	insmod "$KO"; result $([ -c /dev/cos ] && echo 1 || echo 0) "insmod cos.ko creates /dev/cos"
	result $(modinfo -p "$KO" | grep -q '^max_pages:' && echo 1 || echo 0) "module parameters documented in modinfo"
	for t in cos_abi cos_null cos_faults cos_inv cos_iface cos_sys cos_install cos_mpd cos_mpd_stress cos_sched cos_io_abi cos_io cos_io_drain cos_host cos_fuzz cos_mm; do run_tap $t; done
	# TCP/IP as components: 64 MiB echoed on 6.1; on 6.12 the same tests
	# with 16 MiB, so that make check stays under 30 minutes
	case $(uname -r) in 6.1.*) net_mib=64 ;; *) net_mib=16 ;; esac
	TAP_TIMEOUT=1500 run_tap cos_net $net_mib
	run_tap cos_bench_lb		# bench=0: the machinery is out of reach
	result $(fastpath_refusals_seen INV_CALLER INV_CAP INV_DEPTH INV_FPU \
		RET_HOME RET_HANDLER RET_FPU LB_THREAD | tail -n 1) \
		"the slow path saw each fast-path precondition fail, and agreed with fastpath.S"
	rmmod cos && insmod "$KO" bench=1
	run_tap cos_bench_lb		# bench=1: only its own threads, no MPD
	result $(fastpath_refusals_seen LB_DEPTH | tail -n 1) \
		"... and a benchmark thread's op away from depth 0"
	result $(stats_zero && echo 1 || echo 0) "no system, thread or page left after all tests"
	result $(rmmod cos && echo 1 || echo 0) "clean unload after the tests"
	result $([ ! -e /dev/cos ] && echo 1 || echo 0) "/dev/cos gone after unload"
	;;
la57)
	result $(grep -qw la57 /proc/cpuinfo && echo 1 || echo 0) "guest runs with 5-level paging"
	insmod "$KO"
	result $(build/cos version | grep -q 'paging: 5 levels' && echo 1 || echo 0) "cos reports 5-level paging"
	for t in cos_abi cos_null cos_faults cos_inv cos_iface cos_sys cos_mpd cos_fuzz cos_mm; do run_tap $t; done
	run_tap cos_mpd_stress 20000	# 5-level slots: a shorter run
	result $(rmmod cos && echo 1 || echo 0) "clean unload (5-level)"
	;;
pti)
	result $(grep -qw pti /proc/cpuinfo && echo 1 || echo 0) "guest runs with page-table isolation"
	refused "" "page-table isolation" "under pti=on"
	;;
fred)
	# The guest has no FRED (QEMU 7.2 does not emulate it, and Debian's
	# 6.12 is built without CONFIG_X86_FRED): test_fred=1 takes the same
	# refusal path as a FRED-enabled kernel would.
	result $(! grep -qw fred /proc/cpuinfo && echo 1 || echo 0) "guest runs without FRED"
	refused test_fred=1 "FRED is active" "with test_fred=1"
	insmod "$KO"; result $([ -c /dev/cos ] && echo 1 || echo 0) "without test_fred it loads"
	result $(rmmod cos && echo 1 || echo 0) "and unloads"
	;;
mce)
	result $(grep -q GenuineIntel /proc/cpuinfo && echo 1 || echo 0) \
		"guest CPU says GenuineIntel (Linux's recovery path for memory errors)"
	insmod "$KO"
	run_tap cos_mce --inject
	result $(stats_zero && echo 1 || echo 0) "no system, thread or page left after the machine checks"
	result $(grep -q '^exit_mce [1-9]' /sys/kernel/debug/cos/stats && echo 1 || echo 0) \
		"debugfs counts the COS_EXIT_MCE exits"
	result $(rmmod cos && echo 1 || echo 0) "clean unload after the machine checks"
	;;
*)
	echo "unknown suite $suite" >&2; exit 2;;
esac
echo "COS-SUITE: $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
