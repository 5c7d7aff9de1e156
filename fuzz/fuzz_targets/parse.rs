//! Fuzz target `parse`: see `iam_conformance::fuzzing::fuzz_parse`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| iam_conformance::fuzzing::fuzz_parse(data));
