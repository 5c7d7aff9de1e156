//! The decision procedure of IAM-SPEC.md sections 6 to 10: one request against a
//! policy set, within one account or across accounts.
//!
//! `procedure` is the whole decision, one named step per rule; the steps live in
//! `steps`, statement matching in `scan`, which policies apply in `applicable`, and
//! the action index (machinery, not rules) in `index`. A trace is written by the same
//! functions that decide (`evidence`), so it cannot disagree with the decision.

mod applicable;
mod evidence;
mod index;
mod label;
mod prepared;
mod scan;
mod steps;

use std::collections::BTreeMap;
use std::ops::ControlFlow;

use crate::decision::{Decision, Layer, Trace};
use crate::policy::Policy;
use crate::principal::Principal;
use crate::request::Request;

pub use applicable::RCP_SERVICES;
use evidence::{Evidence, NoTrace};
use index::SetIndex;
pub use label::{Owner, PolicyLabel, PolicySlot};
pub use prepared::PreparedPolicySet;

/// Every policy that applies to one request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PolicySet {
    /// The caller's identity-based policies (user inline, managed and group policies,
    /// or the role's policies).
    pub identity: Vec<Policy>,
    /// The resource-based policy of the resource, if it has one.
    pub resource_policy: Option<Policy>,
    /// True when `resource_policy` is a role trust policy (AssumeRole): it must always
    /// allow the caller (R7.7) and denials name the trust policy.
    pub resource_is_trust: bool,
    /// The caller's permissions boundary.
    pub boundary: Option<Policy>,
    /// The session policies; `None` when none were passed (R6.9).
    pub session: Option<Vec<Policy>>,
    /// SCP levels, root first, account last; `None` outside an organization or for
    /// the management account (R9.2).
    pub scps: Option<Vec<Vec<Policy>>>,
    /// RCP levels; `RCPFullAWSAccess` is taken as attached at every level (R6.3).
    pub rcps: Option<Vec<Vec<Policy>>>,
    /// What each policy is (optional): traces name a labelled policy by its label and
    /// any other by its kind and place.
    pub labels: BTreeMap<PolicySlot, PolicyLabel>,
}

impl PolicySet {
    /// Every policy of the set with its place, in the order of the fields (identity,
    /// resource, boundary, session, SCP and RCP levels).
    pub fn slots(&self) -> Vec<(PolicySlot, &Policy)> {
        let mut out: Vec<(PolicySlot, &Policy)> =
            self.identity.iter().enumerate().map(|(i, p)| (PolicySlot::Identity(i), p)).collect();
        out.extend(self.resource_policy.iter().map(|p| (PolicySlot::Resource, p)));
        out.extend(self.boundary.iter().map(|p| (PolicySlot::Boundary, p)));
        out.extend(self.session.iter().flatten().enumerate().map(|(i, p)| (PolicySlot::Session(i), p)));
        for (level, policies) in self.scps.iter().flatten().enumerate() {
            out.extend(policies.iter().enumerate().map(|(index, p)| (PolicySlot::Scp { level, index }, p)));
        }
        for (level, policies) in self.rcps.iter().flatten().enumerate() {
            out.extend(policies.iter().enumerate().map(|(index, p)| (PolicySlot::Rcp { level, index }, p)));
        }
        out
    }

    /// The layer the policy at `slot` is decided in.
    pub fn layer_of(&self, slot: PolicySlot) -> Layer {
        match slot {
            PolicySlot::Identity(_) => Layer::IdentityPolicy,
            PolicySlot::Resource if self.resource_is_trust => Layer::TrustPolicy,
            PolicySlot::Resource => Layer::ResourcePolicy,
            PolicySlot::Boundary => Layer::PermissionsBoundary,
            PolicySlot::Session(_) => Layer::SessionPolicy,
            PolicySlot::Scp { .. } => Layer::Scp,
            PolicySlot::Rcp { .. } => Layer::Rcp,
        }
    }

    /// Labels the policy at `slot`.
    pub fn set_label(&mut self, slot: PolicySlot, label: PolicyLabel) {
        self.labels.insert(slot, label);
    }

    /// The label of the policy at `slot`, or its kind and place.
    pub fn label(&self, slot: PolicySlot) -> String {
        match self.labels.get(&slot) {
            Some(label) => label.to_string(),
            None => label::fallback(slot, self.resource_is_trust),
        }
    }

    /// R11.1: an `sts:AssumeRole` request on a role (and `sts:TagSession`,
    /// `sts:SetSourceIdentity`, authorized the same way, R11.5) takes the role's trust
    /// policy as its resource-based policy, which must always allow the caller (R7.7).
    /// Every role has one, so such a request without `resource_policy` is denied by
    /// the (absent) trust policy.
    pub fn for_request(mut self, request: &Request) -> PolicySet {
        if is_role_assumption(request) {
            self.resource_is_trust = true;
        }
        self
    }
}

/// R11.1: is `request` an `sts:AssumeRole` (or `sts:TagSession`,
/// `sts:SetSourceIdentity`) on a role, decided with the role's trust policy?
pub fn is_role_assumption(request: &Request) -> bool {
    applicable::is_role_assumption(request)
}

/// [`is_role_assumption`] of an action and a resource ARN.
pub fn is_role_assumption_of(action: &str, resource: &str) -> bool {
    applicable::is_role_assumption_of(action, resource)
}

/// What one identity-based policy says of `request` on its own: whether some Allow
/// statement matches, and whether some Deny statement matches. A layer's policies
/// are OR'ed (R6.10), so a layer's result is the union of its policies'.
pub fn identity_matches(request: &Request, policy: &Policy) -> (bool, bool) {
    let scope = scan::Scope { layer: crate::decision::Layer::IdentityPolicy, has_boundary: false };
    let found = scan::scan_policy(policy, None, request, scope, String::new, &mut NoTrace);
    (found.allow, found.deny)
}

/// Decides `request` against `set`.
pub fn evaluate(request: &Request, set: &PolicySet) -> Decision {
    decide(request, set, None, &mut NoTrace)
}

/// Decides `request` against `set` and records a trace of every statement.
pub fn evaluate_with_trace(request: &Request, set: &PolicySet) -> Decision {
    traced(request, set, None)
}

/// Decides with a trace, through `index` when given.
fn traced(request: &Request, set: &PolicySet, index: Option<&SetIndex>) -> Decision {
    let mut trace = Trace::default();
    let mut decision = decide(request, set, index, &mut trace);
    decision.trace = Some(trace);
    decision
}

fn decide<E: Evidence>(request: &Request, set: &PolicySet, index: Option<&SetIndex>, ev: &mut E) -> Decision {
    match procedure(request, set, index, ev) {
        ControlFlow::Break(decision) | ControlFlow::Continue(decision) => decision,
    }
}

/// The decision procedure, in the order of IAM-SPEC.md section 6.
fn procedure<E: Evidence>(
    request: &Request,
    set: &PolicySet,
    index: Option<&SetIndex>,
    ev: &mut E,
) -> ControlFlow<Decision, Decision> {
    steps::caller_identity(request, ev)?; // R11.10
    let found = applicable::scan_applicable(request, set, index, ev); // R6.2: every applicable policy, once
    steps::explicit_deny(&found, ev)?; // R6.2
    steps::rcps(&found, ev)?; // R6.3
    steps::scps(&found, ev)?; // R6.4, R9.1
    if matches!(request.principal, Principal::Service { .. }) {
        return ControlFlow::Continue(steps::service_principal(&found, ev)); // R8.2
    }
    if !request.same_account() {
        return ControlFlow::Continue(steps::cross_account(&found, ev)); // R8.1
    }
    steps::required_grant(&found, ev)?; // R7.7
    steps::resource_grant(&found, ev)?; // R6.6, R7.1 to R7.6
    ControlFlow::Continue(steps::principal_side(&found, ev)) // R6.1, R6.7 to R6.9
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::policy::PolicyType;

    /// Every policy of a set, once, with its place and the layer it is decided in.
    #[test]
    fn slots_list_every_policy_with_its_layer() {
        let p = Policy::parse(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
            PolicyType::Identity,
        )
        .unwrap();
        let set = PolicySet {
            identity: vec![p.clone(), p.clone()],
            resource_policy: Some(p.clone()),
            resource_is_trust: true,
            session: Some(vec![p.clone()]),
            scps: Some(vec![vec![p.clone()], vec![p.clone(), p.clone()]]),
            rcps: Some(vec![vec![], vec![p]]),
            ..PolicySet::default()
        };
        let slots: Vec<(PolicySlot, Layer)> = set.slots().into_iter().map(|(s, _)| (s, set.layer_of(s))).collect();
        assert_eq!(
            slots,
            [
                (PolicySlot::Identity(0), Layer::IdentityPolicy),
                (PolicySlot::Identity(1), Layer::IdentityPolicy),
                (PolicySlot::Resource, Layer::TrustPolicy),
                (PolicySlot::Session(0), Layer::SessionPolicy),
                (PolicySlot::Scp { level: 0, index: 0 }, Layer::Scp),
                (PolicySlot::Scp { level: 1, index: 0 }, Layer::Scp),
                (PolicySlot::Scp { level: 1, index: 1 }, Layer::Scp),
                (PolicySlot::Rcp { level: 1, index: 0 }, Layer::Rcp),
            ]
        );
    }
}
