#!/usr/bin/env bash
# Composer vs Debian's docker-compose 1.29 on the same engine and the same generated files.
#   bench/reconciler/run.sh [RUNS]        (default 5; prints a Markdown table of medians and ratios)
# Scenarios: 20 services in 4 chains of 5 (depends_on), and 100 independent services.
# Steps, each timed as one command: `up -d` from nothing, `up -d` with nothing to do, `down -t 1`.
# Each tool gets its own project name (-p): both find containers by the same label. The files use no top-level
# `name:` and only short-form depends_on, which 1.29 rejects otherwise.
# docker-compose 1.29.2 (Debian 12, Python 3.11) hangs here on `up -d` with the 100 services (all threads parked,
# 18 to 31 containers made, with or without COMPOSE_PARALLEL_LIMIT=2 or --ansi never) but completes with --verbose,
# so it runs with --verbose (output to /dev/null) in that scenario: that only adds work to docker-compose's side.
# Every timed command has a 10-minute limit, so a hang fails the run instead of blocking it.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
runs=${1:-5}
work=$(mktemp -d /tmp/composer-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

bash "$root/scripts/engine.sh" >&2
bash "$root/scripts/images.sh" >&2
command -v docker-compose >/dev/null || { echo "bench: docker-compose missing: apt-get install -y docker-compose" >&2; exit 1; }

# Release, ReadyToRun (precompiled, so a short command spends less time in the JIT); framework-dependent.
echo "bench: publishing composer (Release, ReadyToRun)" >&2
dotnet publish "$root/src/Composer.Cli" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$work/composer" --nologo -v quiet >&2
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
timed() { # label command…  → appends "label seconds" to results
  local t0 t1
  t0=$(now); timeout 600 "${@:2}" >/dev/null 2>&1 || { echo "bench: failed or hung: ${*:2}" >&2; exit 1; }; t1=$(now)
  echo "$1 $(echo "$t1 - $t0" | bc)" >> "$work/results"
}

for scenario in chains independent; do
  for run in $(seq 1 "$runs"); do
    for tool in composer docker-compose; do
      project="bench-${tool//-/}-$scenario-$$"
      if [ "$tool" = composer ]; then cmd=("$composer" -p "$project")
      elif [ "$scenario" = independent ]; then cmd=(docker-compose --verbose -p "$project")
      else cmd=(docker-compose -p "$project"); fi
      cd "$work/$scenario"
      timeout 600 "${cmd[@]}" down -t 1 >/dev/null 2>&1 || true
      timed "$scenario $tool cold" "${cmd[@]}" up -d
      timed "$scenario $tool noop" "${cmd[@]}" up -d
      timed "$scenario $tool down" "${cmd[@]}" down -t 1
    done
    echo "bench: $scenario run $run/$runs done" >&2
  done
done

python3 - "$work/results" "$runs" <<'PY'
import sys, statistics, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    scenario, tool, step, secs = line.split()
    rows[(scenario, step, tool)].append(float(secs))
targets = {"cold": 0.4, "noop": 0.2, "down": 0.3}
names = {"cold": "`up -d` from nothing", "noop": "`up -d`, nothing to do", "down": "`down -t 1`"}
titles = {"chains": "20 services, 4 chains of 5", "independent": "100 independent services"}
print(f"| scenario | step | Composer (s) | docker-compose 1.29 (s) | ratio | target |")
print("|---|---|---:|---:|---:|---:|")
for scenario in ("chains", "independent"):
    for step in ("cold", "noop", "down"):
        c = statistics.median(rows[(scenario, step, "composer")])
        d = statistics.median(rows[(scenario, step, "docker-compose")])
        ok = "met" if c / d <= targets[step] else "missed"
        print(f"| {titles[scenario]} | {names[step]} | {c:.2f} | {d:.2f} | {c/d:.2f} | ≤ {targets[step]} ({ok}) |")
print(f"\nMedians of {sys.argv[2]} runs each.")
print("\nAll runs (seconds):\n")
for (scenario, step, tool), values in sorted(rows.items()):
    print(f"- {scenario} {step} {tool}: " + ", ".join(f"{v:.2f}" for v in values))
PY
