//! The functions the cargo-fuzz targets in `fuzz/` call, one per target. Each takes the
//! fuzzer's bytes, reads them as a generated input ([`crate::gen::from_bytes`]) or as
//! policy text, checks the laws of [`crate::props`] and panics on a violation, which is
//! how libFuzzer learns of a find. `tests/fuzz_corpus.rs` replays the committed corpus
//! (`corpus/fuzz/<target>/`) through these same functions on stable Rust.

use crate::gen::{self, EvalInput, ParseInput, PatternInput, TypedPolicy, WorldModel};
use crate::props;

/// A fuzz target's function.
pub type Target = fn(&[u8]);

/// The fuzz targets, by name, with their functions.
pub const TARGETS: [(&str, Target); 5] = [
    ("parse", fuzz_parse),
    ("roundtrip", fuzz_roundtrip),
    ("pattern", fuzz_pattern),
    ("evaluate", fuzz_evaluate),
    ("sts", fuzz_sts),
];

/// Runs the target named `name` on `data`; false when there is no such target.
pub fn run_target(name: &str, data: &[u8]) -> bool {
    match TARGETS.iter().find(|(n, _)| *n == name) {
        Some((_, f)) => {
            f(data);
            true
        }
        None => false,
    }
}

/// Reports a law violation to the fuzzer.
#[allow(clippy::panic)] // A panic is how libFuzzer (and the corpus replay) learns of a find.
fn check(target: &str, law: &str, result: Result<(), String>) {
    if let Err(message) = result {
        panic!("fuzz target {target}: law {law} violated:\n{message}");
    }
}

/// `parse`: the first byte picks one of the seven policy types, the rest (as UTF-8,
/// invalid sequences replaced) is parsed as that type: it never panics, an accepted
/// policy prints and parses back to an equal policy, a rejection is located inside the
/// text. One parse per execution keeps the target fast; the fuzzer reaches every type
/// through the first byte.
pub fn fuzz_parse(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else { return };
    let types = iam_evaluator::PolicyType::ALL;
    let Some(&ty) = types.get(usize::from(selector) % types.len()) else { return };
    let text = String::from_utf8_lossy(rest);
    check("parse", "parse_as", props::law_parse_as(&text, ty));
}

/// `roundtrip`: a generated policy of a generated type, in every JSON form, prints and
/// parses back to itself; the same policy with a few edits is parsed without panic.
pub fn fuzz_roundtrip(data: &[u8]) {
    let policy: TypedPolicy = gen::from_bytes(data);
    check("roundtrip", "print_parse_identity", props::law_print_parse_identity(&policy));
    let edited: ParseInput = gen::from_bytes(data);
    check("roundtrip", "parse_edited_policy", props::law_parse_edited_policy(&edited));
}

/// `pattern`: the wildcard matcher agrees with the naive reference matcher, and ARN
/// patterns match component by component.
pub fn fuzz_pattern(data: &[u8]) {
    let input: PatternInput = gen::from_bytes(data);
    for (name, law) in props::PATTERN_LAWS {
        check("pattern", name, law(&input));
    }
}

/// `evaluate`: a generated policy set with every layer and a request decide without
/// panic, and the evaluation laws hold. The first byte picks the law (each law decides
/// several policy sets, so checking one per execution keeps the target fast); the rest
/// is the [`EvalInput`].
pub fn fuzz_evaluate(data: &[u8]) {
    let Some((selector, rest)) = data.split_first() else { return };
    let input: EvalInput = gen::from_bytes(rest);
    let n = props::EVAL_LAWS.len();
    if let Some((name, law)) = props::EVAL_LAWS.get(usize::from(*selector) % n) {
        check("evaluate", name, law(&input));
    }
}

/// `sts`: a generated world and chain of AssumeRole calls run without panic, and the
/// world laws hold; the same bytes read as a [`gen::FederationModel`] make federated
/// sessions (GetFederationToken, GetSessionToken, web identity) and the federation laws
/// hold.
pub fn fuzz_sts(data: &[u8]) {
    let federation: gen::FederationModel = gen::from_bytes(data);
    for (name, law) in props::FEDERATION_LAWS {
        check("sts", name, law(&federation));
    }
    let input: WorldModel = gen::from_bytes(data);
    let run = props::run_chain(&input);
    check("sts", "world_loads", run.as_ref().map(|_| ()).map_err(String::clone));
    if let Ok(run) = run {
        for (name, law) in props::WORLD_LAWS {
            check("sts", name, law(&input, &run));
        }
    }
}
