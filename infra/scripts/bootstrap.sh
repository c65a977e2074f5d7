#!/usr/bin/env bash
# Make a fresh checkout runnable: check the machine, install pnpm and the workspace's
# dependencies, generate Prisma clients and build everything. Safe to run again.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1 CHECKPOINT_DISABLE=1
pnpm_version="$(node -p "require('./package.json').packageManager.split('@')[1]")"

say() { printf '[bootstrap] %s\n' "$*"; }
fail() { printf '[bootstrap] %s\n' "$*" >&2; exit 1; }

node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || fail "Node.js 20.19 or newer is required (found $(node -v))"

if ! command -v pnpm >/dev/null || [ "$(pnpm -v 2>/dev/null)" != "$pnpm_version" ]; then
  say "installing pnpm $pnpm_version"
  npm install -g --silent "pnpm@$pnpm_version" >/dev/null
fi

if ! command -v java >/dev/null || ! command -v mvn >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing Java 17 and Maven (for Apache Kafka)"
    apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless maven >/dev/null
  else
    fail "Java 17 and Maven are required to run Apache Kafka (apt-get install openjdk-17-jre-headless maven)"
  fi
fi

# The browser tests (the staff console's, the typed client's) drive Debian's Chromium
# (Playwright cannot download its own browser here); fonts-liberation gives the console's
# screenshots the usual sans-serif metrics.
if ! command -v chromium >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing Chromium (for the browser tests)"
    apt-get update -qq && apt-get install -y -qq chromium fonts-liberation >/dev/null
  else
    fail "Chromium is required for the browser tests (apt-get install chromium fonts-liberation)"
  fi
fi

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
port_open 127.0.0.1 5432 || fail "PostgreSQL is not reachable on 127.0.0.1:5432"
port_open 127.0.0.1 6379 || fail "Redis is not reachable on 127.0.0.1:6379"

say "installing dependencies"
pnpm install --frozen-lockfile --reporter=silent
say "generating Prisma clients and building"
# The clients first, in a run of their own: turbo hashes a task's inputs (src/**, where the
# clients are written) when the run starts, so builds that ran before their clients existed
# were cached under a hash the next run never computes again, and every later bootstrap (CI
# has four) built the services and what depends on them again (~40 s).
pnpm exec turbo run generate --output-logs=errors-only
pnpm exec turbo run build --output-logs=errors-only
