#!/usr/bin/env bash
# scripts/deps.sh - install the Debian packages the project needs and prepare
# the guest kernel for the QEMU test harness (selftests/vm/run-vm.sh).
#
# Idempotent and quiet: prints one line per action, nothing when everything is
# already in place. Runs as root (apt-get, no sudo). Never installs a kernel
# image on this machine: the guest kernel is downloaded and unpacked into
# build/vm/linux-<ver>/.
#
# Results:
#   build/kver                         guest kernel ABI version, e.g. 6.1.0-56-amd64
#   /usr/src/linux-headers-<ver>       module KDIR (package linux-headers-<ver>)
#   build/vm/linux-<ver>/boot/vmlinuz-<ver>
#   build/vm/linux-<ver>/lib/modules/<ver>/   (with modules.dep, build -> KDIR)
set -euo pipefail

# Debian packages needed on the host (and therefore in the guest, which shares
# the host's root file system). Add new needs here (apache2, httperf, ...).
DEPS_PACKAGES="gcc make binutils libc6-dev linux-headers-amd64 qemu-system-x86
busybox-static cpio kmod xz-utils gzip util-linux procps iproute2 iputils-ping dmsetup ca-certificates
socat dpkg-dev debian-archive-keyring apache2-utils"

export DEBIAN_FRONTEND=noninteractive
export LC_ALL=C

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
BUILD="$REPO/build"
VMDIR="$BUILD/vm"

say() { printf 'deps: %s\n' "$*"; }
die() { printf 'deps: error: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (apt-get install); try: sudo $0"
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

install_pkgs() {
	local -a miss
	mapfile -t miss < <(missing_pkgs "$@")
	[ "${#miss[@]}" -gt 0 ] || return 0
	apt_update
	say "installing ${miss[*]}"
	quiet apt-get install -y -qq --no-install-recommends "${miss[@]}"
}

# ---- 1. packages -----------------------------------------------------------
# shellcheck disable=SC2086
install_pkgs $DEPS_PACKAGES

# ---- 2. guest kernel version, from the meta packages ------------------------
# "apt-cache depends" costs ~0.5 s when apt's binary cache is disabled (as in
# Debian container images), so its answer is cached, keyed by the state of
# the apt lists; any "apt-get update" that changes them invalidates it.
meta_dep() { # meta_dep PKG PREFIX -> version suffix of the dependency
	apt-cache depends "$1" 2>/dev/null |
		sed -n "s/^ *Depends: $2\\([0-9][^ ]*-amd64\\)\$/\\1/p" | head -n1
}

lists_key() {
	stat -c '%y %i' /var/lib/apt/lists 2>/dev/null || echo none
	stat -c '%y' /etc/apt/sources.list /etc/apt/sources.list.d 2>/dev/null || true
}

resolve_kver() {
	local cache="$VMDIR/.kver-resolved" key ver hver
	key=$(lists_key)
	if [ -f "$cache" ] && [ "$(head -n -1 "$cache")" = "$key" ]; then
		tail -n1 "$cache"
		return 0
	fi
	ver=$(meta_dep linux-image-amd64 linux-image-)
	hver=$(meta_dep linux-headers-amd64 linux-headers-)
	[ -n "$ver" ] || return 1
	[ "$ver" = "$hver" ] ||
		die "linux-image-amd64 -> $ver but linux-headers-amd64 -> ${hver:-nothing}; apt lists inconsistent (try apt-get update)"
	mkdir -p "$VMDIR"
	{ lists_key; echo "$ver"; } >"$cache.$$" && mv -f "$cache.$$" "$cache"
	echo "$ver"
}

KVER=$(resolve_kver || true)
if [ -z "$KVER" ]; then
	apt_update
	KVER=$(resolve_kver || true)
	[ -n "$KVER" ] || die "cannot resolve linux-image-amd64 to a versioned kernel package with apt-cache depends"
fi
case "$KVER" in
*[!A-Za-z0-9.+-]* | "") die "unexpected kernel version string '$KVER'" ;;
esac

# ---- 3. headers of exactly that version (the module's KDIR) ------------------
install_pkgs "linux-headers-$KVER"
[ -f "/usr/src/linux-headers-$KVER/Makefile" ] ||
	die "/usr/src/linux-headers-$KVER/Makefile missing after installing linux-headers-$KVER"

# ---- 4. build/kver -----------------------------------------------------------
mkdir -p "$VMDIR"
if [ "$(cat "$BUILD/kver" 2>/dev/null || true)" != "$KVER" ]; then
	say "guest kernel version $KVER -> build/kver"
	echo "$KVER" >"$BUILD/kver.$$" && mv -f "$BUILD/kver.$$" "$BUILD/kver"
fi

# ---- 5. guest kernel image, unpacked (never installed on the host) ----------
KROOT="$VMDIR/linux-$KVER"

# extract_vmlinux BZIMAGE OUT: the uncompressed ELF kernel, which QEMU boots
# directly through its PVH entry point (skips the ~2 s the decompressor takes
# under TCG). The payload's place is in the bzImage header (boot protocol
# >= 2.08): setup_sects at 0x1f1, payload_offset/length at 0x248/0x24c.
extract_vmlinux() {
	local img=$1 out=$2 ss po start magic
	ss=$(od -An -t u1 -j 497 -N 1 "$img" | tr -d ' ')
	[ "$ss" != 0 ] || ss=4
	po=$(od -An -t u4 -j 584 -N 4 "$img" | tr -d ' ')
	start=$(((ss + 1) * 512 + po))
	magic=$(od -An -t x1 -j "$start" -N 6 "$img" | tr -d ' ')
	case "$magic" in
	fd377a585a00*) tail -c +$((start + 1)) "$img" | xz -dc --single-stream >"$out.tmp" ;;
	1f8b*) tail -c +$((start + 1)) "$img" | gzip -dc >"$out.tmp" 2>/dev/null || true ;;
	28b52ffd*) tail -c +$((start + 1)) "$img" | zstd -qdc >"$out.tmp" 2>/dev/null || true ;;
	*) return 1 ;;
	esac
	# Only an ELF with the PVH entry note (Xen note type 0x12) is usable.
	if [ "$(head -c 4 "$out.tmp" | od -An -t x1 | tr -d ' ')" = 7f454c46 ] &&
		LC_ALL=C readelf -n "$out.tmp" 2>/dev/null | grep -qE 'Xen.*(0x00000012|PHYS32)'; then
		mv -f "$out.tmp" "$out"
	else
		rm -f "$out.tmp"
		return 1
	fi
}

if [ ! -f "$KROOT/boot/vmlinuz-$KVER" ] || [ ! -f "$KROOT/lib/modules/$KVER/modules.dep" ]; then
	tmpdir
	mkdir -p "$TMPD/dl"
	say "downloading linux-image-$KVER (unpacked into build/vm/linux-$KVER, not installed)"
	if ! (cd "$TMPD/dl" && apt-get download -qq "linux-image-$KVER") >"$TMPD/out" 2>&1; then
		# Stale lists may name a file the mirror no longer has.
		if [ "$UPDATED" = 0 ]; then
			apt_update
			NEWVER=$(resolve_kver || true)
			[ "$NEWVER" = "$KVER" ] ||
				die "guest kernel moved from $KVER to ${NEWVER:-?} after apt-get update; run $0 again"
			(cd "$TMPD/dl" && apt-get download -qq "linux-image-$KVER") >"$TMPD/out" 2>&1 ||
				{ cat "$TMPD/out" >&2; die "apt-get download linux-image-$KVER failed"; }
		else
			cat "$TMPD/out" >&2
			die "apt-get download linux-image-$KVER failed"
		fi
	fi
	deb=$(find "$TMPD/dl" -maxdepth 1 -name "linux-image-${KVER}_*.deb" | head -n1)
	[ -n "$deb" ] || die "apt-get download produced no linux-image-$KVER .deb"
	stage="$VMDIR/.linux-$KVER.tmp.$$"
	rm -rf "$stage"
	quiet dpkg-deb -x "$deb" "$stage"
	[ -f "$stage/boot/vmlinuz-$KVER" ] || die "no boot/vmlinuz-$KVER in $deb"
	[ -d "$stage/lib/modules/$KVER" ] || die "no lib/modules/$KVER in $deb"
	# The package's postinst would run depmod; do it here so that modprobe
	# works in the guest, where this tree is bind-mounted on /lib/modules/<ver>.
	quiet depmod -b "$stage" -F "$stage/boot/System.map-$KVER" "$KVER"
	ln -sfn "/usr/src/linux-headers-$KVER" "$stage/lib/modules/$KVER/build"
	rm -rf "$KROOT"
	mv "$stage" "$KROOT"
fi

if [ ! -f "$KROOT/boot/vmlinux-$KVER" ] && [ ! -f "$KROOT/boot/.no-pvh" ]; then
	say "extracting vmlinux-$KVER (direct PVH boot)"
	if ! extract_vmlinux "$KROOT/boot/vmlinuz-$KVER" "$KROOT/boot/vmlinux-$KVER"; then
		say "no PVH-bootable vmlinux in vmlinuz-$KVER; the VM boots the bzImage (slower)"
		: >"$KROOT/boot/.no-pvh"
	fi
fi

# ---- 6. lwIP's source package (the tcp component's stack; docs/net.md) ----
"$REPO/scripts/lwip.sh"
