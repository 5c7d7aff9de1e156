//! The IAM world: users, groups, roles, managed policies, resources and an
//! organization; collecting the policies that apply to a caller (IAM-SPEC.md
//! section 7), and deciding requests made by users and role sessions.

use std::collections::{BTreeMap, HashMap};

use crate::context::{Context, ContextValue};
use crate::decision::{Decision, Layer, Outcome};
use crate::evaluate::{Owner, PolicyLabel, PolicySet, PolicySlot, PreparedPolicySet};
use crate::pattern::arn_components;
use crate::policy::Policy;
use crate::principal::Principal;
use crate::request::Request;

pub use crate::sts::{
    AnySession, AssumeRoleParams, CallerIdentity, FederatedSession, FederationTokenParams, Issued, SamlAssertion,
    SamlParams, Session, SessionKind, SessionTokenParams, StsError, TokenSession, WebIdentityParams,
};

/// An IAM user.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct User {
    /// The unique ID (`AIDA...`), from which `aws:userid` follows.
    pub id: Option<String>,
    /// Group ARNs.
    pub groups: Vec<String>,
    /// Inline policies.
    pub inline_policies: Vec<Policy>,
    /// Managed policy ARNs.
    pub managed_policies: Vec<String>,
    /// The boundary's managed policy ARN.
    pub permissions_boundary: Option<String>,
    /// Tags.
    pub tags: BTreeMap<String, String>,
}

/// An IAM group.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Group {
    /// Inline policies.
    pub inline_policies: Vec<Policy>,
    /// Managed policy ARNs.
    pub managed_policies: Vec<String>,
}

/// An IAM role.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Role {
    /// The unique ID (`AROA...`); a session's `aws:userid` is `ROLEID:SESSION`.
    pub id: Option<String>,
    /// The trust policy; a role without one can be assumed by nobody.
    pub trust_policy: Option<Policy>,
    /// Inline policies.
    pub inline_policies: Vec<Policy>,
    /// Managed policy ARNs.
    pub managed_policies: Vec<String>,
    /// The boundary's managed policy ARN.
    pub permissions_boundary: Option<String>,
    /// Maximum session duration in seconds (1 to 12 hours; default 3600).
    pub max_session_duration: u64,
    /// Tags.
    pub tags: BTreeMap<String, String>,
}

/// An IAM identity provider (OIDC or SAML; the kind follows from its ARN).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IdentityProvider {
    /// An OIDC provider's issuer URL.
    pub url: Option<String>,
    /// An OIDC provider's client IDs (audiences).
    pub client_ids: Vec<String>,
    /// A SAML provider's issuer (entity ID) from its metadata.
    pub issuer: Option<String>,
}

/// A resource with a resource-based policy.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Resource {
    /// The owning account where the ARN carries none (S3).
    pub account: Option<String>,
    /// The resource-based policy.
    pub policy: Option<Policy>,
}

/// An organization: SCPs and RCPs by level.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Organization {
    /// `o-...`
    pub id: Option<String>,
    /// The management account: SCPs and RCPs do not apply to it (R9.2, R9.4).
    pub management_account: Option<String>,
    /// Each member account's path from the root through its OUs.
    pub accounts: BTreeMap<String, Vec<String>>,
    /// SCPs by level; a level with no entry has only `FullAWSAccess`.
    pub scps: BTreeMap<String, Vec<Policy>>,
    /// RCPs by level; `RCPFullAWSAccess` is always attached as well.
    pub rcps: BTreeMap<String, Vec<Policy>>,
}

impl Organization {
    fn member_levels(&self, account: &str) -> Option<Vec<String>> {
        if self.management_account.as_deref() == Some(account) {
            return None;
        }
        let path = self.accounts.get(account)?;
        let mut levels = path.clone();
        levels.push(account.to_string());
        Some(levels)
    }

    /// The SCP levels for a principal's account, or `None` when SCPs do not apply.
    pub fn scp_levels(&self, account: &str) -> Option<Vec<Vec<Policy>>> {
        let levels = self.member_levels(account)?;
        Some(levels.iter().map(|l| self.scps.get(l).cloned().unwrap_or_else(|| vec![full_aws_access()])).collect())
    }

    /// The RCP levels for a resource's account, or `None` when RCPs do not apply.
    pub fn rcp_levels(&self, account: &str) -> Option<Vec<Vec<Policy>>> {
        let levels = self.member_levels(account)?;
        Some(levels.iter().map(|l| self.rcps.get(l).cloned().unwrap_or_default()).collect())
    }

    /// `aws:PrincipalOrgPaths` for a member account.
    pub fn org_path(&self, account: &str) -> Option<String> {
        let id = self.id.as_deref()?;
        let path = self.accounts.get(account)?;
        Some(format!("{id}/{}/", path.join("/")))
    }
}

/// The default SCP `FullAWSAccess`.
pub fn full_aws_access() -> Policy {
    use crate::pattern::ArnPattern;
    use crate::policy::{ActionBlock, ActionPattern, Effect, ResourceBlock, ResourcePattern, Statement, Version};
    use crate::variable::ResourceMatcher;
    Policy {
        version: Some(Version::V2012_10_17),
        id: None,
        statements: vec![Statement {
            sid: None,
            effect: Effect::Allow,
            principal: None,
            action: ActionBlock { negated: false, patterns: vec![ActionPattern::new("*".to_string())] },
            resource: Some(ResourceBlock {
                negated: false,
                patterns: vec![ResourcePattern { text: "*".into(), matcher: ResourceMatcher::Static(ArnPattern::Any) }],
            }),
            conditions: Vec::new(),
        }],
    }
}

/// A dangling reference or another inconsistency in a world.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorldError {
    /// Something refers to an entity that is not defined.
    #[error("{owner} refers to {what} \"{arn}\", which the world does not define")]
    Missing {
        /// Who refers to it.
        owner: String,
        /// What kind of thing is missing.
        what: &'static str,
        /// Its ARN.
        arn: String,
    },
    /// An ARN that cannot be an entity of this kind.
    #[error("\"{arn}\" is not a valid {what} ARN")]
    BadArn {
        /// The ARN.
        arn: String,
        /// The kind expected.
        what: &'static str,
    },
    /// A request names a caller the world does not know.
    #[error("unknown caller \"{0}\": not a user of the world nor a saved session")]
    UnknownCaller(String),
}

/// A caller's identity policies, permissions boundary and session policies.
pub type CallerPolicies = (Vec<Policy>, Option<Policy>, Option<Vec<Policy>>);

/// Who makes a request in a world.
#[derive(Debug, Clone, Copy)]
pub enum Caller<'a> {
    /// An IAM user, by ARN.
    User(&'a str),
    /// A role session issued by [`World::assume_role`] (or by web identity or SAML).
    Session(&'a Session),
    /// The root user of an account, by its `arn:aws:iam::ACCOUNT:root` ARN.
    Root(&'a str),
    /// A federated-user session issued by GetFederationToken.
    Federated(&'a FederatedSession),
    /// GetSessionToken credentials of a user or the root user.
    SessionToken(&'a TokenSession),
}

/// The IAM state requests are decided against.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct World {
    /// Managed policies by ARN.
    pub policies: HashMap<String, Policy>,
    /// Users by ARN.
    pub users: HashMap<String, User>,
    /// Groups by ARN.
    pub groups: HashMap<String, Group>,
    /// Roles by ARN.
    pub roles: HashMap<String, Role>,
    /// Resources by ARN.
    pub resources: HashMap<String, Resource>,
    /// The organization, if any.
    pub organization: Option<Organization>,
    /// IAM OIDC and SAML identity providers by ARN.
    pub identity_providers: HashMap<String, IdentityProvider>,
    /// The names of each user's, group's and role's inline policies (by owner ARN), in
    /// the order of its `inline_policies`; traces name inline policies by them.
    pub inline_policy_names: HashMap<String, Vec<String>>,
}

fn account_of(arn: &str) -> Option<&str> {
    arn_components(arn).map(|[_, _, _, _, account, _]| account).filter(|a| !a.is_empty())
}

impl World {
    /// Checks every reference: groups of users, managed policies, boundaries.
    pub fn validate(&self) -> Result<(), WorldError> {
        let policy = |owner: &str, arn: &str| -> Result<(), WorldError> {
            if self.policies.contains_key(arn) {
                Ok(())
            } else {
                Err(WorldError::Missing { owner: owner.to_string(), what: "managed policy", arn: arn.to_string() })
            }
        };
        for (arn, user) in &self.users {
            if !matches!(Principal::parse(arn), Ok(Principal::User { .. })) {
                return Err(WorldError::BadArn { arn: arn.clone(), what: "IAM user" });
            }
            for g in &user.groups {
                if !self.groups.contains_key(g) {
                    return Err(WorldError::Missing { owner: format!("user {arn}"), what: "group", arn: g.clone() });
                }
            }
            for p in user.managed_policies.iter().chain(user.permissions_boundary.iter()) {
                policy(&format!("user {arn}"), p)?;
            }
        }
        for (arn, group) in &self.groups {
            for p in &group.managed_policies {
                policy(&format!("group {arn}"), p)?;
            }
        }
        for (arn, role) in &self.roles {
            if Principal::role_session(arn, "check").is_none() {
                return Err(WorldError::BadArn { arn: arn.clone(), what: "IAM role" });
            }
            for p in role.managed_policies.iter().chain(role.permissions_boundary.iter()) {
                policy(&format!("role {arn}"), p)?;
            }
        }
        for arn in self.identity_providers.keys() {
            let kind = arn_components(arn).map(|[_, _, service, _, _, resource]| (service, resource));
            let ok =
                matches!(kind, Some(("iam", r)) if r.starts_with("oidc-provider/") || r.starts_with("saml-provider/"));
            if !ok {
                return Err(WorldError::BadArn { arn: arn.clone(), what: "IAM identity provider" });
            }
        }
        Ok(())
    }

    /// A caller for a user ARN of this world.
    pub fn user_caller<'a>(&self, arn: &'a str) -> Result<Caller<'a>, WorldError> {
        if self.users.contains_key(arn) {
            Ok(Caller::User(arn))
        } else if matches!(Principal::parse(arn), Ok(Principal::Root { .. })) {
            Ok(Caller::Root(arn))
        } else {
            Err(WorldError::UnknownCaller(arn.to_string()))
        }
    }

    fn managed<'a>(&'a self, arns: &'a [String]) -> impl Iterator<Item = &'a Policy> + 'a {
        arns.iter().filter_map(|a| self.policies.get(a))
    }

    /// The caller's principal.
    pub fn principal_of(&self, caller: &Caller<'_>) -> Result<Principal, WorldError> {
        match caller {
            Caller::User(arn) | Caller::Root(arn) => {
                Principal::parse(arn).map_err(|_| WorldError::BadArn { arn: arn.to_string(), what: "IAM user" })
            }
            Caller::Session(s) => Ok(s.principal.clone()),
            Caller::Federated(f) => Ok(f.principal.clone()),
            Caller::SessionToken(t) => Ok(t.principal.clone()),
        }
    }

    /// The caller's identity policies, boundary and session policies.
    pub fn caller_policies(&self, caller: &Caller<'_>) -> Result<CallerPolicies, WorldError> {
        match caller {
            Caller::User(arn) => {
                let user = self.users.get(*arn).ok_or_else(|| WorldError::UnknownCaller(arn.to_string()))?;
                let mut identity: Vec<Policy> = user.inline_policies.clone();
                identity.extend(self.managed(&user.managed_policies).cloned());
                for g in &user.groups {
                    if let Some(group) = self.groups.get(g) {
                        identity.extend(group.inline_policies.iter().cloned());
                        identity.extend(self.managed(&group.managed_policies).cloned());
                    }
                }
                let boundary = user.permissions_boundary.as_ref().and_then(|b| self.policies.get(b)).cloned();
                Ok((identity, boundary, None))
            }
            // R6.1: the root user has no identity policies and no boundary.
            Caller::Root(_) => Ok((Vec::new(), None, None)),
            Caller::Session(s) => {
                let role = self.roles.get(&s.role_arn).ok_or_else(|| WorldError::Missing {
                    owner: format!("session {}", s.principal.arn()),
                    what: "role",
                    arn: s.role_arn.clone(),
                })?;
                let mut identity: Vec<Policy> = role.inline_policies.clone();
                identity.extend(self.managed(&role.managed_policies).cloned());
                let boundary = role.permissions_boundary.as_ref().and_then(|b| self.policies.get(b)).cloned();
                Ok((identity, boundary, s.session_policies.clone()))
            }
            // R12a.4: the calling user's policies, intersected with the session policies
            // passed (none: no permissions, R6.9). A root user's federated session has
            // the root user's permissions, which no policy grants: all of them.
            Caller::Federated(f) => {
                let (identity, boundary) = match f.base_caller() {
                    Caller::Root(_) => (vec![full_aws_access()], None),
                    base => {
                        let (identity, boundary, _) = self.caller_policies(&base)?;
                        (identity, boundary)
                    }
                };
                Ok((identity, boundary, Some(f.session_policies.clone())))
            }
            // R12a.5: the user's own permissions.
            Caller::SessionToken(t) => self.caller_policies(&t.base_caller()),
        }
    }

    /// The context keys that follow from the caller: principal tags, MFA, source
    /// identity, organization (section 5).
    pub fn caller_context(&self, caller: &Caller<'_>, ctx: &mut Context) -> Result<(), WorldError> {
        let principal = self.principal_of(caller)?;
        let tags: BTreeMap<String, String> = match caller {
            Caller::User(arn) => self.users.get(*arn).map(|u| u.tags.clone()).unwrap_or_default(),
            Caller::Session(s) => self.session_principal_tags(s),
            Caller::Root(_) => BTreeMap::new(),
            Caller::Federated(f) => {
                let mut tags = match f.base_caller() {
                    Caller::User(arn) => self.users.get(arn).map(|u| u.tags.clone()).unwrap_or_default(),
                    _ => BTreeMap::new(),
                };
                crate::sts::session::merge_tags(&mut tags, &f.tags);
                tags
            }
            Caller::SessionToken(t) => match t.base_caller() {
                Caller::User(arn) => self.users.get(arn).map(|u| u.tags.clone()).unwrap_or_default(),
                _ => BTreeMap::new(),
            },
        };
        for (k, v) in &tags {
            ctx.insert_default(&format!("aws:PrincipalTag/{k}"), ContextValue::single(v.clone()));
        }
        if let Some(id) = crate::sts::session::user_id(self, caller) {
            ctx.insert_default("aws:userid", ContextValue::single(id));
        }
        // Temporary credentials always carry aws:MultiFactorAuthPresent (R5.1);
        // aws:MultiFactorAuthAge only with MFA.
        let mfa = match caller {
            Caller::User(_) | Caller::Root(_) => None,
            // GKEYS: "not present for federated identities" (web identity, SAML).
            Caller::Session(s) if s.kind != SessionKind::AssumeRole => None,
            Caller::Session(s) => Some(s.mfa),
            Caller::Federated(_) => Some(false),
            Caller::SessionToken(t) => Some(t.mfa),
        };
        if let Some(mfa) = mfa {
            ctx.insert_default("aws:MultiFactorAuthPresent", ContextValue::single(mfa.to_string()));
            if mfa {
                ctx.insert_default("aws:MultiFactorAuthAge", ContextValue::single("0"));
            }
        }
        if let Caller::Session(s) = caller {
            if let Some(si) = &s.source_identity {
                ctx.insert_default("aws:SourceIdentity", ContextValue::single(si.clone()));
            }
            // R12a.2: the federation keys that survive into the session's requests.
            for (k, v) in &s.carried_keys {
                ctx.insert_default(k, v.clone());
            }
        }
        if let (Some(org), Some(account)) = (&self.organization, principal.account()) {
            if org.accounts.contains_key(account) || org.management_account.as_deref() == Some(account) {
                if let Some(id) = &org.id {
                    ctx.insert_default("aws:PrincipalOrgID", ContextValue::single(id.clone()));
                }
                if let Some(path) = org.org_path(account) {
                    ctx.insert_default("aws:PrincipalOrgPaths", ContextValue::multi(vec![path]));
                }
            }
        }
        Ok(())
    }

    /// Role tags overridden by session tags with the same key, keys compared
    /// case-insensitively (R12.4).
    pub fn session_principal_tags(&self, s: &Session) -> BTreeMap<String, String> {
        let mut tags = self.roles.get(&s.role_arn).map(|r| r.tags.clone()).unwrap_or_default();
        crate::sts::session::merge_tags(&mut tags, &s.tags);
        tags
    }

    /// The world's entry for a resource: the resource itself, or for an S3 object
    /// (`arn:aws:s3:::bucket/key`) its bucket, whose policy governs its objects.
    pub fn resource_entry(&self, resource: &str) -> Option<&Resource> {
        if let Some(r) = self.resources.get(resource) {
            return Some(r);
        }
        let bucket_and_key = resource.strip_prefix("arn:aws:s3:::")?;
        let (bucket, _) = bucket_and_key.split_once('/')?;
        self.resources.get(&format!("arn:aws:s3:::{bucket}"))
    }

    /// The account that owns a resource.
    pub fn resource_account(&self, resource: &str, given: Option<&str>, principal: &Principal) -> String {
        given
            .map(str::to_string)
            .or_else(|| self.resource_entry(resource).and_then(|r| r.account.clone()))
            .or_else(|| account_of(resource).map(str::to_string))
            .or_else(|| principal.account().map(str::to_string))
            .unwrap_or_default()
    }

    /// Collects the policy set for a request by `caller` on `resource`.
    pub fn policy_set(
        &self,
        caller: &Caller<'_>,
        principal: &Principal,
        resource: &str,
        resource_account: &str,
    ) -> Result<PolicySet, WorldError> {
        let (identity, boundary, session) = self.caller_policies(caller)?;
        let resource_policy = self.resource_entry(resource).and_then(|r| r.policy.clone());
        let scps = match (&self.organization, principal.account()) {
            (Some(org), Some(account)) => org.scp_levels(account),
            _ => None,
        };
        let rcps = self.organization.as_ref().and_then(|org| org.rcp_levels(resource_account));
        let labels = self.policy_labels(caller, principal, resource, resource_account);
        Ok(PolicySet { identity, resource_policy, resource_is_trust: false, boundary, session, scps, rcps, labels })
    }

    /// [`World::policy_set`] for `request`: a role assumption (R11.1) on a role of the
    /// world is decided with the role's trust policy as its resource-based policy, and
    /// one on a role the world does not hold with none (R7.7: denied by the trust
    /// policy). The AssumeRole call itself ([`World::assume_role`]) does the same.
    pub fn policy_set_for(&self, caller: &Caller<'_>, request: &Request) -> Result<PolicySet, WorldError> {
        let mut set = self.policy_set(caller, &request.principal, &request.resource, &request.resource_account)?;
        self.add_trust_policy(&mut set, &request.action, &request.resource);
        Ok(set)
    }

    /// Puts the role's trust policy in `set` as its resource-based policy when
    /// `action` on `resource` is a role assumption (R11.1); see [`World::policy_set_for`].
    pub fn add_trust_policy(&self, set: &mut PolicySet, action: &str, resource: &str) {
        if crate::evaluate::is_role_assumption_of(action, resource) {
            set.resource_policy = self.roles.get(resource).and_then(|r| r.trust_policy.clone());
            set.resource_is_trust = true;
            set.set_label(PolicySlot::Resource, PolicyLabel::TrustPolicy { role: resource.to_string() });
        }
    }

    /// The resource-based policy a request for `action` on `resource` is decided
    /// with: the role's trust policy for a role assumption (R11.1), else the
    /// resource's own policy.
    pub fn resource_policy_for(&self, action: &str, resource: &str) -> Option<&Policy> {
        if crate::evaluate::is_role_assumption_of(action, resource) {
            self.roles.get(resource).and_then(|r| r.trust_policy.as_ref())
        } else {
            self.resource_entry(resource).and_then(|r| r.policy.as_ref())
        }
    }

    /// What each policy of [`World::policy_set`] is, in the same order: inline
    /// policies by owner, managed policies and boundaries by ARN, the resource's
    /// policy, and each SCP and RCP by the root, OU or account it is attached to.
    /// Session policies as the session recorded them (inline, then `PolicyArns`).
    pub fn policy_labels(
        &self,
        caller: &Caller<'_>,
        principal: &Principal,
        resource: &str,
        resource_account: &str,
    ) -> BTreeMap<PolicySlot, PolicyLabel> {
        let mut identity: Vec<PolicyLabel> = Vec::new();
        let mut boundary = None;
        let mut own = |owner: Owner, owner_arn: &str, inline: usize, managed: &[String]| {
            let names = self.inline_policy_names.get(owner_arn);
            identity.extend((0..inline).map(|i| PolicyLabel::Inline {
                name: names.and_then(|n| n.get(i)).cloned().unwrap_or_else(|| (i + 1).to_string()),
                owner,
                owner_arn: owner_arn.to_string(),
            }));
            let managed = managed.iter().filter(|a| self.policies.contains_key(*a));
            identity.extend(managed.map(|arn| PolicyLabel::Managed { arn: arn.clone() }));
        };
        // Federated users and GetSessionToken credentials act with their caller's policies.
        let base = match caller {
            Caller::Federated(f) => f.base_caller(),
            Caller::SessionToken(t) => t.base_caller(),
            other => *other,
        };
        match base {
            Caller::User(arn) => {
                if let Some(user) = self.users.get(arn) {
                    own(Owner::User, arn, user.inline_policies.len(), &user.managed_policies);
                    for g in &user.groups {
                        if let Some(group) = self.groups.get(g) {
                            own(Owner::Group, g, group.inline_policies.len(), &group.managed_policies);
                        }
                    }
                    boundary = user.permissions_boundary.clone();
                }
            }
            Caller::Root(_) | Caller::Federated(_) | Caller::SessionToken(_) => {}
            Caller::Session(s) => {
                if let Some(role) = self.roles.get(&s.role_arn) {
                    own(Owner::Role, &s.role_arn, role.inline_policies.len(), &role.managed_policies);
                    boundary = role.permissions_boundary.clone();
                }
            }
        }
        let mut labels: BTreeMap<PolicySlot, PolicyLabel> =
            identity.into_iter().enumerate().map(|(i, l)| (PolicySlot::Identity(i), l)).collect();
        if let Caller::Session(s) = caller {
            let session = s.session_policy_labels.iter().cloned().enumerate();
            labels.extend(session.map(|(i, l)| (PolicySlot::Session(i), l)));
        }
        if let Some(arn) = boundary.filter(|b| self.policies.contains_key(b)) {
            labels.insert(PolicySlot::Boundary, PolicyLabel::Managed { arn });
        }
        if let Some(entry) = self.resources.get(resource).map(|_| resource.to_string()).or_else(|| {
            let (bucket, _) = resource.strip_prefix("arn:aws:s3:::")?.split_once('/')?;
            Some(format!("arn:aws:s3:::{bucket}"))
        }) {
            labels.insert(PolicySlot::Resource, PolicyLabel::ResourcePolicy { resource: entry });
        }
        if let Some(org) = &self.organization {
            let levels = |account: &str| org.member_levels(account).unwrap_or_default();
            for (level, target) in principal.account().map(levels).unwrap_or_default().iter().enumerate() {
                match org.scps.get(target) {
                    None => {
                        let label = PolicyLabel::FullAwsAccess { target: target.clone() };
                        labels.insert(PolicySlot::Scp { level, index: 0 }, label);
                    }
                    Some(ps) => labels.extend((0..ps.len()).map(|index| {
                        let label = PolicyLabel::Organization { target: target.clone(), position: index + 1 };
                        (PolicySlot::Scp { level, index }, label)
                    })),
                }
            }
            for (level, target) in levels(resource_account).iter().enumerate() {
                let count = org.rcps.get(target).map_or(0, Vec::len);
                labels.extend((0..count).map(|index| {
                    let label = PolicyLabel::Organization { target: target.clone(), position: index + 1 };
                    (PolicySlot::Rcp { level, index }, label)
                }));
            }
        }
        labels
    }

    /// Decides a request by `caller`.
    pub fn authorize(
        &self,
        caller: &Caller<'_>,
        action: &str,
        resource: &str,
        resource_account: Option<&str>,
        context: Context,
        trace: bool,
    ) -> Result<(Request, Decision), WorldError> {
        let principal = self.principal_of(caller)?;
        let mut context = context;
        self.caller_context(caller, &mut context)?;
        let account = self.resource_account(resource, resource_account, &principal);
        let request = Request::new(principal, action, resource, Some(&account), context);
        let set = self.policy_set_for(caller, &request)?;
        if crate::sts::session::credentials_forbid(caller, action) {
            let decision =
                Decision { outcome: Outcome::ImplicitDeny, denied_by: Some(Layer::CredentialType), trace: None };
            return Ok((request, decision));
        }
        let prepared = PreparedPolicySet::new(set);
        let decision = prepared.decide(&request, trace);
        let decision = match caller {
            Caller::Federated(f) => {
                crate::sts::federation_token::grant_to_calling_user(f, &request, prepared.set(), decision)
            }
            _ => decision,
        };
        Ok((request, decision))
    }

    /// Runs an AssumeRole call by `caller` ([`crate::sts::assume_role`]).
    pub fn assume_role(&self, caller: &Caller<'_>, params: &AssumeRoleParams, trace: bool) -> Result<Issued, StsError> {
        crate::sts::assume_role::assume_role(self, caller, params, trace)
    }

    /// Runs an AssumeRoleWithWebIdentity call ([`crate::sts::web_identity`]).
    pub fn assume_role_with_web_identity(&self, params: &WebIdentityParams, trace: bool) -> Result<Issued, StsError> {
        crate::sts::web_identity::assume_role_with_web_identity(self, params, trace)
    }

    /// Runs an AssumeRoleWithSAML call ([`crate::sts::saml`]).
    pub fn assume_role_with_saml(&self, params: &SamlParams, trace: bool) -> Result<Issued, StsError> {
        crate::sts::saml::assume_role_with_saml(self, params, trace)
    }

    /// Runs a GetFederationToken call by `caller` ([`crate::sts::federation_token`]).
    pub fn get_federation_token(
        &self,
        caller: &Caller<'_>,
        params: &FederationTokenParams,
        trace: bool,
    ) -> Result<Issued<FederatedSession>, StsError> {
        crate::sts::federation_token::get_federation_token(self, caller, params, trace)
    }

    /// Runs a GetSessionToken call by `caller` ([`crate::sts::session_token`]).
    pub fn get_session_token(
        &self,
        caller: &Caller<'_>,
        params: &SessionTokenParams,
    ) -> Result<TokenSession, StsError> {
        crate::sts::session_token::get_session_token(self, caller, params)
    }

    /// GetCallerIdentity: never denied (R11.10).
    pub fn get_caller_identity(&self, caller: &Caller<'_>) -> Result<CallerIdentity, StsError> {
        crate::sts::session::get_caller_identity(self, caller)
    }
}
