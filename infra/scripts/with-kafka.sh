#!/usr/bin/env bash
# Run a command with the workspace installed and built and Apache Kafka up (started here, and
# stopped again afterwards, if it was not running). Used by the bench and fuzz runs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$root/infra/scripts/bootstrap.sh"
started_kafka=0
(exec 3<>"/dev/tcp/127.0.0.1/${KAFKA_PORT:-9092}") 2>/dev/null || started_kafka=1
bash "$root/infra/kafka/start.sh"
trap '[ "$started_kafka" = 1 ] && bash "$root/infra/kafka/stop.sh"' EXIT
"$@"
