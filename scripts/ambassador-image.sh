#!/usr/bin/env bash
# Builds composer-ambassador:1, the TCP ambassador Composer ships (src/Composer.Ambassador), offline:
# a NativeAOT build for linux-x64 (about 4 MB) plus the few glibc files it needs, on composer-busybox:1.
# Tagged by a hash of the ambassador's sources: when that tag exists, nothing is built.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
log() { printf 'ambassador: %s\n' "$*" >&2; }

hash=$(cd "$root" && cat src/Composer.Ambassador/*.cs src/Composer.Ambassador/*.csproj Directory.Packages.props Directory.Build.props global.json \
  | sha256sum | cut -c1-12)
image="composer-ambassador:$hash"

if docker image inspect "$image" >/dev/null 2>&1; then
  log "$image exists"
else
  docker image inspect composer-busybox:1 >/dev/null 2>&1 || bash "$root/scripts/images.sh"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  log "publishing src/Composer.Ambassador (NativeAOT, linux-x64)"
  dotnet publish "$root/src/Composer.Ambassador" -c Release -r linux-x64 -p:PublishAot=true \
    -o "$work/out" --nologo -v quiet >&2
  mkdir -p "$work/ctx/rootfs/usr/local/bin"
  cp "$work/out/composer-ambassador" "$work/ctx/rootfs/usr/local/bin/"
  # The busybox base has no C library: copy the ones the binary links, at the paths it looks for them.
  for lib in $(ldd "$work/out/composer-ambassador" | grep -o '/[^ ]*'); do
    mkdir -p "$work/ctx/rootfs$(dirname "$lib")"
    cp -L "$lib" "$work/ctx/rootfs$lib"
  done
  cat > "$work/ctx/Dockerfile" <<'DOCKERFILE'
FROM composer-busybox:1
COPY rootfs/ /
ENTRYPOINT ["/usr/local/bin/composer-ambassador"]
DOCKERFILE
  if ! out=$(docker build -q -t "$image" "$work/ctx" 2>&1); then printf '%s\n' "$out" >&2; exit 1; fi
fi
docker tag "$image" composer-ambassador:1
log "composer-ambassador:1 ready ($image)"
