# Shared by bench/hosts/kill.sh and failover.sh (watch across hosts) (sourced): the lab, the composer binary, the project, the probe.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
lab() { LAB=hosts bash "$root/scripts/hosts.sh" "$@"; }
on() { docker -H "unix:///run/$1/docker.sock" "${@:2}"; }
now_ms() { date +%s%3N; }
# Nearest-rank percentile: pct P VALUES...
pct() { local p=$1; shift; printf '%s\n' "$@" | sort -n | awk -v p="$p" '{a[NR]=$1} END {i=int((NR*p+99)/100); if (i<1) i=1; print a[i]}'; }

bash "$root/scripts/engine.sh" >/dev/null 2>&1
bash "$root/scripts/images.sh" >/dev/null 2>&1
bash "$root/scripts/ambassador-image.sh" >/dev/null 2>&1
lab up >&2
work=$(mktemp -d /tmp/composer-bench-hosts.XXXXXX)
if [ -n "${COMPOSER:-}" ]; then composer=$COMPOSER
else bash "$root/scripts/publish.sh" "$work/bin" >/dev/null 2>&1; composer="$work/bin/composer"; fi
project="bench-hosts-$$"
cp "$here/watch.yaml" "$work/compose.yaml"
cd "$work"
c() { $composer -p "$project" "$@"; }
watch_pid=""
cleanup() {
  [ -n "$watch_pid" ] && kill -TERM "$watch_pid" 2>/dev/null && wait "$watch_pid" 2>/dev/null || true
  for h in hostA hostB hostC; do on "$h" version >/dev/null 2>&1 || lab start "$h" >&2; done
  c down -t 1 >/dev/null 2>&1 || true
  cp "$work/watch.jsonl" /tmp/bench-hosts-watch.jsonl 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

start_watch() {
  # Started directly (not through c()), so $! is composer itself and the cleanup's SIGTERM reaches it.
  $composer -p "$project" watch --format json > "$work/watch.jsonl" 2>"$work/watch.err" &
  watch_pid=$!
  local deadline=$(( $(now_ms) + 60000 ))
  until grep -q 'container(s) running' "$work/watch.jsonl"; do
    [ "$(now_ms)" -lt "$deadline" ] || { echo "bench: watch did not settle" >&2; cat "$work/watch.err" >&2; exit 1; }
    sleep 0.1
  done
}

# The consumer's own request, made inside its namespaces (nsenter: a `docker exec` would add its own few hundred ms).
consumer_pid() { on hostB inspect -f '{{.State.Pid}}' "$project-api-1" 2>/dev/null || echo 0; }
answers() {
  local pid; pid=$(consumer_pid); [ "$pid" -gt 0 ] || return 1
  nsenter -t "$pid" -n -m -u -i /bin/timeout 2 /bin/sh -c 'wget -qO- http://db:8080/' 2>/dev/null | grep -q backend
}
# A connect made while db is away waits for its retries; what counts is when a new one first succeeds: a fresh
# attempt every 25 ms (each bounded by 2 s). Prints ms after T0, or nothing within 30 s.
first_success() { # T0 FILE
  : > "$2"
  local deadline=$(( $1 + 30000 ))
  while [ ! -s "$2" ] && [ "$(now_ms)" -lt "$deadline" ]; do
    ( answers && echo $(( $(now_ms) - $1 )) >> "$2" ) &
    sleep 0.025
  done
  wait
  sort -n "$2" | head -n 1
}
wait_answers() { local deadline=$(( $(now_ms) + 60000 )); until answers; do [ "$(now_ms)" -lt "$deadline" ] || { echo "bench: consumer never answered" >&2; exit 1; }; sleep 0.05; done; }
