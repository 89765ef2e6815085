#!/usr/bin/env bash
# Installs whatever this project needs and is missing, so that `npm start` and `npm test`
# each work on a fresh clone: Debian packages (git; bubblewrap for the sandbox; chromium for
# the end-to-end tests; libkrb5-dev and ripgrep for code-server), npm dependencies, and
# code-server (cached outside the repository). Quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { echo "[ensure-env] $*" >&2; }

missing=()
for p in git bubblewrap chromium libkrb5-dev ripgrep; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq "${missing[@]}" >&2
  else
    log "please install: sudo apt-get install ${missing[*]}"
    exit 1
  fi
fi

if [ ! -x node_modules/.bin/vsce ] || [ ! -x node_modules/.bin/tsx ] || [ ! -d node_modules/node-pty ]; then
  log "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund >&2
fi

bash scripts/install-code-server.sh >/dev/null
