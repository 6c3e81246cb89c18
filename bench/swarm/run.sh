#!/usr/bin/env bash
# `composer stack deploy` against `docker stack deploy --resolve-image never` followed by polling until every service
# has all its replicas running (`docker service ls`, every 0.1 s), on the same 3-node Swarm (scripts/hosts.sh, SWARM=1;
# started here when it is not up, and stopped again), the same file, alternating, RUNS times each (default 5).
# Files: flat.yaml (6 services, 8 tasks, no depends_on) for both tools; conditions.yaml (the same services with
# depends_on, one service_healthy) for Composer only (docker stack ignores depends_on). Prints medians.
#   bench/swarm/run.sh [RUNS]      COMPOSER=path/to/composer to skip the NativeAOT publish
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
runs=${1:-5}
manager=unix:///run/nodeA/docker.sock
work=$(mktemp -d /tmp/composer-bench-swarm.XXXXXX)
started_lab=false
cleanup() {
  DOCKER_HOST=$manager "$composer" -p benchc stack rm >/dev/null 2>&1 || true
  docker -H "$manager" stack rm benchd >/dev/null 2>&1 || true
  $started_lab && bash "$root/scripts/hosts.sh" down >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

bash "$root/scripts/engine.sh" >&2
bash "$root/scripts/images.sh" >&2
if [[ $(docker -H "$manager" node ls --format '{{.Status}}' 2>/dev/null | grep -c Ready || true) -lt 3 ]]; then
  SWARM=1 bash "$root/scripts/hosts.sh" up >&2; started_lab=true
fi
composer=${COMPOSER:-}
if [[ -z $composer ]]; then bash "$root/scripts/publish.sh" "$work/bin" >&2; composer=$work/bin/composer; fi

service() { # name replicas [depends_on yaml]
  printf '  %s:\n    image: composer-busybox:1\n    init: true\n    stop_grace_period: 1s\n    command: ["sh", "-c", "echo %s > /tmp/index.html; exec httpd -f -p 80 -h /tmp"]\n' "$1" "$1"
  printf '    healthcheck: { test: ["CMD", "sh", "-c", "timeout 2 wget -qO- http://127.0.0.1/ >/dev/null"], interval: 1s, timeout: 2s, retries: 20 }\n'
  printf '    deploy: { replicas: %s, endpoint_mode: dnsrr, placement: { preferences: [{ spread: node.labels.host }] } }\n' "$2"
  [[ -n ${3:-} ]] && printf '    depends_on: %s\n' "$3"
  return 0
}
{ echo "version: \"3.8\""; echo "services:"; service db 1; service cache 1; service api 3; service web 1; service worker 1; service client 1; } >"$work/flat.yaml"
{ echo "services:"; service db 1; service cache 1
  service api 3 '{ db: { condition: service_healthy }, cache: { condition: service_started } }'
  service web 1 '[api]'; service worker 1 '[cache]'; service client 1 '[api, web]'; } >"$work/conditions.yaml"

now() { date +%s.%N; }
quiet_nodes() { # wait until no container is left on any node (removal load must not leak into the next run)
  local i n
  for i in $(seq 300); do
    n=0; for node in nodeA nodeB nodeC; do n=$((n + $(docker -H "unix:///run/$node/docker.sock" ps -aq | wc -l))); done
    [[ $n == 0 ]] && return; sleep 0.2
  done
}
composer_run() { # file → seconds from command to all tasks running
  local t0 t1; t0=$(now)
  (cd "$work" && DOCKER_HOST=$manager "$composer" -p benchc -f "$1" stack deploy >/dev/null 2>&1)
  t1=$(now)
  (cd "$work" && DOCKER_HOST=$manager "$composer" -p benchc -f "$1" stack rm >/dev/null 2>&1); quiet_nodes
  echo "$t1 - $t0" | bc
}
docker_run() {
  local t0 t1 i reps; t0=$(now)
  docker -H "$manager" stack deploy --resolve-image never -c "$work/flat.yaml" benchd >/dev/null 2>&1
  for i in $(seq 3000); do
    reps=$(docker -H "$manager" service ls --filter label=com.docker.stack.namespace=benchd --format '{{.Replicas}}')
    [[ $(wc -l <<<"$reps") == 6 ]] && ! grep -qvE '^([0-9]+)/\1$' <<<"$reps" && break
    sleep 0.1
  done
  t1=$(now)
  docker -H "$manager" stack rm benchd >/dev/null 2>&1
  for i in $(seq 300); do [[ -z $(docker -H "$manager" network ls -q --filter label=com.docker.stack.namespace=benchd) ]] && break; sleep 0.2; done
  quiet_nodes
  echo "$t1 - $t0" | bc
}
median() { sort -n | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.2f", m }'; }

c=() d=() k=()
for i in $(seq "$runs"); do
  c+=("$(composer_run "$work/flat.yaml")")
  d+=("$(docker_run)")
  k+=("$(composer_run "$work/conditions.yaml")")
  echo "run $i: composer ${c[-1]} s, docker stack deploy + polling ${d[-1]} s, composer with conditions ${k[-1]} s" >&2
done
cm=$(printf '%s\n' "${c[@]}" | median); dm=$(printf '%s\n' "${d[@]}" | median); km=$(printf '%s\n' "${k[@]}" | median)
echo "machine: $(nproc) cpus; 3-node swarm in network namespaces; 6 services, 8 tasks; medians of $runs runs"
echo "composer stack deploy (flat file):                     $cm s"
echo "docker stack deploy --resolve-image never + polling:   $dm s"
echo "ratio composer/docker:                                 $(echo "scale=2; $cm / $dm" | bc)"
echo "composer stack deploy (depends_on, one service_healthy): $km s"
