#!/bin/sh
# The conformance matrix, from a clean clone: installs the peers and Chromium, runs the
# reference evaluator and every installed peer over the corpus, renders the page.
#
#   scripts/matrix.sh                 install, run, screenshot -> target/matrix/
#   scripts/matrix.sh --no-install    run and screenshot with what is installed
#   scripts/matrix.sh --install-only  install the peers and Chromium, nothing else
#
# Writes target/matrix/matrix.html, matrix.json and matrix.png (a screenshot of the
# top of the page, for CI artifacts; never committed). A peer or Chromium that cannot
# be installed (no network, say) is reported and left out; the script fails only when
# the matrix itself cannot be made or the reference evaluator fails a case.
# IAMC=/path/to/iam-conformance uses that binary instead of `cargo run`.
set -u
cd "$(dirname "$0")/.."
mode=${1:-}

install() {
  t0=$(date +%s)
  if ! timeout 300 scripts/adapters/setup.sh; then
    echo "matrix: some peers could not be installed; the matrix runs without them" >&2
  fi
  if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      { timeout 120 apt-get update -qq && timeout 300 apt-get install -y -qq chromium; } >/dev/null 2>&1 ||
        echo "matrix: chromium could not be installed; no screenshot, and the page test skips" >&2
    else
      echo "matrix: chromium is not installed; no screenshot, and the page test skips" >&2
    fi
  fi
  echo "matrix: install took $(($(date +%s) - t0)) s" >&2
}

case "$mode" in
  --install-only) install; exit 0 ;;
  --no-install) ;;
  "") install ;;
  *) sed -n '2,14p' "$0"; exit 2 ;;
esac

t0=$(date +%s)
if [ -n "${IAMC:-}" ]; then
  "$IAMC" matrix --timeout 30 --out target/matrix
else
  cargo run -q -p iam-conformance -- matrix --timeout 30 --out target/matrix
fi
status=$?
echo "matrix: run took $(($(date +%s) - t0)) s" >&2
if command -v chromium >/dev/null 2>&1 && [ -f target/matrix/matrix.html ]; then
  timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1500,1400 \
    --screenshot="$PWD/target/matrix/matrix.png" "file://$PWD/target/matrix/matrix.html" >/dev/null 2>&1 &&
    echo "matrix: screenshot target/matrix/matrix.png" >&2
fi
exit "$status"
