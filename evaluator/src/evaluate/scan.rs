//! Matching one statement against a request (IAM-SPEC.md sections 2 and 3), and
//! scanning the statements of one policy (R6.10: statements are OR'ed). Every
//! element's result is written to a [`StatementSink`], so a trace records exactly
//! what decided.

use super::evidence::{ActionFound, Evidence, PrincipalHow, StatementSink};
use super::index::PolicyIndex;
use crate::condition::Tri;
use crate::decision::{Layer, PolicyTrace, StatementTrace};
use crate::policy::{Effect, Policy, Statement};
use crate::principal::PrincipalMatch;
use crate::request::Request;

/// The layer being scanned, and what statement matching needs to know of the caller.
#[derive(Debug, Clone, Copy)]
pub(super) struct Scope {
    /// The layer.
    pub(super) layer: Layer,
    /// True when the caller has a permissions boundary (NOTPRIN).
    pub(super) has_boundary: bool,
}

impl Scope {
    /// Layers whose statements name principals.
    fn has_principals(self) -> bool {
        matches!(self.layer, Layer::ResourcePolicy | Layer::TrustPolicy | Layer::Rcp)
    }
}

/// What one layer's policies said.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct LayerResult {
    /// Some Allow statement matched.
    pub(super) allow: bool,
    /// Some Deny statement matched.
    pub(super) deny: bool,
    /// For a resource-based policy: how the strongest matching Allow named the caller.
    pub(super) grant: Option<PrincipalMatch>,
}

impl LayerResult {
    /// Records a matching statement.
    fn record(&mut self, effect: Effect, grant: Option<PrincipalMatch>) {
        match effect {
            Effect::Deny => self.deny = true,
            Effect::Allow => {
                self.allow = true;
                self.grant = self.grant.max(grant);
            }
        }
    }

    /// R6.10: several policies of one type are OR'ed.
    pub(super) fn union(self, other: LayerResult) -> LayerResult {
        LayerResult {
            allow: self.allow || other.allow,
            deny: self.deny || other.deny,
            grant: self.grant.max(other.grant),
        }
    }
}

/// Scans one policy: every statement that matches the request is recorded. With an
/// index and no trace, only the statements whose action can match are looked at;
/// with a trace, every statement is accounted for (those the index rules out as
/// "action does not match").
pub(super) fn scan_policy<E: Evidence>(
    policy: &Policy,
    index: Option<&PolicyIndex>,
    request: &Request,
    scope: Scope,
    label: impl FnOnce() -> String,
    ev: &mut E,
) -> LayerResult {
    let mut out = LayerResult::default();
    let action = request.action.as_str();
    if !E::RECORDS {
        match index {
            Some(index) => {
                for i in index.candidates(action) {
                    let Some(statement) = policy.statements.get(i) else { continue };
                    let found = index.find_action(i, statement, action);
                    if let Some(grant) = check_statement(statement, request, scope, found, &mut ()) {
                        out.record(statement.effect, grant);
                    }
                }
            }
            None => {
                for statement in &policy.statements {
                    if let Some(grant) =
                        check_statement(statement, request, scope, find_action(statement, action), &mut ())
                    {
                        out.record(statement.effect, grant);
                    }
                }
            }
        }
        return out;
    }
    let candidates = index.map(|ix| ix.candidate_mask(action, policy.statements.len()));
    let mut statements = Vec::with_capacity(policy.statements.len());
    for (i, statement) in policy.statements.iter().enumerate() {
        let found = match (index, &candidates) {
            (Some(_), Some(mask)) if !mask.get(i).copied().unwrap_or(false) => ActionFound::NotCandidate,
            (Some(ix), _) => ix.find_action(i, statement, action),
            (None, _) => find_action(statement, action),
        };
        let mut record = StatementTrace::start(i, statement);
        let grant = check_statement(statement, request, scope, found, &mut record);
        record.matched = grant.is_some();
        if let Some(grant) = grant {
            out.record(statement.effect, grant);
        }
        statements.push(record);
    }
    ev.policy(PolicyTrace { layer: scope.layer, label: label(), statements });
    out
}

/// Which action pattern matches, without an index.
fn find_action(statement: &Statement, action: &str) -> ActionFound {
    statement
        .action
        .patterns
        .iter()
        .position(|p| p.matches(action))
        .map_or(ActionFound::NoPattern, ActionFound::Pattern)
}

/// Does `statement` apply to the request? `Some(grant)` when it does, the grant
/// being how its principal names the caller (`None` for layers without principals).
/// A sink that does not record stops at the first element that fails.
pub(super) fn check_statement<S: StatementSink>(
    statement: &Statement,
    request: &Request,
    scope: Scope,
    action: ActionFound,
    sink: &mut S,
) -> Option<Option<PrincipalMatch>> {
    // R2.1: Action, or NotAction (every action not listed).
    let action_ok = match action {
        ActionFound::Pattern(_) => !statement.action.negated,
        ActionFound::NoPattern => statement.action.negated,
        ActionFound::NotCandidate => false,
    };
    sink.action(statement, action, action_ok);
    if !action_ok && !S::RECORDS {
        return None;
    }
    let resource_ok = resource_matches(statement, request, sink);
    if !resource_ok && !S::RECORDS {
        return None;
    }
    let grant = principal_grant(statement, request, scope, sink);
    let principal_ok = grant != Some(PrincipalMatch::None);
    if !principal_ok && !S::RECORDS {
        return None;
    }
    let conditions_ok = conditions_hold(statement, request, sink);
    (action_ok && resource_ok && principal_ok && conditions_ok).then_some(grant)
}

/// R2.2: Resource, or NotResource; a resource-based policy without either means the
/// resource it is attached to.
fn resource_matches<S: StatementSink>(statement: &Statement, request: &Request, sink: &mut S) -> bool {
    let Some(block) = &statement.resource else {
        sink.resource(statement, None, true);
        return true;
    };
    let found = block.patterns.iter().position(|p| p.matcher.matches(&request.resource, &request.context));
    let matched = found.is_some() != block.negated;
    sink.resource(statement, found, matched);
    matched
}

/// How the statement's principal names the caller (section 7); `None` when the layer
/// has no principals (identity-based layers) or the statement names none.
fn principal_grant<S: StatementSink>(
    statement: &Statement,
    request: &Request,
    scope: Scope,
    sink: &mut S,
) -> Option<PrincipalMatch> {
    if !scope.has_principals() {
        return None;
    }
    let block = statement.principal.as_ref()?;
    let (grant, how) = if block.negated && statement.effect == Effect::Deny && scope.has_boundary {
        // NOTPRIN: a Deny with NotPrincipal always denies a principal that has a
        // permissions boundary, even one listed in NotPrincipal.
        (PrincipalMatch::Account, PrincipalHow::BoundaryOverride)
    } else if block.negated {
        // NotPrincipal: everyone not listed. In a Deny only the caller's own ARN
        // exempts it: AWS may check the account and the role before the session
        // (NOTPRIN), so listing a parent does not protect its children. In an Allow,
        // any listed identity, at any level, excludes the caller; a caller not listed
        // is read as named only by its account, the narrowest reading.
        let m = request.principal.match_spec(&block.spec);
        let listed = match statement.effect {
            Effect::Deny => m == PrincipalMatch::Exact,
            Effect::Allow => m != PrincipalMatch::None,
        };
        if listed {
            (PrincipalMatch::None, PrincipalHow::Listed)
        } else {
            (PrincipalMatch::Account, PrincipalHow::NotListed)
        }
    } else {
        (request.principal.match_spec(&block.spec), PrincipalHow::Named)
    };
    sink.principal(statement, &request.principal, (grant, how));
    Some(grant)
}

/// All conditions must hold (R3.1). A condition on a request value its operator
/// cannot read is unknown: it keeps an Allow from applying and lets a Deny apply
/// (when in doubt, deny).
fn conditions_hold<S: StatementSink>(statement: &Statement, request: &Request, sink: &mut S) -> bool {
    let deny = statement.effect == Effect::Deny;
    let mut all = true;
    for condition in &statement.conditions {
        let result = condition.evaluate_tri(&request.context);
        let holds = match result {
            Tri::True => true,
            Tri::False => false,
            Tri::Unknown => deny,
        };
        sink.condition(condition, &request.context, result, holds);
        all &= holds;
        if !all && !S::RECORDS {
            return false;
        }
    }
    all
}
