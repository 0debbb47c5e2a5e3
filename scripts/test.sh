#!/usr/bin/env bash
# The README's second command, and exactly what CI runs: install everything the tests need, then run them all.
set -euo pipefail
source "$(dirname "$0")/node-env.sh"
cd "$EDGE_ORCH_ROOT"
scripts/test-deps.sh
scripts/install.sh
npx tsc -p tsconfig.json
npx tsc -p web/tsconfig.json
npx eslint .
npx prettier --check .
npx vitest run "$@"
