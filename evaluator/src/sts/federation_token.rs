//! `GetFederationToken` (R12a.4; FEDERATION.md section 3): an IAM user (or the root
//! user) asks for a federated-user session. The call needs `sts:GetFederationToken`
//! on the federated user's ARN; the session's permissions are the user's identity
//! policies intersected with the session policies passed (none: no permissions), plus
//! resource policies naming the federated user; its tags are never transitive.

use super::assume_role::{insert_tag_keys, session_policies};
use super::session::FederatedSession;
use super::validate;
use super::{authorize_actions, Issued, StsError};
use crate::context::Context;
use crate::decision::{Decision, Layer, Outcome, Rule, StepTrace};
use crate::evaluate::{evaluate, PolicySet};
use crate::principal::Principal;
use crate::request::Request;
use crate::world::{Caller, World};

/// The parameters of a GetFederationToken call.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FederationTokenParams {
    /// `Name`.
    pub name: String,
    /// `Policy`.
    pub policy: Option<String>,
    /// `PolicyArns`.
    pub policy_arns: Vec<String>,
    /// `DurationSeconds`.
    pub duration_seconds: Option<i64>,
    /// `Tags`.
    pub tags: Vec<(String, String)>,
    /// The request context.
    pub context: Context,
}

/// Default duration (GFT).
pub const DEFAULT_SECONDS: i64 = 43_200;
/// Longest duration (GFT).
pub const MAX_SECONDS: i64 = 129_600;
/// The root user's sessions are clamped to one hour (GFT, CMP).
pub const ROOT_MAX_SECONDS: i64 = 3600;

/// Runs a GetFederationToken call by `caller`.
pub fn get_federation_token(
    world: &World,
    caller: &Caller<'_>,
    params: &FederationTokenParams,
    trace: bool,
) -> Result<Issued<FederatedSession>, StsError> {
    validate::check_name("Name", &params.name, 2, 32)?;
    validate::check_duration(params.duration_seconds, 900, MAX_SECONDS)?;
    validate::check_tags(&params.tags)?;
    validate::check_session_policies(params.policy.as_deref(), &params.policy_arns)?;
    let principal = world.principal_of(caller)?;
    let account = principal.account().unwrap_or_default().to_string();
    let federated_arn = format!("arn:aws:sts::{account}:federated-user/{}", params.name);
    let request_for = |action: &str| -> Result<Request, StsError> {
        let mut ctx = params.context.clone();
        world.caller_context(caller, &mut ctx)?;
        insert_tag_keys(&params.tags, &[], &mut ctx);
        Ok(Request::new(principal.clone(), action, &federated_arn, Some(&account), ctx))
    };
    // CMP: only the long-term credentials of a user or the root user can call it.
    let is_root = match caller {
        Caller::User(_) => false,
        Caller::Root(_) => true,
        _ => return Err(StsError::credential_denied(request_for("sts:GetFederationToken")?)),
    };
    validate::check_policy_arn_accounts(&params.policy_arns, &account)?;
    let policies = session_policies(world, params.policy.as_deref(), &params.policy_arns)?.unwrap_or_default();
    let mut actions = vec!["sts:GetFederationToken"];
    if !params.tags.is_empty() {
        actions.push("sts:TagSession");
    }
    let (request, decision) = authorize_actions(
        &actions,
        trace,
        |action| Ok((request_for(action)?, world.policy_set(caller, &principal, &federated_arn, &account)?)),
        |_, _, _| Ok(()),
    )?;
    let mut duration = params.duration_seconds.unwrap_or(DEFAULT_SECONDS);
    if is_root {
        duration = duration.min(ROOT_MAX_SECONDS);
    }
    let session = FederatedSession {
        principal: Principal::FederatedUser { arn: federated_arn.clone(), account, name: params.name.clone() },
        caller_arn: principal.arn().to_string(),
        session_policies: policies,
        tags: params.tags.iter().cloned().collect(),
        duration_seconds: duration,
    };
    let notes = vec![format!(
        "federated user {federated_arn}: permissions are {}'s identity policies intersected with {} session polic{}, plus resource policies naming {federated_arn}",
        principal.arn(),
        session.session_policies.len(),
        if session.session_policies.len() == 1 { "y" } else { "ies" }
    )];
    Ok(Issued { session, request, decision, notes })
}

/// R7.5 (SESS, "Session policies"): a resource-based policy naming the IAM user who
/// called GetFederationToken adds to that user's identity-based permissions before the
/// session is made, so the session policies (and the user's boundary) still limit it.
/// `decision` is the federated user's own; when it is an implicit deny of the
/// identity or session side, the grant to the user is tried: the resource policy must
/// allow the calling user (with nothing else), and the boundary and the session
/// policies must allow the federated request.
pub fn grant_to_calling_user(
    session: &FederatedSession,
    request: &Request,
    set: &PolicySet,
    decision: Decision,
) -> Decision {
    let identity_side = matches!(decision.denied_by, Some(Layer::IdentityPolicy) | Some(Layer::SessionPolicy));
    let Caller::User(user_arn) = session.base_caller() else { return decision };
    if decision.outcome != Outcome::ImplicitDeny || !identity_side || set.resource_policy.is_none() {
        return decision;
    }
    let Ok(user) = Principal::parse(user_arn) else { return decision };
    let as_user = Request::new(user, &request.action, &request.resource, Some(&request.resource_account), {
        let mut ctx = request.context.clone();
        ctx.remove("aws:PrincipalArn");
        ctx.remove("aws:userid");
        ctx.remove("aws:PrincipalType");
        ctx.remove("aws:username");
        ctx
    });
    let user_grant = PolicySet {
        resource_policy: set.resource_policy.clone(),
        rcps: set.rcps.clone(),
        labels: set.labels.clone(),
        ..PolicySet::default()
    };
    let limits = PolicySet {
        identity: vec![crate::world::full_aws_access()],
        boundary: set.boundary.clone(),
        session: set.session.clone(),
        ..PolicySet::default()
    };
    let grant = super::decide(&as_user, &user_grant, decision.trace.is_some());
    if grant.is_allowed() && evaluate(request, &limits).is_allowed() {
        let mut allowed = decision;
        allowed.outcome = Outcome::Allowed;
        allowed.denied_by = None;
        if let Some(trace) = allowed.trace.as_mut() {
            // The denial the procedure reached stands for the federated user's own
            // policies; the grant to the calling user decides after it.
            for step in &mut trace.steps {
                step.decided = None;
            }
            trace.policies.extend(grant.trace.map(|t| t.policies).unwrap_or_default());
            trace.steps.push(StepTrace {
                rule: Rule::ResourceGrant,
                decided: Some(Outcome::Allowed),
                detail: format!(
                    "the resource-based policy allows the calling user {user_arn}, and the permissions boundary and \
                     session policies allow the federated user's request: the grant is added before the session is made"
                ),
            });
        }
        return allowed;
    }
    decision
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{Policy, PolicyType};
    use crate::world::{TokenSession, User};

    fn allow(action: &str) -> Policy {
        let text = format!("{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Effect\":\"Allow\",\"Action\":\"{action}\",\"Resource\":\"*\"}}]}}");
        Policy::parse(&text, PolicyType::Identity).unwrap()
    }

    #[test]
    fn callers_names_durations_and_permissions() {
        let broker = "arn:aws:iam::111122223333:user/broker";
        let mut w = World::default();
        w.users.insert(
            broker.into(),
            User { inline_policies: vec![allow("sts:GetFederationToken"), allow("s3:GetObject")], ..User::default() },
        );
        let p = FederationTokenParams { name: "carol".into(), ..FederationTokenParams::default() };
        let issued = get_federation_token(&w, &Caller::User(broker), &p, false).unwrap();
        assert_eq!(issued.session.principal.arn(), "arn:aws:sts::111122223333:federated-user/carol");
        assert_eq!(issued.session.duration_seconds, DEFAULT_SECONDS);
        // No session policy: no permissions.
        let fed = Caller::Federated(&issued.session);
        let (_, d) = w.authorize(&fed, "s3:GetObject", "arn:aws:s3:::b/k", None, Context::new(), false).unwrap();
        assert!(!d.is_allowed());
        let with_policy = FederationTokenParams {
            policy: Some("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}".into()),
            ..p.clone()
        };
        let issued = get_federation_token(&w, &Caller::User(broker), &with_policy, false).unwrap();
        let fed = Caller::Federated(&issued.session);
        let (_, d) = w.authorize(&fed, "s3:GetObject", "arn:aws:s3:::b/k", None, Context::new(), false).unwrap();
        assert!(d.is_allowed());
        let (_, d) = w.authorize(&fed, "s3:PutObject", "arn:aws:s3:::b/k", None, Context::new(), false).unwrap();
        assert!(!d.is_allowed(), "the user's own policy does not allow PutObject");
        let (_, d) = w.authorize(&fed, "iam:ListUsers", "*", None, Context::new(), false).unwrap();
        assert_eq!(d.denied_by, Some(Layer::CredentialType));
        // Root is clamped to an hour; sessions are refused; Name has its rules.
        let root = get_federation_token(&w, &Caller::Root("arn:aws:iam::111122223333:root"), &p, false).unwrap();
        assert_eq!(root.session.duration_seconds, ROOT_MAX_SECONDS);
        let t = TokenSession { principal: Principal::parse(broker).unwrap(), mfa: true, duration_seconds: 900 };
        let e = get_federation_token(&w, &Caller::SessionToken(&t), &p, false).unwrap_err();
        assert!(
            matches!(e, StsError::AccessDenied { ref decision, .. } if decision.denied_by == Some(Layer::CredentialType))
        );
        for bad in ["c", "a b", &"n".repeat(33)] {
            let q = FederationTokenParams { name: bad.to_string(), ..p.clone() };
            assert_eq!(
                get_federation_token(&w, &Caller::User(broker), &q, false).unwrap_err().code(),
                "ValidationError"
            );
        }
        let nobody = "arn:aws:iam::111122223333:user/nobody";
        w.users.insert(nobody.into(), User::default());
        assert_eq!(get_federation_token(&w, &Caller::User(nobody), &p, false).unwrap_err().code(), "AccessDenied");
    }
}
