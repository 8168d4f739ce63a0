#!/usr/bin/env bash
# scripts/lwip.sh - fetch lwIP's Debian source package and unpack it under
# build/lwip/ (docs/net.md). Called by scripts/deps.sh; safe to run alone.
#
# The machine's apt setup is never edited: a private sources list holds one
# deb-src line for bookworm, with its own lists and cache under build/lwip/.
# The three files are checked against the sha256 sums below before
# dpkg-source unpacks them (it checks the .dsc's own sums as well). No lwIP
# file is committed to this tree; the port (userlib/lwip/) is our own.
#
# Result: build/lwip/src -> lwip-2.1.3+dfsg1/ (its src/ and COPYING).
# Idempotent and quiet: one line per action, nothing when it is in place.
set -euo pipefail
export LC_ALL=C

LWIP_VERSION=2.1.3+dfsg1-2
LWIP_UPSTREAM=2.1.3+dfsg1
declare -A LWIP_SHA256=(
	[lwip_2.1.3+dfsg1-2.dsc]=8d8f944db8e6d542fc2d6f01559078fb1b5dda71651c67ee5fa3571ed1342c50
	[lwip_2.1.3+dfsg1.orig.tar.xz]=0a8276d09fc4e97bbba2f953d74af2388fc2195ea156be9d7589e297a68fde24
	[lwip_2.1.3+dfsg1-2.debian.tar.xz]=c5a48413d362cc757032cdd58f528f75eb64ee781ca46ca24f010b49b0e62a90
)
MIRROR=${LWIP_MIRROR:-http://deb.debian.org/debian}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
DIR="$REPO/build/lwip"
TREE="$DIR/lwip-$LWIP_UPSTREAM"

say() { printf 'lwip: %s\n' "$*"; }
die() { printf 'lwip: error: %s\n' "$*" >&2; exit 1; }

# The tree is complete when the marker written after a verified unpack is
# there and names this version.
if [ "$(cat "$TREE/.cos-unpacked" 2>/dev/null || true)" = "$LWIP_VERSION" ] &&
	[ "$(readlink "$DIR/src" 2>/dev/null || true)" = "lwip-$LWIP_UPSTREAM" ]; then
	exit 0
fi

command -v dpkg-source >/dev/null || die "dpkg-source missing (package dpkg-dev; run make deps)"
[ -r "$KEYRING" ] || die "$KEYRING missing (package debian-archive-keyring)"

verify() { # verify FILE: 0 if its sha256 is the pinned one
	local f=$1 want=${LWIP_SHA256[$(basename "$1")]}
	[ -f "$f" ] && [ "$(sha256sum "$f" | cut -d' ' -f1)" = "$want" ]
}

DL="$DIR/dl"
mkdir -p "$DL"
need=0
for f in "${!LWIP_SHA256[@]}"; do
	verify "$DL/$f" || need=1
done
if [ "$need" = 1 ]; then
	say "fetching the source package lwip $LWIP_VERSION (private apt lists under build/lwip/apt)"
	APT="$DIR/apt"
	mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial"
	echo "deb-src [signed-by=$KEYRING] $MIRROR bookworm main" >"$APT/sources.list"
	opts=(-o "Dir::Etc::SourceList=$APT/sources.list" -o Dir::Etc::SourceParts=-
		-o "Dir::State::Lists=$APT/lists" -o "Dir::Cache=$APT/cache"
		-o APT::Sandbox::User=root)
	log="$APT/log"
	apt-get "${opts[@]}" update -qq >"$log" 2>&1 || { cat "$log" >&2; die "apt-get update (deb-src) failed"; }
	rm -f "$DL"/lwip_*
	(cd "$DL" && apt-get "${opts[@]}" source --download-only "lwip=$LWIP_VERSION") >"$log" 2>&1 ||
		{ cat "$log" >&2; die "apt-get source --download-only lwip=$LWIP_VERSION failed"; }
	for f in "${!LWIP_SHA256[@]}"; do
		[ -f "$DL/$f" ] || die "apt-get source brought no $f"
		verify "$DL/$f" || die "sha256 of $f is $(sha256sum "$DL/$f" | cut -d' ' -f1), not ${LWIP_SHA256[$f]}"
	done
fi

say "unpacking lwip $LWIP_VERSION into build/lwip/lwip-$LWIP_UPSTREAM"
stage="$DIR/.unpack.$$"
rm -rf "$stage" "$TREE"
log="$DIR/unpack.log"
# The .dsc is signed by its uploader, whose key is not in the archive
# keyring: the pinned sums above are the check.
dpkg-source -x "$DL/lwip_$LWIP_VERSION.dsc" "$stage" >"$log" 2>&1 ||
	{ cat "$log" >&2; rm -rf "$stage"; die "dpkg-source -x failed"; }
rm -f "$DIR/lwip_$LWIP_UPSTREAM.orig.tar.xz"	# dpkg-source's link beside the tree
[ -f "$stage/src/core/tcp.c" ] || die "no src/core/tcp.c in the unpacked source"
echo "$LWIP_VERSION" >"$stage/.cos-unpacked"
mv "$stage" "$TREE"
ln -sfn "lwip-$LWIP_UPSTREAM" "$DIR/src"
