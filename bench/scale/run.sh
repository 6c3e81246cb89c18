#!/usr/bin/env bash
# Composer at scale, beside the engine's floor and Debian's docker-compose 1.29, in the same run.
#   bench/scale/run.sh [N…]          (default 100 200 500)
# For each N and each scenario (N independent services; N/5 chains of 5 along depends_on), each tool runs, in turn:
#   cold      `up -d` from nothing
#   noop      `up -d` again, nothing to do
#   ps        `ps`
#   recreate  `up -d` with one service's environment changed (a service nothing depends on)
#   down      `down -t 1`
# Every service is composer-busybox:1 with `init: true` running `sleep` (as bench/reconciler). The floor is
# bench/reconciler/floor.sh: the same engine calls sent with curl, each as early as the dependency order allows.
# docker-compose 1.29 gets DC_LIMIT seconds per command (default 60 + N/2); a command that fails or hangs is recorded
# as "failed", its remaining steps skipped and its project removed by label. Above DC_MAX_N services (default 200)
# docker-compose is not run: it did not finish a cold `up -d` of 200 within its limit.
# Environment:
#   TOOLS="composer floor docker-compose"  SCENARIOS="independent chains"  RUNS=1 (medians when more)
#   QUICK_RUNS=5                           (samples of noop and ps per run: the report takes their median)
#   COMPOSER=/path/to/composer             (default: published NativeAOT by scripts/publish.sh, ~2 min)
#   OUT=artifacts/bench-scale              (results.tsv: N scenario tool step seconds load1; table.md)
#   PLOT=docs/img/bench-scale.png          (time against N per tool and step; made with Debian's python3-matplotlib)
# Duration on the 2-core machine: about 2.5 s × N for all three tools and both scenarios (100 200 500: ~35 min).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(100 200 500)
tools=${TOOLS:-composer floor docker-compose}
scenarios=${SCENARIOS:-independent chains}
runs=${RUNS:-1}
out=${OUT:-$root/artifacts/bench-scale}
plot=${PLOT:-$root/docs/img/bench-scale.png}
source "$root/bench/reconciler/floor.sh"
export -f floor_api floor_slots_open floor_slots_close floor_slot_api floor_up floor_down floor_list floor_noop floor_ps floor_recreate
mkdir -p "$out"
work=$(mktemp -d /tmp/composer-bench-scale.XXXXXX)
projects=()
cleanup() { for p in "${projects[@]}"; do remove_project "$p"; done; rm -rf "$work"; }
trap cleanup EXIT
started=$(date +%s)

bash "$root/scripts/engine.sh" >&2
bash "$root/scripts/images.sh" >&2
if [[ " $tools " == *" docker-compose "* ]] && ! command -v docker-compose >/dev/null; then
  echo "bench: docker-compose missing (apt-get install -y docker-compose); running without it" >&2
  tools=${tools//docker-compose/}
fi
if [ -n "${COMPOSER:-}" ]; then composer=$COMPOSER
else bash "$root/scripts/publish.sh" "$work/composer"; composer="$work/composer/composer"; fi

write_file() { # DIR CHAINS LENGTH: services c<chain>s<i> (the floor's names); the last of chain 1 has REV
  mkdir -p "$1"
  { echo "services:"
    for c in $(seq 1 "$2"); do for i in $(seq 1 "$3"); do
      printf '  c%ss%s:\n    image: composer-busybox:1\n    init: true\n    command: ["sleep", "2147483647"]\n' "$c" "$i"
      if [ "$i" -gt 1 ]; then printf '    depends_on: [c%ss%s]\n' "$c" $((i - 1)); fi
      if [ "$c" = 1 ] && [ "$i" = "$3" ]; then printf '    environment:\n      REV: "${REV:-0}"\n'; fi
    done; done; } > "$1/compose.yaml"
  return 0
}

now() { date +%s.%N; }
load1() { cut -d' ' -f1 /proc/loadavg; }
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$out/results.tsv"; }
timed() { # N SCENARIO TOOL STEP LIMIT COMMAND… → records seconds or "failed"; 1 when it failed
  # noop and ps change nothing and take a tenth of a second: QUICK_RUNS samples each (the report takes the median).
  local t0 t1 l i samples=1
  case $4 in noop|ps) samples=${QUICK_RUNS:-5} ;; esac
  for i in $(seq "$samples"); do
    l=$(load1); t0=$(now)
    if ! timeout "$5" "${@:6}" >/dev/null 2>"$out/last-stderr"; then
      echo "bench: $3 $4 failed or hung (N=$1 $2), exit $?; its last lines:" >&2
      tail -n 5 "$out/last-stderr" | sed 's/^/  /' >&2
      record "$1" "$2" "$3" "$4" failed "$l"
      return 1
    fi
    t1=$(now)
    record "$1" "$2" "$3" "$4" "$(echo "$t1 - $t0" | bc)" "$l"
  done
}
remove_project() { # by label, whatever state a tool left
  docker ps -aq --filter "label=com.docker.compose.project=$1" | xargs -r docker rm -f >/dev/null 2>&1 || true
  docker network ls -q --filter "label=com.docker.compose.project=$1" | xargs -r docker network rm >/dev/null 2>&1 || true
}

: > "$out/results.tsv"
for n in "${sizes[@]}"; do
  for scenario in $scenarios; do
    if [ "$scenario" = chains ]; then chains=$((n / 5)); length=5; else chains=$n; length=1; fi
    dir="$work/$scenario-$n"; write_file "$dir" "$chains" "$length"
    for run in $(seq 1 "$runs"); do
      for tool in $tools; do
        if [ "$tool" = docker-compose ] && [ "$n" -gt "${DC_MAX_N:-200}" ]; then
          echo "bench: N=$n $scenario docker-compose not run (above DC_MAX_N=${DC_MAX_N:-200})" >&2; continue
        fi
        project="scale-${tool//-/}-$scenario-$n-$$"; projects+=("$project")
        remove_project "$project"
        echo "bench: N=$n $scenario $tool (run $run/$runs, load $(load1))" >&2
        case $tool in
          floor)
            f() { timed "$n" "$scenario" floor "$1" 900 bash -c "$2" floor "$project" "${@:3}"; }
            f cold 'floor_up "$@"' "$chains" "$length" && f noop 'floor_noop "$1"' && f ps 'floor_ps "$1"' \
              && f recreate 'floor_recreate "$1" 1 "$2"' "$length" && f down 'floor_down "$@"' "$chains" "$length" || true ;;
          composer|docker-compose)
            if [ "$tool" = composer ]; then cmd=($composer -p "$project"); limit=900
            else cmd=(docker-compose -p "$project"); limit=${DC_LIMIT:-$((60 + n / 2))}; fi
            cd "$dir"
            t() { timed "$n" "$scenario" "$tool" "$1" "$limit" env "${@:2}"; }
            t cold REV=0 "${cmd[@]}" up -d && t noop REV=0 "${cmd[@]}" up -d && t ps REV=0 "${cmd[@]}" ps \
              && t recreate REV=1 "${cmd[@]}" up -d && t down REV=1 "${cmd[@]}" down -t 1 || true
            cd "$root" ;;
        esac
        remove_project "$project"
      done
    done
  done
done
elapsed=$(( $(date +%s) - started ))

mkdir -p "$(dirname "$plot")"
/usr/bin/python3 "$here/report.py" "$out/results.tsv" "$plot" "$elapsed" | tee "$out/table.md"
