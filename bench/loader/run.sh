#!/usr/bin/env bash
# Loader benchmark: a generated 1,000-service compose file, loaded, validated and graphed
#  1. in process (Stopwatch harness: 5 warmup runs, median of 30), and
#  2. as a whole `composer config -q` process (hyperfine if installed, else a timed loop).
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

cmd="$work/composer/composer -f $work/compose.yaml config -q"
if command -v hyperfine >/dev/null; then
  hyperfine --warmup 3 --runs 20 --style basic "$cmd"
else
  $cmd  # warmup
  runs=20; start=$(date +%s%N)
  for _ in $(seq $runs); do $cmd; done
  end=$(date +%s%N)
  echo "composer config -q (whole process): mean $(( (end - start) / runs / 1000000 )) ms over $runs runs"
fi
