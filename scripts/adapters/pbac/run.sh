#!/bin/sh
# Starts the pbac harness adapter (installed by scripts/adapters/setup.sh pbac).
# Usage: iam-conformance run --impl scripts/adapters/pbac/run.sh
dir=$(cd "$(dirname "$0")" && pwd)
if [ ! -d "$dir/node_modules/pbac" ]; then
  echo "pbac adapter: not installed; run scripts/adapters/setup.sh pbac" >&2
  exit 3
fi
exec node "$dir/adapter.js"
