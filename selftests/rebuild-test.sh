#!/bin/bash
# rebuild-test.sh - host side, run by check.sh after a full build: a make
# right after a make does nothing for the user tools, components and
# tests, and a change to one component rebuilds that component only (no
# runtime object rebuilt, no other component relinked). TAP 13.
set -uo pipefail
cd "$(dirname "$0")/.."
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n $*"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n $*"; }
targets=(user components tests)
# the commands make runs (or would run): every line but make's own
commands() { grep -vE "^make(\[[0-9]+\])?: (Nothing to be done|'.*' is up to date)" || true; }

echo "TAP version 13"
echo "1..4"
make --no-print-directory "${targets[@]}" >/dev/null 2>&1	# as `make check` left it

if make -q --no-print-directory "${targets[@]}"; then
	ok "make -q: ${targets[*]} up to date after a build"
else
	nok "make -q: something is out of date right after a build:"
	make -n --no-print-directory "${targets[@]}" 2>&1 | commands | sed 's/^/#   /' | head -20
fi
out=$(make --no-print-directory "${targets[@]}" 2>&1 | commands)
if [ -z "$out" ]; then
	ok "a second make runs no command"
else
	nok "a second make runs commands:"
	sed 's/^/#   /' <<<"$out" | head -20
fi

touch components/hello/hello.c
out=$(make --no-print-directory "${targets[@]}" 2>&1 | commands)
links=$(grep -c -- '-static-pie' <<<"$out" || true)
if [ "$links" = 1 ] && grep -q -- '-o build/components/hello.elf' <<<"$out" &&
   ! grep -q -- '-o build/rt/' <<<"$out"; then
	ok "a changed component relinks that component only"
else
	nok "after touching hello.c: $links links, commands:"
	sed 's/^/#   /' <<<"$out" | head -20
fi
if make -q --no-print-directory "${targets[@]}"; then
	ok "make -q: up to date again after that rebuild"
else
	nok "make -q: still out of date after rebuilding hello:"
	make -n --no-print-directory "${targets[@]}" 2>&1 | commands | sed 's/^/#   /' | head -20
fi
[ "$failed" = 0 ]
