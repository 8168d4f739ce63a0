#!/bin/bash
# check.sh - `make check`: boot one guest per suite (selftests/guest-suite.sh)
# on Debian's 6.1 and 6.12 kernels (docs/kernels.md) and total the
# results. Each guest run is itself a test: its kernel log must be clean
# and it must reach its success token (selftests/vm/run-vm.sh).
# Last line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
pass=0 fail=0 skip=0
summary=()

guest() {	# guest SUITE SERIES [run-vm options...]
	local suite=$1 series=$2; shift 2
	local name="$suite-$series"
	local log="build/vm/logs/check-$name.log" rc line p f s
	echo "==> guest suite '$suite' on $series generic ($*)"
	selftests/vm/run-vm.sh --kernel "$series" --flavour amd64 --log "$log" "$@" \
		-- selftests/guest-suite.sh "$suite"
	rc=$?
	line=$(grep -a '^COS-SUITE: ' "$log" | tail -n 1)
	if [ -n "$line" ]; then
		read -r p f s <<<"$(sed -E 's/COS-SUITE: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped.*/\1 \2 \3/' <<<"$line")"
		pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + s))
	else
		fail=$((fail + 1))
		p=0 f=1 s=0
	fi
	if [ "$rc" = 0 ]; then pass=$((pass + 1));
	else fail=$((fail + 1)); fi
	summary+=("$(printf '%-10s %3s passed %3s failed %3s skipped, guest run %s (log %s)' \
		"$name" "$p" "$f" "$s" "$([ "$rc" = 0 ] && echo clean || echo "FAILED rc=$rc")" "$log")")
}

# A TAP program on the host: its ok lines pass, its not ok lines fail (and
# a bad exit without one is a failure too); skips are counted apart.
host_tap() {	# host_tap PROG [ARGS...]
	local t=$1 out rc up uf us
	echo "==> host test $t"
	out=$("$@" 2>&1); rc=$?
	echo "$out" | grep -E '^(not ok|# |ok .*# SKIP)' || true
	up=$(grep -cE '^ok [0-9]+ ' <<<"$out" || true)
	us=$(grep -cE '^ok [0-9]+ .*# SKIP' <<<"$out" || true)
	uf=$(grep -cE '^not ok [0-9]+ ' <<<"$out" || true)
	[ "$rc" != 0 ] && [ "$uf" = 0 ] && uf=1
	pass=$((pass + up - us)); fail=$((fail + uf)); skip=$((skip + us))
	summary+=("$(printf '%-10s %3s passed %3s failed %3s skipped' "$(basename "$t" .sh)" "$((up - us))" "$uf" "$us")")
}

# Host-side tests (no guest needed): the unit tests; a no-change rebuild
# does nothing; make install into a staging tree, uninstall, dkms build;
# the module for each of Debian's six kernels, the apt guard.
# install-test.sh leaves build/install-test/ for the main guest's
# cos_install.sh; kernels-test.sh leaves build/kmod/<ver>/cos.ko for the
# 6.12 guests. (All before any guest: nothing is rebuilt under one.)
for t in build/unit/*_test; do host_tap "$t"; done
host_tap selftests/rebuild-test.sh
host_tap selftests/install-test.sh
host_tap selftests/kernels-test.sh

# The harness must catch what it claims to (panics, warnings, taint, ...):
# its own checks on fabricated logs and on real guest boots come first.
echo "==> the guest harness itself (selftests/vm/test-harness.sh)"
hlog=build/vm/logs/check-harness.log
mkdir -p build/vm/logs
selftests/vm/test-harness.sh >"$hlog" 2>&1
hrc=$?
grep -E '^(not )?ok ' "$hlog" | tail -n 3
hline=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$hlog" | tail -n 1)
if [ -n "$hline" ]; then
	read -r hp hf <<<"$(sed -E 's/([0-9]+) passed, ([0-9]+) failed.*/\1 \2/' <<<"$hline")"
else
	hp=0 hf=1
fi
[ "$hrc" != 0 ] && [ "$hf" = 0 ] && hf=1
pass=$((pass + hp)); fail=$((fail + hf))
summary+=("$(printf '%-10s %3s passed %3s failed (log %s)' harness "$hp" "$hf" "$hlog")")

# A fresh 128 MiB raw disk for the storage tests: the guest's /dev/vda.
disk=build/vm/io-disk.img
rm -f "$disk" && truncate -s 128M "$disk"
guest main 6.1 --cpus 2 --disk "$disk"
guest la57 6.1 --cpus 2 --la57 on
guest pti 6.1 --cpus 1 --pti
guest pti 6.12 --cpus 1 --pti
guest fred 6.12 --cpus 1

# Machine checks: QEMU's monitor on a socket, and on the host the driver
# that injects them when the guest asks (selftests/mce-inject.sh). A CPU
# that says Intel (Linux panics on AMD without SUCCOR, as TCG's "max" is),
# and the machine-check taint (M) is expected.
mce_sock=build/vm/mce-$$.sock
rm -f build/vm/logs/check-mce-6.1.log
selftests/mce-inject.sh build/vm/logs/check-mce-6.1.log "$mce_sock" \
	>build/vm/logs/check-mce-inject.log 2>&1 &
mce_pid=$!
guest mce 6.1 --cpus 2 --mem 512 --monitor "$mce_sock" \
	--cpu-opts vendor=GenuineIntel --append pti=off --allow-taint M
kill "$mce_pid" 2>/dev/null
wait "$mce_pid" 2>/dev/null

# The main suite again on 6.12 (build/kmod/<ver>/cos.ko, selftests/guest-ko.sh).
rm -f "$disk" && truncate -s 128M "$disk"
guest main 6.12 --cpus 2 --disk "$disk"

echo
echo "==> summary"
printf '%s\n' "${summary[@]}"
[ "$skip" -gt 0 ] && echo "($skip skipped: see the logs for the reasons)"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
