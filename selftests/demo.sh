#!/bin/bash
# demo.sh - runs inside the guest (make demo): load cos.ko, run the bare
# hello component, unload.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n==> %s\n' "$*"; }

ko=$(selftests/guest-ko.sh)	# the one built for this kernel
step "insmod $ko   (kernel $(uname -r))"
insmod "$ko"
dmesg | grep 'cos: ' | tail -n 1
step "cos version"
build/cos version
step "cos bare build/components/hello.elf"
build/cos bare build/components/hello.elf
echo "(component exited with status $?)"
step "cos run components/systems/calc.sys   (two components, two protection domains)"
build/cos run components/systems/calc.sys
echo "(system exited with status $?)"
step "rmmod cos"
rmmod cos
dmesg | grep 'cos: ' | tail -n 1
