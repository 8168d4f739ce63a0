#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# cos-bench-tcp.sh - `cos bench tcp` (run it as that): TCP/IP as components
# against Linux's own stack, side by side in one run (docs/net.md). Needs
# root, iproute2, ab (apache2-utils) and cos.ko loaded. Installed with cos
# in its libexec directory beside cos_tcpcheck and cos_linuxsrv; cos tells
# it which cos and whose components and systems: COS, COS_COMPONENTS,
# COS_SYSTEMS (userlib/cli/bench_script.c).
#   http: connections/s of httpmini.sys (an 11-byte body, HTTP/1.0, a new
#         connection per request) under `ab -n $REQS -c 24`;
#   bulk: MiB/s of one connection through tcpecho.sys (every byte sent
#         comes back and is checked: cos_tcpcheck echo);
# each for the components in PDs of their own, for the network path
# merged into one PD, and for cos_linuxsrv (the same programs on Linux's
# sockets) on the same veth end: costb0 in the root namespace (Linux at
# 10.79.0.3, the components at 10.79.0.2), the clients in costcp-peer
# (costb1, 10.79.0.1). Each figure is the best of ROUNDS (3) rounds, the
# contenders taking turns. Invocations per request and per KiB come from
# `cos run --stats` (every edge's count, inter-PD and direct).
# Usage: cos bench tcp [ROUNDS]
set -uo pipefail
for v in COS COS_COMPONENTS COS_SYSTEMS; do
	[ -n "${!v:-}" ] || { echo "cos-bench-tcp.sh: no \$$v: run it as 'cos bench tcp'" >&2; exit 64; }
done
ROUNDS=${1:-3}
REQS=${COS_BENCH_TCP_REQS:-2000}
BULK=${COS_BENCH_TCP_BYTES:-16777216}
NS=costcp-peer
MAC=02:c0:5e:00:00:03
COS_ADDR=10.79.0.2
LINUX_ADDR=10.79.0.3
DIR=$(dirname "$0")
CHK=$DIR/cos_tcpcheck
SRV=$DIR/cos_linuxsrv
command -v ab >/dev/null || { echo "cos bench tcp: ab not found (package apache2-utils)" >&2; exit 1; }
T=$(mktemp -d)
cleanup() {
	[ -n "${pid:-}" ] && kill -INT "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	ip netns del $NS 2>/dev/null
	ip link del costb0 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
best() { sort -g | tail -1; }
peer() { ip netns exec $NS "$@"; }

modprobe veth 2>/dev/null
ip netns add $NS && ip link add costb0 type veth peer name costb1 &&
	ip link set costb1 netns $NS && ip link set costb0 up &&
	ip addr add $LINUX_ADDR/24 dev costb0 &&
	ip -n $NS addr add 10.79.0.1/24 dev costb1 && ip -n $NS link set costb1 up &&
	ip -n $NS link set lo up || { echo "cos bench tcp: cannot set up the veth pair" >&2; exit 1; }

# The systems at this benchmark's address, isolated and with the network
# path (vnic, ip, tcp, portmgr, fd, the application) in one PD.
for app in httpmini tcpecho; do
	sed -e "s|build/components|$COS_COMPONENTS|" -e "s|^config tcp ip=.*|config tcp ip=$COS_ADDR/24|" \
		"$COS_SYSTEMS/$app.sys" >"$T/$app-isolated.sys"
	{ cat "$T/$app-isolated.sys"; printf 'merge %s %s\n' vnic ip ip tcp tcp portmgr tcp fd fd $app; } \
		>"$T/$app-merged.sys"
done

up() {	# up SYSTEM PATTERN: start it with --stats
	"$COS" run --stats --net costb0 --mac $MAC "$1" >"$T/sys.out" 2>&1 &
	pid=$!
	for i in $(seq 1 300); do grep -q "$2" "$T/sys.out" && return 0; sleep 0.1; done
	echo "cos bench tcp: $1 did not come up:" >&2; cat "$T/sys.out" >&2
	return 1
}
down() {	# down: stop it; its invocations (all edges, both columns) on stdout
	kill -INT $pid; wait $pid; pid=
	awk 'f && NF >= 4 { s += $(NF-1) } /^client +server/ { f = 1 } END { print s + 0 }' "$T/sys.out"
}
ab_cps() {	# ab_cps ADDR OUT: requests/s, or 0 if any failed
	peer ab -q -n "$REQS" -c 24 "http://$1/" >"$2" 2>&1
	awk '/^Failed requests:/ { f = $3 } /^Requests per second:/ { r = $4 }
	     END { print (f == 0 && r ? r : 0) }' "$2"
}
bulk_mibps() {	# bulk_mibps ADDR OUT
	timeout 300 ip netns exec $NS "$CHK" echo "$1" 7 1 1 "$BULK" >"$2" 2>&1
	sed -n 's/.* \([0-9.]*\) MiB\/s.*/\1/p' "$2" | tail -1
}

echo "==> tcp: components (isolated, merged) vs Linux sockets, best of $ROUNDS rounds"
echo "    http: ab -n $REQS -c 24, HTTP/1.0, 11-byte body; bulk: one connection, $BULK bytes echoed"
for r in $(seq 1 "$ROUNDS"); do
	for l in isolated merged; do
		up "$T/httpmini-$l.sys" "http on port" || exit 1
		h=$(ab_cps $COS_ADDR "$T/ab.$l.$r")
		inv=$(down)
		echo "$h $inv" >"$T/http.$l.$r"
		up "$T/tcpecho-$l.sys" "echo on port" || exit 1
		b=$(bulk_mibps $COS_ADDR "$T/bulk.$l.$r")
		inv=$(down)
		echo "${b:-0} $inv" >"$T/bulk.$l.$r"
	done
	"$SRV" http $LINUX_ADDR 80 11 >/dev/null 2>&1 &
	pid=$!
	sleep 0.5
	lh=$(ab_cps $LINUX_ADDR "$T/ab.linux.$r")
	kill $pid; wait $pid 2>/dev/null; pid=
	"$SRV" echo $LINUX_ADDR 7 >/dev/null 2>&1 &
	pid=$!
	sleep 0.5
	lb=$(bulk_mibps $LINUX_ADDR "$T/bulk.linux.$r")
	kill $pid; wait $pid 2>/dev/null; pid=
	echo "${lh:-0}" >"$T/http.linux.$r"
	echo "${lb:-0}" >"$T/bulk.linux.$r"
	echo "round $r: http conn/s isolated $(cut -d' ' -f1 "$T/http.isolated.$r"), merged $(cut -d' ' -f1 "$T/http.merged.$r"), Linux $lh;" \
		"bulk MiB/s isolated $(cut -d' ' -f1 "$T/bulk.isolated.$r"), merged $(cut -d' ' -f1 "$T/bulk.merged.$r"), Linux $lb"
done
pick() { for r in $(seq 1 "$ROUNDS"); do cut -d' ' -f1 "$T/$1.$r"; done | best; }
# invocations of the best round's run
inv_of() { for r in $(seq 1 "$ROUNDS"); do cat "$T/$1.$r"; done | sort -g | tail -1 | cut -d' ' -f2; }
hi=$(pick http.isolated); hm=$(pick http.merged); hl=$(pick http.linux)
bi=$(pick bulk.isolated); bm=$(pick bulk.merged); bl=$(pick bulk.linux)
echo "bench: tcp_http_cos_cps=$hi"
echo "bench: tcp_http_cos_merged_cps=$hm"
echo "bench: tcp_http_linux_cps=$hl"
echo "bench: tcp_http_ratio=$(ratio "$hi" "$hl")"
echo "bench: tcp_http_merged_ratio=$(ratio "$hm" "$hl")"
echo "bench: tcp_http_invocations_per_request=$(ratio "$(inv_of http.isolated)" "$REQS")"
echo "bench: tcp_bulk_cos_MiBps=$bi"
echo "bench: tcp_bulk_cos_merged_MiBps=$bm"
echo "bench: tcp_bulk_linux_MiBps=$bl"
echo "bench: tcp_bulk_ratio=$(ratio "$bi" "$bl")"
echo "bench: tcp_bulk_merged_ratio=$(ratio "$bm" "$bl")"
echo "bench: tcp_bulk_invocations_per_KiB=$(ratio "$(inv_of bulk.isolated)" "$((BULK / 1024))")"
