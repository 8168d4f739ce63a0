#!/bin/bash
# guest-bench.sh - runs INSIDE the guest for `make bench`: every benchmark
# in one run, so ratios compare figures measured side by side.
set -euo pipefail
cd "$(dirname "$0")/.."
insmod "$(selftests/guest-ko.sh)" bench=1	# COS_THD_BENCH_LB for `cos bench invoke`
build/cos bench null --iters "${COS_BENCH_ITERS:-1000000}"
build/cos bench invoke --iters "${COS_BENCH_INV_ITERS:-200000}"
build/cos bench mpd --iters "${COS_BENCH_MPD_ITERS:-100}"
build/cos bench sched
build/cos bench io "${COS_BENCH_IO_SECS:-5}"
build/cos bench tcp "${COS_BENCH_TCP_ROUNDS:-3}"
rmmod cos
