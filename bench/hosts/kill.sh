#!/usr/bin/env bash
# Watch across hosts: SIGKILL of the provider's container on host a (db, bench/hosts/watch.yaml), `composer watch`
# repairing it on a; per kill the time from the kill until the consumer on host b (api, through its import and db's
# export ambassador) first gets db's answer again. Prints each kill and p50/p95 over KILLS.
#   bench/hosts/kill.sh [KILLS]     (default 20; COMPOSER=/path/to/composer, default scripts/publish.sh's NativeAOT)
# Needs root (the host lab: LAB=hosts scripts/hosts.sh, started when down). Bounded: each kill waits at most 30 s.
set -euo pipefail
kills=${1:-20}
source "$(dirname "$0")/common.sh"
c up -d --progress quiet
start_watch
wait_answers

times=()
for i in $(seq 1 "$kills"); do
  wait_answers
  sleep 1.2   # past restart_backoff_stable_after: every kill starts from the first back-off step
  pid=$(on hostA inspect -f '{{.State.Pid}}' "$project-db-1")
  t0=$(now_ms)
  kill -9 "$pid"
  while [ "$(on hostA inspect -f '{{.State.Pid}}' "$project-db-1" 2>/dev/null)" = "$pid" ]; do sleep 0.01; done
  ms=$(first_success "$t0" "$work/first")
  times+=("${ms:-30000}")
  echo "kill $i: consumer answers again after ${ms:-timeout (30 s)} ms" >&2
done
echo "kills: $kills (provider db on host a, consumer api on host b)"
echo "recovery: p50 $(pct 50 "${times[@]}") ms, p95 $(pct 95 "${times[@]}") ms, max $(pct 100 "${times[@]}") ms"
echo "incidents reported by watch: $(grep -c '"incident"' "$work/watch.jsonl")"
