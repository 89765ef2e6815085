#!/usr/bin/env bash
# `npm start`: from a fresh clone, install what is missing, build and package the extension,
# install it into code-server with a throwaway profile, launch it on 127.0.0.1 and print the URL.
#   npm start                 # opens the folder npm start was run from
#   npm start -- /some/folder # opens that folder
#   PORT=9000 npm start       # fixed port (default 8080, or a free one when 8080 is taken)
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: code-server needs libkrb5-dev and ripgrep, the agent git and bubblewrap
# (sandbox); chromium is for the end-to-end tests, so `npm test` works right after this.
missing=()
for p in git bubblewrap chromium libkrb5-dev ripgrep; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "[start] installing Debian packages: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq "${missing[@]}" >&2
  else
    echo "[start] please install: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

if [ ! -x node_modules/.bin/vsce ] || [ ! -x node_modules/.bin/tsx ] || [ ! -d node_modules/node-pty ]; then
  echo "[start] installing npm dependencies (npm ci)" >&2
  npm ci --no-audit --no-fund >&2
fi

echo "[start] building and packaging the extension" >&2
npm run --silent package >&2

bash scripts/install-code-server.sh >/dev/null
exec node_modules/.bin/tsx scripts/launch.ts "$@"
