#!/usr/bin/env bash
# The chaos run (loopback only): the platform on PostgreSQL, Redis and Kafka of its own, two
# replicas of each consuming service, orders flowing while processes are killed, paused and
# restarted; then every invariant, a full replay and a broker outage. Arguments go to the
# harness: --orders N (2000), --short (CI: 300 orders, one fault of each kind), --seed S.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$root/infra/scripts/bootstrap.sh"
exec node "$root/chaos/dist/cli.js" "$@"
