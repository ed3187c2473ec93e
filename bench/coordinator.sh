#!/usr/bin/env bash
# Coordinator benchmark: N simulated nodes (protocol only, no TUN) against a real coordinator
# process on loopback. For each N it starts bin/trellis-coordinator on a fresh SQLite data
# directory, ramps up N nodes that register with a reusable pre-auth key and hold map streams,
# then lets BENCH_JOINS more nodes join one at a time and measures how long each join takes to
# reach every other node's map stream. The generator (bench module, dev.trellis.bench.CoordinatorLoad)
# is a separate JVM, so the coordinator's CPU and RSS read from /proc are its own.
#
#   ./mvnw -B package -DskipTests && bench/coordinator.sh
#
# Environment: BENCH_NODES (default "1000 10000"), BENCH_JOINS (20), BENCH_CONCURRENCY (32, nodes
# ramping at once), BENCH_PORT (18480), BENCH_GENERATOR_OPTS (JVM options of the generator),
# TRELLIS_JAVA_OPTS (the coordinator's, e.g. -Xmx3g), BENCH_JFR_JOINS=DIR records the coordinator
# during the joins only (DIR/joins-nN.jfr, for `jfr print --events jdk.ExecutionSample`),
# BENCH_KEEP=1 keeps the data and log directory, BENCH_COORDINATOR=PATH runs another build's
# bin/trellis-coordinator (to compare before and after a change; the wire protocol must match). Prints key=value lines on stdout, prefixed with
# "nN_" per node count; progress on stderr. Exit status 0 when every run measured every join.
set -euo pipefail

repo=$(cd -- "$(dirname -- "$(readlink -f -- "$0")")/.." && pwd)
PROG=coordinator.sh
# shellcheck source=../bin/lib/launch.sh
source "$repo/bin/lib/launch.sh"

node_counts=${BENCH_NODES:-1000 10000}
joins=${BENCH_JOINS:-20}
concurrency=${BENCH_CONCURRENCY:-32}
port=${BENCH_PORT:-18480}
generator_opts=${BENCH_GENERATOR_OPTS:--XX:+UseParallelGC -Xms512m -Xmx6g}
coordinator=${BENCH_COORDINATOR:-$repo/bin/trellis-coordinator}

java=$(find_java)
classpath=$(module_classpath bench)
[[ -d $repo/bench/target/classes/dev/trellis/bench ]] \
  || die "bench/target/classes not found: run ./mvnw -B package -DskipTests first"

say() { printf '[bench] %s\n' "$*" >&2; }

# Each simulated node holds one TCP connection, and so does the coordinator for it: both
# processes need an open file per node, plus the JVM's own.
want_files=65536
if [[ $(ulimit -Hn) != unlimited && $(ulimit -Hn) -lt $want_files ]]; then
  ulimit -Hn "$want_files" 2>/dev/null || true
fi
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
files=$(ulimit -n)
read -r port_lo port_hi </proc/sys/net/ipv4/ip_local_port_range
ports=$((port_hi - port_lo + 1))

work=$(mktemp -d /tmp/trellis-bench-coordinator.XXXXXX)
coordinator_pid=
generator_pid=
cleanup() {
  if [[ -n $generator_pid ]] && kill -0 "$generator_pid" 2>/dev/null; then
    kill "$generator_pid" 2>/dev/null || true
    wait "$generator_pid" 2>/dev/null || true
  fi
  if [[ -n $coordinator_pid ]] && kill -0 "$coordinator_pid" 2>/dev/null; then
    kill "$coordinator_pid" 2>/dev/null || true
    wait "$coordinator_pid" 2>/dev/null || true
  fi
  if [[ ${BENCH_KEEP:-0} == 1 ]]; then
    say "kept $work"
  else
    rm -rf -- "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
printf 'date=%s\n' "$(date -u +%Y-%m-%dT%H:%MZ)"
printf 'nproc=%s\n' "$(nproc)"
printf 'cpu_model="%s"\n' "${cpu:-unknown}"
printf 'mem_total_mib=%s\n' "$(awk '/^MemTotal/ {print int($2 / 1024)}' /proc/meminfo)"
printf 'kernel=%s\n' "$(uname -r)"
printf 'java="%s"\n' "$("$java" -version 2>&1 | head -n 1)"
printf 'open_files_limit=%s\n' "$files"
printf 'ephemeral_ports=%s\n' "$ports"
printf 'generator_opts="%s"\n' "$generator_opts"
printf 'coordinator="%s"\n' "$coordinator"
printf 'coordinator_opts="%s"\n' "${TRELLIS_JAVA_OPTS:-}"

status=0
for n in $node_counts; do
  need=$((n + joins + 256))
  if [[ $files != unlimited && $files -lt $need ]]; then
    die "N=$n needs about $need open files per process and the limit is $files: raise it (ulimit -Hn as root)"
  fi
  if ((n + joins + 64 > ports)); then
    die "N=$n needs about $((n + joins)) ephemeral ports and only $ports are configured (net.ipv4.ip_local_port_range)"
  fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    die "something already listens on 127.0.0.1:$port: set BENCH_PORT"
  fi
  data=$work/n$n
  mkdir -p "$data"
  say "N=$n: preparing $data"
  # TRELLIS_JAVA_OPTS is for the server (a flight recording, say), not for the admin commands.
  TRELLIS_JAVA_OPTS='' "$coordinator" users create bench --data-dir "$data" >/dev/null
  auth_key=$(TRELLIS_JAVA_OPTS='' "$coordinator" preauthkeys create --user bench --reusable \
    --expiration 2h --data-dir "$data")
  "$coordinator" serve --data-dir "$data" --listen "127.0.0.1:$port" \
    >"$data/coordinator.log" 2>&1 &
  coordinator_pid=$!
  # It listens before its tailnet is loaded (answering 503 meanwhile): wait for its "serving" line.
  for _ in $(seq 1 600); do
    if grep -q 'trellis-coordinator: serving' "$data/coordinator.log"; then break; fi
    kill -0 "$coordinator_pid" 2>/dev/null || die "the coordinator exited at start: see $data/coordinator.log"
    sleep 0.1
  done
  grep -q 'trellis-coordinator: serving' "$data/coordinator.log" \
    || die "the coordinator did not start within 60 s: see $data/coordinator.log"
  say "N=$n: coordinator pid $coordinator_pid on 127.0.0.1:$port; generator starting"
  # shellcheck disable=SC2086
  jfr=()
  if [[ -n ${BENCH_JFR_JOINS:-} ]]; then jfr=(--jfr-joins "$BENCH_JFR_JOINS/joins-n$n.jfr"); fi
  TRELLIS_BENCH_AUTH_KEY=$auth_key "$java" $generator_opts -cp "$classpath" dev.trellis.bench.CoordinatorLoad \
    --url "http://127.0.0.1:$port" --nodes "$n" --joins "$joins" --concurrency "$concurrency" \
    --coordinator-pid "$coordinator_pid" --clk-tck "$(getconf CLK_TCK)" "${jfr[@]}" >"$data/result.txt" &
  generator_pid=$!
  if wait "$generator_pid"; then rc=0; else rc=$?; fi
  generator_pid=
  sed "s/^/n${n}_/" "$data/result.txt"
  if ((rc != 0)); then
    say "N=$n: the generator exited with status $rc (coordinator log: $data/coordinator.log)"
    status=1
  fi
  kill "$coordinator_pid" 2>/dev/null || true
  wait "$coordinator_pid" 2>/dev/null || true
  coordinator_pid=
done
exit "$status"
