//! Fuzz target `evaluate`: see `iam_conformance::fuzzing::fuzz_evaluate`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| iam_conformance::fuzzing::fuzz_evaluate(data));
