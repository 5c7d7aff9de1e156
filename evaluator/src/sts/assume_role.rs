//! `sts:AssumeRole`: parameter validation (R11.6), authorization with the trust
//! policy as the role's resource-based policy (R11.1 to R11.5, R7.7), and building
//! the session with its policies, MFA state, source identity and tags, including role
//! chaining (section 12).

use std::collections::BTreeMap;

use super::session::{merge_tags, session_labels, Session, SessionKind};
use super::validate;
use super::{authorize_actions, Issued, StsError};
use crate::context::{Context, ContextValue};
use crate::decision::Decision;
use crate::evaluate::{evaluate, PolicyLabel, PolicySet, PolicySlot};
use crate::policy::{ParseOptions, Policy, PolicyType};
use crate::principal::Principal;
use crate::request::Request;
use crate::world::{Caller, Role, World};

/// The parameters of an AssumeRole call, named as in the STS API.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AssumeRoleParams {
    /// `RoleArn`.
    pub role_arn: String,
    /// `RoleSessionName`.
    pub role_session_name: String,
    /// `Policy`: inline session policy text.
    pub policy: Option<String>,
    /// `PolicyArns`.
    pub policy_arns: Vec<String>,
    /// `DurationSeconds`.
    pub duration_seconds: Option<i64>,
    /// `ExternalId`.
    pub external_id: Option<String>,
    /// `SerialNumber`.
    pub serial_number: Option<String>,
    /// `TokenCode`.
    pub token_code: Option<String>,
    /// True when `TokenCode` is wrong for the device (CASE-FORMAT `tokenCodeValid:
    /// false`): AWS answers AccessDenied.
    pub wrong_token_code: bool,
    /// `SourceIdentity`.
    pub source_identity: Option<String>,
    /// `Tags`.
    pub tags: Vec<(String, String)>,
    /// `TransitiveTagKeys`.
    pub transitive_tag_keys: Vec<String>,
    /// The request context of the call (source IP and so on).
    pub context: Context,
}

impl AssumeRoleParams {
    /// True when the call is MFA-authenticated (R11.8).
    pub fn with_mfa(&self) -> bool {
        self.serial_number.is_some() && self.token_code.is_some() && !self.wrong_token_code
    }
}

/// Longest role chaining session (R12.1).
pub const CHAINED_MAX_SECONDS: i64 = 3600;

/// Default session duration of the role-assuming calls.
pub const DEFAULT_SECONDS: i64 = 3600;

/// R11.6: the checks that need no world.
pub fn validate(params: &AssumeRoleParams) -> Result<(), StsError> {
    validate::check_arn("RoleArn", &params.role_arn)?;
    validate::check_name("RoleSessionName", &params.role_session_name, 2, 64)?;
    validate::check_duration(params.duration_seconds, 900, 43_200)?;
    if let Some(e) = &params.external_id {
        validate::check_external_id(e)?;
    }
    validate::check_mfa(params.serial_number.as_deref(), params.token_code.as_deref())?;
    if let Some(si) = &params.source_identity {
        validate::check_source_identity(si)?;
    }
    validate::check_tags(&params.tags)?;
    validate::check_transitive_keys(&params.transitive_tag_keys)?;
    validate::check_session_policies(params.policy.as_deref(), &params.policy_arns)
}

/// The session policies of a role-assuming call (R10.2): the inline policy parsed as a
/// session policy (its error kept as `MalformedPolicyDocument`) and the managed ones
/// from the world; `None` when none were passed.
pub fn session_policies(world: &World, policy: Option<&str>, arns: &[String]) -> Result<Option<Vec<Policy>>, StsError> {
    let mut out = Vec::new();
    if let Some(text) = policy {
        out.push(
            Policy::parse_with(text, PolicyType::Session, ParseOptions { check_size: false })
                .map_err(StsError::MalformedPolicy)?,
        );
    }
    for arn in arns {
        let p =
            world.policies.get(arn).ok_or_else(|| StsError::NoSuchEntity(format!("policy {arn} does not exist")))?;
        out.push(p.clone());
    }
    Ok(if policy.is_none() && arns.is_empty() { None } else { Some(out) })
}

/// The requested duration against the role's maximum (and the chaining cap).
pub fn session_duration(role: &Role, requested: Option<i64>, chained: bool) -> Result<i64, StsError> {
    let duration = requested.unwrap_or(DEFAULT_SECONDS);
    if chained && duration > CHAINED_MAX_SECONDS {
        return Err(StsError::Validation(format!(
            "DurationSeconds {duration} exceeds the 1 hour session limit for roles assumed by role chaining"
        )));
    }
    let max = i64::try_from(role.max_session_duration).unwrap_or(i64::MAX);
    if duration > max {
        return Err(StsError::Validation(format!(
            "DurationSeconds {duration} exceeds the MaxSessionDuration {max} set for this role"
        )));
    }
    Ok(duration)
}

/// Runs an AssumeRole call by `caller`.
pub fn assume_role(
    world: &World,
    caller: &Caller<'_>,
    params: &AssumeRoleParams,
    trace: bool,
) -> Result<Issued, StsError> {
    validate(params)?;
    let principal = world.principal_of(caller)?;
    let parent = parent_session(world, caller, &principal, params)?;
    let policies = session_policies(world, params.policy.as_deref(), &params.policy_arns)?;
    if let Some(parent) = parent {
        check_chain(world, caller, &principal, params, parent)?;
    }
    // The role must exist; AWS answers a missing role with AccessDenied (no trust
    // policy can allow it).
    let Some(role) = world.roles.get(&params.role_arn) else {
        return Err(StsError::trust_denied(assume_request(world, caller, &principal, params, None, "sts:AssumeRole")?));
    };
    let duration = session_duration(role, params.duration_seconds, parent.is_some())?;
    let (request, decision) = authorize(world, caller, &principal, params, parent, role, trace)?;
    let session = build_session(world, params, parent, policies, duration)?;
    Ok(Issued { session, request, decision, notes: Vec::new() })
}

/// Who may call AssumeRole: users, role sessions (chaining), GetSessionToken
/// credentials of a user; never the root user (U13) nor a federated user (CMP). A
/// wrong MFA code is AccessDenied. Returns the parent session when the call chains.
fn parent_session<'a>(
    world: &World,
    caller: &Caller<'a>,
    principal: &Principal,
    params: &AssumeRoleParams,
) -> Result<Option<&'a Session>, StsError> {
    let request = || assume_request(world, caller, principal, params, None, "sts:AssumeRole");
    match caller {
        Caller::Root(_) => return Err(StsError::trust_denied(request()?)),
        Caller::SessionToken(t) if matches!(t.principal, Principal::Root { .. }) => {
            return Err(StsError::trust_denied(request()?))
        }
        Caller::Federated(_) => return Err(StsError::credential_denied(request()?)),
        _ => {}
    }
    if params.wrong_token_code {
        return Err(StsError::credential_denied(request()?));
    }
    Ok(match caller {
        Caller::Session(s) => Some(*s),
        _ => None,
    })
}

/// The rules a chained call must follow: an inherited transitive tag cannot be passed
/// again (R12.4) and the source identity cannot change (R12.5).
fn check_chain(
    world: &World,
    caller: &Caller<'_>,
    principal: &Principal,
    params: &AssumeRoleParams,
    parent: &Session,
) -> Result<(), StsError> {
    for (k, _) in &params.tags {
        if parent.transitive_tag_keys.iter().any(|t| t.eq_ignore_ascii_case(k)) {
            return Err(StsError::Validation(format!(
                "tag \"{k}\" is inherited as a transitive tag and cannot be set again"
            )));
        }
    }
    if let (Some(old), Some(new)) = (&parent.source_identity, &params.source_identity) {
        if old != new {
            let request = assume_request(world, caller, principal, params, Some(parent), "sts:SetSourceIdentity")?;
            return Err(StsError::trust_denied(request));
        }
    }
    Ok(())
}

/// Authorization: `sts:AssumeRole`, plus `sts:TagSession` and `sts:SetSourceIdentity`
/// when the call sets tags or carries a source identity (R11.5), each against the
/// caller's policies and the role's trust policy.
fn authorize(
    world: &World,
    caller: &Caller<'_>,
    principal: &Principal,
    params: &AssumeRoleParams,
    parent: Option<&Session>,
    role: &Role,
    trace: bool,
) -> Result<(Request, Decision), StsError> {
    let chained = parent.is_some();
    let mut actions = vec!["sts:AssumeRole"];
    if !params.tags.is_empty() {
        actions.push("sts:TagSession");
    }
    // SRCID: setting a source identity needs sts:SetSourceIdentity; once set it is
    // carried into chained sessions, and each chained assumption must be allowed it.
    if params.source_identity.is_some() || parent.and_then(|p| p.source_identity.as_ref()).is_some() {
        actions.push("sts:SetSourceIdentity");
    }
    let inputs = |action: &str| -> Result<(Request, PolicySet), StsError> {
        let request = assume_request(world, caller, principal, params, parent, action)?;
        let mut set = world.policy_set(caller, principal, &params.role_arn, &request.resource_account)?;
        set.resource_policy = role.trust_policy.clone();
        set.resource_is_trust = true;
        set.set_label(PolicySlot::Resource, PolicyLabel::TrustPolicy { role: params.role_arn.clone() });
        Ok((request, set))
    };
    // SRCID: for role chaining and cross-account calls, sts:SetSourceIdentity must
    // also be allowed by the caller's permissions policy; a trust policy naming the
    // caller's role does not stand in for it.
    let own_permission = |action: &str, request: &Request, set: &PolicySet| -> Result<(), StsError> {
        if action != "sts:SetSourceIdentity" || (!chained && request.same_account()) {
            return Ok(());
        }
        let mut own = set.clone();
        own.resource_policy = None;
        own.resource_is_trust = false;
        let same_account = Request {
            resource_account: request.principal.account().unwrap_or_default().to_string(),
            ..request.clone()
        };
        let own_decision = evaluate(&same_account, &own);
        if own_decision.is_allowed() {
            Ok(())
        } else {
            Err(StsError::AccessDenied { request: Box::new(same_account), decision: own_decision })
        }
    };
    authorize_actions(&actions, trace, inputs, own_permission)
}

/// The new session: its principal, policies, MFA state, source identity, tags
/// (inherited transitive tags overridden by the call's own) and chaining.
fn build_session(
    world: &World,
    params: &AssumeRoleParams,
    parent: Option<&Session>,
    session_policies: Option<Vec<Policy>>,
    duration_seconds: i64,
) -> Result<Session, StsError> {
    let principal = Principal::role_session(&params.role_arn, &params.role_session_name)
        .ok_or_else(|| StsError::Validation(format!("\"{}\" is not a role ARN", params.role_arn)))?;
    let mut tags = parent.map(Session::transitive_tags).unwrap_or_default();
    merge_tags(&mut tags, params.tags.iter().map(|(k, v)| (k, v)));
    let mut transitive: Vec<String> = parent.map(|p| p.transitive_tag_keys.clone()).unwrap_or_default();
    transitive.extend(params.transitive_tag_keys.iter().cloned());
    Ok(Session {
        user_id: role_user_id(world, &params.role_arn, &params.role_session_name),
        principal,
        role_arn: params.role_arn.clone(),
        session_policies,
        mfa: params.with_mfa(),
        source_identity: params.source_identity.clone().or_else(|| parent.and_then(|p| p.source_identity.clone())),
        tags,
        transitive_tag_keys: transitive,
        chained: parent.is_some(),
        duration_seconds,
        kind: SessionKind::AssumeRole,
        carried_keys: Vec::new(),
        session_policy_labels: session_labels(params.policy.as_deref(), &params.policy_arns),
    })
}

/// `aws:userid` of a session of `role_arn`: `ROLEID:SESSION` (VARS).
pub fn role_user_id(world: &World, role_arn: &str, session_name: &str) -> Option<String> {
    world.roles.get(role_arn).and_then(|r| r.id.as_ref()).map(|id| format!("{id}:{session_name}"))
}

/// The role's tags as `aws:ResourceTag` and `iam:ResourceTag` keys, overridden by
/// inherited transitive tags (R12.4: they replace the role's same-key tags before its
/// trust policy is evaluated).
pub fn insert_role_tags(world: &World, role_arn: &str, inherited: &BTreeMap<String, String>, ctx: &mut Context) {
    let mut resource_tags = world.roles.get(role_arn).map(|r| r.tags.clone()).unwrap_or_default();
    merge_tags(&mut resource_tags, inherited);
    for (k, v) in &resource_tags {
        // The role is an IAM resource: its tags are both aws:ResourceTag and
        // iam:ResourceTag keys.
        ctx.insert_default(&format!("aws:ResourceTag/{k}"), ContextValue::single(v.clone()));
        ctx.insert_default(&format!("iam:ResourceTag/{k}"), ContextValue::single(v.clone()));
    }
}

/// The keys of session tags being set: `aws:RequestTag/K`, `aws:TagKeys` and
/// `sts:TransitiveTagKeys` (TAGS).
pub fn insert_tag_keys(tags: &[(String, String)], transitive: &[String], ctx: &mut Context) {
    if !transitive.is_empty() {
        ctx.insert_default("sts:TransitiveTagKeys", ContextValue::multi(transitive.to_vec()));
    }
    if !tags.is_empty() {
        for (k, v) in tags {
            ctx.insert_default(&format!("aws:RequestTag/{k}"), ContextValue::single(v.clone()));
        }
        ctx.insert_default("aws:TagKeys", ContextValue::multi(tags.iter().map(|(k, _)| k.clone()).collect()));
    }
}

/// The request that authorizes `action` for an AssumeRole call, with its context:
/// the caller's keys, the call's keys (sts:*, aws:RequestTag, aws:TagKeys) and the
/// role's tags as aws:ResourceTag, overridden by the parent's transitive tags.
fn assume_request(
    world: &World,
    caller: &Caller<'_>,
    principal: &Principal,
    params: &AssumeRoleParams,
    parent: Option<&Session>,
    action: &str,
) -> Result<Request, StsError> {
    let mut ctx = params.context.clone();
    world.caller_context(caller, &mut ctx)?;
    if params.with_mfa() {
        ctx.remove("aws:MultiFactorAuthPresent");
        ctx.insert("aws:MultiFactorAuthPresent", ContextValue::single("true"));
        ctx.insert_default("aws:MultiFactorAuthAge", ContextValue::single("0"));
    }
    ctx.insert_default("sts:RoleSessionName", ContextValue::single(params.role_session_name.clone()));
    if let Some(e) = &params.external_id {
        ctx.insert_default("sts:ExternalId", ContextValue::single(e.clone()));
    }
    if let Some(si) = &params.source_identity {
        ctx.insert_default("sts:SourceIdentity", ContextValue::single(si.clone()));
    }
    insert_tag_keys(&params.tags, &params.transitive_tag_keys, &mut ctx);
    let inherited = parent.map(Session::transitive_tags).unwrap_or_default();
    insert_role_tags(world, &params.role_arn, &inherited, &mut ctx);
    let account = world.resource_account(&params.role_arn, None, principal);
    Ok(Request::new(principal.clone(), action, &params.role_arn, Some(&account), ctx))
}
