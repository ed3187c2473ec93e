#!/usr/bin/env bash
# NAT traversal and relay benchmark, all parts in one run on this machine (results and method in
# docs/performance.md, "NAT traversal and relays"):
#
#   lab       the NAT lab in network namespaces (lab/, class dev.trellis.lab.mesh.NatBench, run through
#             Maven with -Dtest=NatBench; `./mvnw verify` never runs it): BENCH_TRIALS fresh node pairs,
#             each behind its own endpoint-independent NAT, from the first packet to a direct path
#             (p50/p90/max); then iperf3 TCP through a direct tunnel (two EIM NATs), through a relayed
#             one (two EDM NATs) and over the bare underlay, one after the other in the same lab.
#   dataplane bench/dataplane.sh: raw veth, wireguard-go and bin/trellis-wg between two namespaces,
#             for a reference point in the same run (keys prefixed "dataplane_").
#   relay     a JVM load generator (bench module, dev.trellis.bench.RelayLoad) against a fresh
#             bin/trellis-relay process on loopback: its RSS and live heap with 0 and N idle clients
#             (per connection), then BENCH_RELAY_PAIRS sender -> receiver pairs forwarding
#             BENCH_RELAY_PACKET-byte packets for BENCH_RELAY_SECONDS.
#
#   ./mvnw -B package -DskipTests && sudo bench/nat.sh
#
# Environment: BENCH_PARTS ("lab dataplane relay"), BENCH_TRIALS (20), BENCH_SECONDS (5, each iperf3
# run), BENCH_WARMUP_SECONDS (3, unreported iperf3 per direction before each leg), BENCH_RELAY_PAIRS
# (100), BENCH_RELAY_SECONDS (10), BENCH_RELAY_WARMUP_SECONDS (3), BENCH_RELAY_PACKET (1024 bytes),
# BENCH_RELAY_WINDOW (64 packets in flight per pair), BENCH_RELAY_IDLE ("1000 5000", ascending),
# BENCH_MAVEN_FLAGS ("-o": Maven offline), BENCH_KEEP=1 keeps the work directory (logs, iperf3 JSON).
# TRELLIS_JAVA_OPTS is not used: the relay and the nodes run with their launchers' defaults.
#
# Prints key=value lines on stdout, progress on stderr; takes about 8 minutes on 2 cores with the
# defaults. Exit status 0 when every part measured; 1 if one failed (the others still run; the
# failed part's log is named on stderr).
set -euo pipefail

repo=$(cd -- "$(dirname -- "$(readlink -f -- "$0")")/.." && pwd)
# shellcheck disable=SC2034 # read by launch.sh's die
PROG=nat.sh
# shellcheck source=bin/lib/launch.sh
source "$repo/bin/lib/launch.sh"

parts=${BENCH_PARTS:-lab dataplane relay}
trials=${BENCH_TRIALS:-20}
seconds=${BENCH_SECONDS:-5}
warmup=${BENCH_WARMUP_SECONDS:-3}
relay_pairs=${BENCH_RELAY_PAIRS:-100}
relay_seconds=${BENCH_RELAY_SECONDS:-10}
relay_warmup=${BENCH_RELAY_WARMUP_SECONDS:-3}
relay_packet=${BENCH_RELAY_PACKET:-1024}
relay_window=${BENCH_RELAY_WINDOW:-64}
relay_idle=${BENCH_RELAY_IDLE:-1000 5000}
maven_flags=${BENCH_MAVEN_FLAGS:--o}

say() { printf '[nat.sh] %s\n' "$*" >&2; }
positive() { [[ $2 =~ ^[1-9][0-9]*$ ]] || die "$1 must be a positive whole number, got \"$2\""; }

# Checked before anything starts: a typo must not surface after minutes of lab.
positive BENCH_TRIALS "$trials"
positive BENCH_SECONDS "$seconds"
positive BENCH_WARMUP_SECONDS "$warmup"
positive BENCH_RELAY_PAIRS "$relay_pairs"
positive BENCH_RELAY_SECONDS "$relay_seconds"
positive BENCH_RELAY_PACKET "$relay_packet"
positive BENCH_RELAY_WINDOW "$relay_window"
[[ $relay_warmup =~ ^[0-9]+$ ]] || die "BENCH_RELAY_WARMUP_SECONDS must be a whole number, got \"$relay_warmup\""
for part in $parts; do
  [[ $part == lab || $part == dataplane || $part == relay ]] || die "BENCH_PARTS: unknown part \"$part\" (lab, dataplane, relay)"
done

[[ $EUID -eq 0 ]] || die "run as root: the lab builds network namespaces and NAT routers"
for tool in ip iptables iperf3 ping ss getconf; do
  command -v "$tool" >/dev/null || die "$tool is missing: apt-get install -y iproute2 iptables iperf3 iputils-ping libc-bin"
done
java=$(find_java)
export JAVA_HOME=${JAVA_HOME:-$(dirname -- "$(dirname -- "$(readlink -f -- "$java")")")}
[[ -x $repo/bin/trellis-relay && -d $repo/relay/target/classes ]] \
  || die "relay/target/classes not found: run ./mvnw -B package -DskipTests first"
[[ -f $repo/bench/target/classes/dev/trellis/bench/RelayLoad.class ]] \
  || die "bench/target/classes has no RelayLoad: run ./mvnw -B package -DskipTests first"

# The relay part holds max(BENCH_RELAY_IDLE) connections: a file each in the relay and in the generator.
max_idle=0
for n in $relay_idle; do
  positive BENCH_RELAY_IDLE "$n"
  ((n > max_idle)) || die "BENCH_RELAY_IDLE must ascend (each count adds to the previous), got \"$relay_idle\""
  max_idle=$n
done
want_files=$((max_idle + 2 * relay_pairs + 1024))
if [[ $(ulimit -Hn) != unlimited && $(ulimit -Hn) -lt $want_files ]]; then
  ulimit -Hn "$want_files" 2>/dev/null || die "BENCH_RELAY_IDLE=$max_idle needs $want_files open files; the hard limit is $(ulimit -Hn)"
fi
ulimit -n "$(ulimit -Hn)"

work=$(mktemp -d /tmp/trellis-bench-nat.XXXXXX)
child_pid=
tail_pid=
# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
  # Only what this script started, by pid. The lab's JVM deletes its namespaces and processes from a
  # shutdown hook when Maven stops it; StaleLabCleaner removes what a SIGKILLed run left.
  for pid in $tail_pid $child_pid; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  if [[ ${BENCH_KEEP:-0} == 1 ]]; then
    say "kept $work"
  else
    rm -rf -- "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

started=$(date +%s)
cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
printf 'date=%s\n' "$(date -u +%Y-%m-%dT%H:%MZ)"
printf 'nproc=%s\n' "$(nproc)"
printf 'cpu_model="%s"\n' "${cpu:-unknown}"
printf 'mem_total_mib=%s\n' "$(awk '/^MemTotal/ {print int($2 / 1024)}' /proc/meminfo)"
printf 'kernel=%s\n' "$(uname -r)"
printf 'java="%s"\n' "$("$java" -version 2>&1 | head -n 1)"
printf 'loadavg_at_start="%s"\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'commit=%s\n' "$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"

status=0
has_part() { [[ " $parts " == *" $1 "* ]]; }

# Runs "$@" in the background (so that the trap can stop it by pid) and waits for it.
run_child() {
  "$@" &
  child_pid=$!
  local rc=0
  wait "$child_pid" || rc=$?
  child_pid=
  return "$rc"
}

if has_part lab; then
  say "lab: $trials fresh EIM/EIM pairs, then iperf3 underlay/direct/relayed (${seconds}s, warm-up ${warmup}s); Maven output in $work/lab-maven.log"
  : >"$work/lab.kv"
  # -am builds the lab's modules from this tree (never ~/.m2); surefire:test in every module, where
  # only the lab has a NatBench.
  # shellcheck disable=SC2086 # maven_flags is a list of words
  BENCH_NAT_OUT=$work/lab.kv BENCH_TRIALS=$trials BENCH_SECONDS=$seconds BENCH_WARMUP_SECONDS=$warmup \
    "$repo/mvnw" -B -q $maven_flags -f "$repo/pom.xml" -pl lab -am test-compile surefire:test \
    -Dtest=NatBench -Dsurefire.failIfNoSpecifiedTests=false >"$work/lab-maven.log" 2>&1 &
  child_pid=$!
  tail -n +1 -F --pid="$child_pid" "$work/lab-maven.log" 2>/dev/null \
    | grep --line-buffered -E '^\[nat-bench\]|ERROR|FAIL|Tests run:.*Fail' >&2 &
  tail_pid=$!
  rc=0
  wait "$child_pid" || rc=$?
  child_pid=
  wait "$tail_pid" 2>/dev/null || true
  tail_pid=
  cat "$work/lab.kv"
  if ((rc != 0)); then
    say "lab: Maven exited with $rc; its output (tail):"
    tail -n 60 "$work/lab-maven.log" >&2
    say "lab logs: $repo/lab/target/lab-logs/NatBench/"
    BENCH_KEEP=1
    status=1
  fi
fi

if has_part dataplane; then
  say "dataplane: bench/dataplane.sh (raw veth, wireguard-go, trellis-wg; ${seconds}s, warm-up ${warmup}s)"
  rc=0
  run_child env BENCH_SECONDS="$seconds" BENCH_WARMUP_SECONDS="$warmup" "$repo/bench/dataplane.sh" \
    >"$work/dataplane.kv" || rc=$?
  grep -v -E '^(nproc|cpu_model|kernel)=' "$work/dataplane.kv" | sed 's/^/dataplane_/'
  ((rc == 0)) || status=1
fi

if has_part relay; then
  say "relay: idle connections ${relay_idle// /, }, then $relay_pairs pairs x ${relay_packet} B for ${relay_seconds}s"
  rc=0
  run_child "$java" -XX:+UseParallelGC -Xms256m -Xmx3g -cp "$(module_classpath bench)" dev.trellis.bench.RelayLoad \
    --relay "$repo/bin/trellis-relay" --work "$work" --pairs "$relay_pairs" --seconds "$relay_seconds" \
    --warmup "$relay_warmup" --packet "$relay_packet" --window "$relay_window" --idle "$relay_idle" \
    --clk-tck "$(getconf CLK_TCK)" || rc=$?
  if ((rc != 0)); then
    say "relay: the load generator exited with $rc; relay logs in $work"
    BENCH_KEEP=1
    status=1
  fi
fi

printf 'loadavg_at_end="%s"\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf 'bench_seconds=%s\n' "$(($(date +%s) - started))"
exit "$status"
