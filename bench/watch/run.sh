#!/usr/bin/env bash
# Measures watch mode: from SIGKILL of the backend's process (the engine's `die` follows within milliseconds) to every
# dependent answering through its own way of connecting again. Prints p50/p95 per way over N kills.
#   bench/watch/run.sh [KILLS]   (default 20)
# Traffic stays inside the project's own network (docker exec into its containers). Bounded: KILLS kills, each
# waiting at most 30 s.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
kills=${1:-20}
bash "$root/scripts/engine.sh" >/dev/null 2>&1
bash "$root/scripts/images.sh" >/dev/null 2>&1
bash "$root/scripts/ambassador-image.sh" >/dev/null 2>&1
bash "$root/scripts/publish.sh" >/dev/null 2>&1
composer="$root/artifacts/composer/composer"
cd "$here"
"$composer" down -t 1 >/dev/null 2>&1 || true
"$composer" up -d >/dev/null 2>&1
"$composer" watch --format json > /tmp/bench-watch.jsonl 2>/dev/null &
watch_pid=$!
trap '"$composer" down -t 1 >/dev/null 2>&1; kill $watch_pid 2>/dev/null || true' EXIT
until grep -q 'container(s) running' /tmp/bench-watch.jsonl; do sleep 0.1; done

now_ms() { date +%s%3N; }
# Probes run the consumer's own busybox inside its namespaces (nsenter): the same request a `docker exec` would make,
# without its few hundred milliseconds of overhead blurring the measurement. A recreated consumer has a new pid.
pid_of() { docker inspect -f '{{.State.Pid}}' "$1" 2>/dev/null || echo 0; }
probe() { # CONTAINER SCRIPT
  local pid; pid=$(pid_of "$1"); [ "$pid" -gt 0 ] || return 1
  nsenter -t "$pid" -n -m -u -i /bin/timeout 2 /bin/sh -c "$2" 2>/dev/null | grep -q backend
}
answers_by_name() { probe bench-watch-byname-1 'wget -qO- http://db/'; }
answers_by_ambassador() { probe bench-watch-byambassador-1 'wget -qO- http://db-ambassador/'; }
answers_by_link() { probe bench-watch-bylink-1 'wget -qO- "http://$(cat /proc/1/environ | tr "\\0" "\\n" | sed -n "s/^DATABASE_PORT_80_TCP_ADDR=//p"):80/"'; }

names=(); links=(); ambassadors=()
for i in $(seq 1 "$kills"); do
  until answers_by_name && answers_by_link && answers_by_ambassador; do sleep 0.05; done
  sleep 1.2   # past restart_backoff_stable_after, so every kill starts from the first back-off step
  pid=$(docker inspect -f '{{.State.Pid}}' bench-watch-db-1)
  t0=$(now_ms)
  kill -9 "$pid"
  # The backend must really be down before "answering again" means anything.
  while [ "$(docker inspect -f '{{.State.Running}}' bench-watch-db-1 2>/dev/null)" = true ] && [ "$(docker inspect -f '{{.State.Pid}}' bench-watch-db-1)" = "$pid" ]; do sleep 0.01; done
  # A connect started while db is down waits for TCP's 1 s SYN retransmission, however soon db is back; what counts
  # is when a new connection first succeeds. So each way fires a fresh attempt every 25 ms (each bounded by its
  # 2 s timeout) and the first success is the time, per way, independently.
  first_success() { # PROBE FILE → first success in ms after t0, written to FILE
    : > "$2"
    local deadline=$(( t0 + 30000 ))
    while [ ! -s "$2" ] && [ "$(now_ms)" -lt "$deadline" ]; do
      ( "$1" && echo $(( $(now_ms) - t0 )) >> "$2" ) &
      sleep 0.025
    done
    wait
  }
  first_success answers_by_name /tmp/bench-watch.n & by_name=$!
  first_success answers_by_link /tmp/bench-watch.l & by_link=$!
  first_success answers_by_ambassador /tmp/bench-watch.a & by_ambassador=$!
  wait "$by_name" "$by_link" "$by_ambassador"
  n=$(sort -n /tmp/bench-watch.n | head -n 1); l=$(sort -n /tmp/bench-watch.l | head -n 1); a=$(sort -n /tmp/bench-watch.a | head -n 1)
  names+=("${n:-30000}"); links+=("${l:-30000}"); ambassadors+=("${a:-30000}")
  echo "kill $i: names ${n:-timeout} ms, links ${l:-timeout} ms, ambassador ${a:-timeout} ms" >&2
done

# Nearest-rank percentile: pct P VALUES...
pct() { local p=$1; shift; printf '%s\n' "$@" | sort -n | awk -v p="$p" '{a[NR]=$1} END {i=int((NR*p+99)/100); if (i<1) i=1; print a[i]}'; }
echo "kills: $kills"
for way in names links ambassadors; do
  eval "vals=(\"\${${way}[@]}\")"
  p50=$(pct 50 "${vals[@]}"); p95=$(pct 95 "${vals[@]}")
  echo "$way: p50 ${p50} ms, p95 ${p95} ms"
done
echo "incidents reported by watch: $(grep -c '"incident"' /tmp/bench-watch.jsonl)"
