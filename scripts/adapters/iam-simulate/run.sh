#!/bin/sh
# Starts the iam-simulate harness adapter (installed by scripts/adapters/setup.sh iam-simulate).
# Usage: iam-conformance run --impl scripts/adapters/iam-simulate/run.sh
dir=$(cd "$(dirname "$0")" && pwd)
if [ ! -d "$dir/node_modules/@cloud-copilot/iam-simulate" ]; then
  echo "iam-simulate adapter: not installed; run scripts/adapters/setup.sh iam-simulate" >&2
  exit 3
fi
exec node "$dir/adapter.js"
