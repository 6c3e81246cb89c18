#!/usr/bin/env bash
# The ambassador image is built from Composer's own code (src/Composer.Ambassador); cached by tag.
set -euo pipefail
bash "$(cd "$(dirname "$0")/../.." && pwd)/scripts/ambassador-image.sh"
