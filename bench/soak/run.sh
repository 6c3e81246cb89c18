#!/usr/bin/env bash
# Watch soak: N incidents (SIGKILL of the backend's process from the host, so the engine reports a crash), each
# restarted and relinked by `composer watch`; the watch process's resident memory is sampled after a warm-up and at
# the end. Prints the growth, which must stay under 10 MB for 500 incidents (issue 12).
#   bench/soak/run.sh [INCIDENTS] [WARMUP]     (default 500, 50)
# COMPOSER=path picks the command (default: the NativeAOT one from scripts/publish.sh, built when missing).
# Bounded: each incident waits at most 30 s for its report line.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
incidents=${1:-500}
warmup=${2:-50}
composer=${COMPOSER:-$root/artifacts/composer/composer}
command -v "${composer%% *}" >/dev/null || bash "$root/scripts/publish.sh" >/dev/null 2>&1
log=$(mktemp)
cd "$here"
$composer down -t 1 >/dev/null 2>&1 || true
$composer up -d >/dev/null 2>&1
$composer watch --format json > "$log" 2>/dev/null &
watch_pid=$!
# Watch goes first: left running, it would bring the project back after `down` (or after an engine restart).
trap 'kill $watch_pid 2>/dev/null || true; wait $watch_pid 2>/dev/null || true; $composer down -t 1 >/dev/null 2>&1 || true; rm -f "$log"' EXIT
deadline=$(( $(date +%s) + 60 ))
until grep -q 'container(s) running' "$log"; do [ "$(date +%s)" -lt "$deadline" ] || { echo "watch did not start"; exit 1; }; sleep 0.1; done

rss_kb() { ps -o rss= -p "$watch_pid" | tr -d ' '; }
count() { grep -c '"incident"' "$log" || true; }
start=$(date +%s)
for i in $(seq 1 "$incidents"); do
  before=$(count)
  pid=$(docker inspect -f '{{.State.Pid}}' bench-soak-db-1 2>/dev/null || echo 0)
  [ "$pid" -gt 0 ] && kill -9 "$pid" 2>/dev/null || true
  deadline=$(( $(date +%s) + 30 ))
  while [ "$(count)" -le "$before" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "incident $i: no report within 30 s"; tail -3 "$log"; exit 1; }
    sleep 0.05
  done
  # Wait until the backend runs again, so the next kill is a new incident.
  until [ "$(docker inspect -f '{{.State.Running}}' bench-soak-db-1 2>/dev/null)" = true ]; do sleep 0.05; done
  [ "$i" -eq "$warmup" ] && warm=$(rss_kb) && echo "after $warmup incidents (warm-up): RSS $((warm / 1024)) MB"
  [ $((i % 100)) -eq 0 ] && echo "after $i incidents: RSS $(( $(rss_kb) / 1024 )) MB"
done
end_rss=$(rss_kb)
failed=$(grep -c '"outcome":"failed"' "$log" || true)
echo "incidents: $incidents in $(( $(date +%s) - start )) s, failed: $failed"
echo "RSS after warm-up $((warm / 1024)) MB, at the end $((end_rss / 1024)) MB, growth $(( (end_rss - warm) / 1024 )) MB"
