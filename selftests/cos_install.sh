#!/bin/bash
# cos_install.sh - the installed cos in the guest: build/install-test/,
# which selftests/install-test.sh (check.sh, on the host) installs with
# PREFIX=/opt/cos, run from / so that nothing resolves from the checkout:
# an installed system gives what the build tree's gives, and the
# benchmarks that find their components, systems and helper script
# through the binary (cli.h's layout) run. TAP 13; cos.ko loaded.
set -uo pipefail
cd "$(dirname "$0")/.."
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $*"; }
show() { sed 's/^/#   /' | tail -n 15; }
inst=$PWD/build/install-test/opt/cos
cos=$inst/bin/cos

echo "TAP version 13"
echo "1..3"
if [ ! -x "$cos" ]; then
	for i in 1 2 3; do
		echo "ok $i # SKIP no installed tree at $inst (selftests/install-test.sh makes it)"
	done
	exit 0
fi
want=$(build/cos run components/systems/calc.sys 2>/dev/null); want_rc=$?
got=$(cd / && "$cos" run "$inst/share/cos/systems/calc.sys" 2>"/tmp/cos_install.err"); rc=$?
if [ "$rc" = "$want_rc" ] && [ "$got" = "$want" ] && [ -n "$got" ] &&
   grep -q 'fault in calc (depth 1): #DE' /tmp/cos_install.err; then
	ok "installed cos runs installed calc.sys as build/cos runs the tree's (exit $rc)"
else
	nok "installed calc.sys: exit $rc (build tree $want_rc), output:"
	{ echo "$got"; cat /tmp/cos_install.err; } | show
fi
out=$(cd / && "$cos" bench mpd --iters 2 2>&1); rc=$?
if [ "$rc" = 0 ] && grep -qE '^bench: intra_pd_call=[0-9.]+ ns' <<<"$out"; then
	ok "installed cos bench mpd finds mpdbench.elf in PREFIX/lib/cos/components"
else
	nok "installed cos bench mpd: exit $rc:"; show <<<"$out"
fi
# the echo half only (no such disk): script, cos_ethpeer, echo.sys, vnic
out=$(cd / && COS_BENCH_IO_ROUNDS=1 "$cos" bench io 1 /dev/cos-no-disk 2>&1); rc=$?
if [ "$rc" = 0 ] && grep -qE '^bench: io_echo_cos_pps=[1-9][0-9]*$' <<<"$out"; then
	ok "installed cos bench io runs PREFIX/libexec/cos/cos-bench-io.sh: frames echoed"
else
	nok "installed cos bench io: exit $rc:"; show <<<"$out"
fi
rm -f /tmp/cos_install.err
[ "$failed" = 0 ]
