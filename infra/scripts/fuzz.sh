#!/usr/bin/env bash
# The long fuzz run (loopback only): fuzz the whole API through the gateway, on a platform the
# fuzzer starts itself. Arguments go to the fuzzer: --requests N (10000), --seed S.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bash "$root/infra/scripts/with-kafka.sh" node "$root/fuzz/dist/cli.js" "$@"
