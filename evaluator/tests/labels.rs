//! Traces of world requests name each policy by what it is: inline policies by name
//! and owner, managed policies and boundaries by ARN, SCPs by the node they are
//! attached to, a role's trust policy, and a session's inline policy and PolicyArns.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::BTreeMap;

use iam_evaluator::world::{AssumeRoleParams, Caller, Organization, Role, User, World};
use iam_evaluator::{Context, Decision, Layer, Policy, PolicyType};

const ALICE: &str = "arn:aws:iam::111122223333:user/alice";
const ROLE: &str = "arn:aws:iam::111122223333:role/reader";
const READ: &str = "arn:aws:iam::111122223333:policy/read";

fn policy(text: &str, ty: PolicyType) -> Policy {
    Policy::parse(text, ty).unwrap()
}

const ALLOW_ALL: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#;

fn world() -> World {
    let mut w = World::default();
    w.policies.insert(READ.into(), policy(ALLOW_ALL, PolicyType::Identity));
    w.users.insert(
        ALICE.into(),
        User {
            inline_policies: vec![policy(ALLOW_ALL, PolicyType::Identity)],
            managed_policies: vec![READ.into()],
            ..User::default()
        },
    );
    w.inline_policy_names.insert(ALICE.into(), vec!["everything".into()]);
    let trust = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"sts:AssumeRole"}}"#;
    w.roles.insert(
        ROLE.into(),
        Role {
            trust_policy: Some(policy(trust, PolicyType::Trust)),
            managed_policies: vec![READ.into()],
            max_session_duration: 3600,
            ..Role::default()
        },
    );
    w.organization = Some(Organization {
        id: Some("o-abcdefghij".into()),
        accounts: BTreeMap::from([("111122223333".to_string(), vec!["r-root".to_string()])]),
        ..Organization::default()
    });
    w
}

fn labels(decision: &Decision) -> Vec<(Layer, String)> {
    decision.trace.as_ref().unwrap().policies.iter().map(|p| (p.layer, p.label.clone())).collect()
}

#[test]
fn user_requests_name_policies_by_identity() {
    let w = world();
    let (_, decision) =
        w.authorize(&Caller::User(ALICE), "s3:GetObject", "arn:aws:s3:::b/k", None, Context::new(), true).unwrap();
    assert!(decision.is_allowed());
    assert_eq!(
        labels(&decision),
        [
            (Layer::Scp, "FullAWSAccess attached to r-root".to_string()),
            (Layer::Scp, "FullAWSAccess attached to 111122223333".to_string()),
            (Layer::IdentityPolicy, format!("inline policy everything of user {ALICE}")),
            (Layer::IdentityPolicy, format!("managed policy {READ}")),
        ]
    );
}

#[test]
fn sessions_name_the_trust_policy_and_their_session_policies() {
    let w = world();
    let params = AssumeRoleParams {
        role_arn: ROLE.into(),
        role_session_name: "reading".into(),
        policy: Some(ALLOW_ALL.into()),
        policy_arns: vec![READ.into()],
        ..AssumeRoleParams::default()
    };
    let issued = w.assume_role(&Caller::User(ALICE), &params, true).unwrap();
    let trust = labels(&issued.decision);
    assert!(trust.contains(&(Layer::TrustPolicy, format!("trust policy of {ROLE}"))), "{trust:?}");
    // The trust policy's statement shows which Principal entry named the caller.
    let policies = &issued.decision.trace.as_ref().unwrap().policies;
    let principal = policies.iter().find(|p| p.layer == Layer::TrustPolicy).unwrap().statements[0].principal.clone();
    assert_eq!(principal.and_then(|p| p.pattern), Some(format!("AWS: {ALICE}")));
    let (_, decision) = w
        .authorize(&Caller::Session(&issued.session), "s3:GetObject", "arn:aws:s3:::b/k", None, Context::new(), true)
        .unwrap();
    let session: Vec<String> =
        labels(&decision).into_iter().filter(|(l, _)| *l == Layer::SessionPolicy).map(|(_, s)| s).collect();
    assert_eq!(session, ["inline session policy (Policy parameter)".to_string(), format!("managed policy {READ}")]);
}
