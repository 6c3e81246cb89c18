#!/usr/bin/env bash
# Publishes the composer command, NativeAOT for linux-x64, to artifacts/composer (or the directory given).
# Ahead-of-time compiled, a command starts in milliseconds; the JIT would spend a few hundred on each run.
#   scripts/publish.sh [OUTPUT_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/artifacts/composer}
echo "publish: composer (NativeAOT) → $out" >&2
rm -rf "$out"
dotnet publish "$root/src/Composer.Cli" -c Release -r linux-x64 -o "$out" --nologo -v quiet >&2
