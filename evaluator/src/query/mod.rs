//! Questions asked of a [`World`]: can this principal do this ([`can`]), who can do
//! this ([`who_can`]), and which roles can each principal become ([`reach`]).
//!
//! Answers are three-valued where a condition reads a key the world cannot know
//! (the source IP, MFA, an external ID, request tags, the time, ...): a
//! [`Verdict`] is yes, no, or "if" those keys allow it (see [`unknown`]). Every
//! answer is the oracle's own decision procedure run on the world's policies; `reach`
//! edges are the decisions of `sts:AssumeRole` as [`World::assume_role`] makes them.
//!
//! Principals are the world's IAM users and roles, and (in `who-can`) the root user
//! of each account of the world; a role stands for a session of it named
//! [`SESSION_NAME`], with no session policy, no session tags, no source identity and
//! no MFA. Federated users are not entities of the world: `who-can` lists them as
//! undecided, with the reason.

mod closure;
mod reach;
mod scc;
pub mod unknown;
mod who_can;

use crate::context::{Context, ContextValue};
use crate::decision::Decision;
use crate::evaluate::{evaluate, PolicySet};
use crate::policy::Policy;
use crate::principal::Principal;
use crate::request::Request;
use crate::sts::Session;
use crate::world::{Caller, World, WorldError};

pub use closure::Closure;
pub use reach::{reach, reach_edges, reach_edges_exhaustive, Edge, Hop, Reach, Reached};
pub use unknown::{Bound, Knowledge, Unknowns};
pub use who_can::{who_can, who_can_with_progress, Answer, Undecided, WhoCan};

/// The session name a role stands for in questions (a valid `RoleSessionName`).
pub const SESSION_NAME: &str = "iam-conformance";

/// A three-valued answer.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// Allowed whatever the unknown keys are.
    Yes,
    /// Allowed for some values of these keys and denied for others (or for all: see
    /// [`unknown`] on the bound).
    If(Unknowns),
    /// Denied whatever the unknown keys are.
    No,
}

impl Verdict {
    /// `yes`, `if` or `no`.
    pub fn name(&self) -> &'static str {
        match self {
            Verdict::Yes => "yes",
            Verdict::If(_) => "if",
            Verdict::No => "no",
        }
    }

    /// The unknowns of an `if`.
    pub fn unknowns(&self) -> Option<&Unknowns> {
        match self {
            Verdict::If(u) => Some(u),
            _ => None,
        }
    }
}

/// Why a question cannot be answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// The principal is neither a user nor a role of the world (nor a root user).
    #[error("\"{0}\" is not a user or role of the world (give a user ARN, a role ARN or arn:aws:iam::ACCOUNT:root)")]
    UnknownPrincipal(String),
    /// The world is inconsistent.
    #[error("{0}")]
    World(#[from] WorldError),
}

/// Who asks: a user, a role (as a session), or a root user.
#[derive(Debug, Clone, PartialEq)]
pub enum Who {
    /// An IAM user, by ARN.
    User(String),
    /// A session of the role, by role ARN.
    Role(Box<Session>),
    /// The root user, by `arn:aws:iam::ACCOUNT:root`.
    Root(String),
}

impl Who {
    /// Finds `arn` in the world: a user, a role, or a root user.
    pub fn find(world: &World, arn: &str) -> Result<Who, QueryError> {
        if world.users.contains_key(arn) {
            return Ok(Who::User(arn.to_string()));
        }
        if world.roles.contains_key(arn) {
            return role_session(arn)
                .map(|s| Who::Role(Box::new(s)))
                .ok_or_else(|| QueryError::UnknownPrincipal(arn.to_string()));
        }
        if matches!(Principal::parse(arn), Ok(Principal::Root { .. })) {
            return Ok(Who::Root(arn.to_string()));
        }
        Err(QueryError::UnknownPrincipal(arn.to_string()))
    }

    /// The caller for the world's methods.
    pub fn caller(&self) -> Caller<'_> {
        match self {
            Who::User(a) => Caller::User(a),
            Who::Role(s) => Caller::Session(s),
            Who::Root(a) => Caller::Root(a),
        }
    }

    /// The user or role ARN (not the session ARN).
    pub fn arn(&self) -> &str {
        match self {
            Who::User(a) | Who::Root(a) => a,
            Who::Role(s) => &s.role_arn,
        }
    }

    /// `user`, `role` or `root`.
    pub fn kind(&self) -> &'static str {
        match self {
            Who::User(_) => "user",
            Who::Role(_) => "role",
            Who::Root(_) => "root",
        }
    }
}

/// A session of `role_arn` as questions see it.
pub fn role_session(role_arn: &str) -> Option<Session> {
    Session::bare(role_arn, SESSION_NAME)
}

/// Every user and role of the world, users first, each sorted by ARN.
pub fn principals(world: &World) -> Vec<Who> {
    let mut users: Vec<&String> = world.users.keys().collect();
    users.sort();
    let mut roles: Vec<&String> = world.roles.keys().collect();
    roles.sort();
    users
        .into_iter()
        .map(|u| Who::User(u.clone()))
        .chain(roles.into_iter().filter_map(|r| role_session(r).map(|s| Who::Role(Box::new(s)))))
        .collect()
}

/// The root user of every account of the world (the accounts of its users, groups,
/// roles and customer managed policies, and of its organization), sorted.
pub fn roots(world: &World) -> Vec<Who> {
    let arns = world.users.keys().chain(world.groups.keys()).chain(world.roles.keys()).chain(world.policies.keys());
    // The account is the fifth field of an ARN.
    let mut accounts: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
    // Most ARNs of a listing share one account: an ARN that starts like the last one
    // whose account was taken (`arn:aws:iam::ACCOUNT:`) is skipped without a split.
    let mut last_prefix = "";
    for arn in arns {
        if !last_prefix.is_empty() && arn.starts_with(last_prefix) {
            continue;
        }
        let Some([_, _, _, _, a, _]) = crate::pattern::arn_components(arn) else { continue };
        if a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()) {
            accounts.insert(a);
            last_prefix = arn.get(..arn.len() - arn.rsplit(':').next().map_or(0, str::len)).unwrap_or("");
        }
    }
    if let Some(org) = &world.organization {
        accounts.extend(org.accounts.keys().map(String::as_str));
        accounts.extend(org.management_account.as_deref());
    }
    accounts.into_iter().map(|a| Who::Root(format!("arn:aws:iam::{a}:root"))).collect()
}

/// True when the caller's credentials cannot make the request at all, whatever the
/// policies say (R12a.4, R12a.5: a role session cannot call GetFederationToken or
/// GetSessionToken).
pub fn credentials_forbid(who: &Who, action: &str) -> bool {
    crate::sts::session::credentials_forbid(&who.caller(), action)
}

/// `aws:userid` where the world knows it (CASE-FORMAT.md v1.1 `id`; FEDERATION.md
/// section 7): the user's unique ID, `ROLEID:SESSION` for a role session, the account
/// for the root user.
pub fn user_id(world: &World, who: &Who) -> Option<String> {
    match who {
        Who::User(arn) => world.users.get(arn).and_then(|u| u.id.clone()),
        Who::Role(s) => world.roles.get(&s.role_arn).and_then(|r| r.id.as_ref()).map(|id| {
            let name = match &s.principal {
                Principal::RoleSession { session_name, .. } => session_name.as_str(),
                _ => SESSION_NAME,
            };
            format!("{id}:{name}")
        }),
        Who::Root(arn) => Principal::parse(arn).ok().and_then(|p| p.account().map(str::to_string)),
    }
}

/// Decides `request` against the bounds of `set`.
pub fn verdict(request: &Request, set: &PolicySet, knowledge: &Knowledge) -> Verdict {
    let resource = Some(request.resource.as_str());
    let mut optimistic = set.clone();
    let found = unknown::bound_set(&mut optimistic, knowledge, Bound::Optimistic, &request.action, resource);
    if found.is_empty() {
        return if evaluate(request, set).is_allowed() { Verdict::Yes } else { Verdict::No };
    }
    if !evaluate(request, &optimistic).is_allowed() {
        return Verdict::No;
    }
    let mut pessimistic = set.clone();
    unknown::bound_set(&mut pessimistic, knowledge, Bound::Pessimistic, &request.action, resource);
    if evaluate(request, &pessimistic).is_allowed() {
        Verdict::Yes
    } else {
        Verdict::If(found)
    }
}

/// The answer to "can this principal do this".
#[derive(Debug, Clone, PartialEq)]
pub struct CanAnswer {
    /// The request as decided, with the derived context keys.
    pub request: Request,
    /// The decision for exactly this request (keys not given are absent), with trace.
    pub decision: Decision,
    /// Whether it holds whatever the keys not given are.
    pub verdict: Verdict,
}

/// The question of [`can`] and [`who_can`]: an action on a resource, with context.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Question {
    /// The action.
    pub action: String,
    /// The resource ARN, or `*`.
    pub resource: String,
    /// The resource's account where the ARN has none.
    pub resource_account: Option<String>,
    /// Context keys given (every other key that the world does not derive is unknown).
    pub context: Context,
}

impl Question {
    /// A question with no context.
    pub fn new(action: &str, resource: &str) -> Question {
        Question { action: action.to_string(), resource: resource.to_string(), ..Question::default() }
    }

    pub(crate) fn knowledge(&self, userid: bool) -> Knowledge {
        Knowledge { given: self.context.iter().map(|(k, _)| k.to_string()).collect(), userid, resource_tags: false }
    }
}

/// The request `who` makes for `q`, and the policies that decide it.
/// The question with what the world knows of its resource: for `sts:AssumeRole` (and
/// the calls authorized with it, R11.5) on a role of the world, the role's tags as
/// `aws:ResourceTag` and `iam:ResourceTag` keys, as [`World::assume_role`] puts them
/// in the request before the trust policy is evaluated (R12.4). They are given
/// keys, so answers that depend on them are exact rather than "if". `None` when
/// there is nothing to add.
pub(crate) fn with_resource_facts(world: &World, q: &Question) -> Option<Question> {
    if !crate::evaluate::is_role_assumption_of(&q.action, &q.resource) {
        return None;
    }
    let role = world.roles.get(&q.resource)?;
    if role.tags.is_empty() {
        return None;
    }
    let mut known = q.clone();
    crate::sts::assume_role::insert_role_tags(
        world,
        &q.resource,
        &std::collections::BTreeMap::new(),
        &mut known.context,
    );
    Some(known)
}

pub(crate) fn prepare(world: &World, who: &Who, q: &Question) -> Result<(Request, PolicySet, bool), QueryError> {
    let caller = who.caller();
    let principal = world.principal_of(&caller)?;
    let mut context = q.context.clone();
    let id = user_id(world, who);
    if let Some(id) = &id {
        context.insert_default("aws:userid", ContextValue::single(id.clone()));
    }
    world.caller_context(&caller, &mut context)?;
    let account = world.resource_account(&q.resource, q.resource_account.as_deref(), &principal);
    let request = Request::new(principal, &q.action, &q.resource, Some(&account), context);
    let set = world.policy_set_for(&caller, &request)?;
    Ok((request, set, id.is_some()))
}

/// Can `principal` (a user, role or root ARN of the world) do `q`? The decision is the
/// oracle's for the request as given; the verdict says whether it holds whatever the
/// keys not given are.
pub fn can(world: &World, principal: &str, q: &Question) -> Result<CanAnswer, QueryError> {
    let known = with_resource_facts(world, q);
    let q = known.as_ref().unwrap_or(q);
    let who = Who::find(world, principal)?;
    let (request, set, userid) = prepare(world, &who, q)?;
    if credentials_forbid(&who, &q.action) {
        let decision = Decision {
            outcome: crate::decision::Outcome::ImplicitDeny,
            denied_by: Some(crate::decision::Layer::CredentialType),
            trace: Some(crate::decision::Trace::default()),
        };
        return Ok(CanAnswer { request, decision, verdict: Verdict::No });
    }
    let decision = crate::evaluate::evaluate_with_trace(&request, &set);
    // A role stands for any of its sessions: its aws:userid (ROLEID:SESSION) is unknown.
    let verdict = verdict(&request, &set, &q.knowledge(userid && !matches!(who, Who::Role(_))));
    Ok(CanAnswer { request, decision, verdict })
}

/// Can a request decided against policies given directly (no world) be allowed,
/// whatever the keys not in `given` are? The decision is `evaluate_with_trace`'s.
pub fn can_with_policies(request: Request, set: &PolicySet, given: &Context) -> CanAnswer {
    let decision = crate::evaluate::evaluate_with_trace(&request, set);
    let knowledge = Knowledge {
        given: given.iter().map(|(k, _)| k.to_string()).collect(),
        userid: request.context.contains("aws:userid"),
        resource_tags: false,
    };
    let verdict = verdict(&request, set, &knowledge);
    CanAnswer { request, decision, verdict }
}

/// A principal of the world by ARN, without the session a role stands for.
#[derive(Debug, Clone, Copy)]
enum Entity<'a> {
    User(&'a str),
    Role(&'a str),
    Root,
}

impl Who {
    fn entity(&self) -> Entity<'_> {
        match self {
            Who::User(a) => Entity::User(a),
            Who::Role(s) => Entity::Role(&s.role_arn),
            Who::Root(_) => Entity::Root,
        }
    }
}

/// The identity policies of a principal, by reference, as
/// [`World::caller_policies`] collects them.
fn identity_refs<'w>(world: &'w World, who: Entity<'_>) -> Vec<&'w Policy> {
    let mut out = Vec::new();
    identity_refs_into(world, who, &mut out);
    out
}

/// [`identity_refs`] into a buffer the caller reuses (who-can asks it of every
/// principal).
fn identity_refs_into<'w>(world: &'w World, who: Entity<'_>, out: &mut Vec<&'w Policy>) {
    let managed = |arns: &'w [String]| arns.iter().filter_map(|a| world.policies.get(a));
    match who {
        Entity::User(arn) => {
            if let Some(u) = world.users.get(arn) {
                out.extend(u.inline_policies.iter().chain(managed(&u.managed_policies)));
                for g in u.groups.iter().filter_map(|g| world.groups.get(g)) {
                    out.extend(g.inline_policies.iter().chain(managed(&g.managed_policies)));
                }
            }
        }
        Entity::Role(arn) => {
            if let Some(r) = world.roles.get(arn) {
                out.extend(r.inline_policies.iter().chain(managed(&r.managed_policies)));
            }
        }
        Entity::Root => {}
    }
}

/// A hasher for maps keyed by a policy's address: the address is already unique
/// and not chosen by any input, so one multiplication spreads it well enough, and
/// SipHash (the default, which resists chosen keys) would only cost time.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct AddrHasher(u64);

impl std::hash::Hasher for AddrHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }

    fn write_usize(&mut self, n: usize) {
        self.0 = (n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29);
    }
}

/// A map keyed by policy address, with [`AddrHasher`].
pub(crate) type AddrMap<V> = std::collections::HashMap<usize, V, std::hash::BuildHasherDefault<AddrHasher>>;

/// The permissions boundary of a principal, by reference.
fn boundary_ref<'w>(world: &'w World, who: Entity<'_>) -> Option<&'w Policy> {
    let arn = match who {
        Entity::User(a) => world.users.get(a).and_then(|u| u.permissions_boundary.as_ref()),
        Entity::Role(a) => world.roles.get(a).and_then(|r| r.permissions_boundary.as_ref()),
        Entity::Root => None,
    }?;
    world.policies.get(arn)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn who_names_its_kind_and_arn() {
        let mut world = World::default();
        world.users.insert("arn:aws:iam::111122223333:user/alice".into(), Default::default());
        world.roles.insert("arn:aws:iam::111122223333:role/ops".into(), Default::default());
        for (arn, kind) in [
            ("arn:aws:iam::111122223333:user/alice", "user"),
            ("arn:aws:iam::111122223333:role/ops", "role"),
            ("arn:aws:iam::111122223333:root", "root"),
        ] {
            let who = Who::find(&world, arn).unwrap();
            assert_eq!((who.kind(), who.arn()), (kind, arn));
        }
        assert!(Who::find(&world, "arn:aws:iam::111122223333:user/bob").is_err());
        let verdict = Verdict::If(Unknowns { keys: ["aws:SourceIp".to_string()].into(), ..Unknowns::default() });
        assert_eq!((verdict.name(), verdict.unknowns().map(|u| u.keys.len())), ("if", Some(1)));
        assert_eq!(Verdict::Yes.unknowns(), None);
    }

    /// The root users are those of the 12-digit accounts the listing's ARNs name (not
    /// `aws`, the account of AWS managed policies, nor a malformed one).
    #[test]
    fn roots_are_the_accounts_of_the_listing() {
        let mut world = World::default();
        for arn in [
            "arn:aws:iam::111122223333:user/alice",
            "arn:aws:iam::111122223333:user/bob",
            "arn:aws:iam::444455556666:user/carol",
            "arn:aws:iam::12345678901x:user/broken",
        ] {
            world.users.insert(arn.into(), Default::default());
        }
        let empty = crate::policy::Policy::parse(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}"#,
            crate::policy::PolicyType::Identity,
        )
        .unwrap();
        world.policies.insert("arn:aws:iam::aws:policy/ReadOnlyAccess".into(), empty);
        let roots: Vec<String> = roots(&world).iter().map(|w| w.arn().to_string()).collect();
        assert_eq!(roots, ["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"]);
    }

    /// A role session's aws:userid is the role's unique ID and the session's own name.
    #[test]
    fn a_role_sessions_user_id_carries_its_name() {
        let mut world = World::default();
        let role = "arn:aws:iam::111122223333:role/ops";
        world.roles.insert(role.into(), crate::world::Role { id: Some("AROAEXAMPLE".into()), ..Default::default() });
        let named = Session::bare(role, "alice").unwrap();
        assert_eq!(user_id(&world, &Who::Role(Box::new(named))).as_deref(), Some("AROAEXAMPLE:alice"));
    }
}
