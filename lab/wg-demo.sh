#!/usr/bin/env bash
# The data plane alone, in two network namespaces: a WireGuard tunnel between two Trellis
# devices (bin/trellis-wg), configured with the stock `wg` tool, then ping, iperf3 and `wg show`.
# No coordinator: lab/demo.sh shows the whole mesh. Builds nothing: run
# `./mvnw -B package -DskipTests` first. Needs root. Leaves nothing behind.
#
#   sudo lab/wg-demo.sh
#   DEMO_IMPL=wireguard-go sudo -E lab/wg-demo.sh   # the same with wireguard-go, for comparison
set -euo pipefail
# shellcheck source=lab/lib.sh
source "$(dirname -- "$(readlink -f -- "$0")")/lib.sh"
TRL_SAY_FD=1 # progress and results on stdout, in order

impl=${DEMO_IMPL:-trellis}
case $impl in
  trellis | wireguard-go) ;;
  *) trl_die "DEMO_IMPL must be trellis or wireguard-go, not '$impl'" ;;
esac

trl_require_root
tools=(ip wg iperf3 ping ss)
[[ $impl == wireguard-go ]] && tools+=(wireguard-go)
trl_require_tools "${tools[@]}"
trl_init

trl_say "creating namespaces $(trl_ns_name da) and $(trl_ns_name db), joined by a veth: 198.18.1.1 <-> 198.18.1.2"
trl_say "starting $impl in each (interfaces $(trl_if_name da), $(trl_if_name db)); keys from wg genkey, peers set with wg set"
if ! trl_tunnel "$impl" "$impl" 1 d; then
  trl_die "could not bring the tunnel up: $TRL_ERROR"
fi
trl_say "tunnel addresses: A 100.64.0.1 fd7a:115c:a1e0::1, B 100.64.0.2 fd7a:115c:a1e0::2"

trl_say "first ping A -> B (waits for the WireGuard handshake)"
trl_await_ping "$TRL_NS_A" 100.64.0.2 20 || trl_die "no reply from 100.64.0.2 through the tunnel within 20 s"
for addr in 100.64.0.2 fd7a:115c:a1e0::2; do
  trl_ping "$TRL_NS_A" "$addr" 5 0.2
  trl_say "ping A -> B $addr: $TRL_PING_RECEIVED/$TRL_PING_SENT replies, avg rtt $TRL_RTT_AVG_MS ms"
  [[ $TRL_PING_RECEIVED -eq $TRL_PING_SENT ]] || trl_die "lost pings to $addr: $TRL_PING_OUTPUT"
done
trl_ping "$TRL_NS_B" 100.64.0.1 5 0.2
trl_say "ping B -> A 100.64.0.1: $TRL_PING_RECEIVED/$TRL_PING_SENT replies, avg rtt $TRL_RTT_AVG_MS ms"
[[ $TRL_PING_RECEIVED -eq $TRL_PING_SENT ]] || trl_die "lost pings to 100.64.0.1: $TRL_PING_OUTPUT"

trl_say "iperf3 TCP A -> B through the tunnel, 3 s"
trl_iperf "$TRL_NS_A" "$TRL_NS_B" 100.64.0.2 3 || trl_die "$TRL_ERROR"
trl_say "throughput A -> B: $TRL_GBPS Gbit/s (one run on this machine; compare with DEMO_IMPL=wireguard-go or bench/dataplane.sh)"

trl_say "wg show (side A)"
ip netns exec "$TRL_NS_A" wg show "$TRL_IF_A"
echo
trl_say "wg show (side B)"
ip netns exec "$TRL_NS_B" wg show "$TRL_IF_B"
echo
trl_say "$impl device memory: A $(trl_rss_mib "$TRL_PID_A") MiB, B $(trl_rss_mib "$TRL_PID_B") MiB RSS"
trl_say "demo OK; cleaning up"
