#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# cos-bench-io.sh - `cos bench io` (run it as that): packets and blocks
# through the component system against Linux doing the same, side by side
# in one run. Needs root, iproute2 and cos.ko loaded. Installed with cos in
# its libexec directory (build/libexec/cos/, PREFIX/libexec/cos/) beside
# cos_ethpeer; cos tells it which cos and whose components and systems:
# COS, COS_COMPONENTS, COS_SYSTEMS (userlib/cli/bench_io.c).
#   echo: frames/s echoed by echo.sys behind a veth end (echo and vnic in
#         PDs of their own, then merged into one) against `cos_ethpeer
#         echo` (AF_PACKET) on the same end, all driven by `cos_ethpeer
#         bench` from a network namespace (cosbench-peer: cosb1; the root
#         namespace has cosb0).
#   disk: MiB/s reading and writing 64 MiB in 4 KiB blocks through the blk
#         component (blktest's bench_main; blk and blktest in PDs of their
#         own, then merged) against dd with direct I/O and
#         64 KiB requests (what the component sends) on the same device.
# Each figure is the best of COS_BENCH_IO_ROUNDS (3) rounds, the three
# contenders taking turns: TCG timing varies a lot from second to second.
# Usage: cos bench io [SECONDS] [DISK]   (defaults 5, /dev/vda if present)
set -uo pipefail
for v in COS COS_COMPONENTS COS_SYSTEMS; do
	[ -n "${!v:-}" ] || { echo "cos-bench-io.sh: no \$$v: run it as 'cos bench io'" >&2; exit 64; }
done
SECS=${1:-5}
DISK=${2:-/dev/vda}
ROUNDS=${COS_BENCH_IO_ROUNDS:-3}
NS=cosbench-peer
MAC=02:c0:5e:00:00:02
PEER=$(dirname "$0")/cos_ethpeer
T=$(mktemp -d)
cleanup() {
	[ -n "${pid:-}" ] && kill -INT "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	ip netns del $NS 2>/dev/null
	ip link del cosb0 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
pps() { sed -n 's/.* \([0-9]*\) frames\/s.*/\1/p' "$1" | tail -1; }

modprobe veth 2>/dev/null
modprobe virtio_blk 2>/dev/null
ip netns add $NS && ip link add cosb0 type veth peer name cosb1 &&
	ip link set cosb1 netns $NS && ip link set cosb0 up &&
	ip -n $NS link set cosb1 up || { echo "cos bench io: cannot set up the veth pair" >&2; exit 1; }

# One echo measurement: the frames/s cos_ethpeer bench reached, into $2.
echo_cos() {	# echo_cos SYSTEM OUTFILE
	"$COS" run --net cosb0 --mac $MAC "$1" >"$T/echo.out" 2>&1 &
	pid=$!
	for i in $(seq 1 100); do grep -q echoing "$T/echo.out" && break; sleep 0.1; done
	ip netns exec $NS $PEER bench cosb1 $MAC "$SECS" 32 >"$2" 2>&1
	kill -INT $pid; wait $pid; pid=
}
echo_linux() {	# echo_linux OUTFILE
	$PEER echo cosb0 >"$T/lecho.out" 2>&1 &
	pid=$!
	sleep 0.5
	ip netns exec $NS $PEER bench cosb1 "$(cat /sys/class/net/cosb0/address)" "$SECS" 32 >"$1" 2>&1
	kill -INT $pid; wait $pid; pid=
}
best() { sort -n | tail -1; }	# the best of the rounds: TCG timing is noisy

echo "==> echo: component system vs Linux AF_PACKET, best of $ROUNDS rounds of ${SECS} s (window 32, 60-1514 byte frames)"
sed "s|build/components|$COS_COMPONENTS|" "$COS_SYSTEMS/echo.sys" >"$T/isolated.sys"
# the same with echo and vnic merged into one protection domain (MPD)
sed "\$a merge vnic echo" "$T/isolated.sys" >"$T/merged.sys"
for r in $(seq 1 "$ROUNDS"); do
	echo_cos "$T/isolated.sys" "$T/cos.$r"
	echo_cos "$T/merged.sys" "$T/cosm.$r"
	echo_linux "$T/linux.$r"
	echo "round $r: isolated $(pps "$T/cos.$r"), merged $(pps "$T/cosm.$r"), Linux $(pps "$T/linux.$r") frames/s"
done
cos=$(for r in $(seq 1 "$ROUNDS"); do pps "$T/cos.$r"; done | best)
cosm=$(for r in $(seq 1 "$ROUNDS"); do pps "$T/cosm.$r"; done | best)
linux=$(for r in $(seq 1 "$ROUNDS"); do pps "$T/linux.$r"; done | best)
echo "bench: io_echo_cos_pps=${cos:-0}"
echo "bench: io_echo_cos_merged_pps=${cosm:-0}"
echo "bench: io_echo_linux_pps=${linux:-0}"
echo "bench: io_echo_ratio=$(ratio "${cos:-0}" "${linux:-0}")"
echo "bench: io_echo_merged_ratio=$(ratio "${cosm:-0}" "${linux:-0}")"

if [ ! -b "$DISK" ]; then
	echo "cos bench io: no block device $DISK: no disk figures (run-vm.sh --disk)"
	exit 0
fi
echo "==> disk $DISK: component (4 KiB blocks, 64 KiB requests) vs dd (64 KiB, direct), 64 MiB"
mibps() {	# mibps DD_OUTPUT: MiB/s from dd's byte count and seconds
	awk '/copied/ { for (i = 1; i <= NF; i++) if ($i == "s,") s = $(i - 1); print $1 / s / 1048576 }' "$1" |
		awk '{ printf "%.2f", $1 }'
}
sed -e 's/test_main/bench_main/' -e "s|build/components|$COS_COMPONENTS|" \
	"$COS_SYSTEMS/blk.sys" >"$T/bench.sys"
sed "\$a merge blk blktest" "$T/bench.sys" >"$T/benchm.sys"
for r in $(seq 1 "$ROUNDS"); do
	dd if="$DISK" of=/dev/null bs=64k count=1024 iflag=direct 2>"$T/ddr.out"
	dd if=/dev/zero of="$DISK" bs=64k count=1024 oflag=direct conv=fsync 2>"$T/ddw.out"
	"$COS" run --disk "$DISK" "$T/bench.sys" >"$T/blk.out" 2>&1
	echo "$(sed -n 's/.*io_cos_read_MiBps=//p' "$T/blk.out")" >>"$T/cr"
	echo "$(sed -n 's/.*io_cos_write_MiBps=//p' "$T/blk.out")" >>"$T/cw"
	"$COS" run --disk "$DISK" "$T/benchm.sys" >"$T/blkm.out" 2>&1
	echo "$(sed -n 's/.*io_cos_read_MiBps=//p' "$T/blkm.out")" >>"$T/cmr"
	echo "$(sed -n 's/.*io_cos_write_MiBps=//p' "$T/blkm.out")" >>"$T/cmw"
	mibps "$T/ddr.out" >>"$T/lr"; echo >>"$T/lr"
	mibps "$T/ddw.out" >>"$T/lw"; echo >>"$T/lw"
	echo "round $r: read $(tail -1 "$T/cr") (merged $(tail -1 "$T/cmr")) vs dd $(tail -1 "$T/lr"), write $(tail -1 "$T/cw") (merged $(tail -1 "$T/cmw")) vs dd $(tail -1 "$T/lw") MiB/s"
done
cr=$(best <"$T/cr"); cw=$(best <"$T/cw"); lr=$(best <"$T/lr"); lw=$(best <"$T/lw")
cmr=$(best <"$T/cmr"); cmw=$(best <"$T/cmw")
echo "bench: io_blk_read_cos_MiBps=${cr:-0}"
echo "bench: io_blk_read_dd_MiBps=${lr:-0}"
echo "bench: io_blk_read_ratio=$(ratio "${cr:-0}" "${lr:-0}")"
echo "bench: io_blk_read_cos_merged_MiBps=${cmr:-0}"
echo "bench: io_blk_read_merged_ratio=$(ratio "${cmr:-0}" "${lr:-0}")"
echo "bench: io_blk_write_cos_MiBps=${cw:-0}"
echo "bench: io_blk_write_dd_MiBps=${lw:-0}"
echo "bench: io_blk_write_ratio=$(ratio "${cw:-0}" "${lw:-0}")"
echo "bench: io_blk_write_cos_merged_MiBps=${cmw:-0}"
echo "bench: io_blk_write_merged_ratio=$(ratio "${cmw:-0}" "${lw:-0}")"
