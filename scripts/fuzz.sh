#!/usr/bin/env bash
# Runs one cargo-fuzz target for a time budget, growing its committed corpus.
#
#   scripts/fuzz.sh TARGET [SECONDS] [-- extra libFuzzer flags]
#   scripts/fuzz.sh parse 600
#   scripts/fuzz.sh evaluate 300 -- -jobs=2 -workers=2
#
# TARGET is one of: parse roundtrip pattern evaluate sts (see fuzz/Cargo.toml).
# New inputs are written to corpus/fuzz/TARGET, so finds accumulate there; crashes
# land in fuzz/artifacts/TARGET. With a nightly toolchain the target is built with
# AddressSanitizer (cargo fuzz's default); on stable it is built with
# `--sanitizer none`. Installs cargo-fuzz from crates.io if it is missing.
#
# Minimize a corpus after a long run with:
#   cargo +nightly fuzz cmin TARGET corpus/fuzz/TARGET
set -euo pipefail

usage() {
    echo "usage: $0 TARGET [SECONDS] [-- libFuzzer flags]" >&2
    echo "targets: parse roundtrip pattern evaluate sts" >&2
    exit 2
}

[ $# -ge 1 ] || usage
target=$1
shift
seconds=60
if [ $# -ge 1 ] && [ "$1" != "--" ]; then
    seconds=$1
    shift
fi
[ $# -ge 1 ] && [ "$1" = "--" ] && shift

case $target in
    parse | roundtrip | pattern | evaluate | sts) ;;
    *) usage ;;
esac
case $seconds in
    '' | *[!0-9]*) usage ;;
esac

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
corpus="$root/corpus/fuzz/$target"
mkdir -p "$corpus"

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz
fi

flags=(-max_total_time="$seconds" -print_final_stats=1)
if [ -f "$root/fuzz/dicts/$target.dict" ]; then
    flags+=(-dict="$root/fuzz/dicts/$target.dict")
fi

if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    exec cargo +nightly fuzz run "$target" "$corpus" -- "${flags[@]}" "$@"
else
    echo "fuzz.sh: no nightly toolchain; building without a sanitizer" >&2
    exec cargo fuzz run --sanitizer none "$target" "$corpus" -- "${flags[@]}" "$@"
fi
