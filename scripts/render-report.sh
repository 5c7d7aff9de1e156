#!/usr/bin/env bash
# Builds the HTML conformance report from the corpus and renders it to a PNG in
# headless Chromium, as a check that the page renders and as a picture of it.
#
#   scripts/render-report.sh [OUT_DIR]          (default: target/report)
#
# Runs the corpus against the reference evaluator and against the example adapter
# (scripts/adapters/example-python, needs python3), writes OUT_DIR/{reference.json,
# example-python.json,report.html,report.png,failures.png}: the whole first screen and
# the page opened at its #failures anchor. Installs Debian's `chromium` package
# when it is missing (needs root and apt-get). Not part of `cargo test`: CI does not
# depend on Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

out_dir=${1:-target/report}
mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)

cargo build -q -p iam-conformance
bin=target/debug/iam-conformance

# `run` exits 1 when a case fails or errors, 2 when it cannot run at all.
run_json() {
    local out=$1; shift
    local rc=0
    "$bin" run --format json "$@" >"$out" || rc=$?
    if [ "$rc" -gt 1 ]; then
        echo "render-report: iam-conformance run $* failed (exit $rc)" >&2
        exit 1
    fi
}

inputs=("$out_dir/reference.json")
run_json "$out_dir/reference.json"
if command -v python3 >/dev/null 2>&1; then
    run_json "$out_dir/example-python.json" --impl "python3 scripts/adapters/example-python/adapter.py"
    inputs+=("$out_dir/example-python.json")
else
    echo "render-report: python3 not found, the report shows the reference evaluator only" >&2
fi

"$bin" report "${inputs[@]}" -o "$out_dir/report.html"
echo "render-report: wrote $out_dir/report.html"

if ! command -v chromium >/dev/null 2>&1; then
    echo "render-report: installing Debian's chromium package" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
fi

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
png="$out_dir/report.png"
rm -f "$png"
timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --hide-scrollbars --screenshot="$png" --window-size=1280,2000 \
    "file://$out_dir/report.html" >/dev/null 2>"$out_dir/chromium.log" || {
    echo "render-report: chromium failed, see $out_dir/chromium.log" >&2
    exit 1
}

# The PNG must exist, be a PNG of the requested size, and not be blank: a blank
# 1280x2000 page compresses to a few KB.
[ -s "$png" ] || { echo "render-report: no screenshot written" >&2; exit 1; }
if [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" != "89504e470d0a1a0a" ]; then
    echo "render-report: $png is not a PNG" >&2
    exit 1
fi
size=$(od -An -tu1 -j16 -N8 "$png" | tr -s ' ' | sed 's/^ //')
read -r w1 w2 w3 w4 h1 h2 h3 h4 <<<"$size"
width=$(( (w1 << 24) | (w2 << 16) | (w3 << 8) | w4 ))
height=$(( (h1 << 24) | (h2 << 16) | (h3 << 8) | h4 ))
bytes=$(wc -c <"$png")
if [ "$width" -ne 1280 ] || [ "$height" -ne 2000 ]; then
    echo "render-report: $png is ${width}x${height}, expected 1280x2000" >&2
    exit 1
fi
if [ "$bytes" -lt 30000 ]; then
    echo "render-report: $png is only $bytes bytes: the page looks blank" >&2
    exit 1
fi
echo "render-report: rendered $png (${width}x${height}, $bytes bytes)"

# The page opened at #failures. Headless Chromium leaves the part of the window above
# the anchor unpainted in such a screenshot; the failures themselves must show.
shot="$out_dir/failures.png"
rm -f "$shot"
timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --hide-scrollbars --screenshot="$shot" --window-size=1280,1000 \
    "file://$out_dir/report.html#failures" >/dev/null 2>>"$out_dir/chromium.log" || {
    echo "render-report: chromium failed on #failures, see $out_dir/chromium.log" >&2
    exit 1
}
shot_bytes=$(wc -c <"$shot")
if [ "$shot_bytes" -lt 20000 ]; then
    echo "render-report: $shot is only $shot_bytes bytes: #failures looks blank" >&2
    exit 1
fi
echo "render-report: rendered $shot ($shot_bytes bytes)"
