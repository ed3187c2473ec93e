#!/usr/bin/env bash
# Desktop app start-up time and memory (bin/trellis-desktop), beside the floor: the smallest
# JavaFX window on the same JVM, in the same run. Each start is a cold JVM on a private Xvfb with
# a real XEmbed tray (trayer) and a LocalAPI that answers recorded responses (bench/desktop:
# a running node with 50 peers). "Ready" is the app's own measure: JVM start until the daemon's
# answer is on screen and the tray icon is settled (readyMillis in its --state-file). Memory is
# the process's resident set 3 s after ready, and the Java heap in use then.
#
#   ./mvnw -B package -DskipTests && bench/desktop.sh
#
# Environment: BENCH_RUNS (7). Needs Xvfb, trayer and python3. Prints key=value lines (medians,
# milliseconds and MiB) on stdout; progress on stderr.
set -euo pipefail

repo=$(cd -- "$(dirname -- "$(readlink -f -- "$0")")/.." && pwd)
PROG=desktop.sh
# shellcheck source=../bin/lib/launch.sh
source "$repo/bin/lib/launch.sh"
java=$(find_java)
javac=$(dirname -- "$java")/javac
runs=${BENCH_RUNS:-7}
for tool in Xvfb trayer python3; do
  command -v "$tool" >/dev/null || die "$tool is missing (apt-get install -y xvfb trayer python3)"
done
lib=$repo/desktop-app/target/lib
[[ -d $lib ]] || die "$lib not found: run ./mvnw -B package -DskipTests first"

tmp=$(mktemp -d /tmp/trellis-bench-desktop.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf -- "$tmp"
}
trap cleanup EXIT
log() { printf '%s\n' "$*" >&2; }

Xvfb -displayfd 3 -screen 0 1400x900x24 -nolisten tcp 3>"$tmp/display" >"$tmp/xvfb.log" 2>&1 &
pids+=($!)
for ((i = 0; i < 200; i++)); do grep -q '^[0-9]' "$tmp/display" 2>/dev/null && break; sleep 0.05; done
export DISPLAY=:$(head -n1 "$tmp/display")
unset DBUS_SESSION_BUS_ADDRESS WAYLAND_DISPLAY
trayer --edge top --align right --widthtype request --height 32 >"$tmp/trayer.log" 2>&1 &
pids+=($!)
python3 "$repo/bench/desktop/canned_localapi.py" "$tmp/trellisd.sock" &
pids+=($!)
for ((i = 0; i < 200; i++)); do [[ -S $tmp/trellisd.sock ]] && break; sleep 0.05; done
export XDG_CONFIG_HOME=$tmp/config

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

# The floor: a bare JavaFX window, compiled once, started like the app.
mkdir -p "$tmp/hello"
"$javac" -d "$tmp/hello" -cp "$lib/*" "$repo/bench/desktop/HelloFx.java"
floor=()
floor_rss=()
for ((r = 1; r <= runs; r++)); do
  "$java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -XX:-UsePerfData -cp "$tmp/hello:$lib/*" HelloFx \
    >"$tmp/hello.out" 2>/dev/null &
  p=$!
  for ((i = 0; i < 400; i++)); do grep -q ready_ms "$tmp/hello.out" && break; sleep 0.025; done
  sleep 3
  floor_rss+=("$(awk '/^VmRSS:/ {print int($2 / 1024)}' "/proc/$p/status")")
  kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true
  floor+=("$(sed -n 's/^ready_ms=//p' "$tmp/hello.out")")
done
log "bare JavaFX window: ${floor[*]} ms; RSS ${floor_rss[*]} MiB"

# One app start: prints "ready_ms rss_mib heap_mib".
app_run() {
  local state=$tmp/state.json out=$tmp/app.log p ready rss heap
  rm -f "$state"
  "$repo/bin/trellis-desktop" --socket "$tmp/trellisd.sock" --state-file "$state" --tray xembed >"$out" 2>&1 &
  p=$!
  for ((i = 0; i < 400; i++)); do
    if [[ -f $state ]] && ready=$(sed -n 's/.*"readyMillis" : \([0-9]\+\).*/\1/p' "$state") && [[ -n $ready ]]; then break; fi
    sleep 0.025
  done
  sleep 3
  rss=$(awk '/^VmRSS:/ {print int($2 / 1024)}' "/proc/$p/status")
  heap=$(sed -n 's/.*heap used: \([0-9]\+\) MiB.*/\1/p' "$out" | head -n1)
  kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true
  printf '%s %s %s\n' "${ready:-NA}" "$rss" "${heap:-NA}"
}

declare -A results
for mode in plain appcds; do
  opts=
  if [[ $mode == appcds ]]; then
    opts="-XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=$tmp/desktop.jsa"
    TRELLIS_JAVA_OPTS=$opts app_run >/dev/null # creates the archive
  fi
  : >"$tmp/$mode.txt"
  for ((r = 1; r <= runs; r++)); do
    TRELLIS_JAVA_OPTS=$opts app_run >>"$tmp/$mode.txt"
  done
  log "$mode (ready ms, RSS MiB, heap MiB): $(tr '\n' ';' <"$tmp/$mode.txt")"
  results[${mode}_ready_ms]=$(awk '{print $1}' "$tmp/$mode.txt" | median)
  results[${mode}_rss_mib]=$(awk '{print $2}' "$tmp/$mode.txt" | median)
  results[${mode}_heap_mib]=$(awk '{print $3}' "$tmp/$mode.txt" | median)
done

echo "runs=$runs"
echo "javafx_floor_ready_ms=$(printf '%s\n' "${floor[@]}" | median)"
echo "javafx_floor_rss_mib=$(printf '%s\n' "${floor_rss[@]}" | median)"
for k in plain_ready_ms plain_rss_mib plain_heap_mib appcds_ready_ms appcds_rss_mib appcds_heap_mib; do
  echo "$k=${results[$k]}"
done
