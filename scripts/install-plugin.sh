#!/usr/bin/env bash
# Installs Composer as a Docker CLI plugin, so `docker composer up -d` runs it:
#   ${DOCKER_CONFIG:-~/.docker}/cli-plugins/docker-composer
# The docker CLI finds plugins there, asks each for its metadata (`docker-composer docker-cli-plugin-metadata`),
# and runs `docker composer ARGS…` as `docker-composer composer ARGS…`; composer answers both.
#   scripts/install-plugin.sh [COMPOSER]
# COMPOSER: the command to install; default the NativeAOT binary (artifacts/composer/composer, from
# scripts/publish.sh), else `composer` on PATH (e.g. the .NET tool), which is then called through a small wrapper.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins
target=$dir/docker-composer
source=${1:-}
if [ -z "$source" ]; then
  if [ -x "$root/artifacts/composer/composer" ]; then source=$root/artifacts/composer/composer
  elif command -v composer >/dev/null 2>&1; then source=$(command -v composer); wrap=1
  else echo "install-plugin: no composer found: run scripts/publish.sh (or scripts/pack.sh and dotnet tool install) first" >&2; exit 1
  fi
fi
[ -x "$source" ] || { echo "install-plugin: $source is not an executable" >&2; exit 1; }
mkdir -p "$dir"
rm -f "$target.tmp"
if [ "${wrap:-0}" = 1 ]; then
  # A .NET tool's shim finds its files beside itself, so it is called where it is, not copied.
  printf '#!/bin/sh\nexec %q "$@"\n' "$(readlink -f "$source")" > "$target.tmp"
  chmod 755 "$target.tmp"
else
  install -m 755 "$source" "$target.tmp"
fi
mv -f "$target.tmp" "$target"
echo "install-plugin: $target → $source" >&2
"$target" docker-cli-plugin-metadata >/dev/null
