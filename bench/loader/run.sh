#!/usr/bin/env bash
# Loader benchmark: a generated 1,000-service compose file, loaded, validated and graphed
#  1. in process (Stopwatch harness: 5 warmup runs, median of 30), and
#  2. as a whole `composer config -q` process, with and without the validation cache (timed loops).
# Usage: bench/loader/run.sh [services]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
services="${1:-1000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "machine: $(nproc) cpus, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
dotnet build -c Release "$here/LoaderBench.csproj" -v quiet -nologo >/dev/null
# The command as users get it from scripts/demo.sh: NativeAOT.
bash "$root/scripts/publish.sh" "$work/composer" 2>/dev/null
dotnet "$here/bin/Release/net10.0/LoaderBench.dll" "$work" "$services" 30

# Whole process, twice: with an empty validation cache each run (the file is new: every stage runs), and with the
# file already known valid (the everyday case: the schema validation is skipped; see ValidationCache.cs).
timed_runs() { # label env… → mean over 20 runs after one warmup
  local label=$1; shift
  env "$@" $cmd; local runs=20 start end; start=$(date +%s%N)
  for _ in $(seq $runs); do env "$@" $cmd; done
  end=$(date +%s%N)
  echo "composer config -q (whole process, NativeAOT), $label: mean $(( (end - start) / runs / 1000000 )) ms over $runs runs"
}
cmd="$work/composer/composer -f $work/compose.yaml config -q"
timed_runs "new file (no validation cache)" XDG_CACHE_HOME=/dev/null/none
timed_runs "file known valid (cached)" XDG_CACHE_HOME="$work/cache"
