#!/usr/bin/env bash
# Builds the local images that tests and examples use, offline (no registry is reachable).
#   composer-busybox:1  a ~2 MB base from Debian's busybox-static: sh, nc, nslookup, wget, httpd, sleep.
# Idempotent: an image that already exists is left alone (pass --force to rebuild).
set -euo pipefail

log() { printf 'images: %s\n' "$*" >&2; }
force=false; [ "${1:-}" = "--force" ] && force=true

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

BUSYBOX_IMAGE=${COMPOSER_BUSYBOX_IMAGE:-composer-busybox:1}

build_busybox() {
  if ! $force && image_exists "$BUSYBOX_IMAGE"; then
    log "$BUSYBOX_IMAGE exists"; return
  fi
  local bb
  bb=$(command -v busybox || true)
  if [ -z "$bb" ] || ! "$bb" --list 2>/dev/null | grep -qx httpd; then
    log "installing Debian's busybox-static"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq >/dev/null
    as_root apt-get install -y -qq busybox-static >/dev/null
    bb=/bin/busybox
  fi
  local root
  root=$(mktemp -d)
  trap 'rm -rf "$root"' RETURN
  mkdir -p "$root"/{bin,etc,tmp,var/www,root}
  cp "$bb" "$root/bin/busybox"
  local applet
  for applet in $("$root/bin/busybox" --list); do
    # A link named busybox would overwrite the binary itself.
    [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  chmod 1777 "$root/tmp"
  tar -C "$root" -c . | docker import -c 'ENV PATH=/bin' -c 'CMD ["/bin/sh"]' - "$BUSYBOX_IMAGE" >/dev/null
  log "built $BUSYBOX_IMAGE"
}

build_busybox
