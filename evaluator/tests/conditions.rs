//! Condition operators, one rstest table per family (IAM-SPEC.md section 3), and
//! property tests of the relations between operators.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use iam_evaluator::condition::{Condition, Operator, Tri};
use iam_evaluator::{Context, ContextValue};
use proptest::prelude::*;
use rstest::rstest;

const ABSENT: Option<&str> = None;

/// True when the condition holds for certain (not false, not unknown).
fn sure(cond: &Condition, ctx: &Context) -> bool {
    cond.evaluate_tri(ctx) == Tri::True
}

fn holds(op: &str, policy_values: &[&str], request: Option<&str>) -> bool {
    let cond = Condition::new(
        Operator::parse(op).unwrap_or_else(|| panic!("unknown operator {op}")),
        "test:Key",
        policy_values.iter().map(|s| s.to_string()).collect(),
        true,
    )
    .unwrap_or_else(|e| panic!("{op} {policy_values:?}: {e:?}"));
    let mut ctx = Context::new();
    if let Some(v) = request {
        ctx.insert("TEST:key", ContextValue::single(v));
    }
    sure(&cond, &ctx)
}

fn holds_multi(op: &str, policy_values: &[&str], request: Option<&[&str]>) -> bool {
    let cond = Condition::new(
        Operator::parse(op).unwrap(),
        "aws:TagKeys",
        policy_values.iter().map(|s| s.to_string()).collect(),
        true,
    )
    .unwrap();
    let mut ctx = Context::new();
    if let Some(vs) = request {
        ctx.insert("aws:TagKeys", ContextValue::multi(vs.iter().map(|s| s.to_string()).collect()));
    }
    sure(&cond, &ctx)
}

#[rstest]
#[case("StringEquals", &["abc"], Some("abc"), true)]
#[case("StringEquals", &["abc"], Some("ABC"), false)]
#[case("StringEquals", &["a*"], Some("abc"), false)]
#[case("StringEquals", &["a*"], Some("a*"), true)]
#[case("StringEquals", &["x", "abc"], Some("abc"), true)]
#[case("StringEquals", &["abc"], ABSENT, false)]
#[case("StringEqualsIfExists", &["abc"], ABSENT, true)]
#[case("StringEqualsIfExists", &["abc"], Some("x"), false)]
#[case("StringNotEquals", &["abc"], Some("x"), true)]
#[case("StringNotEquals", &["abc", "x"], Some("x"), false)]
#[case("StringNotEquals", &["abc"], ABSENT, true)]
#[case("StringEqualsIgnoreCase", &["AbC"], Some("aBc"), true)]
#[case("StringNotEqualsIgnoreCase", &["AbC"], Some("aBc"), false)]
#[case("StringLike", &["a*c"], Some("abbbc"), true)]
#[case("StringLike", &["a?c"], Some("abbc"), false)]
#[case("StringLike", &["A*"], Some("abc"), false)]
#[case("StringNotLike", &["a*"], Some("bcd"), true)]
#[case("StringNotLike", &["a*"], ABSENT, true)]
fn string_operators(#[case] op: &str, #[case] values: &[&str], #[case] request: Option<&str>, #[case] expected: bool) {
    assert_eq!(holds(op, values, request), expected);
}

#[rstest]
#[case("NumericEquals", &["10"], Some("10.0"), true)]
#[case("NumericEquals", &["10"], Some("11"), false)]
#[case("NumericNotEquals", &["10"], Some("11"), true)]
#[case("NumericLessThan", &["10"], Some("9.5"), true)]
#[case("NumericLessThan", &["10"], Some("10"), false)]
#[case("NumericLessThanEquals", &["10"], Some("10"), true)]
#[case("NumericGreaterThan", &["10"], Some("10"), false)]
#[case("NumericGreaterThanEquals", &["-1.5"], Some("-1.5"), true)]
#[case("NumericLessThan", &["10"], ABSENT, false)]
#[case("NumericLessThanIfExists", &["10"], ABSENT, true)]
// A request value the operator cannot read never matches, negated or not.
#[case("NumericLessThan", &["10"], Some("abc"), false)]
#[case("NumericNotEquals", &["10"], Some("abc"), false)]
fn numeric_operators(#[case] op: &str, #[case] values: &[&str], #[case] request: Option<&str>, #[case] expected: bool) {
    assert_eq!(holds(op, values, request), expected);
}

#[rstest]
#[case("DateGreaterThan", &["2020-01-01T00:00:00Z"], Some("2021-06-01T12:00:00Z"), true)]
#[case("DateLessThan", &["2020-01-01T00:00:00Z"], Some("2019-12-31"), true)]
#[case("DateEquals", &["2020-01-01"], Some("1577836800"), true)]
#[case("DateNotEquals", &["2020-01-01"], Some("1577836801"), true)]
#[case("DateLessThanEquals", &["2020-01-01T01:00:00+01:00"], Some("2020-01-01T00:00:00Z"), true)]
#[case("DateGreaterThanEquals", &["1577836800"], Some("2019-01-01T00:00:00Z"), false)]
#[case("DateGreaterThan", &["2020-01-01"], ABSENT, false)]
#[case("DateGreaterThanIfExists", &["2020-01-01"], ABSENT, true)]
#[case("DateGreaterThan", &["2020-01-01"], Some("yesterday"), false)]
fn date_operators(#[case] op: &str, #[case] values: &[&str], #[case] request: Option<&str>, #[case] expected: bool) {
    assert_eq!(holds(op, values, request), expected);
}

#[rstest]
#[case("Bool", &["true"], Some("true"), true)]
#[case("Bool", &["true"], Some("false"), false)]
#[case("Bool", &["false"], ABSENT, false)]
#[case("BoolIfExists", &["false"], ABSENT, true)]
#[case("Bool", &["true"], Some("yes"), false)]
#[case("BinaryEquals", &["QmluYXJ5VmFsdWU="], Some("QmluYXJ5VmFsdWU="), true)]
#[case("BinaryEquals", &["QmluYXJ5VmFsdWU="], Some("b3RoZXI="), false)]
#[case("BinaryEquals", &["QmluYXJ5VmFsdWU="], ABSENT, false)]
fn bool_and_binary_operators(
    #[case] op: &str,
    #[case] values: &[&str],
    #[case] request: Option<&str>,
    #[case] expected: bool,
) {
    assert_eq!(holds(op, values, request), expected);
}

#[rstest]
#[case("IpAddress", &["203.0.113.0/24"], Some("203.0.113.5"), true)]
#[case("IpAddress", &["203.0.113.0/24"], Some("198.51.100.1"), false)]
#[case("IpAddress", &["203.0.113.5"], Some("203.0.113.5"), true)]
#[case("IpAddress", &["2001:db8::/32"], Some("2001:db8::1"), true)]
#[case("IpAddress", &["2001:db8::/32"], Some("203.0.113.5"), false)]
#[case("NotIpAddress", &["203.0.113.0/24"], Some("198.51.100.1"), true)]
#[case("NotIpAddress", &["203.0.113.0/24"], ABSENT, true)]
#[case("NotIpAddress", &["203.0.113.0/24"], Some("not-an-ip"), false)]
#[case("IpAddressIfExists", &["203.0.113.0/24"], ABSENT, true)]
fn ip_operators(#[case] op: &str, #[case] values: &[&str], #[case] request: Option<&str>, #[case] expected: bool) {
    assert_eq!(holds(op, values, request), expected);
}

#[rstest]
#[case("ArnLike", &["arn:aws:iam::*:role/ops-*"], Some("arn:aws:iam::111122223333:role/ops-admin"), true)]
#[case("ArnEquals", &["arn:aws:iam::*:role/ops-*"], Some("arn:aws:iam::111122223333:role/ops-admin"), true)]
#[case("ArnLike", &["arn:aws:svc:*:111122223333:finance/*"], Some("arn:aws:svc:us-east-2:999999999999:store/abc:111122223333:finance/x"), false)]
#[case("ArnNotLike", &["arn:aws:iam::*:role/ops-*"], Some("arn:aws:iam::111122223333:role/dev"), true)]
#[case("ArnLike", &["arn:aws:iam::*:role/*"], Some("not-an-arn"), false)]
#[case("ArnNotLike", &["arn:aws:iam::*:role/*"], Some("not-an-arn"), false)]
#[case("ArnLike", &["arn:aws:iam::*:role/*"], ABSENT, false)]
#[case("ArnLikeIfExists", &["arn:aws:iam::*:role/*"], ABSENT, true)]
fn arn_operators(#[case] op: &str, #[case] values: &[&str], #[case] request: Option<&str>, #[case] expected: bool) {
    assert_eq!(holds(op, values, request), expected);
}

#[rstest]
#[case("Null", &["true"], ABSENT, true)]
#[case("Null", &["true"], Some("x"), false)]
#[case("Null", &["false"], Some("x"), true)]
#[case("Null", &["false"], ABSENT, false)]
fn null_operator(#[case] op: &str, #[case] values: &[&str], #[case] request: Option<&str>, #[case] expected: bool) {
    assert_eq!(holds(op, values, request), expected);
}

#[rstest]
#[case("ForAllValues:StringEquals", &["a", "b"], Some(&["a"][..]), true)]
#[case("ForAllValues:StringEquals", &["a", "b"], Some(&["a", "c"][..]), false)]
#[case("ForAllValues:StringEquals", &["a"], None, true)]
#[case("ForAllValues:StringEquals", &["a"], Some(&[][..]), true)]
#[case("ForAnyValue:StringEquals", &["a"], Some(&["c", "a"][..]), true)]
#[case("ForAnyValue:StringEquals", &["a"], None, false)]
#[case("ForAnyValue:StringEquals", &["a"], Some(&[][..]), false)]
#[case("ForAllValues:StringNotEquals", &["a"], Some(&["b", "c"][..]), true)]
#[case("ForAllValues:StringNotEquals", &["a"], Some(&["b", "a"][..]), false)]
#[case("ForAnyValue:StringNotEquals", &["a"], Some(&["b", "a"][..]), true)]
#[case("ForAnyValue:StringNotEquals", &["a"], Some(&["a"][..]), false)]
#[case("StringEquals", &["a"], Some(&["b", "a"][..]), true)]
#[case("StringNotEquals", &["a"], Some(&["b", "a"][..]), false)]
fn set_qualifiers(#[case] op: &str, #[case] values: &[&str], #[case] request: Option<&[&str]>, #[case] expected: bool) {
    assert_eq!(holds_multi(op, values, request), expected);
}

#[rstest]
#[case("DateGreaterThan", "notadate")]
#[case("IpAddress", "300.1.1.1")]
#[case("BinaryEquals", "***")]
#[case("Bool", "maybe")]
#[case("Null", "perhaps")]
fn policy_values_the_operator_cannot_read_are_parse_errors(#[case] op: &str, #[case] value: &str) {
    assert!(Condition::new(Operator::parse(op).unwrap(), "k", vec![value.to_string()], true).is_err());
}

/// A Numeric value that is not a number is accepted (no AWS page says IAM rejects it,
/// corpus/parse/097) and makes the comparison unknown: never true for an Allow, and a
/// Deny applies. A readable value beside it still decides.
#[rstest]
#[case("NumericLessThan", &["abc"], "5", Tri::Unknown)]
#[case("NumericNotEquals", &["abc"], "5", Tri::Unknown)]
#[case("NumericLessThan", &["abc", "10"], "5", Tri::True)]
#[case("NumericLessThan", &["abc", "1"], "5", Tri::Unknown)]
#[case("NumericGreaterThanIfExists", &["abc"], "5", Tri::Unknown)]
fn numeric_values_that_are_not_numbers_are_unknown(
    #[case] op: &str,
    #[case] values: &[&str],
    #[case] request: &str,
    #[case] expected: Tri,
) {
    let c = Condition::new(Operator::parse(op).unwrap(), "k", values.iter().map(|v| v.to_string()).collect(), true)
        .unwrap();
    let mut ctx = Context::new();
    ctx.insert("k", ContextValue::single(request.to_string()));
    assert_eq!(c.evaluate_tri(&ctx), expected);
    // An absent key is decided as for any other value (R3.3).
    assert_eq!(c.evaluate_tri(&Context::new()), Tri::from(op.ends_with("IfExists") || op.contains("Not")));
}

#[test]
fn key_names_are_case_insensitive() {
    let cond =
        Condition::new(Operator::parse("IpAddress").unwrap(), "AWS:SourceIP", vec!["10.0.0.0/8".into()], true).unwrap();
    let mut ctx = Context::new();
    ctx.insert("aws:SourceIp", ContextValue::single("10.1.2.3"));
    assert!(sure(&cond, &ctx));
}

const POSITIVE: [&str; 8] = [
    "StringEquals",
    "StringEqualsIgnoreCase",
    "StringLike",
    "NumericEquals",
    "DateEquals",
    "IpAddress",
    "ArnLike",
    "ArnEquals",
];

fn negation(op: &str) -> String {
    match op {
        "StringEquals" => "StringNotEquals".into(),
        "StringEqualsIgnoreCase" => "StringNotEqualsIgnoreCase".into(),
        "StringLike" => "StringNotLike".into(),
        "NumericEquals" => "NumericNotEquals".into(),
        "DateEquals" => "DateNotEquals".into(),
        "IpAddress" => "NotIpAddress".into(),
        "ArnLike" => "ArnNotLike".into(),
        _ => "ArnNotEquals".into(),
    }
}

fn small_value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ab*?]{0,4}",
        "[0-9]{1,3}",
        Just("10.0.0.1".to_string()),
        Just("10.0.0.0/8".to_string()),
        Just("arn:aws:iam::111122223333:role/a".to_string()),
        Just("arn:aws:iam::*:role/*".to_string()),
        Just("2020-01-01".to_string()),
    ]
}

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256);
    ProptestConfig { cases, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(config())]

    /// `X` and `XIfExists` agree whenever the key is present.
    #[test]
    fn if_exists_agrees_when_present(op_i in 0usize..8, policy in small_value(), request in small_value()) {
        let op = POSITIVE[op_i];
        let plain = Condition::new(Operator::parse(op).unwrap(), "k", vec![policy.clone()], true);
        let if_exists = Condition::new(Operator::parse(&format!("{op}IfExists")).unwrap(), "k", vec![policy], true);
        if let (Ok(a), Ok(b)) = (plain, if_exists) {
            let mut ctx = Context::new();
            ctx.insert("k", ContextValue::single(request));
            prop_assert_eq!(sure(&a, &ctx), sure(&b, &ctx));
        }
    }

    /// A negated operator is the complement of its positive form for a present,
    /// single-valued key whose value the operator can read.
    #[test]
    fn negation_is_the_complement(op_i in 0usize..8, policy in small_value(), request in small_value()) {
        let op = POSITIVE[op_i];
        let pos = Condition::new(Operator::parse(op).unwrap(), "k", vec![policy.clone()], true);
        let neg = Condition::new(Operator::parse(&negation(op)).unwrap(), "k", vec![policy.clone()], true);
        if let (Ok(p), Ok(n)) = (pos, neg) {
            let mut ctx = Context::new();
            ctx.insert("k", ContextValue::single(request.clone()));
            let readable = match op {
                "NumericEquals" => {
                    iam_evaluator::condition::parse_number(&request).is_some()
                        && iam_evaluator::condition::parse_number(&policy).is_some()
                }
                "DateEquals" => iam_evaluator::condition::parse_date(&request).is_some(),
                "IpAddress" => request.parse::<std::net::IpAddr>().is_ok(),
                "ArnLike" | "ArnEquals" => iam_evaluator::pattern::arn_components(&request).is_some(),
                _ => true,
            };
            if readable {
                prop_assert_ne!(sure(&p, &ctx), sure(&n, &ctx));
            } else {
                prop_assert!(!sure(&p, &ctx) && !sure(&n, &ctx));
            }
        }
    }

    /// ForAllValues over an absent key holds and ForAnyValue does not.
    #[test]
    fn set_qualifiers_on_absent_keys(op_i in 0usize..8, policy in small_value()) {
        let op = POSITIVE[op_i];
        let all = Condition::new(Operator::parse(&format!("ForAllValues:{op}")).unwrap(), "k", vec![policy.clone()], true);
        let any = Condition::new(Operator::parse(&format!("ForAnyValue:{op}")).unwrap(), "k", vec![policy], true);
        if let (Ok(a), Ok(b)) = (all, any) {
            prop_assert!(sure(&a, &Context::new()));
            prop_assert!(!sure(&b, &Context::new()));
        }
    }

    /// StringEquals implies StringLike on the same literal without wildcards, and
    /// ArnLike implies StringLike.
    #[test]
    fn equality_implies_like(policy in "[a-z:/0-9]{0,12}", request in "[a-z:/0-9*]{0,12}", arn_policy in small_value()) {
        let mut ctx = Context::new();
        ctx.insert("k", ContextValue::single(request));
        let eq = Condition::new(Operator::parse("StringEquals").unwrap(), "k", vec![policy.clone()], true).unwrap();
        let like = Condition::new(Operator::parse("StringLike").unwrap(), "k", vec![policy], true).unwrap();
        prop_assert!(!sure(&eq, &ctx) || sure(&like, &ctx));
        let arn_like = Condition::new(Operator::parse("ArnLike").unwrap(), "k", vec![arn_policy.clone()], true).unwrap();
        let str_like = Condition::new(Operator::parse("StringLike").unwrap(), "k", vec![arn_policy], true).unwrap();
        prop_assert!(!sure(&arn_like, &ctx) || sure(&str_like, &ctx));
    }
}
