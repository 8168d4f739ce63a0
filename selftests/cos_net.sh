#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# cos_net.sh - TCP/IP as components (docs/net.md), in the guest, TAP 13.
# Traffic stays inside the guest: a veth pair whose other end lives in a
# network namespace made here (cosnet-peer):
#   cost0  (no address)  root namespace, the component system attached,
#                        10.78.0.2/24 behind MAC 02:c0:5e:00:00:02
#   cost1  10.78.0.1/24  cosnet-peer, where ping and cos_tcpcheck run
# The system (components/systems/tcpecho.sys) runs in three PD layouts:
# every component in its own PD, the network path merged into one PD, and
# a mixed one. Usage: cos_net.sh [MiB] (total bytes of the big echo run
# in the isolated layout; default 64).
set -u
cd "$(dirname "$0")/.."
. selftests/tap.sh
COS=build/cos
CHK=build/selftests/cos_tcpcheck
NS=cosnet-peer
MAC=02:c0:5e:00:00:02
ADDR=10.78.0.2
MIB=${1:-64}
T=$(mktemp -d)
peer() { ip netns exec $NS "$@"; }
start() {	# start SYSFILE [PATTERN]: the system on cost0, up and listening
	$COS run --net cost0 --mac $MAC "$1" >"$T/sys.out" 2>&1 &
	pid=$!
	wait_for "$T/sys.out" "${2:-echo on port 7}" 30
}
stop() {	# stop: SIGINT, bounded; 0 if it stopped and left nothing behind
	local i
	[ -n "${pid:-}" ] || return 1
	kill -INT "$pid"
	for i in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$pid" 2>/dev/null; then
		echo "# cos run did not stop within 30 s of SIGINT; its stacks:"
		for t in /proc/$pid/task/*; do sed 's/^/#   /' "$t/stack" 2>/dev/null; done
		kill -9 "$pid"
	fi
	wait "$pid" 2>/dev/null
	pid=
	sleep 0.3
	stats_zero
}
echo_check() {	# echo_check CONNS CONC BYTES: byte-verified, bounded
	timeout 300 ip netns exec $NS $CHK echo $ADDR 7 "$@" >"$T/chk.out" 2>"$T/chk.err"
	local rc=$?
	[ $rc = 0 ] || { diag "$T/chk.err"; diag "$T/sys.out"; }
	return $rc
}
cleanup() {
	[ -n "${pid:-}" ] && kill -INT "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	ip netns del $NS 2>/dev/null
	ip link del cost0 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

# Layouts: the description as it is, and with merge lines.
cp components/systems/tcpecho.sys "$T/isolated.sys"
sed -i "s|build/components|$PWD/build/components|" "$T/isolated.sys"
{ cat "$T/isolated.sys"; printf 'merge %s %s\n' vnic ip ip tcp tcp portmgr tcp fd fd tcpecho; } >"$T/merged.sys"
{ cat "$T/isolated.sys"; printf 'merge %s %s\n' ip tcp fd tcpecho; } >"$T/mixed.sys"

echo "TAP version 13"
echo "1..35"
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
modprobe veth || echo "# modprobe veth failed"
ip netns add $NS
ip link add cost0 type veth peer name cost1
ip link set cost1 netns $NS
ip link set cost0 up
ip -n $NS addr add 10.78.0.1/24 dev cost1
ip -n $NS link set cost1 up
ip -n $NS link set lo up

# ---- isolated: every component in its own PD -----------------------------------
start "$T/isolated.sys"
ok $? "tcpecho.sys up on cost0, every component in its own PD ($(grep -m1 'tcp: up' "$T/sys.out"))"
peer ping -c 100 -i 0.02 -q -W 2 $ADDR >"$T/ping.out" 2>&1
grep -q '100 packets transmitted, 100 received' "$T/ping.out"
ok $? "ICMP echo: $(grep -o '[0-9]* packets transmitted, [0-9]* received' "$T/ping.out")"
peer ip neigh show $ADDR dev cost1 | grep -qi "lladdr $MAC"
ok $? "ARP answered: $(peer ip neigh show $ADDR dev cost1)"
echo_check 1000 1 $((MIB * 1048576 / 4))
ok $? "1,000 sequential connections, every byte checked: $(cat "$T/chk.out")"
echo_check 200 200 $((MIB * 1048576 * 3 / 4))
ok $? "200 concurrent connections, every byte checked: $(cat "$T/chk.out")"

# Idle: no thread spins. The process's CPU time over 5 s of no traffic.
sleep 1
t0=$(awk '{ print $14 + $15 }' /proc/$pid/stat)
sleep 5
t1=$(awk '{ print $14 + $15 }' /proc/$pid/stat)
hz=$(getconf CLK_TCK)
pct=$(( (t1 - t0) * 100 * 100 / (5 * hz) ))	# hundredths of a percent
[ "$pct" -lt 200 ]
ok $? "an idle stack uses $((pct / 100)).$(printf %02d $((pct % 100)))% of a CPU (under 2%)"

# A peer that never reads (its window zero) holds one connection; the
# stack serves the others meanwhile.
peer $CHK hold $ADDR 7 8 >"$T/hold.out" 2>&1 &
hold=$!
sleep 1
echo_check 20 5 2000000
ok $? "a zero-window peer does not stop the others: $(cat "$T/chk.out")"
wait $hold
ok $? "the zero-window peer was served as far as its window let it: $(cat "$T/hold.out")"

# Loss, reordering and duplication on the peer's side (netem).
if modprobe sch_netem 2>"$T/netem.err" &&
	peer tc qdisc add dev cost1 root netem delay 2ms 1ms loss 5% duplicate 2% reorder 10% 2>>"$T/netem.err"; then
	echo_check 20 5 4000000
	ok $? "through netem (5% loss, 2% duplication, reordering): every byte once, in order: $(cat "$T/chk.out")"
	peer tc -s qdisc show dev cost1 | sed -n 's/^ *Sent/# netem sent/p'
	peer tc qdisc del dev cost1 root
else
	diag "$T/netem.err"
	ok 1 "sch_netem does not load in the guest"
fi
echo_check 10 2 100000
ok $? "serving again without netem: $(cat "$T/chk.out")"

# Malformed frames, a SYN flood, more connections than the stack has ids.
stat() { peer $CHK get $ADDR 8 | awk -v k="$1" '$1 == k { v = $2 } END { print v + 0 }'; }
bad0=$(stat bad)
peer $CHK junk cost1 $MAC $ADDR 3200 >"$T/junk.out" 2>&1
echo_check 10 2 100000
rc=$?
bad1=$(stat bad)
[ $rc = 0 ] && [ "${bad1:-0}" -gt "${bad0:-0}" ]
ok $? "$(cat "$T/junk.out"): dropped and counted (bad ${bad0:-?} -> ${bad1:-?}), still serving"
peer $CHK synflood cost1 $MAC $ADDR 7 20000 >"$T/flood.out" 2>&1 &
flood=$!
echo_check 20 5 400000
rc=$?
wait $flood
syn=$(stat syn_dropped)
[ $rc = 0 ] && [ "${syn:-0}" -gt 0 ]
ok $? "a SYN flood ($(cat "$T/flood.out")) leaves the stack serving others: $(cat "$T/chk.out"), $syn half-open dropped"
# (out of connection ids: "refused"; out of lwIP's pcbs, the SYN dropped:
# "pool_err")
ref0=$(($(stat refused) + $(stat pool_err)))
peer $CHK many $ADDR 7 300 2 >"$T/many.out" 2>&1
ref1=$(($(stat refused) + $(stat pool_err)))
[ "$ref1" -gt "$ref0" ] && grep -q ' [1-9][0-9]* refused' "$T/many.out"
ok $? "$(cat "$T/many.out"): refused and counted (refused + pool_err $ref0 -> $ref1)"
sleep 1
echo_check 10 2 100000
ok $? "serving again: $(cat "$T/chk.out")"
peer $CHK get $ADDR 8 >"$T/stats.out"
grep -q '^open 3$' "$T/stats.out"
ok $? "every connection's id given back (open: $(awk '$1 == "open" { print $2 }' "$T/stats.out"): the two listeners and the one asking)"
# the vNIC pool's 2,047 frame slots (TCP_POOL_PAGES, components/tcp/tcp_priv.h)
grep -q '^slots_free 2047$' "$T/stats.out"
ok $? "every frame slot of the vNIC pool free again ($(awk '$1 == "slots_free" { print $2 }' "$T/stats.out") of 2047; $(awk '$1 == "rx_refused" { print $2 }' "$T/stats.out") deliveries refused while it ran low)"
diag "$T/stats.out"
stop
ok $? "stopped: no system, page or attachment left"
grep -E "fault|assert" "$T/sys.out" && ok 1 "no component faulted" || ok 0 "no component faulted"

# ---- merged: the network path in one PD ---------------------------------------
for layout in merged mixed; do
	start "$T/$layout.sys"
	ok $? "$layout layout up"
	peer ping -c 20 -i 0.02 -q -W 2 $ADDR >"$T/ping.out" 2>&1
	grep -q '20 packets transmitted, 20 received' "$T/ping.out"
	ok $? "$layout: ICMP echo $(grep -o '[0-9]* received' "$T/ping.out")"
	echo_check 200 1 4000000
	ok $? "$layout: 200 sequential connections: $(cat "$T/chk.out")"
	echo_check 100 100 8000000
	ok $? "$layout: 100 concurrent connections: $(cat "$T/chk.out")"
	stop
	ok $? "$layout: stopped, nothing left"
	grep -E "fault|assert" "$T/sys.out" && ok 1 "$layout: no component faulted" || ok 0 "$layout: no component faulted"
done
# ---- httpmini.sys: the tiny HTTP responder, every component in its own PD --------
sed "s|build/components|$PWD/build/components|" components/systems/httpmini.sys >"$T/http.sys"
start "$T/http.sys" "http on port"
ok $? "httpmini.sys up ($(grep -m1 'http on port' "$T/sys.out"))"
peer curl -s -i --max-time 10 http://$ADDR/ >"$T/curl.out" 2>&1
head -1 "$T/curl.out" | grep -q '^HTTP/1.0 200 OK' && [ "$(tail -c 11 "$T/curl.out")" = abcdefghijk ]
ok $? "httpmini: GET answered: $(head -1 "$T/curl.out" | tr -d '\r') and the 11-byte body"
peer curl -s -i --max-time 10 -X POST -d x http://$ADDR/ >"$T/curl.out" 2>&1
head -1 "$T/curl.out" | grep -q '^HTTP/1.0 501 '
ok $? "httpmini: POST refused: $(head -1 "$T/curl.out" | tr -d '\r')"
peer ab -q -n 500 -c 24 http://$ADDR/ >"$T/ab.out" 2>&1
grep -q '^Complete requests: *500$' "$T/ab.out" && grep -q '^Failed requests: *0$' "$T/ab.out"
ok $? "httpmini: ab -n 500 -c 24, none failed ($(awk '/^Requests per second/ { print $4 }' "$T/ab.out") requests/s)"
stop
ok $? "httpmini: stopped, nothing left"

echo "# $n tests: $failed failed"
[ $failed = 0 ]
