//! Condition worst cases (issue 3): enormous condition blocks, 10,000 values under one
//! key, 100 KB values, variables inside variables. Each must take bounded time and end
//! in a clear error or a non-match, never a panic. Policies are parsed without the size
//! limit (`check_size: false`, as for AWS managed policies) so that the evaluator, not
//! the size check, meets the input; the size check rejects all of them otherwise.
//!
//! Run with `cargo bench -p iam-evaluator --bench conditions`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use iam_evaluator::policy::ParseOptions;
use iam_evaluator::{
    evaluate, Context, ContextValue, ErrorKind, Outcome, Policy, PolicySet, PolicyType, Principal, Request,
};

const NO_SIZE_LIMIT: ParseOptions = ParseOptions { check_size: false };

/// A one-statement identity policy allowing `s3:GetObject` under `condition` (JSON).
fn policy_text(condition: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{condition}}}]}}"#
    )
}

fn json_list<T: AsRef<str>>(values: impl IntoIterator<Item = T>) -> String {
    let quoted: Vec<String> = values.into_iter().map(|v| serde_json::to_string(v.as_ref()).unwrap()).collect();
    format!("[{}]", quoted.join(","))
}

fn request(context: Vec<(String, ContextValue)>) -> Request {
    let mut ctx = Context::new();
    for (k, v) in context {
        ctx.insert(&k, v);
    }
    let caller = Principal::parse("arn:aws:iam::123456789012:user/alice").unwrap();
    Request::new(caller, "s3:GetObject", "arn:aws:s3:::bucket/key", None, ctx)
}

fn single(key: &str, value: impl Into<String>) -> (String, ContextValue) {
    (key.to_string(), ContextValue::single(value))
}

/// One worst case: the policy text, a request, and the expected decision.
struct Case {
    name: &'static str,
    text: String,
    request: Request,
    expected: Outcome,
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();

    // An enormous condition block: 10 operators x 100 keys x 3 values, every key present
    // in the request and every condition holding, so that all 1,000 are evaluated.
    {
        let ops = [
            "StringEquals",
            "StringLike",
            "StringEqualsIgnoreCase",
            "StringNotEquals",
            "NumericLessThan",
            "NumericGreaterThanEquals",
            "DateGreaterThan",
            "Bool",
            "IpAddress",
            "ArnLike",
        ];
        let mut blocks = Vec::new();
        let mut ctx = Vec::new();
        for (o, op) in ops.iter().enumerate() {
            let mut keys = Vec::new();
            for k in 0..100 {
                let key = format!("aws:PrincipalTag/k{o}x{k}");
                let (values, present) = match *op {
                    "StringEquals" => (vec![format!("v{k}"), "x".into(), "y".into()], format!("v{k}")),
                    "StringLike" => (vec![format!("v{k}*"), "x*".into(), "y?".into()], format!("v{k}-tail")),
                    "StringEqualsIgnoreCase" => (vec![format!("V{k}"), "X".into(), "Y".into()], format!("v{k}")),
                    "StringNotEquals" => (vec!["a".into(), "b".into(), "c".into()], format!("v{k}")),
                    "NumericLessThan" => (vec!["10".into(), "20".into(), "1000.5".into()], "5".into()),
                    "NumericGreaterThanEquals" => (vec!["1".into(), "2".into(), "3".into()], "5".into()),
                    "DateGreaterThan" => (
                        vec!["2020-01-01T00:00:00Z".into(), "2019-01-01".into(), "1500000000".into()],
                        "2025-06-01T12:00:00Z".into(),
                    ),
                    "Bool" => (vec!["true".into()], "true".into()),
                    "IpAddress" => {
                        (vec!["10.0.0.0/8".into(), "192.0.2.0/24".into(), "2001:db8::/32".into()], "10.1.2.3".into())
                    }
                    _ => (
                        vec![format!("arn:aws:iam::*:role/r{k}"), "arn:aws:s3:::x".into(), "arn:aws:s3:::y".into()],
                        format!("arn:aws:iam::123456789012:role/r{k}"),
                    ),
                };
                keys.push(format!("{}:{}", serde_json::to_string(&key).unwrap(), json_list(&values)));
                ctx.push(single(&key, present));
            }
            blocks.push(format!("\"{op}\":{{{}}}", keys.join(",")));
        }
        out.push(Case {
            name: "1000-conditions-all-hold",
            text: policy_text(&format!("{{{}}}", blocks.join(","))),
            request: request(ctx),
            expected: Outcome::Allowed,
        });
    }

    // 10,000 values under one key; the request value matches none of them.
    let ten_k = |f: &dyn Fn(usize) -> String| (0..10_000).map(f).collect::<Vec<_>>();
    out.push(Case {
        name: "StringEquals-10k-values-no-match",
        text: policy_text(&format!(
            r#"{{"StringEquals":{{"aws:PrincipalTag/team":{}}}}}"#,
            json_list(ten_k(&|i| format!("team-{i}")))
        )),
        request: request(vec![single("aws:PrincipalTag/team", "other")]),
        expected: Outcome::ImplicitDeny,
    });
    out.push(Case {
        name: "StringLike-10k-values-no-match",
        text: policy_text(&format!(
            r#"{{"StringLike":{{"aws:PrincipalTag/team":{}}}}}"#,
            json_list(ten_k(&|i| format!("*team-{i}?*")))
        )),
        request: request(vec![single("aws:PrincipalTag/team", "x".repeat(100))]),
        expected: Outcome::ImplicitDeny,
    });
    out.push(Case {
        name: "IpAddress-10k-values-no-match",
        text: policy_text(&format!(
            r#"{{"IpAddress":{{"aws:SourceIp":{}}}}}"#,
            json_list(ten_k(&|i| format!("10.{}.{}.0/24", i / 256, i % 256)))
        )),
        request: request(vec![single("aws:SourceIp", "192.0.2.1")]),
        expected: Outcome::ImplicitDeny,
    });
    // 10,000 request values against 1,000 policy values: ForAnyValue tries every pair.
    out.push(Case {
        name: "ForAnyValue-StringEquals-1k-by-10k-no-match",
        text: policy_text(&format!(
            r#"{{"ForAnyValue:StringEquals":{{"aws:TagKeys":{}}}}}"#,
            json_list((0..1_000).map(|i| format!("key-{i}")))
        )),
        request: request(vec![("aws:TagKeys".into(), ContextValue::multi(ten_k(&|i| format!("other-{i}"))))]),
        expected: Outcome::ImplicitDeny,
    });
    out.push(Case {
        name: "ForAllValues-StringLike-10k-by-10k-all-hold",
        text: policy_text(&format!(
            r#"{{"ForAllValues:StringLike":{{"aws:TagKeys":{}}}}}"#,
            json_list(ten_k(&|i| format!("key-{i}")))
        )),
        // Every request value matches the last policy value: every pair is tried.
        request: request(vec![("aws:TagKeys".into(), ContextValue::multi(vec!["key-9999".to_string(); 10_000]))]),
        expected: Outcome::Allowed,
    });

    // 100 KB values.
    let big = "a".repeat(100_000);
    out.push(Case {
        name: "100KB-request-value-StringLike",
        text: policy_text(r#"{"StringLike":{"aws:PrincipalTag/team":["*a*b", "a*a*a*c", "*?b"]}}"#),
        request: request(vec![single("aws:PrincipalTag/team", big.clone())]),
        expected: Outcome::ImplicitDeny,
    });
    out.push(Case {
        name: "100KB-policy-and-request-value-StringEquals",
        text: policy_text(&format!(r#"{{"StringEquals":{{"aws:PrincipalTag/team":"{big}b"}}}}"#)),
        request: request(vec![single("aws:PrincipalTag/team", format!("{big}c"))]),
        expected: Outcome::ImplicitDeny,
    });
    // A 50 KB literal segment between stars, found nowhere in a 100 KB request value
    // that repeats its prefix: a naive search would take 50,000 x 100,000 steps.
    out.push(Case {
        name: "100KB-request-50KB-StringLike-segment",
        text: policy_text(&format!(r#"{{"StringLike":{{"aws:PrincipalTag/team":"*{}b*"}}}}"#, "a".repeat(50_000))),
        request: request(vec![single("aws:PrincipalTag/team", big.clone())]),
        expected: Outcome::ImplicitDeny,
    });
    // The same with a `?`: 1,000 characters and a `?` between stars.
    out.push(Case {
        name: "100KB-request-1K-StringLike-segment-with-question-mark",
        text: policy_text(&format!(r#"{{"StringLike":{{"aws:PrincipalTag/team":"*{}?b*"}}}}"#, "a".repeat(1_000))),
        request: request(vec![single("aws:PrincipalTag/team", big.clone())]),
        expected: Outcome::ImplicitDeny,
    });
    out.push(Case {
        name: "100KB-ArnLike",
        text: policy_text(&format!(r#"{{"ArnLike":{{"aws:SourceArn":"arn:aws:s3:::{}*b"}}}}"#, "a".repeat(1_000))),
        request: request(vec![single("aws:SourceArn", format!("arn:aws:s3:::{big}"))]),
        expected: Outcome::ImplicitDeny,
    });

    // Policy variables: a 100 KB value substituted into a pattern, and 10,000
    // variables in one value.
    out.push(Case {
        name: "variable-substitutes-100KB",
        text: policy_text(r#"{"StringLike":{"aws:PrincipalTag/team":"${aws:PrincipalTag/name}-*"}}"#),
        request: request(vec![
            single("aws:PrincipalTag/name", big.clone()),
            single("aws:PrincipalTag/team", format!("{big}x")),
        ]),
        expected: Outcome::ImplicitDeny,
    });
    out.push(Case {
        name: "10k-variables-in-one-value",
        text: policy_text(&format!(
            r#"{{"StringEquals":{{"aws:PrincipalTag/team":"{}"}}}}"#,
            "${aws:PrincipalTag/name}".repeat(10_000)
        )),
        request: request(vec![
            single("aws:PrincipalTag/name", "n"),
            single("aws:PrincipalTag/team", "n".repeat(9_999)),
        ]),
        expected: Outcome::ImplicitDeny,
    });
    out
}

/// Policies that must be rejected, with the error kind.
fn rejected() -> Vec<(&'static str, String, ErrorKind)> {
    vec![
        (
            "variable-inside-a-variable",
            policy_text(r#"{"StringEquals":{"aws:PrincipalTag/team":"${aws:PrincipalTag/${aws:username}}"}}"#),
            ErrorKind::Variable,
        ),
        (
            "10k-nested-variable-openings",
            policy_text(&format!(
                r#"{{"StringEquals":{{"aws:PrincipalTag/team":"{}x{}"}}}}"#,
                "${".repeat(10_000),
                "}".repeat(10_000)
            )),
            ErrorKind::Variable,
        ),
        (
            "10k-unterminated-variables",
            policy_text(&format!(r#"{{"StringLike":{{"aws:PrincipalTag/team":"{}"}}}}"#, "${a".repeat(10_000))),
            ErrorKind::Variable,
        ),
        (
            "10k-values-one-not-a-number",
            policy_text(&format!(
                r#"{{"NumericLessThan":{{"s3:max-keys":{}}}}}"#,
                json_list((0..10_000).map(|i| if i == 9_999 { "ten".to_string() } else { i.to_string() }))
            )),
            ErrorKind::Operator,
        ),
        (
            "10k-duplicate-keys-in-one-block",
            policy_text(&format!(
                "{{\"StringEquals\":{{{},\"k0\":\"again\"}}}}",
                (0..10_000).map(|i| format!("\"k{i}\":\"v\"")).collect::<Vec<_>>().join(",")
            )),
            ErrorKind::Json,
        ),
    ]
}

fn evaluate_worst_cases(c: &mut Criterion) {
    let mut group = c.benchmark_group("conditions/evaluate");
    group.throughput(Throughput::Elements(1));
    for case in cases() {
        let policy = Policy::parse_with(&case.text, PolicyType::Identity, NO_SIZE_LIMIT)
            .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let set = PolicySet { identity: vec![policy], ..PolicySet::default() };
        assert_eq!(evaluate(&case.request, &set).outcome, case.expected, "{}", case.name);
        group.bench_function(case.name, |b| b.iter(|| evaluate(black_box(&case.request), black_box(&set))));
    }
    group.finish();
}

fn parse_worst_cases(c: &mut Criterion) {
    let mut group = c.benchmark_group("conditions/parse");
    for case in cases() {
        group.throughput(Throughput::Bytes(case.text.len() as u64));
        // With the size limit every one of them is rejected as too large.
        let limited = Policy::parse(&case.text, PolicyType::Identity);
        assert!(case.text.len() < 6_144 || limited.is_err_and(|e| e.kind == ErrorKind::Size), "{}", case.name);
        group.bench_function(case.name, |b| {
            b.iter(|| Policy::parse_with(black_box(&case.text), PolicyType::Identity, NO_SIZE_LIMIT).unwrap())
        });
    }
    for (name, text, kind) in rejected() {
        group.throughput(Throughput::Bytes(text.len() as u64));
        let err = Policy::parse_with(&text, PolicyType::Identity, NO_SIZE_LIMIT).expect_err(name);
        assert_eq!(err.kind, kind, "{name}: {err}");
        group.bench_function(name, |b| {
            b.iter(|| Policy::parse_with(black_box(&text), PolicyType::Identity, NO_SIZE_LIMIT).unwrap_err())
        });
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! { name = benches; config = config(); targets = evaluate_worst_cases, parse_worst_cases }
criterion_main!(benches);
