# Sourced by every script: makes `node` Node 24 or newer. When the system Node is older, Node 24 is installed
# from the npm registry (the `node` package) into .tools/ once. (better-sqlite3 ships N-API prebuilds: no compiler needed.)
# Deciding costs no Node start: a binary's major version is remembered in .tools/node-major (with its path, size
# and time), and the version installed in .tools/ is read from its package.json. Every command sources this, so
# it forks as little as it can: one `stat`, and a subshell only for a relative or dotted path.
_here="${BASH_SOURCE[0]%/*}"
[ "$_here" = "${BASH_SOURCE[0]}" ] && _here=.
case "$_here" in
  /*/scripts) [[ "$_here" == */./* || "$_here" == */../* ]] && EDGE_ORCH_ROOT="$(cd "$_here/.." && pwd)" || EDGE_ORCH_ROOT="${_here%/scripts}" ;;
  *) EDGE_ORCH_ROOT="$(cd "$_here/.." && pwd)" ;;
esac
unset _here
export EDGE_ORCH_ROOT
_tools="$EDGE_ORCH_ROOT/.tools"
# Sets _major to the major version of the `node` on PATH (0 without one).
_node_major() {
  local bin="" seen="" stamp
  _major=""
  hash node 2>/dev/null && bin="${BASH_CMDS[node]}"
  if [ -z "$bin" ]; then _major=0; return; fi
  stamp="$bin $(stat -Lc '%s %Y' "$bin" 2>/dev/null)"
  if [ -f "$_tools/node-major" ]; then { read -r seen; read -r _major; } < "$_tools/node-major"; fi
  if [ "$seen" != "$stamp" ] || [ -z "$_major" ]; then
    _major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
    { mkdir -p "$_tools" && printf '%s\n%s\n' "$stamp" "$_major" > "$_tools/node-major"; } 2>/dev/null || true
  fi
}
_tools_node_major() {
  local manifest="$_tools/node_modules/node/package.json"
  if [ -x "$_tools/node_modules/node/bin/node" ] && [ -f "$manifest" ] && [[ "$(< "$manifest")" =~ \"version\":\ *\"([0-9]+) ]]; then
    echo "${BASH_REMATCH[1]}"
  else
    echo 0
  fi
}
_node_major
if [ "$_major" -lt 24 ]; then
  if [ "$(_tools_node_major)" -lt 24 ]; then
    echo "edge-orch: system Node $(node --version 2>/dev/null || echo none) is older than 24; installing Node 24 into .tools/" >&2
    mkdir -p "$_tools"
    npm install --prefix "$_tools" --no-audit --no-fund --loglevel=error node@24 >&2
  fi
  export PATH="$_tools/node_modules/node/bin:$PATH"
  hash -r
fi
unset -f _node_major _tools_node_major
unset _tools _major
