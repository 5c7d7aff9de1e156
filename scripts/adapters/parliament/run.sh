#!/bin/sh
# Starts the parliament harness adapter in its own venv (made by scripts/adapters/setup.sh parliament).
# Usage: iam-conformance run --impl scripts/adapters/parliament/run.sh
dir=$(cd "$(dirname "$0")" && pwd)
if [ ! -x "$dir/.venv/bin/python" ]; then
  echo "parliament adapter: not installed; run scripts/adapters/setup.sh parliament" >&2
  exit 3
fi
exec "$dir/.venv/bin/python" "$dir/adapter.py"
