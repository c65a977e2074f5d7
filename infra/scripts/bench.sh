#!/usr/bin/env bash
# Benchmarks (loopback only, bounded): install and build, make sure Kafka runs, then run each.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$root/infra/scripts/with-kafka.sh" node "$root/bench/dist/gateway-overhead.js"
