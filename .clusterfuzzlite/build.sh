#!/bin/bash -eu
# Builds every cargo-fuzz target of fuzz/ for ClusterFuzzLite (OSS-Fuzz conventions:
# sources in $SRC, binaries, seed corpora and dictionaries in $OUT). The OSS-Fuzz
# cargo wrapper supplies the sanitizer flags for $SANITIZER.
cd "$SRC/iam-conformance"

targets="parse roundtrip pattern evaluate sts"

cargo fuzz build -O --debug-assertions

out_dir=fuzz/target/x86_64-unknown-linux-gnu/release
for target in $targets; do
    cp "$out_dir/$target" "$OUT/$target"
    # The committed corpus seeds each target; libFuzzer reads it from the zip.
    if [ -d "corpus/fuzz/$target" ]; then
        (cd "corpus/fuzz/$target" && zip -q -r "$OUT/${target}_seed_corpus.zip" .)
    fi
    if [ -f "fuzz/dicts/$target.dict" ]; then
        cp "fuzz/dicts/$target.dict" "$OUT/$target.dict"
    fi
done
