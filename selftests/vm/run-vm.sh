#!/usr/bin/env bash
# selftests/vm/run-vm.sh - boot the guest kernel in QEMU (TCG) with the host's
# root shared read-only over 9p (+ tmpfs overlay) and run a command in it.
# See selftests/vm/README.md. Run "run-vm.sh --help" for the options.
set -euo pipefail
export LC_ALL=C

SELF_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(cd "$SELF_DIR/../.." && pwd -P)
VMDIR="$REPO/build/vm"

# Exit codes of the verdict (besides the command's own status 0..255).
EXIT_USAGE=2
EXIT_KLOG=70    # kernel log shows an oops/BUG/WARNING/... or a cos leak
EXIT_NOEXIT=71  # no COS-GUEST-EXIT token: guest died, hung in boot, ...
EXIT_TIMEOUT=72 # outer timeout, QEMU killed
EXIT_TAINT=73   # kernel tainted beyond out-of-tree (O) and unsigned (E)
TAINT_ALLOWED=$((4096 | 8192))

# Kernel log lines that fail a run (extended regexp, case-sensitive).
# Underscore/"=" guards keep kernel parameter names such as
# hung_task_timeout_secs= from matching.
KLOG_PATTERN='Oops|BUG:|WARNING:|Kernel panic|general protection fault|soft lockup'
KLOG_PATTERN+='|hung_task([^_=a-z]|$)|blocked for more than'
KLOG_PATTERN+='|rcu: INFO:|rcu_sched self-detected stall|rcu_preempt detected stall|RCU stall'
KLOG_PATTERN+='|list_add corruption|list_del corruption|refcount_t:|kernel BUG at'
KLOG_PATTERN+='|Unable to handle kernel|double fault|stack-protector'
KLOG_PATTERN+='|[Ss]lab corruption|Redzone|Poison overwritten|Object corrupt|Freepointer corrupt'
KLOG_PATTERN+='|BUG [^ :]+ \((Not tainted|Tainted)|pagealloc: memory corruption|Bad page (state|map)'
KLOG_PATTERN+='|cos: leak'

CPUS=2
CPUS_SET=0
MEM=2048
LA57=off
PTI=0
APPEND=""
ICOUNT=0
TIMEOUT=900
LOG=""
QUIET=0
SHELL_MODE=0
KVM=0
DISKS=()
MONITOR=""
CPU_OPTS=""
ALLOW_TAINT=""
BZIMAGE=0
CHECK_LOG=""
GKERNEL=${GUEST_KERNEL:-}
GFLAVOUR=${GUEST_FLAVOUR:-}

usage() {
	cat <<'EOF'
Usage: selftests/vm/run-vm.sh [options] [--] COMMAND...
       selftests/vm/run-vm.sh --shell [options]
       selftests/vm/run-vm.sh --check-log FILE

Boots one of Debian's kernels (scripts/kernels.sh; by default build/kver, the
6.1 generic one) in QEMU/TCG with the host's root file system read-only
over 9p plus a tmpfs overlay, runs COMMAND
with bash at the repo root (COS_GUEST=1, stdin /dev/null) and judges the run.
One COMMAND argument is shell text ('make -C x && ./t'); several are one
command with its arguments, quoted as given.

Options:
  --kernel 6.1|6.12 the guest kernel's series (default: $GUEST_KERNEL, else 6.1)
  --flavour F       amd64, cloud-amd64 or rt-amd64 (default: $GUEST_FLAVOUR,
                    else amd64); the version is resolved from Debian's packages
  --cpus N          vCPUs (default 2)
  --mem MB          guest memory (default 2048)
  --la57 on|off     5-level paging in the guest (default off; on boots the
                    bzImage, whose decompressor is what enables it)
  --pti             add pti=on (page-table isolation) to the kernel command line
  --append "ARGS"   extra kernel command line arguments
  --icount          -icount shift=0,sleep=off: guest time counts instructions
                    (one vCPU: QEMU 7.2 icount livelocks with more)
  --timeout SEC     kill QEMU after SEC seconds (default 900; exit 72)
  --log FILE        console log (default build/vm/logs/run-<time>-<pid>.log)
  --quiet           do not stream the console to stdout (the log is kept)
  --shell           interactive bash in the guest at the repo root
                    (exit or Ctrl-D powers off; Ctrl-A x kills QEMU)
  --disk FILE       a second disk: FILE (raw) as a virtio-blk device, the
                    guest's /dev/vda (its real virtio-blk driver); repeatable
  --monitor SOCKET  QEMU's human monitor on the unix socket SOCKET (created;
                    removed after the run), for a host-side driver (e.g.
                    selftests/mce-inject.sh: "mce ..." injects a machine check)
  --cpu-opts OPTS   extra -cpu properties after max,la57=..., e.g.
                    vendor=GenuineIntel (TCG only)
  --allow-taint L   also accept the taint letters L (e.g. M: a machine check
                    the test injected itself) besides O and E
  --kvm             -accel kvm -cpu host instead of TCG (real machines only)
  --bzimage         boot the compressed vmlinuz through its decompressor
                    (KASLR on, ~2 s slower) instead of vmlinux's PVH entry
  --check-log FILE  only judge an existing console log (no boot)
  -h, --help        this text

Exit status: the command's own status (0..255) when the run is clean, else
  70 kernel log shows Oops/BUG/WARNING/panic/lockup/stall/corruption/cos leak
  71 no COS-GUEST-EXIT token (guest panicked, hung, never started, ...)
  72 outer timeout (QEMU killed)
  73 kernel tainted beyond out-of-tree (4096) and unsigned-module (8192)
   2 usage error or missing prerequisites (run make deps)
EOF
}

die_usage() {
	printf 'vm: %s\n' "$*" >&2
	printf 'vm: try --help\n' >&2
	exit "$EXIT_USAGE"
}

need_arg() { [ "$#" -ge 2 ] || die_usage "option $1 needs an argument"; }
is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }

while [ "$#" -gt 0 ]; do
	opt=$1
	val=""
	case "$opt" in
	--*=*)
		val=${opt#*=}
		opt=${opt%%=*}
		set -- "$opt" "$val" "${@:2}"
		;;
	esac
	case "$opt" in
	--kernel) need_arg "$@"; GKERNEL=$2; shift 2 ;;
	--flavour) need_arg "$@"; GFLAVOUR=$2; shift 2 ;;
	--cpus) need_arg "$@"; is_uint "$2" && [ "$2" -ge 1 ] || die_usage "--cpus wants a positive number"; CPUS=$2; CPUS_SET=1; shift 2 ;;
	--mem) need_arg "$@"; is_uint "$2" && [ "$2" -ge 128 ] || die_usage "--mem wants MB >= 128"; MEM=$2; shift 2 ;;
	--la57)
		need_arg "$@"
		case "$2" in on | off) LA57=$2 ;; *) die_usage "--la57 wants on or off" ;; esac
		shift 2
		;;
	--pti) PTI=1; shift ;;
	--append) need_arg "$@"; APPEND="$APPEND $2"; shift 2 ;;
	--icount) ICOUNT=1; shift ;;
	--timeout) need_arg "$@"; is_uint "$2" && [ "$2" -ge 1 ] || die_usage "--timeout wants seconds"; TIMEOUT=$2; shift 2 ;;
	--log) need_arg "$@"; LOG=$2; shift 2 ;;
	--quiet | -q) QUIET=1; shift ;;
	--shell) SHELL_MODE=1; shift ;;
	--kvm) KVM=1; shift ;;
	--disk) need_arg "$@"; [ -f "$2" ] || die_usage "--disk: no file $2"; DISKS+=("$2"); shift 2 ;;
	--monitor) need_arg "$@"; MONITOR=$2; shift 2 ;;
	--cpu-opts) need_arg "$@"; [[ $2 =~ ^[A-Za-z0-9_.=,+-]+$ ]] || die_usage "--cpu-opts: bad properties"; CPU_OPTS=",$2"; shift 2 ;;
	--allow-taint) need_arg "$@"; [[ $2 =~ ^[PFSRMBUDAWCIOELKXT]+$ ]] || die_usage "--allow-taint wants taint letters"; ALLOW_TAINT=$2; shift 2 ;;
	--bzimage) BZIMAGE=1; shift ;;
	--check-log) need_arg "$@"; CHECK_LOG=$2; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	--) shift; break ;;
	-*) die_usage "unknown option $opt" ;;
	*) break ;;
	esac
done

# --allow-taint: the letters are the bits of /proc/sys/kernel/tainted in order.
if [ -n "$ALLOW_TAINT" ]; then
	letters=PFSRMBUDAWCIOELKXT
	for ((i = 0; i < ${#letters}; i++)); do
		case "$ALLOW_TAINT" in *"${letters:i:1}"*) TAINT_ALLOWED=$((TAINT_ALLOWED | 1 << i)) ;; esac
	done
fi

# ---------------------------------------------------------------------------
# Verdict on a console log. Prints the matching lines and one final line;
# returns the exit status. verdict LOG TIMED_OUT ELAPSED QEMU_RC
verdict() {
	local log=$1 timedout=$2 secs=$3 qrc=$4 hits n exitv taint up

	if [ "$timedout" = 1 ]; then
		echo "vm: FAIL: timeout after ${TIMEOUT}s, QEMU killed (log: $log)"
		return "$EXIT_TIMEOUT"
	fi

	# Console lines, CR stripped, without the harness's own "vm: " header.
	clean() { tr -d '\r' <"$log" | grep -av '^vm: ' || true; }

	hits=$(clean | grep -aE -- "$KLOG_PATTERN" | awk '!seen[$0]++' || true)
	if [ -n "$hits" ]; then
		n=$(printf '%s\n' "$hits" | wc -l)
		echo "vm: kernel log problems ($n distinct lines):"
		printf '%s\n' "$hits" | head -n 60 | sed 's/^/vm: | /'
		[ "$n" -le 60 ] || echo "vm: | ... ($((n - 60)) more in the log)"
		echo "vm: FAIL: kernel log shows: $(printf '%s\n' "$hits" | head -n1 |
			sed -E 's/^\[ *[0-9.]+\] //' | cut -c1-120) (log: $log)"
		return "$EXIT_KLOG"
	fi

	exitv=$(clean | grep -aoE 'COS-GUEST-EXIT=[0-9]+' | tail -n1 || true)
	exitv=${exitv#COS-GUEST-EXIT=}
	if [ -z "$exitv" ]; then
		local why="no COS-GUEST-EXIT token"
		[ -z "$qrc" ] || why+=" (QEMU exited with status $qrc)"
		clean | grep -aq 'COS-GUEST-START' || why+=", the command never started"
		echo "vm: FAIL: $why (log: $log)"
		return "$EXIT_NOEXIT"
	fi

	taint=$(clean | grep -aoE 'COS-GUEST-TAINT=[0-9]+' | tail -n1 || true)
	taint=${taint#COS-GUEST-TAINT=}
	if [ -z "$taint" ]; then
		echo "vm: FAIL: no COS-GUEST-TAINT token (log: $log)"
		return "$EXIT_TAINT"
	fi
	if [ $((taint & ~TAINT_ALLOWED)) -ne 0 ]; then
		echo "vm: FAIL: kernel tainted $taint ($(taint_letters "$taint")) beyond $(taint_letters "$TAINT_ALLOWED") (log: $log)"
		return "$EXIT_TAINT"
	fi

	up=$(clean | grep -aoE 'COS-GUEST-START uptime=[0-9.]+' | tail -n1 || true)
	[ -z "$up" ] || echo "vm: command started at guest uptime ${up#*uptime=}s"
	if [ "$exitv" -gt 255 ]; then exitv=255; fi
	if [ "$exitv" = 0 ]; then
		echo "vm: ok (${secs}s, log: $log)"
	else
		echo "vm: FAIL: command exited with status $exitv (${secs}s, log: $log)"
	fi
	return "$exitv"
}

taint_letters() {
	local t=$1 letters=PFSRMBUDAWCIOELKXT out="" i
	for ((i = 0; i < ${#letters}; i++)); do
		if [ $((t >> i & 1)) = 1 ]; then out+=${letters:i:1}; fi
	done
	echo "${out:-none}"
}

if [ -n "$CHECK_LOG" ]; then
	[ -f "$CHECK_LOG" ] || die_usage "no such log: $CHECK_LOG"
	rc=0
	verdict "$CHECK_LOG" 0 "?" "" || rc=$?
	exit "$rc"
fi

# ---------------------------------------------------------------------------
# Prerequisites.
if [ "$SHELL_MODE" = 0 ] && [ "$#" -eq 0 ]; then
	die_usage "no COMMAND given (or use --shell)"
fi
if [ "$SHELL_MODE" = 1 ] && [ "$#" -gt 0 ]; then
	die_usage "--shell takes no COMMAND"
fi

if [ -z "$GKERNEL$GFLAVOUR" ]; then
	KVER=$(cat "$REPO/build/kver" 2>/dev/null || true)
	if [ -z "$KVER" ]; then
		echo "vm: build/kver missing: run make deps (scripts/deps.sh) first" >&2
		exit "$EXIT_USAGE"
	fi
else
	GKERNEL=${GKERNEL:-6.1} GFLAVOUR=${GFLAVOUR:-amd64}
	KVER=$("$REPO/scripts/kernels.sh" resolve "$GKERNEL" "$GFLAVOUR") ||
		die_usage "cannot resolve the guest kernel $GKERNEL $GFLAVOUR"
fi
KROOT="$VMDIR/linux-$KVER"
KERNEL="$KROOT/boot/vmlinuz-$KVER"
# The uncompressed vmlinux (extracted by deps.sh) boots through its PVH entry,
# skipping the decompressor (~2 s under TCG); it also means no KASLR. 5-level
# paging is switched on only by the bzImage's decompressor, so --la57 on
# always boots the bzImage.
if [ "$LA57" = on ]; then BZIMAGE=1; fi
if [ "$BZIMAGE" = 0 ] && [ -f "$KROOT/boot/vmlinux-$KVER" ]; then
	BOOT_IMAGE="$KROOT/boot/vmlinux-$KVER"
else
	BOOT_IMAGE=$KERNEL
fi
KMODS="$KROOT/lib/modules/$KVER"
if [ ! -f "$KERNEL" ] || [ ! -d "$KMODS" ]; then
	echo "vm: guest kernel $KERNEL missing: run make deps GUEST_KERNEL=${GKERNEL:-6.1} GUEST_FLAVOUR=${GFLAVOUR:-amd64} (scripts/deps.sh)" >&2
	exit "$EXIT_USAGE"
fi
QEMU=$(command -v qemu-system-x86_64 || true)
if [ -z "$QEMU" ]; then
	echo "vm: qemu-system-x86_64 not found: run make deps (scripts/deps.sh)" >&2
	exit "$EXIT_USAGE"
fi
case "$REPO" in
*[[:space:]\"]*) echo "vm: the repo path '$REPO' must not contain blanks or quotes" >&2; exit "$EXIT_USAGE" ;;
esac

# Every guest run holds /tmp/cos-guest.lock shared (other sessions on the
# machine run guests too); a benchmark takes it exclusively (bench.sh) and
# sets COS_GUEST_LOCKED so that its own guests do not wait for themselves.
# QEMU inherits the descriptor: the lock lasts as long as the guest.
if [ -z "${COS_GUEST_LOCKED:-}" ]; then
	GUEST_LOCK=${COS_GUEST_LOCK:-/tmp/cos-guest.lock}
	[ -e "$GUEST_LOCK" ] || : >>"$GUEST_LOCK" 2>/dev/null || true
	exec 8<"$GUEST_LOCK" || die_usage "cannot open the guest lock $GUEST_LOCK"
	if ! flock -s -n 8; then
		echo "vm: waiting for $GUEST_LOCK (a benchmark holds it)" >&2
		flock -s 8
	fi
fi

INITRD=$("$SELF_DIR/mkinitramfs.sh" "$KVER") || {
	echo "vm: building the initramfs failed" >&2
	exit "$EXIT_USAGE"
}

mkdir -p "$VMDIR/logs" "$VMDIR/cmd"
STAMP="$(date +%Y%m%d-%H%M%S)-$$"
if [ -z "$LOG" ]; then
	LOG="$VMDIR/logs/run-$STAMP.log"
else
	mkdir -p "$(dirname "$LOG")"
	LOG="$(cd "$(dirname "$LOG")" && pwd -P)/$(basename "$LOG")"
fi

SCRIPT=""
QPID=""
TPID=""
cleanup() {
	# QPID is "timeout", the leader of its own process group with QEMU in it.
	if [ -n "$QPID" ] && kill -0 "$QPID" 2>/dev/null; then
		kill -TERM -- "-$QPID" 2>/dev/null || kill -TERM "$QPID" 2>/dev/null || true
		local i
		for i in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 "$QPID" 2>/dev/null || break
			sleep 0.2
		done
		kill -KILL -- "-$QPID" 2>/dev/null || kill -KILL "$QPID" 2>/dev/null || true
	fi
	if [ -n "$TPID" ]; then kill "$TPID" 2>/dev/null || true; fi
	if [ -n "$SCRIPT" ]; then rm -f "$SCRIPT"; fi
	if [ -n "$MONITOR" ]; then rm -f -- "$MONITOR"; fi
}
on_signal() {
	trap - INT TERM HUP
	echo "vm: interrupted, stopping QEMU (log: $LOG)" >&2
	cleanup
	exit 130
}
trap cleanup EXIT
trap on_signal INT TERM HUP

CMDLINE="console=ttyS0 panic=-1 panic_on_warn=1 oops=panic softlockup_panic=1"
CMDLINE+=" slub_debug=FZPU page_poison=1"
# loglevel=5: the console shows KERN_WARNING and more severe, not the chatter.
CMDLINE+=" loglevel=5"
CMDLINE+=" cosvm_init=$SELF_DIR/guest-init.sh cosvm_repo=$REPO cosvm_kmods=$KMODS"
if [ "$SHELL_MODE" = 1 ]; then
	CMDLINE+=" cosvm_mode=shell"
	if [[ ${TERM:-} =~ ^[A-Za-z0-9._+-]+$ ]]; then CMDLINE+=" cosvm_term=$TERM"; fi
	if size=$(stty size 2>/dev/null) && [[ $size =~ ^([0-9]+)\ ([0-9]+)$ ]]; then
		CMDLINE+=" cosvm_rows=${BASH_REMATCH[1]} cosvm_cols=${BASH_REMATCH[2]}"
	fi
else
	SCRIPT="$VMDIR/cmd/cmd-$STAMP-$RANDOM.sh"
	if [ "$#" -eq 1 ]; then
		printf '%s\n' "$1" >"$SCRIPT"
	else
		printf '%q ' "$@" >"$SCRIPT"
		printf '\n' >>"$SCRIPT"
	fi
	CMDLINE+=" cosvm_script=$SCRIPT"
fi
if [ "$PTI" = 1 ]; then CMDLINE+=" pti=on"; fi
CMDLINE+="$APPEND"

# QEMU 7.2's -icount runs all vCPUs round-robin on one thread and livelocks
# in the guest's secondary-CPU bring-up (cpu_init spinning on
# cpu_callout_mask): icount therefore means one vCPU.
if [ "$ICOUNT" = 1 ] && [ "$CPUS" -gt 1 ]; then
	[ "$CPUS_SET" = 0 ] || echo "vm: note: --icount hangs with more than one vCPU under QEMU 7.2; using --cpus 1" >&2
	CPUS=1
fi
QARGS=(-machine q35 -m "$MEM" -smp "$CPUS" -nographic -no-reboot -nic none -vga none)
if [ "$KVM" = 1 ]; then
	QARGS+=(-accel kvm -cpu host)
else
	QARGS+=(-accel tcg -cpu "max,la57=$LA57$CPU_OPTS")
fi
if [ "$ICOUNT" = 1 ]; then QARGS+=(-icount "shift=0,sleep=off"); fi
QARGS+=(-kernel "$BOOT_IMAGE" -initrd "$INITRD" -append "$CMDLINE")
QARGS+=(-fsdev "local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap")
QARGS+=(-device "virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot")
for d in "${DISKS[@]}"; do
	QARGS+=(-drive "file=$d,format=raw,if=virtio")
done
if [ -n "$MONITOR" ]; then
	case "$MONITOR" in
	*[,[:space:]]*) die_usage "--monitor: the socket path must not contain commas or blanks" ;;
	esac
	rm -f -- "$MONITOR"
	QARGS+=(-monitor "unix:$MONITOR,server=on,wait=off")
fi

now() { date +%s.%N; }
START=$(now)

if [ "$SHELL_MODE" = 1 ]; then
	# The console on this terminal (Ctrl-C goes to the guest), also logged.
	QARGS+=(-chardev "stdio,id=con0,mux=on,signal=off,logfile=$LOG")
	QARGS+=(-serial chardev:con0 -mon "chardev=con0,mode=readline")
	echo "vm: starting an interactive guest (Ctrl-A x kills QEMU); log: $LOG"
	trap - INT
	rc=0
	"$QEMU" "${QARGS[@]}" || rc=$?
	# SeaBIOS switched line wrap off (ESC [?7l) on this terminal.
	if [ -t 1 ]; then printf '\033[?7h'; fi
	echo "vm: QEMU exited with status $rc (log: $LOG)"
	exit "$rc"
fi

{
	printf 'vm: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ) run-vm.sh pid $$, kernel $KVER"
	printf 'vm: command: %s\n' "$(head -c 2000 "$SCRIPT" | tr '\n' ' ')"
	printf 'vm: qemu:'
	printf ' %q' "$QEMU" "${QARGS[@]}"
	printf '\n'
} >"$LOG"

# QEMU writes straight into the log (complete even if the streamer dies);
# "timeout" bounds it even if this script is killed with SIGKILL.
timeout -s TERM -k 10 "$TIMEOUT" "$QEMU" "${QARGS[@]}" </dev/null >>"$LOG" 2>&1 &
QPID=$!
if [ "$QUIET" = 0 ]; then
	# Without the "vm: " header, CRs, and SeaBIOS's terminal reset, clear
	# screen and line-wrap-off sequences (ESC c, ESC [2J, ESC [?7l).
	tail -n +1 -s 0.1 --pid="$QPID" -f "$LOG" |
		sed -u -e '/^vm: /d' -e 's/\x1bc//g; s/\x1b\[?7l//g; s/\x1b\[2J//g; s/\r$//' &
	TPID=$!
fi

QRC=0
wait "$QPID" || QRC=$?
QPID=""
END=$(now)
if [ -n "$TPID" ]; then
	wait "$TPID" 2>/dev/null || true
	TPID=""
fi
SECS=$(awk -v a="$START" -v b="$END" 'BEGIN { printf "%.1f", b - a }')

TIMED_OUT=0
if { [ "$QRC" = 124 ] || [ "$QRC" = 137 ]; } &&
	awk -v s="$SECS" -v t="$TIMEOUT" 'BEGIN { exit !(s >= t - 1) }'; then
	TIMED_OUT=1
fi

RC=0
VERDICT=$(verdict "$LOG" "$TIMED_OUT" "$SECS" "$QRC") || RC=$?
if [ "$RC" -ge 70 ] && [ "$RC" -le 73 ] && [ "$QUIET" = 1 ]; then
	echo "vm: last console lines:"
	tr -d '\r' <"$LOG" | grep -av '^vm: ' | tail -n 25 | sed 's/^/vm: > /'
fi
printf '%s\n' "$VERDICT"
exit "$RC"
