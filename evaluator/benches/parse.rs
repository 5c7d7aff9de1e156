//! Parse throughput (issue 2): typed parsing with full validation against
//! `serde_json::from_str::<serde_json::Value>` on the same text, for
//! - the seed policies: every policy of a `corpus/parse/` case tagged `seed` that the
//!   case expects to be valid, parsed as the type the case gives (pretty-printed as in
//!   the seed documents when the case holds the policy as a JSON object);
//! - the largest seed policy alone (seed 002's `test-pb-policy`);
//! - the real AWS managed `ReadOnlyAccess` (`corpus/managed/ReadOnlyAccess.json`, about
//!   2,900 action patterns), as the file is (pretty-printed) and compact, parsed as an
//!   identity policy without the size limit.
//!
//! Target: typed parsing within 2x the time of the untyped `Value` parse.
//! Run with `cargo bench -p iam-evaluator --bench parse`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use iam_evaluator::policy::ParseOptions;
use iam_evaluator::{Policy, PolicyType};

const NO_SIZE_LIMIT: ParseOptions = ParseOptions { check_size: false };

/// The valid seed policies of `corpus/parse/`, as (name, type, text).
fn seed_policies() -> Vec<(String, PolicyType, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus/parse");
    let mut files: Vec<_> = std::fs::read_dir(&dir).expect("corpus/parse").map(|e| e.expect("entry").path()).collect();
    files.sort();
    let mut out = Vec::new();
    for file in files {
        if file.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let case: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&file).expect("read")).expect("case JSON");
        let tagged = case["tags"].as_array().is_some_and(|t| t.iter().any(|t| t == "seed"));
        if !tagged {
            continue;
        }
        let name = file.file_stem().and_then(|s| s.to_str()).unwrap_or("").to_string();
        for step in case["steps"].as_array().into_iter().flatten() {
            let (Some(parse), Some(true)) = (step.get("parse"), step["expect"]["valid"].as_bool()) else { continue };
            let ty = PolicyType::from_name(parse["type"].as_str().expect("type")).expect("policy type");
            let text = match &parse["policy"] {
                serde_json::Value::String(s) => s.clone(),
                other => serde_json::to_string_pretty(other).expect("print"),
            };
            out.push((name.clone(), ty, text));
        }
    }
    assert!(out.len() >= 15, "expected the seed policies of corpus/parse, found {}", out.len());
    for (name, ty, text) in &out {
        Policy::parse_with(text, *ty, NO_SIZE_LIMIT).unwrap_or_else(|e| panic!("{name} should parse: {e}"));
    }
    out
}

fn read_only_access() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../corpus/managed/ReadOnlyAccess.json");
    std::fs::read_to_string(path).expect("corpus/managed/ReadOnlyAccess.json")
}

/// Benchmarks typed parsing and the `Value` parse of the same texts side by side.
fn pair(c: &mut Criterion, group_name: &str, policies: &[(PolicyType, String)]) {
    let bytes: usize = policies.iter().map(|(_, t)| t.len()).sum();
    let mut group = c.benchmark_group(group_name);
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("typed-validated", |b| {
        b.iter(|| {
            for (ty, text) in policies {
                black_box(Policy::parse_with(black_box(text), *ty, NO_SIZE_LIMIT).expect("valid"));
            }
        })
    });
    group.bench_function("serde_json-Value", |b| {
        b.iter(|| {
            for (_, text) in policies {
                black_box(serde_json::from_str::<serde_json::Value>(black_box(text)).expect("JSON"));
            }
        })
    });
    group.finish();
}

fn seeds(c: &mut Criterion) {
    let seeds = seed_policies();
    let all: Vec<(PolicyType, String)> = seeds.iter().map(|(_, ty, t)| (*ty, t.clone())).collect();
    pair(c, "parse/seeds-all", &all);
    let (_, ty, pb) = seeds
        .iter()
        .find(|(n, ty, _)| n.contains("test-pb-policy") && *ty == PolicyType::Boundary)
        .expect("test-pb-policy");
    pair(c, "parse/seed002-test-pb-policy", &[(*ty, pb.clone())]);
}

fn read_only(c: &mut Criterion) {
    let pretty = read_only_access();
    let compact =
        serde_json::to_string(&serde_json::from_str::<serde_json::Value>(&pretty).expect("JSON")).expect("print");
    let policy = Policy::parse_with(&pretty, PolicyType::Identity, NO_SIZE_LIMIT).expect("ReadOnlyAccess parses");
    let patterns: usize = policy.statements.iter().map(|s| s.action.patterns.len()).sum();
    assert!(patterns > 2_500, "ReadOnlyAccess has {patterns} action patterns");
    pair(c, "parse/ReadOnlyAccess-pretty", &[(PolicyType::Identity, pretty)]);
    pair(c, "parse/ReadOnlyAccess-compact", &[(PolicyType::Identity, compact)]);
}

fn config() -> Criterion {
    Criterion::default().sample_size(20).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3))
}

criterion_group! { name = benches; config = config(); targets = seeds, read_only }
criterion_main!(benches);
