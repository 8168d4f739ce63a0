#!/bin/bash
# kernels-test.sh - host side, run by check.sh: cos.ko builds without a
# warning against the headers of each of Debian 12's six kernels (6.1 and
# 6.12; amd64, cloud-amd64, rt-amd64: scripts/kernels.sh list) into
# build/kmod/<ver>/ (scripts/kmod-build.sh; the 6.12 generic one is what
# the 6.12 guests load); make deps refuses an install that would put a
# kernel image on this machine; version checks live in the two compat
# headers only. TAP 13.
set -uo pipefail
cd "$(dirname "$0")/.."
n=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
nok() { n=$((n + 1)); echo "not ok $n $*"; }

echo "TAP version 13"
echo "1..9"
while read -r series flavour; do
	if out=$(scripts/kmod-build.sh "$series" "$flavour" 2>&1); then
		ok "${out#kmod: } (no warning)"
	else
		nok "cos.ko for $series $flavour:"
		sed 's/^/#   /' <<<"$out" | tail -n 20
	fi
done < <(scripts/kernels.sh list)

# The guard of scripts/deps.sh, on a plan that pulls an image (6.12's
# headers depend on their kernel image) and on one that does not.
v612=$(scripts/kernels.sh resolve 6.12 amd64)
v61c=$(scripts/kernels.sh resolve 6.1 cloud-amd64)
out=$(scripts/deps.sh --plan-check "linux-headers-$v612" 2>&1); rc=$?
if [ "$rc" != 0 ] && grep -q "^deps: error: refusing to install linux-headers-$v612: apt would install the kernel image linux-image-" <<<"$out"; then
	ok "deps.sh refuses linux-headers-$v612 (its plan installs a kernel image)"
else
	nok "deps.sh let linux-headers-$v612 through (rc $rc): $out"
fi
out=$(scripts/deps.sh --plan-check "linux-headers-$v61c" 2>&1); rc=$?
if [ "$rc" = 0 ]; then
	ok "deps.sh lets linux-headers-$v61c through (no image in its plan)"
else
	nok "deps.sh refused linux-headers-$v61c: $out"
fi

# Version checks in one place (docs/kernels.md).
hits=$(grep -rlE 'LINUX_VERSION_CODE|KERNEL_VERSION\(' hijack kmod Kbuild |
	grep -vxE 'hijack/compat.h|kmod/kcompat.h' || true)
if [ -z "$hits" ]; then
	ok "LINUX_VERSION_CODE only in hijack/compat.h and kmod/kcompat.h"
else
	nok "version checks outside the compat headers: $hits"
fi
