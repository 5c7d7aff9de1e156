//! Differential testing: random `evaluate` cases decided by the oracle (the reference
//! evaluator, in process) and by another implementation (over the harness protocol);
//! each disagreement is shrunk and written out as a case file with both answers.
//!
//! The cases come from a small generator in this module, deterministic from the seed:
//! case `i` of seed `s` is always the same case, whatever the number of cases asked
//! for. The vocabularies are small (two accounts, a handful of principals, actions,
//! resources and context keys) so that statements, principals and conditions often
//! meet the request. Every action and resource is a real one with a matching resource
//! type, so that implementations which validate them against the AWS service
//! reference (as iam-simulate does) accept the request.
//!
//! A disagreement's files go to the output folder for adjudication. Their `expect` is
//! the oracle's answer, which is **not** truth for the corpus: a case only moves into
//! `corpus/` with an expectation taken from the AWS documentation.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

use crate::case::{Action, Case, EvaluateStep, Expect, Step};
use crate::protocol::External;
use crate::runner::{CaseOutcome, Implementation};

/// The account most principals and resources belong to.
const ACCOUNT_A: &str = "111122223333";
/// A second account, for cross-account requests.
const ACCOUNT_B: &str = "444455556666";

/// Callers: (ARN, kind).
const PRINCIPALS: [(&str, &str); 7] = [
    ("arn:aws:iam::111122223333:user/alice", "user"),
    ("arn:aws:iam::111122223333:user/bob", "user"),
    ("arn:aws:sts::111122223333:assumed-role/dev/s1", "role-session"),
    ("arn:aws:sts::111122223333:federated-user/fed", "federated-user"),
    ("arn:aws:iam::111122223333:root", "root"),
    ("arn:aws:iam::444455556666:user/carol", "user"),
    ("arn:aws:sts::444455556666:assumed-role/ops/s2", "role-session"),
];

/// Actions with the resources they are asked on: (resource ARN, owning account).
const ACTIONS: [(&str, &[(&str, &str)]); 11] = [
    (
        "s3:GetObject",
        &[
            ("arn:aws:s3:::bucket-a/key1", ACCOUNT_A),
            ("arn:aws:s3:::bucket-a/home/alice/notes.txt", ACCOUNT_A),
            ("arn:aws:s3:::bucket-a/eng/report", ACCOUNT_A),
            ("arn:aws:s3:::bucket-b/key1", ACCOUNT_B),
        ],
    ),
    (
        "s3:PutObject",
        &[
            ("arn:aws:s3:::bucket-a/key1", ACCOUNT_A),
            ("arn:aws:s3:::bucket-a/home/bob/x", ACCOUNT_A),
            ("arn:aws:s3:::bucket-b/key1", ACCOUNT_B),
        ],
    ),
    ("s3:ListBucket", &[("arn:aws:s3:::bucket-a", ACCOUNT_A), ("arn:aws:s3:::bucket-b", ACCOUNT_B)]),
    (
        "sqs:SendMessage",
        &[
            ("arn:aws:sqs:us-east-1:111122223333:queue-a", ACCOUNT_A),
            ("arn:aws:sqs:us-east-1:111122223333:eng-queue", ACCOUNT_A),
            ("arn:aws:sqs:us-east-1:444455556666:queue-b", ACCOUNT_B),
        ],
    ),
    (
        "sns:Publish",
        &[
            ("arn:aws:sns:us-east-1:111122223333:topic-a", ACCOUNT_A),
            ("arn:aws:sns:eu-west-1:444455556666:topic-b", ACCOUNT_B),
        ],
    ),
    ("dynamodb:GetItem", &[("arn:aws:dynamodb:us-east-1:111122223333:table/t1", ACCOUNT_A)]),
    ("ec2:DescribeInstances", &[("*", "")]),
    (
        "iam:GetUser",
        &[("arn:aws:iam::111122223333:user/alice", ACCOUNT_A), ("arn:aws:iam::111122223333:user/bob", ACCOUNT_A)],
    ),
    ("iam:ListUsers", &[("*", "")]),
    ("kms:Decrypt", &[("arn:aws:kms:us-east-1:111122223333:key/k1", ACCOUNT_A)]),
    ("sts:AssumeRole", &[("arn:aws:iam::111122223333:role/target", ACCOUNT_A)]),
];

/// Actions that a statement may name instead of the request's.
const OTHER_ACTIONS: [&str; 7] = [
    "s3:DeleteObject",
    "sqs:ReceiveMessage",
    "sns:Subscribe",
    "ec2:RunInstances",
    "iam:CreateUser",
    "dynamodb:PutItem",
    "kms:Encrypt",
];

/// Resource patterns with policy variables (R4.2).
const VARIABLE_RESOURCES: [&str; 5] = [
    "arn:aws:s3:::bucket-a/home/${aws:username}/*",
    "arn:aws:s3:::bucket-a/${aws:PrincipalTag/team}/*",
    "arn:aws:sqs:us-east-1:111122223333:${aws:PrincipalTag/team}-queue",
    "arn:aws:iam::111122223333:user/${aws:username}",
    "arn:aws:s3:::bucket-a/${aws:PrincipalTag/team, 'key1'}",
];

/// `Principal` values of resource-based policies.
const RBP_PRINCIPALS: [&str; 13] = [
    "\"*\"",
    "{\"AWS\":\"*\"}",
    "{\"AWS\":\"111122223333\"}",
    "{\"AWS\":\"arn:aws:iam::111122223333:root\"}",
    "{\"AWS\":\"arn:aws:iam::111122223333:user/alice\"}",
    "{\"AWS\":\"arn:aws:iam::111122223333:role/dev\"}",
    "{\"AWS\":\"arn:aws:sts::111122223333:assumed-role/dev/s1\"}",
    "{\"AWS\":\"arn:aws:sts::111122223333:federated-user/fed\"}",
    "{\"AWS\":\"444455556666\"}",
    "{\"AWS\":\"arn:aws:iam::444455556666:user/carol\"}",
    "{\"AWS\":\"arn:aws:iam::444455556666:role/ops\"}",
    "{\"Service\":\"sns.amazonaws.com\"}",
    "{\"AWS\":[\"arn:aws:iam::111122223333:user/bob\",\"arn:aws:iam::444455556666:root\"]}",
];

/// The document AWS keeps attached at every RCP level.
fn rcp_full_aws_access() -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]})
}

/// The default SCP.
fn full_aws_access() -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
}

/// A small deterministic generator: splitmix64 to seed, xorshift64* to draw.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// The generator of case `index` under `seed`.
    pub fn for_case(seed: u64, index: u64) -> Rng {
        let mut z = seed.wrapping_add(index.wrapping_mul(0x9E37_79B9_7F4A_7C15)).wrapping_add(0x6A09_E667_F3BC_C909);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Rng(if z == 0 { 0x2545_F491_4F6C_DD1D } else { z })
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// True with the given percentage.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    /// One of `items` (the default value when empty).
    pub fn pick<T: Copy + Default>(&mut self, items: &[T]) -> T {
        items.get(self.below(items.len())).copied().unwrap_or_default()
    }

    /// A non-empty subset of `items`, as a JSON value: a bare string when one was
    /// drawn and `bare` allows it, else an array.
    fn subset(&mut self, items: &[&str], bare: bool) -> Value {
        let mut chosen: Vec<Value> =
            items.iter().filter(|_| self.chance(40)).map(|s| Value::String((*s).to_string())).collect();
        if chosen.is_empty() {
            chosen.push(Value::String(self.pick(items).to_string()));
        }
        match chosen.as_slice() {
            [one] if bare && self.chance(50) => one.clone(),
            _ => Value::Array(chosen),
        }
    }
}

fn version(rng: &mut Rng) -> Option<&'static str> {
    match rng.below(50) {
        0 | 1 => Some("2008-10-17"),
        2 | 3 => None,
        _ => Some("2012-10-17"),
    }
}

fn policy(rng: &mut Rng, statements: Vec<Value>) -> Value {
    let mut doc = Map::new();
    if let Some(v) = version(rng) {
        doc.insert("Version".to_string(), json!(v));
    }
    let statement = match statements.as_slice() {
        [one] if rng.chance(30) => one.clone(),
        _ => Value::Array(statements),
    };
    doc.insert("Statement".to_string(), statement);
    Value::Object(doc)
}

/// A pattern for the `Action` element that may or may not cover `action`.
fn action_pattern(rng: &mut Rng, action: &str) -> String {
    let (service, name) = action.split_once(':').unwrap_or((action, ""));
    match rng.below(12) {
        0..=3 => action.to_string(),
        4 => "*".to_string(),
        5 => format!("{service}:*"),
        6 => format!("{service}:{}*", name.get(..3).unwrap_or(name)),
        7 => action.to_uppercase(),
        8 => rng.pick(&OTHER_ACTIONS).to_string(),
        9 => format!("{service}:*{}", name.get(name.len().saturating_sub(4)..).unwrap_or(name)),
        10 => {
            let at = rng.below(name.len());
            let replaced: String = name.chars().enumerate().map(|(i, c)| if i == at { '?' } else { c }).collect();
            format!("{service}:{replaced}")
        }
        _ => action.to_lowercase(),
    }
}

fn action_element(rng: &mut Rng, action: &str) -> Value {
    if rng.chance(25) {
        let n = 2 + rng.below(2);
        Value::Array((0..n).map(|_| Value::String(action_pattern(rng, action))).collect())
    } else {
        Value::String(action_pattern(rng, action))
    }
}

/// Replaces ARN component `index` (0-based) of `arn` by `with`.
fn replace_component(arn: &str, index: usize, with: &str) -> String {
    let mut parts: Vec<&str> = arn.splitn(6, ':').collect();
    if let Some(p) = parts.get_mut(index) {
        if !p.is_empty() {
            *p = with;
        }
    }
    parts.join(":")
}

/// A pattern for the `Resource` element that may or may not cover `resource`.
fn resource_pattern(rng: &mut Rng, action: &str, resource: &str) -> String {
    if resource == "*" {
        return match rng.below(4) {
            0 => "arn:aws:ec2:*:111122223333:instance/*".to_string(),
            _ => "*".to_string(),
        };
    }
    let same_action: Vec<&str> =
        ACTIONS.iter().filter(|(a, _)| *a == action).flat_map(|(_, rs)| rs.iter().map(|(r, _)| *r)).collect();
    match rng.below(14) {
        0..=2 => resource.to_string(),
        3 => "*".to_string(),
        4 | 5 => {
            let keep = 8 + rng.below(resource.len().saturating_sub(8).max(1));
            format!("{}*", resource.get(..keep).unwrap_or(resource))
        }
        6 => replace_component(resource, 3, "*"),
        7 => replace_component(resource, 4, "*"),
        8 => {
            let start = resource.rfind([':', '/']).map_or(0, |i| i + 1);
            let at = start + rng.below(resource.len().saturating_sub(start));
            resource.chars().enumerate().map(|(i, c)| if i == at { '?' } else { c }).collect()
        }
        9 => rng.pick(&same_action).to_string(),
        10 | 11 => rng.pick(&VARIABLE_RESOURCES).to_string(),
        12 => {
            // The same ARN with the resource part in upper case (R2.7: case-sensitive).
            let start = resource.rfind([':', '/']).map_or(0, |i| i + 1);
            format!("{}{}", resource.get(..start).unwrap_or(""), resource.get(start..).unwrap_or("").to_uppercase())
        }
        _ => format!("{resource}/*"),
    }
}

fn resource_element(rng: &mut Rng, action: &str, resource: &str) -> Value {
    if rng.chance(20) {
        let n = 2 + rng.below(2);
        Value::Array((0..n).map(|_| Value::String(resource_pattern(rng, action, resource))).collect())
    } else {
        Value::String(resource_pattern(rng, action, resource))
    }
}

fn with_if_exists(rng: &mut Rng, op: &str) -> String {
    if rng.chance(25) {
        format!("{op}IfExists")
    } else {
        op.to_string()
    }
}

/// The operators of the shared generator's family (`crate::gen::FAMILIES`) that holds
/// `member`, so that both generators draw from one vocabulary.
fn family_operators(member: &str) -> &'static [&'static str] {
    crate::gen::FAMILIES
        .iter()
        .find(|f| f.operators.contains(&member))
        .map(|f| f.operators)
        .unwrap_or(&["StringEquals"])
}

/// One condition operator, key and values.
fn condition_entry(rng: &mut Rng) -> (String, String, Value) {
    match rng.below(12) {
        0 | 1 => {
            let op = rng.pick(family_operators("StringEquals"));
            let values = rng.subset(&["eng", "ops", "e*", "ENG", "${aws:username}", "${aws:PrincipalTag/team}"], true);
            (with_if_exists(rng, op), "aws:PrincipalTag/team".to_string(), values)
        }
        2 => {
            let op = rng.pick(&["StringEquals", "StringNotEquals", "StringLike"]);
            let (key, values): (&str, &[&str]) = match rng.below(3) {
                0 => ("aws:PrincipalAccount", &[ACCOUNT_A, ACCOUNT_B]),
                1 => ("aws:username", &["alice", "bob", "a*"]),
                _ => ("aws:PrincipalType", &["User", "AssumedRole", "FederatedUser", "Account"]),
            };
            (op.to_string(), key.to_string(), rng.subset(values, true))
        }
        3 => {
            let op = rng.pick(&["ArnLike", "ArnEquals", "ArnNotLike", "ArnNotEquals"]);
            let values = rng.subset(
                &[
                    "arn:aws:iam::111122223333:role/*",
                    "arn:aws:iam::111122223333:user/alice",
                    "arn:aws:iam::*:role/dev",
                    "arn:aws:iam::111122223333:*",
                    "arn:aws:sts::111122223333:assumed-role/dev/s1",
                ],
                true,
            );
            (with_if_exists(rng, op), "aws:PrincipalArn".to_string(), values)
        }
        4 => {
            let key = rng.pick(&["aws:SecureTransport", "aws:MultiFactorAuthPresent"]);
            let value = match rng.below(4) {
                0 => json!(true),
                1 => json!(false),
                2 => json!("true"),
                _ => json!("false"),
            };
            (with_if_exists(rng, "Bool"), key.to_string(), value)
        }
        5 => {
            let key = rng.pick(&["aws:PrincipalTag/team", "aws:MultiFactorAuthAge", "aws:SourceIp", "aws:TagKeys"]);
            ("Null".to_string(), key.to_string(), json!(if rng.chance(50) { "true" } else { "false" }))
        }
        6 => {
            let op = rng.pick(&[
                "NumericLessThan",
                "NumericGreaterThan",
                "NumericEquals",
                "NumericNotEquals",
                "NumericLessThanEquals",
            ]);
            let value = match rng.below(3) {
                0 => json!(3600),
                1 => json!("3600"),
                _ => json!("100"),
            };
            (with_if_exists(rng, op), "aws:MultiFactorAuthAge".to_string(), value)
        }
        7 => {
            let op =
                rng.pick(&["DateLessThan", "DateGreaterThan", "DateEquals", "DateNotEquals", "DateGreaterThanEquals"]);
            let values =
                rng.subset(&["2025-01-01T00:00:00Z", "1735689600", "2024-06-15T12:00:00Z", "2024-06-15"], true);
            (with_if_exists(rng, op), "aws:CurrentTime".to_string(), values)
        }
        8 => {
            let op = rng.pick(&["IpAddress", "NotIpAddress"]);
            let values = rng.subset(&["203.0.113.0/24", "198.51.100.7", "2001:db8::/32", "10.0.0.0/8"], true);
            (with_if_exists(rng, op), "aws:SourceIp".to_string(), values)
        }
        9 => {
            let op = rng.pick(&[
                "ForAnyValue:StringEquals",
                "ForAllValues:StringEquals",
                "ForAllValues:StringLike",
                "ForAnyValue:StringLike",
                "ForAllValues:StringNotEquals",
                "ForAnyValue:StringNotEquals",
            ]);
            (op.to_string(), "aws:TagKeys".to_string(), rng.subset(&["env", "team", "e*"], false))
        }
        10 => {
            let (op, key, values): (&str, &str, &[&str]) = match rng.below(3) {
                0 => (
                    rng.pick(&["StringEquals", "StringNotEquals", "StringLike"]),
                    "aws:RequestedRegion",
                    &["us-east-1", "eu-*"],
                ),
                1 => (rng.pick(&["StringEquals", "StringNotEquals"]), "aws:PrincipalOrgID", &["o-a1b2c3d4e5"]),
                _ => (rng.pick(&["StringEquals", "StringLike"]), "aws:PrincipalTag/Team", &["eng", "Eng"]),
            };
            (with_if_exists(rng, op), key.to_string(), rng.subset(values, true))
        }
        _ => {
            let op = rng.pick(&["NumericLessThan", "NumericGreaterThanEquals", "DateGreaterThan", "DateLessThan"]);
            (op.to_string(), "aws:EpochTime".to_string(), rng.subset(&["1718452800", "1700000000"], true))
        }
    }
}

fn condition(rng: &mut Rng) -> Value {
    let mut block = Map::new();
    for _ in 0..1 + rng.below(2) {
        let (op, key, values) = condition_entry(rng);
        if let Value::Object(keys) = block.entry(op).or_insert_with(|| json!({})) {
            keys.insert(key, values);
        }
    }
    Value::Object(block)
}

/// Which kind of policy a statement is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Identity,
    Resource,
    Scp,
    Rcp,
}

fn statement(rng: &mut Rng, kind: Kind, action: &str, resource: &str) -> Value {
    let allow = match kind {
        Kind::Rcp => false,
        Kind::Scp => rng.chance(50),
        _ => rng.chance(72),
    };
    let mut s = Map::new();
    s.insert("Effect".to_string(), json!(if allow { "Allow" } else { "Deny" }));
    match kind {
        Kind::Resource => {
            let principal: Value = serde_json::from_str(rng.pick(&RBP_PRINCIPALS)).unwrap_or(Value::Null);
            let name = if !allow && rng.chance(15) { "NotPrincipal" } else { "Principal" };
            // NotPrincipal "*" matches nobody and is refused by validators.
            if !(name == "NotPrincipal" && (principal == json!("*") || principal == json!({"AWS": "*"}))) {
                s.insert(name.to_string(), principal);
            } else {
                s.insert("Principal".to_string(), principal);
            }
        }
        Kind::Rcp => {
            s.insert("Principal".to_string(), json!("*"));
        }
        _ => {}
    }
    let action_value = match kind {
        // RCPs take neither NotAction nor "*" (R9.3).
        Kind::Rcp => {
            let (service, _) = action.split_once(':').unwrap_or((action, ""));
            if rng.chance(50) {
                json!(action)
            } else {
                json!(format!("{service}:*"))
            }
        }
        _ => action_element(rng, action),
    };
    let not_action = kind != Kind::Rcp && rng.chance(10);
    s.insert(if not_action { "NotAction" } else { "Action" }.to_string(), action_value);
    if kind != Kind::Resource || rng.chance(85) {
        let not_resource = rng.chance(8);
        s.insert(
            if not_resource { "NotResource" } else { "Resource" }.to_string(),
            resource_element(rng, action, resource),
        );
    }
    if rng.chance(40) {
        s.insert("Condition".to_string(), condition(rng));
    }
    Value::Object(s)
}

fn random_policy(rng: &mut Rng, kind: Kind, action: &str, resource: &str) -> Value {
    let n = 1 + rng.below(3);
    let statements = (0..n).map(|_| statement(rng, kind, action, resource)).collect();
    let mut doc = policy(rng, statements);
    if kind == Kind::Rcp {
        // RCPs must carry Version 2012-10-17 (R9.3).
        if let Value::Object(m) = &mut doc {
            m.insert("Version".to_string(), json!("2012-10-17"));
        }
    }
    doc
}

fn context(rng: &mut Rng) -> Map<String, Value> {
    let mut c = Map::new();
    let mut put = |rng: &mut Rng, percent: u64, key: &str, values: &[Value]| {
        if rng.chance(percent) {
            if let Some(v) = values.get(rng.below(values.len())) {
                c.insert(key.to_string(), v.clone());
            }
        }
    };
    put(rng, 50, "aws:PrincipalTag/team", &[json!("eng"), json!("ops"), json!("ENG")]);
    put(rng, 40, "aws:SecureTransport", &[json!(true), json!(false), json!("true")]);
    put(rng, 30, "aws:MultiFactorAuthPresent", &[json!(true), json!(false)]);
    put(rng, 25, "aws:MultiFactorAuthAge", &[json!(100), json!(7200), json!("3600")]);
    put(rng, 45, "aws:SourceIp", &[json!("203.0.113.5"), json!("198.51.100.7"), json!("2001:db8::1")]);
    put(rng, 35, "aws:CurrentTime", &[json!("2024-06-15T12:00:00Z"), json!("2025-06-15T12:00:00Z")]);
    put(rng, 15, "aws:EpochTime", &[json!(1718452800), json!(1700000000)]);
    put(rng, 30, "aws:TagKeys", &[json!([]), json!(["env"]), json!(["env", "team"]), json!(["other"])]);
    put(rng, 25, "aws:RequestedRegion", &[json!("us-east-1"), json!("eu-west-1")]);
    put(rng, 25, "aws:PrincipalOrgID", &[json!("o-a1b2c3d4e5"), json!("o-zzzzzzzzzz")]);
    c
}

/// Every how many cases one comes from the shared generators of [`crate::gen`]
/// (the others come from this module's own generator).
pub const SHARED_GENERATOR_EVERY: u64 = 4;

/// The `evaluate` step of random case `index` under `seed`: one case in
/// [`SHARED_GENERATOR_EVERY`] is a [`crate::gen::EvalModel`] read from random bytes
/// (wider vocabularies, more writing styles, actions and resources drawn apart), the
/// others come from [`generate_own_step`].
pub fn generate_step(seed: u64, index: u64) -> EvaluateStep {
    if index % SHARED_GENERATOR_EVERY == SHARED_GENERATOR_EVERY - 1 {
        let rng = &mut Rng::for_case(seed ^ 0x005e_ed0f_9e4e, index);
        let bytes: Vec<u8> = (0..384).map(|_| (rng.next_u64() >> 24) as u8).collect();
        crate::gen::from_bytes::<crate::gen::EvalModel>(&bytes).to_step()
    } else {
        generate_own_step(seed, index)
    }
}

/// The `evaluate` step of this module's own generator: actions paired with resources
/// of their type, session policies only for sessions, nothing for root but what root
/// can have.
pub fn generate_own_step(seed: u64, index: u64) -> EvaluateStep {
    let rng = &mut Rng::for_case(seed, index);
    let (principal, kind) = rng.pick(&PRINCIPALS);
    let (action, resources) = ACTIONS.get(rng.below(ACTIONS.len())).copied().unwrap_or(("s3:GetObject", &[]));
    let (resource, owner) = rng.pick(resources);
    let (action, resource) =
        if resource.is_empty() { ("s3:GetObject", "arn:aws:s3:::bucket-a/key1") } else { (action, resource) };
    let mut step = EvaluateStep {
        principal: principal.to_string(),
        action: action.to_string(),
        resource: resource.to_string(),
        resource_account: (!owner.is_empty()).then(|| owner.to_string()),
        context: context(rng),
        ..EvaluateStep::default()
    };
    // Root has no identity policies and no boundary (R6.1).
    if kind != "root" {
        let n = match rng.below(10) {
            0 => 0,
            1..=6 => 1,
            _ => 2,
        };
        step.identity_policies = (0..n).map(|_| random_policy(rng, Kind::Identity, action, resource)).collect();
        if rng.chance(25) {
            step.permissions_boundary = Some(random_policy(rng, Kind::Identity, action, resource));
        }
    }
    if resource != "*" && rng.chance(45) {
        step.resource_policy = Some(random_policy(rng, Kind::Resource, action, resource));
    }
    let session_percent = match kind {
        "role-session" => 35,
        "federated-user" => 75,
        _ => 0,
    };
    if rng.chance(session_percent) {
        let n = 1 + rng.below(2);
        step.session_policies = Some((0..n).map(|_| random_policy(rng, Kind::Identity, action, resource)).collect());
    }
    if rng.chance(25) {
        let levels = 1 + rng.below(3);
        step.scps = Some(
            (0..levels)
                .map(|_| {
                    if rng.chance(70) {
                        let mut level = vec![full_aws_access()];
                        if rng.chance(30) {
                            level.push(random_policy(rng, Kind::Scp, action, resource));
                        }
                        level
                    } else {
                        vec![random_policy(rng, Kind::Scp, action, resource)]
                    }
                })
                .collect(),
        );
    }
    if rng.chance(15) {
        let levels = 1 + rng.below(2);
        step.rcps = Some(
            (0..levels)
                .map(|_| {
                    let mut level = vec![random_policy(rng, Kind::Rcp, action, resource)];
                    if rng.chance(20) {
                        level.insert(0, rcp_full_aws_access());
                    }
                    level
                })
                .collect(),
        );
    }
    step
}

/// Random case `index` under `seed`: one `evaluate` step.
pub fn generate_case(seed: u64, index: u64) -> Case {
    case_of(
        generate_step(seed, index),
        format!("random case {index} of seed {seed}"),
        vec![format!("regression:diff-seed{seed}-case{index}")],
    )
}

fn case_of(step: EvaluateStep, description: String, sources: Vec<String>) -> Case {
    Case { description, sources, tags: Vec::new(), world: None, steps: vec![Step::new(Action::Evaluate(step))] }
}

// ---------------------------------------------------------------------------------
// Deciding and comparing

/// One side's answer to a case.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Answer {
    /// A decision and the policy type it names.
    Decided { decision: String, denied_by: Option<String> },
    /// The implementation skipped the step (it cannot express it).
    Skipped(String),
    /// Something broke.
    Errored(String),
}

impl Answer {
    fn show(&self) -> String {
        match self {
            Answer::Decided { decision, denied_by: Some(by) } => format!("{decision} ({by})"),
            Answer::Decided { decision, denied_by: None } => decision.clone(),
            Answer::Skipped(why) => format!("skipped: {why}"),
            Answer::Errored(why) => format!("errored: {why}"),
        }
    }
}

fn first_result(results: Vec<crate::case::StepResult>) -> Answer {
    match results.into_iter().next() {
        None => Answer::Errored("no step result".to_string()),
        Some(r) if r.skipped == Some(true) => Answer::Skipped(r.detail.unwrap_or_default()),
        Some(r) => match r.fields.decision {
            Some(decision) => Answer::Decided { decision, denied_by: r.fields.denied_by },
            None => Answer::Errored(format!(
                "no decision in the result{}",
                r.detail.map(|d| format!(": {d}")).unwrap_or_default()
            )),
        },
    }
}

fn oracle(case: &Case) -> Answer {
    match crate::reference::run_case(case, false) {
        Ok(steps) => first_result(steps.into_iter().map(|s| s.result).collect()),
        Err(e) => Answer::Errored(e),
    }
}

fn other(imp: &mut dyn Implementation, case: &Case) -> Answer {
    match imp.run(case) {
        CaseOutcome::Results(results) => first_result(results),
        CaseOutcome::Skipped(why) => Answer::Skipped(why),
        CaseOutcome::Errored(why) => Answer::Errored(why),
    }
}

/// How the two answers relate.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    Agree,
    /// Different decisions.
    Decision {
        oracle: Answer,
        other: Answer,
    },
    /// The same deny, attributed to different policy types.
    DeniedBy {
        oracle: Answer,
        other: Answer,
    },
    Skipped(String),
    Errored(String),
}

fn compare(ours: Answer, theirs: Answer) -> Verdict {
    match (&ours, &theirs) {
        (Answer::Errored(e), _) => Verdict::Errored(format!("oracle: {e}")),
        (_, Answer::Errored(e)) => Verdict::Errored(e.clone()),
        (_, Answer::Skipped(why)) => Verdict::Skipped(why.clone()),
        (Answer::Skipped(_), _) => Verdict::Errored("the oracle skipped".to_string()),
        (Answer::Decided { decision: a, denied_by: ab }, Answer::Decided { decision: b, denied_by: bb }) => {
            if a != b {
                Verdict::Decision { oracle: ours, other: theirs }
            } else if a != "allowed" && bb.is_some() && ab != bb {
                Verdict::DeniedBy { oracle: ours, other: theirs }
            } else {
                Verdict::Agree
            }
        }
    }
}

// ---------------------------------------------------------------------------------
// Shrinking

/// Candidate simplifications of `v`: every object key removed in turn (but the
/// protected ones) and every element of an array of two or more removed in turn;
/// shallow ones first.
fn candidates(v: &Value) -> Vec<Value> {
    const PROTECTED: [&str; 6] = ["principal", "action", "resource", "Effect", "Statement", "Version"];
    let mut out: Vec<(usize, Value)> = Vec::new();
    fn walk(v: &Value, depth: usize, rebuild: &dyn Fn(Value) -> Value, out: &mut Vec<(usize, Value)>) {
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    if !PROTECTED.contains(&k.as_str()) {
                        let mut smaller = map.clone();
                        smaller.remove(k);
                        out.push((depth, rebuild(Value::Object(smaller))));
                    }
                    let key = k.clone();
                    let map2 = map.clone();
                    let inner = move |new_child: Value| {
                        let mut m = map2.clone();
                        m.insert(key.clone(), new_child);
                        rebuild(Value::Object(m))
                    };
                    walk(child, depth + 1, &inner, out);
                }
            }
            Value::Array(items) => {
                for i in 0..items.len() {
                    if items.len() > 1 {
                        let mut smaller = items.clone();
                        smaller.remove(i);
                        out.push((depth, rebuild(Value::Array(smaller))));
                    }
                    if let Some(child) = items.get(i) {
                        let items2 = items.clone();
                        let inner = move |new_child: Value| {
                            let mut its = items2.clone();
                            if let Some(slot) = its.get_mut(i) {
                                *slot = new_child;
                            }
                            rebuild(Value::Array(its))
                        };
                        walk(child, depth + 1, &inner, out);
                    }
                }
            }
            _ => {}
        }
    }
    walk(v, 0, &|x| x, &mut out);
    out.sort_by_key(|(depth, _)| *depth);
    out.into_iter().map(|(_, v)| v).collect()
}

/// The most implementation calls one shrink may make.
const SHRINK_BUDGET: usize = 400;

/// Shrinks `step` greedily while the disagreement keeps the same answers on both
/// sides. Returns the smallest step found and the implementation calls made.
fn shrink(imp: &mut dyn Implementation, step: &EvaluateStep, target: &Verdict) -> (EvaluateStep, usize) {
    let mut best = step.clone();
    let mut calls = 0;
    let Ok(mut current) = serde_json::to_value(step) else { return (best, calls) };
    'outer: loop {
        for candidate in candidates(&current) {
            if calls >= SHRINK_BUDGET {
                break 'outer;
            }
            let Ok(small) = serde_json::from_value::<EvaluateStep>(candidate.clone()) else { continue };
            let case = case_of(small.clone(), String::new(), vec!["regression:shrink".to_string()]);
            let ours = oracle(&case);
            if !matches!(ours, Answer::Decided { .. }) {
                continue;
            }
            calls += 1;
            let theirs = other(imp, &case);
            if compare(ours, theirs) == *target {
                best = small;
                current = candidate;
                continue 'outer;
            }
        }
        break;
    }
    (best, calls)
}

// ---------------------------------------------------------------------------------
// Classifying

fn collect_policies(step: &EvaluateStep) -> Vec<(&'static str, &Value)> {
    let mut out: Vec<(&'static str, &Value)> = step.identity_policies.iter().map(|p| ("identity", p)).collect();
    out.extend(step.resource_policy.iter().map(|p| ("resource", p)));
    out.extend(step.permissions_boundary.iter().map(|p| ("boundary", p)));
    out.extend(step.session_policies.iter().flatten().map(|p| ("session", p)));
    out.extend(step.scps.iter().flatten().flatten().map(|p| ("scp", p)));
    out.extend(step.rcps.iter().flatten().flatten().map(|p| ("rcp", p)));
    out
}

fn statements(policy: &Value) -> Vec<&Value> {
    match policy.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one) => vec![one],
        None => Vec::new(),
    }
}

/// Features of a (shrunk) step that name its disagreement class.
fn features(step: &EvaluateStep) -> BTreeSet<String> {
    let mut f = BTreeSet::new();
    let p = &step.principal;
    let kind = if p.ends_with(":root") {
        "root"
    } else if p.contains(":user/") {
        "user"
    } else if p.contains(":assumed-role/") {
        "role-session"
    } else if p.contains(":federated-user/") {
        "federated-user"
    } else if p.ends_with(".amazonaws.com") {
        "service"
    } else {
        "other"
    };
    f.insert(format!("caller:{kind}"));
    let caller_account = step.principal.split(':').nth(4).unwrap_or("");
    let resource_account = step.resource_account.as_deref().unwrap_or(caller_account);
    if caller_account != resource_account {
        f.insert("cross-account".to_string());
    }
    let service = step.action.split(':').next().unwrap_or("").to_ascii_lowercase();
    // Services with rules of their own: the key policy and the trust policy (R7.7).
    if service == "kms" || service == "sts" {
        f.insert(format!("service:{service}"));
    }
    if step.rcps.is_some() {
        let covered = iam_evaluator::evaluate::RCP_SERVICES.contains(&service.as_str());
        f.insert(format!("rcp-service:{}", if covered { "covered" } else { "not-covered" }));
    }
    if step.resource == "*" {
        f.insert("resource:none".to_string());
    }
    for (layer, p) in collect_policies(step) {
        f.insert(format!("policy:{layer}"));
        // The Version matters only to variables (R4.8).
        if p.to_string().contains("${") {
            match p.get("Version").and_then(Value::as_str) {
                Some("2012-10-17") => {}
                Some(v) => {
                    f.insert(format!("version:{v}"));
                }
                None => {
                    f.insert("version:absent".to_string());
                }
            }
        }
        for s in statements(p) {
            let Some(s) = s.as_object() else { continue };
            for element in ["NotAction", "NotResource", "NotPrincipal"] {
                if s.contains_key(element) {
                    f.insert(format!("element:{element}"));
                }
            }
            if let Some(principal) = s.get("Principal").or_else(|| s.get("NotPrincipal")) {
                f.insert(format!("principal:{}", principal_form(principal)));
            }
            let text = Value::Object(s.clone()).to_string();
            if text.contains("${") {
                f.insert("variable".to_string());
            }
            if let Some(Value::Object(cond)) = s.get("Condition") {
                for (op, keys) in cond {
                    if let Some(keys) = keys.as_object() {
                        for key in keys.keys() {
                            f.insert(format!("condition:{op}:{key}"));
                        }
                    }
                }
            }
            for element in ["Action", "NotAction"] {
                if let Some(a) = s.get(element) {
                    let text = a.to_string();
                    if text.contains('?') {
                        f.insert("action:question-mark".to_string());
                    }
                }
            }
            for element in ["Resource", "NotResource"] {
                if let Some(r) = s.get(element) {
                    let text = r.to_string();
                    if text.contains('?') {
                        f.insert("resource:question-mark".to_string());
                    }
                    let patterns: Vec<&str> = match r {
                        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
                        other => other.as_str().into_iter().collect(),
                    };
                    for p in patterns {
                        // Fewer than six ARN components: undocumented (U8).
                        if p != "*" && p.splitn(6, ':').count() < 6 {
                            f.insert("resource:short-arn".to_string());
                        }
                    }
                }
            }
        }
    }
    for key in step.context.keys() {
        f.insert(format!("context:{key}"));
    }
    f
}

fn principal_form(p: &Value) -> String {
    let one = |id: &str| -> &'static str {
        if id == "*" {
            "wildcard"
        } else if id.len() == 12 || id.ends_with(":root") {
            "account"
        } else if id.contains(":assumed-role/") {
            "session"
        } else if id.contains(":role/") {
            "role"
        } else if id.contains(":federated-user/") {
            "federated-user"
        } else if id.contains(":user/") {
            "user"
        } else {
            "other"
        }
    };
    match p {
        Value::String(s) => one(s).to_string(),
        Value::Object(m) => {
            let mut forms: Vec<String> = Vec::new();
            for (kind, ids) in m {
                if kind != "AWS" {
                    forms.push(kind.to_lowercase());
                    continue;
                }
                match ids {
                    Value::Array(items) => {
                        forms.extend(items.iter().filter_map(Value::as_str).map(|s| one(s).to_string()))
                    }
                    Value::String(s) => forms.push(one(s).to_string()),
                    _ => {}
                }
            }
            forms.sort();
            forms.dedup();
            forms.join("+")
        }
        _ => "other".to_string(),
    }
}

/// One class of disagreement.
#[derive(Debug, Default)]
struct Class {
    count: u64,
    files: Vec<String>,
    seen: BTreeSet<String>,
}

fn slug(text: &str) -> String {
    let s: String =
        text.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let mut out = String::new();
    for part in s.split('-').filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(part);
    }
    out.chars().take(80).collect()
}

/// How many example files are written per class.
const EXAMPLES_PER_CLASS: usize = 3;

/// Runs `cases` random cases from `seed` against `command`; writes disagreements
/// into `out_dir`. Returns true when no disagreement was found.
pub fn run(command: &str, cases: u64, seed: u64, out_dir: &Path) -> Result<bool, String> {
    let mut imp = External::start(command, Duration::from_secs(20))?;
    if !imp.supports().iter().any(|s| s == "evaluate") {
        return Err(format!("\"{command}\" does not support evaluate steps"));
    }
    let name = imp.info().name;
    std::fs::create_dir_all(out_dir).map_err(|e| format!("{}: {e}", out_dir.display()))?;

    let mut agreements = 0u64;
    let mut decision_disagreements = 0u64;
    let mut denied_by_disagreements = 0u64;
    let mut skipped: BTreeMap<String, u64> = BTreeMap::new();
    let mut errored: BTreeMap<String, u64> = BTreeMap::new();
    let mut classes: BTreeMap<String, Class> = BTreeMap::new();
    let mut by_pair: BTreeMap<String, u64> = BTreeMap::new();
    let mut oracle_time = Duration::ZERO;
    let mut other_time = Duration::ZERO;
    let mut shrink_calls = 0usize;
    let started = Instant::now();

    for index in 0..cases {
        let case = generate_case(seed, index);
        let t = Instant::now();
        let ours = oracle(&case);
        oracle_time += t.elapsed();
        let t = Instant::now();
        let theirs = other(&mut imp, &case);
        other_time += t.elapsed();
        let verdict = compare(ours, theirs);
        match &verdict {
            Verdict::Agree => agreements += 1,
            Verdict::Skipped(why) => *skipped.entry(first_words(why)).or_default() += 1,
            Verdict::Errored(why) => *errored.entry(first_words(why)).or_default() += 1,
            Verdict::Decision { oracle: o, other: x } | Verdict::DeniedBy { oracle: o, other: x } => {
                let is_decision = matches!(verdict, Verdict::Decision { .. });
                if is_decision {
                    decision_disagreements += 1;
                } else {
                    denied_by_disagreements += 1;
                }
                let pair = format!(
                    "{} | oracle {} | {name} {}",
                    if is_decision { "decision" } else { "deniedBy" },
                    o.show(),
                    x.show()
                );
                *by_pair.entry(pair.clone()).or_default() += 1;
                let Some(step) = case.steps.first().and_then(|s| s.evaluate().cloned()) else { continue };
                let (small, calls) = shrink(&mut imp, &step, &verdict);
                shrink_calls += calls;
                let feats: Vec<String> = features(&small).into_iter().filter(|f| !f.starts_with("context:")).collect();
                let key = format!("{pair} | {}", feats.join(" "));
                let class = classes.entry(key.clone()).or_default();
                class.count += 1;
                let canonical = serde_json::to_string(&small).unwrap_or_default();
                if class.files.len() < EXAMPLES_PER_CLASS && class.seen.insert(canonical) {
                    let file = write_disagreement(out_dir, &name, seed, index, small, o, x, is_decision)?;
                    class.files.push(file);
                }
            }
        }
        if (index + 1) % 10_000 == 0 {
            eprintln!(
                "diff: {} cases, {} disagreements, {:.0} cases/s",
                index + 1,
                decision_disagreements + denied_by_disagreements,
                (index + 1) as f64 / started.elapsed().as_secs_f64()
            );
        }
    }

    let total = started.elapsed();
    let skipped_total: u64 = skipped.values().sum();
    let errored_total: u64 = errored.values().sum();
    println!("implementation: {name}");
    println!("random cases run: {cases} (seed {seed})");
    println!("agreements: {agreements}");
    println!("disagreements on the decision: {decision_disagreements}");
    println!("disagreements on deniedBy only: {denied_by_disagreements}");
    println!("skipped by the implementation: {skipped_total}");
    for (why, n) in &skipped {
        println!("  {n:>8}  {why}");
    }
    println!("errored: {errored_total}");
    for (why, n) in &errored {
        println!("  {n:>8}  {why}");
    }
    println!("\ndisagreements by answers:");
    for (pair, n) in &by_pair {
        println!("  {n:>8}  {pair}");
    }
    println!("\ndisagreement classes after shrinking ({}):", classes.len());
    let mut sorted: Vec<(&String, &Class)> = classes.iter().collect();
    sorted.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(b.0)));
    for (key, class) in &sorted {
        println!("  {:>8}  {key}", class.count);
        for f in &class.files {
            println!("            {f}");
        }
    }
    let rate = |n: u64, d: Duration| if d.as_secs_f64() > 0.0 { n as f64 / d.as_secs_f64() } else { 0.0 };
    println!("\ntime: {:.1} s in all, {shrink_calls} extra implementation calls while shrinking", total.as_secs_f64());
    println!("oracle in process: {:.0} cases/s (case parsing included)", rate(cases, oracle_time));
    println!("{name} through the protocol: {:.0} cases/s (first pass only)", rate(cases, other_time));

    let summary = json!({
        "implementation": imp.info(),
        "seed": seed,
        "cases": cases,
        "agreements": agreements,
        "decisionDisagreements": decision_disagreements,
        "deniedByDisagreements": denied_by_disagreements,
        "skipped": skipped,
        "errored": errored,
        "byAnswers": by_pair,
        "classes": sorted.iter().map(|(k, c)| json!({"class": k, "count": c.count, "examples": c.files})).collect::<Vec<_>>(),
        "seconds": {"total": total.as_secs_f64(), "oracle": oracle_time.as_secs_f64(), "implementation": other_time.as_secs_f64()},
        "casesPerSecond": {"oracle": rate(cases, oracle_time), "implementation": rate(cases, other_time)},
    });
    let summary_path = out_dir.join("summary.json");
    let text = serde_json::to_string_pretty(&summary).map_err(|e| e.to_string())?;
    std::fs::write(&summary_path, text + "\n").map_err(|e| format!("{}: {e}", summary_path.display()))?;
    Ok(decision_disagreements == 0 && denied_by_disagreements == 0)
}

fn first_words(text: &str) -> String {
    text.chars().take(100).collect()
}

#[allow(clippy::too_many_arguments)]
fn write_disagreement(
    out_dir: &Path,
    name: &str,
    seed: u64,
    index: u64,
    step: EvaluateStep,
    ours: &Answer,
    theirs: &Answer,
    is_decision: bool,
) -> Result<String, String> {
    let expect = match ours {
        Answer::Decided { decision, denied_by } => {
            Expect { decision: Some(decision.clone()), denied_by: denied_by.clone(), ..Expect::default() }
        }
        _ => Expect::default(),
    };
    let mut tags = vec!["diff".to_string(), "unadjudicated".to_string()];
    tags.extend(features(&step));
    let mut case = case_of(
        step,
        format!(
            "NOT ADJUDICATED. Random case {index} of seed {seed}, shrunk: the oracle (iam-evaluator) answers {}, {name} answers {}. \
             expect holds the oracle's answer, which is not truth: adjudicate against the AWS documentation before moving it into corpus/.",
            ours.show(),
            theirs.show()
        ),
        vec![format!("regression:diff-seed{seed}-case{index}")],
    );
    case.tags = tags;
    if let Some(s) = case.steps.first_mut() {
        s.expect = expect;
    }
    let what = if is_decision { "decision" } else { "denied-by" };
    let file = out_dir.join(format!(
        "seed{seed}-case{index:07}-{what}-{}.json",
        slug(&format!("{}-vs-{}", ours.show(), theirs.show()))
    ));
    let text = serde_json::to_string_pretty(&case).map_err(|e| e.to_string())?;
    std::fs::write(&file, text + "\n").map_err(|e| format!("{}: {e}", file.display()))?;
    Ok(file.display().to_string())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn generation_is_deterministic() {
        assert_eq!(generate_case(7, 123), generate_case(7, 123));
        assert_ne!(generate_case(7, 123), generate_case(7, 124));
        assert_ne!(generate_case(7, 123), generate_case(8, 123));
    }

    #[test]
    fn the_oracle_decides_every_generated_case() {
        for i in 0..3000 {
            let case = generate_case(1, i);
            match oracle(&case) {
                Answer::Decided { .. } => {}
                other => panic!("case {i}: {other:?}\n{}", serde_json::to_string_pretty(&case).unwrap()),
            }
        }
    }

    #[test]
    fn generated_cases_are_valid_case_files() {
        for i in 0..200 {
            let text = serde_json::to_string(&generate_case(3, i)).unwrap();
            crate::runner::parse_case(&text).unwrap();
        }
    }

    #[test]
    fn outcomes_are_mixed() {
        let mut seen = BTreeSet::new();
        for i in 0..2000 {
            if let Answer::Decided { decision, .. } = oracle(&generate_case(5, i)) {
                seen.insert(decision);
            }
        }
        assert_eq!(seen.len(), 3, "{seen:?}");
    }

    #[test]
    fn candidates_remove_keys_and_elements() {
        let v = json!({"principal": "p", "a": [1, 2], "b": {"c": 1}});
        let c = candidates(&v);
        assert!(c.contains(&json!({"principal": "p", "b": {"c": 1}})));
        assert!(c.contains(&json!({"principal": "p", "a": [2], "b": {"c": 1}})));
        assert!(c.contains(&json!({"principal": "p", "a": [1, 2], "b": {}})));
        assert!(!c.iter().any(|x| x.get("principal").is_none()));
    }

    #[test]
    fn self_comparison_agrees() {
        let case = generate_case(9, 1);
        assert_eq!(compare(oracle(&case), oracle(&case)), Verdict::Agree);
    }
}
