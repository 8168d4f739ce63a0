#!/usr/bin/env bash
# scripts/deps.sh - install the Debian packages the project needs and prepare
# the guest kernels for the QEMU test harness (selftests/vm/run-vm.sh).
#
#   scripts/deps.sh            what the chosen guest needs: GUEST_KERNEL=6.1|6.12
#                              (default 6.1), GUEST_FLAVOUR=amd64|cloud-amd64|rt-amd64
#                              (default amd64)
#   scripts/deps.sh --check    what make check needs: the 6.1 and 6.12 generic
#                              guests and the headers of all six kernels
#   scripts/deps.sh --plan-check PKG...
#                              only the guard below, on an install of PKG...
#
# Idempotent and quiet: prints one line per action, nothing when everything is
# already in place. Runs as root (apt-get, no sudo). Never installs a kernel
# image on this machine: guest kernels are downloaded and unpacked into
# build/vm/linux-<ver>/ (scripts/kernels.sh), headers other than the main
# build's into build/kheaders/, and any apt-get install whose plan
# (apt-get -s) would pull a linux-image-* package is refused.
#
# Results:
#   build/kver                         the main build's kernel (Debian's 6.1
#                                      generic), e.g. 6.1.0-57-amd64
#   /usr/src/linux-headers-<ver>       its KDIR (package linux-headers-<ver>)
#   build/vm/linux-<ver>/boot/vmlinuz-<ver>   each guest kernel
#   build/vm/linux-<ver>/lib/modules/<ver>/   (with modules.dep, build -> KDIR)
#   build/kheaders/usr/src/linux-headers-<ver>  the other kernels' KDIRs
set -euo pipefail

# Debian packages needed on the host (and therefore in the guest, which shares
# the host's root file system). Add new needs here (apache2, httperf, ...).
DEPS_PACKAGES="gcc make binutils libc6-dev linux-headers-amd64 qemu-system-x86
busybox-static cpio kmod xz-utils gzip util-linux procps iproute2 iputils-ping dmsetup ca-certificates
socat dwarves dpkg-dev debian-archive-keyring apache2-utils"
# dwarves: pahole, for the BTF of modules built against 6.12's headers.
# dpkg-dev, debian-archive-keyring: lwIP's source package (scripts/lwip.sh).

export DEBIAN_FRONTEND=noninteractive
export LC_ALL=C

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
BUILD="$REPO/build"
VMDIR="$BUILD/vm"

say() { printf 'deps: %s\n' "$*"; }
die() { printf 'deps: error: %s\n' "$*" >&2; exit 1; }

command -v apt-get >/dev/null 2>&1 || die "apt-get not found: a Debian (12) machine is required"

TMPD=""
cleanup() { [ -z "$TMPD" ] || rm -rf "$TMPD"; }
trap cleanup EXIT
tmpdir() { [ -n "$TMPD" ] || TMPD=$(mktemp -d /tmp/cos-deps.XXXXXX); }

# Run a command quietly; on failure show its output and die.
quiet() {
	tmpdir
	if ! "$@" >"$TMPD/out" 2>&1; then
		cat "$TMPD/out" >&2
		die "failed: $*"
	fi
}

UPDATED=0
apt_update() {
	[ "$UPDATED" = 0 ] || return 0
	say "apt-get update"
	quiet apt-get update -qq
	UPDATED=1
}

# Packages among "$@" that are not fully installed.
missing_pkgs() {
	local installed
	installed=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "$@" 2>/dev/null |
		awk '$1 == "ii" { print $2 }' || true)
	local p
	for p in "$@"; do
		grep -qxF -- "$p" <<<"$installed" || printf '%s\n' "$p"
	done
}

# Never a kernel image on this machine: refuse any install whose plan
# would bring one in (a headers package of 6.12 depends on its image).
plan_check() {
	local plan imgs
	plan=$(apt-get -s install -y --no-install-recommends "$@" 2>&1) ||
		{ printf '%s\n' "$plan" >&2; die "apt-get -s install $* failed"; }
	imgs=$(sed -n 's/^Inst \(linux-image-[^ ]*\).*/\1/p' <<<"$plan" | tr '\n' ' ')
	[ -z "$imgs" ] ||
		die "refusing to install $*: apt would install the kernel image ${imgs% } on this machine (guest kernels are only unpacked under build/)"
}

install_pkgs() {
	local -a miss
	mapfile -t miss < <(missing_pkgs "$@")
	[ "${#miss[@]}" -gt 0 ] || return 0
	apt_update
	plan_check "${miss[@]}"
	say "installing ${miss[*]}"
	quiet apt-get install -y -qq --no-install-recommends "${miss[@]}"
}

[ "${1:-}" = --plan-check ] || [ "$(id -u)" = 0 ] || die "must run as root (apt-get install); try: sudo $0"

MODE=guest
case "${1:-}" in
--check) MODE=check ;;
--plan-check) shift; plan_check "$@"; exit 0 ;;
"") ;;
*) die "usage: $0 [--check | --plan-check PKG...]" ;;
esac

# ---- 1. packages -----------------------------------------------------------
# shellcheck disable=SC2086
install_pkgs $DEPS_PACKAGES

# ---- 2. the main build's kernel: Debian 12's 6.1 generic ---------------------
KERNELS="$REPO/scripts/kernels.sh"
KVER=$("$KERNELS" resolve 6.1 amd64)

# ---- 3. its headers, installed (the module's default KDIR) -------------------
# linux-headers-<6.1 ver>-amd64 pulls linux-kbuild-6.1 and gcc, no image.
install_pkgs "linux-headers-$KVER"
[ -f "/usr/src/linux-headers-$KVER/Makefile" ] ||
	die "/usr/src/linux-headers-$KVER/Makefile missing after installing linux-headers-$KVER"

# ---- 4. build/kver -----------------------------------------------------------
mkdir -p "$VMDIR"
if [ "$(cat "$BUILD/kver" 2>/dev/null || true)" != "$KVER" ]; then
	say "main kernel version $KVER -> build/kver"
	echo "$KVER" >"$BUILD/kver.$$" && mv -f "$BUILD/kver.$$" "$BUILD/kver"
fi

# ---- 5. guest kernels, unpacked (never installed), and their headers ---------
if [ "$MODE" = check ]; then
	"$KERNELS" image 6.1 amd64 >/dev/null
	"$KERNELS" image 6.12 amd64 >/dev/null
	while read -r series flavour; do
		"$KERNELS" headers "$series" "$flavour" >/dev/null
	done < <("$KERNELS" list)
else
	"$KERNELS" image "${GUEST_KERNEL:-6.1}" "${GUEST_FLAVOUR:-amd64}" >/dev/null
	"$KERNELS" headers "${GUEST_KERNEL:-6.1}" "${GUEST_FLAVOUR:-amd64}" >/dev/null
fi

# ---- 6. lwIP's source package (the tcp component's stack; docs/net.md) ----
"$REPO/scripts/lwip.sh"
