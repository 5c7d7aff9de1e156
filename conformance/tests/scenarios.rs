//! Table-driven scenarios that are easier to build in code than as case files:
//! long role chains, large worlds, a role assuming itself.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use iam_conformance::reference::run_case;
use rstest::rstest;
use serde_json::{json, Value};

/// These scenarios check results in code, so their steps carry no `expect`; they are
/// read into the case model directly, without the load-time checks of case files.
fn parse_case(text: &str) -> serde_json::Result<iam_conformance::case::Case> {
    serde_json::from_str(text)
}
const ACCT: &str = "111122223333";

fn role_arn(i: usize) -> String {
    format!("arn:aws:iam::{ACCT}:role/r{i}")
}

fn allow_assume(resource: &str) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": resource}]})
}

fn trust(principal: &str) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}]})
}

/// A world with `n` roles where role i trusts role i-1 and role 0 trusts the user.
fn chain_world(n: usize) -> Value {
    let mut roles = serde_json::Map::new();
    for i in 0..n {
        let principal = if i == 0 { format!("arn:aws:iam::{ACCT}:user/alice") } else { role_arn(i - 1) };
        roles.insert(
            role_arn(i),
            json!({"trustPolicy": trust(&principal), "inlinePolicies": {"next": allow_assume("*")}, "maxSessionDuration": 43200}),
        );
    }
    json!({
        "users": {format!("arn:aws:iam::{ACCT}:user/alice"): {"inlinePolicies": {"p": allow_assume("*")}}},
        "roles": roles
    })
}

fn chain_case(n: usize, duration: Option<i64>) -> Value {
    let mut steps = Vec::new();
    for i in 0..n {
        let caller = if i == 0 { format!("arn:aws:iam::{ACCT}:user/alice") } else { format!("s{}", i - 1) };
        let mut call = json!({"as": caller, "roleArn": role_arn(i), "roleSessionName": format!("hop-{i}")});
        if let Some(d) = duration {
            call["durationSeconds"] = json!(d);
        }
        steps.push(json!({"assumeRole": call, "saveAs": format!("s{i}"), "expect": {}}));
    }
    json!({"description": "chain", "sources": ["regression:chain"], "world": chain_world(n), "steps": steps})
}

#[rstest]
#[case(2)]
#[case(50)]
fn long_role_chains_are_bounded_and_capped_at_one_hour(#[case] hops: usize) {
    let case = parse_case(&chain_case(hops, None).to_string()).unwrap();
    let results = run_case(&case, false).unwrap();
    assert_eq!(results.len(), hops);
    for (i, r) in results.iter().enumerate() {
        let fields = &r.result.fields;
        assert_eq!(fields.decision.as_deref(), Some("allowed"), "hop {i}: {fields:?}");
        let session = fields.session.as_ref().unwrap();
        assert_eq!(session.chained, Some(i > 0), "hop {i}");
        assert!(session.duration_seconds.unwrap() <= 3600 || i == 0);
        assert_eq!(session.arn.as_deref(), Some(format!("arn:aws:sts::{ACCT}:assumed-role/r{i}/hop-{i}").as_str()));
    }
}

#[test]
fn a_chained_hop_asking_for_more_than_an_hour_is_rejected() {
    // R12.1: the first hop may last 2 hours (the role allows 12), the chained one not.
    let case = parse_case(&chain_case(2, Some(7200)).to_string()).unwrap();
    let results = run_case(&case, false).unwrap();
    assert_eq!(results[0].result.fields.decision.as_deref(), Some("allowed"));
    assert_eq!(results[1].result.fields.error.as_deref(), Some("ValidationError"));
}

#[test]
fn a_world_of_thousands_of_roles_decides_quickly() {
    let n = 3000;
    let world = chain_world(n);
    let case = json!({
        "description": "large world", "sources": ["regression:large-world"], "world": world,
        "steps": [
            {"assumeRole": {"as": format!("arn:aws:iam::{ACCT}:user/alice"), "roleArn": role_arn(0), "roleSessionName": "first"},
             "saveAs": "s", "expect": {}},
            {"assumeRole": {"as": format!("arn:aws:iam::{ACCT}:user/alice"), "roleArn": role_arn(n - 1), "roleSessionName": "skip"},
             "expect": {}}
        ]
    });
    let results = run_case(&parse_case(&case.to_string()).unwrap(), false).unwrap();
    assert_eq!(results[0].result.fields.decision.as_deref(), Some("allowed"));
    // The last role trusts only the role before it, never the user (R7.7).
    assert_eq!(results[1].result.fields.error.as_deref(), Some("AccessDenied"));
    assert_eq!(results[1].result.fields.denied_by.as_deref(), Some("trustPolicy"));
}

#[rstest]
// R11.4: a role does not implicitly trust itself.
#[case(format!("arn:aws:iam::{ACCT}:user/alice"), "explicit-none", "AccessDenied")]
#[case(role_arn(0), "names-itself", "allowed")]
fn a_role_assuming_itself_needs_its_trust_policy(
    #[case] second_trust: String,
    #[case] label: &str,
    #[case] expected: &str,
) {
    let world = json!({
        "users": {format!("arn:aws:iam::{ACCT}:user/alice"): {"inlinePolicies": {"p": allow_assume("*")}}},
        "roles": {role_arn(0): {
            "trustPolicy": {"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCT}:user/alice")}, "Action": "sts:AssumeRole"},
                {"Effect": "Allow", "Principal": {"AWS": second_trust}, "Action": "sts:AssumeRole"}
            ]},
            "inlinePolicies": {"p": allow_assume("*")}
        }}
    });
    let case = json!({
        "description": label, "sources": ["regression:self-assume"], "world": world,
        "steps": [
            {"assumeRole": {"as": format!("arn:aws:iam::{ACCT}:user/alice"), "roleArn": role_arn(0), "roleSessionName": "one"},
             "saveAs": "s", "expect": {}},
            {"assumeRole": {"as": "s", "roleArn": role_arn(0), "roleSessionName": "two"}, "expect": {}}
        ]
    });
    let results = run_case(&parse_case(&case.to_string()).unwrap(), false).unwrap();
    let second = &results[1].result.fields;
    match expected {
        "allowed" => assert_eq!(second.decision.as_deref(), Some("allowed"), "{second:?}"),
        code => assert_eq!(second.error.as_deref(), Some(code), "{second:?}"),
    }
}

#[test]
fn a_dangling_reference_names_what_is_missing() {
    let case = json!({
        "description": "dangling", "sources": ["regression:dangling"],
        "world": {"users": {format!("arn:aws:iam::{ACCT}:user/alice"): {"groups": [format!("arn:aws:iam::{ACCT}:group/ghost")]}}},
        "steps": [{"request": {"as": format!("arn:aws:iam::{ACCT}:user/alice"), "action": "s3:ListAllMyBuckets", "resource": "*"}, "expect": {"decision": "implicitDeny"}}]
    });
    let err = run_case(&parse_case(&case.to_string()).unwrap(), false).unwrap_err();
    assert_eq!(err.pointer(), "/world");
    let err = err.to_string();
    assert!(err.contains("group") && err.contains("ghost"), "{err}");
}

#[test]
fn a_case_error_names_its_step_and_json_pointer() {
    let case = json!({
        "description": "bad context", "sources": ["regression:context"],
        "steps": [{"parse": {"type": "identity", "policy": "{}"}, "expect": {}},
                  {"evaluate": {"principal": format!("arn:aws:iam::{ACCT}:user/alice"), "action": "s3:GetObject",
                                "resource": "*", "context": {"a/b": {"nested": true}}}, "expect": {}}]
    });
    let err = run_case(&parse_case(&case.to_string()).unwrap(), false).unwrap_err();
    assert_eq!(err.pointer(), "/steps/1/evaluate/context/a~1b");
    assert!(matches!(
        err,
        iam_conformance::reference::CaseError::Step {
            index: 2,
            cause: iam_conformance::reference::StepFailure::ContextValue { .. },
            ..
        }
    ));
    let missing = json!({
        "description": "no world", "sources": ["regression:world"],
        "steps": [{"getCallerIdentity": {"as": format!("arn:aws:iam::{ACCT}:root")}, "expect": {}}]
    });
    let err = run_case(&parse_case(&missing.to_string()).unwrap(), false).unwrap_err();
    assert!(err.to_string().contains("getCallerIdentity step needs a world"), "{err}");
}

#[rstest]
// An object request is governed by its bucket's policy and owned by its account.
#[case("arn:aws:s3:::b/secret", "444455556666", None, "implicitDeny")]
#[case("arn:aws:s3:::b/secret", "111122223333", Some("Deny"), "explicitDeny")]
#[case("arn:aws:s3:::b/secret", "111122223333", None, "allowed")]
fn s3_objects_use_their_bucket_entry(
    #[case] object: &str,
    #[case] owner: &str,
    #[case] effect: Option<&str>,
    #[case] expected: &str,
) {
    let mut bucket = json!({"account": owner});
    if let Some(e) = effect {
        bucket["policy"] = json!({"Version": "2012-10-17", "Statement": [
            {"Effect": e, "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]}]});
    }
    let case = json!({
        "description": "object", "sources": ["regression:s3-object-bucket"],
        "world": {
            "users": {format!("arn:aws:iam::{ACCT}:user/alice"): {"inlinePolicies": {"all": {"Version": "2012-10-17",
                "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}}}},
            "resources": {"arn:aws:s3:::b": bucket}
        },
        "steps": [{"request": {"as": format!("arn:aws:iam::{ACCT}:user/alice"), "action": "s3:GetObject", "resource": object}, "expect": {}}]
    });
    let results = run_case(&parse_case(&case.to_string()).unwrap(), false).unwrap();
    assert_eq!(results[0].result.fields.decision.as_deref(), Some(expected));
}

#[rstest]
// R6.1, R9.2: the root user has full access in its account, except that SCPs bind a
// member account's root user and never the management account's.
#[case("111122223333", "explicitDeny")]
#[case("999999999999", "allowed")]
fn root_users_and_scps(#[case] account: &str, #[case] expected: &str) {
    let case = json!({
        "description": "root", "sources": ["regression:root-scp"],
        "world": {"organization": {
            "id": "o-a1b2c3d4e5", "managementAccount": "999999999999",
            "accounts": {"111122223333": ["r-root"]},
            "scps": {"r-root": [{"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "*", "Resource": "*"},
                {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"}]}]}
        }},
        "steps": [
            {"request": {"as": format!("arn:aws:iam::{account}:root"), "action": "s3:DeleteBucket",
                         "resource": "arn:aws:s3:::b", "resourceAccount": account}, "expect": {}},
            {"assumeRole": {"as": format!("arn:aws:iam::{account}:root"), "roleArn": format!("arn:aws:iam::{account}:role/any"),
                            "roleSessionName": "root-call"}, "expect": {}}
        ]
    });
    let results = run_case(&parse_case(&case.to_string()).unwrap(), false).unwrap();
    assert_eq!(results[0].result.fields.decision.as_deref(), Some(expected));
    // U13: roles may not be assumed by the root user.
    assert_eq!(results[1].result.fields.error.as_deref(), Some("AccessDenied"));
}

#[test]
fn policies_read_from_values_and_from_text_agree() {
    // The object form of a policy is read without printing it back to text; both
    // paths must accept and reject the same documents the same way.
    use iam_evaluator::policy::{parse_policy_value, parse_policy_with, ParseOptions};
    use iam_evaluator::PolicyType;
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../corpus");
    let files = iam_conformance::runner::collect_case_files(&[root]).unwrap();
    let mut compared = 0;
    for file in files {
        let case = iam_conformance::runner::load_case(&file).unwrap();
        for step in &case.steps {
            let Some(p) = step.parse() else { continue };
            if !p.policy.is_object() {
                continue;
            }
            let ty = PolicyType::from_name(&p.policy_type).unwrap();
            for check_size in [false, true] {
                let options = ParseOptions { check_size };
                let from_text = parse_policy_with(&p.policy.to_string(), ty, options);
                let from_value = parse_policy_value(&p.policy, ty, options);
                match (&from_text, &from_value) {
                    (Ok(a), Ok(b)) => assert_eq!(a, b, "{}", file.display()),
                    (Err(a), Err(b)) => assert_eq!(a.kind, b.kind, "{}", file.display()),
                    _ => panic!("{}: text {:?} vs value {:?}", file.display(), from_text.err(), from_value.err()),
                }
                compared += 1;
            }
        }
    }
    assert!(compared > 100, "only {compared} object-form parse steps");
}
