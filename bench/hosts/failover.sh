#!/usr/bin/env bash
# Watch across hosts: host a "loses power" (scripts/hosts.sh kill hostA: its engine, containerd and containers) while
# `composer watch` runs; per round the time from the kill until watch reports `host a unreachable`, and until the
# consumer on b first gets an answer from db failed over to host c (x-composer.failover: [c], the default grace).
# Then a is started again and the round checks there is one copy of db. Prints each round and the medians/max.
#   bench/hosts/failover.sh [ROUNDS]     (default 3; COMPOSER=/path/to/composer, default scripts/publish.sh's NativeAOT)
# Needs root; host a is always started again, also on failure.
set -euo pipefail
rounds=${1:-3}
source "$(dirname "$0")/common.sh"

reports=(); works=()
for i in $(seq 1 "$rounds"); do
  c up -d --progress quiet
  start_watch
  wait_answers
  t0=$(now_ms)
  lab kill hostA >/dev/null 2>&1 &
  killer=$!
  reported=""
  deadline=$(( t0 + 30000 ))
  prober=""
  until [ -n "$reported" ] || [ "$(now_ms)" -gt "$deadline" ]; do
    grep -q 'host a unreachable' "$work/watch.jsonl" && reported=$(( $(now_ms) - t0 ))
    # Probing starts once the host is really gone (the kill takes a moment): an answer before that is not a failover's.
    if [ -z "$prober" ] && ! kill -0 "$killer" 2>/dev/null; then
      ( ms=$(first_success "$t0" "$work/first"); echo "${ms:-30000}" > "$work/works" ) &
      prober=$!
    fi
    sleep 0.02
  done
  wait "$killer"
  if [ -z "$prober" ]; then ( ms=$(first_success "$t0" "$work/first"); echo "${ms:-30000}" > "$work/works" ) & prober=$!; fi
  wait "$prober"
  works_ms=$(cat "$work/works")
  reports+=("${reported:-30000}"); works+=("$works_ms")
  lab start hostA >/dev/null 2>&1
  deadline=$(( $(now_ms) + 60000 ))
  until grep -q 'host a reachable again' "$work/watch.jsonl"; do [ "$(now_ms)" -lt "$deadline" ] || { echo "bench: a not reported back" >&2; exit 1; }; sleep 0.1; done
  until [ "$(grep -c 'container(s) running' "$work/watch.jsonl")" -ge 4 ]; do [ "$(now_ms)" -lt "$deadline" ] || break; sleep 0.1; done
  copies=$(for h in hostA hostB hostC; do on "$h" ps -q --filter "label=com.docker.compose.project=$project" --filter "label=com.docker.compose.service=db"; done | wc -l)
  wait_answers
  echo "round $i: reported after ${reported:-timeout} ms, consumer works after ${works_ms} ms, copies of db after a's return: $copies" >&2
  kill -TERM "$watch_pid"; wait "$watch_pid" 2>/dev/null || true; watch_pid=""
  c down -t 1 --progress quiet >/dev/null 2>&1
done
echo "rounds: $rounds (host a killed; db fails over to c; consumer on b)"
echo "reported unreachable: median $(pct 50 "${reports[@]}") ms, max $(pct 100 "${reports[@]}") ms"
echo "consumer works again: median $(pct 50 "${works[@]}") ms, max $(pct 100 "${works[@]}") ms"
