#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# cos_io.sh - packets and blocks through Linux's drivers (docs/io.md), in
# the guest, TAP 13. Traffic stays inside the guest: a veth pair whose
# other end lives in a network namespace made here (cosio-peer):
#   cosv0  10.77.0.1/24  root namespace, the echo system attached to it
#   cosv1  10.77.0.2/24  cosio-peer, where cos_ethpeer and ping run
# The component system's MAC is 02:c0:5e:00:00:01. Storage uses the
# guest's /dev/vda (run-vm.sh --disk: the real virtio-blk driver); without
# it those tests are skipped. A failing device is device-mapper's "error"
# target (dmsetup).
set -u
cd "$(dirname "$0")/.."
. selftests/tap.sh
COS=build/cos
PEER=build/selftests/cos_ethpeer
PAT=build/selftests/cos_blkpat
NS=cosio-peer
MAC=02:c0:5e:00:00:01
DISK=${COS_IO_DISK:-/dev/vda}
T=$(mktemp -d)
io_stat() {	# io_stat FIELD: summed over the attachments in debugfs cos/io
	awk -v f="$1" '{ for (i = 1; i < NF; i++) if ($i == f) s += $(i + 1) } END { print s + 0 }' \
		/sys/kernel/debug/cos/io
}
cleanup() {
	[ -n "${pid:-}" ] && kill -INT "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	ip netns del $NS 2>/dev/null
	ip link del cosv0 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

echo "TAP version 13"
echo "1..16"
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
modprobe veth || echo "# modprobe veth failed"
modprobe virtio_blk 2>/dev/null; sleep 0.2
ip netns add $NS
ip link add cosv0 type veth peer name cosv1
ip link set cosv1 netns $NS
ip addr add 10.77.0.1/24 dev cosv0
ip link set cosv0 up
ip -n $NS addr add 10.77.0.2/24 dev cosv1
ip -n $NS link set cosv1 up
ip -n $NS link set lo up
ip netns exec $NS ping -c 1 -W 5 10.77.0.1 >/dev/null ||
	echo "# the veth pair does not pass Linux traffic before the test"

# ---- errors ------------------------------------------------------------------
out=$($COS run --net cosnope components/systems/echo.sys 2>&1)
grep -q "no such network interface" <<<"$out"
ok $? "attach to a missing interface: clear error ($out)"
out=$($COS run components/systems/echo.sys 2>&1)
grep -q -- "--net DEV" <<<"$out"
ok $? "no interface given: clear error ($out)"

# ---- echo behind one end of the veth pair --------------------------------------
$COS run --net cosv0 --mac $MAC components/systems/echo.sys >"$T/echo.out" 2>&1 &
pid=$!
wait_for "$T/echo.out" "echoing"
ok $? "echo system attached to cosv0 ($(head -2 "$T/echo.out" | tr '\n' ' '))"
ip netns exec $NS ping -c 100 -i 0.05 -q 10.77.0.1 >"$T/ping.out" 2>&1 &
ping=$!
timeout 120 ip netns exec $NS $PEER check cosv1 $MAC 100000 32 >"$T/check.out" 2>"$T/check.err"
rc=$?
ok $rc "100,000 frames of mixed sizes echoed: $(tail -1 "$T/check.out")"
[ $rc = 0 ] || diag "$T/check.out" "$T/check.err"
wait $ping
ok $? "Linux traffic on the same device meanwhile: $(grep -o '[0-9]* packets transmitted, [0-9]* received' "$T/ping.out")"

# Teardown while a flood runs: Linux's device keeps working, nothing leaks.
# Bounded: a hang shows as a failure with the stuck tasks' kernel stacks.
timeout 60 ip netns exec $NS $PEER flood cosv1 $MAC 50000 >"$T/flood2.out" 2>&1 &
flood=$!
sleep 0.5
kill -INT $pid
for i in $(seq 1 300); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
if kill -0 $pid 2>/dev/null; then
	echo "# cos run did not stop within 30 s of SIGINT; its stacks:"
	for t in /proc/$pid/task/*; do sed 's/^/#   /' "$t/stack" 2>/dev/null; done
	kill -9 $pid
fi
wait $pid
pid=
wait $flood
sleep 0.5
stats_zero
ok $? "stopped while a flood ran: no system, page or attachment left ($(tail -1 "$T/flood2.out"))"
ip netns exec $NS ping -c 5 -i 0.1 -q 10.77.0.1 >"$T/ping2.out" 2>&1
ok $? "Linux's device still works: $(grep -o '[0-9]* received' "$T/ping2.out")"

# A flood into an 8-slot ring: drops, counted, and no fault.
$COS run --net cosv0 --mac $MAC --ring 8 components/systems/echo.sys >"$T/echo8.out" 2>&1 &
pid=$!
wait_for "$T/echo8.out" "echoing"
timeout 60 ip netns exec $NS $PEER flood cosv1 $MAC 30000 >"$T/flood.out" 2>&1
rc=$?
drops=$(io_stat rx_drops)
diag /sys/kernel/debug/cos/io
[ $rc = 0 ] && [ "$drops" -gt 0 ] && kill -0 $pid 2>/dev/null
ok $? "a flood larger than the ring drops and counts: $(tail -1 "$T/flood.out"), rx_drops $drops"
ip netns exec $NS $PEER check cosv1 $MAC 2000 4 >"$T/after.out" 2>&1
ok $? "and the echo still answers: $(tail -1 "$T/after.out")"
kill -INT $pid
wait $pid
pid=
grep -q "fault" "$T/echo8.out" && diag "$T/echo8.out"

# ---- the module's own virtual device ---------------------------------------------
$COS run --vnet cosvd0 --mac $MAC components/systems/echo.sys >"$T/vecho.out" 2>&1 &
pid=$!
wait_for "$T/vecho.out" "echoing" && ip link set cosvd0 netns $NS &&
	ip -n $NS link set cosvd0 up &&
	ip netns exec $NS $PEER check cosvd0 $MAC 20000 32 >"$T/vcheck.out" 2>&1
rc=$?
ok $rc "echo over the module's own interface: $(tail -1 "$T/vcheck.out" 2>/dev/null)"
[ $rc = 0 ] || diag "$T/vecho.out"
kill -INT $pid
wait $pid
pid=
! ip -n $NS link show cosvd0 >/dev/null 2>&1 && stats_zero
ok $? "the virtual interface is gone with the system, nothing left"

# ---- vnic's batched calls, bad input from the caller ----------------------------
timeout 60 $COS run --net cosv0 components/systems/vnictest.sys >"$T/vnictest.out" 2>&1
rc=$?
grep -q 'FAIL' "$T/vnictest.out" && diag "$T/vnictest.out"
[ $rc = 0 ] && grep -q '^vnictest: 20 passed, 0 failed$' "$T/vnictest.out"
ok $? "vnic's batched calls refuse bad input with exact errnos: $(grep '^vnictest: [0-9]* passed' "$T/vnictest.out")"

# ---- storage ------------------------------------------------------------------
if [ ! -b "$DISK" ]; then
	skip "no $DISK: storage tests need run-vm.sh --disk"
	skip "no $DISK"
	skip "no $DISK"
else
	$PAT write "$DISK" 64 64 0x11 >/dev/null &&
		$COS run --disk "$DISK" components/systems/blk.sys >"$T/blk.out" 2>&1
	rc=$?
	diag "$T/blk.out"
	[ $rc = 0 ] && [ "$(grep -c '^blktest: T .* ok ' "$T/blk.out")" = 4 ]
	ok $? "block component: writes and flushes, reads Linux's pattern and its own writes, -ENXIO past the end"
	$PAT check "$DISK" 0 64 0xc05 >"$T/pat.out" 2>&1
	ok $? "Linux reads back what the component wrote: $(tail -1 "$T/pat.out")"
	sed 's/test_main/detach_main/' components/systems/blk.sys >"$T/detach.sys"
	sed -i "s|build/components|$PWD/build/components|" "$T/detach.sys"
	$COS run --disk "$DISK" --detach-after 500 "$T/detach.sys" >"$T/detach.out" 2>&1
	rc=$?
	diag "$T/detach.out"
	[ $rc = 0 ] && grep -q 'T detach ok' "$T/detach.out" && stats_zero
	ok $? "a detached device: the component's reads get -ENODEV, nothing left"
fi
# A device that fails every I/O: device-mapper's "error" target, 1 MiB.
if modprobe dm-mod 2>/dev/null && command -v dmsetup >/dev/null &&
	DM_DISABLE_UDEV=1 dmsetup create coserr --table "0 2048 error" 2>"$T/dm.err" &&
	[ -b /dev/mapper/coserr ]; then
	sed 's/test_main/fail_main/' components/systems/blk.sys >"$T/fail.sys"
	sed -i "s|build/components|$PWD/build/components|" "$T/fail.sys"
	$COS run --disk /dev/mapper/coserr "$T/fail.sys" >"$T/fail.out" 2>&1
	rc=$?
	diag "$T/fail.out"
	[ $rc = 0 ] && grep -q 'T fail ok' "$T/fail.out" && stats_zero
	ok $? "a failing device: reads and flushes get -EIO, nothing left"
	DM_DISABLE_UDEV=1 dmsetup remove coserr
else
	skip "no device-mapper error target here ($(cat "$T/dm.err" 2>/dev/null))"
fi
echo "# $n tests: $failed failed"
[ $failed = 0 ]
