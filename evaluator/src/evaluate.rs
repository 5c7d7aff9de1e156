//! The decision procedure of IAM-SPEC.md sections 6 to 10: one request against a
//! policy set, within one account or across accounts.

use crate::condition::Tri;
use crate::decision::{Decision, Layer, Outcome, PolicyTrace, StatementTrace, Trace};
use crate::policy::{Effect, Policy, Statement};
use crate::principal::{Principal, PrincipalMatch};
use crate::request::Request;

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

/// The layer being scanned, and what statement matching needs to know of the caller.
#[derive(Debug, Clone, Copy)]
struct Scope {
    layer: Layer,
    has_boundary: bool,
}

/// What one layer's policies said.
#[derive(Debug, Clone, Copy, Default)]
struct LayerResult {
    allow: bool,
    deny: bool,
    /// For a resource-based policy: how the strongest matching Allow named the caller.
    grant: Option<PrincipalMatch>,
}

fn decide(request: &Request, set: &PolicySet, mut trace: Option<&mut Trace>) -> Decision {
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
    let sc = |layer| Scope { layer, has_boundary };

    // Scan every applicable policy once.
    let service_linked = is_service_linked_role(&request.principal);
    // R9.2: SCPs do not affect service-linked roles (nor service principals, which
    // belong to no account).
    let scps = set.scps.as_ref().filter(|_| !service_linked && !matches!(request.principal, Principal::Service { .. }));
    // R9.4: RCPs do not apply to calls by service-linked roles, to kms:RetireGrant, or
    // to services outside the supported list.
    let rcps = set.rcps.as_ref().filter(|_| !service_linked && rcps_cover(&request.action));
    let scp_levels: Option<Vec<LayerResult>> = scps.map(|levels| {
        levels
            .iter()
            .enumerate()
            .map(|(i, level)| {
                scan_all(level, request, sc(Layer::Scp), &format!("SCP level {}", i + 1), trace.as_deref_mut())
            })
            .collect()
    });
    let rcp_levels: Option<Vec<LayerResult>> = rcps.map(|levels| {
        levels
            .iter()
            .enumerate()
            .map(|(i, level)| {
                scan_all(level, request, sc(Layer::Rcp), &format!("RCP level {}", i + 1), trace.as_deref_mut())
            })
            .collect()
    });
    let rbp = set.resource_policy.as_ref().map(|p| {
        let label = if set.resource_is_trust { "role trust policy" } else { "resource-based policy" };
        scan(p, request, sc(rbp_layer), label, trace.as_deref_mut())
    });
    let identity = scan_all(&set.identity, request, sc(Layer::IdentityPolicy), "identity policy", trace.as_deref_mut());
    let boundary = set
        .boundary
        .as_ref()
        .map(|p| scan(p, request, sc(Layer::PermissionsBoundary), "permissions boundary", trace.as_deref_mut()));
    let session = set
        .session
        .as_ref()
        .map(|ps| scan_all(ps, request, sc(Layer::SessionPolicy), "session policy", trace.as_deref_mut()));

    let mut note = |s: String| {
        if let Some(t) = trace.as_deref_mut() {
            t.steps.push(s);
        }
    };
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
        note(format!("step 1: an explicit Deny in the {} decides", layer.name()));
        return deny(Outcome::ExplicitDeny, *layer);
    }
    note("step 1: no explicit Deny matched".to_string());

    // Step 2 (R6.3): RCPs. RCPFullAWSAccess is attached at every level and cannot be
    // detached, so with no explicit deny this step always passes.
    if rcp_levels.is_some() {
        note("step 2: RCPs: RCPFullAWSAccess allows at every level".to_string());
    }

    // Step 3 (R6.4, R9.1): every SCP level must allow. SCPs do not apply to service
    // principals.
    if let Some(levels) = &scp_levels {
        if let Some(i) = levels.iter().position(|l| !l.allow) {
            note(format!("step 3: no SCP at level {} allows the action", i + 1));
            return deny(Outcome::ImplicitDeny, Layer::Scp);
        }
        note("step 3: every SCP level allows".to_string());
    }

    let grant = rbp.and_then(|r| r.grant).unwrap_or(PrincipalMatch::None);
    let identity_ok = identity.allow;
    let boundary_ok = boundary.is_none_or(|b| b.allow);
    // R6.9: a role session without session policies is not limited by one; a
    // federated-user session without one is denied.
    let session_passed = set.session.as_ref().is_some_and(|s| !s.is_empty());
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
            note("step 4: the resource-based policy names the service".to_string());
            Decision { outcome: Outcome::Allowed, denied_by: None, trace: None }
        } else {
            deny(Outcome::ImplicitDeny, rbp_layer)
        };
    }

    if !request.same_account() {
        // R8.1: both accounts must allow; the section 7 shortcuts do not apply.
        if grant == PrincipalMatch::None {
            note(format!("cross-account: the {} does not allow the caller", rbp_layer.name()));
            return deny(Outcome::ImplicitDeny, rbp_layer);
        }
        if let Some(layer) = principal_side() {
            note(format!("cross-account: the caller's account does not allow it ({})", layer.name()));
            return deny(Outcome::ImplicitDeny, layer);
        }
        note("cross-account: both the resource's and the caller's account allow".to_string());
        return Decision { outcome: Outcome::Allowed, denied_by: None, trace: None };
    }

    if set.resource_is_trust && grant == PrincipalMatch::None {
        // R7.7: the trust policy must always allow the caller.
        note("step 4: the role trust policy does not allow the caller".to_string());
        return deny(Outcome::ImplicitDeny, Layer::TrustPolicy);
    }
    if is_kms_key_request(request) && set.resource_policy.is_some() && grant == PrincipalMatch::None {
        // R7.7: a KMS key policy must always allow the principal, the root user
        // included (KMS key policies page); an identity policy alone never suffices.
        note("step 4: the KMS key policy does not allow the caller".to_string());
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
            note(
                "step 4: the trust policy names the user, but the user's boundary does not allow sts:AssumeRole"
                    .to_string(),
            );
            deny(Outcome::ImplicitDeny, Layer::PermissionsBoundary)
        }
        PrincipalMatch::Exact | PrincipalMatch::Wildcard => {
            note(format!("step 4: the {} allows the caller by name", rbp_layer.name()));
            Decision { outcome: Outcome::Allowed, denied_by: None, trace: None }
        }
        // R7.3: a grant to the role needs no identity policy, but the boundary and the
        // session policy still apply.
        PrincipalMatch::Role => {
            note(format!("step 4: the {} allows the caller's role", rbp_layer.name()));
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
                note(format!("steps 5 to 7: the {} does not allow the action", layer.name()));
                deny(Outcome::ImplicitDeny, layer)
            }
            None => {
                note(
                    "steps 5 to 7: identity policies allow, and the boundary and session policies do not limit it"
                        .to_string(),
                );
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
fn is_service_linked_role(principal: &Principal) -> bool {
    match principal {
        Principal::RoleSession { role_arn, role_name, .. } => {
            role_arn.contains(":role/aws-service-role/") || role_name.starts_with("AWSServiceRoleFor")
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

fn scan_all(
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

fn scan(policy: &Policy, request: &Request, scope: Scope, label: &str, trace: Option<&mut Trace>) -> LayerResult {
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
            match statement.effect {
                Effect::Deny => out.deny = true,
                Effect::Allow => {
                    out.allow = true;
                    out.grant = out.grant.max(grant);
                }
            }
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
        // NotPrincipal: everyone not listed. Only the caller's own ARN exempts it:
        // AWS may check the account and the role before the session (NOTPRIN), so
        // listing a parent does not protect its children from a Deny. An Allow with
        // NotPrincipal is read as naming only the account, the narrowest reading.
        if m == PrincipalMatch::Exact {
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
    if !action_matches(statement, request) || !resource_matches(statement, request) {
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
