#!/usr/bin/env bash
# Builds composer-ambassador:1, the TCP ambassador Composer ships (src/Composer.Ambassador), offline:
# a NativeAOT build for linux-x64 (about 4 MB) plus the few glibc files it needs, on composer-busybox:1.
# Tagged by a hash of the ambassador's sources: when that tag exists, nothing is built.
# Without a native toolchain it falls back to a self-contained build (COMPOSER_AMBASSADOR_AOT=0 forces that).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
log() { printf 'ambassador: %s\n' "$*" >&2; }

hash=$(cd "$root" && cat scripts/ambassador-image.sh src/Composer.Ambassador/*.cs src/Composer.Ambassador/*.csproj Directory.Packages.props Directory.Build.props global.json \
  | sha256sum | cut -c1-12)
image="composer-ambassador:$hash"

if docker image inspect "$image" >/dev/null 2>&1; then
  log "$image exists"
else
  docker image inspect composer-busybox:1 >/dev/null 2>&1 || bash "$root/scripts/images.sh"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/ctx/rootfs/opt/composer-ambassador" "$work/ctx/rootfs/usr/local/bin"
  log "publishing src/Composer.Ambassador (NativeAOT, linux-x64)"
  if [ "${COMPOSER_AMBASSADOR_AOT:-1}" != 0 ] && dotnet publish "$root/src/Composer.Ambassador" -c Release -r linux-x64 -p:PublishAot=true \
      -o "$work/out" --nologo -v quiet >&2; then
    cp "$work/out/composer-ambassador" "$work/ctx/rootfs/opt/composer-ambassador/"
  else
    # No native toolchain (NativeAOT links with clang or gcc): a self-contained build works too, only bigger.
    log "NativeAOT publish failed; publishing self-contained instead"
    rm -rf "$work/out"
    dotnet publish "$root/src/Composer.Ambassador" -c Release -r linux-x64 --self-contained \
      -o "$work/out" --nologo -v quiet >&2
    cp -r "$work/out/." "$work/ctx/rootfs/opt/composer-ambassador/"
  fi
  ln -s /opt/composer-ambassador/composer-ambassador "$work/ctx/rootfs/usr/local/bin/composer-ambassador"
  # The busybox base has no C library: copy what the binary (and any native library beside it) links, at the
  # paths it looks for them.
  for lib in $(find "$work/ctx/rootfs/opt/composer-ambassador" -type f \( -name composer-ambassador -o -name '*.so' \) \
      -exec ldd {} \; 2>/dev/null | grep -o '/[^ ]*' | sort -u); do
    [ -e "$lib" ] || continue
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
