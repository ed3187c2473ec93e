# shellcheck shell=bash
# Shell side of the Trellis lab, shared by lab/demo.sh, lab/wg-demo.sh and bench/dataplane.sh.
# Source it, call trl_init once, then build topologies; everything created is torn down on exit
# (trap), on success, failure or Ctrl-C. It sets no shell options; callers use `set -euo pipefail`.
#
# Naming (shared with the Java harness, see docs/lab.md): namespaces trl-<owner pid>-<tag>,
# WireGuard interfaces tw<owner pid>-<tag>. Leftovers whose owner pid is gone are removed by
# trl_init; a lab run concurrently by another live process is never touched.
# Addresses: lab links 198.18.S.1 (A) / 198.18.S.2 (B), tunnels 100.64.0.1|2 and
# fd7a:115c:a1e0::1|2. Results come back in TRL_* globals (functions that start background
# processes cannot run in $(...) subshells, or their pids would be lost to cleanup).
# shellcheck disable=SC2034

TRL_REPO=$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")/.." && pwd)
TRL_OWNER=$$
TRL_NAMESPACES=()
TRL_PIDS=()
TRL_TMP=
TRL_ERROR=
TRL_START_TIMEOUT=${TRL_START_TIMEOUT:-30}
readonly TRL_PACKAGES="wireguard-go wireguard-tools iperf3 iproute2 iputils-ping"

trl_say() { printf '==> %s\n' "$*" >&"${TRL_SAY_FD:-2}"; }
trl_die() { printf '%s: error: %s\n' "$(basename -- "$0")" "$*" >&2; exit 1; }

trl_require_root() {
  [[ $(id -u) -eq 0 ]] \
    || trl_die "must run as root (it creates network namespaces and TUN devices): sudo $0"
}

trl_require_tools() {
  local tool missing=()
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  ((${#missing[@]} == 0)) || trl_die "missing tools: ${missing[*]} (Debian: apt-get install -y $TRL_PACKAGES)"
}

# True if pid is alive and not a zombie.
trl_alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

# Removes trl-<pid>-* namespaces and tw<pid>-*.sock sockets whose owner pid no longer exists.
trl_clean_stale() {
  local ns owner pid sock
  while read -r ns _; do
    [[ $ns =~ ^trl-([0-9]+)- ]] || continue
    owner=${BASH_REMATCH[1]}
    [[ -e /proc/$owner ]] && continue
    trl_say "removing stale namespace $ns (owner pid $owner is gone)"
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    ip netns delete "$ns" 2>/dev/null || true
  done < <(ip netns list 2>/dev/null)
  for sock in /var/run/wireguard/tw*-*.sock; do
    [[ -e $sock ]] || continue
    owner=${sock##*/tw}
    owner=${owner%%-*}
    [[ $owner =~ ^[0-9]+$ && ! -e /proc/$owner ]] && rm -f -- "$sock"
  done
  return 0
}

trl_init() {
  trl_clean_stale
  TRL_TMP=$(mktemp -d /tmp/trellis-lab.XXXXXX)
  chmod 700 "$TRL_TMP"
  trap trl_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# Stops every process we started (SIGTERM, then SIGKILL after 3 s), deletes our namespaces.
trl_cleanup() {
  local rc=$? pid ns i
  set +e
  trap - EXIT
  for pid in "${TRL_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${TRL_PIDS[@]}"; do
    for ((i = 0; i < 30; i++)); do trl_alive "$pid" || break; sleep 0.1; done
    trl_alive "$pid" && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  for ns in "${TRL_NAMESPACES[@]}"; do
    # Only processes we started can live in our namespaces (e.g. an iperf3 whose subshell died).
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
    ip netns delete "$ns" 2>/dev/null
  done
  [[ -n $TRL_TMP ]] && rm -rf -- "$TRL_TMP"
  exit "$rc"
}

# trl_try CMD...: runs CMD; on failure sets TRL_ERROR (command and its output) and returns 1.
# Functions below chain it with `|| return 1` so they fail correctly even when called from an
# `if`, where `set -e` is suspended.
trl_try() {
  local out
  out=$("$@" 2>&1) && return 0
  TRL_ERROR="\`$*\` failed: $out"
  return 1
}

trl_ns_name() { printf 'trl-%s-%s\n' "$TRL_OWNER" "$1"; }
trl_if_name() { printf 'tw%s-%s\n' "$TRL_OWNER" "$1"; }

trl_ns_create() {
  trl_try ip netns add "$1" || return 1
  TRL_NAMESPACES+=("$1")
  trl_try ip -n "$1" link set lo up
}

# trl_veth NS_A NS_B S: veth "lk<S>" with 198.18.S.1/24 in NS_A and 198.18.S.2/24 in NS_B.
trl_veth() {
  local a=$1 b=$2 s=$3
  trl_try ip link add "lk$s" netns "$a" type veth peer name "lk$s" netns "$b" || return 1
  trl_try ip -n "$a" addr add "198.18.$s.1/24" dev "lk$s" || return 1
  trl_try ip -n "$b" addr add "198.18.$s.2/24" dev "lk$s" || return 1
  trl_try ip -n "$a" link set "lk$s" up || return 1
  trl_try ip -n "$b" link set "lk$s" up
}

# trl_wg_start IMPL NS IFACE LOG [VAR=VALUE...]: starts wireguard-go or trellis (bin/trellis-wg)
# in the foreground inside NS and waits for its UAPI socket. Sets TRL_LAST_PID; on failure
# returns 1 with the reason in TRL_ERROR.
trl_wg_start() {
  local impl=$1 ns=$2 iface=$3 log=$4 prog deadline
  shift 4
  case $impl in
    wireguard-go) prog=wireguard-go ;;
    trellis) prog=$TRL_REPO/bin/trellis-wg ;;
    *) trl_die "unknown implementation '$impl' (wireguard-go or trellis)" ;;
  esac
  ip netns exec "$ns" env WG_PROCESS_FOREGROUND=1 LOG_LEVEL="${LOG_LEVEL:-error}" "$@" \
    "$prog" -f "$iface" >"$log" 2>&1 &
  TRL_LAST_PID=$!
  TRL_PIDS+=("$TRL_LAST_PID")
  deadline=$((SECONDS + TRL_START_TIMEOUT))
  until [[ -S /var/run/wireguard/$iface.sock ]] && ip netns exec "$ns" wg show "$iface" >/dev/null 2>&1; do
    if ! trl_alive "$TRL_LAST_PID"; then
      TRL_ERROR="$impl exited before serving /var/run/wireguard/$iface.sock: $(tail -n 4 "$log" | tr '\n' ' ')"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      TRL_ERROR="$impl did not serve /var/run/wireguard/$iface.sock within ${TRL_START_TIMEOUT}s: $(tail -n 4 "$log" | tr '\n' ' ')"
      return 1
    fi
    sleep 0.1
  done
}

# trl_tunnel IMPL_A IMPL_B S TAG: namespaces trl-<pid>-<TAG>a|b joined by veth 198.18.S.0/24,
# a WireGuard device in each (A: 100.64.0.1, fd7a:115c:a1e0::1; B: .2, ::2), keys made with
# `wg genkey`, peers configured with `wg set`, links up. Sets TRL_NS_A/B, TRL_IF_A/B,
# TRL_PID_A/B. Returns 1 with TRL_ERROR if a device does not start.
trl_tunnel() {
  local impl_a=$1 impl_b=$2 s=$3 tag=$4 side ns iface impl host key pub_a pub_b
  TRL_NS_A=$(trl_ns_name "${tag}a") TRL_NS_B=$(trl_ns_name "${tag}b")
  TRL_IF_A=$(trl_if_name "${tag}a") TRL_IF_B=$(trl_if_name "${tag}b")
  trl_ns_create "$TRL_NS_A" || return 1
  trl_ns_create "$TRL_NS_B" || return 1
  trl_veth "$TRL_NS_A" "$TRL_NS_B" "$s" || return 1
  trl_wg_start "$impl_a" "$TRL_NS_A" "$TRL_IF_A" "$TRL_TMP/$TRL_IF_A.log" || return 1
  TRL_PID_A=$TRL_LAST_PID
  trl_wg_start "$impl_b" "$TRL_NS_B" "$TRL_IF_B" "$TRL_TMP/$TRL_IF_B.log" || return 1
  TRL_PID_B=$TRL_LAST_PID
  for side in a b; do
    key=$TRL_TMP/${tag}${side}.key
    (umask 077 && wg genkey >"$key") || { TRL_ERROR="wg genkey failed"; return 1; }
    if [[ $side == a ]]; then pub_a=$(wg pubkey <"$key"); else pub_b=$(wg pubkey <"$key"); fi
  done
  trl_try ip netns exec "$TRL_NS_A" wg set "$TRL_IF_A" private-key "$TRL_TMP/${tag}a.key" listen-port 51820 \
    peer "$pub_b" endpoint "198.18.$s.2:51821" allowed-ips 100.64.0.2/32,fd7a:115c:a1e0::2/128 || return 1
  trl_try ip netns exec "$TRL_NS_B" wg set "$TRL_IF_B" private-key "$TRL_TMP/${tag}b.key" listen-port 51821 \
    peer "$pub_a" endpoint "198.18.$s.1:51820" allowed-ips 100.64.0.1/32,fd7a:115c:a1e0::1/128 || return 1
  for side in a b; do
    if [[ $side == a ]]; then ns=$TRL_NS_A iface=$TRL_IF_A host=1; else ns=$TRL_NS_B iface=$TRL_IF_B host=2; fi
    trl_try ip -n "$ns" addr add "100.64.0.$host/24" dev "$iface" || return 1
    trl_try ip -n "$ns" -6 addr add "fd7a:115c:a1e0::$host/64" dev "$iface" nodad || return 1
    trl_try ip -n "$ns" link set "$iface" up || return 1
  done
  return 0
}

# trl_await_ping NS ADDR [SECONDS]: pings once a second until a reply (the first packet waits
# for the handshake) or the deadline; returns 1 on timeout.
trl_await_ping() {
  local deadline=$((SECONDS + ${3:-15}))
  until ip netns exec "$1" ping -n -c 1 -W 1 "$2" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
  done
}

# trl_ping NS ADDR COUNT INTERVAL: sets TRL_PING_SENT, TRL_PING_RECEIVED, TRL_RTT_AVG_MS
# ("none" without replies) and TRL_PING_OUTPUT.
trl_ping() {
  local counts
  TRL_PING_OUTPUT=$(ip netns exec "$1" ping -n -q -c "$3" -i "$4" -W 1 "$2" 2>&1) || true
  counts=$(grep -Eo '[0-9]+ packets transmitted, [0-9]+ (packets )?received' <<<"$TRL_PING_OUTPUT" || true)
  TRL_PING_SENT=$(awk '{print $1}' <<<"$counts")
  TRL_PING_RECEIVED=$(awk '{print $4}' <<<"$counts")
  TRL_RTT_AVG_MS=$(sed -nE 's#^(rtt|round-trip) [^=]*= [0-9.]+/([0-9.]+)/.*#\2#p' <<<"$TRL_PING_OUTPUT")
  TRL_PING_SENT=${TRL_PING_SENT:-0} TRL_PING_RECEIVED=${TRL_PING_RECEIVED:-0} TRL_RTT_AVG_MS=${TRL_RTT_AVG_MS:-none}
}

# trl_iperf CLIENT_NS SERVER_NS SERVER_ADDR SECONDS [-R]: one TCP run against a one-shot server
# started (by pid) for it. Sets TRL_GBPS (receiver side, 3 decimals); returns 1 with TRL_ERROR.
trl_iperf() {
  local client=$1 server=$2 addr=$3 secs=$4 spid json bps deadline rc
  local extra=("${@:5}")
  ip netns exec "$server" iperf3 -s -1 -B "$addr" -p 5201 >"$TRL_TMP/iperf3-server.log" 2>&1 &
  spid=$!
  TRL_PIDS+=("$spid")
  deadline=$((SECONDS + 15))
  until ip netns exec "$server" ss -Hltn "sport = :5201" | grep -q -- "$addr:5201"; do
    if ((SECONDS >= deadline)) || ! trl_alive "$spid"; then
      TRL_ERROR="iperf3 server did not listen on $addr:5201: $(tail -n 3 "$TRL_TMP/iperf3-server.log" | tr '\n' ' ')"
      return 1
    fi
    sleep 0.05
  done
  json=$TRL_TMP/iperf3-client.json
  rc=0
  timeout $((secs + 20)) ip netns exec "$client" iperf3 -c "$addr" -p 5201 -t "$secs" -J "${extra[@]}" >"$json" 2>&1 || rc=$?
  if ((rc != 0)); then
    if ((rc == 124)); then
      TRL_ERROR="iperf3 client ${extra[*]} timed out after $((secs + 20)) s (traffic stalled)"
    else
      TRL_ERROR="iperf3 client ${extra[*]} failed (exit $rc): $(grep -m1 '"error"' "$json" || tail -n 3 "$json")"
    fi
    kill -TERM "$spid" 2>/dev/null
    return 1
  fi
  # sum_received is a flat object; take its bits_per_second.
  bps=$(awk '/"sum_received"/ {f = 1} f && /"bits_per_second"/ {sub(/.*:[ \t]*/, ""); sub(/,.*/, ""); print; exit}' "$json")
  [[ -n $bps ]] || { TRL_ERROR="no sum_received.bits_per_second in iperf3 output"; return 1; }
  TRL_GBPS=$(awk -v b="$bps" 'BEGIN {printf "%.3f", b / 1e9}')
  wait "$spid" 2>/dev/null || true
}

# trl_device_errors LOG...: the first exception or error line of each device log, on one line.
trl_device_errors() {
  local log
  for log in "$@"; do
    [[ -f $log ]] && grep -m1 -E 'Exception|^ERROR' "$log" | sed "s#^#${log##*/}: #"
  done | tr '\n' ' '
  return 0
}

# trl_rss_mib PID: resident set size in MiB (VmRSS of /proc/PID/status).
trl_rss_mib() {
  awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$1/status" 2>/dev/null
}

# ---- Mesh topology (lab/demo.sh): a hub namespace with a bridge, nodes joined to it by veths.

# trl_hub NS S: namespace NS with bridge br0 holding 198.18.S.1/24, the address every node
# reaches the coordinator at.
trl_hub() {
  local ns=$1 s=$2
  trl_ns_create "$ns" || return 1
  trl_try ip -n "$ns" link add br0 type bridge || return 1
  trl_try ip -n "$ns" addr add "198.18.$s.1/24" dev br0 || return 1
  trl_try ip -n "$ns" link set br0 up
}

# trl_hub_node HUB NS S HOST: namespace NS with device mesh0 (198.18.S.HOST/24) on the hub's
# bridge; the hub side of the veth is v<HOST>. Both ends are created inside the namespaces.
trl_hub_node() {
  local hub=$1 ns=$2 s=$3 host=$4
  trl_ns_create "$ns" || return 1
  trl_try ip link add mesh0 netns "$ns" type veth peer name "v$host" netns "$hub" || return 1
  trl_try ip -n "$hub" link set "v$host" master br0 || return 1
  trl_try ip -n "$hub" link set "v$host" up || return 1
  trl_try ip -n "$ns" addr add "198.18.$s.$host/24" dev mesh0 || return 1
  trl_try ip -n "$ns" link set mesh0 up
}

# trl_spawn NS LOG CMD...: runs CMD in the background inside NS (`ip netns exec` execs in place,
# so the pid is the command's own), output to LOG. Sets TRL_LAST_PID; stopped by trl_cleanup.
trl_spawn() {
  local ns=$1 log=$2
  shift 2
  ip netns exec "$ns" "$@" >"$log" 2>&1 </dev/null &
  TRL_LAST_PID=$!
  TRL_PIDS+=("$TRL_LAST_PID")
}

# trl_await_listen NS PORT PID LOG [SECONDS]: waits until something listens on TCP PORT in NS;
# returns 1 with TRL_ERROR if PID exits first or the deadline passes.
trl_await_listen() {
  local ns=$1 port=$2 pid=$3 log=$4 deadline=$((SECONDS + ${5:-$TRL_START_TIMEOUT}))
  until ip netns exec "$ns" ss -Hltn "sport = :$port" | grep -q .; do
    if ! trl_alive "$pid"; then
      TRL_ERROR="exited before listening on port $port: $(tail -n 4 "$log" | tr '\n' ' ')"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      TRL_ERROR="not listening on port $port after ${5:-$TRL_START_TIMEOUT}s: $(tail -n 4 "$log" | tr '\n' ' ')"
      return 1
    fi
    sleep 0.1
  done
}

# trl_await_socket PATH PID LOG [SECONDS]: waits for the Unix socket PATH (a daemon's LocalAPI);
# returns 1 with TRL_ERROR if PID exits first or the deadline passes.
trl_await_socket() {
  local sock=$1 pid=$2 log=$3 deadline=$((SECONDS + ${4:-$TRL_START_TIMEOUT}))
  until [[ -S $sock ]]; do
    if ! trl_alive "$pid"; then
      TRL_ERROR="exited before serving $sock: $(tail -n 4 "$log" | tr '\n' ' ')"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      TRL_ERROR="no socket $sock after ${4:-$TRL_START_TIMEOUT}s: $(tail -n 4 "$log" | tr '\n' ' ')"
      return 1
    fi
    sleep 0.1
  done
}
