#!/usr/bin/env bash
# Trellis end to end on one machine: a coordinator with its embedded relay and four nodes, each
# in its own network namespace; two of the nodes sit behind "hard" NATs (iptables MASQUERADE
# --random-fully), so they can reach the others directly but each other only through the relay.
# The coordinator runs on its defaults (SQLite in a temporary data directory, built-in login);
# the nodes join with a pre-auth key through `trellis up`, then every node pings every other over
# its 100.x address, and `trellis status` shows each path (direct, or relayed and why). Builds nothing: run `./mvnw -B package -DskipTests` first. Needs
# root. Removes every namespace, process and file it created when it ends, also on Ctrl-C or
# failure (on failure it keeps the logs and says where).
#
#   sudo lab/demo.sh
#   sudo lab/demo.sh --wireguard-pair    # the data plane alone: lab/wg-demo.sh (two devices, wg, iperf3)
#
# Topology (docs/lab.md): hub namespace trl-<pid>-mhub with bridge br0 (198.18.21.1/24), the
# coordinator on 198.18.21.1:8080 and its relay (STUN on UDP 3478); node namespaces
# trl-<pid>-m<name>, alpha and bravo on the bridge at 198.18.21.11-12, charlie and delta each
# behind a NAT namespace trl-<pid>-n<name> (WAN 198.18.21.23-24 on the bridge, LAN
# 198.18.3x.0/24); each node runs a trellisd on TUN tw<pid>-m<i>.
set -euo pipefail
here=$(dirname -- "$(readlink -f -- "$0")")
# shellcheck source=lab/lib.sh
source "$here/lib.sh"
TRL_SAY_FD=1 # progress and results on stdout, in order

case ${1:-} in
  "") ;;
  --wireguard-pair)
    shift
    exec "$here/wg-demo.sh" "$@"
    ;;
  -h | --help)
    sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
    exit 0
    ;;
  *) trl_die "unknown argument '$1': run it without arguments, or with --wireguard-pair or --help" ;;
esac

readonly SUBNET=21 PORT=8080 UP_TIMEOUT=60s
readonly NODES=(alpha bravo charlie delta)
# nodes behind a hard (endpoint-dependent) NAT: direct to public nodes, relayed between each other
declare -A NATTED=([charlie]=1 [delta]=1)

trl_require_root
trl_require_tools ip ping ss iptables
for module in coordinator daemon cli; do
  [[ -d $TRL_REPO/$module/target/classes && -d $TRL_REPO/$module/target/lib ]] \
    || trl_die "$module is not built: run ./mvnw -B package -DskipTests first (in $TRL_REPO)"
done
trl_init
started=$SECONDS
bin=$TRL_REPO/bin
logs=$TRL_TMP/logs
mkdir -p "$logs"

# One line that says what failed and what to do; the logs survive the cleanup.
fail() {
  local kept
  kept=$(mktemp -d /tmp/trellis-demo-logs.XXXXXX)
  cp -r "$logs/." "$kept/" 2>/dev/null || true
  trl_die "$1 (logs kept in $kept)"
}

# ---- topology
hub=$(trl_ns_name mhub)
url=http://198.18.$SUBNET.1:$PORT
trl_say "creating hub namespace $hub: bridge br0 198.18.$SUBNET.1/24"
trl_hub "$hub" "$SUBNET" || fail "$TRL_ERROR"
declare -A ns sock
for i in "${!NODES[@]}"; do
  name=${NODES[$i]}
  ns[$name]=$(trl_ns_name "m$name")
  sock[$name]=$TRL_TMP/$name/trellisd.sock
  if [[ -z ${NATTED[$name]:-} ]]; then
    trl_hub_node "$hub" "${ns[$name]}" "$SUBNET" $((11 + i)) || fail "$TRL_ERROR"
    continue
  fi
  # A NAT router on the bridge, the node on its LAN: MASQUERADE --random-fully maps each
  # destination to its own port; only replies come in; unsolicited UDP to the router is dropped.
  nat=$(trl_ns_name "n$name") lan=$((SUBNET + 10 + i))
  trl_hub_node "$hub" "$nat" "$SUBNET" $((21 + i)) || fail "$TRL_ERROR"
  trl_ns_create "${ns[$name]}" || fail "$TRL_ERROR"
  trl_veth "$nat" "${ns[$name]}" "$lan" || fail "$TRL_ERROR"
  trl_try ip -n "${ns[$name]}" route add default via "198.18.$lan.1" || fail "$TRL_ERROR"
  trl_try ip netns exec "$nat" sysctl -qw net.ipv4.ip_forward=1 || fail "$TRL_ERROR"
  for rule in "-t nat -A POSTROUTING -o mesh0 -j MASQUERADE --random-fully" \
    "-A FORWARD -i mesh0 -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT" "-A FORWARD -i mesh0 -j DROP" \
    "-A INPUT -i mesh0 -p udp -m conntrack --ctstate NEW -j DROP"; do
    # shellcheck disable=SC2086
    trl_try ip netns exec "$nat" iptables -w $rule || fail "$TRL_ERROR"
  done
done
trl_say "created node namespaces: alpha, bravo on the bridge; charlie, delta behind hard NATs"

# ---- coordinator
data=$TRL_TMP/coordinator
trl_say "creating user alice and a reusable pre-auth key (data dir $data, SQLite)"
trl_try "$bin/trellis-coordinator" users create alice --data-dir "$data" \
  || fail "could not create the user: $TRL_ERROR"
key_file=$TRL_TMP/authkey
# The key is a secret: it goes to a 0600 file, never onto a command line or the screen.
(umask 077 && "$bin/trellis-coordinator" preauthkeys create --user alice --reusable --expiration 1h \
  --data-dir "$data" >"$key_file" 2>"$logs/preauthkeys.log") \
  || fail "could not create a pre-auth key: $(tr '\n' ' ' <"$logs/preauthkeys.log")"
trl_say "starting trellis-coordinator in $hub on $url, with its embedded relay (STUN on UDP 3478)"
trl_spawn "$hub" "$logs/coordinator.log" "$bin/trellis-coordinator" serve --data-dir "$data" \
  --listen "198.18.$SUBNET.1:$PORT" --embedded-relay
coordinator_pid=$TRL_LAST_PID
trl_await_listen "$hub" "$PORT" "$coordinator_pid" "$logs/coordinator.log" 60 \
  || fail "the coordinator did not start: $TRL_ERROR"

# ---- nodes
declare -A daemon_pid ip4
for i in "${!NODES[@]}"; do
  name=${NODES[$i]}
  mkdir -p "$TRL_TMP/$name"
  trl_spawn "${ns[$name]}" "$logs/trellisd-$name.log" "$bin/trellisd" --state-dir "$TRL_TMP/$name/state" \
    --socket "${sock[$name]}" --tun "$(trl_if_name "m$i")" --port 41641
  daemon_pid[$name]=$TRL_LAST_PID
done
trl_say "started trellisd in each node namespace (TUN $(trl_if_name m0) .. $(trl_if_name "m$((${#NODES[@]} - 1))"))"
for name in "${NODES[@]}"; do
  trl_await_socket "${sock[$name]}" "${daemon_pid[$name]}" "$logs/trellisd-$name.log" 60 \
    || fail "trellisd on $name did not start: $TRL_ERROR"
done

for name in "${NODES[@]}"; do
  trl_say "trellis up on $name (--login-server $url --auth-key file:... --hostname $name)"
  "$bin/trellis" --socket "${sock[$name]}" up --login-server "$url" --auth-key "file:$key_file" \
    --hostname "$name" --timeout "$UP_TIMEOUT" >"$logs/up-$name.log" 2>&1 \
    || fail "trellis up failed on $name: $(tr '\n' ' ' <"$logs/up-$name.log")"
  ip4[$name]=$("$bin/trellis" --socket "${sock[$name]}" ip -4 2>"$logs/ip-$name.log") \
    || fail "trellis ip -4 failed on $name: $(tr '\n' ' ' <"$logs/ip-$name.log")"
  trl_say "$name is up: ${ip4[$name]}"
done

# ---- traffic
trl_say "pinging every node from every other over its 100.x address"
pairs=0 answered=0 rtts=()
for from in "${NODES[@]}"; do
  for to in "${NODES[@]}"; do
    [[ $from == "$to" ]] && continue
    pairs=$((pairs + 1))
    # The first packet waits for the peer to appear in the netmap and for the WireGuard handshake.
    if ! trl_await_ping "${ns[$from]}" "${ip4[$to]}" 20; then
      printf '    %-8s -> %-8s %-15s no reply within 20 s\n' "$from" "$to" "${ip4[$to]}"
      continue
    fi
    trl_ping "${ns[$from]}" "${ip4[$to]}" 3 0.2
    printf '    %-8s -> %-8s %-15s %s/%s replies, avg rtt %s ms\n' "$from" "$to" "${ip4[$to]}" \
      "$TRL_PING_RECEIVED" "$TRL_PING_SENT" "$TRL_RTT_AVG_MS"
    if [[ $TRL_PING_RECEIVED -gt 0 ]]; then
      answered=$((answered + 1))
      rtts+=("$TRL_RTT_AVG_MS")
    fi
  done
done

# charlie sees both kinds of path: direct to the public nodes, relayed to delta (two hard NATs)
trl_say "trellis status on charlie"
"$bin/trellis" --socket "${sock[charlie]}" status 2>&1 | sed 's/^/    /'
trl_say "trellis ping delta, then alpha, on charlie (disco pings: each pong's path)"
"$bin/trellis" --socket "${sock[charlie]}" ping -c 2 -i 200ms delta 2>&1 | sed 's/^/    /'
"$bin/trellis" --socket "${sock[charlie]}" ping -c 2 -i 200ms alpha 2>&1 | sed 's/^/    /'

# ---- names: MagicDNS answers inside each node at 100.100.100.100; whois names who is behind an address
first=${NODES[0]} second=${NODES[1]}
if command -v dig >/dev/null 2>&1; then
  answer=$(ip netns exec "${ns[$first]}" dig @100.100.100.100 +short +time=2 +tries=2 "$second" A 2>&1 || true)
  trl_say "MagicDNS on $first: $second -> ${answer:-no answer}"
  [[ $answer == "${ip4[$second]}" ]] || fail "MagicDNS on $first answered '$answer' for $second, not ${ip4[$second]}"
else
  trl_say "MagicDNS: skipped (no dig; apt-get install bind9-dnsutils to see it)"
fi
trl_say "trellis whois ${ip4[$second]} on $first"
"$bin/trellis" --socket "${sock[$first]}" whois "${ip4[$second]}" 2>&1 | sed 's/^/    /'

summary_ips=()
for name in "${NODES[@]}"; do summary_ips+=("$name ${ip4[$name]}"); done
avg=none
((${#rtts[@]} > 0)) && avg=$(printf '%s\n' "${rtts[@]}" | awk '{s += $1} END {printf "%.2f", s / NR}')
trl_say "summary: ${#NODES[@]} nodes joined ($(IFS=,; printf '%s' "${summary_ips[*]}" | sed 's/,/, /g')):" \
  "$answered/$pairs pairs answered pings, avg rtt $avg ms; $((SECONDS - started)) s in all"
((answered == pairs)) || fail "$((pairs - answered)) of $pairs pairs got no ping reply"
trl_say "demo OK; cleaning up"
