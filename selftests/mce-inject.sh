#!/bin/bash
# mce-inject.sh LOG SOCKET - runs on the HOST beside a guest booted with
# run-vm.sh --log LOG --monitor SOCKET --cpu-opts vendor=GenuineIntel and
# injects the machine checks the guest asks for. For every console line
#
#	COS-MCE-INJECT id=<n> cpu=<cpu> addr=<pa> ip=<lo>-<hi>
#
# (each id once) it waits until vCPU <cpu> executes at CPL 3 with RIP in
# [lo, hi) (the component the guest runs there: stop the VM, look, go on
# if not), then, with the VM stopped, gives QEMU's monitor
#
#	mce -b <cpu> 1 0xbd80000000000134 0x7 <pa> 0x86
#
# an action-required uncorrected data-load error (MCi_STATUS VAL UC EN
# MISCV ADDRV S AR, MCACOD 0x134) at physical address <pa> (MCi_MISC:
# physical address mode, LSB 6), MCG_STATUS RIPV EIPV MCIP, in bank 1;
# broadcast (-b), as Intel CPUs signal it, so the other vCPUs join Linux's
# rendezvous with a no-action error. Then it lets the VM go on: the #MC is
# delivered before anything else on that vCPU, in the component.
# Why Intel: QEMU's TCG "max" CPU says AMD without SUCCOR, for which Linux
# panics on any uncorrected error.
#
# Each injection is logged as "mce-inject: ..." (also when the vCPU
# never got there in 150 looks: the guest then sees no machine check).
# The guest may write a line twice (a kernel message can break one up).
# Ends when QEMU is gone (the socket disappears) or after 600 s.
set -uo pipefail
log=${1:?usage: mce-inject.sh LOG SOCKET}
sock=${2:?usage: mce-inject.sh LOG SOCKET}
done_ids=" "
deadline=$((SECONDS + 600))

monitor() {	# monitor COMMANDS...: one session, the answers on stdout
	printf '%s\n' "$@" | socat -t 0.5 - "UNIX-CONNECT:$sock" 2>/dev/null | tr -d '\r'
}

# "RIP CPL" of vCPU $1 from "info registers -a" on stdin.
rip_cpl() {
	awk -v want="CPU#$1" '
		/^CPU#[0-9]+/ { cur = $1; next }
		cur == want && /RIP=/ {
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^RIP=/) rip = substr($i, 5)
				if ($i ~ /^CPL=/) cpl = substr($i, 5)
			}
		}
		END { if (rip != "") print rip, cpl }'
}

inject() {	# inject ID CPU PA LO HI
	local id=$1 cpu=$2 pa=$3 lo=$4 hi=$5 try rip cpl regs
	for ((try = 1; try <= 150; try++)); do
		regs=$(monitor stop "info registers -a" | rip_cpl "$cpu")
		read -r rip cpl <<<"$regs"
		if [ -n "${rip:-}" ] && [ "${cpl:-}" = 3 ] &&
			(( 16#$rip >= lo && 16#$rip < hi )); then
			echo "mce-inject: id $id: vCPU $cpu at RIP $rip CPL 3 (look $try): mce -b $cpu 1 0xbd80000000000134 0x7 $pa 0x86"
			monitor "mce -b $cpu 1 0xbd80000000000134 0x7 $pa 0x86" |
				grep -av '^(qemu)\|^QEMU .* monitor' | sed 's/^/mce-inject: | /'
			monitor cont >/dev/null	# a session of its own: always sent
			return 0
		fi
		monitor cont >/dev/null
		sleep 0.1
	done
	echo "mce-inject: id $id: vCPU $cpu never ran at CPL 3 in [$lo, $hi)"
	monitor "cont" >/dev/null
	return 1
}

# Never leave the VM stopped.
trap '[ -S "$sock" ] && monitor cont >/dev/null' EXIT

# The socket appears once QEMU has started.
while [ ! -S "$sock" ] && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
while [ -S "$sock" ] && [ $SECONDS -lt $deadline ]; do
	while read -r id cpu pa lo hi; do
		case "$done_ids" in *" $id "*) continue ;; esac
		done_ids+="$id "
		inject "$id" "$cpu" "$pa" "$lo" "$hi"
	done < <(tr -d '\r' <"$log" 2>/dev/null |
		sed -nE 's/.*COS-MCE-INJECT id=([0-9]+) cpu=([0-9]+) addr=(0x[0-9a-f]+) ip=(0x[0-9a-f]+)-(0x[0-9a-f]+).*/\1 \2 \3 \4 \5/p')
	sleep 0.1
done
