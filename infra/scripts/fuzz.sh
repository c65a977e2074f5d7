#!/usr/bin/env bash
# The long fuzz run (loopback only): install and build, make sure Kafka runs, then fuzz the
# whole API through the gateway. Arguments go to the fuzzer: --requests N (10000), --seed S.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$root/infra/scripts/bootstrap.sh"
started_kafka=0
(exec 3<>"/dev/tcp/127.0.0.1/${KAFKA_PORT:-9092}") 2>/dev/null || started_kafka=1
bash "$root/infra/kafka/start.sh"
trap '[ "$started_kafka" = 1 ] && bash "$root/infra/kafka/stop.sh"' EXIT
node "$root/fuzz/dist/cli.js" "$@"
