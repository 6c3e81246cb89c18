#!/usr/bin/env bash
# `composer watch` on a small and a large project, in the same run: does a crash get the same repair at 500 containers
# as at 20, does watch stay idle, and does its memory stay flat?
#   bench/watch/scale.sh [SIZES] [KILLS] [IDLE_SECONDS]     (default "20 500", 5 kills, 30 s idle)
# Per size: N busybox services (init, sleep) brought up by Composer, then `composer watch --format json`; watch's CPU
# time over IDLE_SECONDS with nothing happening (from /proc, so the figure is watch's own); KILLS crashes (SIGKILL of
# a container's init from the host, a different service each time, so each is a first incident with the 100 ms
# back-off); per crash the time from the kill until the engine reports the container running again with a new
# process (polled every 20 ms, bounded by 30 s); watch's resident memory before the kills, after them, and after a
# second idle period. Then the engine's floor for the same repair in the same project, with watch not running:
# KILLS other services crashed the same way and started with curl as soon as the engine reports them stopped (polled
# every 20 ms), timed the same way, half before watch starts and half after it stops. Watch waits its first back-off
# (100 ms) before a restart, the floor does not. Beside them: watch's own figure from the die event to the container
# running (recovery_ms: back-off, listing, start) and the engine's answer time for the floor's start calls, so what
# the engine adds with N shows apart from what watch adds. COMPOSER=/path/to/composer (default: scripts/publish.sh,
# NativeAOT). About 3 minutes plus the bring-up (~0.2 s per service on a quiet 2-core machine).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
sizes=${1:-20 500}
kills=${2:-5}
idle=${3:-30}
work=$(mktemp -d /tmp/composer-bench-watch-scale.XXXXXX)
watch_pid=""
project=""
cleanup() {
  [ -n "$watch_pid" ] && kill -TERM "$watch_pid" 2>/dev/null && wait "$watch_pid" 2>/dev/null || true
  if [ -n "$project" ]; then
    docker ps -aq --filter "label=com.docker.compose.project=$project" | xargs -r docker rm -f >/dev/null 2>&1 || true
    docker network ls -q --filter "label=com.docker.compose.project=$project" | xargs -r docker network rm >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
bash "$root/scripts/engine.sh" >&2
bash "$root/scripts/images.sh" >&2
if [ -n "${COMPOSER:-}" ]; then composer=$COMPOSER
else bash "$root/scripts/publish.sh" "$work/bin"; composer="$work/bin/composer"; fi

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }       # user + system CPU time, in clock ticks
rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
now_ms() { date +%s%3N; }
hz=$(getconf CLK_TCK)
median_of() { printf '%s\n' "$@" | grep -v timeout | sort -n | awk '{a[NR]=$1} END {print NR ? a[int((NR+1)/2)] : "–"}'; }
running_state() { docker inspect -f '{{.State.Running}} {{.State.Pid}}' "$1" 2>/dev/null || echo "false 0"; }
# crash_and_time NAME [floor] → ms from SIGKILL of its init until the engine reports it running with a new process
# (timeout after 30 s). With "floor", this script starts it itself (curl) as soon as the engine reports it stopped.
crash_and_time() {
  local name=$1 pid start deadline state ms=timeout started=""
  pid=$(docker inspect -f '{{.State.Pid}}' "$name")
  start=$(now_ms); kill -9 "$pid"
  deadline=$((start + 30000))
  while [ "$(now_ms)" -lt "$deadline" ]; do
    state=$(running_state "$name")
    if [ "${state% *}" = true ] && [ "${state#* }" != "$pid" ] && [ "${state#* }" != 0 ]; then ms=$(( $(now_ms) - start )); break; fi
    if [ "${2:-}" = floor ] && [ -z "$started" ] && [ "${state% *}" = false ]; then
      curl -sf -o /dev/null -w '%{time_total}\n' -X POST --unix-socket /var/run/docker.sock "http://localhost/containers/$name/start" >> "$work/start-calls" && started=1
      continue
    fi
    sleep 0.02
  done
  echo "$ms"
}

echo "| services | restart after a crash, ms (each of $kills) | median | watch's event → running (median) | engine floor, ms (each) | floor median | the floor's start call (median) | watch CPU idle ($idle s) | RSS before / after kills / after idle (MB) | load avg |"
echo "|---:|---|---:|---:|---|---:|---:|---:|---|---|"
for n in $sizes; do
  project="scale-watch-$n-$$"
  dir="$work/$n"; mkdir -p "$dir"
  { echo "services:"; for i in $(seq 1 "$n"); do
    printf '  s%s:\n    image: composer-busybox:1\n    init: true\n    command: ["sleep", "2147483647"]\n' "$i"; done; } > "$dir/compose.yaml"
  cd "$dir"
  $composer -p "$project" up -d --progress quiet
  # The engine's floor is taken around watch, half before it starts and half after it stops: the engine is busier
  # just after the bring-up than a minute later, and one side alone would flatter watch or the floor.
  floor=(); : > "$work/start-calls"
  for k in $(seq $((kills + 1)) $((kills + kills / 2))); do floor+=("$(crash_and_time "$project-s$k-1" floor)"); done
  $composer -p "$project" watch --format json > "$dir/watch.jsonl" 2>"$dir/watch.err" &
  watch_pid=$!
  deadline=$(( $(now_ms) + 120000 ))
  until grep -q 'container(s) running' "$dir/watch.jsonl"; do
    [ "$(now_ms)" -lt "$deadline" ] || { echo "bench: watch did not settle" >&2; cat "$dir/watch.err" >&2; exit 1; }
    sleep 0.1
  done
  load_before=$(cut -d' ' -f1 /proc/loadavg)
  rss_start=$(rss_mb "$watch_pid")
  t0=$(ticks "$watch_pid"); sleep "$idle"; t1=$(ticks "$watch_pid")
  idle_cpu=$(echo "scale=2; 100 * ($t1 - $t0) / $hz / $idle" | bc)
  times=()
  for k in $(seq 1 "$kills"); do times+=("$(crash_and_time "$project-s$k-1")"); done
  rss_kills=$(rss_mb "$watch_pid")
  sleep "$idle"
  rss_idle=$(rss_mb "$watch_pid")
  echo "bench: N=$n incidents reported by watch: $(grep -c '"incident"' "$dir/watch.jsonl" || true)" >&2
  # SIGTERM, not SIGINT: a job started with & in a script has SIGINT ignored, and Composer keeps it ignored.
  kill -TERM "$watch_pid"; wait "$watch_pid" 2>/dev/null || true; watch_pid=""
  for k in $(seq $((kills + kills / 2 + 1)) $((2 * kills))); do floor+=("$(crash_and_time "$project-s$k-1" floor)"); done
  recovery=$(grep -o '"recovery_ms":[0-9]*' "$dir/watch.jsonl" | cut -d: -f2 | tr '\n' ' ')
  start_calls=$(awk '{printf "%d ", $1 * 1000}' "$work/start-calls")
  # shellcheck disable=SC2086 # word splitting of the lists is meant
  echo "| $n | ${times[*]} | $(median_of "${times[@]}") | $(median_of $recovery) | ${floor[*]} | $(median_of "${floor[@]}") | $(median_of $start_calls) | ${idle_cpu} % | $rss_start / $rss_kills / $rss_idle | $load_before–$(cut -d' ' -f1 /proc/loadavg) |"
  $composer -p "$project" down -t 1 --progress quiet >/dev/null 2>&1 || true
  project=""
  cd "$root"
done
