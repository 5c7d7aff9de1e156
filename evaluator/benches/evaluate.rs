//! Decisions per second on one core (issue 4). Policies are parsed once and each
//! request is built once; the measured loop is one decision only, both through a
//! `PreparedPolicySet` (`prepared/...`: the action index built once) and with plain
//! `evaluate(&request, &set)` (`evaluate/...`: every statement scanned).
//!
//! Scenarios:
//! - seed 001: AdministratorAccess on a role whose session carries the managed
//!   `ReadOnlyAccess` session policy (about 2,900 action patterns), deciding
//!   `sns:CreateTopic` (denied; plain `evaluate` tries every pattern) and read actions
//!   (allowed);
//! - seed 001: the `ec2:DescribeRegions`-only inline session policy;
//! - seed 002: the `test-pb-policy` boundary under an `Action: *` identity policy,
//!   deciding `iam:CreateUser` (explicit deny) and `iam:CreateRole` with and without
//!   the `iam:PermissionsBoundary` context key;
//! - ten identity policies of fifty statements, each with conditions (about 30 KB
//!   each, so parsed without the size limit);
//! - `ReadOnlyAccess` as an IAM user's only identity policy.
//!
//! Run with `cargo bench -p iam-evaluator --bench evaluate`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use iam_evaluator::evaluate::PreparedPolicySet;
use iam_evaluator::policy::ParseOptions;
use iam_evaluator::{evaluate, Context, ContextValue, Outcome, Policy, PolicySet, PolicyType, Principal, Request};

const ADMIN: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

/// Seed 001's inline session policy.
const DESCRIBE_REGIONS: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["ec2:DescribeRegions"],
      "Resource": "*"
    }
  ]
}"#;

/// Seed 002's permissions boundary `test-pb-policy`.
const TEST_PB_POLICY: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"},
    {
      "Effect": "Deny",
      "Action": [
        "iam:CreateUser", "iam:CreateLoginProfile", "iam:CreateAccessKey", "iam:UpdateUser", "iam:DeleteUser",
        "iam:CreateGroup", "iam:UpdateGroup", "iam:DeleteGroup", "iam:AddUserToGroup", "iam:RemoveUserFromGroup",
        "iam:AttachUserPolicy", "iam:DetachUserPolicy", "iam:PutUserPolicy", "iam:DeleteUserPolicy",
        "iam:AttachGroupPolicy", "iam:DetachGroupPolicy", "iam:PutGroupPolicy", "iam:DeleteGroupPolicy"
      ],
      "Resource": "*"
    },
    {
      "Effect": "Deny",
      "Action": [
        "iam:CreateRole", "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePolicy",
        "iam:DeleteRolePolicy", "iam:PutRolePermissionsBoundary"
      ],
      "Resource": "*",
      "Condition": {"StringNotEquals": {"iam:PermissionsBoundary": "arn:aws:iam::444455556666:policy/test-pb-policy"}}
    },
    {
      "Effect": "Deny",
      "Action": ["iam:DeleteRolePermissionsBoundary"],
      "Resource": "*",
      "Condition": {"StringEquals": {"iam:PermissionsBoundary": "arn:aws:iam::444455556666:policy/test-pb-policy"}}
    },
    {
      "Effect": "Deny",
      "Action": ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion"],
      "Resource": ["arn:aws:iam::444455556666:policy/test-pb-policy"]
    }
  ]
}"#;

fn read_only_access() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../corpus/managed/ReadOnlyAccess.json");
    std::fs::read_to_string(path).expect("corpus/managed/ReadOnlyAccess.json")
}

fn parse(text: &str, ty: PolicyType) -> Policy {
    Policy::parse_with(text, ty, ParseOptions { check_size: false }).expect("policy parses")
}

fn request(principal: &str, action: &str, resource: &str, context: &[(&str, &str)]) -> Request {
    let mut ctx = Context::new();
    for (k, v) in context {
        ctx.insert(k, ContextValue::single(*v));
    }
    Request::new(Principal::parse(principal).expect("principal"), action, resource, None, ctx)
}

/// One benchmark: a named request against a policy set with its expected outcome.
struct Scenario {
    name: &'static str,
    request: Request,
    expected: Outcome,
}

/// Benchmarks each scenario twice: through a [`PreparedPolicySet`] (the action index
/// built once, the way to decide many requests) and with plain [`evaluate`] (every
/// statement and action pattern scanned).
fn run(c: &mut Criterion, group_name: &str, set: PolicySet, scenarios: Vec<Scenario>) {
    let prepared = PreparedPolicySet::new(set);
    let mut group = c.benchmark_group(group_name);
    group.throughput(Throughput::Elements(1));
    for s in scenarios {
        // Check the decision first so that the benchmark measures the right thing.
        let plain = evaluate(&s.request, prepared.set());
        assert_eq!(plain.outcome, s.expected, "{group_name}/{}", s.name);
        assert_eq!(prepared.evaluate(&s.request), plain, "{group_name}/{}: prepared", s.name);
        group.bench_function(BenchmarkId::new("prepared", s.name), |b| {
            b.iter(|| black_box(&prepared).evaluate(black_box(&s.request)))
        });
        group.bench_function(BenchmarkId::new("evaluate", s.name), |b| {
            b.iter(|| evaluate(black_box(&s.request), black_box(prepared.set())))
        });
    }
    group.finish();
}

fn seed_001_read_only_session(c: &mut Criterion) {
    let set = PolicySet {
        identity: vec![parse(ADMIN, PolicyType::Identity)],
        session: Some(vec![parse(&read_only_access(), PolicyType::Session)]),
        ..PolicySet::default()
    };
    let caller = "arn:aws:sts::123456789012:assumed-role/example-dev-role/readonly";
    let scenarios = vec![
        Scenario {
            name: "sns-CreateTopic-denied",
            request: request(caller, "sns:CreateTopic", "arn:aws:sns:ap-northeast-1:123456789012:example-topic", &[]),
            expected: Outcome::ImplicitDeny,
        },
        Scenario {
            name: "sns-ListTopics-allowed",
            request: request(caller, "sns:ListTopics", "*", &[]),
            expected: Outcome::Allowed,
        },
        Scenario {
            name: "s3-GetObject-allowed",
            request: request(caller, "s3:GetObject", "arn:aws:s3:::example-bucket/key.txt", &[]),
            expected: Outcome::Allowed,
        },
        Scenario {
            name: "ec2-DescribeInstances-allowed",
            request: request(caller, "ec2:DescribeInstances", "*", &[]),
            expected: Outcome::Allowed,
        },
    ];
    run(c, "evaluate/seed001-readonly-session", set, scenarios);
}

fn seed_001_describe_regions_session(c: &mut Criterion) {
    let set = PolicySet {
        identity: vec![parse(ADMIN, PolicyType::Identity)],
        session: Some(vec![parse(DESCRIBE_REGIONS, PolicyType::Session)]),
        ..PolicySet::default()
    };
    let caller = "arn:aws:sts::123456789012:assumed-role/example-dev-role/list-region";
    let scenarios = vec![
        Scenario {
            name: "ec2-DescribeRegions-allowed",
            request: request(caller, "ec2:DescribeRegions", "*", &[]),
            expected: Outcome::Allowed,
        },
        Scenario {
            name: "ec2-DescribeVpcs-denied",
            request: request(caller, "ec2:DescribeVpcs", "*", &[]),
            expected: Outcome::ImplicitDeny,
        },
    ];
    run(c, "evaluate/seed001-describe-regions-session", set, scenarios);
}

fn seed_002_boundary(c: &mut Criterion) {
    let set = PolicySet {
        identity: vec![parse(ADMIN, PolicyType::Identity)],
        boundary: Some(parse(TEST_PB_POLICY, PolicyType::Boundary)),
        ..PolicySet::default()
    };
    let caller = "arn:aws:sts::444455556666:assumed-role/test-restricted-admin-role/test-pb-user";
    let pb = [("iam:PermissionsBoundary", "arn:aws:iam::444455556666:policy/test-pb-policy")];
    let other = [("iam:PermissionsBoundary", "arn:aws:iam::444455556666:policy/other")];
    let scenarios = vec![
        Scenario {
            name: "iam-CreateUser-explicit-deny",
            request: request(caller, "iam:CreateUser", "arn:aws:iam::444455556666:user/new-user", &[]),
            expected: Outcome::ExplicitDeny,
        },
        Scenario {
            name: "iam-CreateRole-with-boundary-allowed",
            request: request(caller, "iam:CreateRole", "arn:aws:iam::444455556666:role/app-role", &pb),
            expected: Outcome::Allowed,
        },
        Scenario {
            name: "iam-CreateRole-other-boundary-denied",
            request: request(caller, "iam:CreateRole", "arn:aws:iam::444455556666:role/app-role", &other),
            expected: Outcome::ExplicitDeny,
        },
        Scenario {
            name: "iam-CreateRole-without-boundary-denied",
            request: request(caller, "iam:CreateRole", "arn:aws:iam::444455556666:role/app-role", &[]),
            expected: Outcome::ExplicitDeny,
        },
    ];
    run(c, "evaluate/seed002-boundary", set, scenarios);
}

/// Statement `s` of policy `p`: a few action patterns, a few resources and two to four
/// conditions of different families. Only policy 9's last statement allows
/// `dynamodb:GetItem` on the `orders` table, and only when its conditions hold.
fn large_statement(p: usize, s: usize) -> String {
    let services = ["s3", "ec2", "dynamodb", "sqs", "sns", "lambda", "kms", "logs", "iam", "rds"];
    let svc = services[(p + s) % services.len()];
    let last = p == 9 && s == 49;
    let actions = if last {
        r#"["dynamodb:GetItem", "dynamodb:Query"]"#.to_string()
    } else {
        format!(r#"["{svc}:Get{p}x{s}*", "{svc}:List{p}x{s}*", "{svc}:Describe{p}x{s}", "{svc}:*Tag{p}x{s}"]"#)
    };
    let resources = if last {
        r#"["arn:aws:dynamodb:*:123456789012:table/orders", "arn:aws:dynamodb:*:123456789012:table/orders/index/*"]"#
            .to_string()
    } else {
        format!(r#"["arn:aws:{svc}:*:123456789012:res-{p}-{s}/*", "arn:aws:{svc}:us-east-1:123456789012:other-{s}"]"#)
    };
    let conditions = format!(
        r#"{{
          "StringEquals": {{"aws:RequestedRegion": ["us-east-1", "eu-west-1", "ap-northeast-1"], "aws:PrincipalTag/team": "team-{s}"}},
          "StringLike": {{"aws:userid": ["AIDA*", "AROA*:session-{p}-*"]}},
          "Bool": {{"aws:SecureTransport": "true"}},
          "NumericLessThan": {{"aws:MultiFactorAuthAge": "3600"}},
          "IpAddress": {{"aws:SourceIp": ["10.0.0.0/8", "192.0.2.0/24"]}},
          "DateGreaterThan": {{"aws:CurrentTime": "2020-01-01T00:00:00Z"}}
        }}"#
    );
    let effect = if s % 10 == 7 { "Deny" } else { "Allow" };
    format!(
        r#"{{"Sid": "P{p}S{s}", "Effect": "{effect}", "Action": {actions}, "Resource": {resources}, "Condition": {conditions}}}"#
    )
}

fn large_policies(c: &mut Criterion) {
    let identity: Vec<Policy> = (0..10)
        .map(|p| {
            let statements: Vec<String> = (0..50).map(|s| large_statement(p, s)).collect();
            let text = format!(r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#, statements.join(",\n"));
            parse(&text, PolicyType::Identity)
        })
        .collect();
    assert!(identity.iter().all(|p| p.statements.len() == 50));
    let set = PolicySet { identity, ..PolicySet::default() };
    let caller = "arn:aws:iam::123456789012:user/alice";
    let ok_ctx = [
        ("aws:RequestedRegion", "eu-west-1"),
        ("aws:PrincipalTag/team", "team-49"),
        ("aws:SecureTransport", "true"),
        ("aws:MultiFactorAuthAge", "120"),
        ("aws:SourceIp", "10.1.2.3"),
        ("aws:CurrentTime", "2025-06-01T12:00:00Z"),
        ("aws:userid", "AIDAEXAMPLEUSERID"),
    ];
    let bad_ip_ctx = [
        ("aws:RequestedRegion", "eu-west-1"),
        ("aws:PrincipalTag/team", "team-49"),
        ("aws:SecureTransport", "true"),
        ("aws:MultiFactorAuthAge", "120"),
        ("aws:SourceIp", "203.0.113.9"),
        ("aws:CurrentTime", "2025-06-01T12:00:00Z"),
        ("aws:userid", "AIDAEXAMPLEUSERID"),
    ];
    let orders = "arn:aws:dynamodb:eu-west-1:123456789012:table/orders";
    let scenarios = vec![
        // Matches the very last statement of the tenth policy, every condition evaluated.
        Scenario {
            name: "allowed-by-last-statement",
            request: request(caller, "dynamodb:GetItem", orders, &ok_ctx),
            expected: Outcome::Allowed,
        },
        // The action matches the last statement but the last condition checked fails.
        Scenario {
            name: "condition-fails-implicit-deny",
            request: request(caller, "dynamodb:GetItem", orders, &bad_ip_ctx),
            expected: Outcome::ImplicitDeny,
        },
        // No statement's action matches: 500 statements, about 2,000 action patterns.
        Scenario {
            name: "no-action-match-implicit-deny",
            request: request(caller, "dynamodb:PutItem", orders, &ok_ctx),
            expected: Outcome::ImplicitDeny,
        },
        // Action and resource match a Deny statement (policy 0, statement 47) and all
        // its conditions hold.
        Scenario {
            name: "explicit-deny",
            request: request(
                caller,
                "logs:Get0x47Events",
                "arn:aws:logs:eu-west-1:123456789012:res-0-47/fn",
                &[
                    ("aws:RequestedRegion", "eu-west-1"),
                    ("aws:PrincipalTag/team", "team-47"),
                    ("aws:SecureTransport", "true"),
                    ("aws:MultiFactorAuthAge", "120"),
                    ("aws:SourceIp", "10.1.2.3"),
                    ("aws:CurrentTime", "2025-06-01T12:00:00Z"),
                    ("aws:userid", "AIDAEXAMPLEUSERID"),
                ],
            ),
            expected: Outcome::ExplicitDeny,
        },
    ];
    // Sanity check of the generator: policy 0 statement 47 is `logs` and a Deny.
    assert!(large_statement(0, 47).contains("\"Deny\"") && large_statement(0, 47).contains("logs:Get0x47*"));
    run(c, "evaluate/10x50-with-conditions", set, scenarios);
}

fn read_only_identity(c: &mut Criterion) {
    let set = PolicySet { identity: vec![parse(&read_only_access(), PolicyType::Identity)], ..PolicySet::default() };
    let caller = "arn:aws:iam::123456789012:user/auditor";
    let scenarios = vec![
        Scenario {
            name: "sns-CreateTopic-denied",
            request: request(caller, "sns:CreateTopic", "arn:aws:sns:ap-northeast-1:123456789012:example-topic", &[]),
            expected: Outcome::ImplicitDeny,
        },
        Scenario {
            name: "workdocs-GetDocument-allowed",
            request: request(caller, "workdocs:GetDocument", "*", &[]),
            expected: Outcome::Allowed,
        },
    ];
    run(c, "evaluate/readonly-identity", set, scenarios);
}

fn config() -> Criterion {
    Criterion::default().sample_size(20).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = benches;
    config = config();
    targets = seed_001_read_only_session, seed_001_describe_regions_session, seed_002_boundary, large_policies, read_only_identity
}
criterion_main!(benches);
