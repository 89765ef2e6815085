#!/usr/bin/env bash
# `npm start`: from a fresh clone, install what is missing, build and package the extension,
# install it into code-server with a throwaway profile, launch it on 127.0.0.1 and print the URL.
#   npm start                 # opens the folder npm start was run from
#   npm start -- /some/folder # opens that folder
#   PORT=9000 npm start       # fixed port (default 8080, or a free one when 8080 is taken)
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-env.sh

echo "[start] building and packaging the extension" >&2
npm run --silent package >&2

exec node_modules/.bin/tsx scripts/launch.ts "$@"
