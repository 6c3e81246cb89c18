#!/usr/bin/env bash
# composer-ambassador:1 on the local engine (built from src/Composer.Ambassador); Composer copies it to host a and b.
set -euo pipefail
bash "$(cd "$(dirname "$0")/../.." && pwd)/scripts/ambassador-image.sh"
