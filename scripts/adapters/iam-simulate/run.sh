#!/bin/sh
# Starts the iam-simulate harness adapter; installs its npm dependencies first if missing.
# Usage: iam-conformance run --impl scripts/adapters/iam-simulate/run.sh
set -e
dir=$(cd "$(dirname "$0")" && pwd)
if [ ! -d "$dir/node_modules/@cloud-copilot/iam-simulate" ]; then
  (cd "$dir" && npm install --no-audit --no-fund --silent >&2)
fi
exec node "$dir/adapter.js"
