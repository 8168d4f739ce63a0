#!/usr/bin/env bash
# scripts/kmod-build.sh SERIES FLAVOUR - build cos.ko against the headers
# of one of Debian's kernels (scripts/kernels.sh list) into
# build/kmod/<ver>/cos.ko, apart from the main build (./cos.ko), so that
# neither disturbs the other. The module's sources are mirrored there
# (timestamps kept, so a rebuild is incremental) and built with the
# kernel's own Kbuild. Any warning (compiler, objtool, modpost) fails the
# build, and the half-built tree is removed so that the next run sees the
# warning again. Headers: make deps-check (or make deps GUEST_KERNEL=...).
set -euo pipefail
export LC_ALL=C

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
die() { printf 'kmod: error: %s\n' "$*" >&2; exit 1; }

[ "$#" = 2 ] || die "usage: $0 SERIES FLAVOUR (e.g. 6.12 rt-amd64)"
ver=$("$REPO/scripts/kernels.sh" resolve "$1" "$2")
kdir=$("$REPO/scripts/kernels.sh" kdir "$ver")
[ -f "$kdir/Makefile" ] ||
	die "no headers for $ver at $kdir: run make deps-check (or make deps GUEST_KERNEL=$1 GUEST_FLAVOUR=$2)"

out="$REPO/build/kmod/$ver"
mkdir -p "$out"
cd "$REPO"
# The module's sources: Kbuild and hijack/, kmod/ (generated headers not).
while IFS= read -r f; do
	if ! cmp -s "$f" "$out/$f"; then
		mkdir -p "$out/$(dirname "$f")"
		cp -p "$f" "$out/$f"
	fi
done < <(printf '%s\n' Kbuild; find hijack kmod -type f \( -name '*.[chS]' \) ! -name asm-offsets.h | sort)

log="$out/build.log"
if ! make -C "$kdir" M="$out" -j2 modules >"$log" 2>&1; then
	tail -n 30 "$log" >&2
	rm -rf "$out"
	die "$ver: build failed (log above)"
fi
if grep -qi 'warning' "$log"; then
	grep -i -B2 -A3 'warning' "$log" | head -n 40 >&2
	rm -rf "$out"
	die "$ver: the build printed warnings (above)"
fi
magic=$(modinfo -F vermagic "$out/cos.ko" | cut -d' ' -f1)
[ "$magic" = "$ver" ] || die "$out/cos.ko has vermagic $magic, not $ver"
echo "kmod: $ver: build/kmod/$ver/cos.ko"
