#!/usr/bin/env bash
# scripts/kernels.sh - the Debian 12 kernels cos builds for and boots in its
# test guests (docs/kernels.md): two series, 6.1 (bookworm's own) and 6.12
# (bookworm-security), in three flavours each: amd64, cloud-amd64, rt-amd64.
#
#   kernels.sh list                  the six "SERIES FLAVOUR" pairs
#   kernels.sh resolve SERIES FLAVOUR   the ABI version, e.g. 6.1.0-57-amd64,
#                                    6.12.118+deb12-rt-amd64
#   kernels.sh image SERIES FLAVOUR  unpack the kernel into build/vm/linux-<ver>/
#                                    (never installed); prints <ver>
#   kernels.sh headers SERIES FLAVOUR   a KDIR for it; prints its path
#   kernels.sh kdir VER              the KDIR of an already prepared <ver>
#
# The version always comes from Debian's meta packages (linux-image-FLAVOUR
# for 6.1, linux-image-6.12-FLAVOUR for 6.12), never from this file; the
# answer is cached per state of the apt lists. Images and modules are
# downloaded with apt-get download and unpacked with dpkg-deb -x. Headers:
# the installed /usr/src/linux-headers-<ver> if there is one (make deps
# installs the 6.1 generic ones, which pull no kernel image); otherwise
# linux-headers-<ver>, its -common package and its linux-kbuild unpacked
# into build/kheaders/ (6.12's headers packages depend on a kernel image,
# so they are never installed).
set -euo pipefail
export LC_ALL=C

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
BUILD="$REPO/build"
VMDIR="$BUILD/vm"
KHDIR="$BUILD/kheaders"

SERIES="6.1 6.12"
FLAVOURS="amd64 cloud-amd64 rt-amd64"

say() { printf 'kernels: %s\n' "$*" >&2; }
die() { printf 'kernels: error: %s\n' "$*" >&2; exit 1; }

TMPD=""
cleanup() { [ -z "$TMPD" ] || rm -rf "$TMPD"; }
trap cleanup EXIT
tmpdir() { [ -n "$TMPD" ] || TMPD=$(mktemp -d /tmp/cos-kernels.XXXXXX); }

quiet() {
	tmpdir
	if ! "$@" >"$TMPD/out" 2>&1; then
		cat "$TMPD/out" >&2
		die "failed: $*"
	fi
}

check_pair() {
	case " $SERIES " in *" $1 "*) ;; *) die "unknown kernel series '$1' (one of: $SERIES)" ;; esac
	case " $FLAVOURS " in *" $2 "*) ;; *) die "unknown flavour '$2' (one of: $FLAVOURS)" ;; esac
}

lists_key() {
	stat -c '%y %i' /var/lib/apt/lists 2>/dev/null || echo none
	stat -c '%y' /etc/apt/sources.list /etc/apt/sources.list.d 2>/dev/null || true
}

# The Depends of PKG named PREFIX<something>, <something> printed.
pkg_dep() { # pkg_dep PKG PREFIX SUFFIX-REGEX
	apt-cache depends "$1" 2>/dev/null |
		sed -n "s/^ *Depends: $2\\([0-9][^ <>]*$3\\)\$/\\1/p" | head -n1
}

meta_pkg() { # meta_pkg image|headers SERIES FLAVOUR
	case "$2" in
	6.1) echo "linux-$1-$3" ;;   # bookworm's default kernel
	*) echo "linux-$1-$2-$3" ;;  # linux-image-6.12-amd64 and the like
	esac
}

resolve_uncached() { # SERIES FLAVOUR
	local ver hver
	ver=$(pkg_dep "$(meta_pkg image "$1" "$2")" linux-image- "-$2")
	hver=$(pkg_dep "$(meta_pkg headers "$1" "$2")" linux-headers- "-$2")
	[ -n "$ver" ] || return 1
	[ "$ver" = "$hver" ] ||
		die "$(meta_pkg image "$1" "$2") -> $ver but $(meta_pkg headers "$1" "$2") -> ${hver:-nothing}; apt lists inconsistent (try apt-get update)"
	case "$ver" in
	"$1".*) ;;
	*) die "$(meta_pkg image "$1" "$2") resolves to $ver, not a $1 kernel" ;;
	esac
	case "$ver" in
	*[!A-Za-z0-9.+-]*) die "unexpected kernel version string '$ver'" ;;
	esac
	echo "$ver"
}

resolve() { # SERIES FLAVOUR
	check_pair "$1" "$2"
	local cache="$VMDIR/.kver-$1-$2" key ver
	key=$(lists_key)
	if [ -f "$cache" ] && [ "$(head -n -1 "$cache")" = "$key" ]; then
		tail -n1 "$cache"
		return 0
	fi
	ver=$(resolve_uncached "$1" "$2") || {
		[ "$(id -u)" = 0 ] || die "cannot resolve $(meta_pkg image "$1" "$2") with apt-cache (run make deps as root: apt-get update)"
		say "apt-get update"
		quiet apt-get update -qq
		key=$(lists_key)
		ver=$(resolve_uncached "$1" "$2") ||
			die "cannot resolve $(meta_pkg image "$1" "$2") to a versioned kernel package with apt-cache depends"
	}
	mkdir -p "$VMDIR"
	{ echo "$key"; echo "$ver"; } >"$cache.$$" && mv -f "$cache.$$" "$cache"
	echo "$ver"
}

# download PKG DIR: apt-get download PKG into DIR, prints the .deb
download() {
	local pkg=$1 dir=$2 deb
	mkdir -p "$dir"
	if ! (cd "$dir" && apt-get download -qq "$pkg") >"$dir/.out" 2>&1; then
		if [ "$(id -u)" = 0 ]; then
			say "apt-get update (downloading $pkg failed)"
			quiet apt-get update -qq
			(cd "$dir" && apt-get download -qq "$pkg") >"$dir/.out" 2>&1 ||
				{ cat "$dir/.out" >&2; die "apt-get download $pkg failed"; }
		else
			cat "$dir/.out" >&2
			die "apt-get download $pkg failed"
		fi
	fi
	deb=$(find "$dir" -maxdepth 1 -name "${pkg}_*.deb" | head -n1)
	[ -n "$deb" ] || die "apt-get download produced no $pkg .deb"
	echo "$deb"
}

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
		readelf -n "$out.tmp" 2>/dev/null | grep -qE 'Xen.*(0x00000012|PHYS32)'; then
		mv -f "$out.tmp" "$out"
	else
		rm -f "$out.tmp"
		return 1
	fi
}

# kdir VER: where the headers of VER are (installed, or unpacked by us).
kdir() {
	if [ -f "/usr/src/linux-headers-$1/Makefile" ]; then
		echo "/usr/src/linux-headers-$1"
	else
		echo "$KHDIR/usr/src/linux-headers-$1"
	fi
}

image() { # SERIES FLAVOUR
	local ver kroot deb stage
	ver=$(resolve "$1" "$2")
	kroot="$VMDIR/linux-$ver"
	if [ ! -f "$kroot/boot/vmlinuz-$ver" ] || [ ! -f "$kroot/lib/modules/$ver/modules.dep" ]; then
		tmpdir
		say "downloading linux-image-$ver (unpacked into build/vm/linux-$ver, not installed)"
		deb=$(download "linux-image-$ver" "$TMPD/dl")
		stage="$VMDIR/.linux-$ver.tmp.$$"
		rm -rf "$stage"
		quiet dpkg-deb -x "$deb" "$stage"
		[ -f "$stage/boot/vmlinuz-$ver" ] || die "no boot/vmlinuz-$ver in $deb"
		[ -d "$stage/lib/modules/$ver" ] || die "no lib/modules/$ver in $deb"
		# The package's postinst would run depmod; do it here so that
		# modprobe works in the guest, where this tree is bind-mounted on
		# /lib/modules/<ver>. 6.12's System.map is a stub (the real one is
		# in the -dbg package): then no -F.
		local -a fmap=()
		if [ "$(stat -c %s "$stage/boot/System.map-$ver")" -gt 4096 ]; then
			fmap=(-F "$stage/boot/System.map-$ver")
		fi
		quiet depmod -b "$stage" "${fmap[@]}" "$ver"
		rm -rf "$kroot"
		mv "$stage" "$kroot"
	fi
	# lib/modules/<ver>/build, as an installed kernel has it.
	ln -sfn "$(kdir "$ver")" "$kroot/lib/modules/$ver/build"
	if [ ! -f "$kroot/boot/vmlinux-$ver" ] && [ ! -f "$kroot/boot/.no-pvh" ]; then
		say "extracting vmlinux-$ver (direct PVH boot)"
		if ! extract_vmlinux "$kroot/boot/vmlinuz-$ver" "$kroot/boot/vmlinux-$ver"; then
			say "no PVH-bootable vmlinux in vmlinuz-$ver; the VM boots the bzImage (slower)"
			: >"$kroot/boot/.no-pvh"
		fi
	fi
	echo "$ver"
}

headers() { # SERIES FLAVOUR
	local ver kd pkgs p deb common kbuild
	ver=$(resolve "$1" "$2")
	kd=$(kdir "$ver")
	case "$kd" in
	/usr/src/*) echo "$kd"; return 0 ;;	# installed (make deps)
	esac
	if [ -f "$kd/.cos-unpacked" ]; then	# unpacked completely before
		echo "$kd"
		return 0
	fi
	common=$(pkg_dep "linux-headers-$ver" "linux-headers-" "-common[a-z-]*")
	kbuild=$(pkg_dep "linux-headers-$ver" "linux-kbuild-" "")
	[ -n "$common" ] && [ -n "$kbuild" ] ||
		die "linux-headers-$ver: cannot tell its -common and linux-kbuild packages (apt-cache depends)"
	pkgs="linux-headers-$ver linux-headers-$common linux-kbuild-$kbuild"
	tmpdir
	say "downloading $pkgs (unpacked into build/kheaders, not installed)"
	mkdir -p "$KHDIR"
	for p in $pkgs; do
		deb=$(download "$p" "$TMPD/hdl")
		quiet dpkg-deb -x "$deb" "$KHDIR"
	done
	[ -f "$kd/Makefile" ] || die "no usr/src/linux-headers-$ver/Makefile in linux-headers-$ver"
	# Its Makefile includes the -common one by absolute path; the symlinks
	# (scripts, tools -> ../../lib/linux-kbuild-*) are relative already.
	sed -i "s|^include /usr/src/|include $KHDIR/usr/src/|" "$kd/Makefile"
	[ -e "$kd/scripts/Makefile.build" ] || die "$kd/scripts: linux-kbuild-$kbuild did not unpack where linux-headers-$ver points"
	: >"$kd/.cos-unpacked"
	echo "$kd"
}

cmd=${1:-}
case "$cmd" in
list)
	for s in $SERIES; do for f in $FLAVOURS; do echo "$s $f"; done; done
	;;
resolve | image | headers)
	[ "$#" = 3 ] || die "usage: $0 $cmd SERIES FLAVOUR"
	"$cmd" "$2" "$3"
	;;
kdir)
	[ "$#" = 2 ] || die "usage: $0 kdir VER"
	kdir "$2"
	;;
*)
	sed -n '2,23s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
	;;
esac
