//! The action index: which statements of a policy can match an action.

use super::scan::{statement_matches_beyond_action, LayerResult, Scope};
use super::PolicySet;
use crate::policy::{ActionPattern, Policy, Statement};
use crate::request::Request;

#[derive(Debug)]
pub(super) struct SetIndex {
    /// Sorted by address.
    policies: Vec<(usize, PolicyIndex)>,
}

fn address(policy: &Policy) -> usize {
    std::ptr::from_ref(policy).addr()
}

impl SetIndex {
    pub(super) fn new(set: &PolicySet) -> SetIndex {
        fn levels(l: &Option<Vec<Vec<Policy>>>) -> impl Iterator<Item = &Policy> {
            l.iter().flatten().flatten()
        }
        let all = set
            .identity
            .iter()
            .chain(set.resource_policy.iter())
            .chain(set.boundary.iter())
            .chain(set.session.iter().flatten())
            .chain(levels(&set.scps))
            .chain(levels(&set.rcps));
        let mut policies: Vec<(usize, PolicyIndex)> = all.map(|p| (address(p), PolicyIndex::new(p))).collect();
        policies.sort_by_key(|(a, _)| *a);
        SetIndex { policies }
    }

    pub(super) fn policy(&self, policy: &Policy) -> Option<&PolicyIndex> {
        let a = address(policy);
        let i = self.policies.binary_search_by_key(&a, |(k, _)| *k).ok()?;
        self.policies.get(i).map(|(_, index)| index)
    }
}

/// Statements with at least this many action patterns get an [`ActionIndex`].
const ACTION_INDEX_MIN: usize = 8;

/// One policy's statements by the service prefix of their action patterns.
#[derive(Debug)]
pub(super) struct PolicyIndex {
    /// Statements to check for every action: `NotAction`, or an action pattern whose
    /// service prefix is not fixed (`*`, `s3*:Get`, a case-sensitive pattern).
    always: Box<[usize]>,
    /// For each service prefix (lower case, sorted), the other statements with an
    /// action pattern of that service.
    services: Table<Box<[usize]>>,
    /// For each statement, the index of its action patterns when it has many.
    actions: Box<[Option<ActionIndex>]>,
}

/// The service prefix (lower case, without the colon) every action matching `pattern`
/// starts with, or `None` when the pattern does not fix one.
fn fixed_service(pattern: &ActionPattern) -> Option<Box<[u8]>> {
    if !pattern.glob.is_case_insensitive() {
        return None;
    }
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
    fn new(policy: &Policy) -> PolicyIndex {
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
    fn candidates<'s>(&'s self, action: &str) -> impl Iterator<Item = usize> + 's {
        let by_service = action_service(action).and_then(|s| lookup_folded(&self.services, s));
        self.always.iter().chain(by_service.into_iter().flatten()).copied()
    }

    /// Does the action of statement `i` match (`NotAction` included)?
    fn action_matches(&self, i: usize, statement: &Statement, action: &str) -> bool {
        let any = match self.actions.get(i) {
            Some(Some(index)) => index.any_match(&statement.action.patterns, action),
            _ => statement.action.patterns.iter().any(|p| p.matches(action)),
        };
        any != statement.action.negated
    }
}

/// The action patterns of one statement: literal patterns in a sorted table, the
/// others grouped by their service prefix.
#[derive(Debug)]
struct ActionIndex {
    /// Case-insensitive patterns without wildcards, lower case, sorted.
    literals: Table<()>,
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
            match (p.glob.is_case_insensitive(), p.glob.literal_bytes(), fixed_service(p)) {
                (true, Some(bytes), _) => literals.push((bytes.to_ascii_lowercase().into_boxed_slice(), ())),
                (_, _, Some(service)) => by_service.push((service, i)),
                _ => others.push(i),
            }
        }
        literals.sort();
        literals.dedup();
        ActionIndex { literals: literals.into(), services: group(by_service), others: others.into() }
    }

    fn any_match(&self, patterns: &[ActionPattern], action: &str) -> bool {
        let input = action.as_bytes();
        if lookup_folded(&self.literals, input).is_some() {
            return true;
        }
        let matches = |i: &usize| patterns.get(*i).is_some_and(|p| p.matches(action));
        if let Some(group) = action_service(action).and_then(|s| lookup_folded(&self.services, s)) {
            if group.iter().any(matches) {
                return true;
            }
        }
        self.others.iter().any(matches)
    }
}

/// [`scan`] through the index: only the statements whose action can match.
pub(super) fn scan_indexed(policy: &Policy, index: &PolicyIndex, request: &Request, scope: Scope) -> LayerResult {
    let mut out = LayerResult::default();
    for i in index.candidates(&request.action) {
        let Some(statement) = policy.statements.get(i) else { continue };
        if !index.action_matches(i, statement, &request.action) {
            continue;
        }
        let (matched, grant) = statement_matches_beyond_action(statement, request, scope);
        if matched {
            out.record(statement.effect, grant);
        }
    }
    out
}
