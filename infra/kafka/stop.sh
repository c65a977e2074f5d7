#!/usr/bin/env bash
# Stop the Kafka broker that start.sh started (not one it merely reused).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
var="${KAFKA_HOME_DIR:-$root/.var/kafka}"
pid_file="$var/kafka.pid"
[ -f "$pid_file" ] || { echo "kafka: not started by start.sh"; exit 0; }
pid="$(cat "$pid_file")"
if kill -0 "$pid" 2>/dev/null; then
  kill -TERM "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  echo "kafka: stopped"
fi
rm -f "$pid_file"
