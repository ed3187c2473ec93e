#!/usr/bin/env bash
# Data-plane benchmark, one run on this machine, three paths between two network namespaces:
#   (a) raw veth, (b) wireguard-go <-> wireguard-go, (c) Trellis <-> Trellis (bin/trellis-wg).
# iperf3 TCP for BENCH_SECONDS (default 5) each way, then BENCH_PINGS pings (default 50) at a
# 20 ms interval. Prints key=value lines on stdout (progress on stderr). Figures swing between
# runs and machines: compare legs of the same run only.
#
#   sudo ./mvnw -B package -DskipTests && sudo bench/dataplane.sh
#
# Exit status: 0 when every leg measured; 1 if a leg could not (its keys then say
# "unavailable", with a *_unavailable_reason line), or on a setup error.
set -euo pipefail
# shellcheck source=lab/lib.sh
source "$(dirname -- "$(readlink -f -- "$0")")/../lab/lib.sh"

seconds=${BENCH_SECONDS:-5}
# Both tunnel legs first carry an unreported iperf3 run of this many seconds, so that a JIT
# (Trellis) and socket buffers (both) are warm before anything is measured.
warmup=${BENCH_WARMUP_SECONDS:-4}
pings=${BENCH_PINGS:-50}

trl_require_root
trl_require_tools ip wg wireguard-go iperf3 ping ss
trl_init

declare -A result
kv() {
  result[$1]=$2
  printf '%s=%s\n' "$1" "$2"
}

cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
kv nproc "$(nproc)"
kv cpu_model "\"${cpu:-unknown}\""
kv kernel "$(uname -r)"
kv iperf3_seconds "$seconds"
kv warmup_seconds "$warmup"
kv pings "$pings"

status=0

# measure PREFIX CLIENT_NS SERVER_NS SERVER_ADDR: prints PREFIX_gbps, PREFIX_reverse_gbps,
# PREFIX_rtt_ms; returns 1 with TRL_ERROR if a measurement failed.
measure() {
  local prefix=$1 client=$2 server=$3 addr=$4
  trl_say "$prefix: iperf3 ${seconds}s forward"
  trl_iperf "$client" "$server" "$addr" "$seconds" || return 1
  kv "${prefix}_gbps" "$TRL_GBPS"
  trl_say "$prefix: iperf3 ${seconds}s reverse"
  trl_iperf "$client" "$server" "$addr" "$seconds" -R || return 1
  kv "${prefix}_reverse_gbps" "$TRL_GBPS"
  trl_say "$prefix: $pings pings"
  trl_ping "$client" "$addr" "$pings" 0.02
  if [[ $TRL_PING_RECEIVED -eq 0 ]]; then
    TRL_ERROR="no ping replies from $addr"
    return 1
  fi
  kv "${prefix}_rtt_ms" "$TRL_RTT_AVG_MS"
  kv "${prefix}_ping_replies" "$TRL_PING_RECEIVED/$TRL_PING_SENT"
}

# unavailable PREFIX REASON: marks the leg's headline keys not measured (those already printed
# stay), with the reason.
unavailable() {
  local prefix=$1 reason=$2 key
  for key in "${prefix}_gbps" "${prefix}_rtt_ms"; do
    [[ -n ${result[$key]+set} ]] || kv "$key" unavailable
  done
  kv "${prefix}_unavailable_reason" "\"$(tr -s '\n\t"' '   ' <<<"$reason")\""
  status=1
}

# (a) raw veth
trl_say "raw veth: namespaces $(trl_ns_name ra) <-> $(trl_ns_name rb) on 198.18.1.0/24"
raw_a=$(trl_ns_name ra) raw_b=$(trl_ns_name rb)
trl_ns_create "$raw_a" || trl_die "$TRL_ERROR"
trl_ns_create "$raw_b" || trl_die "$TRL_ERROR"
trl_veth "$raw_a" "$raw_b" 1 || trl_die "$TRL_ERROR"
measure raw_veth "$raw_a" "$raw_b" 198.18.1.2 || unavailable raw_veth "$TRL_ERROR"

# tunnel_leg PREFIX IMPL SUBNET TAG: a tunnel of IMPL on both sides, measured; sets LEG_PID_A/B.
tunnel_leg() {
  local prefix=$1 impl=$2 subnet=$3 tag=$4
  LEG_PID_A='' LEG_PID_B=''
  trl_say "$prefix: $impl on both sides, link 198.18.$subnet.0/24, tunnel 100.64.0.1 <-> 100.64.0.2"
  if ! trl_tunnel "$impl" "$impl" "$subnet" "$tag"; then
    unavailable "$prefix" "$TRL_ERROR"
    return 0
  fi
  LEG_PID_A=$TRL_PID_A LEG_PID_B=$TRL_PID_B
  if ! trl_await_ping "$TRL_NS_A" 100.64.0.2 20; then
    unavailable "$prefix" "no ping reply through the $impl tunnel within 20 s"
    return 0
  fi
  if [[ $warmup -gt 0 ]]; then
    trl_say "$prefix: warm-up, iperf3 ${warmup}s each way (not reported)"
    trl_iperf "$TRL_NS_A" "$TRL_NS_B" 100.64.0.2 "$warmup" >/dev/null 2>&1 || true
    trl_iperf "$TRL_NS_A" "$TRL_NS_B" 100.64.0.2 "$warmup" -R >/dev/null 2>&1 || true
  fi
  if ! measure "$prefix" "$TRL_NS_A" "$TRL_NS_B" 100.64.0.2; then
    unavailable "$prefix" "$TRL_ERROR $(trl_device_errors "$TRL_TMP/$TRL_IF_A.log" "$TRL_TMP/$TRL_IF_B.log")"
  fi
}

# (b) wireguard-go
tunnel_leg wireguard_go wireguard-go 2 g
if [[ -n $LEG_PID_A ]] && trl_alive "$LEG_PID_A"; then
  kv wireguard_go_rss_mib "$(trl_rss_mib "$LEG_PID_A")"
fi

# (c) Trellis
tunnel_leg trellis trellis 3 t
if [[ -n $LEG_PID_A ]] && trl_alive "$LEG_PID_A"; then
  # After the run: the device process on the sending side (A), and B for reference.
  kv trellis_rss_mib "$(trl_rss_mib "$LEG_PID_A")"
  kv trellis_rss_mib_b "$(trl_rss_mib "$LEG_PID_B")"
else
  kv trellis_rss_mib unavailable
fi

wg=${result[wireguard_go_gbps]:-unavailable} trellis=${result[trellis_gbps]:-unavailable}
if [[ $wg != unavailable && $trellis != unavailable ]] && awk -v w="$wg" 'BEGIN {exit !(w > 0)}'; then
  kv ratio_trellis_over_wireguard_go "$(awk -v t="$trellis" -v w="$wg" 'BEGIN {printf "%.3f", t / w}')"
else
  kv ratio_trellis_over_wireguard_go unavailable
fi
exit "$status"
