//! Matching statements and scanning the policies of one layer.

use super::index::{scan_indexed, SetIndex};
use crate::condition::Tri;
use crate::decision::{Layer, PolicyTrace, StatementTrace, Trace};
use crate::policy::{Effect, Policy, Statement};
use crate::principal::PrincipalMatch;
use crate::request::Request;

/// The layer being scanned, and what statement matching needs to know of the caller.
#[derive(Debug, Clone, Copy)]
pub(super) struct Scope<'i> {
    pub(super) layer: Layer,
    pub(super) has_boundary: bool,
    /// The action index of a [`super::PreparedPolicySet`], used when no trace is recorded.
    pub(super) index: Option<&'i SetIndex>,
}

/// What one layer's policies said.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct LayerResult {
    pub(super) allow: bool,
    pub(super) deny: bool,
    /// For a resource-based policy: how the strongest matching Allow named the caller.
    pub(super) grant: Option<PrincipalMatch>,
}

impl LayerResult {
    /// Records a matching statement.
    pub(super) fn record(&mut self, effect: Effect, grant: Option<PrincipalMatch>) {
        match effect {
            Effect::Deny => self.deny = true,
            Effect::Allow => {
                self.allow = true;
                self.grant = self.grant.max(grant);
            }
        }
    }
}

/// Scans SCP or RCP levels, root first; one result per level.
pub(super) fn scan_levels(
    levels: &[Vec<Policy>],
    request: &Request,
    scope: Scope,
    kind: &str,
    mut trace: Option<&mut Trace>,
) -> Vec<LayerResult> {
    levels
        .iter()
        .enumerate()
        .map(|(i, level)| {
            let label = if trace.is_some() { format!("{kind} level {}", i + 1) } else { String::new() };
            scan_all(level, request, scope, &label, trace.as_deref_mut())
        })
        .collect()
}

pub(super) fn scan_all(
    policies: &[Policy],
    request: &Request,
    scope: Scope,
    label: &str,
    mut trace: Option<&mut Trace>,
) -> LayerResult {
    let mut out = LayerResult::default();
    for (i, p) in policies.iter().enumerate() {
        let label = if trace.is_some() { format!("{label}, policy {}", i + 1) } else { String::new() };
        let r = scan(p, request, scope, &label, trace.as_deref_mut());
        out.allow |= r.allow;
        out.deny |= r.deny;
        out.grant = out.grant.max(r.grant);
    }
    out
}

pub(super) fn scan(
    policy: &Policy,
    request: &Request,
    scope: Scope,
    label: &str,
    trace: Option<&mut Trace>,
) -> LayerResult {
    if trace.is_none() {
        if let Some(index) = scope.index.and_then(|i| i.policy(policy)) {
            return scan_indexed(policy, index, request, scope);
        }
    }
    let layer = scope.layer;
    let mut out = LayerResult::default();
    let mut statements = trace.as_ref().map(|_| Vec::with_capacity(policy.statements.len()));
    for (index, statement) in policy.statements.iter().enumerate() {
        let (matched, grant) = match statements.as_mut() {
            Some(list) => {
                let t = trace_statement(statement, index, request, scope);
                let matched = t.matched;
                list.push(t);
                (matched, if matched { principal_grant(statement, request, scope) } else { None })
            }
            None => statement_matches(statement, request, scope),
        };
        if matched {
            out.record(statement.effect, grant);
        }
    }
    if let (Some(t), Some(statements)) = (trace, statements) {
        t.policies.push(PolicyTrace { layer, label: label.to_string(), statements });
    }
    out
}

fn action_matches(statement: &Statement, request: &Request) -> bool {
    statement.action.patterns.iter().any(|p| p.matches(&request.action)) != statement.action.negated
}

fn resource_matches(statement: &Statement, request: &Request) -> bool {
    match &statement.resource {
        // A resource-based policy without Resource means the attached resource.
        None => true,
        Some(block) => {
            block.patterns.iter().any(|p| p.matcher.matches(&request.resource, &request.context)) != block.negated
        }
    }
}

/// How the statement's principal names the caller; `None` when the layer has no
/// principal (identity-based layers).
fn principal_grant(statement: &Statement, request: &Request, scope: Scope) -> Option<PrincipalMatch> {
    if !matches!(scope.layer, Layer::ResourcePolicy | Layer::TrustPolicy | Layer::Rcp) {
        return None;
    }
    let block = statement.principal.as_ref()?;
    if block.negated && statement.effect == Effect::Deny && scope.has_boundary {
        // NOTPRIN: a Deny with NotPrincipal always denies a principal that has a
        // permissions boundary, even one listed in NotPrincipal.
        return Some(PrincipalMatch::Account);
    }
    let m = request.principal.match_spec(&block.spec);
    Some(if block.negated {
        // NotPrincipal: everyone not listed. In a Deny only the caller's own ARN
        // exempts it: AWS may check the account and the role before the session
        // (NOTPRIN), so listing a parent does not protect its children. In an Allow,
        // any listed identity, at any level, excludes the caller; a caller not listed
        // is read as named only by its account, the narrowest reading.
        let excluded = match statement.effect {
            Effect::Deny => m == PrincipalMatch::Exact,
            Effect::Allow => m != PrincipalMatch::None,
        };
        if excluded {
            PrincipalMatch::None
        } else {
            PrincipalMatch::Account
        }
    } else {
        m
    })
}

fn principal_ok(statement: &Statement, request: &Request, scope: Scope) -> bool {
    match principal_grant(statement, request, scope) {
        None => true,
        Some(m) => m != PrincipalMatch::None,
    }
}

fn statement_matches(statement: &Statement, request: &Request, scope: Scope) -> (bool, Option<PrincipalMatch>) {
    if !action_matches(statement, request) {
        return (false, None);
    }
    statement_matches_beyond_action(statement, request, scope)
}

/// [`statement_matches`] for a statement whose action is known to match.
pub(super) fn statement_matches_beyond_action(
    statement: &Statement,
    request: &Request,
    scope: Scope,
) -> (bool, Option<PrincipalMatch>) {
    if !resource_matches(statement, request) {
        return (false, None);
    }
    let grant = principal_grant(statement, request, scope);
    if grant == Some(PrincipalMatch::None) {
        return (false, None);
    }
    let conditions = conditions_match(statement, request);
    (conditions, if conditions { grant } else { None })
}

/// All conditions must hold. A condition on a request value its operator cannot read
/// is unknown: it keeps an Allow from applying and lets a Deny apply (when in doubt,
/// deny).
fn conditions_match(statement: &Statement, request: &Request) -> bool {
    let deny = statement.effect == Effect::Deny;
    statement.conditions.iter().all(|c| match c.evaluate_tri(&request.context) {
        Tri::True => true,
        Tri::False => false,
        Tri::Unknown => deny,
    })
}

fn trace_statement(statement: &Statement, index: usize, request: &Request, scope: Scope) -> StatementTrace {
    let action = action_matches(statement, request);
    let resource = resource_matches(statement, request);
    let principal = if matches!(scope.layer, Layer::ResourcePolicy | Layer::TrustPolicy | Layer::Rcp) {
        Some(principal_ok(statement, request, scope))
    } else {
        None
    };
    let conditions: Vec<(String, String, bool)> = statement
        .conditions
        .iter()
        .map(|c| (c.operator.name.clone(), c.key.clone(), c.evaluate(&request.context)))
        .collect();
    let matched = action && resource && principal.unwrap_or(true) && conditions_match(statement, request);
    StatementTrace {
        index,
        sid: statement.sid.clone(),
        effect: statement.effect,
        action,
        resource,
        principal,
        conditions,
        matched,
    }
}
