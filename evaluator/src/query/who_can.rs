//! Who can do this: every user and role of the world with its verdict.
//!
//! The decision procedure uses a layer's identity-based policies (and its boundary)
//! only through two bits: does some statement allow, does some statement deny. So
//! each policy is decided once per question, for both bounds, into what it
//! contributes (nothing, an Allow, a Deny), and each principal's layers are that
//! contribution combined; the principal's request is then decided against stand-ins
//! of those contributions (an `Allow *` or `Deny *` policy) with the real resource
//! policy, SCPs and RCPs. A policy whose relevant statements read a key the world
//! derives for each principal (its tags, its name, a policy variable) is decided per
//! principal instead. A principal none of whose policies can allow the action, and
//! whom the resource's policy cannot grant it, is "no" without a decision (R6.6,
//! R7.6, R8.1).

use std::collections::HashMap;

use crate::evaluate::{evaluate, PolicySet};
use crate::policy::{Effect, Policy};
use crate::principal::{Principal, PrincipalMatch};
use crate::request::Request;
use crate::world::World;

use super::unknown::{
    bound_policy, bound_set, depends_on_principal, may_read_unknown, statement_maybe, Bound, Knowledge, Unknowns,
};
use super::{boundary_ref, identity_refs_into, user_id, AddrMap, Entity, QueryError, Question, Verdict, Who};
use crate::context::ContextValue;

/// One principal's answer in [`who_can`].
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The principal's ARN (a user, role or root user ARN).
    pub principal: String,
    /// `user`, `role` or `root`.
    pub kind: &'static str,
    /// Its verdict.
    pub verdict: Verdict,
}

/// What one policy adds to its layer for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Contribution {
    Nothing,
    Allow,
    Deny,
}

fn stand_in(c: Contribution) -> Policy {
    let mut p = crate::world::full_aws_access();
    match c {
        Contribution::Nothing => p.statements.clear(),
        Contribution::Allow => {}
        Contribution::Deny => {
            for s in &mut p.statements {
                s.effect = Effect::Deny;
            }
        }
    }
    p
}

/// One policy, prepared for one question.
struct Prepared {
    /// Some statement can apply to the action and resource.
    relevant: bool,
    /// Its outcome depends on the principal.
    per_principal: bool,
    /// The policy resolved for each bound, where bounding changed it.
    bounded: [Option<Policy>; 2],
    /// Contributions when they do not depend on the principal.
    shared: [Option<Contribution>; 2],
    unknowns: Unknowns,
}

impl Prepared {
    /// Relevant, and not yet decided for every bound: deciding it needs the caller's
    /// full request.
    fn undecided(&self) -> bool {
        self.relevant && self.shared.iter().any(Option::is_none)
    }
}

/// Do SCPs or RCPs apply to the request (either may read the caller's context)?
fn organization_applies(set: &PolicySet) -> bool {
    set.scps.is_some() || set.rcps.is_some()
}

/// What `policy` adds to the identity layer of `request`.
fn contribution(request: &Request, policy: &Policy) -> Contribution {
    match crate::evaluate::identity_matches(request, policy) {
        (_, true) => Contribution::Deny,
        (true, false) => Contribution::Allow,
        (false, false) => Contribution::Nothing,
    }
}

fn prepare_policy(p: &Policy, k: &Knowledge, q: &Question) -> Prepared {
    let resource = Some(q.resource.as_str());
    let relevant: Vec<_> = p.statements.iter().filter(|s| statement_maybe(s, &q.action, resource)).collect();
    if relevant.is_empty() {
        return Prepared {
            relevant: false,
            per_principal: false,
            bounded: [None, None],
            shared: [Some(Contribution::Nothing); 2],
            unknowns: Unknowns::default(),
        };
    }
    let per_principal = relevant.iter().any(|s| depends_on_principal(s, k));
    let mut unknowns = Unknowns::default();
    if !relevant.iter().any(|s| may_read_unknown(s, k)) {
        return Prepared { relevant: true, per_principal, bounded: [None, None], shared: [None, None], unknowns };
    }
    // Only statements that can apply matter to what the policy adds: the bounds are
    // built from those alone.
    let only = Policy { version: p.version, id: None, statements: relevant.into_iter().cloned().collect() };
    let optimistic = bound_policy(&only, k, Bound::Optimistic, &q.action, resource, &mut unknowns);
    let pessimistic = bound_policy(&only, k, Bound::Pessimistic, &q.action, resource, &mut Unknowns::default());
    Prepared { relevant: true, per_principal, bounded: [optimistic, pessimistic], shared: [None, None], unknowns }
}

/// Can the resource-based policy grant `q` to `principal` by itself, without an
/// identity policy? Naming only the principal's account cannot (R7.6, R11.2), so a
/// trust or bucket policy that names the account does not send every principal of
/// the account through the full decision when none of them has a permission of its
/// own.
fn resource_may_grant(policy: &Policy, principal: &Principal, q: &Question) -> bool {
    policy.statements.iter().any(|s| {
        s.effect == Effect::Allow
            && statement_maybe(s, &q.action, Some(&q.resource))
            && s.principal.as_ref().is_none_or(|b| {
                b.negated || !matches!(principal.match_spec(&b.spec), PrincipalMatch::None | PrincipalMatch::Account)
            })
    })
}

/// The answer to "who can do this".
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WhoCan {
    /// Every user and role of the world in the order of [`principals`], then the root
    /// user of each account ([`super::roots`]) that is decided, each with its verdict.
    pub answers: Vec<Answer>,
    /// The principals (or kinds of principal) that cannot be decided exactly, each
    /// with the reason: never counted as allowed.
    pub undecided: Vec<Undecided>,
}

/// A principal, or a kind of principal, whose answer the world cannot decide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undecided {
    /// Its ARN, or a pattern of ARNs (`arn:aws:sts::ACCOUNT:federated-user/*`).
    pub principal: String,
    /// `root` or `federated`.
    pub kind: &'static str,
    /// Why it is not decided.
    pub reason: String,
}

/// Every user, role and root user of the world with its verdict for `q`, and the
/// principals it cannot decide.
pub fn who_can(world: &World, q: &Question) -> Result<WhoCan, QueryError> {
    who_can_with_progress(world, q, &mut |_, _| {})
}

const ROOT_ASSUMES: &str = "the root user calling sts:AssumeRole: the oracle's AssumeRole refuses it as the \
console does, but the API's behaviour is not confirmed by the AWS documentation (IAM-SPEC.md U13)";

const FEDERATED: &str = "federated users (GetFederationToken sessions) are not entities of the listing: each one \
has the permissions of the IAM user or root user that made it intersected with the session policies passed to the \
call (R12a.4), which the world does not record";

/// The root users' answers, and what is undecided: root users calling
/// sts:AssumeRole, and each account's federated users unless their credentials
/// cannot make the request at all (IAM, and STS but GetCallerIdentity: R12a.4).
fn roots_and_federated(world: &World, q: &Question, out: &mut WhoCan) -> Result<(), QueryError> {
    for root in super::roots(world) {
        let account = root.arn().trim_start_matches("arn:aws:iam::").trim_end_matches(":root").to_string();
        if let Ok(principal) = Principal::parse(&format!("arn:aws:sts::{account}:federated-user/any")) {
            let session = crate::sts::FederatedSession {
                principal,
                caller_arn: root.arn().to_string(),
                session_policies: Vec::new(),
                tags: std::collections::BTreeMap::new(),
                duration_seconds: 3600,
            };
            if !crate::sts::session::credentials_forbid(&crate::world::Caller::Federated(&session), &q.action) {
                out.undecided.push(Undecided {
                    principal: format!("arn:aws:sts::{account}:federated-user/*"),
                    kind: "federated",
                    reason: FEDERATED.to_string(),
                });
            }
        }
        if q.action.eq_ignore_ascii_case("sts:AssumeRole") {
            out.undecided.push(Undecided {
                principal: root.arn().to_string(),
                kind: "root",
                reason: ROOT_ASSUMES.into(),
            });
            continue;
        }
        let (request, set, _) = super::prepare(world, &root, q)?;
        let verdict = super::verdict(&request, &set, &q.knowledge(true));
        out.answers.push(Answer { principal: root.arn().to_string(), kind: root.kind(), verdict });
    }
    Ok(())
}

/// The sets every principal of one account shares: resource policy, SCPs and RCPs,
/// for each bound, with what they leave unknown; and the stand-in policies.
#[derive(Default)]
struct Bases {
    sets: HashMap<(String, String), ([PolicySet; 2], Unknowns)>,
    /// The (principal account, resource account) of the last principal.
    last: Option<(String, String)>,
    stand_ins: StandIns,
}

/// Stand-ins for the identity layer (0) and the boundary (1), moved into a set and
/// back rather than rebuilt.
#[derive(Default)]
struct StandIns {
    pool: [[Option<Policy>; 3]; 2],
}

impl StandIns {
    fn slot(c: Contribution) -> usize {
        match c {
            Contribution::Nothing => 0,
            Contribution::Allow => 1,
            Contribution::Deny => 2,
        }
    }

    fn take(&mut self, layer: usize, c: Contribution) -> Policy {
        self.pool
            .get_mut(layer)
            .and_then(|l| l.get_mut(StandIns::slot(c)))
            .and_then(Option::take)
            .unwrap_or_else(|| stand_in(c))
    }

    fn give(&mut self, layer: usize, c: Contribution, p: Policy) {
        if let Some(slot) = self.pool.get_mut(layer).and_then(|l| l.get_mut(StandIns::slot(c))) {
            *slot = Some(p);
        }
    }
}

/// [`who_can`], reporting progress as (done, total) principals.
pub fn who_can_with_progress(
    world: &World,
    q: &Question,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<WhoCan, QueryError> {
    let known = super::with_resource_facts(world, q);
    let q = known.as_ref().unwrap_or(q);
    let mut users: Vec<&String> = world.users.keys().collect();
    users.sort_unstable();
    let mut roles: Vec<&String> = world.roles.keys().collect();
    roles.sort_unstable();
    let resource_policy = world.resource_policy_for(&q.action, &q.resource);
    // In who-can a role stands for any of its sessions: aws:userid is unknown.
    let k = Knowledge { given: q.context.iter().map(|(key, _)| key.to_string()).collect(), ..Knowledge::default() };
    // R11.10: sts:GetCallerIdentity needs no permission, so no principal is skipped.
    let always = q.action.eq_ignore_ascii_case("sts:GetCallerIdentity");
    // Whether role sessions' credentials can make the request at all (R12a.4, R12a.5).
    let sessions_forbidden = roles
        .first()
        .and_then(|r| super::role_session(r))
        .is_some_and(|s| super::credentials_forbid(&Who::Role(Box::new(s)), &q.action));
    let mut cache: AddrMap<Prepared> = AddrMap::default();
    let mut bases = Bases::default();
    let mut identity = Vec::new();
    let total = users.len() + roles.len();
    let mut out = WhoCan { answers: Vec::with_capacity(total), undecided: Vec::new() };
    let entities = users.iter().map(|u| Entity::User(u)).chain(roles.iter().map(|r| Entity::Role(r)));
    for (i, entity) in entities.enumerate() {
        if i % 256 == 0 {
            progress(i, total);
        }
        let (arn, kind) = match entity {
            Entity::User(a) => (a, "user"),
            Entity::Role(a) => (a, "role"),
            Entity::Root => continue,
        };
        let mut answer = |verdict| out.answers.push(Answer { principal: arn.to_string(), kind, verdict });
        if kind == "role" && sessions_forbidden {
            answer(Verdict::No);
            continue;
        }
        identity.clear();
        identity_refs_into(world, entity, &mut identity);
        let boundary = boundary_ref(world, entity);
        for p in identity.iter().chain(boundary.iter()) {
            cache.entry(std::ptr::from_ref(*p).addr()).or_insert_with(|| prepare_policy(p, &k, q));
        }
        // Only an identity policy can grant; a boundary only limits.
        let may =
            always || identity.iter().any(|p| cache.get(&std::ptr::from_ref(*p).addr()).is_some_and(|c| c.relevant));
        if !may && resource_policy.is_none() {
            answer(Verdict::No);
            continue;
        }
        let who = match entity {
            Entity::Role(r) => match super::role_session(r) {
                Some(s) => Who::Role(Box::new(s)),
                None => continue,
            },
            _ => Who::User(arn.to_string()),
        };
        let principal = world.principal_of(&who.caller())?;
        if !may && !resource_policy.is_some_and(|rp| resource_may_grant(rp, &principal, q)) {
            answer(Verdict::No);
            continue;
        }
        let verdict = decide(world, &who, &principal, q, &k, &identity, boundary, &mut cache, &mut bases)?;
        answer(verdict);
    }
    roots_and_federated(world, q, &mut out)?;
    progress(total, total);
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn decide(
    world: &World,
    who: &Who,
    principal: &Principal,
    q: &Question,
    k: &Knowledge,
    identity: &[&Policy],
    boundary: Option<&Policy>,
    cache: &mut AddrMap<Prepared>,
    bases: &mut Bases,
) -> Result<Verdict, QueryError> {
    let caller = who.caller();
    let account = world.resource_account(&q.resource, q.resource_account.as_deref(), principal);
    let same_key = matches!(&bases.last, Some((a, r)) if Some(a.as_str()) == principal.account() && *r == account);
    if !same_key {
        let key = (principal.account().unwrap_or_default().to_string(), account.clone());
        if !bases.sets.contains_key(&key) {
            let mut set = world.policy_set(&caller, principal, &q.resource, &account)?;
            world.add_trust_policy(&mut set, &q.action, &q.resource);
            set.identity.clear();
            set.boundary = None;
            set.session = None;
            let mut optimistic = set.clone();
            let found = bound_set(&mut optimistic, k, Bound::Optimistic, &q.action, Some(&q.resource));
            let mut pessimistic = set;
            bound_set(&mut pessimistic, k, Bound::Pessimistic, &q.action, Some(&q.resource));
            bases.sets.insert(key.clone(), ([optimistic, pessimistic], found));
        }
        bases.last = Some(key);
    }
    let Some(key) = bases.last.clone() else { return Ok(Verdict::No) };
    // The full request (with the caller's context) is needed where a policy decided
    // per principal, or the resource policy, SCPs or RCPs, may read the context;
    // the stand-ins read none of it.
    let base_reads_context =
        bases.sets.get(&key).is_some_and(|([o, _], _)| o.resource_policy.is_some() || organization_applies(o));
    let pending = identity
        .iter()
        .chain(boundary.iter())
        .any(|p| cache.get(&std::ptr::from_ref(*p).addr()).is_some_and(Prepared::undecided));
    let request = if base_reads_context || pending {
        let mut context = q.context.clone();
        if let (Some(id), Who::User(_)) = (user_id(world, who), who) {
            context.insert_default("aws:userid", ContextValue::single(id));
        }
        world.caller_context(&caller, &mut context)?;
        Request::new(principal.clone(), &q.action, &q.resource, Some(&account), context)
    } else {
        Request {
            principal: principal.clone(),
            action: q.action.clone(),
            resource: q.resource.clone(),
            resource_account: account.clone(),
            context: crate::context::Context::new(),
        }
    };

    // Each policy's contribution, per bound. A layer's bits do not depend on where
    // the resource is: `identity_matches` reads no resource account, and the
    // cross-account rule is applied when the stand-ins are decided with the whole
    // request below.
    let mut contribution = |p: &Policy, b: usize| -> Contribution {
        let Some(prepared) = cache.get_mut(&std::ptr::from_ref(p).addr()) else {
            return Contribution::Nothing;
        };
        if !prepared.relevant {
            return Contribution::Nothing;
        }
        if let Some(Some(c)) = prepared.shared.get(b) {
            return *c;
        }
        let bounded = prepared.bounded.get(b).and_then(Option::as_ref).unwrap_or(p);
        let c = contribution(&request, bounded);
        if !prepared.per_principal {
            if let Some(s) = prepared.shared.get_mut(b) {
                *s = Some(c);
            }
        }
        c
    };
    let mut layers = [[Contribution::Nothing; 2]; 2];
    for b in 0..2 {
        let id = identity.iter().map(|p| contribution(p, b)).max().unwrap_or(Contribution::Nothing);
        let bd = boundary.map_or(Contribution::Nothing, |p| contribution(p, b));
        if let Some(l) = layers.get_mut(b) {
            *l = [id, bd];
        }
    }

    // The stand-ins and the shared bases were bounded with aws:userid unknown (it is
    // for roles). A user whose unique ID the world holds knows it: where a policy of
    // this decision reads it, decide this principal exactly, as `can` does.
    let reads_userid = |u: &Unknowns| u.keys.iter().any(|key| key.eq_ignore_ascii_case("aws:userid"));
    let userid_read = bases.sets.get(&key).is_some_and(|(_, u)| reads_userid(u))
        || identity
            .iter()
            .chain(boundary.iter())
            .any(|p| cache.get(&std::ptr::from_ref(*p).addr()).is_some_and(|c| reads_userid(&c.unknowns)));
    if userid_read && matches!(who, Who::User(_)) && user_id(world, who).is_some() {
        let (request, set, userid) = super::prepare(world, who, q)?;
        return Ok(super::verdict(&request, &set, &q.knowledge(userid)));
    }
    let Some((sets, base_unknowns)) = bases.sets.get_mut(&key) else { return Ok(Verdict::No) };
    let mut allowed = [false; 2];
    for (b, set) in sets.iter_mut().enumerate() {
        let [id, bd] = layers.get(b).copied().unwrap_or([Contribution::Nothing; 2]);
        if id != Contribution::Nothing {
            set.identity.push(bases.stand_ins.take(0, id));
        }
        if boundary.is_some() {
            set.boundary = Some(bases.stand_ins.take(1, bd));
        }
        if let Some(a) = allowed.get_mut(b) {
            *a = evaluate(&request, set).is_allowed();
        }
        if let Some(p) = set.identity.pop() {
            bases.stand_ins.give(0, id, p);
        }
        if let Some(p) = set.boundary.take() {
            bases.stand_ins.give(1, bd, p);
        }
    }
    Ok(match allowed {
        [_, true] => Verdict::Yes,
        [false, _] => Verdict::No,
        // Only what is unknown can make the two bounds differ.
        [true, false] => {
            let mut u = base_unknowns.clone();
            for p in identity.iter().chain(boundary.iter()) {
                if let Some(prepared) = cache.get(&std::ptr::from_ref(*p).addr()) {
                    u.extend(&prepared.unknowns);
                }
            }
            Verdict::If(u)
        }
    })
}
