//! The steps of the decision procedure, one function per rule of IAM-SPEC.md
//! sections 6 to 8 and R11.10. Each either decides (`Break`) or lets the procedure go
//! on (`Continue`), and writes what it found to the evidence.

use std::ops::ControlFlow;

use super::applicable::{is_kms_key_request, is_session, root_bucket_policy_exception, Findings};
use super::evidence::Evidence;
use crate::decision::{Decision, Layer, Outcome, Rule};
use crate::principal::{Principal, PrincipalMatch};
use crate::request::Request;

/// A step's result: `Break` with the decision, or `Continue` to the next step.
pub(super) type Step = ControlFlow<Decision>;

fn allowed() -> Decision {
    Decision { outcome: Outcome::Allowed, denied_by: None, trace: None }
}

fn denied(outcome: Outcome, layer: Layer) -> Decision {
    Decision { outcome, denied_by: Some(layer), trace: None }
}

/// The decision of a chain of steps; one that ends without deciding allows, under
/// `rule`.
fn or_allowed<E: Evidence>(flow: Step, ev: &mut E, rule: Rule, detail: impl FnOnce() -> String) -> Decision {
    match flow {
        ControlFlow::Break(decision) => decision,
        ControlFlow::Continue(()) => {
            ev.step(rule, Some(Outcome::Allowed), detail);
            allowed()
        }
    }
}

/// Decides with `decision`, noting the step.
fn decide<E: Evidence>(ev: &mut E, rule: Rule, decision: Decision, detail: impl FnOnce() -> String) -> Step {
    ev.step(rule, Some(decision.outcome), detail);
    ControlFlow::Break(decision)
}

/// Goes on, noting the step.
fn pass<E: Evidence>(ev: &mut E, rule: Rule, detail: impl FnOnce() -> String) -> Step {
    ev.step(rule, None, detail);
    ControlFlow::Continue(())
}

/// R11.10: `sts:GetCallerIdentity` needs no permission and succeeds even under an
/// explicit Deny.
pub(super) fn caller_identity<E: Evidence>(request: &Request, ev: &mut E) -> Step {
    if request.action.eq_ignore_ascii_case("sts:GetCallerIdentity") {
        return decide(ev, Rule::CallerIdentity, allowed(), || "needs no permission: always allowed".into());
    }
    ControlFlow::Continue(())
}

/// R6.2: a matching Deny in any applicable policy decides, named in the order of
/// section 14 (SCP, RCP, resource-based, identity, boundary, session). The bucket
/// owner's root user keeps access to the bucket policy (S3 PutBucketPolicy).
pub(super) fn explicit_deny<E: Evidence>(f: &Findings, ev: &mut E) -> Step {
    let any =
        |levels: &Option<Vec<super::scan::LayerResult>>| levels.as_ref().is_some_and(|ls| ls.iter().any(|l| l.deny));
    let rbp_deny = f.resource.is_some_and(|r| r.deny);
    let exempt = rbp_deny && root_bucket_policy_exception(f.request);
    let explicit = [
        (Layer::Scp, any(&f.scps)),
        (Layer::Rcp, any(&f.rcps)),
        (f.rbp_layer, rbp_deny && !exempt),
        (Layer::IdentityPolicy, f.identity.deny),
        (Layer::PermissionsBoundary, f.boundary.is_some_and(|b| b.deny)),
        (Layer::SessionPolicy, f.session.is_some_and(|s| s.deny)),
    ];
    match explicit.iter().find(|(_, d)| *d) {
        Some((layer, _)) => decide(ev, Rule::ExplicitDeny, denied(Outcome::ExplicitDeny, *layer), || {
            format!("a Deny statement in the {} matches", layer.name())
        }),
        None => pass(ev, Rule::ExplicitDeny, || {
            if exempt {
                "the bucket policy's Deny does not bind the bucket owner's root user for the bucket policy itself"
                    .into()
            } else {
                "no Deny statement matches".into()
            }
        }),
    }
}

/// R6.3: RCPs. `RCPFullAWSAccess` is attached at every level and cannot be detached,
/// so with no explicit deny this step always passes.
pub(super) fn rcps<E: Evidence>(f: &Findings, ev: &mut E) -> Step {
    if f.rcps.is_some() {
        return pass(ev, Rule::Rcps, || "RCPFullAWSAccess allows at every level".into());
    }
    ControlFlow::Continue(())
}

/// R6.4, R9.1: every SCP level on the path from the root to the account must allow.
pub(super) fn scps<E: Evidence>(f: &Findings, ev: &mut E) -> Step {
    let Some(levels) = &f.scps else { return ControlFlow::Continue(()) };
    match levels.iter().position(|l| !l.allow) {
        Some(i) => decide(ev, Rule::Scps, denied(Outcome::ImplicitDeny, Layer::Scp), || {
            format!("no SCP at level {} allows the action", i + 1)
        }),
        None => pass(ev, Rule::Scps, || "every SCP level allows the action".into()),
    }
}

/// How the resource-based policy's strongest matching Allow names the caller.
fn grant(f: &Findings) -> PrincipalMatch {
    f.resource.and_then(|r| r.grant).unwrap_or(PrincipalMatch::None)
}

/// R8.2: a service principal is authorized only by a resource-based policy naming it
/// (or `*`).
pub(super) fn service_principal<E: Evidence>(f: &Findings, ev: &mut E) -> Decision {
    let flow = service_principal_step(f, ev);
    or_allowed(flow, ev, Rule::ServicePrincipal, String::new)
}

fn service_principal_step<E: Evidence>(f: &Findings, ev: &mut E) -> Step {
    if grant(f) >= PrincipalMatch::Wildcard {
        decide(ev, Rule::ServicePrincipal, allowed(), || "the resource-based policy names the service".into())
    } else {
        decide(ev, Rule::ServicePrincipal, denied(Outcome::ImplicitDeny, f.rbp_layer), || {
            format!("the {} does not name the service", f.rbp_layer.name())
        })
    }
}

/// R8.1: across accounts the resource's account must allow (its resource-based
/// policy names the caller or its account), then the caller's account, through the
/// caller's own policies; the section 7 shortcuts do not apply.
pub(super) fn cross_account<E: Evidence>(f: &Findings, ev: &mut E) -> Decision {
    let flow = cross_account_step(f, ev);
    or_allowed(flow, ev, Rule::CrossAccount, || "both the resource's and the caller's account allow".into())
}

fn cross_account_step<E: Evidence>(f: &Findings, ev: &mut E) -> Step {
    if grant(f) == PrincipalMatch::None {
        return decide(ev, Rule::CrossAccount, denied(Outcome::ImplicitDeny, f.rbp_layer), || {
            format!("the resource's account does not allow: its {} does not allow the caller", f.rbp_layer.name())
        });
    }
    pass(ev, Rule::CrossAccount, || {
        format!("the resource's account allows ({}); the caller's account must allow too", f.rbp_layer.name())
    })?;
    own_policies(f, ev)
}

/// R7.7: a role trust policy and a KMS key policy must always allow the caller (the
/// root user included, for a key); an identity policy alone never suffices.
pub(super) fn required_grant<E: Evidence>(f: &Findings, ev: &mut E) -> Step {
    if grant(f) != PrincipalMatch::None {
        return ControlFlow::Continue(());
    }
    if f.set.resource_is_trust {
        return decide(ev, Rule::RequiredGrant, denied(Outcome::ImplicitDeny, Layer::TrustPolicy), || {
            "the role trust policy does not allow the caller".into()
        });
    }
    if is_kms_key_request(f.request) && f.set.resource_policy.is_some() {
        return decide(ev, Rule::RequiredGrant, denied(Outcome::ImplicitDeny, Layer::ResourcePolicy), || {
            "the KMS key policy does not allow the caller".into()
        });
    }
    ControlFlow::Continue(())
}

/// R6.6 with R7.1 to R7.6, within one account: a grant to the exact caller or to `*`
/// allows by itself; a grant to the caller's role still needs the boundary and the
/// session policy (R7.3); a grant to the account grants nothing (R7.6).
pub(super) fn resource_grant<E: Evidence>(f: &Findings, ev: &mut E) -> Step {
    let layer = f.rbp_layer;
    match grant(f) {
        // A trust policy naming an IAM user still needs the user's boundary to allow
        // sts:AssumeRole (id_roles_update-role-trust-policy; the specific page wins
        // over the general R7.1 here).
        PrincipalMatch::Exact | PrincipalMatch::Wildcard
            if f.set.resource_is_trust
                && matches!(f.request.principal, Principal::User { .. })
                && !boundary_allows(f) =>
        {
            decide(ev, Rule::ResourceGrant, denied(Outcome::ImplicitDeny, Layer::PermissionsBoundary), || {
                "the trust policy names the user, but the user's boundary does not allow sts:AssumeRole".into()
            })
        }
        PrincipalMatch::Exact | PrincipalMatch::Wildcard => {
            decide(ev, Rule::ResourceGrant, allowed(), || format!("the {} allows the caller by name", layer.name()))
        }
        PrincipalMatch::Role => {
            pass(ev, Rule::ResourceGrant, || {
                format!("the {} allows the caller's role: the boundary and session policies still apply", layer.name())
            })?;
            boundary(f, ev)?;
            session_policies(f, ev)?;
            decide(ev, Rule::ResourceGrant, allowed(), || {
                format!("allowed by the {}'s grant to the role", layer.name())
            })
        }
        PrincipalMatch::Account | PrincipalMatch::None => ControlFlow::Continue(()),
    }
}

/// The caller's own side: the root user (R6.1), else identity policies, boundary and
/// session policies (R6.7 to R6.9).
pub(super) fn principal_side<E: Evidence>(f: &Findings, ev: &mut E) -> Decision {
    let flow = own_policies(f, ev);
    or_allowed(flow, ev, Rule::IdentityPolicies, || {
        "allowed: identity-based policies allow, and no boundary or session policy limits it".into()
    })
}

fn own_policies<E: Evidence>(f: &Findings, ev: &mut E) -> Step {
    root_user(f, ev)?;
    identity_policies(f, ev)?;
    boundary(f, ev)?;
    session_policies(f, ev)
}

/// R6.1: the root user has full access in its own account (and no identity policies
/// or boundary): only SCPs, explicit denies and the required grants above stop it.
pub(super) fn root_user<E: Evidence>(f: &Findings, ev: &mut E) -> Step {
    if matches!(f.request.principal, Principal::Root { .. }) {
        return decide(ev, Rule::RootUser, allowed(), || {
            "the account's root user has full access; no identity policy is needed".into()
        });
    }
    ControlFlow::Continue(())
}

/// R6.7: some identity-based policy must allow.
pub(super) fn identity_policies<E: Evidence>(f: &Findings, ev: &mut E) -> Step {
    if f.identity.allow {
        pass(ev, Rule::IdentityPolicies, || "an identity-based policy allows the action".into())
    } else {
        decide(ev, Rule::IdentityPolicies, denied(Outcome::ImplicitDeny, Layer::IdentityPolicy), || {
            "no identity-based policy allows the action".into()
        })
    }
}

fn boundary_allows(f: &Findings) -> bool {
    f.boundary.is_none_or(|b| b.allow)
}

/// R6.8: a permissions boundary, when there is one, must allow.
pub(super) fn boundary<E: Evidence>(f: &Findings, ev: &mut E) -> Step {
    match f.boundary {
        None => ControlFlow::Continue(()),
        Some(b) if b.allow => pass(ev, Rule::Boundary, || "the permissions boundary allows the action".into()),
        Some(_) => decide(ev, Rule::Boundary, denied(Outcome::ImplicitDeny, Layer::PermissionsBoundary), || {
            "the permissions boundary does not allow the action".into()
        }),
    }
}

/// R6.9: session policies, when passed, must allow; a role session without any is
/// not limited by one; a federated-user session without one is denied.
pub(super) fn session_policies<E: Evidence>(f: &Findings, ev: &mut E) -> Step {
    let passed = is_session(f.request) && f.set.session.as_ref().is_some_and(|s| !s.is_empty());
    let deny = || denied(Outcome::ImplicitDeny, Layer::SessionPolicy);
    match (f.session, &f.request.principal) {
        (Some(s), _) if passed && s.allow => {
            pass(ev, Rule::SessionPolicies, || "a session policy allows the action".into())
        }
        (Some(_), _) if passed => {
            decide(ev, Rule::SessionPolicies, deny(), || "no session policy allows the action".into())
        }
        (_, Principal::FederatedUser { .. }) => decide(ev, Rule::SessionPolicies, deny(), || {
            "a federated-user session without a session policy has no permissions".into()
        }),
        _ => ControlFlow::Continue(()),
    }
}
