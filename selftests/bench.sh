#!/bin/bash
# bench.sh - `make bench`: the benchmarks in one guest run under TCG, then
# again with -icount shift=0 (guest time counts instructions, so those
# figures repeat run to run). Prints the human tables as they come and
# ends with every "bench:" line; the -icount ones are prefixed "icount_".
set -uo pipefail
cd "$(dirname "$0")/.."
lines=()
for mode in tcg icount; do
	log=build/vm/logs/bench-$mode.log
	disk=build/vm/io-disk.img
	rm -f "$disk" && truncate -s 128M "$disk"
	args=(--quiet --log "$log" --disk "$disk")
	[ "$mode" = icount ] && args+=(--icount)
	echo "==> benchmarks in a guest ($mode)"
	if ! selftests/vm/run-vm.sh "${args[@]}" -- selftests/guest-bench.sh; then
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
