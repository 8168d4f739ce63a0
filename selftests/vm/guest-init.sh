#!/bin/bash
# selftests/vm/guest-init.sh - runs as PID 1 inside the QEMU guest, in the
# overlay root (host root over 9p, read-only, + tmpfs upper), started by the
# initramfs /init built by mkinitramfs.sh. Never run it on the host.
#
# Kernel parameters (arrive as environment variables, see run-vm.sh):
#   cosvm_repo=DIR     repo root; the command runs there
#   cosvm_script=FILE  file holding the command text (run with bash -c)
#   cosvm_kmods=DIR    guest kernel's unpacked lib/modules/<ver> on the host
#   cosvm_mode=shell   interactive bash on the console instead of a command
#   cosvm_term, cosvm_rows, cosvm_cols   terminal settings for --shell
#
# Prints, on the serial console, in this order:
#   COS-GUEST-START uptime=<s>   just before the command starts
#   COS-GUEST-TAINT=<n>          /proc/sys/kernel/tainted after the command
#   COS-GUEST-DMESG-BEGIN / the whole dmesg / COS-GUEST-DMESG-END
#   COS-GUEST-EXIT=<rc>          the command's exit status
# then powers the machine off. As PID 1 this script must never exit (the
# kernel would panic), so no "set -e" here.

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 COS_GUEST=1
export TERM=${cosvm_term:-${TERM:-linux}}
umask 022

say() { echo "cosvm: $*"; }

power_off() {
	sync
	echo o >/proc/sysrq-trigger 2>/dev/null
	sleep 10
	/bin/busybox poweroff -f 2>/dev/null
	sleep 10
	echo b >/proc/sysrq-trigger 2>/dev/null # -no-reboot: QEMU exits
	while :; do sleep 3600; done
}

# Mount helpers: the host's static busybox when there (an exec of a dynamic
# binary costs ~80 ms under TCG with page poisoning, busybox ~15 ms).
BB=""
[ -x /bin/busybox ] && BB=/bin/busybox
mnt() { # mnt TYPE DIR [OPTIONS]
	$BB mount -t "$1" ${3:+-o "$3"} "$1" "$2" || say "mount -t $1 $2 failed"
}

repo=${cosvm_repo:-/}

$BB mkdir -p /proc /sys /dev /tmp /run
mnt proc /proc
mnt sysfs /sys
mnt devtmpfs /dev
# A checkout under /tmp or /run would vanish below the tmpfs mounts: keep
# it aside with a bind mount and move it back on top afterwards.
aside=""
case "$repo" in
/tmp/* | /run/*)
	$BB mkdir -p /.cosvm-repo && $BB mount -o bind "$repo" /.cosvm-repo && aside=1 ||
		say "cannot keep $repo aside"
	;;
esac
mnt tmpfs /tmp mode=1777
mnt tmpfs /run mode=755
if [ -n "$aside" ]; then
	$BB mkdir -p "$repo" && $BB mount --move /.cosvm-repo "$repo" || say "cannot restore $repo"
fi
$BB mkdir -p /dev/pts /dev/shm /run/lock
$BB chmod 1777 /run/lock
mnt devpts /dev/pts gid=5,mode=620,ptmxmode=666
mnt tmpfs /dev/shm mode=1777
mnt debugfs /sys/kernel/debug
[ -e /dev/fd ] || $BB ln -s /proc/self/fd /dev/fd
for i in 0:stdin 1:stdout 2:stderr; do
	[ -e "/dev/${i#*:}" ] || $BB ln -s "/proc/self/fd/${i%%:*}" "/dev/${i#*:}"
done

# The guest kernel's own modules (unpacked by scripts/deps.sh) on
# /lib/modules/<ver>, so that modprobe works in the guest.
read -r kver </proc/sys/kernel/osrelease
if [ -n "${cosvm_kmods:-}" ] && [ -d "$cosvm_kmods" ]; then
	$BB mkdir -p "/lib/modules/$kver" &&
		$BB mount -o bind "$cosvm_kmods" "/lib/modules/$kver" ||
		say "cannot bind $cosvm_kmods on /lib/modules/$kver"
else
	say "guest kernel modules not found (cosvm_kmods=${cosvm_kmods:-})"
fi

echo cosvm >/proc/sys/kernel/hostname 2>/dev/null

cd "$repo" || { say "cannot cd to $repo"; cd /; }

read -r up _ </proc/uptime
echo "COS-GUEST-START uptime=$up"

if [ "${cosvm_mode:-}" = shell ]; then
	stty -F /dev/ttyS0 sane 2>/dev/null
	if [ -n "${cosvm_rows:-}" ] && [ -n "${cosvm_cols:-}" ]; then
		stty -F /dev/ttyS0 rows "$cosvm_rows" cols "$cosvm_cols" 2>/dev/null
	fi
	echo "cosvm: interactive shell in $repo; 'exit' or Ctrl-D powers off (Ctrl-A x kills QEMU)"
	# --norc: the host's ~/.bashrc (pyenv init, ...) takes ~30 s under TCG.
	PS1='cosvm:\w\$ ' setsid -c bash --noprofile --norc -i </dev/ttyS0 >/dev/ttyS0 2>&1
	rc=$?
elif [ -n "${cosvm_script:-}" ] && [ -f "$cosvm_script" ]; then
	bash -c "$(<"$cosvm_script")" cosvm </dev/null
	rc=$?
else
	say "command script not found (cosvm_script=${cosvm_script:-})"
	rc=127
fi

taint=unknown
read -r taint </proc/sys/kernel/tainted
echo "COS-GUEST-TAINT=$taint"
if [ "${cosvm_mode:-}" != shell ]; then
	echo "COS-GUEST-DMESG-BEGIN"
	dmesg --color=never 2>&1
	echo "COS-GUEST-DMESG-END"
fi
echo "COS-GUEST-EXIT=$rc"
power_off
