//! Deciding many requests against one policy set: an action index built once.

use super::evidence::NoTrace;
use super::index::SetIndex;
use super::{decide, traced, PolicySet};
use crate::decision::Decision;
use crate::request::Request;

/// A policy set prepared for deciding many requests: every policy's statements are
/// indexed by the service prefix of their action patterns, and statements with many
/// action patterns (such as the AWS managed `ReadOnlyAccess`, about 2,900 patterns)
/// get an index of their own, so that a decision looks at the few statements and
/// patterns that can match the request's action instead of all of them.
///
/// The decisions are the same as [`evaluate`](super::evaluate)'s on the same set: the
/// index only skips statements whose action cannot match. The oracle's own paths (the
/// reference's `evaluate` steps, world requests, STS authorization) decide through a
/// prepared set, so the corpus checks the engine the benchmarks measure. Building the
/// index costs about half as much as parsing the policies (for ReadOnlyAccess, as much
/// as some 50 unindexed decisions; for a small set, about one decision), so keep a
/// prepared set that decides many requests.
///
/// ```
/// use iam_evaluator::evaluate::PreparedPolicySet;
/// use iam_evaluator::{Context, Outcome, Policy, PolicySet, PolicyType, Principal, Request};
///
/// let policy = Policy::parse(
///     r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:Get*","sns:List*"],"Resource":"*"}}"#,
///     PolicyType::Identity,
/// )?;
/// let prepared = PreparedPolicySet::new(PolicySet { identity: vec![policy], ..PolicySet::default() });
/// let caller = Principal::parse("arn:aws:iam::123456789012:user/alice")?;
/// let request = Request::new(caller, "sns:ListTopics", "*", None, Context::new());
/// assert_eq!(prepared.evaluate(&request).outcome, Outcome::Allowed);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct PreparedPolicySet {
    set: PolicySet,
    index: SetIndex,
}

impl PreparedPolicySet {
    /// Builds the index of `set`.
    pub fn new(set: PolicySet) -> PreparedPolicySet {
        let index = SetIndex::new(&set);
        PreparedPolicySet { set, index }
    }

    /// The policy set.
    pub fn set(&self) -> &PolicySet {
        &self.set
    }

    /// Decides `request`, as [`evaluate`](super::evaluate) does on the same set.
    pub fn evaluate(&self, request: &Request) -> Decision {
        decide(request, &self.set, Some(&self.index), &mut NoTrace)
    }

    /// Decides `request` and records a trace of every statement, as
    /// [`evaluate_with_trace`](super::evaluate_with_trace) does; statements the index
    /// rules out are recorded as not matching the action.
    pub fn evaluate_with_trace(&self, request: &Request) -> Decision {
        traced(request, &self.set, Some(&self.index))
    }

    /// Decides `request`, with a trace when `trace` is true.
    pub fn decide(&self, request: &Request, trace: bool) -> Decision {
        if trace {
            self.evaluate_with_trace(request)
        } else {
            self.evaluate(request)
        }
    }
}

/// The index of every policy of a set, found by the policy's address (the set is owned
/// by [`PreparedPolicySet`] and never changes).
#[cfg(test)]
mod prepared_tests {
    use super::*;
    use crate::context::Context;
    use crate::evaluate::{evaluate, evaluate_with_trace};
    use crate::policy::Policy;
    use crate::policy::{ParseOptions, PolicyType};
    use crate::principal::Principal;
    use proptest::prelude::*;

    fn caller() -> Principal {
        Principal::parse("arn:aws:sts::123456789012:assumed-role/example-dev-role/readonly").unwrap()
    }

    fn same_decisions(set: PolicySet, actions: &[&str]) {
        let prepared = PreparedPolicySet::new(set);
        let copy = prepared.clone();
        for action in actions {
            let request = Request::new(caller(), action, "arn:aws:s3:::bucket/key", None, Context::new());
            let expected = evaluate(&request, prepared.set());
            assert_eq!(prepared.evaluate(&request), expected, "{action}");
            assert_eq!(copy.evaluate(&request), expected, "{action} (clone)");
        }
    }

    #[test]
    fn read_only_access_as_session_policy() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../corpus/managed/ReadOnlyAccess.json");
        let text = std::fs::read_to_string(path).unwrap();
        let ro = Policy::parse_with(&text, PolicyType::Session, ParseOptions { check_size: false }).unwrap();
        // A sample of the patterns (the unindexed decisions are slow in a debug build).
        let mut actions: Vec<String> = ro
            .statements
            .iter()
            .flat_map(|s| s.action.patterns.iter())
            .step_by(17)
            .map(|p| p.text().to_string())
            .collect();
        // Literal actions, the same in other cases, and names the wildcards expand to.
        let variants: Vec<String> = actions
            .iter()
            .flat_map(|a| {
                [a.to_ascii_uppercase(), a.to_ascii_lowercase(), a.replace('*', "Something"), a.replace('*', "")]
            })
            .collect();
        actions.extend(variants);
        actions.extend(
            ["sns:CreateTopic", "s3:PutObject", "iam:CreateUser", "no-colon", "", ":", "*", "s3:"].map(String::from),
        );
        let admin =
            Policy::parse(r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#, PolicyType::Identity)
                .unwrap();
        let actions: Vec<&str> = actions.iter().map(String::as_str).collect();
        same_decisions(
            PolicySet { identity: vec![admin], session: Some(vec![ro.clone()]), ..PolicySet::default() },
            &actions,
        );
        same_decisions(PolicySet { identity: vec![ro], ..PolicySet::default() }, &actions);
    }

    const PATTERNS: [&str; 14] = [
        "s3:Get*",
        "s3:*",
        "*",
        "S3:GetObject",
        "sns:List*",
        "sn?:Create*",
        "*:Get*",
        "iam:CreateUser",
        "ec2:Describe*",
        "s3*:List*",
        "dynamodb:?etItem",
        "IAM:createuser",
        "sts:*Role",
        "s3express:ListBuckets",
    ];
    const ACTIONS: [&str; 14] = [
        "s3:GetObject",
        "S3:GETOBJECT",
        "sns:ListTopics",
        "sns:CreateTopic",
        "SNS:CreateTopic",
        "iam:CreateUser",
        "ec2:DescribeVpcs",
        "s3express:ListBuckets",
        "dynamodb:GetItem",
        "noColon",
        "",
        "sts:AssumeRole",
        "s3:",
        "snx:CreateThing",
    ];

    const CONDITIONS: [&str; 5] = [
        "",
        r#","Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue"}}"#,
        r#","Condition":{"NumericLessThan":{"s3:max-keys":"10"}}"#,
        r#","Condition":{"Null":{"aws:SourceIp":"true"}}"#,
        r#","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#,
    ];
    const PRINCIPALS: [&str; 4] = [
        r#""*""#,
        r#"{"AWS":"arn:aws:iam::123456789012:role/example-dev-role"}"#,
        r#"{"AWS":"123456789012"}"#,
        r#"{"AWS":"arn:aws:sts::123456789012:assumed-role/example-dev-role/readonly"}"#,
    ];
    const CONTEXTS: [(&str, &str); 7] = [
        ("", ""),
        ("aws:PrincipalTag/team", "blue"),
        ("aws:PrincipalTag/team", "red"),
        ("s3:max-keys", "5"),
        ("s3:max-keys", "abc"),
        ("aws:SourceIp", "10.1.2.3"),
        ("aws:SourceIp", "not-an-ip"),
    ];

    /// A statement; with `principals`, one naming a principal (resource policies).
    fn statement(principals: bool) -> impl Strategy<Value = String> {
        (
            any::<bool>(),
            any::<bool>(),
            proptest::collection::vec(0..PATTERNS.len(), 1..14),
            0..CONDITIONS.len(),
            0..PRINCIPALS.len(),
        )
            .prop_map(move |(deny, not, ps, c, p)| {
                let list: Vec<String> = ps.iter().map(|i| format!("\"{}\"", PATTERNS[*i])).collect();
                let principal = if principals { format!(r#""Principal":{},"#, PRINCIPALS[p]) } else { String::new() };
                format!(
                    r#"{{"Effect":"{}",{principal}"{}":[{}],"Resource":"*"{}}}"#,
                    if deny { "Deny" } else { "Allow" },
                    if not { "NotAction" } else { "Action" },
                    list.join(","),
                    CONDITIONS[c]
                )
            })
    }

    fn typed_policy(ty: PolicyType) -> impl Strategy<Value = Policy> {
        proptest::collection::vec(statement(ty == PolicyType::Resource), 1..5).prop_map(move |ss| {
            let text = format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, ss.join(","));
            Policy::parse(&text, ty).unwrap()
        })
    }

    fn policy() -> impl Strategy<Value = Policy> {
        typed_policy(PolicyType::Identity)
    }

    fn request(action: &str, context: usize) -> Request {
        let mut ctx = Context::new();
        if let Some((k, v)) = CONTEXTS.get(context).filter(|(k, _)| !k.is_empty()) {
            ctx.insert(k, crate::context::ContextValue::single(*v));
        }
        Request::new(caller(), action, "*", None, ctx)
    }

    /// The trace agrees with the decision: one step decides, the last, with the
    /// decision's outcome; an explicit deny shows a matching Deny of its layer; every
    /// statement of a consulted policy is listed, in order.
    fn trace_agrees(decision: &Decision) -> Result<(), TestCaseError> {
        let trace = decision.trace.as_ref().ok_or_else(|| TestCaseError::fail("no trace"))?;
        let deciding: Vec<_> = trace.steps.iter().filter(|s| s.decided.is_some()).collect();
        prop_assert_eq!(deciding.len(), 1, "{:?}", trace.steps);
        prop_assert_eq!(trace.steps.last().and_then(|s| s.decided), Some(decision.outcome));
        if decision.outcome == crate::decision::Outcome::ExplicitDeny {
            let layer = decision.denied_by;
            let shown = trace
                .policies
                .iter()
                .filter(|p| Some(p.layer) == layer)
                .any(|p| p.statements.iter().any(|s| s.matched && s.effect == crate::policy::Effect::Deny));
            prop_assert!(shown, "explicit deny by {:?} without a matching Deny in the trace", layer);
        }
        for p in &trace.policies {
            prop_assert!(p.statements.iter().enumerate().all(|(i, s)| s.index == i));
        }
        Ok(())
    }

    /// What a trace says, without the index's own notes.
    fn matched(decision: &Decision) -> Vec<(crate::decision::Layer, Vec<bool>)> {
        let policies = decision.trace.iter().flat_map(|t| t.policies.iter());
        policies.map(|p| (p.layer, p.statements.iter().map(|s| s.matched).collect())).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
        #[test]
        fn index_decides_as_the_scan_does(
            identity in proptest::collection::vec(policy(), 0..3),
            boundary in proptest::option::of(policy()),
            session in proptest::option::of(proptest::collection::vec(policy(), 0..2)),
            scps in proptest::option::of(proptest::collection::vec(proptest::collection::vec(policy(), 1..2), 1..3)),
        ) {
            let set = PolicySet { identity, boundary, session, scps, ..PolicySet::default() };
            let prepared = PreparedPolicySet::new(set);
            for action in ACTIONS {
                let request = Request::new(caller(), action, "*", None, Context::new());
                prop_assert_eq!(prepared.evaluate(&request), evaluate(&request, prepared.set()), "{}", action);
            }
        }

        #[test]
        fn trace_and_decision_agree(
            identity in proptest::collection::vec(policy(), 0..3),
            resource_policy in proptest::option::of(typed_policy(PolicyType::Resource)),
            boundary in proptest::option::of(policy()),
            session in proptest::option::of(proptest::collection::vec(policy(), 0..2)),
            scps in proptest::option::of(proptest::collection::vec(proptest::collection::vec(policy(), 1..2), 1..3)),
            context in 0..CONTEXTS.len(),
        ) {
            let set = PolicySet { identity, resource_policy, boundary, session, scps, ..PolicySet::default() };
            let prepared = PreparedPolicySet::new(set);
            for action in ACTIONS {
                let request = request(action, context);
                let plain = evaluate(&request, prepared.set());
                let traced = evaluate_with_trace(&request, prepared.set());
                let indexed = prepared.evaluate_with_trace(&request);
                prop_assert_eq!(prepared.evaluate(&request), plain.clone(), "{}", action);
                for t in [&traced, &indexed] {
                    prop_assert_eq!((t.outcome, t.denied_by), (plain.outcome, plain.denied_by), "{}", action);
                    trace_agrees(t)?;
                }
                prop_assert_eq!(matched(&traced), matched(&indexed), "{}", action);
                let steps = |d: &Decision| d.trace.as_ref().map(|t| t.steps.clone());
                prop_assert_eq!(steps(&traced), steps(&indexed));
            }
        }
    }
}
