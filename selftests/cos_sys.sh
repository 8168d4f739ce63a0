#!/bin/bash
# cos_sys.sh - `cos run` on system descriptions: the calc example runs, and
# each kind of mistake in a description is refused with a clear message
# naming the file and line. TAP 13; runs in the guest with cos.ko loaded.
set -uo pipefail
cd "$(dirname "$0")/.."
n=0 failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { n=$((n + 1)); echo "ok $n $*"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $*"; }

# expect NAME WANT_RC WANT_TEXT DESCRIPTION-LINES...
expect() {
	local name=$1 want_rc=$2 want=$3 rc out
	shift 3
	printf '%s\n' "$@" >"$tmp/$name.sys"
	out=$(build/cos run "$tmp/$name.sys" 2>&1); rc=$?
	if [ "$rc" = "$want_rc" ] && grep -qF -- "$want" <<<"$out"; then
		ok "$name: exit $rc, \"$want\""
	else
		nok "$name: exit $rc (want $want_rc), output:"
		sed 's/^/#   /' <<<"$out"
	fi
}

echo "TAP version 13"
echo "1..19"
out=$(build/cos run components/systems/calc.sys 2>&1); rc=$?
echo "$out" | sed 's/^/# /'
if [ $rc = 0 ] && grep -q '^calcuser: calc says I am component 0; 40 + 2 = 42' <<<"$out" &&
   grep -q 'fault in calc (depth 1): #DE' <<<"$out"; then
	ok "calc.sys runs: answers right, the server's fault reported and unwound"
else
	nok "calc.sys (exit $rc)"
fi
out=$(build/cos run components/systems/args.sys 2>&1); rc=$?
echo "$out" | sed 's/^/# /'
if [ $rc = 0 ] && grep -q '^strcli: the server wrote back: "HELLO, argument region"' <<<"$out"; then
	ok "args.sys: bulk data both ways through the argument region, bounds checked"
else
	nok "args.sys (exit $rc)"
fi
out=$(build/cos run components/systems/faults.sys 2>&1); rc=$?
echo "$out" | sed 's/^/# /'
if [ $rc = 0 ] && grep -q '^fltcli: every fault came back as the handler said' <<<"$out" &&
   [ "$(grep -c 'fault in fltsrv (depth 1)' <<<"$out")" = 125 ]; then
	ok "faults.sys: the server's fault handler answers for its faults; a fault in the handler is unwound"
else
	nok "faults.sys (exit $rc)"
fi
# calcuser makes exactly 8 calls to calc (one of them faults in calc).
out=$(build/cos run --stats components/systems/calc.sys 2>/dev/null); rc=$?
echo "$out" | tail -n 2 | sed 's/^/# /'
if [ $rc = 0 ] && grep -qE '^calcuser +calc +8 +0$' <<<"$out"; then
	ok "cos run --stats: the calcuser -> calc edge carried exactly 8 invocations, none inside one PD"
else
	nok "cos run --stats (exit $rc)"
fi
C="component calcuser build/components/calcuser.elf"
S="component calc build/components/calc.elf"
expect unknown 65 "unknown.sys:1: unknown statement 'frobnicate'" "frobnicate x"
expect duplicate 65 "duplicate.sys:3: duplicate component calc" "$C" "$S" "$S" "thread calcuser"
expect badelf 65 "badelf.sys:1: /etc/hostname: not an ELF file" "component x /etc/hostname" "thread x"
expect noimport 65 "calcuser calls calc_add, but no 'import calcuser SERVER INTERFACE' provides it" "$C" "$S" "thread calcuser"
expect noexport 65 "noexport.sys:3: hello does not export interface calc" "$C" "component hello build/components/hello.elf" "import calcuser hello calc" "thread calcuser"
expect nothread 65 "nothread.sys: no thread" "$C"
expect unknowncomp 65 "unknowncomp.sys:2: unknown component nosuch" "$C" "thread nosuch"
expect nofile 65 "nofile.sys:1: cannot read no/such.elf" "component x no/such.elf" "thread x"
expect badslot 65 "badslot.sys:1: bad slot '999'" "component x build/components/hello.elf slot 999"
expect stack 0 "hello: goodbye" "component hello build/components/hello.elf stack 16 slot 7" "thread hello"
expect entryfn 3 "hello: a thread started at hello_again" "component hello build/components/hello.elf" "thread hello hello_again"
# Merged, calc's functions are called directly: its divide fault has no
# PD boundary to stop at and ends the thread, reported as calc's.
expect merged 70 "fault in calc (depth 0): #DE" "$C" "$S" "import calcuser calc calc" "merge calcuser calc" "thread calcuser"
printf '%s\n' "component strcli build/components/strcli.elf" \
	"component strsrv build/components/strsrv.elf" "import strcli strsrv str" \
	"merge strcli strsrv" "thread strcli" >"$tmp/argsmerged.sys"
out=$(build/cos run --stats "$tmp/argsmerged.sys" 2>&1); rc=$?
echo "$out" | tail -n 2 | sed 's/^/# /'
if [ $rc = 0 ] && grep -q '^strcli: the server wrote back: "HELLO, argument region"' <<<"$out" &&
   grep -qE '^strcli +strsrv +([1-9][0-9]*) +\1$' <<<"$out"; then
	ok "args merged: direct calls find the thread's argument region; every call counted as intra-PD"
else
	nok "args merged (exit $rc)"
fi
expect sepmerge 1 "sepmerge.sys:5: merge calcuser calc: they must stay separate" "$C" "$S" "import calcuser calc calc" "separate calcuser calc" "merge calcuser calc" "thread calcuser"
expect nofn 65 "nofn.sys:2: hello has no function nosuch" "component hello build/components/hello.elf" "thread hello nosuch"
echo "# $n tests: $failed failed"
[ "$failed" = 0 ]
