#!/usr/bin/env bash
# Builds the example's images offline, from the machine's own apt sources (no registry, no mirror named here):
#   composer-postgres:1   PostgreSQL 15 (+ EXPOSE 5432, so links see the port from the image)
#   composer-node:1       Node.js with node-pg
# Both come from one mmdebstrap rootfs, imported once and tagged by a hash of the package list: when that tag
# exists, nothing is built (a second run takes a second).
set -euo pipefail
log() { printf 'node-postgres: %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

packages="postgresql-15,nodejs,node-pg"
suite=bookworm
hash=$(printf '%s %s %s\n' "$suite" "$packages" "rootfs-v1" | sha256sum | cut -c1-12)
base="composer-node-postgres-base:$hash"

if docker image inspect "$base" >/dev/null 2>&1; then
  log "$base exists"
else
  if ! command -v mmdebstrap >/dev/null; then
    log "installing mmdebstrap"
    as_root apt-get update -qq >/dev/null
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap >/dev/null
  fi
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  log "mmdebstrap $suite with $packages (about 35 s)"
  as_root mmdebstrap --quiet --variant=apt --include="$packages" --format=tar "$suite" "$work/rootfs.tar"
  log "docker import"
  docker import \
    -c 'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'ENV NODE_PATH=/usr/share/nodejs' \
    -c 'CMD ["/bin/bash"]' \
    "$work/rootfs.tar" "$base" >/dev/null
fi

# Thin images on the same base: metadata only, no copy of the rootfs.
if ! out=$(printf 'FROM %s\nEXPOSE 5432\nSTOPSIGNAL SIGINT\n' "$base" | docker build -q -t composer-postgres:1 - 2>&1); then
  printf '%s\n' "$out" >&2; exit 1
fi
docker tag "$base" composer-node:1
log "composer-postgres:1 and composer-node:1 ready (base $base)"
