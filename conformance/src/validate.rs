//! Load-time checks of a case against the case format (docs/CASE-FORMAT.md), beyond
//! what its JSON shape says: every step does one thing and checks something, the
//! names in `expect` are the format's, requests carry an action and a resource of
//! the right form, context values are scalars or lists of them, and every policy the
//! case gives (to `evaluate` steps and in the world) parses as the type it is used as.
//!
//! A case that breaks one of these is an invalid case, reported with the JSON
//! location of the value, and is never sent to an implementation: otherwise a typo
//! such as `"decision": "Allow"` would fail against every implementation alike.
//!
//! The checks walk the case's JSON tree rather than the typed model so that they give
//! a location for every value and do not depend on how steps are modelled in Rust.
//! Policies that a step is about (the policy of a `parse` step, the session policy
//! passed to an STS call) are not checked: their rejection is what the step tests.

use iam_evaluator::policy::{parse_policy_value, ParseOptions};
use iam_evaluator::{ParseError, Policy, PolicyType};
use serde_json::Value;

use crate::locate::JsonPath;

/// The case format version these checks follow (docs/CASE-FORMAT.md).
pub const CASE_FORMAT_VERSION: &str = "1.1";
/// The `version` of the harness protocol's `start` message.
pub const PROTOCOL_VERSION: u32 = 1;

/// `decision` values.
pub const DECISIONS: &[&str] = &["allowed", "explicitDeny", "implicitDeny"];
/// `deniedBy` values (v1.1 adds `credentialType`).
pub const DENIED_BY: &[&str] = &[
    "scp",
    "rcp",
    "resourcePolicy",
    "trustPolicy",
    "identityPolicy",
    "permissionsBoundary",
    "sessionPolicy",
    "credentialType",
];
/// `error` values (v1.1 adds the federation errors).
pub const ERRORS: &[&str] = &[
    "ValidationError",
    "MalformedPolicyDocument",
    "PackedPolicyTooLarge",
    "AccessDenied",
    "NoSuchEntity",
    "InvalidIdentityToken",
    "IDPRejectedClaim",
    "ExpiredTokenException",
];
/// `errorKind` values.
pub const ERROR_KINDS: &[&str] = &[
    "json",
    "shape",
    "version",
    "effect",
    "missing-element",
    "conflicting-elements",
    "forbidden-element",
    "principal",
    "sid",
    "operator",
    "variable",
    "size",
    "characters",
    // importAccount (v1.2) only; its policy documents have the kinds above.
    "truncated",
    "default-version",
    "encoding",
    "duplicate",
    "arn",
    "reference",
];
/// Policy type names of `parse` steps.
pub const POLICY_TYPES: &[&str] = &["identity", "resource", "trust", "boundary", "session", "scp", "rcp"];

/// Keys of a step that are not its action.
const STEP_EXTRAS: [&str; 2] = ["expect", "saveAs"];

/// What is wrong with a value of a case.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Problem {
    /// The step has no action key.
    #[error("the step has no action key (evaluate, request, assumeRole, parse, ...)")]
    NoAction,
    /// The step has several action keys.
    #[error("the step has more than one action key ({0})")]
    SeveralActions(String),
    /// `expect` names no field: the step would check nothing.
    #[error("`expect` is empty: the step would check nothing")]
    EmptyExpect,
    /// A name outside the format's list.
    #[error("{value} is not a `{field}` value; the format's values are {}{}", allowed.join(", "), hint.as_ref().map(|h| format!(" (did you mean \"{h}\"?)")).unwrap_or_default())]
    UnknownName {
        /// The field.
        field: &'static str,
        /// The value found, as JSON.
        value: String,
        /// The values the format allows.
        allowed: &'static [&'static str],
        /// The allowed value that differs only in letter case, if any.
        hint: Option<String>,
    },
    /// An action without a `service:` prefix.
    #[error("action {0:?} is not of the form service:Action (such as s3:GetObject)")]
    Action(String),
    /// A resource that is neither `*` nor an ARN.
    #[error("resource {0:?} is neither * nor an ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)")]
    Resource(String),
    /// An `evaluate` principal that is not a caller's ARN.
    #[error("{0}")]
    Principal(String),
    /// A `resourceAccount` that is not 12 digits.
    #[error("resourceAccount {0:?} is not an account id (12 digits)")]
    Account(String),
    /// An `errorPointer` that is not a JSON pointer, or that no `errorKind` it can
    /// locate goes with.
    #[error("errorPointer {0}")]
    ErrorPointer(String),
    /// A context value that is not a string, number, boolean or a list of them.
    #[error("context value {0} is not a string, number, boolean or a list of them")]
    ContextValue(String),
    /// A policy of the case that does not parse as the type it is used as.
    #[error("the {} policy is invalid: {}", ty.name(), policy_error(error, *raw_text))]
    Policy {
        /// The type it is used as.
        ty: PolicyType,
        /// The parser's classified error, located in the policy's own text.
        error: ParseError,
        /// Whether the policy is given as a string of raw text (locations are then in
        /// that text) rather than as a JSON object (locations are in the case file).
        raw_text: bool,
    },
}

/// `KIND error at POINTER: MESSAGE`; for a policy given as text, with the line and
/// column in that text.
fn policy_error(e: &ParseError, raw_text: bool) -> String {
    let pointer = if e.location.pointer.is_empty() { "/" } else { &e.location.pointer };
    if raw_text {
        format!(
            "{} error at {pointer} (line {}, column {} of the policy text): {}",
            e.kind, e.location.line, e.location.column, e.message
        )
    } else {
        format!("{} error at {pointer}: {}", e.kind, e.message)
    }
}

/// A problem and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    /// The value at fault.
    pub path: JsonPath,
    /// What is wrong with it.
    pub problem: Problem,
}

/// Checks a case's JSON tree; the first problem found, in document order.
pub fn check(case: &Value) -> Result<(), Located> {
    let root = JsonPath::root();
    if let Some(world) = case.get("world") {
        check_world(world, &root.key("world"))?;
    }
    for (i, step) in case.get("steps").and_then(Value::as_array).into_iter().flatten().enumerate() {
        check_step(step, &root.key("steps").index(i))?;
    }
    Ok(())
}

fn fail<T>(path: JsonPath, problem: Problem) -> Result<T, Located> {
    Err(Located { path, problem })
}

fn check_step(step: &Value, at: &JsonPath) -> Result<(), Located> {
    let Some(obj) = step.as_object() else { return Ok(()) };
    let actions: Vec<&String> = obj.keys().filter(|k| !STEP_EXTRAS.contains(&k.as_str())).collect();
    let kind = match actions.as_slice() {
        [one] => one.as_str(),
        [] => return fail(at.clone(), Problem::NoAction),
        many => {
            let names: Vec<&str> = many.iter().map(|s| s.as_str()).collect();
            return fail(at.clone(), Problem::SeveralActions(names.join(", ")));
        }
    };
    let body = obj.get(kind).unwrap_or(&Value::Null);
    let body_at = at.key(kind);
    match kind {
        "evaluate" => {
            if let Some(p) = body.get("principal").and_then(Value::as_str) {
                if let Err(e) = iam_evaluator::Principal::parse(p) {
                    return fail(body_at.key("principal"), Problem::Principal(e.to_string()));
                }
            }
            check_request(body, &body_at)?;
            check_evaluate_policies(body, &body_at)?;
        }
        "request" | "whoCan" => check_request(body, &body_at)?,
        "parse" => {
            if let Some(t) = body.get("type") {
                check_name(t, "type", POLICY_TYPES, &body_at.key("type"))?;
            }
        }
        _ => {}
    }
    if let Some(ctx) = body.get("context") {
        check_context(ctx, &body_at.key("context"))?;
    }
    let expect_at = at.key("expect");
    match obj.get("expect") {
        Some(Value::Object(e)) if e.is_empty() => fail(expect_at, Problem::EmptyExpect),
        Some(e) => check_expect(e, &expect_at),
        None => Ok(()),
    }
}

fn check_expect(e: &Value, at: &JsonPath) -> Result<(), Located> {
    for (field, allowed) in
        [("decision", DECISIONS), ("deniedBy", DENIED_BY), ("error", ERRORS), ("errorKind", ERROR_KINDS)]
    {
        if let Some(v) = e.get(field) {
            check_name(v, field, allowed, &at.key(field))?;
        }
    }
    if let Some(p) = e.get("errorPointer") {
        check_error_pointer(p, e.get("errorKind"), &at.key("errorPointer"))?;
    }
    for (arn, v) in e.get("principals").and_then(Value::as_object).into_iter().flatten() {
        // `if KEY, KEY...` also names the keys the answer depends on (v1.2).
        let keyed = v.as_str().and_then(|s| s.strip_prefix("if ")).is_some_and(keys_ok);
        if !keyed {
            check_name(v, "principals", VERDICTS, &at.key("principals").key(arn))?;
        }
    }
    for (arn, v) in e.get("roles").and_then(Value::as_object).into_iter().flatten() {
        check_name(v, "roles", VERDICTS, &at.key("roles").key(arn))?;
    }
    Ok(())
}

/// The keys of a `whoCan` verdict `if KEY, KEY...`: condition key names, comma
/// separated, none empty, none twice (compared case-insensitively, as keys are).
fn keys_ok(keys: &str) -> bool {
    let mut seen = std::collections::BTreeSet::new();
    keys.split(", ").all(|k| {
        !k.is_empty()
            && !k.contains(|c: char| c.is_whitespace() || c == ',')
            && k.contains(':')
            && seen.insert(k.to_ascii_lowercase())
    })
}

/// The verdicts of `whoCan` and `reach` expectations ("no" is left out of the maps).
const VERDICTS: &[&str] = &["yes", "if"];

fn check_name(v: &Value, field: &'static str, allowed: &'static [&'static str], at: &JsonPath) -> Result<(), Located> {
    let s = v.as_str().unwrap_or("");
    if allowed.contains(&s) {
        return Ok(());
    }
    let hint = allowed.iter().find(|a| a.eq_ignore_ascii_case(s)).map(|a| a.to_string());
    fail(at.clone(), Problem::UnknownName { field, value: v.to_string(), allowed, hint })
}

/// An `errorPointer` (v1.2) is an RFC 6901 JSON pointer (`""` or `/`-separated
/// tokens, `~` only as `~0` or `~1`) beside an `errorKind` whose location is defined:
/// a `characters` error is in the text, not at a value of the document.
fn check_error_pointer(p: &Value, kind: Option<&Value>, at: &JsonPath) -> Result<(), Located> {
    let Some(text) = p.as_str() else {
        return fail(at.clone(), Problem::ErrorPointer(format!("{p} is not a string")));
    };
    let escapes_ok = text.split('~').skip(1).all(|rest| rest.starts_with(['0', '1']));
    if !(text.is_empty() || text.starts_with('/')) || !escapes_ok {
        return fail(
            at.clone(),
            Problem::ErrorPointer(format!(
                "{text:?} is not a JSON pointer (\"\" or /Statement/0/Effect; ~ only as ~0 or ~1)"
            )),
        );
    }
    match kind.and_then(Value::as_str) {
        None => fail(at.clone(), Problem::ErrorPointer("needs the errorKind it locates".to_string())),
        Some("characters") => fail(
            at.clone(),
            Problem::ErrorPointer("is not defined for a characters error (the character is in the text)".to_string()),
        ),
        Some(_) => Ok(()),
    }
}

/// `service:Action`: a prefix of letters, digits and hyphens, a colon, and a name.
pub fn action_ok(action: &str) -> bool {
    match action.split_once(':') {
        Some((service, name)) => {
            !service.is_empty()
                && service.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !name.is_empty()
                && !name.contains(':')
                && !name.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// `*`, or an ARN: `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE` with a partition,
/// a service and a resource.
pub fn resource_ok(resource: &str) -> bool {
    if resource == "*" {
        return true;
    }
    let parts: Vec<&str> = resource.splitn(6, ':').collect();
    matches!(parts.as_slice(), ["arn", partition, service, _, _, res]
        if !partition.is_empty() && !service.is_empty() && !res.is_empty())
}

fn check_request(body: &Value, at: &JsonPath) -> Result<(), Located> {
    if let Some(a) = body.get("action").and_then(Value::as_str) {
        if !action_ok(a) {
            return fail(at.key("action"), Problem::Action(a.to_string()));
        }
    }
    if let Some(r) = body.get("resource").and_then(Value::as_str) {
        if !resource_ok(r) {
            return fail(at.key("resource"), Problem::Resource(r.to_string()));
        }
    }
    if let Some(a) = body.get("resourceAccount").and_then(Value::as_str) {
        if a.len() != 12 || !a.bytes().all(|b| b.is_ascii_digit()) {
            return fail(at.key("resourceAccount"), Problem::Account(a.to_string()));
        }
    }
    Ok(())
}

fn check_context(ctx: &Value, at: &JsonPath) -> Result<(), Located> {
    let scalar = |v: &Value| matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_));
    for (key, v) in ctx.as_object().into_iter().flatten() {
        let ok = match v {
            Value::Array(items) => items.iter().all(scalar),
            other => scalar(other),
        };
        if !ok {
            return fail(at.key(key), Problem::ContextValue(v.to_string()));
        }
    }
    Ok(())
}

/// Parses a policy of the case as the reference evaluator reads it: size limits are
/// checked by `parse` steps and STS only (AWS managed policies are larger).
fn check_policy(doc: &Value, ty: PolicyType, at: &JsonPath) -> Result<(), Located> {
    let options = ParseOptions { check_size: false };
    let (parsed, raw_text) = match doc {
        Value::String(text) => (Policy::parse_with(text, ty, options), true),
        other => (parse_policy_value(other, ty, options), false),
    };
    match parsed {
        Ok(_) => Ok(()),
        Err(error) => fail(at.clone(), Problem::Policy { ty, error, raw_text }),
    }
}

fn check_list(docs: Option<&Value>, ty: PolicyType, at: &JsonPath) -> Result<(), Located> {
    for (i, d) in docs.and_then(Value::as_array).into_iter().flatten().enumerate() {
        check_policy(d, ty, &at.index(i))?;
    }
    Ok(())
}

fn check_levels(levels: Option<&Value>, ty: PolicyType, at: &JsonPath) -> Result<(), Located> {
    for (i, level) in levels.and_then(Value::as_array).into_iter().flatten().enumerate() {
        check_list(Some(level), ty, &at.index(i))?;
    }
    Ok(())
}

fn check_evaluate_policies(body: &Value, at: &JsonPath) -> Result<(), Located> {
    check_list(body.get("identityPolicies"), PolicyType::Identity, &at.key("identityPolicies"))?;
    if let Some(d) = body.get("resourcePolicy") {
        check_policy(d, PolicyType::Resource, &at.key("resourcePolicy"))?;
    }
    if let Some(d) = body.get("permissionsBoundary") {
        check_policy(d, PolicyType::Boundary, &at.key("permissionsBoundary"))?;
    }
    check_list(body.get("sessionPolicies"), PolicyType::Session, &at.key("sessionPolicies"))?;
    check_levels(body.get("scps"), PolicyType::Scp, &at.key("scps"))?;
    check_levels(body.get("rcps"), PolicyType::Rcp, &at.key("rcps"))
}

fn members(v: Option<&Value>) -> impl Iterator<Item = (&String, &Value)> {
    v.and_then(Value::as_object).into_iter().flatten()
}

fn check_world(world: &Value, at: &JsonPath) -> Result<(), Located> {
    for (arn, doc) in members(world.get("policies")) {
        check_policy(doc, PolicyType::Identity, &at.key("policies").key(arn))?;
    }
    for kind in ["users", "groups", "roles"] {
        for (arn, entity) in members(world.get(kind)) {
            let e_at = at.key(kind).key(arn);
            for (name, doc) in members(entity.get("inlinePolicies")) {
                check_policy(doc, PolicyType::Identity, &e_at.key("inlinePolicies").key(name))?;
            }
            if let Some(doc) = entity.get("trustPolicy") {
                check_policy(doc, PolicyType::Trust, &e_at.key("trustPolicy"))?;
            }
        }
    }
    for (arn, r) in members(world.get("resources")) {
        if let Some(doc) = r.get("policy") {
            check_policy(doc, PolicyType::Resource, &at.key("resources").key(arn).key("policy"))?;
        }
    }
    if let Some(org) = world.get("organization") {
        let org_at = at.key("organization");
        for (key, ty) in [("scps", PolicyType::Scp), ("rcps", PolicyType::Rcp)] {
            for (level, docs) in members(org.get(key)) {
                check_list(Some(docs), ty, &org_at.key(key).key(level))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]

    use super::*;
    use serde_json::json;

    const POLICY: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#;

    fn evaluate(action: &str, resource: &str, expect: Value) -> Value {
        json!({"description": "d", "sources": ["s"], "steps": [
            {"evaluate": {"principal": "arn:aws:iam::111122223333:user/a", "action": action, "resource": resource,
                          "identityPolicies": [POLICY]}, "expect": expect}]})
    }

    fn problem(case: &Value) -> (String, Problem) {
        let l = check(case).unwrap_err();
        (l.path.pointer(), l.problem)
    }

    #[test]
    fn a_good_case_passes() {
        assert_eq!(check(&evaluate("s3:GetObject", "arn:aws:s3:::b/k", json!({"decision": "allowed"}))), Ok(()));
        assert_eq!(check(&evaluate("s3:GetObject", "*", json!({"deniedBy": "scp"}))), Ok(()));
    }

    #[test]
    fn wrong_case_of_a_name_is_caught_with_a_hint() {
        let (at, p) = problem(&evaluate("s3:GetObject", "*", json!({"decision": "Allow"})));
        assert_eq!(at, "/steps/0/expect/decision");
        assert!(matches!(p, Problem::UnknownName { field: "decision", hint: None, .. }), "{p:?}");
        let (_, p) = problem(&evaluate("s3:GetObject", "*", json!({"decision": "Allowed"})));
        assert!(p.to_string().contains("did you mean \"allowed\""), "{p}");
        for (field, bad) in [("deniedBy", "SCP"), ("error", "AccessDeniedException"), ("errorKind", "Json")] {
            let (at, p) = problem(&evaluate("s3:GetObject", "*", json!({ field: bad })));
            assert_eq!(at, format!("/steps/0/expect/{field}"));
            assert!(p.to_string().contains(&format!("\"{bad}\" is not a `{field}` value")), "{p}");
        }
    }

    #[test]
    fn error_pointers_are_json_pointers_beside_a_kind_they_locate() {
        let parse = |expect: serde_json::Value| {
            json!({"description": "d", "sources": ["s"], "tags": ["parse"], "steps": [
                {"parse": {"type": "identity", "policy": "{}"}, "expect": expect}]})
        };
        let ok = |expect| check(&parse(expect)).map_err(|e| format!("{e:?}"));
        assert_eq!(ok(json!({"valid": false, "errorKind": "effect", "errorPointer": "/Statement/0/Effect"})), Ok(()));
        assert_eq!(ok(json!({"valid": false, "errorKind": "size", "errorPointer": ""})), Ok(()));
        assert_eq!(ok(json!({"valid": false, "errorKind": "operator", "errorPointer": "/a~1b/c~0d"})), Ok(()));
        for (expect, says) in [
            (json!({"valid": false, "errorKind": "effect", "errorPointer": "Statement/0"}), "is not a JSON pointer"),
            (json!({"valid": false, "errorKind": "effect", "errorPointer": "/a~2"}), "is not a JSON pointer"),
            (json!({"valid": false, "errorKind": "effect", "errorPointer": "/a~"}), "is not a JSON pointer"),
            (json!({"valid": false, "errorKind": "effect", "errorPointer": 3}), "3 is not a string"),
            (json!({"valid": false, "errorPointer": "/Statement"}), "needs the errorKind"),
            (json!({"valid": false, "errorKind": "characters", "errorPointer": ""}), "not defined for a characters"),
        ] {
            let (at, p) = problem(&parse(expect.clone()));
            assert_eq!(at, "/steps/0/expect/errorPointer", "{expect}");
            assert!(p.to_string().contains(says), "{expect}: {p}");
        }
    }

    #[test]
    fn actions_and_resources_have_their_form() {
        let (at, p) = problem(&evaluate("GetObject", "*", json!({"decision": "allowed"})));
        assert_eq!((at.as_str(), p), ("/steps/0/evaluate/action", Problem::Action("GetObject".into())));
        for bad in ["s3:", ":GetObject", "s3 :GetObject", "s3:Get Object"] {
            assert!(!action_ok(bad), "{bad}");
        }
        let (at, _) = problem(&evaluate("s3:GetObject", "bucket/key", json!({"decision": "allowed"})));
        assert_eq!(at, "/steps/0/evaluate/resource");
        for bad in ["arn:aws:s3:::", "arn::s3:::b", "arn:aws", "ARN:aws:s3:::b", "**"] {
            assert!(!resource_ok(bad), "{bad}");
        }
        assert!(resource_ok("arn:aws:iam::111122223333:role/a:b"));
    }

    #[test]
    fn who_can_verdicts_may_name_their_keys() {
        for good in ["aws:MultiFactorAuthPresent", "aws:SecureTransport, aws:SourceIp", "aws:PrincipalTag/team"] {
            assert!(keys_ok(good), "{good}");
        }
        for bad in
            ["", "aws:SourceIp,aws:SecureTransport", "aws:SourceIp, aws:sourceip", "SourceIp", "aws:a b", "aws:a, "]
        {
            assert!(!keys_ok(bad), "{bad:?}");
        }
        let at = JsonPath::default();
        assert!(check_expect(&json!({"principals": {"arn:aws:iam::1:user/a": "if aws:SourceIp"}}), &at).is_ok());
        assert!(check_expect(&json!({"principals": {"arn:aws:iam::1:user/a": "if"}}), &at).is_ok());
        assert!(check_expect(&json!({"principals": {"arn:aws:iam::1:user/a": "if "}}), &at).is_err());
        assert!(check_expect(&json!({"principals": {"arn:aws:iam::1:user/a": "maybe"}}), &at).is_err());
        // reach verdicts do not name keys.
        assert!(check_expect(&json!({"roles": {"arn:aws:iam::1:role/r": "if aws:SourceIp"}}), &at).is_err());
    }

    #[test]
    fn principals_and_accounts_have_their_form() {
        let mut c = evaluate("s3:GetObject", "*", json!({"decision": "allowed"}));
        c["steps"][0]["evaluate"]["principal"] = json!("alice");
        let (at, p) = problem(&c);
        assert_eq!(at, "/steps/0/evaluate/principal");
        assert!(p.to_string().contains("alice"), "{p}");
        c["steps"][0]["evaluate"]["principal"] = json!("arn:aws:iam::111122223333:user/alice");
        c["steps"][0]["evaluate"]["resourceAccount"] = json!("1111-2222-3333");
        let (at, _) = problem(&c);
        assert_eq!(at, "/steps/0/evaluate/resourceAccount");
    }

    #[test]
    fn empty_expect_and_action_keys() {
        let (at, p) = problem(&evaluate("s3:GetObject", "*", json!({})));
        assert_eq!((at.as_str(), p), ("/steps/0/expect", Problem::EmptyExpect));
        let c = json!({"steps": [{"expect": {"valid": true}}]});
        assert_eq!(problem(&c).1, Problem::NoAction);
        let c = json!({"steps": [{"parse": {}, "evaluate": {}, "expect": {"valid": true}}]});
        assert!(matches!(problem(&c).1, Problem::SeveralActions(_)));
    }

    #[test]
    fn context_values_are_scalars_or_lists() {
        let mut c = evaluate("s3:GetObject", "*", json!({"decision": "allowed"}));
        c["steps"][0]["evaluate"]["context"] = json!({"aws:SourceIp": "1.2.3.4", "k": [1, "a"], "bad": {"x": 1}});
        assert_eq!(problem(&c).0, "/steps/0/evaluate/context/bad");
    }

    #[test]
    fn policies_are_checked_as_the_type_they_are_used_as() {
        let mut c = evaluate("s3:GetObject", "*", json!({"decision": "allowed"}));
        c["steps"][0]["evaluate"]["scps"] = json!([[POLICY], [{"Statement": {"Effect": "allow"}}]]);
        let (at, p) = problem(&c);
        assert_eq!(at, "/steps/0/evaluate/scps/1/0");
        let Problem::Policy { ty, error, raw_text } = p else { panic!() };
        assert_eq!((ty, error.kind.name(), raw_text), (PolicyType::Scp, "effect", false));
        // An identity policy with a Principal is invalid as identity but fine as resource.
        let with_principal = json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": "*",
                                    "Action": "s3:*", "Resource": "*"}});
        let w = json!({"world": {"resources": {"arn:aws:s3:::b": {"policy": with_principal}},
                                 "policies": {"arn:aws:iam::1:policy/p": with_principal}}, "steps": []});
        let (at, p) = problem(&w);
        assert_eq!(at, "/world/policies/arn:aws:iam::1:policy~1p");
        assert!(p.to_string().starts_with("the identity policy is invalid: forbidden-element"), "{p}");
    }

    #[test]
    fn the_policies_a_step_tests_are_not_checked() {
        let c = json!({"steps": [
            {"parse": {"type": "identity", "policy": "{not json"}, "expect": {"valid": false}},
            {"assumeRole": {"as": "a", "roleArn": "r", "roleSessionName": "s", "policy": "{bad"},
             "expect": {"error": "MalformedPolicyDocument"}}]});
        assert_eq!(check(&c), Ok(()));
        let c = json!({"steps": [{"parse": {"type": "Identity", "policy": "{}"}, "expect": {"valid": false}}]});
        assert_eq!(problem(&c).0, "/steps/0/parse/type");
    }
}
