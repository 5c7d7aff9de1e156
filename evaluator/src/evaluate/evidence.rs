//! Where the decision procedure writes what it found. A plain decision writes to
//! [`NoTrace`], which keeps nothing (and, being a constant, costs nothing); a traced
//! decision writes to a [`Trace`]. Both are written by the same functions, so the
//! trace is a by-product of deciding and cannot disagree with the decision.

use crate::condition::{Condition, Tri};
use crate::context::Context;
use crate::decision::{ConditionTrace, ElementTrace, Outcome, PolicyTrace, Rule, StatementTrace, StepTrace, Trace};
use crate::policy::{PrincipalSpec, Statement};
use crate::principal::{Principal, PrincipalMatch};

/// The decision-level sink: steps taken and policies consulted.
pub(super) trait Evidence {
    /// True when something is kept: statement matching then looks at every element
    /// of a statement rather than stopping at the first that fails.
    const RECORDS: bool;

    /// A step of the procedure; `detail` is called only when recording.
    fn step(&mut self, rule: Rule, decided: Option<Outcome>, detail: impl FnOnce() -> String);

    /// A policy's statements (called only when recording).
    fn policy(&mut self, policy: PolicyTrace);
}

/// Keeps nothing.
#[derive(Debug, Default)]
pub(super) struct NoTrace;

impl Evidence for NoTrace {
    const RECORDS: bool = false;

    #[inline(always)]
    fn step(&mut self, _: Rule, _: Option<Outcome>, _: impl FnOnce() -> String) {}

    #[inline(always)]
    fn policy(&mut self, _: PolicyTrace) {}
}

impl Evidence for Trace {
    const RECORDS: bool = true;

    fn step(&mut self, rule: Rule, decided: Option<Outcome>, detail: impl FnOnce() -> String) {
        self.steps.push(StepTrace { rule, decided, detail: detail() });
    }

    fn policy(&mut self, policy: PolicyTrace) {
        self.policies.push(policy);
    }
}

/// How a statement's action list met the request's action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ActionFound {
    /// The pattern at this position matches the action.
    Pattern(usize),
    /// No pattern matches.
    NoPattern,
    /// The action index ruled the statement out: no pattern can match.
    NotCandidate,
}

/// How a statement's principal named the caller, beyond the [`PrincipalMatch`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PrincipalHow {
    /// `Principal`: named as the match says.
    Named,
    /// `NotPrincipal` that does not list the caller.
    NotListed,
    /// `NotPrincipal` that lists the caller (in an Allow: at any level; in a Deny: its
    /// own ARN).
    Listed,
    /// NOTPRIN: a Deny with `NotPrincipal` always applies to a caller with a
    /// permissions boundary.
    BoundaryOverride,
}

/// The statement-level sink: what each element of one statement matched.
pub(super) trait StatementSink {
    /// True when something is kept (see [`Evidence::RECORDS`]).
    const RECORDS: bool;
    /// The action element.
    fn action(&mut self, statement: &Statement, found: ActionFound, matched: bool);
    /// The resource element: the position of the matching pattern, if any.
    fn resource(&mut self, statement: &Statement, found: Option<usize>, matched: bool);
    /// The principal element, as it names `caller` (`grant`, `how`).
    fn principal(&mut self, statement: &Statement, caller: &Principal, named: (PrincipalMatch, PrincipalHow));
    /// One condition, its three-valued result, and whether it counts as holding.
    fn condition(&mut self, condition: &Condition, context: &Context, result: Tri, holds: bool);
}

impl StatementSink for () {
    const RECORDS: bool = false;
    #[inline(always)]
    fn action(&mut self, _: &Statement, _: ActionFound, _: bool) {}
    #[inline(always)]
    fn resource(&mut self, _: &Statement, _: Option<usize>, _: bool) {}
    #[inline(always)]
    fn principal(&mut self, _: &Statement, _: &Principal, _: (PrincipalMatch, PrincipalHow)) {}
    #[inline(always)]
    fn condition(&mut self, _: &Condition, _: &Context, _: Tri, _: bool) {}
}

impl StatementTrace {
    /// An empty record for statement `index`, filled in by the matcher.
    pub(super) fn start(index: usize, statement: &Statement) -> StatementTrace {
        StatementTrace {
            index,
            sid: statement.sid.clone(),
            effect: statement.effect,
            action: ElementTrace { element: "Action", pattern: None, matched: false, note: None },
            resource: None,
            principal: None,
            conditions: Vec::new(),
            matched: false,
        }
    }
}

fn element(negated: bool, positive: &'static str, negative: &'static str) -> &'static str {
    if negated {
        negative
    } else {
        positive
    }
}

fn grant_note(grant: PrincipalMatch, how: PrincipalHow) -> &'static str {
    match (how, grant) {
        (PrincipalHow::BoundaryOverride, _) => {
            "a Deny with NotPrincipal always applies to a caller with a permissions boundary"
        }
        (PrincipalHow::Listed, _) => "NotPrincipal lists the caller",
        (PrincipalHow::NotListed, _) => "NotPrincipal does not list the caller: named by its account only",
        (PrincipalHow::Named, PrincipalMatch::Exact) => "names the caller exactly",
        (PrincipalHow::Named, PrincipalMatch::Wildcard) => "names everyone (\"*\")",
        (PrincipalHow::Named, PrincipalMatch::Role) => "names the caller's role",
        (PrincipalHow::Named, PrincipalMatch::Account) => "names the caller's account",
        (PrincipalHow::Named, PrincipalMatch::None) => "does not name the caller",
    }
}

/// The entry of a principal block that names the caller most strongly, as written
/// (`AWS: arn:...`), if any names it.
fn naming_entry(spec: &PrincipalSpec, caller: &Principal) -> Option<String> {
    let PrincipalSpec::Map(entries) = spec else { return Some("*".to_string()) };
    let mut best: Option<(PrincipalMatch, String)> = None;
    for (kind, ids) in entries {
        for id in ids {
            let m = caller.match_spec(&PrincipalSpec::Map(vec![(*kind, vec![id.clone()])]));
            if m > best.as_ref().map_or(PrincipalMatch::None, |(b, _)| *b) {
                best = Some((m, format!("{}: {id}", kind.as_str())));
            }
        }
    }
    best.map(|(_, entry)| entry)
}

impl StatementSink for StatementTrace {
    const RECORDS: bool = true;

    fn action(&mut self, statement: &Statement, found: ActionFound, matched: bool) {
        let block = &statement.action;
        let (pattern, note) = match found {
            ActionFound::Pattern(i) => (block.patterns.get(i).map(|p| p.text().to_string()), None),
            ActionFound::NoPattern => (None, None),
            ActionFound::NotCandidate => {
                (None, Some("action does not match (no pattern of its service, by the action index)".to_string()))
            }
        };
        self.action = ElementTrace { element: element(block.negated, "Action", "NotAction"), pattern, matched, note };
    }

    fn resource(&mut self, statement: &Statement, found: Option<usize>, matched: bool) {
        self.resource = Some(match &statement.resource {
            None => ElementTrace {
                element: "Resource",
                pattern: None,
                matched,
                note: Some("absent: the policy's own resource".to_string()),
            },
            Some(block) => ElementTrace {
                element: element(block.negated, "Resource", "NotResource"),
                pattern: found.and_then(|i| block.patterns.get(i)).map(|p| p.text.to_string()),
                matched,
                note: None,
            },
        });
    }

    fn principal(&mut self, statement: &Statement, caller: &Principal, (grant, how): (PrincipalMatch, PrincipalHow)) {
        let negated = statement.principal.as_ref().is_some_and(|b| b.negated);
        self.principal = Some(ElementTrace {
            element: element(negated, "Principal", "NotPrincipal"),
            pattern: statement.principal.as_ref().and_then(|b| naming_entry(&b.spec, caller)),
            matched: grant != PrincipalMatch::None,
            note: Some(grant_note(grant, how).to_string()),
        });
    }

    fn condition(&mut self, condition: &Condition, context: &Context, result: Tri, holds: bool) {
        let present = context.get(&condition.key_lower).filter(|v| !v.is_empty());
        let why_unknown = (result == Tri::Unknown).then(|| {
            let quoted = |values: Vec<&str>| values.iter().map(|v| format!("\"{v}\"")).collect::<Vec<_>>().join(", ");
            let (whose, bad) = match condition.unreadable_request_values(context) {
                request if !request.is_empty() => ("", quoted(request)),
                _ => ("the policy value ", quoted(condition.unreadable_policy_values())),
            };
            format!("{whose}{bad} cannot be read as {}", condition.operator.family.value_type())
        });
        self.conditions.push(ConditionTrace {
            operator: condition.operator.name.clone(),
            key: condition.key.clone(),
            policy_values: condition.raw_values.clone(),
            request_values: present.map(|v| v.values.clone()),
            result,
            why_unknown,
            holds,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each way a principal can name the caller has its own note, so an explanation
    /// never describes two different matches alike.
    #[test]
    fn every_principal_note_is_its_own() {
        let named = [
            PrincipalMatch::Exact,
            PrincipalMatch::Wildcard,
            PrincipalMatch::Role,
            PrincipalMatch::Account,
            PrincipalMatch::None,
        ]
        .map(|g| grant_note(g, PrincipalHow::Named));
        let other = [PrincipalHow::NotListed, PrincipalHow::Listed, PrincipalHow::BoundaryOverride]
            .map(|h| grant_note(PrincipalMatch::Exact, h));
        let all: Vec<&str> = named.iter().chain(other.iter()).copied().collect();
        let distinct: std::collections::BTreeSet<&str> = all.iter().copied().collect();
        assert_eq!(distinct.len(), all.len(), "{all:?}");
        assert!(all.iter().all(|n| n.len() > 10), "{all:?}");
        assert_eq!(grant_note(PrincipalMatch::None, PrincipalHow::Named), "does not name the caller");
    }
}
