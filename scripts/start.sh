#!/usr/bin/env bash
# The README's first command: install, then start the orchestrator on the embedded SQLite store (./data).
set -euo pipefail
source "$(dirname "$0")/node-env.sh"
"$EDGE_ORCH_ROOT/scripts/install.sh"
exec "$EDGE_ORCH_ROOT/bin/edge-orch" serve "$@"
