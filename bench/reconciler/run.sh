#!/usr/bin/env bash
# Composer vs Debian's docker-compose 1.29 on the same engine and the same generated files.
#   bench/reconciler/run.sh [RUNS] [SCENARIOS]   (default: 5 "chains independent"; prints a Markdown table)
# Scenarios: 20 services in 4 chains of 5 (depends_on), and 100 independent services.
# Steps, each timed as one command: `up -d` from nothing, `up -d` with nothing to do, `down -t 1`.
# Each tool gets its own project name (-p): both find containers by the same label. The files use no top-level
# `name:` and only short-form depends_on, which 1.29 rejects otherwise.
# docker-compose 1.29.2 (Debian 12, Python 3.11) hangs here on `up -d` with the 100 services (all threads parked,
# 18 to 31 containers made, with or without COMPOSE_PARALLEL_LIMIT=2 or --ansi never); it once completed with
# --verbose, once not. So in that scenario it runs with --verbose and a 3-minute limit: a hang is recorded as such
# (and the project removed by label) instead of a time. Composer's commands have a 10-minute limit. A command that
# fails or hangs is counted as such in the table ("failed N×"), never as a time. TOOLS="composer" runs one tool.
# The third "tool", floor, is the engine's floor (floor.sh): the same engine calls with curl and no orchestrator;
# it bounds what any tool can reach on this engine.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-5}
scenarios=${2:-chains independent}
tools=${TOOLS:-composer docker-compose floor}
source "$(dirname "$0")/floor.sh"
export -f floor_api floor_slots_open floor_slots_close floor_slot_api floor_up floor_down
work=$(mktemp -d /tmp/composer-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

bash "$root/scripts/engine.sh" >&2
bash "$root/scripts/images.sh" >&2
command -v docker-compose >/dev/null || { echo "bench: docker-compose missing: apt-get install -y docker-compose" >&2; exit 1; }

bash "$root/scripts/publish.sh" "$work/composer"
composer="$work/composer/composer"

service() { # name [dependency]
  printf '  %s:\n    image: composer-busybox:1\n    init: true\n    command: ["sleep", "2147483647"]\n' "$1"
  [ -n "${2:-}" ] && printf '    depends_on: [%s]\n' "$2"
  return 0
}
mkdir -p "$work/chains" "$work/independent"
{ echo "services:"; for c in 1 2 3 4; do prev=""; for i in 1 2 3 4 5; do service "c${c}s${i}" "$prev"; prev="c${c}s${i}"; done; done; } > "$work/chains/compose.yaml"
{ echo "services:"; for i in $(seq 1 100); do service "s$i"; done; } > "$work/independent/compose.yaml"

now() { date +%s.%N; }
timed() { # limit label command…  → appends "label seconds" (or "label hung") to results; 1 when it hung
  local t0 t1
  t0=$(now)
  if ! timeout "$1" "${@:3}" >/dev/null 2>&1; then
    echo "bench: failed or hung: ${*:3}" >&2
    echo "$2 failed" >> "$work/results"
    return 1
  fi
  t1=$(now)
  echo "$2 $(echo "$t1 - $t0" | bc)" >> "$work/results"
}
remove_project() { # by label, whatever state a hung tool left
  docker ps -aq --filter "label=com.docker.compose.project=$1" | xargs -r docker rm -f >/dev/null
  docker network ls -q --filter "label=com.docker.compose.project=$1" | xargs -r docker network rm >/dev/null || true
}

for scenario in $scenarios; do
  for run in $(seq 1 "$runs"); do
    for tool in $tools; do
      project="bench-${tool//-/}-$scenario-$$"
      if [ "$tool" = floor ]; then
        if [ "$scenario" = chains ]; then shape=(4 5); else shape=(100 1); fi
        timed 600 "$scenario floor cold" bash -c 'floor_up "$@"' floor "$project" "${shape[@]}" \
          && timed 600 "$scenario floor down" bash -c 'floor_down "$@"' floor "$project" "${shape[@]}" \
          || remove_project "$project"
        continue
      fi
      if [ "$tool" = composer ]; then cmd=("$composer" -p "$project")
      elif [ "$scenario" = independent ]; then cmd=(docker-compose --verbose -p "$project")
      else cmd=(docker-compose -p "$project"); fi
      cd "$work/$scenario"
      timeout 600 "${cmd[@]}" down -t 1 >/dev/null 2>&1 || true
      if [ "$tool" = composer ]; then limit=600; else limit=180; fi
      if timed $limit "$scenario $tool cold" "${cmd[@]}" up -d \
        && timed $limit "$scenario $tool noop" "${cmd[@]}" up -d \
        && timed $limit "$scenario $tool down" "${cmd[@]}" down -t 1; then :
      else remove_project "$project"; fi
    done
    echo "bench: $scenario run $run/$runs done" >&2
  done
done

python3 - "$work/results" "$runs" <<'PY'
import sys, statistics, collections
rows = collections.defaultdict(list)
hung = collections.Counter()
for line in open(sys.argv[1]):
    scenario, tool, step, secs = line.split()
    if secs == "failed": hung[(scenario, step, tool)] += 1
    else: rows[(scenario, step, tool)].append(float(secs))
def med(key):
    return statistics.median(rows[key]) if rows[key] else None
targets = {"cold": 0.4, "noop": 0.2, "down": 0.3}
names = {"cold": "`up -d` from nothing", "noop": "`up -d`, nothing to do", "down": "`down -t 1`"}
titles = {"chains": "20 services, 4 chains of 5", "independent": "100 independent services"}
print(f"| scenario | step | Composer (s) | docker-compose 1.29 (s) | ratio | target | engine floor (s) | floor / docker-compose |")
print("|---|---|---:|---:|---:|---:|---:|---:|")
for scenario in ("chains", "independent"):
    for step in ("cold", "noop", "down"):
        c, d = med((scenario, step, "composer")), med((scenario, step, "docker-compose"))
        if c is None and d is None: continue
        h = hung[(scenario, step, "docker-compose")]
        hc = hung[(scenario, step, "composer")]
        dtext = (f"{d:.2f}" if d is not None else "–") + (f" (failed {h}×)" if h else "")
        ratio = f"{c/d:.2f}" if c is not None and d is not None else "–"
        ok = ("met" if c / d <= targets[step] else "missed") if c is not None and d is not None else "n/a"
        ctext = (f"{c:.2f}" if c is not None else "–") + (f" (failed {hc}×)" if hc else "")
        f = med((scenario, step, "floor"))
        ftext = f"{f:.2f}" if f is not None else ("≈ 0 (3 list calls)" if step == "noop" else "–")
        fratio = f"{f/d:.2f}" if f is not None and d is not None else "–"
        print(f"| {titles[scenario]} | {names[step]} | {ctext} | {dtext} | {ratio} | ≤ {targets[step]} ({ok}) | {ftext} | {fratio} |")
print(f"\nMedians of {sys.argv[2]} runs each.")
print("\nAll runs (seconds):\n")
for key in sorted(k for k in set(rows) | set(hung) if rows[k] or hung[k]):
    scenario, step, tool = key
    print(f"- {scenario} {step} {tool}: " + ", ".join([f"{v:.2f}" for v in rows[key]] + ["failed"] * hung[key]))
PY
