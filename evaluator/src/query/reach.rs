//! Which roles each principal can become through `sts:AssumeRole`, directly or by
//! chaining: a graph whose edges are the oracle's own AssumeRole decisions (a plain
//! call: no session policy, tags, source identity or MFA parameters; the keys the
//! caller could add, such as `sts:ExternalId`, `aws:MultiFactorAuthPresent`,
//! `aws:SourceIp` or `aws:RequestTag/...`, are unknown and make an edge "if").
//!
//! Candidate callers of each role are found from its trust policy's `Principal`
//! element, then decided in full; a caller the trust policy names only by its
//! account (or through `NotPrincipal`) needs an identity policy that can allow
//! `sts:AssumeRole` (R7.6, R8.1), so callers without one are not decided.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::rc::Rc;

use crate::context::{Context, ContextValue};
use crate::evaluate::{evaluate, PolicySet};
use crate::pattern::arn_components;
use crate::policy::{Effect, Policy, PrincipalKind, PrincipalSpec, Statement};
use crate::principal::Principal;
use crate::request::Request;
use crate::world::World;

use super::unknown::{
    bound_policy, bound_set, conditional_statements, policy_unknowns, resource_maybe, statement_maybe,
    statements_unknowns, Bound, Knowledge, Unknowns,
};
use super::{identity_refs, principals, QueryError, Verdict, Who, SESSION_NAME};

const ASSUME_ROLE: &str = "sts:AssumeRole";

/// One edge: `from` can become the role `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// The caller: a user or role ARN.
    pub from: String,
    /// The role ARN.
    pub to: String,
    /// Yes, or if the unknown keys allow it (edges that are "no" are not kept).
    pub verdict: Verdict,
}

/// One hop of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    /// The role become at this hop.
    pub role: String,
    /// The hop's verdict.
    pub verdict: Verdict,
}

/// A role a principal can become, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reached {
    /// The role ARN.
    pub role: String,
    /// The hops from the principal; the last is the role.
    pub path: Vec<Hop>,
}

impl Reached {
    /// True when every hop is "yes".
    pub fn definite(&self) -> bool {
        self.path.iter().all(|h| h.verdict == Verdict::Yes)
    }
}

/// The reachability graph of a world.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reach {
    /// Every edge that is not "no", by caller ARN.
    pub edges: BTreeMap<String, Vec<Edge>>,
}

impl Reach {
    /// The roles `from` can become, each with a shortest path of "yes" hops where one
    /// exists, else a shortest path; sorted by role ARN.
    pub fn from(&self, from: &str) -> Vec<Reached> {
        let mut paths: BTreeMap<String, Vec<Hop>> = BTreeMap::new();
        for definite_only in [true, false] {
            let mut parents: HashMap<String, (String, Verdict)> = HashMap::new();
            let mut queue = VecDeque::from([from.to_string()]);
            let mut seen = BTreeSet::from([from.to_string()]);
            while let Some(node) = queue.pop_front() {
                for e in self.edges.get(&node).into_iter().flatten() {
                    if definite_only && e.verdict != Verdict::Yes {
                        continue;
                    }
                    if !seen.contains(&e.to) {
                        seen.insert(e.to.clone());
                        parents.insert(e.to.clone(), (node.clone(), e.verdict.clone()));
                        queue.push_back(e.to.clone());
                    }
                }
            }
            for target in parents.keys() {
                if paths.contains_key(target) {
                    continue;
                }
                let mut hops = Vec::new();
                let mut at = target.clone();
                while let Some((parent, verdict)) = parents.get(&at) {
                    hops.push(Hop { role: at.clone(), verdict: verdict.clone() });
                    if *parent == from {
                        break;
                    }
                    at = parent.clone();
                }
                hops.reverse();
                paths.insert(target.clone(), hops);
            }
        }
        paths.into_iter().map(|(role, path)| Reached { role, path }).collect()
    }
}

/// What a role's trust policy makes of it, bounded both ways.
struct Target<'w> {
    arn: &'w str,
    account: String,
    tags: &'w BTreeMap<String, String>,
    /// The tags as context entries: `aws:ResourceTag/K`, `iam:ResourceTag/K`, value
    /// (made once per role, not once per caller).
    tag_keys: TagKeys,
    trust: Option<&'w Policy>,
    optimistic: Option<Policy>,
    pessimistic: Option<Policy>,
    /// True when bounding changed the trust policy.
    bounded: bool,
}

fn knowledge() -> Knowledge {
    // The role's tags are known (aws:ResourceTag, iam:ResourceTag); aws:userid holds
    // the session name the caller picks, so it is not.
    Knowledge { given: BTreeSet::new(), userid: false, resource_tags: true }
}

/// The principals a trust policy can let in: by index into `everyone`.
struct Directory<'a> {
    everyone: &'a [Who],
    users: HashMap<&'a str, usize>,
    roles: HashMap<(String, String), usize>,
    /// By account, its principals with an identity policy that can allow
    /// sts:AssumeRole, ascending.
    by_account: HashMap<String, Vec<usize>>,
    all: Vec<usize>,
    /// Principals with an identity policy that can allow sts:AssumeRole.
    capable: Vec<bool>,
    /// Each principal's identity policies that can allow sts:AssumeRole on some
    /// role, by number in `policies`.
    assume_policies: Vec<Vec<usize>>,
    /// The Allow statements that can match sts:AssumeRole on some role, of every
    /// identity policy that has one.
    policies: Vec<Vec<&'a Statement>>,
}

/// For one role: can each identity policy (by its number in
/// [`Directory::policies`]) allow sts:AssumeRole on it, for some condition values?
/// Decided once per policy and role, when first needed.
struct MayAssume<'p> {
    arn: &'p str,
    /// 0 not yet decided, 1 no, 2 yes.
    row: Vec<u8>,
}

impl MayAssume<'_> {
    fn check(&mut self, policies: &[Vec<&Statement>], id: usize) -> bool {
        match self.row.get(id).copied() {
            Some(1) | None => false,
            Some(2) => true,
            Some(_) => {
                // The statements were kept for their action (`Directory::new`): only
                // the resource is left to check.
                let may = policies
                    .get(id)
                    .is_some_and(|statements| statements.iter().any(|s| resource_maybe(s, Some(self.arn))));
                if let Some(slot) = self.row.get_mut(id) {
                    *slot = if may { 2 } else { 1 };
                }
                may
            }
        }
    }
}

impl<'a> Directory<'a> {
    fn new(world: &'a World, everyone: &'a [Who]) -> Directory<'a> {
        let mut users = HashMap::new();
        let mut roles = HashMap::new();
        let mut by_account: HashMap<String, Vec<usize>> = HashMap::new();
        // Per policy address: its number in `policies` when it can allow sts:AssumeRole.
        let mut memo: HashMap<usize, Option<usize>> = HashMap::new();
        let mut policies: Vec<Vec<&Statement>> = Vec::new();
        let mut capable = Vec::with_capacity(everyone.len());
        let mut assume_policies = Vec::with_capacity(everyone.len());
        for (i, who) in everyone.iter().enumerate() {
            let arn = who.arn();
            let Some([_, _, _, _, account, resource]) = arn_components(arn) else {
                capable.push(false);
                assume_policies.push(Vec::new());
                continue;
            };
            match who {
                Who::User(a) => {
                    users.insert(a.as_str(), i);
                }
                Who::Role(_) => {
                    let name = resource.rsplit('/').next().unwrap_or(resource);
                    roles.insert((account.to_string(), name.to_string()), i);
                }
                Who::Root(_) => {}
            }

            let mut ids: Vec<usize> = Vec::new();
            for p in identity_refs(world, who.entity()) {
                let id = *memo.entry(std::ptr::from_ref(p).addr()).or_insert_with(|| {
                    let assume: Vec<&Statement> = p
                        .statements
                        .iter()
                        .filter(|s| s.effect == Effect::Allow && statement_maybe(s, ASSUME_ROLE, None))
                        .collect();
                    (!assume.is_empty()).then(|| {
                        policies.push(assume);
                        policies.len() - 1
                    })
                });
                ids.extend(id);
            }
            if !ids.is_empty() {
                by_account.entry(account.to_string()).or_default().push(i);
            }
            capable.push(!ids.is_empty());
            assume_policies.push(ids);
        }
        let all = (0..everyone.len()).collect();
        Directory { everyone, users, roles, by_account, all, capable, assume_policies, policies }
    }

    /// Can principal `i`'s identity policies allow sts:AssumeRole on the role of
    /// `memo` (for some condition values)? Needed where the trust policy names only
    /// the account (R7.6) or the caller is in another account (R8.1).
    fn may_assume(&self, i: usize, memo: &mut MayAssume<'_>) -> bool {
        self.assume_policies.get(i).is_some_and(|ids| ids.iter().any(|&id| memo.check(&self.policies, id)))
    }

    fn capable_in(&self, account: &str, out: &mut Vec<usize>) {
        out.extend(self.by_account.get(account).into_iter().flatten());
    }

    /// Every principal the trust policy's Allow statements can name: those named
    /// themselves (or by `*`), and those named only through their account, who also
    /// need an identity policy that can allow sts:AssumeRole on the role.
    fn candidates(&self, trust: &Policy) -> (BTreeSet<usize>, Vec<usize>) {
        let mut direct = BTreeSet::new();
        let mut by_account = Vec::new();
        for s in trust.statements.iter().filter(|s| s.effect == Effect::Allow && statement_maybe(s, ASSUME_ROLE, None))
        {
            let Some(block) = &s.principal else { continue };
            if block.negated {
                // NotPrincipal in an Allow names the others by their account only.
                by_account.extend(self.all.iter().copied().filter(|&i| self.capable.get(i).copied().unwrap_or(false)));
                continue;
            }
            let entries = match &block.spec {
                PrincipalSpec::Any => {
                    direct.extend(self.all.iter().copied());
                    continue;
                }
                PrincipalSpec::Map(entries) => entries,
            };
            for id in entries.iter().filter(|(k, _)| *k == PrincipalKind::Aws).flat_map(|(_, ids)| ids) {
                self.named(id, &mut direct, &mut by_account);
            }
        }
        let person = |i: &usize| matches!(self.everyone.get(*i), Some(Who::User(_) | Who::Role(_)));
        direct.retain(person);
        by_account.sort_unstable();
        by_account.dedup();
        by_account.retain(|i| person(i) && !direct.contains(i));
        (direct, by_account)
    }

    fn named(&self, id: &str, direct: &mut BTreeSet<usize>, by_account: &mut Vec<usize>) {
        let out = direct;
        if id == "*" {
            out.extend(self.all.iter().copied());
            return;
        }
        if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) {
            self.capable_in(id, by_account);
            return;
        }
        let Some([_, _, service, _, account, resource]) = arn_components(id) else { return };
        match service {
            "iam" if resource == "root" => self.capable_in(account, by_account),
            "iam" => {
                if let Some(&i) = self.users.get(id) {
                    out.insert(i);
                } else if let Some(path) = resource.strip_prefix("role/") {
                    let name = path.rsplit('/').next().unwrap_or(path);
                    out.extend(self.roles.get(&(account.to_string(), name.to_string())));
                }
            }
            "sts" => {
                if let Some((role, session)) = resource.strip_prefix("assumed-role/").and_then(|r| r.split_once('/')) {
                    if session == SESSION_NAME {
                        out.extend(self.roles.get(&(account.to_string(), role.to_string())));
                    }
                }
            }
            _ => {}
        }
    }
}

/// A role's tags as the context keys of an AssumeRole request on it.
type TagKeys = Rc<[(String, String, ContextValue)]>;

fn tag_keys(tags: &BTreeMap<String, String>) -> TagKeys {
    tags.iter()
        .map(|(k, v)| (format!("aws:ResourceTag/{k}"), format!("iam:ResourceTag/{k}"), ContextValue::single(v.clone())))
        .collect()
}

/// The sts:AssumeRole request `principal` makes for `target`, as
/// [`World::assume_role`] builds it for a plain call: the caller's context, the
/// session name, the role's tags as `aws:ResourceTag` and `iam:ResourceTag` keys.
/// `previous` is the request made for the caller's last role: it is reused, only the
/// role and its tags changed.
fn assume_request(
    world: &World,
    principal: &Principal,
    base: &Context,
    target: &Target<'_>,
    previous: Option<(Request, &BTreeMap<String, String>, TagKeys)>,
) -> Request {
    let account = world.resource_account(target.arn, None, principal);
    let Some((mut request, old_tags, old_keys)) = previous else {
        let mut ctx = base.clone();
        ctx.insert_default("sts:RoleSessionName", ContextValue::single(SESSION_NAME));
        add_tags(&mut ctx, &target.tag_keys);
        return Request::new(principal.clone(), ASSUME_ROLE, target.arn, Some(&account), ctx);
    };
    if old_tags != target.tags {
        for (aws, iam, _) in old_keys.iter() {
            request.context.remove(aws);
            request.context.remove(iam);
        }
        add_tags(&mut request.context, &target.tag_keys);
    }
    request.resource.clear();
    request.resource.push_str(target.arn);
    request.resource_account = account;
    request
}

fn add_tags(ctx: &mut Context, keys: &[(String, String, ContextValue)]) {
    for (aws, iam, v) in keys {
        ctx.insert_default(aws, v.clone());
        ctx.insert_default(iam, v.clone());
    }
}

/// Decides `request` with `trust` as the role's resource-based policy (R11.1); the
/// trust policy is moved into the caller's set and back rather than copied.
fn decide(request: &Request, set: &mut PolicySet, trust: &mut Option<Policy>) -> bool {
    set.resource_is_trust = true;
    set.resource_policy = trust.take();
    let allowed = evaluate(request, set).is_allowed();
    *trust = set.resource_policy.take();
    allowed
}

/// Decides every candidate edge from one caller.
fn edges_from(world: &World, who: &Who, targets: &mut [Target<'_>], roles: &[usize]) -> Result<Vec<Edge>, QueryError> {
    let k = knowledge();
    let caller = who.caller();
    let mut base = Context::new();
    world.caller_context(&caller, &mut base)?;
    let principal = world.principal_of(&caller)?;
    let mut out = Vec::new();
    // One policy set per account of the roles (RCPs follow the role's account), with
    // whether bounding changed it.
    // Per account: the caller's statements that read unknown keys, both bounds of
    // its set, and whether bounding changed it.
    // The pessimistic bound is kept only when bounding can change the set.
    let mut sets: HashMap<String, (Vec<Statement>, PolicySet, Option<PolicySet>, bool)> = HashMap::new();
    let mut previous: Option<(Request, &BTreeMap<String, String>, TagKeys)> = None;
    for &r in roles {
        let Some(target) = targets.get_mut(r) else { continue };
        if target.trust.is_none() {
            continue;
        }
        if !sets.contains_key(&target.account) {
            let set = world.policy_set(&caller, &principal, target.arn, &target.account)?;
            let conditional = conditional_statements(&set, &k, ASSUME_ROLE);
            // Bounding changes only the statements `conditional_statements` picks: with
            // none, both bounds are the set itself.
            let entry = if conditional.is_empty() {
                (conditional, set, None, false)
            } else {
                let mut pessimistic = set.clone();
                bound_set(&mut pessimistic, &k, Bound::Pessimistic, ASSUME_ROLE, None);
                let mut optimistic = set;
                let found = bound_set(&mut optimistic, &k, Bound::Optimistic, ASSUME_ROLE, None);
                (conditional, optimistic, Some(pessimistic), !found.is_empty())
            };
            sets.insert(target.account.clone(), entry);
        }
        let Some((conditional, optimistic, pessimistic, caller_bounded)) = sets.get_mut(&target.account) else {
            continue;
        };
        let request = assume_request(world, &principal, &base, target, previous.take());
        let allowed = decide(&request, optimistic, &mut target.optimistic);
        let tags = (target.tags, Rc::clone(&target.tag_keys));
        if !allowed {
            previous = Some((request, tags.0, tags.1));
            continue;
        }
        // With nothing bounded the two bounds are the same decision.
        let pessimistic = pessimistic.as_mut().unwrap_or(optimistic);
        let verdict = if (!*caller_bounded && !target.bounded) || decide(&request, pessimistic, &mut target.pessimistic)
        {
            Verdict::Yes
        } else {
            // Which unknowns this edge depends on: the statements that can match.
            let mut found: Unknowns = statements_unknowns(conditional, &k, ASSUME_ROLE, Some(target.arn));
            if let Some(trust) = target.trust {
                policy_unknowns(trust, &k, ASSUME_ROLE, Some(target.arn), &mut found);
            }
            Verdict::If(found)
        };
        out.push(Edge { from: who.arn().to_string(), to: target.arn.to_string(), verdict });
        previous = Some((request, tags.0, tags.1));
    }
    Ok(out)
}

/// Every edge of the world's reachability graph; `progress` gets (done, total) callers.
pub fn reach_edges(world: &World, progress: &mut dyn FnMut(usize, usize)) -> Result<Reach, QueryError> {
    graph(world, None, Candidates::Filtered, progress)
}

/// The same graph as [`reach_edges`], with every principal tried on every role (no
/// pre-filter of the callers a trust policy can name): the slow answer the filtered
/// one must equal, for checking it (the oracle's `reach` steps compare the two).
pub fn reach_edges_exhaustive(world: &World) -> Result<Reach, QueryError> {
    graph(world, None, Candidates::Everyone, &mut |_, _| {})
}

/// Which callers are decided against each role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Candidates {
    /// Those the trust policy can name ([`Directory::candidates`]).
    Filtered,
    /// Every principal.
    Everyone,
}

/// The roles `from` can become (or, with `None`, every principal's), with paths.
pub fn reach(world: &World, from: Option<&str>) -> Result<Vec<(String, Vec<Reached>)>, QueryError> {
    let g = graph(world, from, Candidates::Filtered, &mut |_, _| {})?;
    let sources: Vec<String> = match from {
        Some(f) => vec![Who::find(world, f)?.arn().to_string()],
        None => principals(world).iter().map(|w| w.arn().to_string()).collect(),
    };
    Ok(sources.into_iter().map(|s| (s.clone(), g.from(&s))).collect())
}

fn graph(
    world: &World,
    from: Option<&str>,
    candidates: Candidates,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Reach, QueryError> {
    let everyone = principals(world);
    let directory = Directory::new(world, &everyone);
    let k = knowledge();
    let mut by_caller: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut targets = Vec::new();
    for who in &everyone {
        let Who::Role(session) = who else { continue };
        let Some(role) = world.roles.get(&session.role_arn) else { continue };
        let arn = session.role_arn.as_str();
        let account = arn_components(arn).map(|[_, _, _, _, a, _]| a.to_string()).unwrap_or_default();
        let t = targets.len();
        if candidates == Candidates::Everyone {
            for c in 0..everyone.len() {
                by_caller.entry(c).or_default().push(t);
            }
        } else if let Some(trust) = &role.trust_policy {
            let (direct, by_account) = directory.candidates(trust);
            let mut memo = MayAssume { arn, row: vec![0; directory.policies.len()] };
            let by_account = by_account.into_iter().filter(|&c| directory.may_assume(c, &mut memo));
            let mut all: Vec<usize> = direct.into_iter().chain(by_account).collect();
            all.sort_unstable();
            for c in all {
                by_caller.entry(c).or_default().push(t);
            }
        }
        let mut found = Unknowns::default();
        let mut bound = |b| {
            role.trust_policy
                .as_ref()
                .map(|p| bound_policy(p, &k, b, ASSUME_ROLE, Some(arn), &mut found).unwrap_or_else(|| p.clone()))
        };
        let (optimistic, pessimistic) = (bound(Bound::Optimistic), bound(Bound::Pessimistic));
        targets.push(Target {
            arn,
            account,
            tags: &role.tags,
            tag_keys: tag_keys(&role.tags),
            trust: role.trust_policy.as_ref(),
            optimistic,
            pessimistic,
            bounded: !found.is_empty(),
        });
    }
    let mut reach = Reach::default();
    let start = match from {
        Some(f) => Some(Who::find(world, f)?.arn().to_string()),
        None => None,
    };
    match start {
        None => {
            let total = by_caller.len();
            for (done, (c, roles)) in by_caller.iter().enumerate() {
                if done % 64 == 0 {
                    progress(done, total);
                }
                let Some(who) = everyone.get(*c) else { continue };
                let edges = edges_from(world, who, &mut targets, roles)?;
                if !edges.is_empty() {
                    reach.edges.insert(who.arn().to_string(), edges);
                }
            }
            progress(total, total);
        }
        Some(start) => {
            // Only the callers reachable from `from`.
            let index: HashMap<&str, usize> = everyone.iter().enumerate().map(|(i, w)| (w.arn(), i)).collect();
            let mut queue = VecDeque::from([start.clone()]);
            let mut seen = BTreeSet::from([start]);
            while let Some(node) = queue.pop_front() {
                let Some(&c) = index.get(node.as_str()) else { continue };
                let (Some(who), Some(roles)) = (everyone.get(c), by_caller.get(&c)) else { continue };
                let edges = edges_from(world, who, &mut targets, roles)?;
                for e in &edges {
                    if !seen.contains(&e.to) {
                        seen.insert(e.to.clone());
                        queue.push_back(e.to.clone());
                    }
                }
                if !edges.is_empty() {
                    reach.edges.insert(node, edges);
                }
            }
        }
    }
    Ok(reach)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use crate::policy::PolicyType;
    use crate::world::{Role, User};

    fn policy(text: &str, ty: PolicyType) -> Policy {
        Policy::parse(text, ty).unwrap()
    }

    /// An "if" edge names the unknown keys it depends on: those of the caller's
    /// statements that can allow sts:AssumeRole on the role, and those of the role's
    /// trust policy; not the keys of statements for other actions or roles.
    #[test]
    fn an_if_edge_names_the_keys_of_both_sides() {
        let mut world = World::default();
        let identity = r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::111122223333:role/ops",
             "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}},
            {"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::111122223333:role/other",
             "Condition":{"StringEquals":{"aws:SourceVpc":"vpc-1"}}},
            {"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
             "Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}}]}"#;
        world.users.insert(
            "arn:aws:iam::111122223333:user/alice".into(),
            User { inline_policies: vec![policy(identity, PolicyType::Identity)], ..User::default() },
        );
        let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
            "Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole",
            "Condition":{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}}]}"#;
        world.roles.insert(
            "arn:aws:iam::111122223333:role/ops".into(),
            Role {
                trust_policy: Some(policy(trust, PolicyType::Trust)),
                max_session_duration: 3600,
                ..Role::default()
            },
        );
        let graph = reach_edges(&world, &mut |_, _| {}).unwrap();
        let edges = graph.edges.get("arn:aws:iam::111122223333:user/alice").unwrap();
        let [edge] = edges.as_slice() else { panic!("{edges:?}") };
        assert_eq!(edge.to, "arn:aws:iam::111122223333:role/ops");
        let Verdict::If(u) = &edge.verdict else { panic!("{edge:?}") };
        let keys: Vec<&str> = u.keys.iter().map(String::as_str).collect();
        assert_eq!(keys, ["aws:MultiFactorAuthPresent", "aws:SourceIp"]);
        assert_eq!(graph, reach_edges_exhaustive(&world).unwrap());
    }
}
