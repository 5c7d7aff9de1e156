//! Replays every committed fuzz input, `corpus/fuzz/<target>/*`, through the function
//! its cargo-fuzz target calls (`iam_conformance::fuzzing`), on stable Rust: the fuzz
//! corpus is a regression suite, one test per file. A law violation panics, and the
//! harness reports the panic as that file's failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::Path;

use iam_conformance::fuzzing;

fn replay(target: &str, path: &Path, data: &[u8]) -> datatest_stable::Result<()> {
    if fuzzing::run_target(target, data) {
        Ok(())
    } else {
        Err(format!("{}: no fuzz target named {target}", path.display()).into())
    }
}

fn parse(path: &Path, data: Vec<u8>) -> datatest_stable::Result<()> {
    replay("parse", path, &data)
}

fn roundtrip(path: &Path, data: Vec<u8>) -> datatest_stable::Result<()> {
    replay("roundtrip", path, &data)
}

fn pattern(path: &Path, data: Vec<u8>) -> datatest_stable::Result<()> {
    replay("pattern", path, &data)
}

fn evaluate(path: &Path, data: Vec<u8>) -> datatest_stable::Result<()> {
    replay("evaluate", path, &data)
}

fn sts(path: &Path, data: Vec<u8>) -> datatest_stable::Result<()> {
    replay("sts", path, &data)
}

datatest_stable::harness! {
    { test = parse, root = "../corpus/fuzz/parse" },
    { test = roundtrip, root = "../corpus/fuzz/roundtrip" },
    { test = pattern, root = "../corpus/fuzz/pattern" },
    { test = evaluate, root = "../corpus/fuzz/evaluate" },
    { test = sts, root = "../corpus/fuzz/sts" },
}
