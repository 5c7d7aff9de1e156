//! Fuzz target `sts`: see `iam_conformance::fuzzing::fuzz_sts`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| iam_conformance::fuzzing::fuzz_sts(data));
