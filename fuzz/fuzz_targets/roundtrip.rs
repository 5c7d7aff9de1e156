//! Fuzz target `roundtrip`: see `iam_conformance::fuzzing::fuzz_roundtrip`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| iam_conformance::fuzzing::fuzz_roundtrip(data));
