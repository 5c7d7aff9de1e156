#!/bin/sh
# Starts the principalmapper harness adapter in its own venv (made by scripts/adapters/setup.sh principalmapper).
# Usage: iam-conformance run --impl scripts/adapters/principalmapper/run.sh
dir=$(cd "$(dirname "$0")" && pwd)
if [ ! -x "$dir/.venv/bin/python" ]; then
  echo "principalmapper adapter: not installed; run scripts/adapters/setup.sh principalmapper" >&2
  exit 3
fi
exec "$dir/.venv/bin/python" "$dir/adapter.py"
