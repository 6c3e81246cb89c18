#!/usr/bin/env bash
# The engine's floor: the engine calls `up -d` and `down -t 1` must make for CHAINS chains of LENGTH services
# (depends_on along each chain), sent straight to the Engine API with curl: no orchestrator, no start-up, no reads,
# and every call as early as the dependency order allows:
#   up:   create the network; create every container at once; per chain, start its services one after the other
#         (a dependency runs before its dependent starts), all chains at once.
#   down: per chain, stop its services last-first with t=1, each removed once stopped, all chains at once; then
#         remove the network.
# Starts are at most FLOOR_JOINS and stops FLOOR_LEAVES (default 4 each) in flight, as Composer's executor sends
# them: with more, Engine 20.10 deadlocks or loses count of a network's endpoints and never removes the network
# (docs/benchmarks.md, "Scale").
# No tool can do these steps faster on this engine. bench/reconciler/run.sh runs it beside Composer and
# docker-compose ("engine floor" in its table); standalone:
#   bench/reconciler/floor.sh [CHAINS LENGTH]      (default 4 5; prints the two times)
floor_api() { # METHOD PATH [JSON]
  curl -sf --unix-socket /var/run/docker.sock -X "$1" -H 'Content-Type: application/json' ${3:+-d "$3"} "http://localhost/v1.41$2" >/dev/null
}

# A counting semaphore shared by the subshells: a FIFO holding one line per free slot.
floor_slots_open() { # SLOTS
  floor_slots_dir=$(mktemp -d)
  mkfifo "$floor_slots_dir/slots"
  exec 9<>"$floor_slots_dir/slots"
  local i; for i in $(seq "$1"); do echo >&9; done
}
floor_slots_close() { exec 9>&-; rm -rf "$floor_slots_dir"; }
floor_slot_api() { # like floor_api, holding a slot
  local rc=0; read -r -u 9; floor_api "$@" || rc=$?; echo >&9; return $rc
}

floor_up() { # PROJECT CHAINS LENGTH
  local project=$1 chains=$2 length=$3 c i
  floor_api POST /networks/create "{\"Name\":\"${project}_default\",\"Labels\":{\"com.docker.compose.project\":\"$project\"}}" || return 1
  for c in $(seq 1 "$chains"); do for i in $(seq 1 "$length"); do
    floor_api POST "/containers/create?name=$project-c${c}s${i}-1" "{\"Image\":\"composer-busybox:1\",\"Cmd\":[\"sleep\",\"2147483647\"],\"Labels\":{\"com.docker.compose.project\":\"$project\"},\"HostConfig\":{\"Init\":true,\"NetworkMode\":\"${project}_default\"}}" &
  done; done
  wait
  floor_slots_open "${FLOOR_JOINS:-4}"
  local failed=0
  for c in $(seq 1 "$chains"); do ( for i in $(seq 1 "$length"); do floor_slot_api POST "/containers/$project-c${c}s${i}-1/start" || exit 1; done ) & done
  for c in $(jobs -p); do wait "$c" || failed=1; done
  floor_slots_close
  return $failed
}

floor_down() { # PROJECT CHAINS LENGTH
  local project=$1 chains=$2 length=$3 c
  floor_slots_open "${FLOOR_LEAVES:-4}"
  for c in $(seq 1 "$chains"); do (
    for i in $(seq "$length" -1 1); do
      floor_slot_api POST "/containers/$project-c${c}s${i}-1/stop?t=1"
      floor_api DELETE "/containers/$project-c${c}s${i}-1" &
    done
    wait
  ) & done
  wait
  floor_slots_close
  floor_api DELETE "/networks/${project}_default"
}

# The other steps of bench/scale (same naming: PROJECT-c<chain>s<index>-1):
#   noop:     what a tool must read to know nothing is to be done: the project's containers, networks and volumes
#             (label-filtered lists, at once).
#   ps:       one label-filtered container list.
#   recreate: one container replaced: stop (t=1), remove, create with the changed environment, start.
floor_list() { # PATH PROJECT
  curl -sfG --unix-socket /var/run/docker.sock --data-urlencode "filters={\"label\":[\"com.docker.compose.project=$2\"]}" \
    "http://localhost/v1.41$1" >/dev/null
}
floor_noop() { # PROJECT
  floor_list "/containers/json?all=1" "$1" & floor_list /networks "$1" & floor_list /volumes "$1" &
  wait
}
floor_ps() { # PROJECT
  floor_list "/containers/json?all=1" "$1"
}
floor_recreate() { # PROJECT CHAIN INDEX
  local name="$1-c${2}s${3}-1"
  floor_api POST "/containers/$name/stop?t=1" && floor_api DELETE "/containers/$name" \
    && floor_api POST "/containers/create?name=$name" "{\"Image\":\"composer-busybox:1\",\"Cmd\":[\"sleep\",\"2147483647\"],\"Env\":[\"REV=1\"],\"Labels\":{\"com.docker.compose.project\":\"$1\"},\"HostConfig\":{\"Init\":true,\"NetworkMode\":\"${1}_default\"}}" \
    && floor_api POST "/containers/$name/start"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  root=$(cd "$(dirname "$0")/../.." && pwd)
  bash "$root/scripts/engine.sh" >&2
  bash "$root/scripts/images.sh" >&2
  project=floor-$$
  t0=$(date +%s.%N); floor_up "$project" "${1:-4}" "${2:-5}"; t1=$(date +%s.%N); floor_down "$project" "${1:-4}" "${2:-5}"; t2=$(date +%s.%N)
  echo "engine floor, ${1:-4} chains of ${2:-5}: up $(echo "$t1 - $t0" | bc) s, down $(echo "$t2 - $t1" | bc) s"
fi
