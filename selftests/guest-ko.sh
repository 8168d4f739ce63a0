#!/bin/bash
# guest-ko.sh - runs INSIDE the guest: prints the path (from the repo root)
# of the cos.ko built for the kernel the guest booted: the main build's
# ./cos.ko if it is for this kernel, else build/kmod/<uname -r>/cos.ko
# (scripts/kmod-build.sh, make kmod GUEST_KERNEL=... GUEST_FLAVOUR=...).
# Fails with one line when there is none.
set -euo pipefail
cd "$(dirname "$0")/.."
kver=$(uname -r)
if [ -f cos.ko ] && [ "$(modinfo -F vermagic cos.ko | cut -d' ' -f1)" = "$kver" ]; then
	echo cos.ko
elif [ -f "build/kmod/$kver/cos.ko" ]; then
	echo "build/kmod/$kver/cos.ko"
else
	echo "guest-ko: no cos.ko built for $kver (make kmod GUEST_KERNEL=... GUEST_FLAVOUR=...)" >&2
	exit 1
fi
