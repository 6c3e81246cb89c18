#!/usr/bin/env bash
# What the dashboard's browser test needs (DashboardTests): Debian's chromium, and playwright-core from npm
# in tests/dashboard (the version its package-lock.json pins). Installs only what is missing; never downloads a
# browser of Playwright's own.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if ! [ -x /usr/bin/chromium ]; then
  echo "browser-test-deps: installing Debian's chromium" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q chromium >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }
fi
if ! [ -f "$root/tests/dashboard/node_modules/playwright-core/package.json" ]; then
  command -v npm >/dev/null || { echo "browser-test-deps: installing node and npm" >&2; apt-get install -y -q nodejs npm >/dev/null; }
  echo "browser-test-deps: npm ci in tests/dashboard (playwright-core)" >&2
  (cd "$root/tests/dashboard" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >&2)
fi
