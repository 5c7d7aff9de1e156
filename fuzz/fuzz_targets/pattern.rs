//! Fuzz target `pattern`: see `iam_conformance::fuzzing::fuzz_pattern`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| iam_conformance::fuzzing::fuzz_pattern(data));
