#!/usr/bin/env bash
# Builds the local base images the offline Docker check needs, without any image registry:
#   ats-local/bookworm   a minimal Debian 12 root file system (debootstrap from Debian's mirror, docker import)
#   ats-local/node:20    bookworm + this machine's Node 20 and npm (the project's Node; Debian's own is 18)
#   ats-local/nats       bookworm + Debian's nats-server (stands in for nats:2.10-alpine)
#   ats-local/postgres   bookworm + Debian's PostgreSQL 15 with the official image's entrypoint contract
# Each is built only when missing (ATS_DOCKER_REBUILD_BASE=1 forces it). Sourced by tools/docker/test-docker.sh,
# or run alone as root: bash tools/docker/base-images.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DOCKER="${DOCKER:-/usr/bin/docker}"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
BASE_IMAGE="${BASE_IMAGE:-ats-local/bookworm:12}"
NODE_BASE_IMAGE="${NODE_BASE_IMAGE:-ats-local/node:20}"
NATS_BASE_IMAGE="${NATS_BASE_IMAGE:-ats-local/nats:2.9}"
POSTGRES_BASE_IMAGE="${POSTGRES_BASE_IMAGE:-ats-local/postgres:15}"

base_log() { printf '[docker-base] %s\n' "$*"; }

has_image() { [[ "${ATS_DOCKER_REBUILD_BASE:-0}" != 1 ]] && "$DOCKER" image inspect "$1" >/dev/null 2>&1; }

build_rootfs_image() {
  has_image "$BASE_IMAGE" && { base_log "$BASE_IMAGE present"; return; }
  command -v debootstrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap; }
  local rootfs
  rootfs="$(mktemp -d /var/tmp/ats-rootfs.XXXXXX)"
  base_log "debootstrap bookworm (minbase) from $DEBIAN_MIRROR into $rootfs"
  debootstrap --variant=minbase --include=ca-certificates,wget bookworm "$rootfs" "$DEBIAN_MIRROR" >"$rootfs.log" 2>&1 \
    || { tail -20 "$rootfs.log"; rm -rf "$rootfs"; return 1; }
  # mktemp made the directory 0700: as the image's / that would lock every non-root user (postgres, node) out.
  chmod 755 "$rootfs"
  # Images stay small and apt works inside builds: no docs, no cached package lists.
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/*
  tar -C "$rootfs" -c . | "$DOCKER" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' - "$BASE_IMAGE" >/dev/null
  rm -rf "$rootfs" "$rootfs.log"
  base_log "imported $BASE_IMAGE"
}

build_node_image() {
  has_image "$NODE_BASE_IMAGE" && { base_log "$NODE_BASE_IMAGE present"; return; }
  local context node_bin npm_dir
  context="$(mktemp -d /var/tmp/ats-node.XXXXXX)"
  node_bin="$(readlink -f "$(command -v node)")"
  npm_dir="$(npm root -g)/npm"
  base_log "$NODE_BASE_IMAGE from $node_bin ($(node --version)) and $npm_dir"
  mkdir -p "$context/node/bin" "$context/node/lib/node_modules" "$context/ca-certificates"
  cp "$node_bin" "$context/node/bin/node"
  cp -r "$npm_dir" "$context/node/lib/node_modules/npm"
  # Certificate authorities this machine added to its trust store (e.g. a TLS-inspecting proxy in front of the npm
  # registry): `npm ci` inside the build trusts what the host trusts. Usually none.
  find /usr/local/share/ca-certificates -name '*.crt' -type f -exec cp {} "$context/ca-certificates/" \; 2>/dev/null || true
  "$DOCKER" build -q --build-arg BASE_IMAGE="$BASE_IMAGE" -f "$here/node.Dockerfile" -t "$NODE_BASE_IMAGE" "$context" >/dev/null
  rm -rf "$context"
}

build_service_image() { # <image> <dockerfile>
  has_image "$1" && { base_log "$1 present"; return; }
  base_log "$1 from $(basename "$2")"
  "$DOCKER" build -q --build-arg BASE_IMAGE="$BASE_IMAGE" -f "$2" -t "$1" "$here" >/dev/null
}

build_base_images() {
  build_rootfs_image
  build_node_image
  build_service_image "$NATS_BASE_IMAGE" "$here/nats.Dockerfile"
  build_service_image "$POSTGRES_BASE_IMAGE" "$here/postgres.Dockerfile"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then build_base_images; fi
