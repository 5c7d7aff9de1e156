#!/bin/sh
# Installs the peers the harness adapters drive, at the versions their lock files pin.
#
#   scripts/adapters/setup.sh              every adapter
#   scripts/adapters/setup.sh NAME...      those adapters (iam-simulate moto parliament principalmapper pbac)
#   scripts/adapters/setup.sh --list       the adapter names, one a line
#
# Node adapters (a package-lock.json): `npm ci` into NAME/node_modules/.
# Python adapters (a requirements.txt with ==versions and hashes): a venv in NAME/.venv/,
# `pip install --require-hashes`. Nothing lands outside the adapter's folder, and
# neither folder is committed (scripts/adapters/.gitignore).
#
# The adapters install in parallel. One failing to install (no network, no node) does
# not stop the others: each is reported, and the exit code is the number of adapters
# that failed (0: all installed).
set -u
here=$(cd "$(dirname "$0")" && pwd)

adapters() {
  for d in "$here"/*/; do
    n=$(basename "$d")
    if [ -x "$d/run.sh" ] && { [ -f "$d/package-lock.json" ] || [ -f "$d/requirements.txt" ]; }; then
      echo "$n"
    fi
  done
}

install_one() {
  dir="$here/$1"
  if [ -f "$dir/package-lock.json" ]; then
    command -v npm >/dev/null 2>&1 || { echo "npm is not installed" >&2; return 1; }
    (cd "$dir" && npm ci --no-audit --no-fund --silent >&2)
  elif [ -f "$dir/requirements.txt" ]; then
    py=${PYTHON:-python3}
    command -v "$py" >/dev/null 2>&1 || { echo "$py is not installed" >&2; return 1; }
    if [ ! -x "$dir/.venv/bin/python" ]; then
      "$py" -m venv "$dir/.venv" >&2 || { rm -rf "$dir/.venv"; return 1; }
    fi
    "$dir/.venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-compile --require-hashes \
      -r "$dir/requirements.txt" >&2 || { rm -rf "$dir/.venv"; return 1; }
  else
    echo "no lock file in $dir" >&2
    return 1
  fi
  # A start and a stop through run.sh: proves the adapter starts, and leaves Python's
  # compiled modules behind so that later starts are quick.
  reply=$(printf '{"cmd":"start","version":1}\n{"cmd":"stop"}\n' | "$dir/run.sh" 2>&1 | head -n 1)
  case "$reply" in
    *'"implementation"'*) return 0 ;;
    *) echo "$1 adapter does not start: $reply" >&2; return 1 ;;
  esac
}

if [ "${1:-}" = "--list" ]; then
  adapters
  exit 0
fi
names=${*:-$(adapters)}
# The adapters install side by side (mostly waiting on the registries); each reports
# when it is done.
results=$(mktemp -d)
for n in $names; do
  (
    if [ ! -d "$here/$n" ]; then
      echo "setup: no adapter $n (known: $(adapters | tr '\n' ' '))" >&2
      touch "$results/$n.failed"
      exit 0
    fi
    start=$(date +%s)
    if install_one "$n"; then
      echo "setup: $n installed ($(($(date +%s) - start)) s)" >&2
    else
      echo "setup: $n NOT installed (see above); it will be skipped" >&2
      touch "$results/$n.failed"
    fi
  ) &
done
wait
failed=$(find "$results" -name '*.failed' | wc -l)
rm -rf "$results"
exit "$failed"
