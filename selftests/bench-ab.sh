#!/bin/bash
# bench-ab.sh OLD_TREE [ROUNDS] - runs INSIDE a guest: `cos bench null` and
# `cos bench invoke` of an older build (OLD_TREE: a checkout with cos.ko and
# build/cos built, e.g. a git worktree of the commit before a change) and of
# this one, taking turns, ROUNDS times (default 3), so that a change meant
# to keep the fast path's speed is judged side by side in one guest run:
#   selftests/vm/run-vm.sh -- selftests/bench-ab.sh /work/old 3
#   selftests/vm/run-vm.sh --icount -- selftests/bench-ab.sh /work/old 1
# An older module that has no bench parameter ignores it with a warning.
set -uo pipefail
cd "$(dirname "$0")/.."
old=${1:?usage: bench-ab.sh OLD_TREE [ROUNDS]}
rounds=${2:-3}
for t in "$old" .; do
	[ -f "$t/cos.ko" ] && [ -x "$t/build/cos" ] ||
		{ echo "bench-ab: $t has no cos.ko or build/cos" >&2; exit 2; }
done
for r in $(seq 1 "$rounds"); do
	for t in "$old" .; do
		echo "=== round $r: $([ "$t" = . ] && echo this tree || echo "$t")"
		insmod "$t/cos.ko" bench=1 2>/dev/null || insmod "$t/cos.ko" || exit 1
		"$t/build/cos" bench null --iters 1000000 | grep '^bench:'
		"$t/build/cos" bench invoke --iters 200000 | grep '^bench:'
		rmmod cos
	done
done
