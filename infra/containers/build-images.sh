#!/usr/bin/env bash
# Build every image of the platform with podman (or docker: CONTAINER_CLI=docker), tagged
# switchyard/<name>:${TAG:-dev} — the names docker-compose.yml uses. The workspace stage (every
# dependency installed, the whole workspace compiled) is built first, on its own; then the
# eight images, each only its deploy and final stages on top of that cached stage, BUILD_JOBS
# (default 2) at a time. Prints each image's build time and size.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cli="${CONTAINER_CLI:-podman}"
tag="${TAG:-dev}"
jobs="${BUILD_JOBS:-2}"
revision="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [ "$cli" = podman ]; then
  export CONTAINERS_CONF="${CONTAINERS_CONF:-$root/infra/containers/containers.conf}"
  extra=(--network host)
else
  extra=()
fi

# name  package  target
images=(
  "auth @switchyard/auth service"
  "order @switchyard/order service"
  "payment @switchyard/payment service"
  "notification @switchyard/notification service"
  "billing @switchyard/billing service"
  "gateway @switchyard/gateway service"
  "payment-sandbox @switchyard/payment-sandbox plain"
  "smtp-capture @switchyard/smtp-capture smtp-capture"
  "kafka-topics @switchyard/kafka-runner kafka-topics"
)

# 1. The shared stage, once. Built by concurrent builds instead, each would build it itself:
#    neither finds it in the layer cache until one has finished.
logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
started=$(date +%s)
# (Without PACKAGE, which only the later stages read, the build warns about it: output kept.)
"$cli" build "${extra[@]}" --quiet -f "$root/infra/containers/Dockerfile" \
  --target workspace "$root" >"$logs/workspace.log" 2>&1 ||
  { sed 's/^/  /' "$logs/workspace.log" >&2; echo "workspace stage FAILED" >&2; exit 1; }
echo "workspace stage built in $(( $(date +%s) - started )) s"

# 2. Each image from that stage, a few at a time (pnpm deploy, the rootfs and the layer commits
#    are mostly file copying: two builds overlap well on two cores).
build_one() {
  local name=$1 package=$2 target=$3 started
  started=$(date +%s)
  if "$cli" build "${extra[@]}" --quiet -f "$root/infra/containers/Dockerfile" \
    --build-arg PACKAGE="$package" --build-arg REVISION="$revision" \
    --target "$target" -t "switchyard/$name:$tag" "$root" >"$logs/$name.log" 2>&1; then
    echo "image switchyard/$name:$tag built in $(( $(date +%s) - started )) s"
  else
    echo "image switchyard/$name:$tag FAILED after $(( $(date +%s) - started )) s:" >&2
    sed 's/^/  /' "$logs/$name.log" >&2
    touch "$logs/$name.failed"
  fi
}
for line in "${images[@]}"; do
  read -r name package target <<<"$line"
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  build_one "$name" "$package" "$target" &
done
wait
if compgen -G "$logs/*.failed" >/dev/null; then
  echo "image build failed: $(cd "$logs" && ls *.failed | sed 's/\.failed$//' | tr '\n' ' ')" >&2
  exit 1
fi
"$cli" images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep "switchyard/" | sort
