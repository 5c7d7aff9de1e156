#!/bin/sh
# Starts the moto harness adapter in its own venv (made by scripts/adapters/setup.sh moto).
# Usage: iam-conformance run --impl scripts/adapters/moto/run.sh
dir=$(cd "$(dirname "$0")" && pwd)
if [ ! -x "$dir/.venv/bin/python" ]; then
  echo "moto adapter: not installed; run scripts/adapters/setup.sh moto" >&2
  exit 3
fi
exec "$dir/.venv/bin/python" "$dir/adapter.py"
