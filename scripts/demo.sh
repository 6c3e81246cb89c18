#!/usr/bin/env bash
# One command from a fresh machine to a running example: starts a Docker Engine if none answers, builds the local
# images and Composer, then runs `composer up -d` on an example and shows what runs.
#   scripts/demo.sh [examples/NAME]     (default: examples/app-db)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
example=${1:-examples/app-db}

bash "$root/scripts/engine.sh"
bash "$root/scripts/images.sh"
[ -x "$root/examples/${example#examples/}/build-images.sh" ] && bash "$root/examples/${example#examples/}/build-images.sh"

bash "$root/scripts/publish.sh"
composer="$root/artifacts/composer/composer"

cd "$root/$example"
echo "+ composer up -d" >&2
"$composer" up -d
echo "+ composer ps" >&2
"$composer" ps
cat >&2 <<MSG

Composer is at $composer. Try, in $root/$example:
  $composer logs        # what the containers print
  $composer down        # stop and remove (add -v to remove the named volumes too)
MSG
