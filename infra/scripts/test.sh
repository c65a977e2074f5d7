#!/usr/bin/env bash
# Run every test of the workspace against real PostgreSQL, Redis and Apache Kafka: unit,
# integration per service, and the end-to-end suite through the gateway. Installs and
# builds first, starts Kafka if needed (and stops it again if it started it).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$root/infra/scripts/bootstrap.sh"
cd "$root"

kafka_port="${KAFKA_PORT:-9092}"
started_kafka=0
(exec 3<>"/dev/tcp/127.0.0.1/$kafka_port") 2>/dev/null || started_kafka=1
bash infra/kafka/start.sh
stop_kafka() { if [ "$started_kafka" = 1 ]; then bash infra/kafka/stop.sh; fi; }
trap stop_kafka EXIT

results="$root/.var/test-results"
rm -rf "$results" && mkdir -p "$results"
# Every process a test platform starts keeps its whole log here (packages/testing), for the
# digest printed when a test fails.
export TEST_PROCESS_LOG_DIR="${TEST_PROCESS_LOG_DIR:-$root/.var/test-logs}"
rm -rf "$TEST_PROCESS_LOG_DIR"
status=0
# Within a package the files always run one by one (they share its database); packages share
# nothing a test changes (each has its own databases — a platform's are named after the package —,
# Redis keys and Kafka namespace, on free ports), and a suite mostly waits on the broker, the
# database and its services. So the suites run in two lanes at once on 2 cores. turbo starts
# whichever suite became ready first, which put e2e (12 min, the longest by far) last: 23.6 min
# for the whole stage in CI on 2026-12-05. So the first lane runs e2e and payment (the next
# longest, 5.5 min), the second every other package: about 17.5 min each in sum. Everything was built by bootstrap above, so each lane runs its tests only (--only).
# TEST_CONCURRENCY=1 runs one suite at a time (42 min on a quiet machine): for a machine busy with
# something else, since timing-sensitive tests (resilience, rate limits, watchdogs) need the CPU
# they wait for. Each package's output is printed in one piece when it finishes; the first lane's
# after the second lane's, so the two never interleave.
# A test process that never exits (a leaked handle) must fail the run, not hang it:
# TEST_TIMEOUT_MINUTES bounds it (60 by default: one at a time must fit too).
run_tests() {
  SWITCHYARD_TEST_RESULTS_DIR="$results" timeout --kill-after=60s "${TEST_TIMEOUT_MINUTES:-60}m" \
    pnpm exec turbo run test --only --concurrency=1 --continue --output-logs=full \
    --log-order=grouped "$@"
}
first_lane=(--filter=@switchyard/e2e --filter=@switchyard/payment)
if [ "${TEST_CONCURRENCY:-2}" = 1 ]; then
  run_tests || status=$?
else
  first_lane_log="$root/.var/test-first-lane.log"
  run_tests "${first_lane[@]}" >"$first_lane_log" 2>&1 &
  first_lane_pid=$!
  run_tests --filter='!@switchyard/e2e' --filter='!@switchyard/payment' || status=$?
  first_status=0
  wait "$first_lane_pid" || first_status=$?
  cat "$first_lane_log"
  if [ "$status" = 0 ]; then status=$first_status; fi
fi
if [ "$status" = 124 ] || [ "$status" = 137 ]; then
  echo "tests: stopped after ${TEST_TIMEOUT_MINUTES:-60} min — a test process did not finish (look for \"Jest did not exit\" above)" >&2
fi
# The processes' log digest first and the test summary last: a CI excerpt shows only the tail,
# and that must name the failing tests, not only what the services logged meanwhile.
summary="$(node infra/scripts/summarize-tests.mjs "$results")" || status=1
if [ "$status" != 0 ]; then node infra/scripts/digest-process-logs.mjs "$TEST_PROCESS_LOG_DIR"; fi
echo "$summary"
exit "$status"
