#!/usr/bin/env bash
# Pin the production overlay to the images just built: push each of our images that
# k8s/overlays/production/kustomization.yaml lists (switchyard/auth, order, payment,
# notification, billing, gateway) to its newName:newTag there, and write the digest the registry
# answered into the entry (`digest: sha256:…`), so the cluster pulls exactly that image.
#
# After a build (bash infra/containers/build-images.sh, which tags switchyard/<name>:$TAG):
#   TAG=0.2.0 bash infra/scripts/pin-images.sh            # push + pin every listed image
#   bash infra/scripts/pin-images.sh switchyard/auth       # only these
# Environment:
#   TAG            the local tag the build used (default: dev)
#   CONTAINER_CLI  podman (default) or docker
#   REGISTRY       push to <REGISTRY>/switchyard/<name>:<newTag> instead of the entry's newName
#                  (the entry's newName is rewritten to match)
#   TLS_VERIFY     false for a plain-HTTP registry (podman only; e.g. a local test registry)
#   KUSTOMIZATION  the file to pin (default: the production overlay's)
# Commit the changed kustomization with the release: it is what `kubectl apply -k` deploys.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cli="${CONTAINER_CLI:-podman}"
tag="${TAG:-dev}"
kustomization="${KUSTOMIZATION:-$root/k8s/overlays/production/kustomization.yaml}"
if [ "$cli" = podman ]; then
  export CONTAINERS_CONF="${CONTAINERS_CONF:-$root/infra/containers/containers.conf}"
fi
say() { printf 'pin-images: %s\n' "$*"; }

# The entries of the images: list, as "name newName newTag" lines.
entries="$(awk '
  /^images:/ { inside = 1; next }
  inside && /^[^ #]/ { inside = 0 }
  inside && /^ *- name:/ { if (name) print name, newName, newTag; name = $3; newName = ""; newTag = "" }
  inside && /^ *newName:/ { newName = $2 }
  inside && /^ *newTag:/ { newTag = $2 }
  END { if (name) print name, newName, newTag }
' "$kustomization")"
[ -n "$entries" ] || { say "no images: list in $kustomization"; exit 1; }

wanted=("$@")
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
pins=()
renames=()
while read -r name new_name new_tag; do
  if [ "${#wanted[@]}" -gt 0 ] && [[ ! " ${wanted[*]} " == *" $name "* ]]; then continue; fi
  [ -n "$new_tag" ] || { say "$name has no newTag in $kustomization"; exit 1; }
  if [ -n "${REGISTRY:-}" ]; then new_name="${REGISTRY%/}/$name"; fi
  [ -n "$new_name" ] || { say "$name has no newName and REGISTRY is not set"; exit 1; }
  local_image="$name:$tag"
  "$cli" image inspect "$local_image" >/dev/null 2>&1 ||
    { say "$local_image is not built (bash infra/containers/build-images.sh with TAG=$tag)"; exit 1; }
  target="$new_name:$new_tag"
  say "pushing $local_image to $target"
  if [ "$cli" = podman ]; then
    podman push --quiet --tls-verify="${TLS_VERIFY:-true}" \
      --digestfile "$work/digest" "$local_image" "docker://$target"
    digest="$(cat "$work/digest")"
  else
    docker tag "$local_image" "$target"
    docker push --quiet "$target" >/dev/null
    digest="$(docker image inspect --format '{{range .RepoDigests}}{{println .}}{{end}}' "$target" |
      grep -F "$new_name@" | head -n1 | sed 's/.*@//')"
  fi
  [[ "$digest" =~ ^sha256:[0-9a-f]{64}$ ]] || { say "no digest for $target (got '$digest')"; exit 1; }
  pins+=("$name=$digest")
  renames+=("$name $new_name")
done <<<"$entries"
[ "${#pins[@]}" -gt 0 ] || { say "none of ${wanted[*]} is in $kustomization"; exit 1; }
# Every push went through: only now touch the file. With REGISTRY, each entry's newName
# follows the registry its image was pushed to.
if [ -n "${REGISTRY:-}" ]; then
  for rename in "${renames[@]}"; do
    read -r name new_name <<<"$rename"
    NAME="$name" NEW_NAME="$new_name" node -e '
      const fs = require("fs"); const file = process.argv[1];
      const lines = fs.readFileSync(file, "utf8").split("\n");
      const at = lines.findIndex((l) => l.trim() === `- name: ${process.env.NAME}`);
      for (let i = at + 1; i < lines.length && !/^\s*- /.test(lines[i]) && /^\s/.test(lines[i]); i++)
        if (/^\s*newName:/.test(lines[i])) lines[i] = lines[i].replace(/newName:.*/, `newName: ${process.env.NEW_NAME}`);
      fs.writeFileSync(file, lines.join("\n"));' "$kustomization"
  done
fi
node "$root/infra/scripts/pin-images.mjs" "$kustomization" "${pins[@]}"
