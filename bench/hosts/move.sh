#!/usr/bin/env bash
# Issue 13 item 4: a consumer keeps asking while its provider moves between hosts. On the host lab (LAB=hosts
# scripts/hosts.sh, started here when none of it is up, and then stopped again), bench/hosts/compose.yaml puts db
# (a named volume) on a and its consumer api on b. Inside api a loop asks db (through its import ambassador) every
# 0.1 s; meanwhile `composer move db` runs MOVES times, to c and back to a. Prints each move's wall time and the time
# its importers were held (composer's own line), then every request's outcome: failed must be 0.
#   bench/hosts/move.sh [MOVES]     (default 2)   COMPOSER=path picks the command (default: the NativeAOT one)
# Bounded: the loop makes at most 3000 requests and stops after 600 s; each request waits at most 45 s.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
moves=${1:-2}
composer=${COMPOSER:-$root/artifacts/composer/composer}
command -v "${composer%% *}" >/dev/null || bash "$root/scripts/publish.sh" >/dev/null 2>&1
export LAB=hosts
lab_up=0
for h in hostA hostB hostC; do docker -H "unix:///run/$h/docker.sock" version >/dev/null 2>&1 && lab_up=$((lab_up + 1)); done
started_lab=0
if [ "$lab_up" -eq 0 ]; then bash "$root/scripts/hosts.sh" up >/dev/null; started_lab=1
elif [ "$lab_up" -lt 3 ]; then echo "the host lab is partly down (another test's?): not touching it"; exit 1; fi
cd "$here"
b() { docker -H unix:///run/hostB/docker.sock "$@"; }
cleanup() {
  $composer down -v -t 1 >/dev/null 2>&1 || true
  [ "$started_lab" -eq 0 ] || bash "$root/scripts/hosts.sh" down >/dev/null 2>&1 || true
}
trap cleanup EXIT
$composer down -v -t 1 >/dev/null 2>&1 || true
$composer up -d >/dev/null 2>&1
api=bench-move-api-1
ask='timeout 45 nc db 35432 </dev/null 2>/dev/null'
deadline=$(( $(date +%s) + 60 ))
until b exec $api sh -c "$ask" | grep -q rows-of-db; do [ "$(date +%s)" -lt "$deadline" ] || { echo "api never reached db"; exit 1; }; sleep 0.2; done

b exec -d $api sh -c "i=0; start=\$(date +%s)
  while [ \$i -lt 3000 ] && [ ! -f /tmp/stop ] && [ \$(( \$(date +%s) - start )) -lt 600 ]; do
    i=\$((i+1)); r=\$($ask); echo \"\$i \${r:-FAILED}\" >> /tmp/loop.log; sleep 0.1
  done; echo done >> /tmp/loop.log"
requests() { b exec $api sh -c 'grep -c -v "^done" /tmp/loop.log 2>/dev/null || true'; }
wait_requests() { # until the loop has made N requests
  local until=$(( $(date +%s) + 60 ))
  while [ "$(requests)" -lt "$1" ]; do [ "$(date +%s)" -lt "$until" ] || { echo "the consumer loop stalled"; exit 1; }; sleep 0.2; done
}
wait_requests 10
to=c
for i in $(seq 1 "$moves"); do
  t0=$(date +%s%3N)
  out=$($composer move db --to $to 2>&1) || { echo "$out"; echo "move $i (to $to) failed"; exit 1; }
  t1=$(date +%s%3N)
  echo "move $i: db → $to: $(( t1 - t0 )) ms wall; composer: $(echo "$out" | grep -E '(stopped|started) on |copied .* → |moved ' | paste -sd ';' | sed 's/;/; /g')"
  wait_requests $(( $(requests) + 10 ))
  [ "$to" = c ] && to=a || to=c
done
b exec $api touch /tmp/stop
until b exec $api grep -q '^done' /tmp/loop.log; do sleep 0.2; done
total=$(requests)
failed=$(b exec $api sh -c 'grep -v "^done" /tmp/loop.log | grep -c -v " rows-of-db$" || true')
echo "requests: $total, failed: $failed, moves: $moves"
[ "$failed" -eq 0 ]
