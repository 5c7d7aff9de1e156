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
            format!("a Deny statement in the {} matches", layer.noun())
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
            format!("the {} does not name the service", f.rbp_layer.noun())
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
            format!("the resource's account does not allow: its {} does not allow the caller", f.rbp_layer.noun())
        });
    }
    pass(ev, Rule::CrossAccount, || {
        format!("the resource's account allows ({}); the caller's account must allow too", f.rbp_layer.noun())
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
            decide(ev, Rule::ResourceGrant, allowed(), || format!("the {} allows the caller by name", layer.noun()))
        }
        PrincipalMatch::Role => {
            pass(ev, Rule::ResourceGrant, || {
                format!("the {} allows the caller's role: the boundary and session policies still apply", layer.noun())
            })?;
            boundary(f, ev)?;
            session_policies(f, ev)?;
            decide(ev, Rule::ResourceGrant, allowed(), || {
                format!("allowed by the {}'s grant to the role", layer.noun())
            })
        }
        // (A grant to the account comes from a resource-based policy: there is one.)
        PrincipalMatch::Account => pass(ev, Rule::ResourceGrant, || {
            format!("the {} names only the caller's account, which grants nothing by itself (R7.6)", layer.noun())
        }),
        PrincipalMatch::None if f.resource.is_some() => {
            pass(ev, Rule::ResourceGrant, || format!("the {} does not allow the caller", layer.noun()))
        }
        PrincipalMatch::None => ControlFlow::Continue(()),
    }
}

/// The caller's own side: the root user (R6.1), else identity policies, boundary and
/// session policies (R6.7 to R6.9).
pub(super) fn principal_side<E: Evidence>(f: &Findings, ev: &mut E) -> Decision {
    let flow = own_policies(f, ev);
    or_allowed(flow, ev, Rule::CallerPolicies, || {
        "identity-based policies allow, and no boundary or session policy limits them".into()
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

#[cfg(test)]
mod tests {
    use super::super::scan::LayerResult;
    use super::*;
    use crate::context::Context;
    use crate::decision::Trace;
    use crate::evaluate::PolicySet;
    use crate::policy::{Policy, PolicyType};

    const ALLOW: LayerResult = LayerResult { allow: true, deny: false, grant: None };
    const DENY: LayerResult = LayerResult { allow: false, deny: true, grant: None };
    const SILENT: LayerResult = LayerResult { allow: false, deny: false, grant: None };

    fn request(principal: &str, action: &str, resource: &str) -> Request {
        Request::new(Principal::parse(principal).unwrap(), action, resource, None, Context::new())
    }

    fn session() -> Request {
        request("arn:aws:sts::111122223333:assumed-role/dev/s", "s3:GetObject", "arn:aws:s3:::b/k")
    }

    /// Findings where nothing applies but the identity policies, which say nothing.
    fn findings<'a>(request: &'a Request, set: &'a PolicySet) -> Findings<'a> {
        let rbp_layer = if set.resource_is_trust { Layer::TrustPolicy } else { Layer::ResourcePolicy };
        Findings {
            request,
            set,
            rbp_layer,
            scps: None,
            rcps: None,
            resource: None,
            identity: SILENT,
            boundary: None,
            session: None,
        }
    }

    fn granting(grant: PrincipalMatch) -> Option<LayerResult> {
        Some(LayerResult { allow: true, deny: false, grant: Some(grant) })
    }

    /// The decision of `step`, if it decided, and the rule it noted last.
    fn run(step: impl FnOnce(&mut Trace) -> Step) -> (Option<(Outcome, Option<Layer>)>, Option<Rule>) {
        let mut trace = Trace::default();
        let decided = match step(&mut trace) {
            ControlFlow::Break(d) => Some((d.outcome, d.denied_by)),
            ControlFlow::Continue(()) => None,
        };
        (decided, trace.steps.last().map(|s| s.rule))
    }

    #[test]
    fn caller_identity_needs_no_permission() {
        let r = request("arn:aws:iam::111122223333:user/a", "sts:getcalleridentity", "*");
        assert_eq!(run(|t| caller_identity(&r, t)), (Some((Outcome::Allowed, None)), Some(Rule::CallerIdentity)));
        assert_eq!(run(|t| caller_identity(&session(), t)), (None, None));
    }

    #[test]
    fn explicit_deny_names_layers_in_section_14_order() {
        let (r, set) = (session(), PolicySet::default());
        let mut f = findings(&r, &set);
        f.identity = DENY;
        f.session = Some(DENY);
        let deny = |l| Some((Outcome::ExplicitDeny, Some(l)));
        assert_eq!(run(|t| explicit_deny(&f, t)), (deny(Layer::IdentityPolicy), Some(Rule::ExplicitDeny)));
        f.scps = Some(vec![ALLOW, DENY]);
        assert_eq!(run(|t| explicit_deny(&f, t)).0, deny(Layer::Scp));
        let f = findings(&r, &set);
        assert_eq!(run(|t| explicit_deny(&f, t)), (None, Some(Rule::ExplicitDeny)));
    }

    #[test]
    fn bucket_owner_root_keeps_the_bucket_policy() {
        let r = request("arn:aws:iam::111122223333:root", "s3:PutBucketPolicy", "arn:aws:s3:::b");
        let set = PolicySet::default();
        let mut f = findings(&r, &set);
        f.resource = Some(DENY);
        assert_eq!(run(|t| explicit_deny(&f, t)).0, None);
        let r = request("arn:aws:iam::111122223333:root", "s3:GetObject", "arn:aws:s3:::b/k");
        let mut f = findings(&r, &set);
        f.resource = Some(DENY);
        assert_eq!(run(|t| explicit_deny(&f, t)).0, Some((Outcome::ExplicitDeny, Some(Layer::ResourcePolicy))));
    }

    #[test]
    fn every_scp_level_must_allow() {
        let (r, set) = (session(), PolicySet::default());
        let mut f = findings(&r, &set);
        assert_eq!(run(|t| scps(&f, t)), (None, None));
        f.scps = Some(vec![ALLOW, ALLOW]);
        assert_eq!(run(|t| scps(&f, t)), (None, Some(Rule::Scps)));
        f.scps = Some(vec![ALLOW, SILENT]);
        assert_eq!(run(|t| scps(&f, t)).0, Some((Outcome::ImplicitDeny, Some(Layer::Scp))));
    }

    #[test]
    fn trust_and_key_policies_must_allow() {
        let r = session();
        let trust = PolicySet { resource_is_trust: true, ..PolicySet::default() };
        let f = findings(&r, &trust);
        assert_eq!(run(|t| required_grant(&f, t)).0, Some((Outcome::ImplicitDeny, Some(Layer::TrustPolicy))));
        let mut f = findings(&r, &trust);
        f.resource = granting(PrincipalMatch::Account);
        assert_eq!(run(|t| required_grant(&f, t)).0, None);

        let key = request("arn:aws:iam::111122223333:root", "kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/k");
        let policy = Policy::parse(
            r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/x"},"Action":"kms:*","Resource":"*"}}"#,
            PolicyType::Resource,
        )
        .unwrap();
        let with_key_policy = PolicySet { resource_policy: Some(policy), ..PolicySet::default() };
        let mut f = findings(&key, &with_key_policy);
        f.resource = Some(SILENT);
        assert_eq!(run(|t| required_grant(&f, t)).0, Some((Outcome::ImplicitDeny, Some(Layer::ResourcePolicy))));
        // Without a key policy in the set, the rule has nothing to require.
        let none = PolicySet::default();
        let f = findings(&key, &none);
        assert_eq!(run(|t| required_grant(&f, t)).0, None);
    }

    #[test]
    fn resource_grants_by_how_they_name_the_caller() {
        let (r, set) = (session(), PolicySet::default());
        let mut f = findings(&r, &set);
        f.boundary = Some(SILENT);
        f.resource = granting(PrincipalMatch::Exact);
        assert_eq!(run(|t| resource_grant(&f, t)).0, Some((Outcome::Allowed, None)));
        f.resource = granting(PrincipalMatch::Role);
        assert_eq!(run(|t| resource_grant(&f, t)).0, Some((Outcome::ImplicitDeny, Some(Layer::PermissionsBoundary))));
        f.boundary = Some(ALLOW);
        assert_eq!(run(|t| resource_grant(&f, t)), (Some((Outcome::Allowed, None)), Some(Rule::ResourceGrant)));
        f.resource = granting(PrincipalMatch::Account);
        assert_eq!(run(|t| resource_grant(&f, t)).0, None);
    }

    #[test]
    fn a_trust_policy_naming_a_user_still_needs_the_boundary() {
        let user = request("arn:aws:iam::111122223333:user/a", "sts:AssumeRole", "arn:aws:iam::111122223333:role/r");
        let trust = PolicySet { resource_is_trust: true, ..PolicySet::default() };
        let mut f = findings(&user, &trust);
        f.resource = granting(PrincipalMatch::Exact);
        f.boundary = Some(SILENT);
        assert_eq!(run(|t| resource_grant(&f, t)).0, Some((Outcome::ImplicitDeny, Some(Layer::PermissionsBoundary))));
    }

    #[test]
    fn session_policies_limit_sessions() {
        let r = session();
        let none = PolicySet::default();
        let f = findings(&r, &none);
        assert_eq!(run(|t| session_policies(&f, t)).0, None);
        let empty = PolicySet { session: Some(Vec::new()), ..PolicySet::default() };
        let mut f = findings(&r, &empty);
        f.session = Some(SILENT);
        assert_eq!(run(|t| session_policies(&f, t)).0, None, "no session policy passed: not limited");
        let one = PolicySet { session: Some(vec![crate::world::full_aws_access()]), ..PolicySet::default() };
        let mut f = findings(&r, &one);
        f.session = Some(SILENT);
        assert_eq!(run(|t| session_policies(&f, t)).0, Some((Outcome::ImplicitDeny, Some(Layer::SessionPolicy))));
        f.session = Some(ALLOW);
        assert_eq!(run(|t| session_policies(&f, t)), (None, Some(Rule::SessionPolicies)));
        let fed = request("arn:aws:sts::111122223333:federated-user/bob", "s3:GetObject", "*");
        let f = findings(&fed, &none);
        assert_eq!(run(|t| session_policies(&f, t)).0, Some((Outcome::ImplicitDeny, Some(Layer::SessionPolicy))));
    }

    #[test]
    fn the_root_user_needs_no_identity_policy() {
        let root = request("arn:aws:iam::111122223333:root", "s3:GetObject", "arn:aws:s3:::b/k");
        let set = PolicySet::default();
        let f = findings(&root, &set);
        let mut trace = Trace::default();
        assert!(principal_side(&f, &mut trace).is_allowed());
        assert_eq!(trace.steps.iter().map(|s| s.rule).collect::<Vec<_>>(), [Rule::RootUser]);
        let r = session();
        let f = findings(&r, &set);
        let d = principal_side(&f, &mut Trace::default());
        assert_eq!(d.denied_by, Some(Layer::IdentityPolicy));
    }

    #[test]
    fn cross_account_needs_both_accounts() {
        let r = Request::new(
            Principal::parse("arn:aws:sts::111122223333:assumed-role/dev/s").unwrap(),
            "s3:GetObject",
            "arn:aws:s3:::b/k",
            Some("444455556666"),
            Context::new(),
        );
        let set = PolicySet::default();
        let mut f = findings(&r, &set);
        f.identity = ALLOW;
        assert_eq!(cross_account(&f, &mut Trace::default()).denied_by, Some(Layer::ResourcePolicy));
        f.resource = granting(PrincipalMatch::Exact);
        f.identity = SILENT;
        assert_eq!(cross_account(&f, &mut Trace::default()).denied_by, Some(Layer::IdentityPolicy));
        f.identity = ALLOW;
        assert!(cross_account(&f, &mut Trace::default()).is_allowed());
    }

    #[test]
    fn a_service_is_allowed_only_when_named() {
        let r = request("arn:aws:iam::111122223333:user/a", "s3:GetObject", "arn:aws:s3:::b/k");
        let set = PolicySet::default();
        let mut f = findings(&r, &set);
        assert_eq!(service_principal(&f, &mut Trace::default()).denied_by, Some(Layer::ResourcePolicy));
        f.resource = granting(PrincipalMatch::Exact);
        assert!(service_principal(&f, &mut Trace::default()).is_allowed());
        f.resource = granting(PrincipalMatch::Account);
        assert!(!service_principal(&f, &mut Trace::default()).is_allowed());
    }
}
