//! `sts:AssumeRole`: parameter validation (R11.6), authorization with the trust
//! policy as the role's resource-based policy (R11.1 to R11.5, R7.7), and issuing
//! sessions with their policies, MFA state, source identity and tags, including role
//! chaining (section 12).

use std::collections::BTreeMap;

use crate::context::{Context, ContextValue};
use crate::decision::{Decision, Layer, Outcome};
use crate::evaluate::{PolicyLabel, PolicySlot, PreparedPolicySet};
use crate::policy::{ParseOptions, Policy, PolicyType};
use crate::principal::Principal;
use crate::request::Request;
use crate::world::{Caller, World, WorldError};

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
    /// `SourceIdentity`.
    pub source_identity: Option<String>,
    /// `Tags`.
    pub tags: Vec<(String, String)>,
    /// `TransitiveTagKeys`.
    pub transitive_tag_keys: Vec<String>,
    /// The request context of the call (source IP and so on).
    pub context: Context,
}

/// A role session issued by AssumeRole.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// The session principal (`assumed-role/ROLE/SESSION`).
    pub principal: Principal,
    /// The role's ARN, with its path.
    pub role_arn: String,
    /// The session policies; `None` when none were passed.
    pub session_policies: Option<Vec<Policy>>,
    /// True when the call was MFA-authenticated (R11.8).
    pub mfa: bool,
    /// The source identity, carried through chains (R12.5).
    pub source_identity: Option<String>,
    /// Session tags (inherited transitive tags and the call's own).
    pub tags: BTreeMap<String, String>,
    /// Keys of the transitive tags, which reach the next session (R12.4).
    pub transitive_tag_keys: Vec<String>,
    /// True when made with role-session credentials (role chaining, R12.1).
    pub chained: bool,
    /// The session duration in seconds.
    pub duration_seconds: i64,
    /// What each of `session_policies` is: the inline `Policy` parameter, then the
    /// `PolicyArns`, for traces.
    pub session_policy_labels: Vec<PolicyLabel>,
}

impl Session {
    /// The session ARN.
    pub fn arn(&self) -> &str {
        self.principal.arn()
    }
}

/// A successful call: the session, and the authorization that allowed it.
#[derive(Debug, Clone)]
pub struct Issued {
    /// The new session.
    pub session: Session,
    /// The sts:AssumeRole request as authorized.
    pub request: Request,
    /// Its decision (allowed).
    pub decision: Decision,
}

/// Why AssumeRole failed, with STS's error codes.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StsError {
    /// A parameter breaks its documented constraint.
    #[error("ValidationError: {0}")]
    Validation(String),
    /// The inline session policy is not a valid policy.
    #[error("MalformedPolicyDocument: {0}")]
    MalformedPolicy(String),
    /// The packed session policies and tags are too large.
    #[error("PackedPolicyTooLarge: {0}")]
    PackedPolicyTooLarge(String),
    /// A referenced entity does not exist.
    #[error("NoSuchEntity: {0}")]
    NoSuchEntity(String),
    /// Authorization failed.
    #[error("AccessDenied: {}", decision.message(request).unwrap_or_default())]
    AccessDenied {
        /// The request that was denied.
        request: Box<Request>,
        /// Its decision.
        decision: Decision,
    },
    /// The world is inconsistent.
    #[error("{0}")]
    World(#[from] WorldError),
}

impl StsError {
    /// The STS error code.
    pub fn code(&self) -> &'static str {
        match self {
            StsError::Validation(_) => "ValidationError",
            StsError::MalformedPolicy(_) => "MalformedPolicyDocument",
            StsError::PackedPolicyTooLarge(_) => "PackedPolicyTooLarge",
            StsError::NoSuchEntity(_) | StsError::World(_) => "NoSuchEntity",
            StsError::AccessDenied { .. } => "AccessDenied",
        }
    }
}

/// Longest role chaining session (R12.1).
pub const CHAINED_MAX_SECONDS: i64 = 3600;

fn chars_ok(s: &str, extra: &str) -> bool {
    s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || extra.contains(c))
}

fn check_len(name: &str, value: &str, min: usize, max: usize) -> Result<(), StsError> {
    let n = value.chars().count();
    if n < min || n > max {
        return Err(StsError::Validation(format!(
            "{name} must be {min} to {max} characters long, got {n}: \"{value}\""
        )));
    }
    Ok(())
}

/// R11.6: checks that need no world.
pub fn validate(params: &AssumeRoleParams) -> Result<(), StsError> {
    check_len("RoleArn", &params.role_arn, 20, 2048)?;
    check_len("RoleSessionName", &params.role_session_name, 2, 64)?;
    if !chars_ok(&params.role_session_name, "+=,.@-") {
        return Err(StsError::Validation(format!(
            "RoleSessionName \"{}\" has characters outside [\\w+=,.@-]",
            params.role_session_name
        )));
    }
    if let Some(d) = params.duration_seconds {
        if !(900..=43_200).contains(&d) {
            return Err(StsError::Validation(format!("DurationSeconds must be 900 to 43200, got {d}")));
        }
    }
    if let Some(e) = &params.external_id {
        check_len("ExternalId", e, 2, 1224)?;
        if !chars_ok(e, "+=,.@:/-") {
            return Err(StsError::Validation(format!("ExternalId \"{e}\" has characters outside [\\w+=,.@:/-]")));
        }
    }
    if let Some(s) = &params.serial_number {
        check_len("SerialNumber", s, 9, 256)?;
        if !chars_ok(s, "+=/:,.@-") {
            return Err(StsError::Validation(format!("SerialNumber \"{s}\" has characters outside [\\w+=/:,.@-]")));
        }
    }
    if let Some(t) = &params.token_code {
        if t.len() != 6 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(StsError::Validation(format!("TokenCode must be 6 digits, got \"{t}\"")));
        }
    }
    if let Some(si) = &params.source_identity {
        check_len("SourceIdentity", si, 2, 64)?;
        if !chars_ok(si, "+=,.@-") {
            return Err(StsError::Validation(format!("SourceIdentity \"{si}\" has characters outside [\\w+=,.@-]")));
        }
        if si.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("aws:")) {
            return Err(StsError::Validation(format!("SourceIdentity \"{si}\" cannot start with aws:")));
        }
    }
    if params.tags.len() > 50 {
        return Err(StsError::Validation(format!("at most 50 session tags, got {}", params.tags.len())));
    }
    // \p{Z}: space separators, not line breaks or tabs.
    let separator = |c: char| {
        matches!(c, ' ' | '\u{a0}' | '\u{1680}' | '\u{202f}' | '\u{205f}' | '\u{3000}' | '\u{2028}' | '\u{2029}')
            || ('\u{2000}'..='\u{200a}').contains(&c)
    };
    let tag_chars = |s: &str| s.chars().all(|c| c.is_alphanumeric() || separator(c) || "_.:/=+-@".contains(c));
    for (k, v) in &params.tags {
        check_len("a tag key", k, 1, 128)?;
        check_len("a tag value", v, 0, 256)?;
        if k.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("aws:")) {
            return Err(StsError::Validation(format!("tag key \"{k}\" cannot start with aws:")));
        }
        if !tag_chars(k) || !tag_chars(v) {
            return Err(StsError::Validation(format!(
                "tag \"{k}\"=\"{v}\" has characters outside [\\p{{L}}\\p{{Z}}\\p{{N}}_.:/=+\\-@]"
            )));
        }
    }
    if params.transitive_tag_keys.len() > 50 {
        return Err(StsError::Validation(format!(
            "at most 50 transitive tag keys, got {}",
            params.transitive_tag_keys.len()
        )));
    }
    if params.policy_arns.len() > 10 {
        return Err(StsError::Validation(format!("at most 10 PolicyArns, got {}", params.policy_arns.len())));
    }
    // Tag keys are not case sensitive: two keys that differ only in case collide.
    for (i, (k, _)) in params.tags.iter().enumerate() {
        if params.tags.iter().take(i).any(|(earlier, _)| earlier.eq_ignore_ascii_case(k)) {
            return Err(StsError::Validation(format!("duplicate tag key \"{k}\" (tag keys are not case sensitive)")));
        }
    }
    if let Some(p) = &params.policy {
        // The Policy parameter's pattern: TAB, LF, CR and U+0020 to U+00FF.
        if let Some(c) = p.chars().find(|c| !crate::policy::allowed_char(*c)) {
            return Err(StsError::Validation(format!(
                "the inline session policy holds U+{:04X}, outside the Policy parameter's characters",
                c as u32
            )));
        }
        let n = p.chars().count();
        if n > 2048 {
            return Err(StsError::Validation(format!("the inline session policy has {n} characters, more than 2048")));
        }
    }
    Ok(())
}

/// The labels of a session's policies, in the order they are kept: the inline
/// `Policy` parameter, then each of `PolicyArns`.
fn session_labels(params: &AssumeRoleParams) -> Vec<PolicyLabel> {
    let inline = params.policy.as_ref().map(|_| PolicyLabel::InlineSessionPolicy);
    let managed = params.policy_arns.iter().map(|arn| PolicyLabel::Managed { arn: arn.clone() });
    inline.into_iter().chain(managed).collect()
}

impl World {
    /// Runs an AssumeRole call by `caller`.
    pub fn assume_role(&self, caller: &Caller<'_>, params: &AssumeRoleParams, trace: bool) -> Result<Issued, StsError> {
        validate(params)?;
        let principal = self.principal_of(caller)?;
        let parent = match caller {
            Caller::Session(s) => Some(*s),
            Caller::User(_) => None,
            Caller::Root(_) => {
                // U13: roles may not be assumed by the root user.
                let request = self.assume_request(caller, &principal, params, BTreeMap::new(), "sts:AssumeRole")?;
                let decision =
                    Decision { outcome: Outcome::ImplicitDeny, denied_by: Some(Layer::TrustPolicy), trace: None };
                return Err(StsError::AccessDenied { request: Box::new(request), decision });
            }
        };
        let chained = parent.is_some();
        let session_policy = match &params.policy {
            None => None,
            Some(text) => Some(
                Policy::parse_with(text, PolicyType::Session, ParseOptions { check_size: false })
                    .map_err(|e| StsError::MalformedPolicy(e.to_string()))?,
            ),
        };
        let mut managed = Vec::new();
        for arn in &params.policy_arns {
            let p =
                self.policies.get(arn).ok_or_else(|| StsError::NoSuchEntity(format!("policy {arn} does not exist")))?;
            managed.push(p.clone());
        }
        // R12.4: an inherited transitive tag cannot be passed again.
        if let Some(parent) = parent {
            for (k, _) in &params.tags {
                if parent.transitive_tag_keys.iter().any(|t| t.eq_ignore_ascii_case(k)) {
                    return Err(StsError::Validation(format!(
                        "tag \"{k}\" is inherited as a transitive tag and cannot be set again"
                    )));
                }
            }
            // R12.5: the source identity is set once.
            if let (Some(old), Some(new)) = (&parent.source_identity, &params.source_identity) {
                if old != new {
                    let request =
                        self.assume_request(caller, &principal, params, parent_tags(parent), "sts:SetSourceIdentity")?;
                    let decision =
                        Decision { outcome: Outcome::ImplicitDeny, denied_by: Some(Layer::TrustPolicy), trace: None };
                    return Err(StsError::AccessDenied { request: Box::new(request), decision });
                }
            }
        }

        // The role must exist; AWS answers a missing role with AccessDenied (no
        // trust policy can allow it).
        let Some(role) = self.roles.get(&params.role_arn) else {
            let request = self.assume_request(caller, &principal, params, BTreeMap::new(), "sts:AssumeRole")?;
            let decision =
                Decision { outcome: Outcome::ImplicitDeny, denied_by: Some(Layer::TrustPolicy), trace: None };
            return Err(StsError::AccessDenied { request: Box::new(request), decision });
        };
        let duration = params.duration_seconds.unwrap_or(3600);
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

        // Authorization: sts:AssumeRole, plus sts:TagSession and sts:SetSourceIdentity
        // when those parameters are given (R11.5).
        let inherited = parent.map(parent_tags).unwrap_or_default();
        let mut actions = vec!["sts:AssumeRole"];
        if !params.tags.is_empty() {
            actions.push("sts:TagSession");
        }
        // SRCID: setting a source identity needs sts:SetSourceIdentity; once set it is
        // carried into chained sessions, and each chained assumption must be allowed it.
        let carries_source_identity =
            params.source_identity.is_some() || parent.and_then(|p| p.source_identity.as_ref()).is_some();
        if carries_source_identity {
            actions.push("sts:SetSourceIdentity");
        }
        let mut allowed = None;
        for action in actions {
            let request = self.assume_request(caller, &principal, params, inherited.clone(), action)?;
            let mut set = self.policy_set(caller, &principal, &params.role_arn, &request.resource_account)?;
            set.resource_policy = role.trust_policy.clone();
            set.resource_is_trust = true;
            set.set_label(PolicySlot::Resource, PolicyLabel::TrustPolicy { role: params.role_arn.clone() });
            let prepared = PreparedPolicySet::new(set);
            let decision = prepared.decide(&request, trace);
            if !decision.is_allowed() {
                return Err(StsError::AccessDenied { request: Box::new(request), decision });
            }
            // SRCID: for role chaining and cross-account calls, sts:SetSourceIdentity
            // must also be allowed by the caller's permissions policy; a trust policy
            // naming the caller's role does not stand in for it.
            if action == "sts:SetSourceIdentity" && (chained || !request.same_account()) {
                let mut own = prepared.set().clone();
                own.resource_policy = None;
                own.resource_is_trust = false;
                let same_account = Request {
                    resource_account: request.principal.account().unwrap_or_default().to_string(),
                    ..request.clone()
                };
                let own_decision = PreparedPolicySet::new(own).evaluate(&same_account);
                if !own_decision.is_allowed() {
                    return Err(StsError::AccessDenied { request: Box::new(same_account), decision: own_decision });
                }
            }
            if allowed.is_none() {
                allowed = Some((request, decision));
            }
        }
        let Some((request, decision)) = allowed else {
            return Err(StsError::Validation("no action to authorize".to_string()));
        };

        let session_principal = Principal::role_session(&params.role_arn, &params.role_session_name)
            .ok_or_else(|| StsError::Validation(format!("\"{}\" is not a role ARN", params.role_arn)))?;
        let session_policies = if session_policy.is_none() && managed.is_empty() {
            None
        } else {
            Some(session_policy.into_iter().chain(managed).collect())
        };
        let mut tags = inherited;
        for (k, v) in &params.tags {
            tags.retain(|existing, _| !existing.eq_ignore_ascii_case(k));
            tags.insert(k.clone(), v.clone());
        }
        let mut transitive: Vec<String> = parent.map(|p| p.transitive_tag_keys.clone()).unwrap_or_default();
        transitive.extend(params.transitive_tag_keys.iter().cloned());
        let session = Session {
            principal: session_principal,
            role_arn: params.role_arn.clone(),
            session_policies,
            mfa: params.serial_number.is_some() && params.token_code.is_some(),
            source_identity: params.source_identity.clone().or_else(|| parent.and_then(|p| p.source_identity.clone())),
            tags,
            transitive_tag_keys: transitive,
            chained,
            duration_seconds: duration,
            session_policy_labels: session_labels(params),
        };
        Ok(Issued { session, request, decision })
    }

    /// The request that authorizes `action` for an AssumeRole call, with its context:
    /// the caller's keys, the call's keys (sts:*, aws:RequestTag, aws:TagKeys) and
    /// the role's tags as aws:ResourceTag, overridden by inherited transitive tags
    /// (R12.4).
    fn assume_request(
        &self,
        caller: &Caller<'_>,
        principal: &Principal,
        params: &AssumeRoleParams,
        inherited: BTreeMap<String, String>,
        action: &str,
    ) -> Result<Request, StsError> {
        let mut ctx = params.context.clone();
        self.caller_context(caller, &mut ctx)?;
        if params.serial_number.is_some() && params.token_code.is_some() {
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
        if !params.transitive_tag_keys.is_empty() {
            ctx.insert_default("sts:TransitiveTagKeys", ContextValue::multi(params.transitive_tag_keys.clone()));
        }
        if !params.tags.is_empty() {
            for (k, v) in &params.tags {
                ctx.insert_default(&format!("aws:RequestTag/{k}"), ContextValue::single(v.clone()));
            }
            ctx.insert_default(
                "aws:TagKeys",
                ContextValue::multi(params.tags.iter().map(|(k, _)| k.clone()).collect()),
            );
        }
        let mut resource_tags = self.roles.get(&params.role_arn).map(|r| r.tags.clone()).unwrap_or_default();
        for (k, v) in inherited {
            resource_tags.retain(|existing, _| !existing.eq_ignore_ascii_case(&k));
            resource_tags.insert(k, v);
        }
        for (k, v) in &resource_tags {
            // The role is an IAM resource: its tags are both aws:ResourceTag and
            // iam:ResourceTag keys.
            ctx.insert_default(&format!("aws:ResourceTag/{k}"), ContextValue::single(v.clone()));
            ctx.insert_default(&format!("iam:ResourceTag/{k}"), ContextValue::single(v.clone()));
        }
        let account = self.resource_account(&params.role_arn, None, principal);
        Ok(Request::new(principal.clone(), action, &params.role_arn, Some(&account), ctx))
    }
}

/// The transitive tags a session passes on.
fn parent_tags(parent: &Session) -> BTreeMap<String, String> {
    parent
        .tags
        .iter()
        .filter(|(k, _)| parent.transitive_tag_keys.iter().any(|t| t.eq_ignore_ascii_case(k)))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}
