//! Checks a decision's trace against the decision it explains.
//!
//! The trace is written by the same functions that decide, on a second code path
//! (the recording one, which looks at every element of every statement instead of
//! stopping at the first that fails). An explanation that contradicts its decision
//! would mislead the reader as much as a wrong decision, so the oracle checks every
//! trace it prints with [`trace_contradiction`], and the corpus runs in
//! both modes: a bug in the recording path shows as a failed case, not as a wrong
//! explanation nobody compares.
//!
//! What is checked is implied by the decision procedure alone (IAM-SPEC.md sections 2,
//! 3 and 6): a statement matches exactly when every element does; an element's
//! matched pattern agrees with its `Not` form; a condition counts as holding for an
//! Allow only when true and for a Deny unless false; the last step taken decides,
//! and decides the decision's outcome; an explicit deny has a matching Deny
//! statement in the layer it names; an implicit deny by the identity-based
//! policies, the boundary, the session policies or the trust policy comes from a
//! layer with no matching Allow.
//!
//! It lives here, beside the other checks of the oracle, not in the evaluator: it only
//! ever reports, so it is a test of the evaluator's output, not a part of deciding.

use iam_evaluator::condition::Tri;
use iam_evaluator::decision::{ElementTrace, Rule, StatementTrace};
use iam_evaluator::evaluate::PolicySlot;
use iam_evaluator::policy::Effect;
use iam_evaluator::policy::{Policy, Statement};
use iam_evaluator::{Decision, Layer, Outcome, PolicySet, Trace};

/// The first way the decision's trace contradicts the decision, or `None` when it
/// agrees (or there is no trace).
///
/// ```
/// use iam_conformance::audit::trace_contradiction;
/// use iam_evaluator::{evaluate_with_trace, Context, Policy, PolicySet, PolicyType, Principal, Request};
///
/// let policy = Policy::parse(
///     r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}"#,
///     PolicyType::Identity,
/// )?;
/// let set = PolicySet { identity: vec![policy], ..PolicySet::default() };
/// let caller = Principal::parse("arn:aws:iam::111122223333:user/alice")?;
/// let request = Request::new(caller, "s3:GetObject", "*", None, Context::default());
/// let decision = evaluate_with_trace(&request, &set);
/// assert!(decision.is_allowed());
/// assert_eq!(trace_contradiction(&decision), None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn trace_contradiction(decision: &Decision) -> Option<String> {
    let trace = decision.trace.as_ref()?;
    final_step(decision, trace)
        .or_else(|| cited_rules(trace))
        .or_else(|| rule_titles(trace))
        .or_else(|| statements(trace))
        .or_else(|| explicit_deny(decision, trace))
        .or_else(|| implicit_deny(decision, trace))
}

fn final_step(decision: &Decision, trace: &Trace) -> Option<String> {
    let deciding: Vec<_> = trace.steps.iter().enumerate().filter(|(_, s)| s.decided.is_some()).collect();
    match deciding.as_slice() {
        [] => Some("no step of the trace decides".to_string()),
        [(i, step)] if *i + 1 == trace.steps.len() => (step.decided != Some(decision.outcome)).then(|| {
            format!(
                "the trace's deciding step ({}) says {:?}, the decision is {:?}",
                step.rule.title(),
                step.decided,
                decision.outcome
            )
        }),
        [(i, step)] => Some(format!(
            "step {} of {} ({}) decides, yet steps follow it",
            i + 1,
            trace.steps.len(),
            step.rule.title()
        )),
        _ => Some(format!("{} steps of the trace decide", deciding.len())),
    }
}

/// The first policy of the trace that is not the policy it names, or whose evidence
/// leaves out an element its statements have; `None` when every policy traced is
/// named by its label in `set` (the policy set decided, every policy of which has a
/// label) and every statement of it shows its Resource (or NotResource), its
/// Principal (or NotPrincipal) where the layer names principals, and each of its
/// conditions. The trace accounts for every element of every statement, also after
/// one has failed: an explanation shows all the evidence, not only the first reason
/// a statement does not apply, and says which policy it is.
pub fn trace_incomplete(decision: &Decision, set: &PolicySet) -> Option<String> {
    let trace = decision.trace.as_ref()?;
    resource_step(trace, set).or_else(|| policies_shown(trace, set))
}

/// The resource-based policy's step (R6.6) is shown exactly when there is one to
/// weigh: a trace that speaks of a resource-based policy the request has none of is
/// wrong, and one that goes on to the caller's own policies within one account
/// without saying what the resource-based policy granted leaves out evidence.
fn resource_step(trace: &Trace, set: &PolicySet) -> Option<String> {
    let has = |rules: &[Rule]| trace.steps.iter().any(|s| rules.contains(&s.rule));
    let shown = has(&[Rule::ResourceGrant]);
    if shown && set.resource_policy.is_none() {
        return Some("a step weighs a resource-based policy the request has none of".to_string());
    }
    let own =
        has(&[Rule::RootUser, Rule::IdentityPolicies, Rule::Boundary, Rule::SessionPolicies, Rule::CallerPolicies]);
    let elsewhere = has(&[Rule::CrossAccount, Rule::ServicePrincipal]);
    (set.resource_policy.is_some() && own && !elsewhere && !shown)
        .then(|| "the caller's own policies are weighed without a step for the resource-based policy".to_string())
}

fn policies_shown(trace: &Trace, set: &PolicySet) -> Option<String> {
    trace.policies.iter().find_map(|traced| {
        let slots: Vec<(PolicySlot, &Policy)> =
            set.slots().into_iter().filter(|(slot, _)| set.layer_of(*slot) == traced.layer).collect();
        if let Some((slot, _)) = slots.iter().find(|(slot, _)| !set.labels.contains_key(slot)) {
            return Some(format!("the {} at {slot:?} has no label", traced.layer.noun()));
        }
        let principals = matches!(traced.layer, Layer::ResourcePolicy | Layer::TrustPolicy | Layer::Rcp);
        let shows_all = |policy: &Policy| {
            policy.statements.len() == traced.statements.len()
                && traced
                    .statements
                    .iter()
                    .all(|t| policy.statements.get(t.index).is_some_and(|s| statement_shown(t, s, principals)))
        };
        let named: Vec<&Policy> = slots
            .iter()
            .filter(|(slot, _)| set.labels.get(slot).is_some_and(|l| l.to_string() == traced.label))
            .map(|(_, p)| *p)
            .collect();
        if traced.label.is_empty() {
            Some(format!("a {} of the trace has an empty label", traced.layer.noun()))
        } else if named.is_empty() {
            Some(format!("the trace names {:?}, which is no {} of the request", traced.label, traced.layer.noun()))
        } else if !named.into_iter().any(shows_all) {
            Some(format!("the trace of {} leaves out elements of its statements", traced.label))
        } else {
            None
        }
    })
}

fn statement_shown(t: &StatementTrace, s: &Statement, principals: bool) -> bool {
    // An absent Resource may be shown too (a resource-based policy's own resource).
    (s.resource.is_none() || t.resource.is_some())
        && t.conditions.len() == s.conditions.len()
        && (!principals || s.principal.is_none() || t.principal.is_some())
}

/// The rules document the steps cite (`R6.7`, or a range `R6.7-R6.9`).
const RULES: &str = include_str!("../../docs/RULES.md");

/// Every step cites rules that docs/RULES.md defines (each as a `**R6.7` item).
fn cited_rules(trace: &Trace) -> Option<String> {
    trace.steps.iter().find_map(|step| {
        let id = step.rule.id();
        let defined =
            |r: &str| r.starts_with('R') && (RULES.contains(&format!("**{r} ")) || RULES.contains(&format!("**{r}**")));
        (id.is_empty() || !id.split('-').all(defined))
            .then(|| format!("step {} cites rule {id:?}, which docs/RULES.md does not define", step.rule.title()))
    })
}

/// Every step is named: a non-empty title of a few words, and different rules of one
/// trace under different titles (a reader tells the steps apart by them).
fn rule_titles(trace: &Trace) -> Option<String> {
    trace.steps.iter().enumerate().find_map(|(i, step)| {
        let title = step.rule.title();
        if title.trim().is_empty() {
            return Some(format!("step {i} ({}) has no title", step.rule.id()));
        }
        trace
            .steps
            .iter()
            .take(i)
            .find(|earlier| earlier.rule != step.rule && earlier.rule.title() == title)
            .map(|earlier| format!("steps {} and {} share the title {title:?}", earlier.rule.id(), step.rule.id()))
    })
}

fn statements(trace: &Trace) -> Option<String> {
    for policy in &trace.policies {
        for s in &policy.statements {
            if let Some(why) = statement(s) {
                return Some(format!("{} statement {}: {why}", policy.label, s.index));
            }
        }
    }
    None
}

fn statement(s: &StatementTrace) -> Option<String> {
    let elements_match = s.action.matched
        && s.resource.as_ref().is_none_or(|r| r.matched)
        && s.principal.as_ref().is_none_or(|p| p.matched)
        && s.conditions.iter().all(|c| c.holds);
    if elements_match != s.matched {
        return Some(format!("its elements say matched = {elements_match}, the statement says {}", s.matched));
    }
    for e in std::iter::once(&s.action).chain(&s.resource) {
        if let Some(why) = element(e) {
            return Some(why);
        }
    }
    if let Some(why) = s.principal.as_ref().and_then(|p| principal(p, s.effect)) {
        return Some(why);
    }
    for c in &s.conditions {
        if c.request_values.as_ref().is_some_and(Vec::is_empty) {
            return Some(format!("{} on {}: an empty list of request values is shown as present", c.operator, c.key));
        }
        let holds = match c.result {
            Tri::True => true,
            Tri::False => false,
            Tri::Unknown => s.effect == Effect::Deny,
        };
        if holds != c.holds {
            return Some(format!("{} on {} is {:?} but holds = {}", c.operator, c.key, c.result, c.holds));
        }
        // An unknown result says why (the request values that cannot be read), and
        // only an unknown one; the reason quotes the request or policy values it is about.
        if c.why_unknown.is_some() != (c.result == Tri::Unknown) {
            return Some(format!("{} on {} is {:?} with reason {:?}", c.operator, c.key, c.result, c.why_unknown));
        }
        let values = c.request_values.iter().flatten().chain(&c.policy_values);
        let named = |why: &String| values.clone().any(|v| why.contains(&format!("\"{v}\"")));
        if c.why_unknown.as_ref().is_some_and(|why| !named(why)) {
            return Some(format!("{} on {}: the reason it is unknown quotes none of its values", c.operator, c.key));
        }
    }
    None
}

/// `Action`/`Resource` match when a pattern matched, `NotAction`/`NotResource` when
/// none did. (An absent Resource, or an action the index rules out, names no pattern
/// and carries a note instead.)
fn element(e: &ElementTrace) -> Option<String> {
    let negated = match e.element {
        "Action" | "Resource" => false,
        "NotAction" | "NotResource" => true,
        other => return Some(format!("an element named {other}")),
    };
    if e.pattern.is_none() && e.note.is_some() {
        return None;
    }
    (e.pattern.is_some() == negated && e.matched || e.pattern.is_some() != negated && !e.matched)
        .then(|| format!("{} with pattern {:?} says matched = {}", e.element, e.pattern, e.matched))
}

/// `Principal` matches exactly when an entry names the caller (the entry shown);
/// `NotPrincipal` shows the entry that lists the caller, which keeps it from
/// matching, except in a Deny that applies to a caller with a permissions boundary
/// even so (NOTPRIN).
fn principal(e: &ElementTrace, effect: Effect) -> Option<String> {
    let wrong = match e.element {
        "Principal" => e.pattern.is_some() != e.matched,
        "NotPrincipal" => match (e.pattern.is_some(), e.matched) {
            (false, false) => true,
            (true, true) => effect != Effect::Deny,
            _ => false,
        },
        other => return Some(format!("a principal element named {other}")),
    };
    wrong.then(|| format!("{} with entry {:?} says matched = {}", e.element, e.pattern, e.matched))
}

fn matched_with(trace: &Trace, layer: Layer, effect: Effect) -> bool {
    trace
        .policies
        .iter()
        .filter(|p| p.layer == layer)
        .any(|p| p.statements.iter().any(|s| s.matched && s.effect == effect))
}

fn explicit_deny(decision: &Decision, trace: &Trace) -> Option<String> {
    if decision.outcome != Outcome::ExplicitDeny {
        return None;
    }
    let Some(layer) = decision.denied_by else { return Some("an explicit deny without a layer".to_string()) };
    (!matched_with(trace, layer, Effect::Deny))
        .then(|| format!("explicit deny by the {} without a matching Deny statement in it", layer.noun()))
}

fn implicit_deny(decision: &Decision, trace: &Trace) -> Option<String> {
    if decision.outcome != Outcome::ImplicitDeny {
        return None;
    }
    let layer = decision.denied_by?;
    let single =
        matches!(layer, Layer::IdentityPolicy | Layer::PermissionsBoundary | Layer::SessionPolicy | Layer::TrustPolicy);
    (single && matched_with(trace, layer, Effect::Allow))
        .then(|| format!("implicit deny by the {} although an Allow statement in it matches", layer.noun()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use iam_evaluator::evaluate::PolicyLabel;
    use iam_evaluator::{
        evaluate_with_trace, Context, ContextValue, Policy, PolicySet, PolicyType, Principal, Request,
    };

    fn traced(identity: &str, boundary: Option<&str>, action: &str) -> Decision {
        let parse = |text: &str, ty| Policy::parse(text, ty).unwrap();
        let set = PolicySet {
            identity: vec![parse(identity, PolicyType::Identity)],
            boundary: boundary.map(|b| parse(b, PolicyType::Boundary)),
            ..PolicySet::default()
        };
        let caller = Principal::parse("arn:aws:iam::111122223333:user/alice").unwrap();
        let mut context = Context::default();
        context.insert("aws:SourceIp", ContextValue::single("192.0.2.1"));
        evaluate_with_trace(&Request::new(caller, action, "*", None, context), &set)
    }

    /// alice, allowed by her identity policy and by a bucket policy naming her; the
    /// bucket policy's Deny lists her in NotPrincipal (so it does not apply).
    fn traced_with_bucket_policy() -> Decision {
        let bucket = r#"{"Version":"2012-10-17","Statement":[
            {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:GetObject","Resource":"*"},
            {"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:*","Resource":"*"}]}"#;
        let set = PolicySet {
            identity: vec![Policy::parse(ALLOW_S3, PolicyType::Identity).unwrap()],
            resource_policy: Some(Policy::parse(bucket, PolicyType::Resource).unwrap()),
            ..PolicySet::default()
        };
        let caller = Principal::parse("arn:aws:iam::111122223333:user/alice").unwrap();
        let mut context = Context::default();
        context.insert("aws:SourceIp", ContextValue::single("192.0.2.1"));
        let request = Request::new(caller, "s3:GetObject", "arn:aws:s3:::example-bucket/a", None, context);
        evaluate_with_trace(&request, &set)
    }

    const ALLOW_S3: &str = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}},
        {"Effect":"Deny","NotAction":"s3:*","Resource":"*"}]}"#;
    const BOUNDARY_EC2: &str =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}"#;

    #[test]
    fn traces_of_real_decisions_agree() {
        for (boundary, action, outcome) in [
            (None, "s3:GetObject", Outcome::Allowed),
            (None, "iam:CreateUser", Outcome::ExplicitDeny),
            (Some(BOUNDARY_EC2), "s3:GetObject", Outcome::ImplicitDeny),
        ] {
            let d = traced(ALLOW_S3, boundary, action);
            assert_eq!(d.outcome, outcome, "{action}");
            assert_eq!(trace_contradiction(&d), None, "{action}");
        }
        let mut plain = traced(ALLOW_S3, None, "s3:GetObject");
        plain.trace = None;
        assert_eq!(trace_contradiction(&plain), None);
    }

    fn contradiction(d: &Decision, edit: impl FnOnce(&mut Decision)) -> String {
        let mut d = d.clone();
        edit(&mut d);
        trace_contradiction(&d).unwrap_or_default()
    }

    fn statement_of(d: &mut Decision, layer: Layer, index: usize) -> &mut StatementTrace {
        let trace = d.trace.as_mut().unwrap();
        let policy = trace.policies.iter_mut().find(|p| p.layer == layer).unwrap();
        &mut policy.statements[index]
    }

    /// A statement that fails on its Action still shows its Resource and each
    /// condition; a trace that drops them is incomplete, whatever it decides.
    #[test]
    fn a_trace_leaving_out_elements_is_incomplete() {
        let mut set = PolicySet {
            identity: vec![Policy::parse(ALLOW_S3, PolicyType::Identity).unwrap()],
            ..PolicySet::default()
        };
        let caller = Principal::parse("arn:aws:iam::111122223333:user/alice").unwrap();
        let request = Request::new(caller, "ec2:RunInstances", "*", None, Context::default());
        // Every policy of the set decided must have a label.
        assert!(trace_incomplete(&evaluate_with_trace(&request, &set), &set).is_some());
        set.set_label(PolicySlot::Identity(0), PolicyLabel::CaseField { path: "identityPolicies[0]".into() });
        let d = evaluate_with_trace(&request, &set);
        assert_eq!(trace_incomplete(&d, &set), None);
        // The trace must name the policy by that label.
        let mut renamed = d.clone();
        renamed.trace.as_mut().unwrap().policies[0].label = "identityPolicies[1]".into();
        assert!(trace_incomplete(&renamed, &set).is_some());
        let first = &d.trace.as_ref().unwrap().policies[0].statements[0];
        assert!(!first.action.matched && first.resource.is_some() && first.conditions.len() == 1);
        for edit in [
            (|d: &mut Decision| statement_of(d, Layer::IdentityPolicy, 0).conditions.clear()) as fn(&mut Decision),
            |d| statement_of(d, Layer::IdentityPolicy, 0).resource = None,
            |d| statement_of(d, Layer::IdentityPolicy, 1).resource = None,
        ] {
            let mut cut = d.clone();
            edit(&mut cut);
            assert!(trace_incomplete(&cut, &set).is_some(), "{cut:?}");
        }
    }

    #[test]
    fn each_kind_of_contradiction_is_found() {
        let allowed = traced(ALLOW_S3, None, "s3:GetObject");
        let deny = traced(ALLOW_S3, None, "iam:CreateUser");
        let bounded = traced(ALLOW_S3, Some(BOUNDARY_EC2), "s3:GetObject");
        let found = [
            contradiction(&allowed, |d| d.outcome = Outcome::ImplicitDeny),
            contradiction(&allowed, |d| d.trace.as_mut().unwrap().steps.clear()),
            contradiction(&allowed, |d| {
                let steps = &mut d.trace.as_mut().unwrap().steps;
                let last = steps.last().unwrap().clone();
                steps.insert(0, last);
            }),
            contradiction(&allowed, |d| statement_of(d, Layer::IdentityPolicy, 0).matched = false),
            contradiction(&allowed, |d| statement_of(d, Layer::IdentityPolicy, 0).conditions[0].holds = false),
            contradiction(&allowed, |d| statement_of(d, Layer::IdentityPolicy, 0).conditions[0].result = Tri::Unknown),
            contradiction(&allowed, |d| statement_of(d, Layer::IdentityPolicy, 0).action.pattern = None),
            contradiction(&allowed, |d| {
                statement_of(d, Layer::IdentityPolicy, 0).conditions[0].why_unknown = Some("unreadable".into())
            }),
            contradiction(&allowed, |d| statement_of(d, Layer::IdentityPolicy, 1).action.element = "Action"),
            contradiction(&allowed, |d| statement_of(d, Layer::IdentityPolicy, 1).action.element = "Actions"),
            contradiction(&deny, |d| statement_of(d, Layer::IdentityPolicy, 1).effect = Effect::Allow),
            contradiction(&deny, |d| d.denied_by = None),
            contradiction(&deny, |d| d.denied_by = Some(Layer::PermissionsBoundary)),
            contradiction(&bounded, |d| d.denied_by = Some(Layer::IdentityPolicy)),
        ];
        for (i, why) in found.iter().enumerate() {
            assert!(!why.is_empty(), "contradiction {i} was not found");
        }
        let rbp = traced_with_bucket_policy();
        assert_eq!(trace_contradiction(&rbp), None);
        assert!(rbp.is_allowed());
        for edit in [
            (|d: &mut Decision| statement_of(d, Layer::ResourcePolicy, 0).principal.as_mut().unwrap().pattern = None)
                as fn(&mut Decision),
            |d| statement_of(d, Layer::ResourcePolicy, 0).principal.as_mut().unwrap().element = "Principals",
            |d| statement_of(d, Layer::ResourcePolicy, 1).principal.as_mut().unwrap().pattern = None,
            |d| {
                let s = statement_of(d, Layer::ResourcePolicy, 1);
                s.effect = Effect::Allow;
                s.principal.as_mut().unwrap().matched = true;
                s.matched = s.action.matched && s.resource.as_ref().is_none_or(|r| r.matched);
            },
            |d| {
                let c = &mut statement_of(d, Layer::IdentityPolicy, 0).conditions[0];
                c.request_values = Some(Vec::new());
            },
        ] {
            assert!(!contradiction(&rbp, edit).is_empty());
        }
        // A denial by a layer the check does not judge (SCPs, by level) is left alone.
        assert_eq!(contradiction(&bounded, |d| d.denied_by = Some(Layer::Scp)), "");
    }
}
