//! The decision procedure of IAM-SPEC.md sections 6 to 10: one request against a
//! policy set, within one account or across accounts.

mod index;
mod prepared;
mod scan;

use crate::decision::{Decision, Layer, Outcome, Trace};
use crate::policy::Policy;
use crate::principal::{Principal, PrincipalMatch};
use crate::request::Request;

use index::SetIndex;
pub use prepared::PreparedPolicySet;
use scan::{scan, scan_all, scan_levels, Scope};

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
}

/// Decides `request` against `set`.
pub fn evaluate(request: &Request, set: &PolicySet) -> Decision {
    decide(request, set, None)
}

/// Decides `request` against `set` and records a trace of every statement.
pub fn evaluate_with_trace(request: &Request, set: &PolicySet) -> Decision {
    let mut trace = Trace::default();
    let mut decision = decide(request, set, Some(&mut trace));
    decision.trace = Some(trace);
    decision
}

fn decide(request: &Request, set: &PolicySet, trace: Option<&mut Trace>) -> Decision {
    decide_indexed(request, set, None, trace)
}

fn decide_indexed(
    request: &Request,
    set: &PolicySet,
    index: Option<&SetIndex>,
    mut trace: Option<&mut Trace>,
) -> Decision {
    // R11.10: sts:GetCallerIdentity needs no permission and succeeds even under an
    // explicit Deny.
    if request.action.eq_ignore_ascii_case("sts:GetCallerIdentity") {
        if let Some(t) = trace.as_deref_mut() {
            t.steps.push("sts:GetCallerIdentity is always allowed".to_string());
        }
        return Decision { outcome: Outcome::Allowed, denied_by: None, trace: None };
    }
    let rbp_layer = if set.resource_is_trust { Layer::TrustPolicy } else { Layer::ResourcePolicy };
    let has_boundary = set.boundary.is_some();
    let sc = |layer| Scope { layer, has_boundary, index };

    // Scan every applicable policy once.
    let service_linked = is_service_linked_role(request);
    // R9.2: SCPs do not affect service-linked roles (nor service principals, which
    // belong to no account).
    let scps = set.scps.as_ref().filter(|_| !service_linked && !matches!(request.principal, Principal::Service { .. }));
    // R9.4: RCPs do not apply to calls by service-linked roles, to kms:RetireGrant, or
    // to services outside the supported list.
    let rcps = set.rcps.as_ref().filter(|_| !service_linked && rcps_cover(&request.action));
    let scp_levels = scps.map(|levels| scan_levels(levels, request, sc(Layer::Scp), "SCP", trace.as_deref_mut()));
    let rcp_levels = rcps.map(|levels| scan_levels(levels, request, sc(Layer::Rcp), "RCP", trace.as_deref_mut()));
    let rbp = set.resource_policy.as_ref().map(|p| {
        let label = if set.resource_is_trust { "role trust policy" } else { "resource-based policy" };
        scan(p, request, sc(rbp_layer), label, trace.as_deref_mut())
    });
    let identity = scan_all(&set.identity, request, sc(Layer::IdentityPolicy), "identity policy", trace.as_deref_mut());
    let boundary = set
        .boundary
        .as_ref()
        .map(|p| scan(p, request, sc(Layer::PermissionsBoundary), "permissions boundary", trace.as_deref_mut()));
    // R6.9: session policies limit sessions only (role sessions and federated users);
    // any given for another kind of caller are not consulted.
    let is_session = matches!(request.principal, Principal::RoleSession { .. } | Principal::FederatedUser { .. });
    let session = set
        .session
        .as_ref()
        .filter(|_| is_session)
        .map(|ps| scan_all(ps, request, sc(Layer::SessionPolicy), "session policy", trace.as_deref_mut()));

    // A step of the trace, formatted only when a trace is recorded (no allocation on
    // the hot path).
    macro_rules! note {
        ($($arg:tt)*) => {
            if let Some(t) = trace.as_deref_mut() {
                t.steps.push(format!($($arg)*));
            }
        };
    }
    let deny = |outcome: Outcome, layer: Layer| Decision { outcome, denied_by: Some(layer), trace: None };

    // Step 1 (R6.2): an explicit deny anywhere decides. Order of naming: section 14.
    let explicit = [
        (Layer::Scp, scp_levels.as_ref().is_some_and(|ls| ls.iter().any(|l| l.deny))),
        (Layer::Rcp, rcp_levels.as_ref().is_some_and(|ls| ls.iter().any(|l| l.deny))),
        (rbp_layer, rbp.is_some_and(|r| r.deny) && !root_bucket_policy_exception(request)),
        (Layer::IdentityPolicy, identity.deny),
        (Layer::PermissionsBoundary, boundary.is_some_and(|b| b.deny)),
        (Layer::SessionPolicy, session.is_some_and(|s| s.deny)),
    ];
    if let Some((layer, _)) = explicit.iter().find(|(_, d)| *d) {
        note!("step 1: an explicit Deny in the {} decides", layer.name());
        return deny(Outcome::ExplicitDeny, *layer);
    }
    note!("step 1: no explicit Deny matched");

    // Step 2 (R6.3): RCPs. RCPFullAWSAccess is attached at every level and cannot be
    // detached, so with no explicit deny this step always passes.
    if rcp_levels.is_some() {
        note!("step 2: RCPs: RCPFullAWSAccess allows at every level");
    }

    // Step 3 (R6.4, R9.1): every SCP level must allow. SCPs do not apply to service
    // principals.
    if let Some(levels) = &scp_levels {
        if let Some(i) = levels.iter().position(|l| !l.allow) {
            note!("step 3: no SCP at level {} allows the action", i + 1);
            return deny(Outcome::ImplicitDeny, Layer::Scp);
        }
        note!("step 3: every SCP level allows");
    }

    let grant = rbp.and_then(|r| r.grant).unwrap_or(PrincipalMatch::None);
    let identity_ok = identity.allow;
    let boundary_ok = boundary.is_none_or(|b| b.allow);
    // R6.9: a role session without session policies is not limited by one; a
    // federated-user session without one is denied.
    let session_passed = is_session && set.session.as_ref().is_some_and(|s| !s.is_empty());
    let session_ok = match (&request.principal, session) {
        (_, Some(s)) if session_passed => s.allow,
        (Principal::FederatedUser { .. }, _) => false,
        _ => true,
    };
    let is_root = matches!(request.principal, Principal::Root { .. });
    let is_service = matches!(request.principal, Principal::Service { .. });

    // The caller's own side: identity, boundary, session (R6.7 to R6.9). The root
    // user has full access in its own account (R6.1).
    let principal_side = || -> Option<Layer> {
        if is_root {
            return None;
        }
        if !identity_ok {
            return Some(Layer::IdentityPolicy);
        }
        if !boundary_ok {
            return Some(Layer::PermissionsBoundary);
        }
        if !session_ok {
            return Some(Layer::SessionPolicy);
        }
        None
    };

    if is_service {
        // A service principal is authorized only by a resource-based policy naming it.
        return if grant >= PrincipalMatch::Wildcard {
            note!("step 4: the resource-based policy names the service");
            Decision { outcome: Outcome::Allowed, denied_by: None, trace: None }
        } else {
            deny(Outcome::ImplicitDeny, rbp_layer)
        };
    }

    if !request.same_account() {
        // R8.1: both accounts must allow; the section 7 shortcuts do not apply.
        if grant == PrincipalMatch::None {
            note!("cross-account: the {} does not allow the caller", rbp_layer.name());
            return deny(Outcome::ImplicitDeny, rbp_layer);
        }
        if let Some(layer) = principal_side() {
            note!("cross-account: the caller's account does not allow it ({})", layer.name());
            return deny(Outcome::ImplicitDeny, layer);
        }
        note!("cross-account: both the resource's and the caller's account allow");
        return Decision { outcome: Outcome::Allowed, denied_by: None, trace: None };
    }

    if set.resource_is_trust && grant == PrincipalMatch::None {
        // R7.7: the trust policy must always allow the caller.
        note!("step 4: the role trust policy does not allow the caller");
        return deny(Outcome::ImplicitDeny, Layer::TrustPolicy);
    }
    if is_kms_key_request(request) && set.resource_policy.is_some() && grant == PrincipalMatch::None {
        // R7.7: a KMS key policy must always allow the principal, the root user
        // included (KMS key policies page); an identity policy alone never suffices.
        note!("step 4: the KMS key policy does not allow the caller");
        return deny(Outcome::ImplicitDeny, Layer::ResourcePolicy);
    }

    match grant {
        // R7.1, R7.2, R7.4, R7.5: a grant to the exact caller, or to `*`, needs nothing
        // more within the account.
        // A trust policy naming an IAM user still needs the user's boundary to allow
        // sts:AssumeRole (id_roles_update-role-trust-policy; the specific page wins
        // over the general R7.1 here).
        PrincipalMatch::Exact | PrincipalMatch::Wildcard
            if set.resource_is_trust && matches!(request.principal, Principal::User { .. }) && !boundary_ok =>
        {
            note!("step 4: the trust policy names the user, but the user's boundary does not allow sts:AssumeRole");
            deny(Outcome::ImplicitDeny, Layer::PermissionsBoundary)
        }
        PrincipalMatch::Exact | PrincipalMatch::Wildcard => {
            note!("step 4: the {} allows the caller by name", rbp_layer.name());
            Decision { outcome: Outcome::Allowed, denied_by: None, trace: None }
        }
        // R7.3: a grant to the role needs no identity policy, but the boundary and the
        // session policy still apply.
        PrincipalMatch::Role => {
            note!("step 4: the {} allows the caller's role", rbp_layer.name());
            if !boundary_ok {
                return deny(Outcome::ImplicitDeny, Layer::PermissionsBoundary);
            }
            if !session_ok {
                return deny(Outcome::ImplicitDeny, Layer::SessionPolicy);
            }
            Decision { outcome: Outcome::Allowed, denied_by: None, trace: None }
        }
        // R7.6: naming the account grants nothing by itself; identity path.
        PrincipalMatch::Account | PrincipalMatch::None => match principal_side() {
            Some(layer) => {
                note!("steps 5 to 7: the {} does not allow the action", layer.name());
                deny(Outcome::ImplicitDeny, layer)
            }
            None => {
                note!("steps 5 to 7: identity policies allow, and the boundary and session policies do not limit it");
                Decision { outcome: Outcome::Allowed, denied_by: None, trace: None }
            }
        },
    }
}

/// The services whose resources RCPs cover (Organizations, "List of AWS services that
/// support RCPs").
pub const RCP_SERVICES: [&str; 11] =
    ["s3", "s3express", "sts", "kms", "sqs", "secretsmanager", "ecr", "aoss", "cognito-identity", "dynamodb", "logs"];

fn rcps_cover(action: &str) -> bool {
    let service = action.split(':').next().unwrap_or("");
    !action.eq_ignore_ascii_case("kms:RetireGrant") && RCP_SERVICES.iter().any(|s| s.eq_ignore_ascii_case(service))
}

/// A request on a KMS key, whose key policy must always allow the caller (R7.7).
fn is_kms_key_request(request: &Request) -> bool {
    request.action.split(':').next().is_some_and(|s| s.eq_ignore_ascii_case("kms"))
        && crate::pattern::arn_components(&request.resource).is_some_and(|[_, _, service, _, _, _]| service == "kms")
}

/// Service-linked roles live under the path `/aws-service-role/` and are named
/// `AWSServiceRoleFor...`.
/// The path is what marks one: a session ARN drops the path, so an `evaluate` step
/// shows it through `aws:PrincipalArn` (derived, or set by the case). A name alone is
/// not enough, since exempting a role from SCPs and RCPs wrongly could allow too much.
fn is_service_linked_role(request: &Request) -> bool {
    const PATH: &str = ":role/aws-service-role/";
    match &request.principal {
        Principal::RoleSession { role_arn, .. } => {
            role_arn.contains(PATH)
                || request.context.get("aws:principalarn").is_some_and(|v| v.values.iter().any(|a| a.contains(PATH)))
        }
        _ => false,
    }
}

/// S3: the bucket owner's root user can always get, put and delete the bucket policy,
/// even when the bucket policy denies it (S3 API reference, PutBucketPolicy).
fn root_bucket_policy_exception(request: &Request) -> bool {
    matches!(request.principal, Principal::Root { .. })
        && request.same_account()
        && ["s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy"]
            .iter()
            .any(|a| a.eq_ignore_ascii_case(&request.action))
}
