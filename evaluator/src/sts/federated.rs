//! What AssumeRoleWithWebIdentity and AssumeRoleWithSAML share (R12a.1): a role
//! assumed on the word of an identity provider, authorized by the role's trust policy
//! alone (no caller credentials, so no identity policy, boundary or SCP; the RCPs of
//! the role's account still apply), with tags and a source identity that come from
//! the token or assertion and need `sts:TagSession` / `sts:SetSourceIdentity`.

use std::collections::BTreeMap;

use super::assume_role::{insert_role_tags, insert_tag_keys, role_user_id, session_duration, session_policies};
use super::session::{session_labels, Session, SessionKind};
use super::validate;
use super::{authorize_actions, Issued, StsError};
use crate::context::{Context, ContextValue};
use crate::evaluate::{PolicyLabel, PolicySet, PolicySlot};
use crate::principal::Principal;
use crate::request::Request;
use crate::world::World;

/// A federated role assumption, after the token or assertion has been read.
#[derive(Debug, Clone, Default)]
pub struct FederatedCall {
    /// `sts:AssumeRoleWithWebIdentity` or `sts:AssumeRoleWithSAML`.
    pub action: &'static str,
    /// `RoleArn`.
    pub role_arn: String,
    /// The session name (parameter or attribute).
    pub session_name: String,
    /// How the trust policy's `Federated` principal names the provider: its ARN, or
    /// the host of a built-in web identity provider.
    pub provider: String,
    /// The keys the token or assertion gives the trust policy.
    pub keys: Vec<(String, ContextValue)>,
    /// The keys that stay available to the session's later requests.
    pub carried_keys: Vec<(String, ContextValue)>,
    /// Session tags from claims or attributes.
    pub tags: Vec<(String, String)>,
    /// Transitive tag keys from claims or attributes.
    pub transitive_tag_keys: Vec<String>,
    /// The source identity from a claim or attribute.
    pub source_identity: Option<String>,
    /// `Policy`.
    pub policy: Option<String>,
    /// `PolicyArns`.
    pub policy_arns: Vec<String>,
    /// `DurationSeconds`.
    pub duration_seconds: Option<i64>,
    /// A shorter lifetime the assertion sets (SAML `SessionDuration`,
    /// `SessionNotOnOrAfter`).
    pub duration_cap: Option<i64>,
    /// The request context of the call.
    pub context: Context,
    /// Which session kind results.
    pub kind: SessionKind,
    /// Notes for a reader: which claim or attribute became which key.
    pub notes: Vec<String>,
}

/// The account of an ARN (`arn:aws:iam::ACCOUNT:...`).
pub fn arn_account(arn: &str) -> Option<&str> {
    crate::pattern::arn_components(arn).map(|[_, _, _, _, a, _]| a).filter(|a| !a.is_empty())
}

/// The request that authorizes `action` in a federated call.
pub fn federated_request(world: &World, call: &FederatedCall, action: &str) -> Request {
    let mut ctx = call.context.clone();
    for (k, v) in &call.keys {
        ctx.insert_default(k, v.clone());
    }
    if let Some(si) = &call.source_identity {
        ctx.insert_default("sts:SourceIdentity", ContextValue::single(si.clone()));
    }
    insert_tag_keys(&call.tags, &call.transitive_tag_keys, &mut ctx);
    insert_role_tags(world, &call.role_arn, &BTreeMap::new(), &mut ctx);
    let account = arn_account(&call.role_arn).unwrap_or_default().to_string();
    Request::new(Principal::Federated { provider: call.provider.clone() }, action, &call.role_arn, Some(&account), ctx)
}

/// Runs the call: the role's checks, the trust policy for each action, the session.
pub fn assume_federated(world: &World, call: FederatedCall, trace: bool) -> Result<Issued, StsError> {
    validate::check_tags(&call.tags)?;
    validate::check_transitive_keys(&call.transitive_tag_keys)?;
    let Some(role) = world.roles.get(&call.role_arn) else {
        return Err(StsError::trust_denied(federated_request(world, &call, call.action)));
    };
    let requested = session_duration(role, call.duration_seconds, false)?;
    let duration = call.duration_cap.map_or(requested, |cap| requested.min(cap));
    let policies = session_policies(world, call.policy.as_deref(), &call.policy_arns)?;
    let account = arn_account(&call.role_arn).unwrap_or_default().to_string();
    validate::check_policy_arn_accounts(&call.policy_arns, &account)?;

    let mut actions = vec![call.action];
    if !call.tags.is_empty() {
        actions.push("sts:TagSession");
    }
    if call.source_identity.is_some() {
        actions.push("sts:SetSourceIdentity");
    }
    let mut set = PolicySet {
        resource_policy: role.trust_policy.clone(),
        resource_is_trust: true,
        rcps: world.organization.as_ref().and_then(|o| o.rcp_levels(&account)),
        ..PolicySet::default()
    };
    set.set_label(PolicySlot::Resource, PolicyLabel::TrustPolicy { role: call.role_arn.clone() });
    let (request, decision) = authorize_actions(
        &actions,
        trace,
        |action| Ok((federated_request(world, &call, action), set.clone())),
        |_, _, _| Ok(()),
    )?;
    let principal = Principal::role_session(&call.role_arn, &call.session_name)
        .ok_or_else(|| StsError::Validation(format!("RoleArn \"{}\" is not a role ARN", call.role_arn)))?;
    let session = Session {
        principal,
        user_id: role_user_id(world, &call.role_arn, &call.session_name),
        role_arn: call.role_arn.clone(),
        session_policies: policies,
        mfa: false,
        source_identity: call.source_identity.clone(),
        tags: call.tags.iter().cloned().collect(),
        transitive_tag_keys: call.transitive_tag_keys.clone(),
        chained: false,
        duration_seconds: duration,
        kind: call.kind,
        carried_keys: call.carried_keys.clone(),
        session_policy_labels: session_labels(call.policy.as_deref(), &call.policy_arns),
    };
    Ok(Issued { session, request, decision, notes: call.notes })
}

/// The number in `aws:EpochTime` of a call's context, if any.
pub fn epoch_time(ctx: &Context) -> Option<i64> {
    let v = ctx.get("aws:EpochTime")?;
    let first = v.values.first()?;
    first.parse::<i64>().ok().or_else(|| first.parse::<f64>().ok().map(|f| f as i64))
}
