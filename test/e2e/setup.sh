#!/usr/bin/env bash
# Installs what the end-to-end test needs: Debian's Chromium (+ native build deps of code-server),
# and in the git-ignored .e2e/ folder Node 24, code-server 4.139.1 and playwright-core 1.64.1.
# Idempotent: each piece is skipped when already present. Exits non-zero with the reason on failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
E2E="$ROOT/.e2e"
CODE_SERVER_VERSION=4.139.1
PLAYWRIGHT_VERSION=1.64.1

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
if [ ! -e "$E2E" ]; then
  mkdir -p "$CACHE"
  ln -s "$CACHE" "$E2E"
fi
mkdir -p "$E2E/"
cd "$E2E"
[ -f package.json ] || printf '{ "name": "dj-migrate-e2e", "private": true, "version": "0.0.0" }\n' > package.json
if [ ! -x node_modules/.bin/node ] || [ "$(node_modules/.bin/node --version | cut -d. -f1)" != "v24" ]; then
  echo "e2e setup: installing node@24"
  npm install --no-audit --no-fund node@24 || { echo "e2e setup failed: npm install node@24" >&2; exit 1; }
fi
export PATH="$E2E/node_modules/.bin:$PATH"
# Run npm itself under Node 24: npm puts the directory of the node that runs it first on the PATH of install
# scripts, and code-server's postinstall refuses any node but 24.
NPM_CLI="$(dirname "$(readlink -f "$(command -v npm)")")/npm-cli.js"
[ -f "$NPM_CLI" ] || NPM_CLI="$(npm root -g)/npm/bin/npm-cli.js"
npm24() { "$E2E/node_modules/.bin/node" "$NPM_CLI" "$@"; }
have_version() { node -p "require('./node_modules/$1/package.json').version" 2>/dev/null || true; }
if [ "$(have_version code-server)" != "$CODE_SERVER_VERSION" ] || [ "$(have_version playwright-core)" != "$PLAYWRIGHT_VERSION" ]; then
  echo "e2e setup: installing code-server@$CODE_SERVER_VERSION playwright-core@$PLAYWRIGHT_VERSION (compiles native modules, several minutes)"
  npm24 install --no-audit --no-fund "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_VERSION" ||
    { echo "e2e setup failed: npm install code-server/playwright-core" >&2; exit 1; }
fi
"$E2E/node_modules/.bin/code-server" --version >/dev/null || { echo "e2e setup failed: code-server does not start" >&2; exit 1; }
echo "e2e setup: ready (code-server $(have_version code-server), playwright-core $(have_version playwright-core), $(/usr/bin/chromium --version 2>/dev/null))"
