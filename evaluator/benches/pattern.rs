//! IAM wildcard matching: the adversarial pattern of issue 2 (100 repetitions of `*a`
//! followed by `b` against a 10,000-character input, matching and not matching) and
//! typical action and ARN matches.
//!
//! Run with `cargo bench -p iam-evaluator --bench pattern`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use iam_evaluator::pattern::{ArnPattern, Glob};

fn adversarial(c: &mut Criterion) {
    let pattern = "*a".repeat(100) + "b";
    let inputs = [
        // No `b` anywhere: a backtracking matcher explores C(10000, 100) placements.
        ("10k-a-no-match", "a".repeat(10_000)),
        ("10k-a-then-b-match", "a".repeat(10_000) + "b"),
        // The `b` is present but not at the end: still no match.
        ("10k-b-in-middle-no-match", "a".repeat(5_000) + "b" + &"a".repeat(4_999)),
        // Only 99 `a`s before the final `b`: one short.
        ("99a-then-b-no-match", "a".repeat(99) + "b" + &"x".repeat(9_900)),
    ];
    let mut group = c.benchmark_group("pattern/adversarial");
    for ci in [false, true] {
        let glob = Glob::new(&pattern, ci);
        for (name, input) in &inputs {
            let expected = name.ends_with("-match") && !name.ends_with("no-match");
            assert_eq!(glob.matches(input), expected, "{name}");
            // The bound of issue 2, checked outside criterion too: well under 1 ms.
            let start = Instant::now();
            for _ in 0..100 {
                black_box(glob.matches(black_box(input)));
            }
            let each = start.elapsed() / 100;
            assert!(each < Duration::from_micros(100), "{name}: {each:?} per match");
            group.throughput(Throughput::Bytes(input.len() as u64));
            let id = BenchmarkId::new(if ci { "case-insensitive" } else { "case-sensitive" }, name);
            group.bench_with_input(id, input, |b, input| b.iter(|| glob.matches(black_box(input))));
        }
    }
    group.finish();
}

fn typical(c: &mut Criterion) {
    let mut group = c.benchmark_group("pattern/typical");
    group.throughput(Throughput::Elements(1));
    let actions = [
        ("action-literal-hit", "sns:CreateTopic", "sns:CreateTopic"),
        ("action-literal-case-folded-hit", "iam:createuser", "IAM:CreateUser"),
        ("action-literal-miss", "sns:CreateTopic", "sns:DeleteTopic"),
        ("action-prefix-hit", "s3:Get*", "s3:GetObject"),
        ("action-prefix-miss", "s3:Get*", "s3:PutObject"),
        ("action-infix-hit", "ec2:Describe*Attribute", "ec2:DescribeInstanceAttribute"),
        ("action-question-hit", "iam:?etRole", "iam:GetRole"),
        ("action-star", "*", "dynamodb:PutItem"),
    ];
    for (name, pattern, input) in actions {
        let glob = Glob::new(pattern, true);
        group.bench_function(name, |b| b.iter(|| glob.matches(black_box(input))));
    }
    let arns = [
        (
            "arn-literal-hit",
            "arn:aws:iam::444455556666:policy/test-pb-policy",
            "arn:aws:iam::444455556666:policy/test-pb-policy",
        ),
        (
            "arn-s3-object-hit",
            "arn:aws:s3:::example-bucket/*/test/*",
            "arn:aws:s3:::example-bucket/2024/01/test/report.csv",
        ),
        (
            "arn-s3-object-miss",
            "arn:aws:s3:::example-bucket/*/test/*",
            "arn:aws:s3:::example-bucket/2024/01/prod/report.csv",
        ),
        (
            "arn-region-wildcard-hit",
            "arn:aws:sns:*:123456789012:example-*",
            "arn:aws:sns:ap-northeast-1:123456789012:example-topic",
        ),
        (
            "arn-account-miss",
            "arn:aws:sns:*:123456789012:example-*",
            "arn:aws:sns:ap-northeast-1:999999999999:example-topic",
        ),
        (
            "arn-colon-crossing-miss",
            "arn:aws:svc:*:111122223333:finance/*",
            "arn:aws:svc:us-east-2:999999999999:store/abc:111122223333:finance/x",
        ),
        ("arn-any", "*", "arn:aws:s3:::example-bucket/key"),
    ];
    for (name, pattern, input) in arns {
        let arn = ArnPattern::new(pattern);
        group.bench_function(name, |b| b.iter(|| arn.matches(black_box(input))));
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default().sample_size(20).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3))
}

criterion_group! { name = benches; config = config(); targets = adversarial, typical }
criterion_main!(benches);
