#!/usr/bin/env bash
# The scenario of issue 12: the linked backend is removed with `docker rm -f`, another container takes the network
# at once (it may get the backend's address), and the consumer (no init: it ignores SIGTERM) must work again: answer
# through its link variables with the backend's page. Prints, per try, the time from the removal to the consumer's
# first success, probed every 25 ms from its network namespace (nsenter, as bench/watch does) with its own link variable.
#   bench/relink/run.sh [TRIES]     (default 5)   COMPOSER=path picks the command (default: the NativeAOT one)
# Bounded: each try waits at most 30 s.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tries=${1:-5}
composer=${COMPOSER:-$root/artifacts/composer/composer}
command -v "${composer%% *}" >/dev/null || bash "$root/scripts/publish.sh" >/dev/null 2>&1
log=$(mktemp)
cd "$here"
$composer down -t 1 >/dev/null 2>&1 || true
$composer up -d >/dev/null 2>&1
$composer watch --format json > "$log" 2>/dev/null &
watch_pid=$!
# Watch goes first: left running, it would bring the project back after `down` (or after an engine restart).
cleanup() { kill $watch_pid 2>/dev/null || true; wait $watch_pid 2>/dev/null || true; docker rm -f bench-relink-squatter >/dev/null 2>&1 || true; $composer down -t 1 >/dev/null 2>&1 || true; rm -f "$log"; }
trap cleanup EXIT
deadline=$(( $(date +%s) + 60 ))
until grep -q 'container(s) running' "$log"; do [ "$(date +%s)" -lt "$deadline" ] || { echo "watch did not start"; exit 1; }; sleep 0.1; done

now_ms() { date +%s%3N; }
works() { # the consumer's current container answers through its link variables
  local pid addr; pid=$(docker inspect -f '{{.State.Pid}}' bench-relink-app-1 2>/dev/null || echo 0); [ "$pid" -gt 0 ] || return 1
  addr=$(tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | sed -n 's/^DATABASE_PORT_80_TCP_ADDR=//p'); [ -n "$addr" ] || return 1
  # From the consumer's network namespace. A probe gives up after 0.3 s (a running backend answers in milliseconds):
  # one sent to the stale address, where nothing answers, must not hide a success for long (it hung 1 s before).
  nsenter -t "$pid" -n curl -s --max-time 0.3 "http://$addr:80/" 2>/dev/null | grep -q backend
}
results=()
for i in $(seq 1 "$tries"); do
  ready_by=$(( $(date +%s) + 60 ))
  until works; do [ "$(date +%s)" -lt "$ready_by" ] || { echo "try $i: the consumer does not work to begin with"; exit 1; }; sleep 0.05; done
  docker rm -f bench-relink-squatter >/dev/null 2>&1 || true
  # The last try's stale consumer has had its grace period and is gone: each try starts from the same state.
  until [ "$(docker ps -a --filter name=bench-relink-app --format '{{.Names}}' | wc -l)" -eq 1 ]; do
    [ "$(date +%s)" -lt "$ready_by" ] || { echo "try $i: the stale consumer was never removed"; exit 1; }; sleep 0.1
  done
  t0=$(now_ms)
  docker rm -f bench-relink-db-1 >/dev/null
  docker run -d --name bench-relink-squatter --network bench-relink_default --init composer-busybox:1 \
    sh -c 'echo squatter > /tmp/index.html && exec httpd -f -p 80 -h /tmp' >/dev/null
  took=""
  while [ -z "$took" ] && [ "$(now_ms)" -lt $(( t0 + 30000 )) ]; do
    if works; then took=$(( $(now_ms) - t0 )); else sleep 0.025; fi
  done
  [ -n "$took" ] || { echo "try $i: the consumer did not work again within 30 s"; exit 1; }
  echo "try $i: consumer works again $took ms after the removal"
  results+=("$took")
done
printf '%s\n' "${results[@]}" | sort -n | awk '{ a[NR] = $1 } END { printf "tries: %d, min %d ms, median %d ms, max %d ms\n", NR, a[1], a[int((NR + 1) / 2)], a[NR] }'
