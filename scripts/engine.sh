#!/usr/bin/env bash
# Makes sure a Docker Engine answers. Uses one that already does (DOCKER_HOST is honoured by the docker CLI);
# otherwise installs Debian's docker.io when dockerd is missing, starts dockerd in the background and waits for it.
# Idempotent: with an engine already answering it changes nothing.
set -euo pipefail

log() { printf 'engine: %s\n' "$*" >&2; }

engine_answers() { timeout 10 docker info >/dev/null 2>&1; }

if engine_answers; then
  log "engine answers ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
  exit 0
fi

if [ -n "${DOCKER_HOST:-}" ] && [ "${DOCKER_HOST#unix://}" = "$DOCKER_HOST" ]; then
  log "DOCKER_HOST=$DOCKER_HOST does not answer, and it is not a local socket this script can start an engine on"
  exit 1
fi

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v dockerd >/dev/null 2>&1; then
  log "no dockerd: installing Debian's docker.io"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq >/dev/null
  as_root apt-get install -y -qq docker.io >/dev/null
fi

# The docker.io package may ship its own client; keep whichever `docker` is first on PATH.
state_dir=${COMPOSER_ENGINE_STATE:-/var/tmp/composer-engine}
as_root mkdir -p "$state_dir"

if ! pgrep -x dockerd >/dev/null 2>&1; then
  # An unclean stop leaves a pid file that makes a new dockerd refuse to start.
  as_root rm -f /var/run/docker.pid
  log "starting dockerd (log: $state_dir/dockerd.log)"
  as_root sh -c "setsid dockerd >'$state_dir/dockerd.log' 2>&1 < /dev/null &"
fi

deadline=$((SECONDS + ${COMPOSER_ENGINE_WAIT:-60}))
until engine_answers; do
  if [ $SECONDS -ge $deadline ]; then
    log "dockerd did not answer within ${COMPOSER_ENGINE_WAIT:-60}s; last lines of its log:"
    tail -n 20 "$state_dir/dockerd.log" >&2 2>/dev/null || true
    exit 1
  fi
  sleep 0.5
done
log "engine answers ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
