#!/usr/bin/env bash
# Loader cost against file size (issue 12: linear, and bounded at the 10 MB input limit). Generates compose files of
# about 1, 5 and 10 MB (services with environment, interpolation, a published or exposed port and labels; the largest just under the limit),
# then times, for each, one in-process pass per stage (LoaderBench --stages) and the whole `composer config -q`.
#   bench/loader/sizes.sh          COMPOSER=path picks the command (default: the NativeAOT one, built when missing)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
composer=${COMPOSER:-$root/artifacts/composer/composer}
command -v "${composer%% *}" >/dev/null || bash "$root/scripts/publish.sh" >/dev/null 2>&1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build -c Release "$here/LoaderBench.csproj" -v quiet -nologo >/dev/null

generate() { # FILE BYTES
  awk -v limit="$2" 'BEGIN {
    print "services:"; size = 10
    for (i = 0; size < limit; i++) {
      # Host ports are few (65,535) and must not repeat: the first 50,000 services publish one, the rest only expose.
      port = i < 50000 ? sprintf("    ports: [\"%d:80\"]\n", 10000 + i) : "    expose: [\"80\"]\n"
      s = sprintf("  s%d:\n    image: composer-busybox:1\n    environment:\n      A: \"${X:-v%d}\"\n      B: b%d\n%s    labels: {a: b}\n", i, i, i, port)
      if (size + length(s) >= limit) break
      printf "%s", s; size += length(s)
    }
  }' > "$1"
}

echo "machine: $(nproc) cpus, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for mb in 1 5 10; do
  file="$work/compose-$mb.yaml"
  generate "$file" $(( mb * 1024 * 1024 - 4096 ))
  services=$(grep -c '^  s' "$file")
  stages=$(dotnet "$here/bin/Release/net10.0/LoaderBench.dll" --stages "$file")
  start=$(date +%s%N)
  XDG_CACHE_HOME=/dev/null/none $composer -p sizes -f "$file" config -q
  whole=$(( ($(date +%s%N) - start) / 1000000 ))
  echo "$(( $(stat -c %s "$file") / 1024 )) KB, $services services: composer config -q $whole ms; in process: $stages"
done
