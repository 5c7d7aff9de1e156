#!/usr/bin/env bash
# Mutation score of the corpus (and of the whole test suite) over the reference
# evaluator: cargo-mutants mutates evaluator/src, and a mutant is caught when the
# tests fail on it. See docs/MUTANTS.md.
#
#   scripts/mutants.sh [options] [SHARD]
#
#   SHARD              k/n: run only shard k of n (round-robin over all mutants)
#   --corpus           the corpus test alone (cargo test -p iam-conformance --test corpus)
#   --suite            the whole test suite (cargo test --workspace); after a corpus
#                      run in the same --out, only the mutants the corpus missed are
#                      tested again (the rest are caught by the suite too, since the
#                      corpus test is part of it) (default: both, one after the other)
#   --iterate          test again only what the previous run in --out did not catch
#                      (cargo mutants --iterate); the score counts both runs
#   --file GLOB        mutate only files matching GLOB (repeatable), e.g.
#                      --file evaluator/src/pattern.rs
#   --re REGEX         only mutants whose name matches REGEX (cargo mutants --re)
#   --out DIR          where results go (default target/mutants); DIR/<mode>/ gets
#                      mutants.out/ and missed.txt
#   --in-place         mutate the working tree itself (fast, reuses target/; do not
#                      edit or build the tree meanwhile)
#   --list             list the mutants that would be tested, and stop
#
#   MUTANTS_JOBS=N     parallel build directories (default 1; not with --in-place)
#   MUTANTS_NICE=N     niceness (default 10)
#
# Prints, per mode, caught / missed / timeout / unviable and the score
# caught / (caught + missed + timeout): timeouts count as not caught.
set -euo pipefail
cd "$(dirname "$0")/.."

modes=()
files=()
res=()
out=target/mutants
shard=""
in_place=0
iterate=0
list=0
while [ $# -gt 0 ]; do
    case "$1" in
        --corpus) modes+=(corpus) ;;
        --suite) modes+=(suite) ;;
        --file) files+=(--file "$2"); shift ;;
        --re) res+=(--re "$2"); shift ;;
        --out) out="$2"; shift ;;
        --in-place) in_place=1 ;;
        --iterate) iterate=1 ;;
        --list) list=1 ;;
        -h|--help) sed -n '2,29p' "$0"; exit 0 ;;
        */*) shard="$1" ;;
        *) echo "mutants.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done
[ ${#modes[@]} -eq 0 ] && modes=(corpus suite)

if ! cargo mutants --version >/dev/null 2>&1; then
    echo "== installing cargo-mutants"
    cargo install --locked cargo-mutants
fi

# --cap-lints: a mutant that only trips a lint (an unused variable) is still a program
# to test, not an unviable one.
# A mutant can also make the compiler itself run for ever: --build-timeout stops it.
common=(--package iam-evaluator --no-shuffle --colors never --cap-lints true --build-timeout 300)
# Debug info only slows each mutant's build.
export CARGO_PROFILE_DEV_DEBUG=0 CARGO_PROFILE_TEST_DEBUG=0
[ -n "$shard" ] && common+=(--shard "$shard" --sharding round-robin)
[ ${#files[@]} -gt 0 ] && common+=("${files[@]}")
[ ${#res[@]} -gt 0 ] && common+=("${res[@]}")
if [ "$in_place" = 1 ]; then
    common+=(--in-place)
else
    common+=(--jobs "${MUTANTS_JOBS:-1}")
fi

if [ "$list" = 1 ]; then
    cargo mutants "${common[@]}" --list
    exit 0
fi

# Count the lines of a cargo-mutants outcome list (0 when absent).
count() { if [ -f "$1" ]; then grep -c . "$1" || true; else echo 0; fi; }

status=0
for mode in "${modes[@]}"; do
    dir="$out/$mode"
    mkdir -p "$dir"
    case "$mode" in
        # The corpus alone: the only test target the conformance runner's users see.
        # Passed to every cargo call, so that each mutant builds the corpus test target
        # alone (not the evaluator's own unit and integration tests): about half the time.
        corpus) test_args=(--cargo-arg=--package=iam-conformance --cargo-arg=--test=corpus) ;;
        # Everything: unit tests, laws, fuzz-corpus replays, CLI and scenario tests.
        suite) test_args=(--test-workspace=true) ;;
    esac
    again=()
    [ "$iterate" = 1 ] && again=(--iterate)
    # The corpus test is part of the suite: what it caught the suite catches too, so the
    # suite run starts from the corpus run's outcomes and tests only its misses.
    if [ "$mode" = suite ] && [ -d "$out/corpus/mutants.out" ] && [ ! -d "$dir/mutants.out" ]; then
        cp -a "$out/corpus/mutants.out" "$dir/mutants.out"
        again=(--iterate)
    fi
    echo "== cargo mutants ($mode${shard:+, shard $shard})"
    set +e
    nice -n "${MUTANTS_NICE:-10}" cargo mutants "${common[@]}" "${again[@]}" --output "$dir" "${test_args[@]}"
    rc=$?
    set -e
    # cargo-mutants exits 2 when mutants were missed, 3 on timeouts: a result, not a failure.
    case "$rc" in 0|2|3) ;; *) echo "cargo mutants failed ($rc)" >&2; status=$rc ;; esac
    m="$dir/mutants.out"
    cp "$m/missed.txt" "$dir/missed.txt" 2>/dev/null || : >"$dir/missed.txt"
    # With --iterate, what earlier runs caught is in previously_caught.txt.
    caught=$(( $(count "$m/caught.txt") + $(count "$m/previously_caught.txt") ))
    missed=$(count "$m/missed.txt")
    timeout=$(count "$m/timeout.txt")
    unviable=$(count "$m/unviable.txt")
    viable=$((caught + missed + timeout))
    if [ "$viable" -gt 0 ]; then
        score=$(awk -v c="$caught" -v v="$viable" 'BEGIN { printf "%.1f", 100 * c / v }')
    else
        score="n/a"
    fi
    echo "== $mode: caught $caught, missed $missed, timeout $timeout, unviable $unviable;" \
        "score $caught/$viable = $score% (missed list: $dir/missed.txt)"
    # The same outcomes without the mutants of code whose only output the case format
    # cannot carry (explanations, error text and positions, printing; see
    # scripts/mutants-unobservable.txt): the corpus's power over what it can observe.
    if [ "$mode" = corpus ] && [ -f scripts/mutants-unobservable.txt ]; then
        pats=$(mktemp)
        grep -v '^\s*\(#\|$\)' scripts/mutants-unobservable.txt >"$pats" || true
        kept() { cat "$@" 2>/dev/null | grep -v -f "$pats" | grep -c . || true; }
        oc=$(kept "$m/caught.txt" "$m/previously_caught.txt")
        om=$(kept "$m/missed.txt")
        ot=$(kept "$m/timeout.txt")
        ov=$((oc + om + ot))
        rm -f "$pats"
        if [ "$ov" -gt 0 ]; then
            echo "== corpus, observable code only: caught $oc, missed $om, timeout $ot;" \
                "score $oc/$ov = $(awk -v c="$oc" -v v="$ov" 'BEGIN { printf "%.1f", 100 * c / v }')%"
        fi
    fi
done
exit "$status"
