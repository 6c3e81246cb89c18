#!/usr/bin/env bash
# `ps` on a large project: SERVICES running busybox services (default 500), brought up by Composer, then
# `composer ps` and `composer ps -a --format json` timed RUNS times each (default 10), and docker-compose 1.29's
# `ps` on the same containers for reference. Prints medians; removes the project at the end.
#   bench/ps/run.sh [SERVICES] [RUNS]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
services=${1:-500}
runs=${2:-10}
work=$(mktemp -d /tmp/composer-bench-ps.XXXXXX)
project=bench-ps-$$
bash "$root/scripts/engine.sh" >&2
bash "$root/scripts/images.sh" >&2
bash "$root/scripts/publish.sh" "$work/bin" >&2
composer="$work/bin/composer"
cleanup() { (cd "$work" && "$composer" -p "$project" down -t 0 >/dev/null 2>&1) || true; rm -rf "$work"; }
trap cleanup EXIT

{ echo "services:"; for i in $(seq 1 "$services"); do
  printf '  s%s:\n    image: composer-busybox:1\n    init: true\n    command: ["sleep", "2147483647"]\n' "$i"; done; } > "$work/compose.yaml"
cd "$work"
t0=$(date +%s.%N)
"$composer" -p "$project" up -d --progress quiet
echo "bench: $services services up in $(echo "$(date +%s.%N) - $t0" | bc) s; $(docker ps -q --filter "label=com.docker.compose.project=$project" | wc -l) running" >&2

median_of() { # command… → median seconds of RUNS runs (output discarded)
  local times=() t0
  for _ in $(seq 1 "$runs"); do
    t0=$(date +%s.%N); "$@" >/dev/null 2>&1; times+=("$(echo "$(date +%s.%N) - $t0" | bc)")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.3f", (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'
}
lines=$("$composer" -p "$project" ps | wc -l)
echo "| command ($services running services, medians of $runs) | seconds |"
echo "|---|---:|"
echo "| \`composer ps\` ($((lines - 1)) rows) | $(median_of "$composer" -p "$project" ps) |"
echo "| \`composer ps -a --format json\` | $(median_of "$composer" -p "$project" ps -a --format json) |"
echo "| \`composer ps -q\` | $(median_of "$composer" -p "$project" ps -q) |"
if command -v docker-compose >/dev/null; then
  echo "| \`docker-compose ps\` (1.29, same containers) | $(median_of docker-compose -p "$project" ps) |"
fi
