//! Three-valued decisions: which condition keys the world cannot know, and the two
//! policy sets that bound every value those keys could take.
//!
//! A statement whose conditions (or resource variables) read a key the world cannot
//! know applies for some values of the key and not for others. Deciding the request
//! once with every such Allow applying and every such Deny not applying (the
//! *optimistic* set), and once the other way round (the *pessimistic* set), bounds the
//! decision: the decision procedure only ever allows more when an Allow applies and
//! less when a Deny applies, so the pessimistic set allowing means "yes, whatever the
//! unknown values", the optimistic set denying means "no, whatever they are", and
//! anything else is "if KEY ...". The bound treats statements independently, so two
//! statements with contradicting conditions on one key can make an answer "if" where
//! it is in fact always yes or always no; it never makes an answer "yes" or "no"
//! wrongly.

use std::collections::BTreeSet;

use crate::condition::{Condition, TypedValue};
use crate::evaluate::PolicySet;
use crate::pattern::{arn_components, ArnPattern, Glob, GlobBuilder};
use crate::policy::{Effect, Policy, ResourceBlock, ResourcePattern, Statement};
use crate::variable::{Part, ResourceMatcher, Template};

/// Keys the world determines for every caller, present or known to be absent
/// (IAM-SPEC.md section 5: derived from the principal and the organization).
const PRINCIPAL_KEYS: [&str; 7] = [
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principaltype",
    "aws:username",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalservicename",
];

/// Which condition keys an analysis knows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Knowledge {
    /// Keys given with the question (lower case), beyond those derived from the world.
    pub given: BTreeSet<String>,
    /// True when `aws:userid` is derived exactly (a user with a unique ID, or a role
    /// session of a known name).
    pub userid: bool,
    /// True when the resource is a role whose tags the world holds (AssumeRole):
    /// `aws:ResourceTag/...` and `iam:ResourceTag/...` are then known.
    pub resource_tags: bool,
}

impl Knowledge {
    /// Does the world (or the question) determine `key`?
    pub fn is_known(&self, key: &str) -> bool {
        let k = key.to_ascii_lowercase();
        if self.given.contains(&k) || PRINCIPAL_KEYS.contains(&k.as_str()) || k.starts_with("aws:principaltag/") {
            return true;
        }
        if self.userid && k == "aws:userid" {
            return true;
        }
        self.resource_tags && (k.starts_with("aws:resourcetag/") || k.starts_with("iam:resourcetag/"))
    }
}

/// What an answer depends on that the world cannot know.
#[derive(Debug, Clone, PartialEq, Eq, Default, PartialOrd, Ord)]
pub struct Unknowns {
    /// The condition keys (as written in the policies).
    pub keys: BTreeSet<String>,
    /// Each condition as `Operator key [values]`, or `Resource pattern` for a resource
    /// with a variable the world cannot know.
    pub conditions: BTreeSet<String>,
}

impl Unknowns {
    /// True when nothing is unknown.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The keys, comma separated (`aws:SecureTransport, aws:SourceIp`), as the CLI and
    /// the `whoCan` verdicts `if KEY, KEY` write them.
    pub fn key_list(&self) -> String {
        self.keys.iter().map(String::as_str).collect::<Vec<_>>().join(", ")
    }

    /// Adds another's keys and conditions.
    pub fn extend(&mut self, other: &Unknowns) {
        self.keys.extend(other.keys.iter().cloned());
        self.conditions.extend(other.conditions.iter().cloned());
    }
}

/// Which bound to build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// Unknown Allows apply, unknown Denies do not.
    Optimistic,
    /// Unknown Allows do not apply, unknown Denies do.
    Pessimistic,
}

fn condition_unknown(c: &Condition, k: &Knowledge) -> bool {
    !k.is_known(&c.key)
        || c.values.iter().any(|v| matches!(v, TypedValue::Template(t) if t.keys().any(|key| !k.is_known(key))))
}

fn pattern_unknown(p: &ResourcePattern, k: &Knowledge) -> bool {
    matches!(&p.matcher, ResourceMatcher::Templated { resource, .. } if resource.keys().any(|key| !k.is_known(key)))
}

/// Can the statement's action match `action`?
fn action_maybe(s: &Statement, action: &str) -> bool {
    s.action.patterns.iter().any(|p| p.matches(action)) != s.action.negated
}

/// The resource component of a template with every variable read as `*`: it matches
/// every resource component the template can match for some values.
fn widened(t: &Template) -> Glob {
    let mut b = GlobBuilder::new();
    for part in &t.parts {
        match part {
            Part::Text(text) => {
                b.wild(text);
            }
            Part::Literal(c) => {
                b.literal(c.encode_utf8(&mut [0u8; 4]));
            }
            Part::Var { .. } => {
                b.wild("*");
            }
        }
    }
    b.build(false)
}

/// Can a pattern with variables match `resource` for some values of them?
fn templated_maybe(head: &[Glob; 5], resource_part: &Template, resource: &str) -> bool {
    let Some([a, b, c, d, e, f]) = arn_components(resource) else { return false };
    head.iter().zip([a, b, c, d, e]).all(|(g, p)| g.matches(p)) && widened(resource_part).matches(f)
}

/// Can the statement's resource match `resource` for some value of its variables?
/// `None` for `resource` means any resource.
pub(crate) fn resource_maybe(s: &Statement, resource: Option<&str>) -> bool {
    let (Some(block), Some(resource)) = (&s.resource, resource) else { return true };
    let static_match =
        block.patterns.iter().any(|p| matches!(&p.matcher, ResourceMatcher::Static(a) if a.matches(resource)));
    let templated = block.patterns.iter().any(|p| match &p.matcher {
        ResourceMatcher::Templated { head, resource: t } => templated_maybe(head, t, resource),
        ResourceMatcher::Static(_) => false,
    });
    if block.negated {
        !static_match
    } else {
        static_match || templated
    }
}

/// Can the statement apply to a request for `action` on `resource`, for some values
/// of its conditions?
pub fn statement_maybe(s: &Statement, action: &str, resource: Option<&str>) -> bool {
    action_maybe(s, action) && resource_maybe(s, resource)
}

/// Does the statement's outcome depend on the principal, through a key the world
/// derives for it (and the question does not give) or a policy variable?
pub fn depends_on_principal(s: &Statement, k: &Knowledge) -> bool {
    let derived = |key: &str| k.is_known(key) && !k.given.contains(&key.to_ascii_lowercase());
    s.conditions.iter().any(|c| {
        k.is_known(&c.key) && (derived(&c.key) || c.values.iter().any(|v| matches!(v, TypedValue::Template(_))))
    }) || s
        .resource
        .as_ref()
        .is_some_and(|b| b.patterns.iter().any(|p| matches!(p.matcher, ResourceMatcher::Templated { .. })))
}

/// What of statement `s` the world cannot know.
fn statement_unknowns(s: &Statement, k: &Knowledge, out: &mut Unknowns) -> bool {
    let mut any = false;
    for c in s.conditions.iter().filter(|c| condition_unknown(c, k)) {
        any = true;
        out.keys.insert(c.key.clone());
        out.conditions.insert(format!("{} {} {:?}", c.operator.name, c.key, c.raw_values));
    }
    if let Some(block) = &s.resource {
        for p in block.patterns.iter().filter(|p| pattern_unknown(p, k)) {
            any = true;
            if let ResourceMatcher::Templated { resource, .. } = &p.matcher {
                out.keys.extend(resource.keys().map(str::to_string));
            }
            out.conditions.insert(format!("{} {}", if block.negated { "NotResource" } else { "Resource" }, p.text));
        }
    }
    any
}

/// Can a statement read a key the world cannot know (in its conditions or its
/// resource's variables)?
pub fn may_read_unknown(s: &Statement, k: &Knowledge) -> bool {
    !s.conditions.is_empty() || s.resource.as_ref().is_some_and(|b| b.patterns.iter().any(|p| pattern_unknown(p, k)))
}

/// What the statements of `policy` that can match `action` on `resource` read that
/// the world cannot know, added to `found` (what [`bound_policy`] finds, without
/// building the bounded policy).
pub fn policy_unknowns(policy: &Policy, k: &Knowledge, action: &str, resource: Option<&str>, found: &mut Unknowns) {
    for s in policy.statements.iter().filter(|s| may_read_unknown(s, k) && statement_maybe(s, action, resource)) {
        statement_unknowns(s, k, found);
    }
}

/// The statements of every policy of `set` that can match `action` on some resource
/// and read a key the world cannot know: those [`statements_unknowns`] looks at.
pub fn conditional_statements(set: &PolicySet, k: &Knowledge, action: &str) -> Vec<Statement> {
    let levels = set.scps.iter().chain(set.rcps.iter()).flatten().flatten();
    let all = set.identity.iter().chain(set.resource_policy.iter()).chain(set.boundary.iter());
    all.chain(set.session.iter().flatten())
        .chain(levels)
        .flat_map(|p| &p.statements)
        .filter(|s| may_read_unknown(s, k) && statement_maybe(s, action, None))
        .cloned()
        .collect()
}

/// What those of `statements` that can match `action` on `resource` read that the
/// world cannot know.
pub fn statements_unknowns(statements: &[Statement], k: &Knowledge, action: &str, resource: Option<&str>) -> Unknowns {
    let mut found = Unknowns::default();
    for s in statements.iter().filter(|s| statement_maybe(s, action, resource)) {
        statement_unknowns(s, k, &mut found);
    }
    found
}

/// The policy with its unknown statements resolved for `bound`, or `None` when no
/// statement that can match `action` on `resource` reads an unknown key. The
/// unknowns of those statements are added to `found`.
pub fn bound_policy(
    policy: &Policy,
    k: &Knowledge,
    bound: Bound,
    action: &str,
    resource: Option<&str>,
    found: &mut Unknowns,
) -> Option<Policy> {
    let mut changed: Option<Policy> = None;
    for (i, s) in policy.statements.iter().enumerate() {
        if !may_read_unknown(s, k) {
            continue;
        }
        if !statement_maybe(s, action, resource) {
            continue;
        }
        let mut these = Unknowns::default();
        if !statement_unknowns(s, k, &mut these) {
            continue;
        }
        found.extend(&these);
        let out = changed.get_or_insert_with(|| policy.clone());
        let Some(target) = out.statements.get_mut(i) else { continue };
        let applies = (bound == Bound::Optimistic) == (s.effect == Effect::Allow);
        if applies {
            target.conditions.retain(|c| !condition_unknown(c, k));
            if target.resource.as_ref().is_some_and(|b| b.patterns.iter().any(|p| pattern_unknown(p, k))) {
                target.resource = Some(ResourceBlock {
                    negated: false,
                    patterns: vec![ResourcePattern {
                        text: "*".into(),
                        matcher: ResourceMatcher::Static(ArnPattern::Any),
                    }],
                });
            }
        } else {
            // The statement cannot apply: an Allow that grants nothing.
            target.effect = Effect::Allow;
            target.action.negated = false;
            target.action.patterns.clear();
        }
    }
    changed
}

fn bound_all(
    policies: &mut [Policy],
    k: &Knowledge,
    bound: Bound,
    action: &str,
    resource: Option<&str>,
    found: &mut Unknowns,
) {
    for p in policies.iter_mut() {
        if let Some(new) = bound_policy(p, k, bound, action, resource, found) {
            *p = new;
        }
    }
}

/// Resolves every policy of `set` for `bound`, in place; returns what was unknown.
pub fn bound_set(set: &mut PolicySet, k: &Knowledge, bound: Bound, action: &str, resource: Option<&str>) -> Unknowns {
    let mut found = Unknowns::default();
    bound_all(&mut set.identity, k, bound, action, resource, &mut found);
    for p in set.resource_policy.iter_mut().chain(set.boundary.iter_mut()) {
        if let Some(new) = bound_policy(p, k, bound, action, resource, &mut found) {
            *p = new;
        }
    }
    if let Some(s) = set.session.as_mut() {
        bound_all(s, k, bound, action, resource, &mut found);
    }
    for levels in set.scps.iter_mut().chain(set.rcps.iter_mut()) {
        for level in levels.iter_mut() {
            bound_all(level, k, bound, action, resource, &mut found);
        }
    }
    found
}
