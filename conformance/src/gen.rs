//! Generators of policies, requests, policy sets and worlds over small vocabularies,
//! so that random statements and random requests actually match one another.
//!
//! # One source of generation
//!
//! The model is plain data: small integers that index fixed vocabularies (a *choice
//! index*, read modulo the vocabulary's length when the model is rendered), booleans,
//! [`Sometimes`] options and bounded lists ([`Few`]). `arbitrary::Arbitrary` is derived
//! on every model type, and that derivation is the only definition of how inputs are
//! drawn:
//!
//! - a fuzz target turns its bytes into a model with [`from_bytes`];
//! - the proptest strategy [`strategy`] is a byte vector mapped through the very same
//!   [`from_bytes`].
//!
//! Shrinking works on the bytes. Deleting bytes or lowering them towards zero shrinks
//! the model, because every choice is laid out so that zero is the simplest one: an
//! exhausted input reads as zero, which is the first vocabulary entry, `Allow`, "no
//! condition", `None` and the empty list.
//!
//! # From model to evaluator types
//!
//! A model is rendered to policy JSON ([`serde_json::Value`]) and to the case
//! format's steps and worlds ([`crate::case`]); the evaluator's types are built only by
//! parsing that text with the real parser ([`crate::reference::evaluate_inputs`],
//! [`crate::world_load::load_world`]). Printing and parsing are therefore exercised by
//! every generated input, and every failing input can be written out as a case file.

use std::collections::BTreeMap;

use arbitrary::{Arbitrary, Unstructured};
use iam_evaluator::PolicyType;
use proptest::strategy::{BoxedStrategy, Strategy};
use serde_json::{json, Map, Value};

use crate::case;

// ---------------------------------------------------------------------------------
// The generation machinery
// ---------------------------------------------------------------------------------

/// A list of at most `MAX` items; its length is drawn uniformly from `0..=MAX`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Few<T, const MAX: usize>(pub Vec<T>);

impl<'a, T: Arbitrary<'a>, const MAX: usize> Arbitrary<'a> for Few<T, MAX> {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let n = u.int_in_range(0..=MAX)?;
        let mut items = Vec::with_capacity(n);
        for _ in 0..n {
            items.push(T::arbitrary(u)?);
        }
        Ok(Few(items))
    }
}

impl<'f, T, const MAX: usize> IntoIterator for &'f Few<T, MAX> {
    type Item = &'f T;
    type IntoIter = std::slice::Iter<'f, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<T, const MAX: usize> Few<T, MAX> {
    /// The items.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }
}

/// An optional value present one time in three; a zero byte reads as `None`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sometimes<T>(pub Option<T>);

impl<'a, T: Arbitrary<'a>> Arbitrary<'a> for Sometimes<T> {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let b = u8::arbitrary(u)?;
        if b % 3 == 1 {
            Ok(Sometimes(Some(T::arbitrary(u)?)))
        } else {
            Ok(Sometimes(None))
        }
    }
}

/// Reads a model from fuzzer or proptest bytes. Every model type reads any input
/// (exhausted input reads as zero), so this never fails; a reading error would give
/// the default model.
pub fn from_bytes<T: for<'a> Arbitrary<'a> + Default>(bytes: &[u8]) -> T {
    let mut u = Unstructured::new(bytes);
    T::arbitrary(&mut u).unwrap_or_default()
}

/// The proptest strategy for a model: up to `max_bytes` random bytes read with
/// [`from_bytes`]. Shrinks by deleting bytes and lowering them towards zero.
pub fn strategy<T>(max_bytes: usize) -> BoxedStrategy<T>
where
    T: for<'a> Arbitrary<'a> + Default + std::fmt::Debug + 'static,
{
    proptest::collection::vec(proptest::arbitrary::any::<u8>(), 0..=max_bytes)
        .prop_map(|bytes| from_bytes::<T>(&bytes))
        .boxed()
}

/// The model bytes of random case `index` under `seed`, for tools that name cases by
/// seed and number (`iam-conformance diff`): case `i` of seed `s` is always the same,
/// whatever the number of cases asked for. splitmix64 seeds, xorshift64* draws.
pub fn seeded_bytes(seed: u64, index: u64, len: usize) -> Vec<u8> {
    let mut z = seed.wrapping_add(index.wrapping_mul(0x9E37_79B9_7F4A_7C15)).wrapping_add(0x6A09_E667_F3BC_C909);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    let mut x = if z == 0 { 0x2545_F491_4F6C_DD1D } else { z };
    (0..len)
        .map(|_| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
        })
        .collect()
}

/// The entry `i` (modulo the length) of a vocabulary.
pub fn pick<'v>(vocabulary: &[&'v str], i: u8) -> &'v str {
    let n = vocabulary.len().max(1);
    vocabulary.get(usize::from(i) % n).copied().unwrap_or("")
}

/// Rewrites the letter case of `text`: 0 keeps it, 1 lower-cases, 2 upper-cases, 3
/// alternates.
pub fn letter_case(text: &str, mode: u8) -> String {
    match mode % 4 {
        0 => text.to_string(),
        1 => text.to_ascii_lowercase(),
        2 => text.to_ascii_uppercase(),
        _ => text
            .chars()
            .enumerate()
            .map(|(i, c)| if i % 2 == 0 { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() })
            .collect(),
    }
}

/// A case mode that keeps the text as written three times in four.
fn mostly_as_written(c: u8) -> u8 {
    if c % 4 == 3 {
        1 + (c / 4) % 3
    } else {
        0
    }
}

// ---------------------------------------------------------------------------------
// Vocabularies
// ---------------------------------------------------------------------------------

/// The organization's member account where most things live.
pub const ACCOUNT_A: &str = "111122223333";
/// A second member account, for cross-account requests.
pub const ACCOUNT_B: &str = "444455556666";
/// An account outside the organization.
pub const ACCOUNT_C: &str = "777788889999";

/// Request callers: users (one with a path), role sessions, root, a federated user, a
/// service principal, and callers of the other accounts.
pub const CALLERS: [&str; 10] = [
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:iam::111122223333:user/team/bob",
    "arn:aws:sts::111122223333:assumed-role/dev/s1",
    "arn:aws:sts::111122223333:assumed-role/admin/s2",
    "arn:aws:iam::111122223333:root",
    "arn:aws:sts::111122223333:federated-user/fed",
    "arn:aws:iam::444455556666:user/carol",
    "arn:aws:sts::444455556666:assumed-role/dev/s1",
    "cloudtrail.amazonaws.com",
    "arn:aws:iam::777788889999:user/mallory",
];

/// Actions requests ask for, as AWS spells them.
pub const ACTIONS: [&str; 13] = [
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "s3:PutBucketPolicy",
    "ec2:DescribeRegions",
    "ec2:DescribeVpcs",
    "iam:CreateUser",
    "iam:ListUsers",
    "sns:CreateTopic",
    "sqs:SendMessage",
    "sts:AssumeRole",
    "sts:TagSession",
    "sts:GetCallerIdentity",
];

/// Wildcard action patterns over [`ACTIONS`].
pub const ACTION_PATTERNS: [&str; 13] = [
    "*",
    "s3:*",
    "s3:Get*",
    "s3:*Object",
    "s3:?etObject",
    "ec2:Describe*",
    "iam:List*",
    "iam:*",
    "sns:*",
    "sqs:*",
    "sts:*",
    "s3:List*",
    "sts:Get*",
];

/// The actions of a role trust policy.
pub const TRUST_ACTIONS: [&str; 5] = ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity", "sts:*", "*"];

/// Resources requests name: S3 buckets and objects, IAM users and roles, topics,
/// queues, and `*` for actions without a resource.
pub const RESOURCES: [&str; 14] = [
    "arn:aws:s3:::bucket-a",
    "arn:aws:s3:::bucket-a/alice/report.txt",
    "arn:aws:s3:::bucket-a/team/bob/data",
    "arn:aws:s3:::bucket-b/key",
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:iam::111122223333:role/dev",
    "arn:aws:iam::111122223333:role/ops/admin",
    "arn:aws:iam::111122223333:role/chain",
    "arn:aws:iam::444455556666:role/dev",
    "arn:aws:sns:us-east-1:111122223333:topic",
    "arn:aws:sns:us-east-1:444455556666:topic",
    "arn:aws:sqs:us-east-1:111122223333:queue",
    "*",
    "arn:aws:s3:::bucket-a/alice",
];

/// Wildcard and variable resource patterns over [`RESOURCES`].
pub const RESOURCE_PATTERNS: [&str; 16] = [
    "*",
    "arn:aws:s3:::bucket-a/*",
    "arn:aws:s3:::bucket-?/*",
    "arn:aws:s3:::*",
    "arn:aws:s3:::bucket-a/${aws:username}/*",
    "arn:aws:s3:::bucket-a/${aws:PrincipalTag/team, 'alice'}/*",
    "arn:aws:iam::111122223333:user/*",
    "arn:aws:iam::*:role/dev",
    "arn:aws:iam::111122223333:role/*",
    "arn:aws:sns:*:111122223333:*",
    "arn:aws:sqs:*:*:queue",
    "arn:aws:*:*:111122223333:*",
    "arn:aws:s3:::bucket-a/${aws:username}",
    "arn:aws:iam::${aws:PrincipalAccount}:role/dev",
    "arn:aws:s3:::bucket-a/*/report.txt",
    "arn:aws:iam::111122223333:user/${aws:username}",
];

/// `Principal` identifiers, by principal type.
pub const PRINCIPAL_IDS: [(&str, &str); 16] = [
    ("AWS", "111122223333"),
    ("AWS", "arn:aws:iam::111122223333:root"),
    ("AWS", "arn:aws:iam::111122223333:user/alice"),
    ("AWS", "arn:aws:iam::111122223333:user/team/bob"),
    ("AWS", "arn:aws:iam::111122223333:role/dev"),
    ("AWS", "arn:aws:iam::111122223333:role/ops/admin"),
    ("AWS", "arn:aws:sts::111122223333:assumed-role/dev/s1"),
    ("AWS", "arn:aws:sts::111122223333:federated-user/fed"),
    ("AWS", "*"),
    ("AWS", "444455556666"),
    ("AWS", "arn:aws:iam::444455556666:user/carol"),
    ("AWS", "arn:aws:iam::444455556666:role/dev"),
    ("Service", "cloudtrail.amazonaws.com"),
    ("Federated", "arn:aws:iam::111122223333:saml-provider/idp"),
    ("AWS", "arn:aws:iam::111122223333:role/chain"),
    ("AWS", "arn:aws:sts::111122223333:assumed-role/chain/s1"),
];

/// `Principal` identifiers of role trust policies: the callers of generated worlds.
pub const TRUST_PRINCIPAL_IDS: [&str; 14] = [
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:iam::111122223333:role/dev",
    "111122223333",
    "arn:aws:iam::111122223333:user/team/bob",
    "arn:aws:iam::111122223333:role/chain",
    "arn:aws:iam::444455556666:user/carol",
    "arn:aws:iam::111122223333:root",
    "arn:aws:iam::111122223333:role/ops/admin",
    "arn:aws:sts::111122223333:assumed-role/dev/s1",
    "444455556666",
    "arn:aws:iam::444455556666:role/dev",
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:iam::111122223333:role/dev",
    "arn:aws:iam::111122223333:role/chain",
];

/// A condition operator family: its operators, the keys it is usually written with,
/// and the policy values it reads.
#[derive(Debug, Clone, Copy)]
pub struct Family {
    /// Operator names (without qualifier and `IfExists`).
    pub operators: &'static [&'static str],
    /// Keys used with it.
    pub keys: &'static [&'static str],
    /// Policy values.
    pub values: &'static [&'static str],
    /// True when values may be written as JSON numbers or booleans (R1.8).
    pub scalar: bool,
}

/// The condition operator families.
pub const FAMILIES: [Family; 8] = [
    Family {
        operators: &[
            "StringEquals",
            "StringNotEquals",
            "StringEqualsIgnoreCase",
            "StringNotEqualsIgnoreCase",
            "StringLike",
            "StringNotLike",
        ],
        keys: &[
            "aws:PrincipalTag/team",
            "aws:RequestTag/env",
            "aws:username",
            "aws:PrincipalAccount",
            "s3:prefix",
            "aws:TagKeys",
            "aws:PrincipalType",
            "sts:RoleSessionName",
            "sts:ExternalId",
            "aws:SourceIdentity",
            "aws:userid",
        ],
        values: &[
            "dev",
            "DEV",
            "ops",
            "prod",
            "alice",
            "111122223333",
            "d*",
            "*",
            "?ev",
            "home/alice/",
            "home/${aws:username}/",
            "${aws:username}",
            "${aws:PrincipalTag/team}",
            "User",
            "AssumedRole",
            "env",
            "team",
            "Team",
            "s1",
            "ext-1",
            "AIDAEXAMPLEALICE",
            "AIDA*",
        ],
        scalar: false,
    },
    Family {
        operators: &[
            "NumericEquals",
            "NumericNotEquals",
            "NumericLessThan",
            "NumericLessThanEquals",
            "NumericGreaterThan",
            "NumericGreaterThanEquals",
        ],
        keys: &["s3:max-keys", "aws:MultiFactorAuthAge", "aws:EpochTime"],
        values: &["10", "100", "3600", "1.5", "1800000000"],
        scalar: true,
    },
    Family {
        operators: &[
            "DateEquals",
            "DateNotEquals",
            "DateLessThan",
            "DateLessThanEquals",
            "DateGreaterThan",
            "DateGreaterThanEquals",
        ],
        keys: &["aws:CurrentTime", "aws:EpochTime", "aws:TokenIssueTime"],
        values: &["2020-01-01T00:00:00Z", "2030-01-01", "1700000000", "2025-06-01T00:00:00+02:00"],
        scalar: false,
    },
    Family {
        operators: &["Bool"],
        keys: &["aws:MultiFactorAuthPresent", "aws:SecureTransport"],
        values: &["true", "false"],
        scalar: true,
    },
    Family {
        operators: &["IpAddress", "NotIpAddress"],
        keys: &["aws:SourceIp"],
        values: &["10.0.0.0/8", "192.0.2.1", "2001:db8::/32", "0.0.0.0/0"],
        scalar: false,
    },
    Family {
        operators: &["ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"],
        keys: &["aws:PrincipalArn", "aws:SourceArn"],
        values: &[
            "arn:aws:iam::111122223333:role/*",
            "arn:aws:iam::*:user/alice",
            "arn:aws:iam::111122223333:user/${aws:username}",
            "arn:aws:s3:::bucket-a",
            "arn:aws:iam::111122223333:root",
            "arn:aws:iam::111122223333:*",
        ],
        scalar: false,
    },
    Family { operators: &["BinaryEquals"], keys: &["demo:blob"], values: &["QmluYXJ5", "AAEC"], scalar: false },
    Family { operators: &["Null"], keys: &[], values: &["true", "false"], scalar: true },
];

/// Request context keys with the values requests give them; `true` marks a
/// multivalued key.
pub const CONTEXT_KEYS: [(&str, &[&str], bool); 14] = [
    ("aws:PrincipalTag/team", &["dev", "ops", "DEV", "alice"], false),
    ("aws:RequestTag/env", &["prod", "dev"], false),
    ("aws:TagKeys", &["env", "team", "Team"], true),
    ("aws:SourceIp", &["10.1.2.3", "192.0.2.1", "2001:db8::1", "203.0.113.9", "not-an-ip"], false),
    ("aws:MultiFactorAuthPresent", &["true", "false"], false),
    ("aws:SecureTransport", &["true", "false", "True"], false),
    ("s3:prefix", &["home/alice/", "alice", "d", ""], false),
    ("s3:max-keys", &["5", "10", "100", "abc"], false),
    ("aws:CurrentTime", &["2025-06-01T00:00:00Z", "2019-12-31T23:59:59Z"], false),
    ("aws:EpochTime", &["1700000000", "1900000000"], false),
    ("aws:MultiFactorAuthAge", &["30", "7200"], false),
    ("aws:SourceArn", &["arn:aws:s3:::bucket-a", "arn:aws:sns:us-east-1:111122223333:topic"], false),
    ("demo:blob", &["QmluYXJ5", "Binary"], false),
    ("aws:username", &["alice", "mallory"], false),
];

/// Every condition key of the vocabulary (family keys, context keys and the keys the
/// evaluator derives from the principal).
pub fn all_condition_keys() -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = Vec::new();
    for f in FAMILIES.iter() {
        for k in f.keys {
            if !keys.contains(k) {
                keys.push(k);
            }
        }
    }
    for (k, _, _) in CONTEXT_KEYS.iter() {
        if !keys.contains(k) {
            keys.push(k);
        }
    }
    keys.push("aws:PrincipalArn");
    keys
}

// ---------------------------------------------------------------------------------
// Policies
// ---------------------------------------------------------------------------------

/// How a policy is written out: JSON forms that mean the same policy (R1.1, R1.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Arbitrary)]
pub struct Style {
    /// A policy with one statement writes it as a bare object, not a one-element array.
    pub statement_object: bool,
    /// A one-element list (actions, resources, principal ids, condition values) is
    /// written as a bare string.
    pub bare_strings: bool,
}

impl Style {
    /// The other way of writing every form.
    pub fn flipped(self) -> Style {
        Style { statement_object: !self.statement_object, bare_strings: !self.bare_strings }
    }
}

fn list(items: Vec<Value>, style: Style) -> Value {
    if items.len() == 1 && style.bare_strings {
        items.into_iter().next().unwrap_or(Value::Null)
    } else {
        Value::Array(items)
    }
}

fn strings(items: Vec<String>, style: Style) -> Value {
    list(items.into_iter().map(Value::String).collect(), style)
}

/// One entry of `Action`/`NotAction`: an exact action (even `which`) or a wildcard
/// pattern (odd `which`), in some letter case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Arbitrary)]
pub struct ActionPick {
    /// Choice index.
    pub which: u8,
    /// Letter case (as written three times in four).
    pub case: u8,
}

impl ActionPick {
    /// The pattern text for a policy of type `ty`. SCPs and RCPs lean to wildcard
    /// patterns, as organization policies do.
    pub fn text(&self, ty: PolicyType) -> String {
        let organization = matches!(ty, PolicyType::Scp | PolicyType::Rcp);
        let base = if ty == PolicyType::Trust {
            pick(&TRUST_ACTIONS, self.which)
        } else if self.which % 2 == 0 && !(organization && self.which % 4 != 0) {
            pick(&ACTIONS, self.which / 2)
        } else {
            pick(&ACTION_PATTERNS, self.which / 2)
        };
        letter_case(base, mostly_as_written(self.case))
    }

    /// The action of a request (always an exact action).
    pub fn request_action(&self) -> String {
        letter_case(pick(&ACTIONS, self.which), mostly_as_written(self.case))
    }
}

/// One entry of `Resource`/`NotResource`: an exact resource (even `which`) or a
/// wildcard or variable pattern (odd `which`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Arbitrary)]
pub struct ResourcePick {
    /// Choice index.
    pub which: u8,
}

impl ResourcePick {
    /// The pattern text.
    pub fn text(&self) -> String {
        if self.which % 2 == 0 {
            pick(&RESOURCES, self.which / 2).to_string()
        } else {
            pick(&RESOURCE_PATTERNS, self.which / 2).to_string()
        }
    }
}

/// A `Principal` or `NotPrincipal` element.
#[derive(Debug, Clone, PartialEq, Eq, Default, Arbitrary)]
pub struct PrincipalModel {
    /// `"*"` when `star % 4 == 3`.
    pub star: u8,
    /// `NotPrincipal` (where the policy type allows it) when `not % 4 == 3`.
    pub not: u8,
    /// Identifiers, indices into [`PRINCIPAL_IDS`]; none means the first.
    pub ids: Few<u8, 2>,
}

impl PrincipalModel {
    /// The element's value in a policy of type `ty`: trust policies name the callers of
    /// the generated worlds, or everyone; RCPs always name `"*"` (the RCP syntax page:
    /// principals are narrowed with conditions, U11).
    pub fn render(&self, ty: PolicyType, style: Style) -> Value {
        // Trust policies name everyone half the time, so that chains get long.
        let star = self.star % 4 == 3 || (ty == PolicyType::Trust && self.star % 4 == 2);
        if star || ty == PolicyType::Rcp {
            return Value::String("*".into());
        }
        let picks: Vec<u8> = if self.ids.0.is_empty() { vec![0] } else { self.ids.0.clone() };
        let mut by_kind: Map<String, Value> = Map::new();
        let mut grouped: Vec<(&str, Vec<String>)> = Vec::new();
        for p in picks {
            let (kind, id) = if ty == PolicyType::Trust {
                ("AWS", pick(&TRUST_PRINCIPAL_IDS, p))
            } else {
                let n = PRINCIPAL_IDS.len();
                PRINCIPAL_IDS.get(usize::from(p) % n).copied().unwrap_or(("AWS", "*"))
            };
            match grouped.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, ids)) => {
                    if !ids.iter().any(|i| i == id) {
                        ids.push(id.to_string());
                    }
                }
                None => grouped.push((kind, vec![id.to_string()])),
            }
        }
        for (kind, ids) in grouped {
            by_kind.insert(kind.to_string(), strings(ids, style));
        }
        Value::Object(by_kind)
    }

    fn negated(&self) -> bool {
        self.not % 4 == 3
    }
}

/// One operator-key entry of a condition block.
#[derive(Debug, Clone, PartialEq, Eq, Default, Arbitrary)]
pub struct ConditionModel {
    /// Index into [`FAMILIES`].
    pub family: u8,
    /// Operator within the family.
    pub operator: u8,
    /// `ForAnyValue:` when `% 8 == 6`, `ForAllValues:` when `% 8 == 7`.
    pub qualifier: u8,
    /// `IfExists` when `% 4 == 3`.
    pub if_exists: u8,
    /// Key within the family's keys, or within every key when `anywhere % 4 == 3`.
    pub key: u8,
    /// See `key`.
    pub anywhere: u8,
    /// Letter case of the key name (R3.2).
    pub key_case: u8,
    /// Values within the family's values; none means the first.
    pub values: Few<u8, 2>,
    /// Write numbers and booleans as JSON scalars where possible (R1.8).
    pub scalar: bool,
}

impl ConditionModel {
    /// The operator name, key and values.
    pub fn parts(&self) -> (String, String, Vec<Value>) {
        let n = FAMILIES.len();
        let family = FAMILIES.get(usize::from(self.family) % n).copied().unwrap_or(FAMILIES[0]);
        let base = pick(family.operators, self.operator);
        let is_null = base == "Null";
        let qualifier = match (is_null, self.qualifier % 8) {
            (false, 6) => "ForAnyValue:",
            (false, 7) => "ForAllValues:",
            _ => "",
        };
        let suffix = if !is_null && self.if_exists % 4 == 3 { "IfExists" } else { "" };
        let operator = format!("{qualifier}{base}{suffix}");
        let all = all_condition_keys();
        let key = if family.keys.is_empty() || self.anywhere % 4 == 3 {
            pick(&all, self.key)
        } else {
            pick(family.keys, self.key)
        };
        let key = letter_case(key, mostly_as_written(self.key_case));
        let picks: Vec<u8> = if self.values.0.is_empty() { vec![0] } else { self.values.0.clone() };
        let mut values: Vec<Value> = Vec::new();
        for p in picks {
            let text = pick(family.values, p);
            let v = scalar_value(text, family.scalar && self.scalar);
            if !values.contains(&v) {
                values.push(v);
            }
        }
        (operator, key, values)
    }
}

fn scalar_value(text: &str, scalar: bool) -> Value {
    if scalar {
        if let Ok(b) = text.parse::<bool>() {
            return Value::Bool(b);
        }
        if let Ok(n) = text.parse::<u64>() {
            return Value::Number(n.into());
        }
        if let Some(n) = text.parse::<f64>().ok().and_then(serde_json::Number::from_f64) {
            return Value::Number(n);
        }
    }
    Value::String(text.to_string())
}

/// A condition block from its entries; entries with the same operator share its object.
pub fn render_conditions(conditions: &[ConditionModel], style: Style) -> Option<Value> {
    if conditions.is_empty() {
        return None;
    }
    let mut ops: Map<String, Value> = Map::new();
    for c in conditions {
        let (op, key, values) = c.parts();
        let entry = ops.entry(op).or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(keys) = entry {
            keys.insert(key, list(values, style));
        }
    }
    Some(Value::Object(ops))
}

/// One statement.
#[derive(Debug, Clone, PartialEq, Eq, Default, Arbitrary)]
pub struct StatementModel {
    /// A `Sid` when `sid % 4 == 3`.
    pub sid: u8,
    /// `Deny` when `effect % 4 == 3`, else `Allow`.
    pub effect: u8,
    /// `NotAction` when `% 4 == 3`.
    pub not_action: u8,
    /// Action patterns; none means the first.
    pub actions: Few<ActionPick, 3>,
    /// `NotResource` when `% 8 == 6`; no resource element (where the type allows) when
    /// `% 8 == 7`.
    pub resource_form: u8,
    /// Resource patterns; none means the first.
    pub resources: Few<ResourcePick, 3>,
    /// The principal (resource-based types only).
    pub principal: PrincipalModel,
    /// The condition block is written when `% 2 == 1`.
    pub conditioned: u8,
    /// Condition entries.
    pub conditions: Few<ConditionModel, 3>,
}

impl StatementModel {
    /// True for a `Deny`.
    pub fn is_deny(&self) -> bool {
        self.effect % 4 == 3
    }

    /// The statement as JSON for a policy of type `ty`; `index` names its `Sid`.
    pub fn render(&self, ty: PolicyType, style: Style, index: usize) -> Value {
        let mut m = Map::new();
        if self.sid % 4 == 3 {
            m.insert("Sid".into(), Value::String(format!("S{index}")));
        }
        if ty == PolicyType::Rcp && !self.is_deny() {
            // The only Allow an RCP may hold is RCPFullAWSAccess (R9.3).
            m.insert("Effect".into(), Value::String("Allow".into()));
            m.insert("Principal".into(), Value::String("*".into()));
            m.insert("Action".into(), Value::String("*".into()));
            m.insert("Resource".into(), Value::String("*".into()));
            return Value::Object(m);
        }
        let effect = if self.is_deny() { "Deny" } else { "Allow" };
        m.insert("Effect".into(), Value::String(effect.into()));
        if ty.is_resource_based() {
            // NotPrincipal only with Deny (an Allow with it is invalid, NotPrincipal page).
            let negated = self.principal.negated() && ty == PolicyType::Resource && self.is_deny();
            let key = if negated { "NotPrincipal" } else { "Principal" };
            m.insert(key.into(), self.principal.render(ty, style));
        }
        let actions: Vec<String> = if self.actions.0.is_empty() {
            vec![ActionPick::default().text(ty)]
        } else {
            let mut v: Vec<String> = Vec::new();
            for a in self.actions.iter() {
                let t = a.text(ty);
                if !v.contains(&t) {
                    v.push(t);
                }
            }
            v
        };
        let not_action = self.not_action % 4 == 3 && !matches!(ty, PolicyType::Rcp | PolicyType::Trust);
        m.insert(if not_action { "NotAction" } else { "Action" }.into(), strings(actions, style));
        let form = self.resource_form % 8;
        let may_omit = matches!(ty, PolicyType::Resource);
        // SCPs and RCPs mostly apply to every resource.
        let organization_wide = matches!(ty, PolicyType::Scp | PolicyType::Rcp) && form < 4;
        if ty != PolicyType::Trust && !(form == 7 && may_omit) {
            let resources: Vec<String> = if organization_wide {
                vec!["*".to_string()]
            } else if self.resources.0.is_empty() {
                vec![ResourcePick::default().text()]
            } else {
                let mut v: Vec<String> = Vec::new();
                for r in self.resources.iter() {
                    let t = r.text();
                    if !v.contains(&t) {
                        v.push(t);
                    }
                }
                v
            };
            m.insert(if form == 6 { "NotResource" } else { "Resource" }.into(), strings(resources, style));
        }
        // Trust statements carry conditions less often, so that chains get long.
        let conditioned = if ty == PolicyType::Trust { self.conditioned % 4 == 3 } else { self.conditioned % 2 == 1 };
        let conditions: &[ConditionModel] = if conditioned { &self.conditions.0 } else { &[] };
        if let Some(c) = render_conditions(conditions, style) {
            m.insert("Condition".into(), c);
        }
        Value::Object(m)
    }
}

/// A whole policy document.
#[derive(Debug, Clone, PartialEq, Eq, Default, Arbitrary)]
pub struct PolicyModel {
    /// `2012-10-17` unless `% 8` is 6 (`2008-10-17`) or 7 (no `Version`); RCPs always
    /// carry `2012-10-17`.
    pub version: u8,
    /// An `Id` (where the type allows one) when `% 4 == 3`.
    pub id: u8,
    /// The statements; none means one default statement.
    pub statements: Few<StatementModel, 4>,
}

impl PolicyModel {
    /// The statements to render (at least one).
    pub fn statement_models(&self) -> Vec<StatementModel> {
        if self.statements.0.is_empty() {
            vec![StatementModel::default()]
        } else {
            self.statements.0.clone()
        }
    }

    /// The policy as JSON for type `ty`. Every rendering is a valid policy of that type
    /// (apart from the size limit, which long policies of some types may exceed).
    pub fn render(&self, ty: PolicyType, style: Style) -> Value {
        let mut doc = Map::new();
        let version = if ty == PolicyType::Rcp {
            Some("2012-10-17")
        } else {
            match self.version % 8 {
                6 => Some("2008-10-17"),
                7 => None,
                _ => Some("2012-10-17"),
            }
        };
        if let Some(v) = version {
            doc.insert("Version".into(), Value::String(v.into()));
        }
        let allows_id = matches!(ty, PolicyType::Resource | PolicyType::Trust | PolicyType::Scp);
        if allows_id && self.id % 4 == 3 {
            doc.insert("Id".into(), Value::String("generated-policy".into()));
        }
        let statements: Vec<Value> =
            self.statement_models().iter().enumerate().map(|(i, s)| s.render(ty, style, i)).collect();
        let statement = if statements.len() == 1 && style.statement_object {
            statements.into_iter().next().unwrap_or(Value::Null)
        } else {
            Value::Array(statements)
        };
        doc.insert("Statement".into(), statement);
        Value::Object(doc)
    }
}

/// A policy and a type to render it as: the input of the print/parse laws.
#[derive(Debug, Clone, PartialEq, Eq, Default, Arbitrary)]
pub struct TypedPolicy {
    /// Index into [`PolicyType::ALL`].
    pub ty: u8,
    /// The policy.
    pub policy: PolicyModel,
    /// How it is written.
    pub style: Style,
}

impl TypedPolicy {
    /// The policy type.
    pub fn policy_type(&self) -> PolicyType {
        policy_type(self.ty)
    }
}

/// The policy type with choice index `i`.
pub fn policy_type(i: u8) -> PolicyType {
    let n = PolicyType::ALL.len();
    PolicyType::ALL.get(usize::from(i) % n).copied().unwrap_or(PolicyType::Identity)
}

// ---------------------------------------------------------------------------------
// Requests and policy sets
// ---------------------------------------------------------------------------------

/// One request context entry.
#[derive(Debug, Clone, PartialEq, Eq, Default, Arbitrary)]
pub struct ContextEntry {
    /// Index into [`CONTEXT_KEYS`].
    pub key: u8,
    /// Letter case of the key name.
    pub key_case: u8,
    /// Values within the key's values (a single-valued key takes the first).
    pub values: Few<u8, 3>,
}

/// A request context as the case format writes it.
pub fn render_context(entries: &[ContextEntry]) -> case::ContextMap {
    let mut map = case::ContextMap::new();
    for e in entries {
        let n = CONTEXT_KEYS.len();
        let Some((key, values, multi)) = CONTEXT_KEYS.get(usize::from(e.key) % n) else { continue };
        let key = letter_case(key, mostly_as_written(e.key_case));
        let value = if *multi {
            let mut v: Vec<Value> = Vec::new();
            for p in e.values.iter() {
                let s = Value::String(pick(values, *p).to_string());
                if !v.contains(&s) {
                    v.push(s);
                }
            }
            Value::Array(v)
        } else {
            let p = e.values.0.first().copied().unwrap_or(0);
            Value::String(pick(values, p).to_string())
        };
        map.insert(key, value);
    }
    map
}

/// One level of SCPs or RCPs.
#[derive(Debug, Clone, PartialEq, Eq, Default, Arbitrary)]
pub struct LevelModel {
    /// Attach `FullAWSAccess` (SCP) or `RCPFullAWSAccess` (RCP) explicitly.
    pub full_access: bool,
    /// The level's other policies.
    pub policies: Few<PolicyModel, 2>,
}

/// `FullAWSAccess`, the default SCP, as JSON.
pub fn full_aws_access() -> Value {
    serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
}

/// `RCPFullAWSAccess` as JSON.
pub fn rcp_full_aws_access() -> Value {
    serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]})
}

impl LevelModel {
    /// The level's policies as JSON.
    pub fn render(&self, ty: PolicyType, style: Style) -> Vec<Value> {
        let mut out = Vec::new();
        if self.full_access {
            out.push(if ty == PolicyType::Rcp { rcp_full_aws_access() } else { full_aws_access() });
        }
        out.extend(self.policies.iter().map(|p| p.render(ty, style)));
        out
    }
}

/// An `evaluate` step: a request and a policy set with every layer.
#[derive(Debug, Clone, PartialEq, Eq, Default, Arbitrary)]
pub struct EvalModel {
    /// Index into [`CALLERS`].
    pub caller: u8,
    /// The action.
    pub action: ActionPick,
    /// Index into [`RESOURCES`].
    pub resource: u8,
    /// An explicit resource account: `ACCOUNT_A` when `% 8 == 6`, `ACCOUNT_B` when 7.
    pub resource_account: u8,
    /// The request context.
    pub context: Few<ContextEntry, 4>,
    /// Identity-based policies.
    pub identity: Few<PolicyModel, 3>,
    /// The resource-based policy.
    pub resource_policy: Sometimes<PolicyModel>,
    /// The permissions boundary.
    pub boundary: Sometimes<PolicyModel>,
    /// Session policies.
    pub session: Sometimes<Few<PolicyModel, 2>>,
    /// SCP levels.
    pub scps: Sometimes<Few<LevelModel, 3>>,
    /// RCP levels.
    pub rcps: Sometimes<Few<LevelModel, 2>>,
    /// How policies are written.
    pub style: Style,
}

impl EvalModel {
    /// The caller's ARN.
    pub fn principal(&self) -> &'static str {
        pick(&CALLERS, self.caller)
    }

    /// The step, written in the model's style.
    pub fn to_step(&self) -> case::EvaluateStep {
        self.to_step_styled(self.style)
    }

    /// The step, written in `style`.
    pub fn to_step_styled(&self, style: Style) -> case::EvaluateStep {
        let resource_account = match self.resource_account % 8 {
            6 => Some(ACCOUNT_A.to_string()),
            7 => Some(ACCOUNT_B.to_string()),
            _ => None,
        };
        let levels = |levels: &Few<LevelModel, 3>, ty| levels.iter().map(|l| l.render(ty, style)).collect::<Vec<_>>();
        case::EvaluateStep {
            principal: self.principal().to_string(),
            action: self.action.request_action(),
            resource: pick(&RESOURCES, self.resource).to_string(),
            resource_account,
            context: render_context(&self.context.0),
            identity_policies: self.identity.iter().map(|p| p.render(PolicyType::Identity, style)).collect(),
            resource_policy: self.resource_policy.0.as_ref().map(|p| p.render(PolicyType::Resource, style)),
            permissions_boundary: self.boundary.0.as_ref().map(|p| p.render(PolicyType::Boundary, style)),
            session_policies: self
                .session
                .0
                .as_ref()
                .map(|ps| ps.iter().map(|p| p.render(PolicyType::Session, style)).collect()),
            scps: self.scps.0.as_ref().map(|ls| levels(ls, PolicyType::Scp)),
            rcps: self
                .rcps
                .0
                .as_ref()
                .map(|ls| ls.iter().map(|l| l.render(PolicyType::Rcp, style)).collect::<Vec<_>>()),
        }
    }
}

/// A statement to add to a policy set, optionally aimed at the request's action and
/// resource so that it matches.
#[derive(Debug, Clone, PartialEq, Eq, Default, Arbitrary)]
pub struct ExtraStatement {
    /// The statement.
    pub statement: StatementModel,
    /// Use the request's action.
    pub aim_action: bool,
    /// Use the request's resource.
    pub aim_resource: bool,
}

impl ExtraStatement {
    /// The statement for a policy of type `ty` with effect `effect`, without a `Sid` so
    /// that it can join any policy.
    pub fn render(&self, ty: PolicyType, style: Style, effect: &str, step: &case::EvaluateStep) -> Value {
        let mut model = self.statement.clone();
        model.sid = 0;
        model.effect = if effect == "Deny" { 3 } else { 0 };
        let mut v = model.render(ty, style, 0);
        if let Value::Object(m) = &mut v {
            if ty == PolicyType::Rcp && effect == "Allow" {
                return v;
            }
            if self.aim_action {
                m.remove("NotAction");
                m.insert("Action".into(), Value::String(step.action.clone()));
            }
            if self.aim_resource && ty != PolicyType::Trust {
                m.remove("NotResource");
                m.insert("Resource".into(), Value::String(step.resource.clone()));
            }
        }
        v
    }
}

/// The input of the evaluation laws: a case, and what the laws add to it or how they
/// rearrange it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Arbitrary)]
pub struct EvalInput {
    /// The request and policy set.
    pub case: EvalModel,
    /// A statement the monotonicity laws add.
    pub extra: ExtraStatement,
    /// A policy the layer laws add.
    pub extra_policy: PolicyModel,
    /// Where an addition goes.
    pub place: u8,
    /// How far lists are rotated by the order law.
    pub rotate: u8,
    /// A letter-case mode for the action-case law.
    pub case_mode: u8,
}

// ---------------------------------------------------------------------------------
// Paired requests: the differential generator
// ---------------------------------------------------------------------------------

/// Requests as another implementation must accept them: every action is asked on a
/// resource of its type (implementations that check actions and resources against the
/// AWS service reference, as iam-simulate does, refuse other pairs), session policies
/// go only to sessions, and root gets nothing but what root can have. The policies'
/// patterns are derived from the drawn action and resource (the exact text, a prefix
/// with `*`, a `?` in place of one character, another case, a sibling resource, a
/// variable), so that statements often meet the request.
///
/// Its choices depend on earlier ones (a pattern is cut from the drawn action), so
/// instead of a plain-data model it reads its choices one by one from the same bytes
/// every model reads ([`Draw`]); [`PairedCase`] is its [`Arbitrary`] entry point and
/// goes through [`from_bytes`] and [`strategy`] like every other model.
pub mod paired {
    use arbitrary::{Arbitrary, Unstructured};
    use serde_json::{json, Map, Value};

    use super::{full_aws_access, rcp_full_aws_access, ACCOUNT_A, ACCOUNT_B};
    use crate::case;

    /// An `evaluate` step drawn by the paired generator.
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct PairedCase(pub case::EvaluateStep);

    impl<'a> Arbitrary<'a> for PairedCase {
        fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
            Ok(PairedCase(paired_step(&mut Draw(u))))
        }
    }

    /// Choices read one at a time from the model bytes; an exhausted input reads as
    /// zero: the first entry, "no", the smallest count.
    pub struct Draw<'u, 'a>(pub &'u mut Unstructured<'a>);

    impl Draw<'_, '_> {
        /// A number in `0..n` (0 when `n` is 0).
        pub fn below(&mut self, n: usize) -> usize {
            if n == 0 {
                0
            } else {
                self.0.choose_index(n).unwrap_or(0)
            }
        }

        /// True with the given percentage (false on exhausted input).
        pub fn chance(&mut self, percent: u64) -> bool {
            let roll: u64 = self.0.int_in_range(0..=99).unwrap_or(0);
            roll >= 100u64.saturating_sub(percent)
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

    fn version(d: &mut Draw<'_, '_>) -> Option<&'static str> {
        match d.below(50) {
            0 | 1 => Some("2008-10-17"),
            2 | 3 => None,
            _ => Some("2012-10-17"),
        }
    }

    fn policy(d: &mut Draw<'_, '_>, statements: Vec<Value>) -> Value {
        let mut doc = Map::new();
        if let Some(v) = version(d) {
            doc.insert("Version".to_string(), json!(v));
        }
        let statement = match statements.as_slice() {
            [one] if d.chance(30) => one.clone(),
            _ => Value::Array(statements),
        };
        doc.insert("Statement".to_string(), statement);
        Value::Object(doc)
    }

    /// A pattern for the `Action` element that may or may not cover `action`.
    fn action_pattern(d: &mut Draw<'_, '_>, action: &str) -> String {
        let (service, name) = action.split_once(':').unwrap_or((action, ""));
        match d.below(12) {
            0..=3 => action.to_string(),
            4 => "*".to_string(),
            5 => format!("{service}:*"),
            6 => format!("{service}:{}*", name.get(..3).unwrap_or(name)),
            7 => action.to_uppercase(),
            8 => d.pick(&OTHER_ACTIONS).to_string(),
            9 => format!("{service}:*{}", name.get(name.len().saturating_sub(4)..).unwrap_or(name)),
            10 => {
                let at = d.below(name.len());
                let replaced: String = name.chars().enumerate().map(|(i, c)| if i == at { '?' } else { c }).collect();
                format!("{service}:{replaced}")
            }
            _ => action.to_lowercase(),
        }
    }

    fn action_element(d: &mut Draw<'_, '_>, action: &str) -> Value {
        if d.chance(25) {
            let n = 2 + d.below(2);
            Value::Array((0..n).map(|_| Value::String(action_pattern(d, action))).collect())
        } else {
            Value::String(action_pattern(d, action))
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
    fn resource_pattern(d: &mut Draw<'_, '_>, action: &str, resource: &str) -> String {
        if resource == "*" {
            return match d.below(4) {
                0 => "arn:aws:ec2:*:111122223333:instance/*".to_string(),
                _ => "*".to_string(),
            };
        }
        let same_action: Vec<&str> =
            ACTIONS.iter().filter(|(a, _)| *a == action).flat_map(|(_, rs)| rs.iter().map(|(r, _)| *r)).collect();
        match d.below(14) {
            0..=2 => resource.to_string(),
            3 => "*".to_string(),
            4 | 5 => {
                let keep = 8 + d.below(resource.len().saturating_sub(8).max(1));
                format!("{}*", resource.get(..keep).unwrap_or(resource))
            }
            6 => replace_component(resource, 3, "*"),
            7 => replace_component(resource, 4, "*"),
            8 => {
                let start = resource.rfind([':', '/']).map_or(0, |i| i + 1);
                let at = start + d.below(resource.len().saturating_sub(start));
                resource.chars().enumerate().map(|(i, c)| if i == at { '?' } else { c }).collect()
            }
            9 => d.pick(&same_action).to_string(),
            10 | 11 => d.pick(&VARIABLE_RESOURCES).to_string(),
            12 => {
                // The same ARN with the resource part in upper case (R2.7: case-sensitive).
                let start = resource.rfind([':', '/']).map_or(0, |i| i + 1);
                format!("{}{}", resource.get(..start).unwrap_or(""), resource.get(start..).unwrap_or("").to_uppercase())
            }
            _ => format!("{resource}/*"),
        }
    }

    fn resource_element(d: &mut Draw<'_, '_>, action: &str, resource: &str) -> Value {
        if d.chance(20) {
            let n = 2 + d.below(2);
            Value::Array((0..n).map(|_| Value::String(resource_pattern(d, action, resource))).collect())
        } else {
            Value::String(resource_pattern(d, action, resource))
        }
    }

    fn with_if_exists(d: &mut Draw<'_, '_>, op: &str) -> String {
        if d.chance(25) {
            format!("{op}IfExists")
        } else {
            op.to_string()
        }
    }

    /// The operators of the shared generator's family (`super::FAMILIES`) that holds
    /// `member`, so that both generators draw from one vocabulary.
    fn family_operators(member: &str) -> &'static [&'static str] {
        super::FAMILIES.iter().find(|f| f.operators.contains(&member)).map(|f| f.operators).unwrap_or(&["StringEquals"])
    }

    /// One condition operator, key and values.
    fn condition_entry(d: &mut Draw<'_, '_>) -> (String, String, Value) {
        match d.below(12) {
            0 | 1 => {
                let op = d.pick(family_operators("StringEquals"));
                let values =
                    d.subset(&["eng", "ops", "e*", "ENG", "${aws:username}", "${aws:PrincipalTag/team}"], true);
                (with_if_exists(d, op), "aws:PrincipalTag/team".to_string(), values)
            }
            2 => {
                let op = d.pick(&["StringEquals", "StringNotEquals", "StringLike"]);
                let (key, values): (&str, &[&str]) = match d.below(3) {
                    0 => ("aws:PrincipalAccount", &[ACCOUNT_A, ACCOUNT_B]),
                    1 => ("aws:username", &["alice", "bob", "a*"]),
                    _ => ("aws:PrincipalType", &["User", "AssumedRole", "FederatedUser", "Account"]),
                };
                (op.to_string(), key.to_string(), d.subset(values, true))
            }
            3 => {
                let op = d.pick(&["ArnLike", "ArnEquals", "ArnNotLike", "ArnNotEquals"]);
                let values = d.subset(
                    &[
                        "arn:aws:iam::111122223333:role/*",
                        "arn:aws:iam::111122223333:user/alice",
                        "arn:aws:iam::*:role/dev",
                        "arn:aws:iam::111122223333:*",
                        "arn:aws:sts::111122223333:assumed-role/dev/s1",
                    ],
                    true,
                );
                (with_if_exists(d, op), "aws:PrincipalArn".to_string(), values)
            }
            4 => {
                let key = d.pick(&["aws:SecureTransport", "aws:MultiFactorAuthPresent"]);
                let value = match d.below(4) {
                    0 => json!(true),
                    1 => json!(false),
                    2 => json!("true"),
                    _ => json!("false"),
                };
                (with_if_exists(d, "Bool"), key.to_string(), value)
            }
            5 => {
                let key = d.pick(&["aws:PrincipalTag/team", "aws:MultiFactorAuthAge", "aws:SourceIp", "aws:TagKeys"]);
                ("Null".to_string(), key.to_string(), json!(if d.chance(50) { "true" } else { "false" }))
            }
            6 => {
                let op = d.pick(&[
                    "NumericLessThan",
                    "NumericGreaterThan",
                    "NumericEquals",
                    "NumericNotEquals",
                    "NumericLessThanEquals",
                ]);
                let value = match d.below(3) {
                    0 => json!(3600),
                    1 => json!("3600"),
                    _ => json!("100"),
                };
                (with_if_exists(d, op), "aws:MultiFactorAuthAge".to_string(), value)
            }
            7 => {
                let op = d.pick(&[
                    "DateLessThan",
                    "DateGreaterThan",
                    "DateEquals",
                    "DateNotEquals",
                    "DateGreaterThanEquals",
                ]);
                let values =
                    d.subset(&["2025-01-01T00:00:00Z", "1735689600", "2024-06-15T12:00:00Z", "2024-06-15"], true);
                (with_if_exists(d, op), "aws:CurrentTime".to_string(), values)
            }
            8 => {
                let op = d.pick(&["IpAddress", "NotIpAddress"]);
                let values = d.subset(&["203.0.113.0/24", "198.51.100.7", "2001:db8::/32", "10.0.0.0/8"], true);
                (with_if_exists(d, op), "aws:SourceIp".to_string(), values)
            }
            9 => {
                let op = d.pick(&[
                    "ForAnyValue:StringEquals",
                    "ForAllValues:StringEquals",
                    "ForAllValues:StringLike",
                    "ForAnyValue:StringLike",
                    "ForAllValues:StringNotEquals",
                    "ForAnyValue:StringNotEquals",
                ]);
                (op.to_string(), "aws:TagKeys".to_string(), d.subset(&["env", "team", "e*"], false))
            }
            10 => {
                let (op, key, values): (&str, &str, &[&str]) = match d.below(3) {
                    0 => (
                        d.pick(&["StringEquals", "StringNotEquals", "StringLike"]),
                        "aws:RequestedRegion",
                        &["us-east-1", "eu-*"],
                    ),
                    1 => (d.pick(&["StringEquals", "StringNotEquals"]), "aws:PrincipalOrgID", &["o-a1b2c3d4e5"]),
                    _ => (d.pick(&["StringEquals", "StringLike"]), "aws:PrincipalTag/Team", &["eng", "Eng"]),
                };
                (with_if_exists(d, op), key.to_string(), d.subset(values, true))
            }
            _ => {
                let op = d.pick(&["NumericLessThan", "NumericGreaterThanEquals", "DateGreaterThan", "DateLessThan"]);
                (op.to_string(), "aws:EpochTime".to_string(), d.subset(&["1718452800", "1700000000"], true))
            }
        }
    }

    fn condition(d: &mut Draw<'_, '_>) -> Value {
        let mut block = Map::new();
        for _ in 0..1 + d.below(2) {
            let (op, key, values) = condition_entry(d);
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

    fn statement(d: &mut Draw<'_, '_>, kind: Kind, action: &str, resource: &str) -> Value {
        let allow = match kind {
            Kind::Rcp => false,
            Kind::Scp => !d.chance(50),
            _ => !d.chance(28),
        };
        let mut s = Map::new();
        s.insert("Effect".to_string(), json!(if allow { "Allow" } else { "Deny" }));
        match kind {
            Kind::Resource => {
                let principal: Value = serde_json::from_str(d.pick(&RBP_PRINCIPALS)).unwrap_or(Value::Null);
                let name = if !allow && d.chance(15) { "NotPrincipal" } else { "Principal" };
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
                if d.chance(50) {
                    json!(action)
                } else {
                    json!(format!("{service}:*"))
                }
            }
            _ => action_element(d, action),
        };
        let not_action = kind != Kind::Rcp && d.chance(10);
        s.insert(if not_action { "NotAction" } else { "Action" }.to_string(), action_value);
        if kind != Kind::Resource || d.chance(85) {
            let not_resource = d.chance(8);
            s.insert(
                if not_resource { "NotResource" } else { "Resource" }.to_string(),
                resource_element(d, action, resource),
            );
        }
        if d.chance(40) {
            s.insert("Condition".to_string(), condition(d));
        }
        Value::Object(s)
    }

    fn random_policy(d: &mut Draw<'_, '_>, kind: Kind, action: &str, resource: &str) -> Value {
        let n = 1 + d.below(3);
        let statements = (0..n).map(|_| statement(d, kind, action, resource)).collect();
        let mut doc = policy(d, statements);
        if kind == Kind::Rcp {
            // RCPs must carry Version 2012-10-17 (R9.3).
            if let Value::Object(m) = &mut doc {
                m.insert("Version".to_string(), json!("2012-10-17"));
            }
        }
        doc
    }

    fn context(d: &mut Draw<'_, '_>) -> Map<String, Value> {
        let mut c = Map::new();
        let mut put = |d: &mut Draw<'_, '_>, percent: u64, key: &str, values: &[Value]| {
            if d.chance(percent) {
                if let Some(v) = values.get(d.below(values.len())) {
                    c.insert(key.to_string(), v.clone());
                }
            }
        };
        put(d, 50, "aws:PrincipalTag/team", &[json!("eng"), json!("ops"), json!("ENG")]);
        put(d, 40, "aws:SecureTransport", &[json!(true), json!(false), json!("true")]);
        put(d, 30, "aws:MultiFactorAuthPresent", &[json!(true), json!(false)]);
        put(d, 25, "aws:MultiFactorAuthAge", &[json!(100), json!(7200), json!("3600")]);
        put(d, 45, "aws:SourceIp", &[json!("203.0.113.5"), json!("198.51.100.7"), json!("2001:db8::1")]);
        put(d, 35, "aws:CurrentTime", &[json!("2024-06-15T12:00:00Z"), json!("2025-06-15T12:00:00Z")]);
        put(d, 15, "aws:EpochTime", &[json!(1718452800), json!(1700000000)]);
        put(d, 30, "aws:TagKeys", &[json!([]), json!(["env"]), json!(["env", "team"]), json!(["other"])]);
        put(d, 25, "aws:RequestedRegion", &[json!("us-east-1"), json!("eu-west-1")]);
        put(d, 25, "aws:PrincipalOrgID", &[json!("o-a1b2c3d4e5"), json!("o-zzzzzzzzzz")]);
        c
    }

    /// True when the paired vocabulary asks `action` on `resource`.
    pub fn is_paired(action: &str, resource: &str) -> bool {
        ACTIONS.iter().any(|(a, rs)| *a == action && rs.iter().any(|(r, _)| *r == resource))
    }

    /// The step drawn by `d`: a caller, an action with a resource of its type, and
    /// policies whose patterns are derived from them.
    fn paired_step(d: &mut Draw<'_, '_>) -> case::EvaluateStep {
        let (principal, kind) = d.pick(&PRINCIPALS);
        let (action, resources) = ACTIONS.get(d.below(ACTIONS.len())).copied().unwrap_or(("s3:GetObject", &[]));
        let (resource, owner) = d.pick(resources);
        let (action, resource) =
            if resource.is_empty() { ("s3:GetObject", "arn:aws:s3:::bucket-a/key1") } else { (action, resource) };
        let mut step = case::EvaluateStep {
            principal: principal.to_string(),
            action: action.to_string(),
            resource: resource.to_string(),
            resource_account: (!owner.is_empty()).then(|| owner.to_string()),
            context: context(d),
            ..case::EvaluateStep::default()
        };
        // Root has no identity policies and no boundary (R6.1).
        if kind != "root" {
            let n = match d.below(10) {
                0 => 0,
                1..=6 => 1,
                _ => 2,
            };
            step.identity_policies = (0..n).map(|_| random_policy(d, Kind::Identity, action, resource)).collect();
            if d.chance(25) {
                step.permissions_boundary = Some(random_policy(d, Kind::Identity, action, resource));
            }
        }
        if resource != "*" && d.chance(45) {
            step.resource_policy = Some(random_policy(d, Kind::Resource, action, resource));
        }
        let session_percent = match kind {
            "role-session" => 35,
            "federated-user" => 75,
            _ => 0,
        };
        if d.chance(session_percent) {
            let n = 1 + d.below(2);
            step.session_policies = Some((0..n).map(|_| random_policy(d, Kind::Identity, action, resource)).collect());
        }
        if d.chance(25) {
            let levels = 1 + d.below(3);
            step.scps = Some(
                (0..levels)
                    .map(|_| {
                        if d.chance(70) {
                            let mut level = vec![full_aws_access()];
                            if d.chance(30) {
                                level.push(random_policy(d, Kind::Scp, action, resource));
                            }
                            level
                        } else {
                            vec![random_policy(d, Kind::Scp, action, resource)]
                        }
                    })
                    .collect(),
            );
        }
        if d.chance(15) {
            let levels = 1 + d.below(2);
            step.rcps = Some(
                (0..levels)
                    .map(|_| {
                        let mut level = vec![random_policy(d, Kind::Rcp, action, resource)];
                        if d.chance(20) {
                            level.insert(0, rcp_full_aws_access());
                        }
                        level
                    })
                    .collect(),
            );
        }
        step
    }
}

// ---------------------------------------------------------------------------------
// Worlds and AssumeRole chains
// ---------------------------------------------------------------------------------

/// The users of every generated world.
pub const USERS: [&str; 3] = [
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:iam::111122223333:user/team/bob",
    "arn:aws:iam::444455556666:user/carol",
];

/// The groups of every generated world.
pub const GROUPS: [&str; 2] = ["arn:aws:iam::111122223333:group/devs", "arn:aws:iam::111122223333:group/ops"];

/// The roles of every generated world.
pub const ROLES: [&str; 4] = [
    "arn:aws:iam::111122223333:role/dev",
    "arn:aws:iam::111122223333:role/ops/admin",
    "arn:aws:iam::111122223333:role/chain",
    "arn:aws:iam::444455556666:role/dev",
];

/// Resources that may carry a resource-based policy.
pub const POLICY_RESOURCES: [&str; 2] =
    ["arn:aws:s3:::bucket-a/alice/report.txt", "arn:aws:sns:us-east-1:111122223333:topic"];

/// Tag keys and values for principal and session tags.
pub const TAG_KEYS: [&str; 4] = ["team", "env", "Team", "project"];
/// See [`TAG_KEYS`].
pub const TAG_VALUES: [&str; 4] = ["dev", "ops", "prod", ""];

/// The ARN of generated managed policy `i`.
pub fn managed_policy_arn(i: usize) -> String {
    format!("arn:aws:iam::111122223333:policy/p{i}")
}

/// A tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Arbitrary)]
pub struct TagPick {
    /// Index into [`TAG_KEYS`].
    pub key: u8,
    /// Index into [`TAG_VALUES`].
    pub value: u8,
}

fn tag_map(tags: &[TagPick]) -> BTreeMap<String, String> {
    tags.iter().map(|t| (pick(&TAG_KEYS, t.key).to_string(), pick(&TAG_VALUES, t.value).to_string())).collect()
}

/// Picks among `n` managed policies by the bits of `mask`.
fn managed_refs(mask: u8, n: usize) -> Vec<String> {
    (0..n.min(8)).filter(|i| mask & (1 << i) != 0).map(managed_policy_arn).collect()
}

/// A boundary reference: one of the `n` managed policies when `b % 4 == 3`.
fn boundary_ref(b: u8, n: usize) -> Option<String> {
    (b % 4 == 3 && n > 0).then(|| managed_policy_arn(usize::from(b / 4) % n))
}

/// A user of the world.
#[derive(Debug, Clone, PartialEq, Eq, Default, Arbitrary)]
pub struct UserModel {
    /// Group memberships, by bit (bit 7: see [`UserModel::has_id`]).
    pub groups: u8,
    /// Inline policies.
    pub inline: Few<PolicyModel, 1>,
    /// Managed policies, by bit.
    pub managed: u8,
    /// The boundary.
    pub boundary: u8,
    /// Tags.
    pub tags: Few<TagPick, 2>,
}

impl UserModel {
    /// The world holds the user's unique ID ([`USER_IDS`]), so `aws:userid` is known:
    /// bit 7 of `groups`, whose low bits are the memberships (a bit of its own, so that
    /// the rest of the model reads the same bytes as before).
    pub fn has_id(&self) -> bool {
        self.groups & 0x80 != 0
    }
}

/// The unique IDs of [`USERS`], where a world holds them.
pub const USER_IDS: [&str; 3] = ["AIDAEXAMPLEALICE", "AIDAEXAMPLEBOB", "AIDAEXAMPLECAROL"];

/// A group of the world.
#[derive(Debug, Clone, PartialEq, Eq, Default, Arbitrary)]
pub struct GroupModel {
    /// Inline policies.
    pub inline: Few<PolicyModel, 1>,
    /// Managed policies, by bit.
    pub managed: u8,
}

/// A role of the world.
#[derive(Debug, Clone, PartialEq, Eq, Default, Arbitrary)]
pub struct RoleModel {
    /// The trust policy.
    pub trust: PolicyModel,
    /// The role has no trust policy (nobody can assume it) when `% 8 == 7`.
    pub untrusted: u8,
    /// Inline policies.
    pub inline: Few<PolicyModel, 1>,
    /// Managed policies, by bit.
    pub managed: u8,
    /// The boundary.
    pub boundary: u8,
    /// `MaxSessionDuration`: 3600 (default), 7200 or 43200.
    pub max_duration: u8,
    /// Tags.
    pub tags: Few<TagPick, 2>,
}

/// An organization with SCPs and RCPs at the root, an OU and the accounts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Arbitrary)]
pub struct OrgModel {
    /// SCPs by level (root, OU, account A, account B); a level left out has only
    /// `FullAWSAccess`.
    pub scps: [Sometimes<LevelModel>; 4],
    /// RCPs by level.
    pub rcps: [Sometimes<LevelModel>; 4],
    /// Account B is the management account when true.
    pub b_is_management: bool,
}

const ORG_LEVELS: [&str; 4] = ["r-root", "ou-dev", ACCOUNT_A, ACCOUNT_B];

/// One `sts:AssumeRole` call of a chain.
#[derive(Debug, Clone, PartialEq, Eq, Default, Arbitrary)]
pub struct CallModel {
    /// The caller: a user, or (two times in three, once sessions exist) an earlier
    /// session.
    pub caller: u8,
    /// Index into [`ROLES`].
    pub role: u8,
    /// `RoleSessionName`.
    pub session_name: u8,
    /// `DurationSeconds`.
    pub duration: u8,
    /// The inline session policy.
    pub policy: Sometimes<PolicyModel>,
    /// `PolicyArns`, indices into the managed policies.
    pub policy_arns: Sometimes<Few<u8, 2>>,
    /// Pass `SerialNumber` and `TokenCode`.
    pub mfa: bool,
    /// `SourceIdentity`.
    pub source_identity: Sometimes<u8>,
    /// `ExternalId`.
    pub external_id: Sometimes<u8>,
    /// `Tags`.
    pub tags: Sometimes<Few<TagPick, 2>>,
    /// `TransitiveTagKeys`: the call's tags selected by bit.
    pub transitive: u8,
    /// The call's request context.
    pub context: Few<ContextEntry, 2>,
    /// When `% 8 == 7`, one parameter is made invalid (chosen by `/ 8 % 6`): the session
    /// name, the duration (too long, or over an hour), the external id, the source
    /// identity, or a policy ARN that does not exist.
    pub mischief: u8,
}

/// A request made by an issued session.
#[derive(Debug, Clone, PartialEq, Eq, Default, Arbitrary)]
pub struct RequestModel {
    /// Which session makes it (modulo the sessions issued).
    pub session: u8,
    /// The action.
    pub action: ActionPick,
    /// Index into [`RESOURCES`].
    pub resource: u8,
    /// The request context.
    pub context: Few<ContextEntry, 2>,
}

/// A world, a chain of AssumeRole calls, and requests made by the sessions. The calls
/// come first so that short inputs still make calls (against a sparse world).
#[derive(Debug, Clone, PartialEq, Eq, Default, Arbitrary)]
pub struct WorldModel {
    /// The AssumeRole calls, in order.
    pub calls: Few<CallModel, 5>,
    /// Requests by the issued sessions.
    pub requests: Few<RequestModel, 3>,
    /// The roles of [`ROLES`].
    pub roles: [RoleModel; 4],
    /// The users of [`USERS`].
    pub users: [UserModel; 3],
    /// The groups of [`GROUPS`].
    pub groups: [GroupModel; 2],
    /// Managed policies `p0`, `p1`, ...
    pub managed: Few<PolicyModel, 3>,
    /// Resource-based policies of [`POLICY_RESOURCES`].
    pub resources: [Sometimes<PolicyModel>; 2],
    /// The organization.
    pub org: Sometimes<OrgModel>,
    /// How policies are written.
    pub style: Style,
}

/// Who makes an AssumeRole call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallerRef {
    /// A user of [`USERS`], by ARN.
    User(String),
    /// The session issued by an earlier call, by the index of that session among the
    /// sessions issued so far.
    Session(usize),
}

const SESSION_NAMES: [&str; 3] = ["s1", "s2", "dev-session"];
const DURATIONS: [Option<i64>; 10] =
    [None, None, None, None, Some(900), Some(1800), Some(3600), Some(3600), Some(7200), Some(43200)];
const SOURCE_IDENTITIES: [&str; 2] = ["alice", "bob-1"];
const EXTERNAL_IDS: [&str; 2] = ["ext-1", "ext-2"];

impl CallModel {
    /// The caller, given how many sessions have been issued so far.
    pub fn caller_ref(&self, sessions: usize) -> CallerRef {
        if sessions > 0 && self.caller % 3 != 0 {
            CallerRef::Session(usize::from(self.caller / 3) % sessions)
        } else {
            CallerRef::User(pick(&USERS, self.caller / 3).to_string())
        }
    }

    /// The call as an `assumeRole` step (with `as` left for the caller to fill in).
    pub fn to_step(&self, managed: usize, style: Style) -> case::AssumeRoleStep {
        let tags = self.tags.0.as_ref().map(|t| tag_map(&t.0)).unwrap_or_default();
        let transitive: Vec<String> =
            tags.keys().enumerate().filter(|(i, _)| self.transitive & (1 << i) != 0).map(|(_, k)| k.clone()).collect();
        let mut policy_arns: Vec<String> = match managed {
            0 => Vec::new(),
            n => self.policy_arns.0.iter().flatten().map(|i| managed_policy_arn(usize::from(*i) % n)).collect(),
        };
        let mut step = case::AssumeRoleStep {
            as_: String::new(),
            role_arn: pick(&ROLES, self.role).to_string(),
            role_session_name: pick(&SESSION_NAMES, self.session_name).to_string(),
            policy: self.policy.0.as_ref().map(|p| p.render(PolicyType::Session, style)),
            policy_arns: (!policy_arns.is_empty()).then(|| policy_arns.clone()),
            duration_seconds: DURATIONS.get(usize::from(self.duration) % DURATIONS.len()).copied().flatten(),
            external_id: self.external_id.0.map(|i| pick(&EXTERNAL_IDS, i).to_string()),
            serial_number: self.mfa.then(|| "arn:aws:iam::111122223333:mfa/alice".to_string()),
            token_code: self.mfa.then(|| "123456".to_string()),
            token_code_valid: None,
            source_identity: self.source_identity.0.map(|i| pick(&SOURCE_IDENTITIES, i).to_string()),
            tags: (!tags.is_empty()).then_some(tags),
            transitive_tag_keys: (!transitive.is_empty()).then_some(transitive),
            context: render_context(&self.context.0),
        };
        if self.mischief % 8 == 7 {
            match (self.mischief / 8) % 6 {
                0 => step.role_session_name = "x".to_string(),
                1 => step.duration_seconds = Some(43201),
                2 => step.duration_seconds = Some(3601),
                3 => step.external_id = Some("x".to_string()),
                4 => step.source_identity = Some("aws:bad".to_string()),
                _ => {
                    policy_arns.push(managed_policy_arn(9));
                    step.policy_arns = Some(policy_arns);
                }
            }
        }
        step
    }
}

impl WorldModel {
    /// The world in the case format; every reference in it resolves.
    pub fn to_world(&self) -> case::World {
        let style = self.style;
        let n = self.managed.0.len();
        let inline = |ps: &Few<PolicyModel, 1>| -> BTreeMap<String, Value> {
            ps.iter().enumerate().map(|(i, p)| (format!("inline{i}"), p.render(PolicyType::Identity, style))).collect()
        };
        let mut w = case::World::default();
        for (i, p) in self.managed.iter().enumerate() {
            w.policies.insert(managed_policy_arn(i), p.render(PolicyType::Identity, style));
        }
        for ((arn, id), u) in USERS.iter().zip(USER_IDS).zip(self.users.iter()) {
            w.users.insert(
                arn.to_string(),
                case::User {
                    id: u.has_id().then(|| id.to_string()),
                    groups: GROUPS
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| u.groups & (1 << i) != 0)
                        .map(|(_, g)| g.to_string())
                        .collect(),
                    inline_policies: inline(&u.inline),
                    managed_policies: managed_refs(u.managed, n),
                    permissions_boundary: boundary_ref(u.boundary, n),
                    tags: tag_map(&u.tags.0),
                },
            );
        }
        for (arn, g) in GROUPS.iter().zip(self.groups.iter()) {
            w.groups.insert(
                arn.to_string(),
                case::Group { inline_policies: inline(&g.inline), managed_policies: managed_refs(g.managed, n) },
            );
        }
        for (arn, r) in ROLES.iter().zip(self.roles.iter()) {
            let max = match r.max_duration % 4 {
                1 => Some(7200),
                2 => Some(43200),
                3 => Some(3600),
                _ => None,
            };
            w.roles.insert(
                arn.to_string(),
                case::Role {
                    id: None,
                    trust_policy: (r.untrusted % 8 != 7).then(|| r.trust.render(PolicyType::Trust, style)),
                    inline_policies: inline(&r.inline),
                    managed_policies: managed_refs(r.managed, n),
                    permissions_boundary: boundary_ref(r.boundary, n),
                    max_session_duration: max,
                    tags: tag_map(&r.tags.0),
                },
            );
        }
        for (arn, p) in POLICY_RESOURCES.iter().zip(self.resources.iter()) {
            if let Some(p) = &p.0 {
                w.resources.insert(
                    arn.to_string(),
                    case::Resource { account: None, policy: Some(p.render(PolicyType::Resource, style)) },
                );
            }
        }
        if let Some(org) = &self.org.0 {
            let mut o = case::Organization {
                id: Some("o-exampleorg".to_string()),
                management_account: Some(if org.b_is_management { ACCOUNT_B } else { ACCOUNT_C }.to_string()),
                ..case::Organization::default()
            };
            o.accounts.insert(ACCOUNT_A.to_string(), vec!["r-root".to_string(), "ou-dev".to_string()]);
            o.accounts.insert(ACCOUNT_B.to_string(), vec!["r-root".to_string()]);
            for (level, scp) in ORG_LEVELS.iter().zip(org.scps.iter()) {
                if let Some(l) = &scp.0 {
                    o.scps.insert(level.to_string(), l.render(PolicyType::Scp, style));
                }
            }
            for (level, rcp) in ORG_LEVELS.iter().zip(org.rcps.iter()) {
                if let Some(l) = &rcp.0 {
                    o.rcps.insert(level.to_string(), l.render(PolicyType::Rcp, style));
                }
            }
            w.organization = Some(o);
        }
        w
    }
}

// ---------------------------------------------------------------------------------
// Federation: GetFederationToken, GetSessionToken and web identity over a world
// ---------------------------------------------------------------------------------

/// Names for `GetFederationToken` (`fed` is named by [`PRINCIPAL_IDS`]).
pub const FEDERATED_NAMES: [&str; 3] = ["fed", "carol", "b0b"];

/// The GitHub Actions OIDC provider of generated federation worlds.
pub const GITHUB_PROVIDER: &str = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";

/// The role web identity calls assume.
pub const WEB_ROLE: &str = "arn:aws:iam::111122223333:role/deploy";

/// `sub` values a web identity trust policy expects (exact values and patterns).
pub const SUB_PATTERNS: [&str; 8] = [
    "repo:example-org/app:ref:refs/heads/main",
    "repo:example-org/app:*",
    "repo:example-org/*",
    "repo:other-org/app:ref:refs/heads/main",
    "repo:example-org/app:pull_request",
    "repo:Example-Org/app:ref:refs/heads/main",
    "repo:example-org/app:ref:refs/heads/?ain",
    "*",
];

/// `sub` claims of generated tokens.
pub const TOKEN_SUBS: [&str; 6] = [
    "repo:example-org/app:ref:refs/heads/main",
    "repo:example-org/app:pull_request",
    "repo:other-org/app:ref:refs/heads/main",
    "repo:example-org/application:ref:refs/heads/main",
    "repo:Example-Org/app:ref:refs/heads/main",
    "repo:example-org/app:ref:refs/heads/rain",
];

/// A GetFederationToken call.
#[derive(Debug, Clone, PartialEq, Eq, Default, Arbitrary)]
pub struct FederatedCallModel {
    /// The calling user, index into [`USERS`].
    pub caller: u8,
    /// Index into [`FEDERATED_NAMES`].
    pub name: u8,
    /// The inline session policy.
    pub policy: Sometimes<PolicyModel>,
    /// `PolicyArns`, indices into the managed policies.
    pub policy_arns: Sometimes<Few<u8, 2>>,
    /// The caller may call GetFederationToken (an extra inline policy) unless `% 4 == 3`;
    /// when `% 4 == 1` that policy also allows everything.
    pub broker: u8,
}

/// A GetSessionToken call.
#[derive(Debug, Clone, PartialEq, Eq, Default, Arbitrary)]
pub struct TokenCallModel {
    /// The calling user, index into [`USERS`].
    pub caller: u8,
    /// With `SerialNumber` and `TokenCode`.
    pub mfa: bool,
}

/// A web identity role whose trust policy checks `sub`, and a token for it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Arbitrary)]
pub struct WebIdentityModel {
    /// `StringEquals` when even, `StringLike` when odd.
    pub operator: u8,
    /// Index into [`SUB_PATTERNS`].
    pub expected_sub: u8,
    /// Index into [`TOKEN_SUBS`].
    pub token_sub: u8,
    /// The token's audience is the provider's client ID.
    pub audience_ok: bool,
    /// The role's identity policy.
    pub role_policy: PolicyModel,
    /// An inline session policy.
    pub session_policy: Sometimes<PolicyModel>,
}

impl WebIdentityModel {
    /// The operator of the `sub` condition.
    pub fn operator_name(&self) -> &'static str {
        if self.operator % 2 == 0 {
            "StringEquals"
        } else {
            "StringLike"
        }
    }

    /// The trust policy: one statement for the GitHub provider with the `sub` (and
    /// `aud`) condition.
    pub fn trust(&self) -> Value {
        json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": GITHUB_PROVIDER},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                self.operator_name(): {"token.actions.githubusercontent.com:sub": pick(&SUB_PATTERNS, self.expected_sub)}
            }
        }]})
    }

    /// The token's claims.
    pub fn token(&self) -> Value {
        json!({
            "iss": "https://token.actions.githubusercontent.com",
            "aud": if self.audience_ok { "sts.amazonaws.com" } else { "https://github.com/example-org" },
            "sub": pick(&TOKEN_SUBS, self.token_sub),
        })
    }
}

/// A world with the three kinds of federated sessions and requests made with them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Arbitrary)]
pub struct FederationModel {
    /// The GetFederationToken call.
    pub federated: FederatedCallModel,
    /// The GetSessionToken call.
    pub token: TokenCallModel,
    /// The web identity role and token.
    pub web: WebIdentityModel,
    /// Requests made by each session.
    pub requests: Few<RequestModel, 3>,
    /// The world (its AssumeRole calls are not used).
    pub world: WorldModel,
}

impl FederationModel {
    /// The world in the case format, with the GitHub provider and the web identity role.
    pub fn to_world(&self) -> case::World {
        let mut w = self.world.to_world();
        let broker = match self.federated.broker % 4 {
            3 => None,
            1 => Some(json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "sts:GetFederationToken", "Resource": "*"},
                {"Effect": "Allow", "Action": "*", "Resource": "*"}]})),
            _ => Some(json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "sts:GetFederationToken", "Resource": "*"}]})),
        };
        if let (Some(policy), Some(user)) = (broker, w.users.get_mut(pick(&USERS, self.federated.caller))) {
            user.inline_policies.insert("broker".to_string(), policy);
        }
        w.identity_providers.insert(
            GITHUB_PROVIDER.to_string(),
            case::IdentityProvider {
                url: Some("https://token.actions.githubusercontent.com".to_string()),
                client_ids: Some(vec!["sts.amazonaws.com".to_string()]),
                issuer: None,
            },
        );
        w.roles.insert(
            WEB_ROLE.to_string(),
            case::Role {
                id: Some("AROADBQP57FF2AEXAMPLE".to_string()),
                trust_policy: Some(self.web.trust()),
                inline_policies: [(
                    "p".to_string(),
                    self.web.role_policy.render(PolicyType::Identity, self.world.style),
                )]
                .into(),
                max_session_duration: Some(3600),
                ..case::Role::default()
            },
        );
        w
    }
}

// ---------------------------------------------------------------------------------
// Patterns and policy text
// ---------------------------------------------------------------------------------

/// Symbols of short glob patterns and inputs: letters in two cases, the wildcards, the
/// separators, and characters of two and three bytes in UTF-8.
pub const GLOB_ALPHABET: [&str; 10] = ["a", "b", "A", "*", "?", "/", ":", "\u{e9}", "\u{20ac}", "B"];

/// Choices for each of the six ARN components, wildcards included.
pub const ARN_PARTS: [&[&str]; 6] = [
    &["arn", "a*", "*"],
    &["aws", "*", "aws-cn", "a?s"],
    &["s3", "iam", "*", "s?"],
    &["", "us-east-1", "*", "us-*"],
    &["", "111122223333", "*", "1111*"],
    &[
        "bucket/key",
        "b/*/test/*",
        "user/alice",
        "*",
        "x:y:z",
        "b/1/2/test/3/x.jpg",
        "*:111122223333:finance/*",
        "store/abc:111122223333:finance/x",
    ],
];

/// A glob pattern and an input, and an ARN pattern and an ARN.
#[derive(Debug, Clone, PartialEq, Eq, Default, Arbitrary)]
pub struct PatternInput {
    /// Pattern symbols, indices into [`GLOB_ALPHABET`].
    pub pattern: Few<u8, 10>,
    /// Input symbols.
    pub input: Few<u8, 14>,
    /// Raw strings used instead of the symbols (cut to 10 and 14 characters).
    pub raw: Sometimes<(String, String)>,
    /// ARN pattern components, indices into [`ARN_PARTS`].
    pub arn_pattern: [u8; 6],
    /// ARN components.
    pub arn_text: [u8; 6],
    /// How many components the pattern (`% 8`, six from 3 up) and the ARN (`/ 8 % 8`)
    /// keep.
    pub arn_cut: u8,
}

fn symbols(picks: &[u8]) -> String {
    picks.iter().map(|p| pick(&GLOB_ALPHABET, *p)).collect()
}

fn cut(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

fn arn_text(picks: &[u8; 6], keep: u8) -> String {
    let keep = if keep < 3 { 6 } else { usize::from(keep).min(6) };
    let parts: Vec<&str> =
        ARN_PARTS.iter().zip(picks.iter()).take(keep).map(|(choices, p)| pick(choices, *p)).collect();
    parts.join(":")
}

impl PatternInput {
    /// The glob pattern and input.
    pub fn strings(&self) -> (String, String) {
        match &self.raw.0 {
            Some((p, i)) => (cut(p, 10), cut(i, 14)),
            None => (symbols(&self.pattern.0), symbols(&self.input.0)),
        }
    }

    /// The ARN pattern and ARN.
    pub fn arn_strings(&self) -> (String, String) {
        (arn_text(&self.arn_pattern, self.arn_cut % 8), arn_text(&self.arn_text, (self.arn_cut / 8) % 8))
    }
}

/// Fragments the policy-text edits insert: JSON punctuation, element names, escapes,
/// characters outside the allowed range, deep nesting.
pub const TEXT_TOKENS: [&str; 33] = [
    "\"",
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "\\",
    "\\u0000",
    "\"Statement\"",
    "\"Effect\"",
    "\"Allow\"",
    "\"Deny\"",
    "\"NotAction\"",
    "\"Principal\"",
    "\"Condition\"",
    "${",
    "*",
    "\u{e9}",
    "\u{2028}",
    "1e999",
    "null",
    "true",
    "\"Sid\":\"a\",",
    "\"Version\":\"2012-10-17\",",
    "\"Action\":\"*\",",
    "\"Resource\":[],",
    "{\"AWS\":\"*\"}",
    "\"StringEquals\"",
    "\\ud800",
    "[[[[[[[[",
    "-0",
    "\t",
];

/// One edit of policy text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Arbitrary)]
pub struct Edit {
    /// Where (modulo the length, moved back to a character boundary).
    pub at: u16,
    /// Insert a token (`% 3 == 0`), delete characters (1), or replace one character (2).
    pub kind: u8,
    /// Index into [`TEXT_TOKENS`], or how many characters to delete.
    pub token: u8,
}

/// Policy text for the parser: a generated policy with a few edits, or raw text.
#[derive(Debug, Clone, PartialEq, Eq, Default, Arbitrary)]
pub struct ParseInput {
    /// The policy.
    pub policy: TypedPolicy,
    /// Edits applied in order.
    pub edits: Few<Edit, 3>,
    /// Raw text used instead of the policy.
    pub raw: Sometimes<String>,
}

impl ParseInput {
    /// The text.
    pub fn text(&self) -> String {
        let mut text = match &self.raw.0 {
            Some(raw) => raw.clone(),
            None => self.policy.policy.render(self.policy.policy_type(), self.policy.style).to_string(),
        };
        for e in self.edits.iter() {
            let mut at = usize::from(e.at) % (text.len() + 1);
            while at > 0 && !text.is_char_boundary(at) {
                at -= 1;
            }
            let token = pick(&TEXT_TOKENS, e.token);
            match e.kind % 3 {
                0 => text.insert_str(at, token),
                1 => {
                    let n = usize::from(e.token % 8) + 1;
                    let end =
                        text.get(at..).map_or(at, |rest| at + rest.chars().take(n).map(char::len_utf8).sum::<usize>());
                    text.replace_range(at..end, "");
                }
                _ => {
                    let end = text.get(at..).and_then(|rest| rest.chars().next()).map_or(at, |c| at + c.len_utf8());
                    text.replace_range(at..end, token);
                }
            }
        }
        text
    }
}

/// Bytes of proptest input for an [`EvalInput`].
pub const EVAL_BYTES: usize = 768;
/// Bytes of proptest input for a [`WorldModel`].
pub const WORLD_BYTES: usize = 1536;
/// Bytes of proptest input for a [`TypedPolicy`] or a [`ParseInput`].
pub const POLICY_BYTES: usize = 320;
/// Bytes of proptest input for a [`PatternInput`].
pub const PATTERN_BYTES: usize = 64;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_bytes_read_as_the_simplest_model() {
        let m: EvalInput = from_bytes(&[]);
        assert_eq!(m, EvalInput::default());
        let step = m.case.to_step();
        assert_eq!(step.principal, CALLERS[0]);
        assert!(step.identity_policies.is_empty() && step.session_policies.is_none());
    }

    #[test]
    fn paired_cases_ask_each_action_on_a_resource_of_its_type() {
        let empty: paired::PairedCase = from_bytes(&[]);
        assert_eq!(empty.0.principal, "arn:aws:iam::111122223333:user/alice");
        assert!(empty.0.identity_policies.is_empty() && empty.0.scps.is_none());
        let mut kinds = std::collections::BTreeSet::new();
        for i in 0..500 {
            let step = from_bytes::<paired::PairedCase>(&seeded_bytes(11, i, 1024)).0;
            assert!(paired::is_paired(&step.action, &step.resource), "{} on {}", step.action, step.resource);
            kinds.insert((step.resource_policy.is_some(), step.session_policies.is_some(), step.scps.is_some()));
        }
        assert_eq!(kinds.len(), 8, "every mix of optional layers is drawn: {kinds:?}");
    }

    #[test]
    fn seeded_bytes_are_deterministic_per_case() {
        assert_eq!(seeded_bytes(1, 2, 64), seeded_bytes(1, 2, 64));
        assert_ne!(seeded_bytes(1, 2, 64), seeded_bytes(1, 3, 64));
        assert_eq!(seeded_bytes(1, 2, 64)[..16], seeded_bytes(1, 2, 16)[..]);
    }

    #[test]
    fn letter_cases() {
        assert_eq!(letter_case("s3:GetObject", 1), "s3:getobject");
        assert_eq!(letter_case("s3:GetObject", 2), "S3:GETOBJECT");
        assert_eq!(letter_case("s3:GetObject", 3), "S3:gEtObJeCt");
    }
}
