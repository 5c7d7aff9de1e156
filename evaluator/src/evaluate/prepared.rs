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
/// The decisions are the same as [`evaluate`](super::evaluate)'s on the same set: the index only skips
/// statements whose action cannot match. Building the index costs about half as much
/// as parsing the policies (for ReadOnlyAccess, as much as some 50 unindexed
/// decisions), so prepare a set that decides many requests and use [`evaluate`](super::evaluate) for a
/// one-off decision.
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

    /// Gives the policy set back.
    pub fn into_inner(self) -> PolicySet {
        self.set
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

impl From<PolicySet> for PreparedPolicySet {
    fn from(set: PolicySet) -> Self {
        PreparedPolicySet::new(set)
    }
}

/// The index of every policy of a set, found by the policy's address (the set is owned
/// by [`PreparedPolicySet`] and never changes).
#[cfg(test)]
mod prepared_tests {
    use super::*;
    use crate::context::Context;
    use crate::evaluate::evaluate;
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

    fn statement() -> impl Strategy<Value = String> {
        (any::<bool>(), any::<bool>(), proptest::collection::vec(0..PATTERNS.len(), 1..14)).prop_map(
            |(deny, not, ps)| {
                let list: Vec<String> = ps.iter().map(|i| format!("\"{}\"", PATTERNS[*i])).collect();
                format!(
                    r#"{{"Effect":"{}","{}":[{}],"Resource":"*"}}"#,
                    if deny { "Deny" } else { "Allow" },
                    if not { "NotAction" } else { "Action" },
                    list.join(",")
                )
            },
        )
    }

    fn policy() -> impl Strategy<Value = Policy> {
        proptest::collection::vec(statement(), 1..5).prop_map(|ss| {
            let text = format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, ss.join(","));
            Policy::parse(&text, PolicyType::Identity).unwrap()
        })
    }

    proptest! {
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
    }
}
