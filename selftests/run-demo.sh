#!/bin/bash
# run-demo.sh - `make demo`: boot a guest, run selftests/demo.sh in it, and
# show what the demo printed (the full console log is kept).
set -uo pipefail
cd "$(dirname "$0")/.."
log=build/vm/logs/demo.log
echo "==> booting the test guest (QEMU, Debian's kernel $(cat build/kver))"
selftests/vm/run-vm.sh --quiet --log "$log" "$@" -- selftests/demo.sh
rc=$?
sed -n '/^COS-GUEST-START/,/^COS-GUEST-TAINT/{/^COS-GUEST-/d;p}' "$log" | tr -d '\r'
exit $rc
