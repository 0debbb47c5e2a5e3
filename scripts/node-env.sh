# Sourced by every script: makes `node` Node 24 or newer. When the system Node is older, Node 24 is installed
# from the npm registry (the `node` package) into .tools/ once. (better-sqlite3 ships N-API prebuilds: no compiler needed.)
EDGE_ORCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export EDGE_ORCH_ROOT
_tools="$EDGE_ORCH_ROOT/.tools"
_node_major() { "${1:-node}" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(_node_major)" -lt 24 ]; then
  if [ ! -x "$_tools/node_modules/node/bin/node" ] || [ "$(_node_major "$_tools/node_modules/node/bin/node")" -lt 24 ]; then
    echo "edge-orch: system Node $(node --version 2>/dev/null || echo none) is older than 24; installing Node 24 into .tools/" >&2
    mkdir -p "$_tools"
    npm install --prefix "$_tools" --no-audit --no-fund --loglevel=error node@24 >&2
  fi
  export PATH="$_tools/node_modules/node/bin:$PATH"
fi
unset -f _node_major
unset _tools
