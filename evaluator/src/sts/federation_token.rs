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
