# SPDX-License-Identifier: GPL-2.0
# tap.sh - what the shell tests in the guest share (sourced by cos_io.sh
# and cos_net.sh): TAP 13 lines, counted in $n and $failed, and the checks
# and waits every I/O test makes.
n=0
failed=0

ok() {	# ok STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; failed=$((failed + 1)); fi
}
skip() { n=$((n + 1)); echo "ok $n # SKIP $1"; }
diag() { sed 's/^/# /' "$@"; }

# 0 if no system, page or I/O attachment of the module is left (debugfs).
stats_zero() {
	grep -q '^systems 0$' /sys/kernel/debug/cos/stats &&
		grep -q '^pages 0$' /sys/kernel/debug/cos/stats &&
		[ ! -s /sys/kernel/debug/cos/io ]
}

wait_for() {	# wait_for FILE PATTERN [SECONDS]: until PATTERN is in FILE (20 s)
	local i
	for i in $(seq 1 $((${3:-20} * 10))); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
