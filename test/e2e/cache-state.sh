#!/usr/bin/env bash
# Is the end-to-end tool cache complete? Installs nothing; setup.sh uses it to decide what to (re)build, and the
# e2e test to refuse a half-built cache. An interrupted setup leaves pieces that exist but do not work (node@24's
# package without its binary, code-server without its VS Code dependencies), so each piece is checked for the
# files its install writes last, and the whole cache carries a marker written only after every piece passed.
#
#   cache-state.sh DIR           one line per piece: "ok <piece>" or "broken <piece>: <reason>"; exit 0 iff all ok
#   cache-state.sh --ready DIR   exit 0 iff the marker names the expected versions and every piece is ok
#   cache-state.sh --marker-text the marker's expected content
#
# Sourced by setup.sh for the versions and the marker name (E2E_CACHE_STATE_SOURCED=1 skips the command line).
CODE_SERVER_VERSION=4.139.1
PLAYWRIGHT_VERSION=1.64.1
NODE_MAJOR=24
MARKER=.dj-migrate-e2e-complete

marker_text() {
  printf 'node=v%s code-server=%s playwright-core=%s\n' "$NODE_MAJOR" "$CODE_SERVER_VERSION" "$PLAYWRIGHT_VERSION"
}

# package_version DIR PACKAGE: the installed version of node_modules/PACKAGE, or nothing.
package_version() {
  local f="$1/node_modules/$2/package.json"
  [ -f "$f" ] || return 0
  node -e 'try { process.stdout.write(String(require(require("path").resolve(process.argv[1])).version ?? "")) } catch {}' "$f"
}

# Each check prints nothing when the piece is complete, else the reason.
# Node 24 is a project of its own (node24/), so installing it never re-runs code-server's install scripts.
check_node() {
  local dir="$1/node24" bin="$1/node24/node_modules/.bin/node" v
  [ -e "$dir/node_modules/node/package.json" ] || { echo "node24/node_modules/node is missing"; return; }
  [ -x "$bin" ] || { echo "node24/node_modules/.bin/node is missing or not executable (interrupted install)"; return; }
  v="$("$bin" --version 2>/dev/null)" || { echo "node24/node_modules/.bin/node does not run"; return; }
  [ "${v%%.*}" = "v$NODE_MAJOR" ] || echo "node24/node_modules/.bin/node is $v, not v$NODE_MAJOR"
}

check_code_server() {
  local dir="$1" cs="$1/node_modules/code-server" v
  v="$(package_version "$dir" code-server)"
  [ -n "$v" ] || { echo "node_modules/code-server is missing"; return; }
  [ "$v" = "$CODE_SERVER_VERSION" ] || { echo "code-server is $v, not $CODE_SERVER_VERSION"; return; }
  [ -e "$dir/node_modules/.bin/code-server" ] || { echo "node_modules/.bin/code-server is missing"; return; }
  # code-server's postinstall runs npm install in lib/vscode, links bin/remote-cli/code-server, then npm install in
  # lib/vscode/extensions; npm writes node_modules/.package-lock.json when an install finishes.
  [ -f "$cs/lib/vscode/node_modules/.package-lock.json" ] ||
    { echo "code-server's VS Code dependencies are not installed (lib/vscode/node_modules unfinished)"; return; }
  [ -L "$cs/lib/vscode/bin/remote-cli/code-server" ] ||
    { echo "code-server's postinstall did not finish (lib/vscode/bin/remote-cli/code-server missing)"; return; }
  [ -f "$cs/lib/vscode/extensions/node_modules/.package-lock.json" ] ||
    echo "code-server's built-in extensions are not installed (lib/vscode/extensions/node_modules unfinished)"
}

check_playwright() {
  local dir="$1" v
  v="$(package_version "$dir" playwright-core)"
  [ -n "$v" ] || { echo "node_modules/playwright-core is missing"; return; }
  [ "$v" = "$PLAYWRIGHT_VERSION" ] || { echo "playwright-core is $v, not $PLAYWRIGHT_VERSION"; return; }
  [ -f "$dir/node_modules/playwright-core/index.js" ] || echo "node_modules/playwright-core/index.js is missing"
}

# state DIR: prints one line per piece; returns 0 iff every piece is complete.
cache_state() {
  local dir="$1" status=0 why piece
  for piece in node code-server playwright-core; do
    case "$piece" in
      node) why="$(check_node "$dir")" ;;
      code-server) why="$(check_code_server "$dir")" ;;
      playwright-core) why="$(check_playwright "$dir")" ;;
    esac
    if [ -z "$why" ]; then echo "ok $piece"; else echo "broken $piece: $why"; status=1; fi
  done
  return "$status"
}

cache_ready() {
  local dir="$1"
  [ -f "$dir/$MARKER" ] && [ "$(cat "$dir/$MARKER")" = "$(marker_text)" ] && cache_state "$dir" >/dev/null
}

if [ -z "${E2E_CACHE_STATE_SOURCED:-}" ]; then
  set -uo pipefail
  case "${1:-}" in
    --ready) [ -n "${2:-}" ] || { echo "usage: $0 --ready DIR" >&2; exit 2; }; cache_ready "$2" ;;
    --marker-text) marker_text ;;
    -*|'') echo "usage: $0 [--ready] DIR | --marker-text" >&2; exit 2 ;;
    *) cache_state "$1" ;;
  esac
fi
