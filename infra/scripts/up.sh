#!/usr/bin/env bash
# Bring the whole stack up in the foreground: Kafka, databases, SMTP capture, the four
# services and the gateway, with every process's logs prefixed. Ctrl-C stops all of it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$root/infra/scripts/bootstrap.sh"

kafka_port="${KAFKA_PORT:-9092}"
started_kafka=0
(exec 3<>"/dev/tcp/127.0.0.1/$kafka_port") 2>/dev/null || started_kafka=1
bash "$root/infra/kafka/start.sh"
stop_kafka() { if [ "$started_kafka" = 1 ]; then bash "$root/infra/kafka/stop.sh"; fi; }
trap stop_kafka EXIT

node "$root/infra/stack/dist/up.js"
