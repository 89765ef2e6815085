#!/usr/bin/env bash
# Installs code-server (a real VS Code that runs on this machine's Node 20) into a cache
# folder outside the repository, once. Prints the path of the code-server launcher on stdout.
#
#   scripts/install-code-server.sh            # install if missing, print launcher path
#   CODE_SERVER_CACHE=/some/dir scripts/...   # choose the cache folder
#
# Why each step:
# - Debian's libkrb5-dev lets the `kerberos` native module build; ripgrep provides `rg`.
# - VS Code's @vscode/ripgrep postinstall downloads a prebuilt rg from GitHub, which is
#   unreachable here. It first looks for
#   $TMPDIR/vscode-ripgrep-cache-<package version>/ripgrep-<tag>-x86_64-unknown-linux-musl.tar.gz,
#   so we seed that with a tarball of Debian's rg.
# - code-server's postinstall runs its own nested `npm install` in lib/vscode, whose
#   package.json we do not control, so npm 11's allowScripts policy cannot list those
#   native modules; for this one pinned install we let all install scripts run.
set -euo pipefail

CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.100.3}"
# @vscode/ripgrep as pinned by code-server 4.100.3's lib/vscode/npm-shrinkwrap.json, and the
# ripgrep-prebuilt release tag its lib/postinstall.js asks for (VERSION constant).
RIPGREP_PACKAGE_VERSION="1.15.11"
RIPGREP_RELEASE_TAG="v13.0.0-10"

cache_root="${CODE_SERVER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/codex-vscode}"
prefix="$cache_root/code-server-$CODE_SERVER_VERSION"
launcher="$prefix/node_modules/code-server/out/node/entry.js"
marker="$prefix/.installed"

log() { echo "[install-code-server] $*" >&2; }

if [ -f "$marker" ] && [ -f "$launcher" ]; then
  echo "$launcher"
  exit 0
fi

node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" != "20" ]; then
  log "code-server $CODE_SERVER_VERSION needs Node 20, found $(node -v)"
  exit 1
fi

# Debian packages (we are root on the dev and CI machines; otherwise they must already be there).
missing=()
for p in libkrb5-dev ripgrep; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq "${missing[@]}" >&2
  else
    log "missing Debian packages: ${missing[*]} (install them with apt-get as root)"
    exit 1
  fi
fi

rg_binary="$(command -v rg)"
work_tmp="$(mktemp -d)"
trap 'rm -rf "$work_tmp"' EXIT

# Seed @vscode/ripgrep's download cache inside a private TMPDIR used only by this install.
ripgrep_cache="$work_tmp/vscode-ripgrep-cache-$RIPGREP_PACKAGE_VERSION"
mkdir -p "$ripgrep_cache" "$work_tmp/rg"
cp "$rg_binary" "$work_tmp/rg/rg"
tar -czf "$ripgrep_cache/ripgrep-$RIPGREP_RELEASE_TAG-x86_64-unknown-linux-musl.tar.gz" -C "$work_tmp/rg" rg

rm -rf "$prefix"
mkdir -p "$prefix"
# A package.json makes the prefix its own npm project (so npm does not walk up into a parent one).
cat >"$prefix/package.json" <<JSON
{
  "name": "codex-vscode-code-server",
  "private": true,
  "description": "code-server for the Codex extension's local launch and end-to-end tests",
  "allowScripts": { "code-server": true }
}
JSON

log "installing code-server $CODE_SERVER_VERSION into $prefix (takes a few minutes once)"
(
  cd "$prefix"
  export TMPDIR="$work_tmp"
  export npm_config_unsafe_perm=true npm_config_yes=true
  export npm_config_dangerously_allow_all_scripts=true
  npm install --no-audit --no-fund --omit=dev --no-save "code-server@$CODE_SERVER_VERSION" >&2
)

vscode_dir="$prefix/node_modules/code-server/lib/vscode"
for required in \
  "$launcher" \
  "$vscode_dir/node_modules/@vscode/ripgrep/bin/rg" \
  "$vscode_dir/node_modules/node-pty/build/Release/pty.node" \
  "$vscode_dir/node_modules/@vscode/spdlog/build/Release/spdlog.node"; do
  if [ ! -e "$required" ]; then
    log "install incomplete: $required is missing"
    exit 1
  fi
done

touch "$marker"
log "code-server $CODE_SERVER_VERSION ready"
echo "$launcher"
