#!/usr/bin/env bash
# Loader benchmark: generated compose files of N services (default 1,000) and 20 services, loaded, validated and graphed
#  1. in process (Stopwatch harness, JIT: 5 warmup runs, median of 30), each stage alone too, and
#  2. as a whole `composer config -q` process (NativeAOT, as scripts/publish.sh builds it): the median of 31 runs after
#     3 warmups, for a new file (no validation cache: every stage runs) and a file already known valid, beside
#     `composer version` (the cost of starting the process at all); then one run's stages (COMPOSER_TIMINGS=1).
# Usage: bench/loader/run.sh [services] [runs]     Quiet machine please: the figures are only as good as the idle CPU.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
services="${1:-1000}"
runs="${2:-31}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "machine: $(nproc) cpus, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load average $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet build -c Release "$here/LoaderBench.csproj" -v quiet -nologo >/dev/null
bash "$root/scripts/publish.sh" "$work/composer" 2>/dev/null
composer="$work/composer/composer"
mkdir -p "$work/n" "$work/20"
dotnet "$here/bin/Release/net10.0/LoaderBench.dll" "$work/n" "$services" 30
dotnet "$here/bin/Release/net10.0/LoaderBench.dll" "$work/20" 20 30 >/dev/null

# One run alone, in ms (bash's clock: no process started to read it).
once() {
  local start=$EPOCHREALTIME
  "$@" >/dev/null
  local end=$EPOCHREALTIME
  echo "$(( ${end//[.,]/} - ${start//[.,]/} ))"
}
median() { # label command… → median, min and p90 over $runs runs after 3 warmups
  local label=$1; shift
  local times=()
  for _ in 1 2 3; do "$@" >/dev/null; done
  for _ in $(seq "$runs"); do times+=("$(once "$@")"); done
  local sorted; sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  pick() { echo "$sorted" | sed -n "$1p" | awk '{printf "%.1f", $1 / 1000}'; }
  echo "$label: median $(pick $(( (runs + 1) / 2 ))) ms (min $(pick 1), p90 $(pick $(( runs * 9 / 10 )))) over $runs runs; load average $(cut -d' ' -f1 /proc/loadavg)"
}
new() { XDG_CACHE_HOME=/dev/null/none "$@"; }
known() { XDG_CACHE_HOME="$work/cache" "$@"; }
median "composer version (process start, no file)" "$composer" version
median "config -q, $services services, new file" new "$composer" -f "$work/n/compose.yaml" config -q
median "config -q, $services services, file known valid" known "$composer" -f "$work/n/compose.yaml" config -q
median "config -q, 20 services, new file" new "$composer" -f "$work/20/compose.yaml" config -q
median "config -q, 20 services, file known valid" known "$composer" -f "$work/20/compose.yaml" config -q
echo "one run's stages, $services services, new file (ms/MB allocated):"
COMPOSER_TIMINGS=1 new "$composer" -f "$work/n/compose.yaml" config -q
