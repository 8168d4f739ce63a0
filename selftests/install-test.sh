#!/bin/bash
# install-test.sh - host side, run by check.sh: `make install` into a
# staging DESTDIR with PREFIX=/opt/cos puts every file where cli.h's
# layout says, the installed cos finds its own components and helpers,
# `make uninstall` takes it all away again. Nothing is loaded: the module
# only goes through modules_install (DEPMOD=true), and no system runs
# (the host has no /dev/cos). It leaves build/install-test/ for the
# guest's half, selftests/cos_install.sh. TAP 13.
set -uo pipefail
cd "$(dirname "$0")/.."
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $*"; }
skip() { n=$((n + 1)); echo "ok $n # SKIP $*"; }
show() { sed 's/^/#   /' | tail -n "${1:-15}"; }
PREFIX=/opt/cos
dest=$PWD/build/install-test	# selftests/cos_install.sh reads it there
inst=$dest$PREFIX
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
install_into() {	# install_into DESTDIR: make install's output into $tmp/log
	make --no-print-directory install DESTDIR="$1" PREFIX=$PREFIX DEPMOD=true \
		>"$tmp/log" 2>&1
}
# same_files DIR FILES...: each FILE is in DIR, byte for byte
same_files() {
	local dir=$1 f
	shift
	for f in "$@"; do cmp -s "$f" "$dir/$(basename "$f")" || { echo "# $f: not in $dir"; return 1; }; done
}

echo "TAP version 13"
echo "1..12"
rm -rf "$dest"
if install_into "$dest"; then
	ok "make install DESTDIR=build/install-test PREFIX=$PREFIX"
else
	nok "make install failed:"; show <"$tmp/log"
fi
if [ -x "$inst/bin/cos" ] && cmp -s build/cos "$inst/bin/cos"; then
	ok "cos in PREFIX/bin"
else
	nok "no $inst/bin/cos, or not build/cos"
fi
comps=(build/components/*.elf)
if same_files "$inst/lib/cos/components" "${comps[@]}" &&
   [ "$(find "$inst/lib/cos/components" -name '*.elf' -perm -u=r ! -perm /111 | wc -l)" = "${#comps[@]}" ]; then
	ok "all ${#comps[@]} components in PREFIX/lib/cos/components, mode 644"
else
	nok "components missing or executable in $inst/lib/cos/components"
fi
systems=(components/systems/*.sys)
if same_files "$inst/share/cos/systems" "${systems[@]}"; then
	ok "all ${#systems[@]} system descriptions in PREFIX/share/cos/systems"
else
	nok "system descriptions missing in $inst/share/cos/systems"
fi
if [ -x "$inst/libexec/cos/cos-bench-io.sh" ] && [ -x "$inst/libexec/cos/cos_ethpeer" ] &&
   same_files "$inst/libexec/cos" userlib/cli/cos-bench-io.sh build/selftests/cos_ethpeer; then
	ok "cos-bench-io.sh and cos_ethpeer in PREFIX/libexec/cos"
else
	nok "cos bench io's helpers missing in $inst/libexec/cos"
fi
release=$(modinfo -F vermagic cos.ko | cut -d' ' -f1)
mod=$dest/lib/modules/$release/extra/cos.ko
if [ -f "$mod" ] && [ "$(modinfo -F srcversion "$mod")" = "$(modinfo -F srcversion cos.ko)" ]; then
	ok "cos.ko through modules_install in DESTDIR/lib/modules/$release/extra"
else
	nok "no $mod (or another module)"
fi

# The installed cos, run from / so that nothing resolves from the checkout:
# it parses the system, finding the components in its own directory, and
# only then finds no /dev/cos (exit 69).
if [ -e /dev/cos ]; then
	skip "/dev/cos exists on this host: no system is run here"
else
	out=$(cd / && "$inst/bin/cos" run "$inst/share/cos/systems/echo.sys" 2>&1); rc=$?
	if [ "$rc" = 69 ] && grep -q 'cannot open /dev/cos' <<<"$out"; then
		ok "installed cos parses an installed system, its components found in PREFIX/lib/cos/components"
	else
		nok "installed cos run echo.sys: exit $rc (want 69):"; show <<<"$out"
	fi
fi

# A second tree to break and to uninstall.
u=$tmp/dest
if ! install_into "$u"; then
	nok "make install into a second DESTDIR failed:"; show <"$tmp/log"
fi
rm "$u$PREFIX/lib/cos/components/calc.elf"
out=$(cd / && "$u$PREFIX/bin/cos" run "$u$PREFIX/share/cos/systems/calc.sys" 2>&1); rc=$?
if [ "$rc" = 65 ] && grep -qF "calc.sys:5: cannot read build/components/calc.elf: No such file or directory (nor in $u$PREFIX/bin/../lib/cos/components)" <<<"$out"; then
	ok "a component missing from PREFIX/lib/cos/components: exit 65, the file and where it was looked for"
else
	nok "missing calc.elf: exit $rc (want 65):"; show <<<"$out"
fi
rm "$u$PREFIX/libexec/cos/cos-bench-io.sh"
out=$("$u$PREFIX/bin/cos" bench io 2>&1); rc=$?
if [ "$rc" = 1 ] && grep -qF "bench io: $u$PREFIX/bin/../libexec/cos/cos-bench-io.sh: No such file or directory" <<<"$out"; then
	ok "cos bench io without its script: exit 1, the path it looked for"
else
	nok "cos bench io without its script: exit $rc (want 1):"; show <<<"$out"
fi
if make --no-print-directory uninstall DESTDIR="$u" PREFIX=$PREFIX DEPMOD=true >"$tmp/log" 2>&1 &&
   [ -z "$(find "$u" -type f)" ]; then
	ok "make uninstall leaves no file"
else
	nok "make uninstall left:"; { cat "$tmp/log"; find "$u" -type f; } | show
fi

# dkms.conf: the package's version is the ABI's.
abi=$(sed -nE 's/^#define COS_ABI_MAJOR\s+([0-9]+).*/\1/p' kmod/uapi/*.h).$(sed -nE 's/^#define COS_ABI_MINOR\s+([0-9]+).*/\1/p' kmod/uapi/*.h)
ver=$(sed -nE 's/^PACKAGE_VERSION="?([^"]*)"?$/\1/p' dkms.conf)
if [ "$ver" = "$abi" ]; then
	ok "dkms.conf: PACKAGE_VERSION $ver is the ABI's"
else
	nok "dkms.conf: PACKAGE_VERSION '$ver', the ABI is $abi (kmod/uapi/cos.h)"
fi

# dkms builds the module from a copy of the tree for the guest's kernel,
# into trees of its own under $tmp (no dkms install: that is depmod and
# /lib/modules). sign_file: no MOK key made on this host for it.
if ! command -v dkms >/dev/null; then
	skip "dkms build: no dkms on this host (apt-get install dkms)"
else
	kver=$(cat build/kver)
	src=$tmp/src/cos-$ver
	mkdir -p "$src" "$tmp/dkms" "$tmp/installed"
	git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$src"
	trees=(--sourcetree "$tmp/src" --dkmstree "$tmp/dkms" --installtree "$tmp/installed")
	built=$tmp/dkms/cos/$ver/$kver/x86_64/module/cos.ko
	if (cd / && sign_file=/nonexistent dkms add -m cos -v "$ver" "${trees[@]}" &&
	    sign_file=/nonexistent dkms build -m cos -v "$ver" -k "$kver" \
		--kernelsourcedir "/usr/src/linux-headers-$kver" "${trees[@]}") >"$tmp/log" 2>&1 &&
	   [ "$(modinfo -F vermagic "$built" | cut -d' ' -f1)" = "$kver" ]; then
		ok "dkms add and build: cos.ko for $kver from dkms.conf"
	else
		nok "dkms build:"; { cat "$tmp/log"; cat "$tmp/dkms/cos/$ver/build/make.log" 2>/dev/null; } | show 25
	fi
fi
[ "$failed" = 0 ]
