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
# TEST_CONCURRENCY packages' suites at a time (default 2). Within a package the files always run
# one by one (they share its database); packages share nothing a test changes (each has its own
# databases — a platform's are named after the package —, Redis keys and Kafka namespace, on
# free ports) and a suite mostly waits on the broker, the database and its services, so two at
# once on 2 cores took 18 min where one at a time took 42 (fresh clone, quiet machine,
# 2026-12-04). Set TEST_CONCURRENCY=1 on a machine busy with something else: timing-sensitive
# tests (resilience, rate limits, watchdogs) need the CPU they wait for. Each package's output
# is printed in one piece when it finishes. (Two balanced lanes — e2e and payment in one, the
# rest in the other — were tried on 2026-12-05: 22.4 min instead of 23.6, but e2e then always
# shares the CPU with a heavy suite, and a gateway test with 300 ms stall limits failed.)
# A test process that never exits (a leaked handle) must fail the run, not hang it:
# TEST_TIMEOUT_MINUTES bounds it (60 by default: one at a time must fit too).
SWITCHYARD_TEST_RESULTS_DIR="$results" timeout --kill-after=60s "${TEST_TIMEOUT_MINUTES:-60}m" \
  pnpm exec turbo run test --concurrency="${TEST_CONCURRENCY:-2}" --continue \
  --output-logs=full --log-order=grouped || status=$?
if [ "$status" = 124 ] || [ "$status" = 137 ]; then
  echo "tests: stopped after ${TEST_TIMEOUT_MINUTES:-60} min — a test process did not finish (look for \"Jest did not exit\" above)" >&2
fi
# The processes' log digest first and the test summary last: a CI excerpt shows only the tail,
# and that must name the failing tests, not only what the services logged meanwhile.
summary="$(node infra/scripts/summarize-tests.mjs "$results" 2>&1)" || status=1
if [ "$status" != 0 ]; then node infra/scripts/digest-process-logs.mjs "$TEST_PROCESS_LOG_DIR"; fi
echo "$summary"
exit "$status"
