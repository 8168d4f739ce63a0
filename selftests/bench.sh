#!/bin/bash
# bench.sh - `make bench`: the benchmarks in one guest run under TCG, then
# again with -icount shift=0 (guest time counts instructions, so those
# figures repeat run to run). Prints the human tables as they come and
# ends with every "bench:" line; the -icount ones are prefixed "icount_".
# The guest kernel: GUEST_KERNEL / GUEST_FLAVOUR (make bench GUEST_KERNEL=6.12).
# Holds /tmp/cos-guest.lock exclusively: no other guest on the machine
# (run-vm.sh takes it shared) while the figures are measured.
set -uo pipefail
cd "$(dirname "$0")/.."
lock=${COS_GUEST_LOCK:-/tmp/cos-guest.lock}
[ -e "$lock" ] || : >>"$lock"
exec 9<"$lock"
if ! flock -x -n 9; then
	echo "==> waiting for the other guests to finish ($lock)"
	flock -x 9
fi
export COS_GUEST_LOCKED=1
kernel=${GUEST_KERNEL:-6.1}-${GUEST_FLAVOUR:-amd64}
echo "==> guest kernel $(scripts/kernels.sh resolve "${GUEST_KERNEL:-6.1}" "${GUEST_FLAVOUR:-amd64}")"
lines=()
for mode in tcg icount; do
	log=build/vm/logs/bench-$kernel-$mode.log
	disk=build/vm/io-disk.img
	rm -f "$disk" && truncate -s 128M "$disk"
	args=(--quiet --log "$log" --disk "$disk")
	[ "$mode" = icount ] && args+=(--icount)
	echo "==> benchmarks in a guest ($mode)"
	if ! selftests/vm/run-vm.sh --kernel "${GUEST_KERNEL:-6.1}" --flavour "${GUEST_FLAVOUR:-amd64}" \
		"${args[@]}" -- selftests/guest-bench.sh; then
		echo "bench: guest run failed, see $log" >&2
		exit 1
	fi
	tr -d '\r' <"$log" | awk '/^(round trip|operation)/ { t = 1 } /^bench: / { t = 0 } t'

	while IFS= read -r l; do
		[ "$mode" = icount ] && l="bench: icount_${l#bench: }"
		lines+=("$l")
	done < <(grep -a '^bench: ' "$log" | tr -d '\r')
done
echo
printf '%s\n' "${lines[@]}"
