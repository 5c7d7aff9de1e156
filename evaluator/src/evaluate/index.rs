//! The action index: which statements of a policy can match an action, and which
//! pattern of a long action list matches. Machinery, not IAM rules: it only skips
//! statements and patterns that cannot match, so decisions are the same with or
//! without it.

use super::evidence::ActionFound;
use super::label::PolicySlot;
use super::PolicySet;
use crate::policy::{ActionPattern, Policy, Statement};

/// The index of every policy of a set, kept by the policy's place in the set (the set
/// is owned by [`super::PreparedPolicySet`] and never changes).
#[derive(Debug, Clone)]
pub(super) struct SetIndex {
    identity: Vec<PolicyIndex>,
    resource: Option<PolicyIndex>,
    boundary: Option<PolicyIndex>,
    session: Vec<PolicyIndex>,
    scps: Vec<Vec<PolicyIndex>>,
    rcps: Vec<Vec<PolicyIndex>>,
}

fn all(policies: &[Policy]) -> Vec<PolicyIndex> {
    policies.iter().map(PolicyIndex::new).collect()
}

fn levels(levels: &Option<Vec<Vec<Policy>>>) -> Vec<Vec<PolicyIndex>> {
    levels.iter().flatten().map(|l| all(l)).collect()
}

impl SetIndex {
    pub(super) fn new(set: &PolicySet) -> SetIndex {
        SetIndex {
            identity: all(&set.identity),
            resource: set.resource_policy.as_ref().map(PolicyIndex::new),
            boundary: set.boundary.as_ref().map(PolicyIndex::new),
            session: set.session.as_deref().map(all).unwrap_or_default(),
            scps: levels(&set.scps),
            rcps: levels(&set.rcps),
        }
    }

    /// The index of the policy at `slot`.
    pub(super) fn policy(&self, slot: PolicySlot) -> Option<&PolicyIndex> {
        match slot {
            PolicySlot::Identity(i) => self.identity.get(i),
            PolicySlot::Resource => self.resource.as_ref(),
            PolicySlot::Boundary => self.boundary.as_ref(),
            PolicySlot::Session(i) => self.session.get(i),
            PolicySlot::Scp { level, index } => self.scps.get(level).and_then(|l| l.get(index)),
            PolicySlot::Rcp { level, index } => self.rcps.get(level).and_then(|l| l.get(index)),
        }
    }
}

/// Statements with at least this many action patterns get an [`ActionIndex`].
const ACTION_INDEX_MIN: usize = 8;

/// One policy's statements by the service prefix of their action patterns.
#[derive(Debug, Clone)]
pub(super) struct PolicyIndex {
    /// Statements to check for every action: `NotAction`, or an action pattern whose
    /// service prefix is not fixed (`*`, `s3*:Get`).
    always: Box<[usize]>,
    /// For each service prefix (lower case, sorted), the other statements with an
    /// action pattern of that service.
    services: Table<Box<[usize]>>,
    /// For each statement, the index of its action patterns when it has many.
    actions: Box<[Option<ActionIndex>]>,
}

/// The service prefix (lower case, without the colon) every action matching `pattern`
/// starts with, or `None` when the pattern does not fix one. Action patterns are always
/// case-insensitive ([`ActionPattern::new`]), so the prefix is compared folded.
fn fixed_service(pattern: &ActionPattern) -> Option<Box<[u8]>> {
    let lead = pattern.glob.leading_literal();
    let colon = memchr::memchr(b':', &lead)?;
    Some(lead.get(..colon)?.to_ascii_lowercase().into_boxed_slice())
}

/// The service prefix of an action: the text before its first colon.
fn action_service(action: &str) -> Option<&[u8]> {
    let bytes = action.as_bytes();
    bytes.get(..memchr::memchr(b':', bytes)?)
}

/// A table sorted by its lower-case byte-string keys.
type Table<V> = Box<[(Box<[u8]>, V)]>;

/// Orders lower-case `key` against `input` folded to lower case.
fn cmp_folded(key: &[u8], input: &[u8]) -> std::cmp::Ordering {
    key.iter().copied().cmp(input.iter().map(u8::to_ascii_lowercase))
}

fn lookup_folded<'v, V>(table: &'v [(Box<[u8]>, V)], input: &[u8]) -> Option<&'v V> {
    let i = table.binary_search_by(|(k, _)| cmp_folded(k, input)).ok()?;
    table.get(i).map(|(_, v)| v)
}

/// Groups `(key, value)` pairs by key, keys sorted.
fn group<V>(mut pairs: Vec<(Box<[u8]>, V)>) -> Table<Box<[V]>> {
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out: Vec<(Box<[u8]>, Vec<V>)> = Vec::new();
    for (k, v) in pairs {
        match out.last_mut() {
            Some((last, values)) if *last == k => values.push(v),
            _ => out.push((k, vec![v])),
        }
    }
    out.into_iter().map(|(k, v)| (k, v.into_boxed_slice())).collect()
}

impl PolicyIndex {
    pub(super) fn new(policy: &Policy) -> PolicyIndex {
        let mut always = Vec::new();
        let mut by_service = Vec::new();
        for (i, statement) in policy.statements.iter().enumerate() {
            let services: Option<Vec<Box<[u8]>>> = statement.action.patterns.iter().map(fixed_service).collect();
            match services {
                Some(mut services) if !statement.action.negated => {
                    services.sort();
                    services.dedup();
                    by_service.extend(services.into_iter().map(|s| (s, i)));
                }
                _ => always.push(i),
            }
        }
        let actions = policy
            .statements
            .iter()
            .map(|s| (s.action.patterns.len() >= ACTION_INDEX_MIN).then(|| ActionIndex::new(&s.action.patterns)))
            .collect();
        PolicyIndex { always: always.into(), services: group(by_service), actions }
    }

    /// The statements whose action can match `action`, each once (in no fixed order).
    pub(super) fn candidates<'s>(&'s self, action: &str) -> impl Iterator<Item = usize> + 's {
        let by_service = action_service(action).and_then(|s| lookup_folded(&self.services, s));
        self.always.iter().chain(by_service.into_iter().flatten()).copied()
    }

    /// For each of the policy's `n` statements, whether its action can match `action`.
    pub(super) fn candidate_mask(&self, action: &str, n: usize) -> Vec<bool> {
        let mut mask = vec![false; n];
        for i in self.candidates(action) {
            if let Some(m) = mask.get_mut(i) {
                *m = true;
            }
        }
        mask
    }

    /// Which action pattern of statement `i` matches `action` (`NotAction` is left
    /// to the caller).
    pub(super) fn find_action(&self, i: usize, statement: &Statement, action: &str) -> ActionFound {
        let found = match self.actions.get(i) {
            Some(Some(index)) => index.find(&statement.action.patterns, action),
            _ => statement.action.patterns.iter().position(|p| p.matches(action)),
        };
        found.map_or(ActionFound::NoPattern, ActionFound::Pattern)
    }
}

/// The action patterns of one statement: literal patterns in a sorted table, the
/// others grouped by their service prefix.
#[derive(Debug, Clone)]
struct ActionIndex {
    /// Case-insensitive patterns without wildcards, lower case, sorted, with the
    /// position of the first pattern of that text.
    literals: Table<usize>,
    /// Other patterns with a fixed service prefix (lower case, sorted): their positions.
    services: Table<Box<[usize]>>,
    /// Patterns to try on every action.
    others: Box<[usize]>,
}

impl ActionIndex {
    fn new(patterns: &[ActionPattern]) -> ActionIndex {
        let mut literals = Vec::new();
        let mut by_service = Vec::new();
        let mut others = Vec::new();
        for (i, p) in patterns.iter().enumerate() {
            // Action patterns always fold ASCII case (R2.1), so a literal one is looked
            // up by its lower-cased text.
            match (p.glob.literal_bytes(), fixed_service(p)) {
                (Some(bytes), _) => literals.push((bytes.to_ascii_lowercase().into_boxed_slice(), i)),
                (None, Some(service)) => by_service.push((service, i)),
                (None, None) => others.push(i),
            }
        }
        literals.sort();
        literals.dedup_by(|later, first| later.0 == first.0);
        ActionIndex { literals: literals.into(), services: group(by_service), others: others.into() }
    }

    /// The position of a pattern that matches `action`, if one does.
    fn find(&self, patterns: &[ActionPattern], action: &str) -> Option<usize> {
        if let Some(i) = lookup_folded(&self.literals, action.as_bytes()) {
            return Some(*i);
        }
        let matches = |i: &&usize| patterns.get(**i).is_some_and(|p| p.matches(action));
        let by_service = action_service(action).and_then(|s| lookup_folded(&self.services, s));
        by_service.into_iter().flatten().find(matches).or_else(|| self.others.iter().find(matches)).copied()
    }
}
