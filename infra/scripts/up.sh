#!/usr/bin/env bash
# Bring the whole stack up in the foreground: Kafka, databases, SMTP capture, the five
# services and the gateway, with every process's logs prefixed. Ctrl-C stops all of it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$root/infra/scripts/bootstrap.sh"

# KAFKA_SECURITY=scram: a broker of its own that requires SCRAM logins and enforces the ACLs
# production's KafkaUsers give (infra/kafka/README.md), on 19092 with its data in
# .var/kafka-scram; each service logs in as itself. The logins are made once and kept there.
if [ "${KAFKA_SECURITY:-plaintext}" = scram ]; then
  export KAFKA_PORT="${KAFKA_PORT:-19092}" KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
  export KAFKA_HOME_DIR="${KAFKA_HOME_DIR:-$root/.var/kafka-scram}"
  export KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT"
  logins="$KAFKA_HOME_DIR/logins.env"
  services="auth order payment notification billing"
  # Logins are written into the broker's storage when it is formatted, so a service added since
  # then has none: that broker (local data only) is formatted again, with every service's login.
  if [ -f "$logins" ]; then
    for service in $services; do
      grep -q "[=,]$service:" "$logins" && continue
      if (exec 3<>"/dev/tcp/127.0.0.1/$KAFKA_PORT") 2>/dev/null; then
        echo "up: $KAFKA_HOME_DIR has no Kafka login for $service; stop that broker (infra/kafka/stop.sh) and run again" >&2
        exit 1
      fi
      echo "up: no Kafka login for $service yet: formatting the SCRAM broker in $KAFKA_HOME_DIR again"
      rm -rf "$KAFKA_HOME_DIR"
      break
    done
  fi
  if [ ! -f "$logins" ]; then
    mkdir -p "$KAFKA_HOME_DIR"
    password() { od -An -N12 -tx1 /dev/urandom | tr -d ' \n'; }
    users=""
    for service in $services; do users="$users,$service:$(password)"; done
    (umask 077; printf 'KAFKA_SCRAM_ADMIN_PASSWORD=%s\nKAFKA_SCRAM_USERS=%s\n' "$(password)" "${users#,}" >"$logins")
  fi
  set -a; . "$logins"; set +a
fi
kafka_port="${KAFKA_PORT:-9092}"
started_kafka=0
(exec 3<>"/dev/tcp/127.0.0.1/$kafka_port") 2>/dev/null || started_kafka=1
bash "$root/infra/kafka/start.sh"
stop_kafka() { if [ "$started_kafka" = 1 ]; then bash "$root/infra/kafka/stop.sh"; fi; }
trap stop_kafka EXIT

node "$root/infra/stack/dist/up.js"
