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
use crate::policy::{Effect, Policy, PrincipalSpec};
use crate::principal::{Principal, PrincipalMatch};
use crate::request::Request;
use crate::world::World;

use super::unknown::{bound_policy, bound_set, depends_on_principal, statement_maybe, Bound, Knowledge, Unknowns};
use super::{principals, user_id, QueryError, Question, Verdict, Who};
use crate::context::ContextValue;

/// One principal's answer in [`who_can`].
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The principal.
    pub who: Who,
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
    /// The policy resolved for each bound (moved in and out of a scratch set).
    bounded: [Option<Policy>; 2],
    /// Contributions when they do not depend on the principal.
    shared: [Option<Contribution>; 2],
    unknowns: Unknowns,
}

struct Scratch {
    set: PolicySet,
}

impl Scratch {
    /// What `policy` adds to the identity layer of `request`.
    fn contribution(&mut self, request: &Request, policy: &mut Option<Policy>) -> Contribution {
        let Some(p) = policy.take() else { return Contribution::Nothing };
        self.set.identity.push(p);
        let d = evaluate(request, &self.set);
        *policy = self.set.identity.pop();
        match d.outcome {
            crate::decision::Outcome::Allowed => Contribution::Allow,
            crate::decision::Outcome::ExplicitDeny => Contribution::Deny,
            crate::decision::Outcome::ImplicitDeny => Contribution::Nothing,
        }
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
    let optimistic = bound_policy(p, k, Bound::Optimistic, &q.action, resource, &mut unknowns);
    let pessimistic = bound_policy(p, k, Bound::Pessimistic, &q.action, resource, &mut Unknowns::default());
    Prepared {
        relevant: true,
        per_principal,
        bounded: [Some(optimistic.unwrap_or_else(|| p.clone())), Some(pessimistic.unwrap_or_else(|| p.clone()))],
        shared: [None, None],
        unknowns,
    }
}

/// Can the resource-based policy grant `principal` anything for `q`?
fn resource_may_grant(policy: &Policy, principal: &Principal, q: &Question) -> bool {
    policy.statements.iter().any(|s| {
        s.effect == Effect::Allow
            && statement_maybe(s, &q.action, Some(&q.resource))
            && s.principal.as_ref().is_none_or(|b| {
                b.negated
                    || matches!(b.spec, PrincipalSpec::Any)
                    || principal.match_spec(&b.spec) != PrincipalMatch::None
            })
    })
}

/// Every user and role of the world with its verdict for `q`, in the order of
/// [`principals`].
pub fn who_can(world: &World, q: &Question) -> Result<Vec<Answer>, QueryError> {
    who_can_with_progress(world, q, &mut |_, _| {})
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
) -> Result<Vec<Answer>, QueryError> {
    let everyone = principals(world);
    let resource_policy = world.resource_entry(&q.resource).and_then(|r| r.policy.as_ref());
    // In who-can a role stands for any of its sessions: aws:userid is unknown.
    let k = Knowledge { given: q.context.iter().map(|(key, _)| key.to_string()).collect(), ..Knowledge::default() };
    // R11.10: sts:GetCallerIdentity needs no permission, so no principal is skipped.
    let always = q.action.eq_ignore_ascii_case("sts:GetCallerIdentity");
    let mut cache: HashMap<usize, Prepared> = HashMap::new();
    let mut bases = Bases::default();
    let mut scratch = Scratch { set: PolicySet::default() };
    let total = everyone.len();
    let mut out = Vec::with_capacity(total);
    for (i, who) in everyone.into_iter().enumerate() {
        if i % 256 == 0 {
            progress(i, total);
        }
        let identity = super::identity_refs(world, &who);
        let boundary = boundary_of(world, &who);
        let mut may = always;
        for p in identity.iter().chain(boundary.iter()) {
            let prepared = cache.entry(std::ptr::from_ref(*p).addr()).or_insert_with(|| prepare_policy(p, &k, q));
            may |= prepared.relevant && identity.iter().any(|x| std::ptr::eq(*x, *p));
        }
        let principal = world.principal_of(&who.caller())?;
        if !may && !resource_policy.is_some_and(|rp| resource_may_grant(rp, &principal, q)) {
            out.push(Answer { who, verdict: Verdict::No });
            continue;
        }
        let verdict =
            decide(world, &who, &principal, q, &k, &identity, boundary, &mut cache, &mut bases, &mut scratch)?;
        out.push(Answer { who, verdict });
    }
    progress(total, total);
    Ok(out)
}

fn boundary_of<'w>(world: &'w World, who: &Who) -> Option<&'w Policy> {
    let arn = match who {
        Who::User(a) => world.users.get(a).and_then(|u| u.permissions_boundary.as_ref()),
        Who::Role(s) => world.roles.get(&s.role_arn).and_then(|r| r.permissions_boundary.as_ref()),
        Who::Root(_) => None,
    }?;
    world.policies.get(arn)
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
    cache: &mut HashMap<usize, Prepared>,
    bases: &mut Bases,
    scratch: &mut Scratch,
) -> Result<Verdict, QueryError> {
    let caller = who.caller();
    let account = world.resource_account(&q.resource, q.resource_account.as_deref(), principal);
    let same_key = matches!(&bases.last, Some((a, r)) if Some(a.as_str()) == principal.account() && *r == account);
    if !same_key {
        let key = (principal.account().unwrap_or_default().to_string(), account.clone());
        if !bases.sets.contains_key(&key) {
            let mut set = world.policy_set(&caller, principal, &q.resource, &account)?;
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
    let base_reads_context = bases
        .sets
        .get(&key)
        .is_some_and(|([o, _], _)| o.resource_policy.is_some() || o.scps.is_some() || o.rcps.is_some());
    let pending = identity.iter().chain(boundary.iter()).any(|p| {
        cache.get(&std::ptr::from_ref(*p).addr()).is_some_and(|c| c.relevant && c.shared.iter().any(Option::is_none))
    });
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

    // Each policy's contribution, per bound, decided as within the caller's own
    // account (the layer's bits do not depend on where the resource is).
    let own_account = (!request.same_account())
        .then(|| Request { resource_account: principal.account().unwrap_or_default().to_string(), ..request.clone() });
    let layer_request = own_account.as_ref().unwrap_or(&request);
    let mut contribution = |p: &Policy, b: usize| -> (Contribution, bool) {
        let Some(prepared) = cache.get_mut(&std::ptr::from_ref(p).addr()) else {
            return (Contribution::Nothing, false);
        };
        if !prepared.relevant {
            return (Contribution::Nothing, false);
        }
        let unknown = !prepared.unknowns.is_empty();
        if let Some(Some(c)) = prepared.shared.get(b) {
            return (*c, unknown);
        }
        let Some(slot) = prepared.bounded.get_mut(b) else { return (Contribution::Nothing, unknown) };
        let c = scratch.contribution(layer_request, slot);
        if !prepared.per_principal {
            if let Some(s) = prepared.shared.get_mut(b) {
                *s = Some(c);
            }
        }
        (c, unknown)
    };
    let mut layers = [[Contribution::Nothing; 2]; 2];
    let mut unknown = false;
    for b in 0..2 {
        let mut id = Contribution::Nothing;
        for p in identity {
            let (c, u) = contribution(p, b);
            id = id.max(c);
            unknown |= u;
        }
        let bd = match boundary {
            Some(p) => {
                let (c, u) = contribution(p, b);
                unknown |= u;
                c
            }
            None => Contribution::Nothing,
        };
        if let Some(l) = layers.get_mut(b) {
            *l = [id, bd];
        }
    }

    let Some((sets, base_unknowns)) = bases.sets.get_mut(&key) else { return Ok(Verdict::No) };
    unknown |= !base_unknowns.is_empty();
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
        [true, false] if unknown => {
            let mut u = base_unknowns.clone();
            for p in identity.iter().chain(boundary.iter()) {
                if let Some(prepared) = cache.get(&std::ptr::from_ref(*p).addr()) {
                    u.extend(&prepared.unknowns);
                }
            }
            Verdict::If(u)
        }
        [true, false] => Verdict::No,
    })
}
