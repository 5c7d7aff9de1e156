//! The sessions STS issues, what their credentials may call (FEDERATION.md section 5),
//! session tag merging (R12.4), and `GetCallerIdentity` (R11.10, R12a.6).

use std::collections::BTreeMap;

use crate::context::ContextValue;
use crate::evaluate::PolicyLabel;
use crate::policy::Policy;
use crate::principal::Principal;
use crate::world::{Caller, World};

/// Which call made a role session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SessionKind {
    /// `sts:AssumeRole`.
    #[default]
    AssumeRole,
    /// `AssumeRoleWithWebIdentity`.
    WebIdentity,
    /// `AssumeRoleWithSAML`.
    Saml,
}

/// A role session issued by AssumeRole, AssumeRoleWithWebIdentity or AssumeRoleWithSAML.
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
    /// The call that made it.
    pub kind: SessionKind,
    /// `aws:userid`: `ROLEID:SESSION` when the world gives the role's unique ID.
    pub user_id: Option<String>,
    /// The federation keys that stay available in the session's later requests
    /// (web identity `amr`, `aud`, `id`, `sub` and `aws:FederatedProvider`; SAML
    /// `saml:sub`, `saml:sub_type`, `saml:namequalifier`; R12a.2).
    pub carried_keys: Vec<(String, ContextValue)>,
    /// What each of `session_policies` is: the inline `Policy` parameter, then the
    /// `PolicyArns`, for traces.
    pub session_policy_labels: Vec<PolicyLabel>,
}

/// The labels of a call's session policies, in the order they are kept: the inline
/// `Policy` parameter, then each of `PolicyArns`.
pub fn session_labels(policy: Option<&str>, policy_arns: &[String]) -> Vec<PolicyLabel> {
    let inline = policy.map(|_| PolicyLabel::InlineSessionPolicy);
    let managed = policy_arns.iter().map(|arn| PolicyLabel::Managed { arn: arn.clone() });
    inline.into_iter().chain(managed).collect()
}

impl Session {
    /// A session of `role_arn` named `session_name` as a bare AssumeRole makes it: no
    /// session policies, tags, MFA or source identity, not chained, the default hour.
    /// `None` when `role_arn` is not a role ARN.
    pub fn bare(role_arn: &str, session_name: &str) -> Option<Session> {
        Some(Session {
            principal: Principal::role_session(role_arn, session_name)?,
            role_arn: role_arn.to_string(),
            session_policies: None,
            mfa: false,
            source_identity: None,
            tags: BTreeMap::new(),
            transitive_tag_keys: Vec::new(),
            chained: false,
            duration_seconds: 3600,
            kind: SessionKind::AssumeRole,
            user_id: None,
            carried_keys: Vec::new(),
            session_policy_labels: Vec::new(),
        })
    }

    /// The session ARN.
    pub fn arn(&self) -> &str {
        self.principal.arn()
    }

    /// The transitive tags this session passes on to the next (R12.4).
    pub fn transitive_tags(&self) -> BTreeMap<String, String> {
        self.tags
            .iter()
            .filter(|(k, _)| self.transitive_tag_keys.iter().any(|t| t.eq_ignore_ascii_case(k)))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

/// A federated-user session issued by GetFederationToken.
#[derive(Debug, Clone, PartialEq)]
pub struct FederatedSession {
    /// `arn:aws:sts::ACCOUNT:federated-user/NAME`.
    pub principal: Principal,
    /// The IAM user (or root user) that called GetFederationToken.
    pub caller_arn: String,
    /// The session policies passed; none means no permissions (R6.9).
    pub session_policies: Vec<Policy>,
    /// The session tags passed (never transitive).
    pub tags: BTreeMap<String, String>,
    /// The duration in seconds.
    pub duration_seconds: i64,
}

/// The temporary credentials GetSessionToken issues: the calling user (or root user)
/// itself, with or without MFA.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenSession {
    /// The user or root principal.
    pub principal: Principal,
    /// True when MFA was given.
    pub mfa: bool,
    /// The duration in seconds.
    pub duration_seconds: i64,
}

impl TokenSession {
    /// The long-term caller these credentials stand for.
    pub fn base_caller(&self) -> Caller<'_> {
        match &self.principal {
            Principal::Root { arn, .. } => Caller::Root(arn),
            other => Caller::User(other.arn()),
        }
    }
}

impl FederatedSession {
    /// The IAM user or root user that made the session.
    pub fn base_caller(&self) -> Caller<'_> {
        if self.caller_arn.ends_with(":root") {
            Caller::Root(&self.caller_arn)
        } else {
            Caller::User(&self.caller_arn)
        }
    }
}

/// Any session a step can save and a later step can use.
#[derive(Debug, Clone, PartialEq)]
pub enum AnySession {
    /// A role session.
    Role(Session),
    /// A federated-user session.
    Federated(FederatedSession),
    /// GetSessionToken credentials.
    Token(TokenSession),
}

impl AnySession {
    /// The caller that uses this session.
    pub fn caller(&self) -> Caller<'_> {
        match self {
            AnySession::Role(s) => Caller::Session(s),
            AnySession::Federated(f) => Caller::Federated(f),
            AnySession::Token(t) => Caller::SessionToken(t),
        }
    }
}

/// Tags overridden by `over`, keys compared case-insensitively (R12.4: session tags
/// override role or user tags of the same key; the one place tags are merged).
pub fn merge_tags<'a>(base: &mut BTreeMap<String, String>, over: impl IntoIterator<Item = (&'a String, &'a String)>) {
    for (k, v) in over {
        base.retain(|existing, _| !existing.eq_ignore_ascii_case(k));
        base.insert(k.clone(), v.clone());
    }
}

fn service_action(action: &str) -> (&str, &str) {
    action.split_once(':').unwrap_or((action, ""))
}

/// True when the kind of credentials cannot make the call at all, whatever the
/// policies say (CMP; CASE-FORMAT `credentialType`): role sessions cannot call
/// GetFederationToken or GetSessionToken; federated users no IAM action and in STS only
/// GetCallerIdentity; GetSessionToken credentials no IAM action without MFA and in STS
/// only AssumeRole and GetCallerIdentity.
pub fn credentials_forbid(caller: &Caller<'_>, action: &str) -> bool {
    let (service, name) = service_action(action);
    let iam = service.eq_ignore_ascii_case("iam");
    let sts = service.eq_ignore_ascii_case("sts");
    let is = |n: &str| name.eq_ignore_ascii_case(n);
    match caller {
        Caller::User(_) | Caller::Root(_) => false,
        Caller::Session(_) => sts && (is("GetFederationToken") || is("GetSessionToken")),
        Caller::Federated(_) => iam || (sts && !is("GetCallerIdentity")),
        Caller::SessionToken(t) => (iam && !t.mfa) || (sts && !is("AssumeRole") && !is("GetCallerIdentity")),
    }
}

/// What GetCallerIdentity returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallerIdentity {
    /// The caller's ARN (the session ARN for role sessions and federated users).
    pub arn: String,
    /// The caller's account.
    pub account: String,
    /// `aws:userid`, when the world gives the unique ID it needs.
    pub user_id: Option<String>,
}

/// `aws:userid` of a caller (R12a.6): the user's unique ID, `ROLEID:SESSION`, the
/// account for root, `ACCOUNT:NAME` for a federated user; `None` where the world
/// lacks the unique ID.
pub fn user_id(world: &World, caller: &Caller<'_>) -> Option<String> {
    match caller {
        Caller::User(arn) => world.users.get(*arn).and_then(|u| u.id.clone()),
        Caller::Root(arn) => crate::principal::Principal::parse(arn).ok()?.account().map(str::to_string),
        Caller::Session(s) => s.user_id.clone(),
        Caller::Federated(f) => match &f.principal {
            Principal::FederatedUser { account, name, .. } => Some(format!("{account}:{name}")),
            _ => None,
        },
        Caller::SessionToken(t) => user_id(world, &t.base_caller()),
    }
}

/// GetCallerIdentity: needs no permission and is never denied (R11.10).
pub fn get_caller_identity(world: &World, caller: &Caller<'_>) -> Result<CallerIdentity, super::StsError> {
    let principal = world.principal_of(caller)?;
    Ok(CallerIdentity {
        arn: principal.arn().to_string(),
        account: principal.account().unwrap_or_default().to_string(),
        user_id: user_id(world, caller),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_overrides_ignoring_case() {
        let mut base: BTreeMap<String, String> =
            [("Team".to_string(), "a".to_string()), ("env".to_string(), "x".to_string())].into();
        let over: BTreeMap<String, String> = [("team".to_string(), "b".to_string())].into();
        merge_tags(&mut base, &over);
        assert_eq!(base.get("team").map(String::as_str), Some("b"));
        assert!(!base.contains_key("Team"));
        assert_eq!(base.len(), 2);
    }

    #[test]
    fn credential_limits() {
        let user = Principal::parse("arn:aws:iam::111122223333:user/alice").unwrap();
        let t = TokenSession { principal: user, mfa: false, duration_seconds: 3600 };
        let c = Caller::SessionToken(&t);
        assert!(credentials_forbid(&c, "iam:ListUsers"));
        assert!(credentials_forbid(&c, "sts:GetFederationToken"));
        assert!(!credentials_forbid(&c, "sts:AssumeRole"));
        assert!(!credentials_forbid(&c, "s3:GetObject"));
        let t = TokenSession { mfa: true, ..t };
        assert!(!credentials_forbid(&Caller::SessionToken(&t), "iam:ListUsers"));
        let f = FederatedSession {
            principal: Principal::parse("arn:aws:sts::111122223333:federated-user/bob").unwrap(),
            caller_arn: "arn:aws:iam::111122223333:user/alice".into(),
            session_policies: Vec::new(),
            tags: BTreeMap::new(),
            duration_seconds: 900,
        };
        let c = Caller::Federated(&f);
        assert!(credentials_forbid(&c, "IAM:GetUser"));
        assert!(credentials_forbid(&c, "sts:AssumeRole"));
        assert!(!credentials_forbid(&c, "sts:GetCallerIdentity"));
        let s = Session::bare("arn:aws:iam::111122223333:role/r", "s").unwrap();
        assert!(credentials_forbid(&Caller::Session(&s), "sts:GetSessionToken"));
        assert!(!credentials_forbid(&Caller::Session(&s), "sts:AssumeRole"));
    }
}
