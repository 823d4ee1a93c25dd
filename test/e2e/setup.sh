#!/usr/bin/env bash
# Installs what the end-to-end test needs (run by `npm run test:e2e`, never by `npm test`): Debian's Chromium
# (+ native build deps of code-server) with apt-get, and in a cache outside the clone Node 24, code-server and
# playwright-core (versions in cache-state.sh). Idempotent: a cache whose completion marker is current is used as
# it is; otherwise every piece is checked (cache-state.sh) and the broken or missing ones are rebuilt, and the
# marker is written only after all of them work. Exits non-zero with the reason on failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
E2E="$ROOT/.e2e"
E2E_CACHE_STATE_SOURCED=1
# shellcheck source=cache-state.sh
source "$ROOT/test/e2e/cache-state.sh"

apt_packages=(libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config chromium)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "e2e setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}" ||
    { echo "e2e setup failed: could not install ${missing[*]} with apt-get" >&2; exit 1; }
fi
[ -x /usr/bin/chromium ] || { echo "e2e setup failed: /usr/bin/chromium missing after install" >&2; exit 1; }

# The tools live outside the clone (about 600 MB, several minutes to build), so every clone on this machine —
# CI's included — reuses one installation: .e2e is a link to the cache unless it already exists.
CACHE="${DJ_MIGRATE_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dj-migrate-e2e}"
# One setup at a time per cache: two clones (or a CI run beside a developer's) would otherwise remove and rebuild
# each other's half-installed pieces.
mkdir -p "$(dirname "$CACHE")"
exec 9>"$CACHE.lock"
flock 9
if [ ! -e "$E2E" ]; then
  mkdir -p "$CACHE"
  ln -s "$CACHE" "$E2E"
fi
mkdir -p "$E2E/"
cd "$E2E"
if cache_ready "$E2E"; then
  echo "e2e setup: ready ($(cat "$MARKER"), $(/usr/bin/chromium --version 2>/dev/null))"
  exit 0
fi

# Not known to be complete: from here on the marker is absent, so an interruption is seen by the next run.
rm -f "$MARKER"
state="$(cache_state "$E2E" || true)"
echo "$state" | sed 's/^/e2e setup: /'
broken() { grep -q "^broken $1:" <<<"$state"; }

if broken node; then
  echo "e2e setup: installing node@$NODE_MAJOR"
  rm -rf node24
  mkdir -p node24
  printf '{ "name": "dj-migrate-e2e-node", "private": true, "version": "0.0.0" }\n' > node24/package.json
  npm install --prefix node24 --no-audit --no-fund "node@$NODE_MAJOR" ||
    { echo "e2e setup failed: npm install node@$NODE_MAJOR" >&2; exit 1; }
  why="$(check_node "$E2E")"
  [ -z "$why" ] || { echo "e2e setup failed: $why" >&2; exit 1; }
fi
export PATH="$E2E/node24/node_modules/.bin:$PATH"

if broken code-server || broken playwright-core; then
  # What an interrupted install left is removed, so npm installs it again (with its install scripts).
  broken code-server && rm -rf node_modules/code-server node_modules/.bin/code-server
  broken playwright-core && rm -rf node_modules/playwright-core
  [ -f package.json ] || printf '{ "name": "dj-migrate-e2e", "private": true, "version": "0.0.0" }\n' > package.json
  # Run npm itself under Node 24: npm puts the directory of the node that runs it first on the PATH of install
  # scripts, and code-server's postinstall refuses any node but 24.
  NPM_CLI="$(dirname "$(readlink -f "$(command -v npm)")")/npm-cli.js"
  [ -f "$NPM_CLI" ] || NPM_CLI="$(npm root -g)/npm/bin/npm-cli.js"
  echo "e2e setup: installing code-server@$CODE_SERVER_VERSION playwright-core@$PLAYWRIGHT_VERSION (compiles native modules, several minutes)"
  # Run from `npm run test:e2e`, the outer npm (under the system node) exports its settings as npm_config_*, which
  # the inner npm takes as its own: its user agent would still say the system node, and code-server's postinstall
  # reads the node version from npm_config_user_agent.
  env -u npm_config_user_agent "$E2E/node24/node_modules/.bin/node" "$NPM_CLI" install --no-audit --no-fund \
    "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_VERSION" ||
    { echo "e2e setup failed: npm install code-server/playwright-core" >&2; exit 1; }
fi

state="$(cache_state "$E2E")" || { echo "e2e setup failed: the cache is still incomplete:" >&2; echo "$state" >&2; exit 1; }
"$E2E/node_modules/.bin/code-server" --version >/dev/null || { echo "e2e setup failed: code-server does not start" >&2; exit 1; }
marker_text > "$MARKER"
echo "e2e setup: ready ($(cat "$MARKER"), $(/usr/bin/chromium --version 2>/dev/null))"
