#!/usr/bin/env bash
# Usage: compose-smoke.sh [--prepare]
# The compose proof, on a machine with podman and no registry (CI's): build every image, bring
# docker-compose.yml up (with infra/compose/proof.override.yml standing in for the official
# PostgreSQL/Redis/Kafka images), run the README walkthrough through the gateway container,
# check from outside that every container is non-root with a read-only root filesystem, stop
# everything and check each container exited on SIGTERM within its grace period. Prints image
# sizes, time to ready and shutdown times.
#
# Installs podman, runc, mmdebstrap and docker-compose from Debian if missing. Uses the
# machine's PostgreSQL (databases auth/order/payment/notification/billing are reset), Redis, and the
# Maven-run Kafka (started if needed, under its own topic namespace). Needs ports 8080, 9464,
# 1080, 1025, 4001-4005 and 4010 free.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
say() { printf '\033[1mcompose-smoke:\033[0m %s\n' "$*"; }
fail() { say "FAILED: $*"; exit 1; }

# ---- 1. tools
missing=()
for tool in podman runc mmdebstrap docker-compose; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing ${missing[*]} from Debian's packages"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc mmdebstrap docker-compose >/dev/null
fi
export CONTAINERS_CONF="$root/infra/containers/containers.conf"
# --prepare: only the tools and the stand-in base (network and Debian packages, little CPU), so
# CI can fetch them in the background while other steps run.
if [ "${1:-}" = --prepare ]; then
  bash infra/containers/build-stand-in-base.sh
  exit 0
fi
export TAG="${TAG:-dev}"
export KAFKA_NAMESPACE="compose-smoke."
project=switchyard-smoke

for port in 8080 9464 1080 1025 4001 4002 4003 4004 4005 4010; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    fail "port $port is in use (is the native stack up? stop it first)"
  fi
done

# ---- 2. images (the stand-in Node base once per machine; layers are cached)
bash infra/containers/build-stand-in-base.sh
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  build_started=$(date +%s)
  bash infra/containers/build-images.sh
  say "images built in $(( $(date +%s) - build_started )) s"
fi

# ---- 3. the machine's servers, standing in for the official images
started_kafka=0
(exec 3<>/dev/tcp/127.0.0.1/9092) 2>/dev/null || started_kafka=1
bash infra/kafka/start.sh >/dev/null
for db in auth order payment notification billing; do
  psql -h 127.0.0.1 -U postgres -d postgres -qAt \
    -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null
done
PGHOST=127.0.0.1 POSTGRES_USER=postgres bash infra/compose/init-databases.sh >/dev/null

# ---- 4. podman's Docker-compatible API for docker-compose, and a healthcheck runner: podman
#         runs healthchecks from systemd timers, and this machine has no systemd.
state="$(mktemp -d)"
# docker-compose v1 refuses published ports on the host network, and in host mode every
# listening port is reachable anyway: render the two files, drop `ports`, run the result.
docker-compose -f docker-compose.yml -f infra/compose/proof.override.yml config >"$state/compose.yml"
python3 - "$state/compose.yml" <<'PY'
import sys, yaml
path = sys.argv[1]
rendered = yaml.safe_load(open(path))
for service in rendered["services"].values():
    service.pop("ports", None)
yaml.safe_dump(rendered, open(path, "w"))
PY
compose=(docker-compose -p "$project" -f "$state/compose.yml")
socket="$state/podman.sock"
podman system service --time=0 "unix://$socket" >"$state/podman-service.log" 2>&1 &
service_pid=$!
export DOCKER_HOST="unix://$socket"
(
  while sleep 1; do
    for id in $(podman ps -q --filter "label=com.docker.compose.project=$project" 2>/dev/null); do
      podman healthcheck run "$id" >/dev/null 2>&1 &
    done
    wait
  done
) &
health_pid=$!
cleanup() {
  "${compose[@]}" down --volumes --timeout 30 >/dev/null 2>&1 || true
  kill "$health_pid" "$service_pid" 2>/dev/null || true
  rm -rf "$state"
  if [ "$started_kafka" = 1 ]; then bash infra/kafka/stop.sh >/dev/null; fi
}
trap cleanup EXIT
for _ in $(seq 1 50); do [ -S "$socket" ] && break; sleep 0.2; done

# ---- 5. up: docker-compose waits for each depends_on condition in turn
say "docker-compose up"
up_started=$(date +%s%N)
"${compose[@]}" up --detach --no-build 2>&1 | sed 's/^/  /'
# Each long-running container: how long from its start to its first healthy check.
declare -A healthy_after
long_running=$(podman ps --format '{{.Names}}' --filter "label=com.docker.compose.project=$project" | sort | tr '\n' ' ')
ms_of() { echo $(( $(date -d "$1" +%s%N) / 1000000 )); }
for _ in $(seq 1 240); do
  waiting=0
  for name in $long_running; do
    [ -n "${healthy_after[$name]:-}" ] && continue
    if [ "$(podman inspect --format '{{.State.Health.Status}}' "$name")" = healthy ]; then
      started_at=$(podman inspect --format '{{.State.StartedAt}}' "$name")
      healthy_after[$name]=$(( $(date +%s%N) / 1000000 - $(ms_of "${started_at% UTC}") ))
    else
      waiting=1
    fi
  done
  [ "$waiting" = 0 ] && break
  sleep 0.5
done
ready_ms=$(( ($(date +%s%N) - up_started) / 1000000 ))
[ "$waiting" = 0 ] || { "${compose[@]}" ps; "${compose[@]}" logs --tail 40; fail "not every container became healthy"; }
"${compose[@]}" ps
for name in $long_running; do
  printf '  %-40s healthy %s ms after its start\n' "$name" "${healthy_after[$name]}"
done
say "platform ready (every container healthy) ${ready_ms} ms after docker-compose up"

# ---- 6. the README walkthrough through the gateway container
node infra/compose/walkthrough.mjs http://127.0.0.1:8080 http://127.0.0.1:1080 ||
  { "${compose[@]}" logs --tail 30; fail "walkthrough"; }

# The gateway's metrics: on its internal port, never on the public one.
node -e "
  const served = (url) => fetch(url).then((r) => r.text().then((t) => r.ok && t.includes('http_server_request_duration_seconds')));
  Promise.all([served('http://127.0.0.1:8080/metrics'), served('http://127.0.0.1:9464/metrics')]).then(([pub, internal]) => {
    if (pub || !internal) { console.error('metrics: public port ' + pub + ', metrics port ' + internal); process.exit(1); }
  });
" || fail "the gateway's metrics must be on 9464 only"
say "gateway metrics on the internal port 9464 only"

# The staff console, built into the gateway's image: its page and the script it loads.
node -e "
  (async () => {
    const page = await fetch('http://127.0.0.1:8080/admin/');
    const html = await page.text();
    const script = html.match(/src=\"(\/admin\/assets\/[^\"]+\.js)\"/)?.[1];
    const js = script && (await fetch('http://127.0.0.1:8080' + script));
    if (!page.ok || !html.includes('<div id=\"root\">') || !js?.ok) {
      console.error('console: page ' + page.status + ', script ' + (script ?? 'not named') + ' ' + (js?.status ?? '-'));
      process.exit(1);
    }
  })();
" || fail "the gateway must serve the staff console at /admin"
say "the staff console served at /admin by the gateway container"

# ---- 7. from outside: the process's real uid, and its root mount read-only
containers=$(podman ps --format '{{.Names}}' --filter "label=com.docker.compose.project=$project" | sort)
ours=0
for name in $containers; do
  case "$name" in *_postgres_1 | *_redis_1 | *_kafka_1) continue ;; esac  # proof stand-ins
  pid=$(podman inspect --format '{{.State.Pid}}' "$name")
  uid=$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")
  root_mount=$(awk '$5 == "/" {print $6}' "/proc/$pid/mountinfo" | head -n1)
  [ "$uid" != 0 ] || fail "$name runs as root"
  case ",$root_mount," in *,ro,*) ;; *) fail "$name has a writable root filesystem ($root_mount)" ;; esac
  printf '  %-40s uid %-6s root %s\n' "$name" "$uid" "$root_mount"
  ours=$((ours + 1))
done
say "$ours containers: non-root, read-only root filesystem"

# ---- 8. stop: SIGTERM, each must exit 0 within its grace period (30 s), not be killed; the
#         one-shots (migrations, topics) must have exited 0 earlier
say "docker-compose stop"
stop_started_ms=$(( $(date +%s%N) / 1000000 ))
"${compose[@]}" stop --timeout 30 2>&1 | sed 's/^/  /'
stop_ms=$(( $(date +%s%N) / 1000000 - stop_started_ms ))
bad=0
for name in $(podman ps -a --format '{{.Names}}' --filter "label=com.docker.compose.project=$project" | sort); do
  code=$(podman inspect --format '{{.State.ExitCode}}' "$name")
  finished_at=$(podman inspect --format '{{.State.FinishedAt}}' "$name")
  if [[ " $long_running " == *" $name "* ]]; then
    printf '  %-40s exit %s, %s ms after stop began\n' "$name" "$code" \
      "$(( $(ms_of "${finished_at% UTC}") - stop_started_ms ))"
  else
    printf '  %-40s exit %s (one-shot)\n' "$name" "$code"
  fi
  [ "$code" = 0 ] || bad=1
done
[ "$bad" = 0 ] || fail "a container did not exit cleanly (137 = killed after the grace period)"
say "every container exited 0; docker-compose stop took ${stop_ms} ms"

# ---- 9. figures
say "image sizes"
podman images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep "switchyard/" | sort | sed 's/^/  /'
say "time to ready: ${ready_ms} ms; shutdown: ${stop_ms} ms"
