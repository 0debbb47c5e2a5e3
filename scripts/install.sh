#!/usr/bin/env bash
# Installs the project's npm dependencies with Node 24 (idempotent; skipped when the lockfile is unchanged).
set -euo pipefail
source "$(dirname "$0")/node-env.sh"
cd "$EDGE_ORCH_ROOT"
stamp=node_modules/.edge-orch-installed
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
