#!/usr/bin/env bash
# Benchmarks (loopback only, bounded): install and build, make sure Kafka runs, then run them
# all against one platform. Arguments go to the runner: --short, --only a,b, --profile.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$root/infra/scripts/with-kafka.sh" node "$root/bench/dist/cli.js" "$@"
