#!/usr/bin/env bash
# ACL policy benchmark: policy evaluation and map fan-out at scale, in one JVM with no network
# (dev.trellis.bench.PolicyLoad). N nodes hold map streams on a real NetMapHub, first with no
# policy (allow all), then with a generated policy of R rules (groups, users, tags, self);
# for each change (a node re-tagged, a node joining, the policy edited) it reports the time
# the change costs the caller and the time until every affected stream has encoded its delta.
#
#   ./mvnw -B package -DskipTests && bench/policy.sh
#
# Environment: BENCH_NODES (10000), BENCH_RULES (500), BENCH_CHANGES (30), BENCH_SEED (1),
# BENCH_OPTS (JVM options, default -Xmx8g). Prints key=value lines on stdout (allow_…, policy_…);
# progress on stderr.
set -euo pipefail

repo=$(cd -- "$(dirname -- "$(readlink -f -- "$0")")/.." && pwd)
PROG=policy.sh
# shellcheck source=../bin/lib/launch.sh
source "$repo/bin/lib/launch.sh"

java=$(find_java)
classpath=$(module_classpath bench)
[[ -d $repo/bench/target/classes/dev/trellis/bench ]] \
  || die "bench/target/classes not found: run ./mvnw -B package -DskipTests first"

# shellcheck disable=SC2086
exec "$java" ${BENCH_OPTS:--XX:+UseParallelGC -Xmx8g} -cp "$classpath" dev.trellis.bench.PolicyLoad \
  "nodes=${BENCH_NODES:-10000}" "rules=${BENCH_RULES:-500}" "changes=${BENCH_CHANGES:-30}" "seed=${BENCH_SEED:-1}"
