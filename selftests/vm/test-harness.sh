#!/usr/bin/env bash
# selftests/vm/test-harness.sh - checks the QEMU harness itself.
#
# Usage: selftests/vm/test-harness.sh [--no-boot]
#
# Part 1 (no boot, ~1 s): run-vm.sh --check-log on fabricated console logs:
# every kernel-log pattern fails the run (70), kernel parameter names and
# other look-alikes do not, missing EXIT token (71), taint (73), exit status.
# Part 2 (real guest boots, ~1-2 min under TCG): exit status, panic,
# la57, pti, icount, timeout, two runs at once, the guest lock, --kernel. Prints TAP-style lines and
# a closing "N passed, N failed"; exits non-zero when anything failed.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(cd "$HERE/../.." && pwd -P)
RUN="$HERE/run-vm.sh"
BOOT=1
[ "${1:-}" != "--no-boot" ] || BOOT=0

T=$(mktemp -d /tmp/cos-harness.XXXXXX)
trap 'rm -rf "$T"' EXIT

pass=0
fail=0
n=0
ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n - $*"; }

# expect_rc WANT DESCRIPTION CMD... (WANT "nz" = any non-zero)
expect_rc() {
	local want=$1 desc=$2 rc=0
	shift 2
	"$@" >"$T/out" 2>&1 || rc=$?
	if [ "$want" = nz ] && [ "$rc" != 0 ] || [ "$rc" = "$want" ]; then
		ok "$desc (rc=$rc)"
	else
		nok "$desc (rc=$rc, want $want)"
		sed 's/^/#   /' "$T/out" | tail -n 15
	fi
}

# mklog FILE EXIT TAINT [EXTRA LINE...]: a console log as the guest makes it
# (CR LF line ends, kernel lines also repeated inside the dmesg dump).
mklog() {
	local f=$1 ex=$2 taint=$3 l
	shift 3
	{
		echo "vm: qemu: fabricated by test-harness.sh"
		echo "[    0.000000] Linux version 6.1.0-56-amd64 (fabricated)"
		echo "[    0.071417] Kernel command line: console=ttyS0 panic=-1 panic_on_warn=1 oops=panic softlockup_panic=1 hung_task_timeout_secs=30 slub_debug=FZPU page_poison=1"
		for l in "$@"; do echo "[    1.234567] $l"; done
		echo "COS-GUEST-START uptime=3.21"
		echo "hello from the command"
		[ "$taint" = none ] || echo "COS-GUEST-TAINT=$taint"
		echo "COS-GUEST-DMESG-BEGIN"
		for l in "$@"; do echo "[    1.234567] $l"; done
		echo "COS-GUEST-DMESG-END"
		[ "$ex" = none ] || echo "COS-GUEST-EXIT=$ex"
		echo "[    5.000000] reboot: Power down"
	} | sed 's/$/\r/' >"$f"
}

echo "# part 1: verdict on fabricated logs (--check-log)"
mklog "$T/clean.log" 0 0 "mtrr: your CPUs had inconsistent fixed MTRR settings"
expect_rc 0 "clean log passes" "$RUN" --check-log "$T/clean.log"
mklog "$T/exit5.log" 5 0
expect_rc 5 "command status 5 is passed through" "$RUN" --check-log "$T/exit5.log"
mklog "$T/noexit.log" none 0
expect_rc 71 "missing COS-GUEST-EXIT token" "$RUN" --check-log "$T/noexit.log"
mklog "$T/oe.log" 0 12288 "cos: loading out-of-tree module taints kernel."
expect_rc 0 "taint O|E (12288) is allowed" "$RUN" --check-log "$T/oe.log"
mklog "$T/taint.log" 0 12289
expect_rc 73 "taint P (1) fails" "$RUN" --check-log "$T/taint.log"
mklog "$T/taint2.log" 0 none
expect_rc 73 "missing COS-GUEST-TAINT token fails" "$RUN" --check-log "$T/taint2.log"
mklog "$T/mce.log" 0 12304
expect_rc 73 "taint M (machine check, 16) fails by default" "$RUN" --check-log "$T/mce.log"
expect_rc 0 "taint M passes with --allow-taint M" "$RUN" --allow-taint M --check-log "$T/mce.log"
expect_rc 73 "--allow-taint M does not allow P" "$RUN" --allow-taint M --check-log "$T/taint.log"

bad_lines=(
	"Oops: 0002 [#1] PREEMPT SMP NOPTI"
	"BUG: kernel NULL pointer dereference, address: 0000000000000008"
	"WARNING: CPU: 1 PID: 234 at kmod/pd.c:42 cos_pd_free+0x1f/0x40 [cos]"
	"Kernel panic - not syncing: Fatal exception"
	"general protection fault, probably for non-canonical address 0xdead000000000100: 0000 [#1]"
	"watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [cos:123]"
	"INFO: task cos:123 blocked for more than 120 seconds."
	"Kernel panic - not syncing: hung_task: blocked tasks"
	"rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:"
	"rcu: INFO: rcu_sched self-detected stall on CPU"
	"list_add corruption. prev->next should be next (ffff888004a1b2c0), but was 0000000000000000."
	"list_del corruption, ffff888004a1b2c0->next is LIST_POISON1 (dead000000000100)"
	"refcount_t: underflow; use-after-free."
	"kernel BUG at mm/slub.c:379!"
	"Unable to handle kernel paging request at virtual address 0000000000001234"
	"traps: PANIC: double fault, error_code: 0x0"
	"Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: cos_invoke+0x99/0xa0 [cos]"
	"BUG kmalloc-64 (Tainted: G           OE     ): Redzone overwritten"
	"BUG kmalloc-128 (Not tainted): Poison overwritten"
	"BUG cos_pd (Tainted: G           OE     ): Object corrupt"
	"Slab corruption (Tainted: G): kmalloc-64 start=ffff888004a1b2c0, len=64"
	"pagealloc: memory corruption"
	"cos: leak: 3 protection domains still allocated at unload"
)
i=0
for l in "${bad_lines[@]}"; do
	i=$((i + 1))
	mklog "$T/bad$i.log" 0 0 "$l"
	expect_rc 70 "kernel log line fails the run: ${l:0:60}" "$RUN" --check-log "$T/bad$i.log"
done
# A bad line only inside the dmesg dump (printed below the console loglevel).
{
	echo "COS-GUEST-START uptime=1.0"
	echo "COS-GUEST-TAINT=0"
	echo "COS-GUEST-DMESG-BEGIN"
	echo "[    2.000000] refcount_t: addition on 0; use-after-free."
	echo "COS-GUEST-DMESG-END"
	echo "COS-GUEST-EXIT=0"
} >"$T/dump.log"
expect_rc 70 "bad line only in the dmesg dump fails" "$RUN" --check-log "$T/dump.log"

good_lines=(
	"Kernel command line: hung_task_timeout_secs=30 softlockup_panic=1 panic_on_warn=1 oops=panic"
	"Unknown kernel command line parameters \"cosvm_init=/x\", will be passed to user space."
	"Warning: unable to open an initial console."
	"mem auto-init: SLAB_POISON will take precedence over init_on_alloc/init_on_free"
	"x86/mm: Checked W+X mappings: passed, no W+X pages found."
	"cos: loaded: ABI 1.0, 4-level paging, /dev/cos ready"
)
i=0
for l in "${good_lines[@]}"; do
	i=$((i + 1))
	mklog "$T/good$i.log" 0 0 "$l"
	expect_rc 0 "harmless line passes: ${l:0:60}" "$RUN" --check-log "$T/good$i.log"
done
expect_rc 2 "unknown option is a usage error" "$RUN" --no-such-option
expect_rc 2 "no command is a usage error" "$RUN"
expect_rc 0 "--help" "$RUN" --help

if [ "$BOOT" = 1 ]; then
	echo "# part 2: real guest boots"
	if [ ! -f "$REPO/build/kver" ]; then
		nok "build/kver missing: run make deps (scripts/deps.sh) first"
	else
		t0=$EPOCHREALTIME
		expect_rc 0 "uname/cmdline/pwd/modules in the guest" "$RUN" --quiet -- \
			'set -e; uname -r; cat /proc/cmdline; pwd; ls /lib/modules
			 [ "$(pwd)" = "'"$REPO"'" ] && [ "$COS_GUEST" = 1 ]
			 [ -f /lib/modules/$(uname -r)/modules.dep ]
			 grep -q " /sys/kernel/debug debugfs" /proc/mounts
			 ! read -r -t 1 x   # stdin is /dev/null
			 true'
		t1=$EPOCHREALTIME
		grep -a 'COS-GUEST-START' "$(sed -n 's/.*log: \(.*\))$/\1/p' "$T/out" | tail -n1)" |
			tr -d '\r' | sed "s/^/# boot: /; s/\$/ (whole run $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s)/" || true
		expect_rc 3 "exit 3 is passed through" "$RUN" --quiet -- 'exit 3'
		expect_rc 0 "several arguments are one quoted command" "$RUN" --quiet -- test "a b" = "a b"
		expect_rc 70 "kernel panic (sysrq c) fails with the kernel log reason" "$RUN" --quiet -- 'echo c > /proc/sysrq-trigger'
		if grep -q 'FAIL: kernel log shows: Kernel panic' "$T/out"; then ok "panic reason names the panic"; else nok "panic reason names the panic"; fi
		expect_rc 0 "--la57 on gives 5-level paging" "$RUN" --quiet --la57 on -- 'grep -o la57 /proc/cpuinfo | head -1 | grep -q la57'
		expect_rc 0 "--la57 off (default) gives 4-level paging" "$RUN" --quiet -- '! grep -q la57 /proc/cpuinfo'
		expect_rc 0 "--pti enables page-table isolation" "$RUN" --quiet --pti -- 'dmesg | grep -i isolation | grep -q enabled'
		expect_rc 0 "--icount -- true" "$RUN" --quiet --icount -- true
		expect_rc 72 "--timeout kills QEMU" "$RUN" --quiet --timeout 3 -- 'sleep 600'
		rc1=0 rc2=0
		"$RUN" --quiet -- 'exit 7' >"$T/p1" 2>&1 &
		p1=$!
		"$RUN" --quiet -- 'exit 8' >"$T/p2" 2>&1 &
		p2=$!
		wait "$p1" || rc1=$?
		wait "$p2" || rc2=$?
		if [ "$rc1" = 7 ] && [ "$rc2" = 8 ]; then ok "two runs at once (rc 7 and 8)"; else nok "two runs at once (rc $rc1 $rc2)"; fi
		# The guest lock: a run waits while someone (a benchmark) holds it
		# exclusively, and goes on when it is released.
		lk=$T/guest.lock
		: >"$lk"
		exec 7<"$lk"
		flock -x 7
		COS_GUEST_LOCK=$lk "$RUN" --quiet -- 'exit 5' >"$T/lk.out" 2>&1 &
		lp=$!
		sleep 3
		if kill -0 "$lp" 2>/dev/null && grep -q "waiting for $lk" "$T/lk.out"; then
			ok "a run waits while the guest lock is held exclusively"
		else
			nok "a run did not wait for the exclusive guest lock: $(cat "$T/lk.out")"
		fi
		flock -u 7
		exec 7<&-
		rc1=0
		wait "$lp" || rc1=$?
		if [ "$rc1" = 5 ]; then ok "... and runs once it is released (rc 5)"; else nok "... and then failed (rc $rc1)"; fi
		# The kernel is chosen by series and flavour, its version resolved
		# from Debian's packages.
		v612=$("$REPO/scripts/kernels.sh" resolve 6.12 amd64)
		expect_rc 0 "--kernel 6.12 boots $v612" "$RUN" --quiet --kernel 6.12 --flavour amd64 -- \
			'[ "$(uname -r)" = "'"$v612"'" ]'
		expect_rc 0 "GUEST_KERNEL=6.12 in the environment does the same" \
			env GUEST_KERNEL=6.12 GUEST_FLAVOUR=amd64 "$RUN" --quiet -- '[ "$(uname -r)" = "'"$v612"'" ]'
		expect_rc 2 "--kernel 5.10 is a usage error" "$RUN" --quiet --kernel 5.10 -- true
	fi
fi

echo "1..$n"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
