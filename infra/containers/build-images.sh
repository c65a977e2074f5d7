#!/usr/bin/env bash
# Build every image of the platform with podman (or docker: CONTAINER_CLI=docker), tagged
# switchyard/<name>:${TAG:-dev} — the names docker-compose.yml uses. The workspace stage is
# built once and reused by each image. Prints each image's size.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cli="${CONTAINER_CLI:-podman}"
tag="${TAG:-dev}"
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
  "gateway @switchyard/gateway service"
  "payment-sandbox @switchyard/payment-sandbox plain"
  "smtp-capture @switchyard/smtp-capture smtp-capture"
  "kafka-topics @switchyard/kafka-runner kafka-topics"
)
for line in "${images[@]}"; do
  read -r name package target <<<"$line"
  started=$(date +%s)
  "$cli" build "${extra[@]}" --quiet -f "$root/infra/containers/Dockerfile" \
    --build-arg PACKAGE="$package" --build-arg REVISION="$revision" \
    --target "$target" -t "switchyard/$name:$tag" "$root" >/dev/null
  echo "image switchyard/$name:$tag built in $(( $(date +%s) - started )) s"
done
"$cli" images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep "switchyard/" | sort
