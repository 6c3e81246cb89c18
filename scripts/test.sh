#!/usr/bin/env bash
# Runs the whole test suite: unit tests and integration tests on a real Docker Engine.
# Sets up what it needs first (engine, local images), so it works on a fresh machine.
# Its last line is the totals, e.g. "tests: 212 passed, 0 failed, 3 skipped".
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/engine.sh || exit 1
bash scripts/images.sh || exit 1
# Debian's chromium and playwright-core for the dashboard's browser test (DashboardTests).
bash scripts/browser-test-deps.sh || exit 1
# The integration tests run the command as users get it: published NativeAOT (see ComposerBinary in the tests).
bash scripts/publish.sh || exit 1
export COMPOSER_BINARY=$PWD/artifacts/composer/composer
# The packages (ToolPackageTests installs the .NET tool; the tarball holds the binary just published).
bash scripts/pack.sh || exit 1
export COMPOSER_PACKAGES=$PWD/artifacts/packages

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
dotnet test Composer.sln --nologo -v minimal --logger "trx" --results-directory "$results" "$@"
status=$?

# Totals from the TRX files (one per test assembly): dotnet test's own summary is per assembly.
read -r passed failed skipped total files < <(python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
p = f = s = t = n = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    c = ET.parse(path).getroot().find(".//{*}ResultSummary/{*}Counters")
    if c is None: continue
    n += 1
    t += int(c.get("total", 0)); p += int(c.get("passed", 0))
    f += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
    s += int(c.get("notExecuted", 0)) + int(c.get("inconclusive", 0))
print(p, f, s, t, n)
PY
)
expected=$(ls tests/*/*.csproj | wc -l)
if [ "${files:-0}" -lt "$expected" ]; then
  echo "test.sh: only ${files:-0} of $expected test assemblies reported results (did one fail to build or crash?)" >&2
  [ "$status" -eq 0 ] && status=1
fi
if [ "${total:-0}" -eq 0 ]; then
  echo "test.sh: no test ran" >&2
  status=1
fi
echo "tests: ${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
exit $status
