#!/usr/bin/env bash
# Installs the project's npm dependencies with Node 24 (idempotent; skipped when the lockfile is unchanged), then
# builds the web UI into web/dist when its sources, the OpenAPI document or the lockfile changed.
set -euo pipefail
source "$(dirname "$0")/node-env.sh"
cd "$EDGE_ORCH_ROOT"
stamp=node_modules/.edge-orch-installed
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
ui_sources="$( (find web -path web/dist -prune -o -type f -print; echo docs/openapi.json; echo package-lock.json) | LC_ALL=C sort | xargs sha256sum | sha256sum)"
if [ ! -f web/dist/index.html ] || [ "$(cat web/dist/.sources 2>/dev/null)" != "$ui_sources" ]; then
  echo "edge-orch: building the web UI" >&2
  npx vite build --config web/vite.config.ts --logLevel error >&2
  echo "$ui_sources" > web/dist/.sources
fi
