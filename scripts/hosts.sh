#!/usr/bin/env bash
# Extra Docker engines ("hosts") on this machine, for multi-host and Swarm tests, offline.
#
#   scripts/hosts.sh up       network namespaces + one dockerd per host + the test image; SWARM=1 also forms a swarm
#   scripts/hosts.sh status   each host's engine and, with a swarm, its nodes
#   scripts/hosts.sh down     stop and remove exactly what `up` made
#   scripts/hosts.sh kill H   host H loses power: SIGKILL of its dockerd, containerd and every container (watch's tests)
#   scripts/hosts.sh start H  host H's engine started again (its containers come back stopped, as after a reboot)
#
# Environment: HOSTS="nodeA nodeB nodeC" (names; each gets netns <name>, socket unix:///run/<name>/docker.sock and
# address 10.99.0.11, .12, ... in that order), SWARM=0|1 (1: the first host inits a swarm, the others join as workers,
# each node labelled host=<name>), IMAGE=composer-busybox:1 (copied from the main engine), HOSTS_DIR (state).
#
# Two labs that never touch each other (own namespaces, switch, bridge, root veth, subnet, cgroup dir and state):
#   LAB=swarm (default)  nodeA nodeB nodeC on 10.99.0.0/24, root veth swl0 = 10.99.0.1: the Swarm tests (SWARM=1)
#   LAB=hosts            hostA hostB hostC on 10.99.1.0/24, root veth hsl0 = 10.99.1.1: multi-host projects (#13)
# NET (the /24's first three octets), SWITCH_NS, BRIDGE, HOST_IF override a lab's network names.
#
# Topology: the hosts' eth0 and the root namespace's swl0 (10.99.0.1) are veths into a bridge that lives in a
# namespace of its own, so host-to-host frames never cross the root namespace's FORWARD chain (the main engine sets it
# to DROP). Nothing is added to the root namespace's iptables; the main engine's swarm state is never touched (every
# docker call here names a host's socket, except the one `docker save` of the image).
# Idempotent: `up` twice changes nothing; a host whose engine died is reaped and started again.
set -euo pipefail

LAB=${LAB:-swarm}
case $LAB in
  swarm) lab_hosts="nodeA nodeB nodeC" lab_net=10.99.0 lab_ns=composer-sw lab_br=cmpbr0 lab_if=swl0 lab_cg=composer-hosts lab_state=/var/tmp/composer-hosts ;;
  hosts) lab_hosts="hostA hostB hostC" lab_net=10.99.1 lab_ns=composer-hsw lab_br=cmpbr1 lab_if=hsl0 lab_cg=composer-hostlab lab_state=/var/tmp/composer-hostlab ;;
  *) echo "hosts: error: LAB=$LAB: expected swarm or hosts" >&2; exit 2 ;;
esac
read -r -a NODES <<<"${HOSTS:-$lab_hosts}"
SWARM=${SWARM:-0}
IMAGE=${IMAGE:-composer-busybox:1}
STATE=${HOSTS_DIR:-$lab_state}
NET=${NET:-$lab_net}
SWITCH_NS=${SWITCH_NS:-$lab_ns}
BRIDGE=${BRIDGE:-$lab_br}
HOST_IF=${HOST_IF:-$lab_if}
CGROUP_ROOT=$lab_cg
DOCKERD=$(command -v dockerd || echo /usr/sbin/dockerd)

log() { printf 'hosts: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
index_of() { local i; for i in "${!NODES[@]}"; do [[ ${NODES[$i]} == "$1" ]] && { echo "$i"; return; }; done; die "unknown host $1"; }
address_of() { echo "$NET.$((11 + $(index_of "$1")))"; }
on() { local n=$1; shift; docker -H "unix:///run/$n/docker.sock" "$@"; }
answers() { timeout 5 docker -H "unix:///run/$1/docker.sock" version --format '{{.Server.Version}}' >/dev/null 2>&1; }
has_netns() { ip netns list | awk '{ print $1 }' | grep -qx "$1"; }
pid_of() { [[ -f /run/$1/docker.pid ]] && cat "/run/$1/docker.pid" || true; }   # no trailing newline in the file
cgroup_dirs() { ls -d /sys/fs/cgroup/*/"$CGROUP_ROOT/$1" /sys/fs/cgroup/"$CGROUP_ROOT/$1" 2>/dev/null || true; }
cgroup_pids() { local d; for d in $(cgroup_dirs "$1"); do find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null; done | sort -u; }

check_tools() {
  [[ $(id -u) == 0 ]] || die "needs root (network namespaces, a dockerd per host)"
  local t; for t in ip unshare nsenter setsid awk; do command -v "$t" >/dev/null || die "missing $t (apt-get install iproute2 util-linux)"; done
  [[ -x $DOCKERD ]] || die "no dockerd: run scripts/engine.sh first"
}

network_up() {
  has_netns "$SWITCH_NS" || ip netns add "$SWITCH_NS"
  ip -n "$SWITCH_NS" link set lo up
  ip -n "$SWITCH_NS" link show "$BRIDGE" >/dev/null 2>&1 || ip -n "$SWITCH_NS" link add "$BRIDGE" type bridge
  ip -n "$SWITCH_NS" link set "$BRIDGE" up
  local n
  for n in "${NODES[@]}"; do
    has_netns "$n" || ip netns add "$n"
    ip -n "$n" link set lo up
    ip -n "$n" link show eth0 >/dev/null 2>&1 || ip -n "$n" link add eth0 type veth peer name "v$n" netns "$SWITCH_NS"
    ip -n "$SWITCH_NS" link set "v$n" master "$BRIDGE" up
    ip -n "$n" addr replace "$(address_of "$n")/24" dev eth0
    ip -n "$n" link set eth0 up
  done
  ip link show "$HOST_IF" >/dev/null 2>&1 || ip link add "$HOST_IF" type veth peer name vhost netns "$SWITCH_NS"
  ip -n "$SWITCH_NS" link set vhost master "$BRIDGE" up
  ip addr replace "$NET.1/24" dev "$HOST_IF"
  ip link set "$HOST_IF" up
}

# `ip netns exec` remounts /sys for the namespace, which drops the cgroup mounts dockerd needs: mount the same
# hierarchies again, read from this namespace's mountinfo (cgroup v1 or v2 alike).
cgroup_mounts() {
  awk '{ for (i = 7; $i != "-"; i++); fs = $(i+1); opts = $(i+3); at = $5;
         if (at !~ "^/sys/fs/cgroup") next;
         sub(/^rw,?|^ro,?/, "", opts);
         if (fs == "tmpfs") printf "mount -t tmpfs -o mode=755 cgroup_root %s\n", at;
         else if (fs == "cgroup2") printf "mkdir -p %s; mount -t cgroup2 %s cgroup2 %s\n", at, (opts == "" ? "" : "-o " opts), at;
         else if (fs == "cgroup") { if (opts ~ /^name=/) opts = "none," opts; printf "mkdir -p %s; mount -t cgroup -o %s cgroup %s\n", at, opts, at }
       }' /proc/self/mountinfo
}

write_launcher() {
  local n=$1 dir=$STATE/$1
  mkdir -p "$dir/data" "$dir/etc-docker" "/run/$n" /etc/docker /run/containerd
  [[ -f $dir/etc-docker/daemon.json ]] || echo '{}' >"$dir/etc-docker/daemon.json"
  {
    echo 'set -e'
    cgroup_mounts
    # A private /etc/docker gives each engine its own key.json, hence its own engine (and swarm node) id.
    echo "mount --bind '$dir/etc-docker' /etc/docker"
    # Hide the system containerd socket: each dockerd starts its own containerd under its exec root.
    echo "mount -t tmpfs -o mode=700 containerd_private /run/containerd"
    echo "hostname '$n'"
    # Offline: swarm tasks use the local image instead of asking a registry first.
    echo 'export DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=1'
    echo "exec '$DOCKERD' --data-root '$dir/data' --exec-root '/run/$n/exec' --pidfile '/run/$n/docker.pid' \\"
    echo "  -H 'unix:///run/$n/docker.sock' --config-file '$dir/etc-docker/daemon.json' --cgroup-parent '/$CGROUP_ROOT/$n'"
  } >"$dir/run.sh"
}

# Kills what belongs to host $1 only: its dockerd, its namespace's processes and its cgroup (orphaned task
# containers outlive a SIGKILLed dockerd).
reap() {
  local n=$1 pids p i
  for i in $(seq 20); do
    pids=$( { pid_of "$n"; echo; has_netns "$n" && ip netns pids "$n"; cgroup_pids "$n"; } 2>/dev/null | sort -u)
    pids=$(for p in $pids; do [[ -d /proc/$p ]] && echo "$p"; done; true)
    [[ -z $pids ]] && return 0
    kill -9 $pids 2>/dev/null || true
    sleep 0.2
  done
  log "warning: $n: processes still alive: $(echo $pids)"
}

engine_up() {
  local n=$1 t0 i
  answers "$n" && return 0
  reap "$n"
  rm -f "/run/$n/docker.sock" "/run/$n/docker.pid"
  write_launcher "$n"
  t0=$(now)
  setsid ip netns exec "$n" unshare --uts -- sh "$STATE/$n/run.sh" >>"$STATE/$n.log" 2>&1 </dev/null &
  for i in $(seq 300); do answers "$n" && break; sleep 0.1; done
  answers "$n" || { tail -20 "$STATE/$n.log" >&2; die "$n: dockerd did not answer within 30 s (log: $STATE/$n.log)"; }
  log "$n: engine up in $(since "$t0") s at $(address_of "$n")"
}

image_up() {
  local n=$1
  on "$n" image inspect "$IMAGE" >/dev/null 2>&1 && return 0
  [[ -s $STATE/image.tar ]] || docker save "$IMAGE" -o "$STATE/image.tar"
  on "$n" load -q -i "$STATE/image.tar" >/dev/null
  log "$n: loaded $IMAGE"
}

swarm_state() { on "$1" info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null || true; }

swarm_up() {
  local leader=${NODES[0]} n token i ready
  if [[ $(swarm_state "$leader") != active ]]; then
    on "$leader" swarm init --advertise-addr "$(address_of "$leader")" --listen-addr "$(address_of "$leader"):2377" >/dev/null
    log "swarm initialised on $leader"
  fi
  token=$(on "$leader" swarm join-token -q worker)
  for n in "${NODES[@]:1}"; do
    [[ $(swarm_state "$n") == active ]] && continue
    on "$n" swarm join --token "$token" --advertise-addr "$(address_of "$n")" --listen-addr "$(address_of "$n"):2377" "$(address_of "$leader"):2377" >/dev/null
    log "$n joined the swarm"
  done
  for i in $(seq 150); do
    ready=$(on "$leader" node ls --format '{{.Status}}' | grep -c '^Ready$' || true)
    [[ $ready -ge ${#NODES[@]} ]] && break
    sleep 0.2
  done
  [[ $ready -ge ${#NODES[@]} ]] || die "only $ready of ${#NODES[@]} swarm nodes ready after 30 s"
  for n in "${NODES[@]}"; do
    on "$leader" node update --label-add "host=$n" "$(on "$n" info --format '{{.Swarm.NodeID}}')" >/dev/null
  done
}

cmd_up() {
  check_tools
  docker image inspect "$IMAGE" >/dev/null 2>&1 || die "image $IMAGE missing on the main engine (scripts/images.sh)"
  mkdir -p "$STATE"
  local t0 n; t0=$(now)
  network_up
  for n in "${NODES[@]}"; do engine_up "$n" & done
  wait
  for n in "${NODES[@]}"; do answers "$n" || die "$n: engine not up"; done
  for n in "${NODES[@]}"; do image_up "$n" & done
  wait
  [[ $SWARM == 1 ]] && swarm_up
  log "up in $(since "$t0") s: ${NODES[*]}$([[ $SWARM == 1 ]] && echo ' (swarm)')"
}

cmd_status() {
  local n
  for n in "${NODES[@]}"; do
    if answers "$n"; then
      echo "$n $(address_of "$n") unix:///run/$n/docker.sock up swarm=$(swarm_state "$n") containers=$(on "$n" ps -q | wc -l)"
    else
      echo "$n $(address_of "$n") unix:///run/$n/docker.sock down"
    fi
  done
  [[ $(swarm_state "${NODES[0]}") == active ]] && on "${NODES[0]}" node ls 2>/dev/null || true
}

cmd_down() {
  [[ $(id -u) == 0 ]] || die "needs root"
  local n pid i d
  for n in "${NODES[@]}"; do
    (
      if answers "$n"; then
        [[ $(swarm_state "$n") == active ]] && on "$n" swarm leave --force >/dev/null 2>&1 || true
        pid=$(pid_of "$n")
        [[ -n $pid ]] && kill -TERM "$pid" 2>/dev/null || true
        for i in $(seq 50); do [[ -n $pid && -d /proc/$pid ]] || break; sleep 0.2; done
      fi
      reap "$n"
    ) &
  done
  wait
  for n in "${NODES[@]}"; do
    has_netns "$n" && ip netns del "$n"
    for d in $(cgroup_dirs "$n"); do find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true; done
    rm -rf "/run/$n" "${STATE:?}/$n" "$STATE/$n.log"
  done
  for d in /sys/fs/cgroup/*/"$CGROUP_ROOT" /sys/fs/cgroup/"$CGROUP_ROOT"; do [[ -d $d ]] && rmdir "$d" 2>/dev/null || true; done
  has_netns "$SWITCH_NS" && ip netns del "$SWITCH_NS"
  ip link show "$HOST_IF" >/dev/null 2>&1 && ip link del "$HOST_IF"
  rm -f "$STATE/image.tar"
  rmdir "$STATE" 2>/dev/null || true
  log "down: ${NODES[*]}"
}

# Only for the hosts' own engines: a host "loses power" (nothing is shut down cleanly, nothing is left running).
cmd_kill() {
  check_tools
  local n; for n in "$@"; do index_of "$n" >/dev/null; reap "$n"; log "$n: killed (engine, containerd, containers)"; done
}

cmd_start() {
  check_tools
  network_up
  local n; for n in "$@"; do index_of "$n" >/dev/null; engine_up "$n"; image_up "$n"; done
}

case ${1:-} in
  up) cmd_up ;;
  status) cmd_status ;;
  down) cmd_down ;;
  kill) shift; [[ $# -gt 0 ]] || die "kill: which host?"; cmd_kill "$@" ;;
  start) shift; [[ $# -gt 0 ]] || die "start: which host?"; cmd_start "$@" ;;
  *) echo "usage: $0 up|status|down|kill HOST|start HOST   (LAB=swarm|hosts HOSTS=\"nodeA nodeB nodeC\" SWARM=0|1)" >&2; exit 2 ;;
esac
