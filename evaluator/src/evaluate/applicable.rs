//! Which policies apply to a request (R6.2 scans every applicable one once), and the
//! facts about the request the rules ask: is the caller a session, a service-linked
//! role, is the resource a KMS key.

use super::evidence::Evidence;
use super::index::SetIndex;
use super::label::PolicySlot;
use super::scan::{scan_policy, LayerResult, Scope};
use super::PolicySet;
use crate::decision::Layer;
use crate::policy::Policy;
use crate::principal::Principal;
use crate::request::Request;

/// What every applicable policy of the set said about the request.
#[derive(Debug)]
pub(super) struct Findings<'a> {
    /// The request.
    pub(super) request: &'a Request,
    /// The policy set.
    pub(super) set: &'a PolicySet,
    /// The resource-based policy's layer: the trust policy in AssumeRole.
    pub(super) rbp_layer: Layer,
    /// Each SCP level, root first; `None` when SCPs do not apply (R9.2).
    pub(super) scps: Option<Vec<LayerResult>>,
    /// Each RCP level; `None` when RCPs do not apply (R9.4).
    pub(super) rcps: Option<Vec<LayerResult>>,
    /// The resource-based policy, if any.
    pub(super) resource: Option<LayerResult>,
    /// The identity-based policies, OR'ed.
    pub(super) identity: LayerResult,
    /// The permissions boundary, if any.
    pub(super) boundary: Option<LayerResult>,
    /// The session policies, when the caller is a session and some were given.
    pub(super) session: Option<LayerResult>,
}

/// Scans every applicable policy of `set` once, in the order SCP, RCP,
/// resource-based, identity, boundary, session.
pub(super) fn scan_applicable<'a, E: Evidence>(
    request: &'a Request,
    set: &'a PolicySet,
    index: Option<&SetIndex>,
    ev: &mut E,
) -> Findings<'a> {
    let rbp_layer = if set.resource_is_trust { Layer::TrustPolicy } else { Layer::ResourcePolicy };
    let s = Scanner { request, set, index, has_boundary: set.boundary.is_some() };
    let scps = set.scps.as_deref().filter(|_| scps_apply(request)).map(|l| s.levels(l, Layer::Scp, ev));
    let rcps = set.rcps.as_deref().filter(|_| rcps_apply(request)).map(|l| s.levels(l, Layer::Rcp, ev));
    let resource = set.resource_policy.as_ref().map(|p| s.policy(PolicySlot::Resource, rbp_layer, p, ev));
    let identity = s.list(&set.identity, PolicySlot::Identity, Layer::IdentityPolicy, ev);
    let boundary = set.boundary.as_ref().map(|p| s.policy(PolicySlot::Boundary, Layer::PermissionsBoundary, p, ev));
    // R6.9: session policies limit sessions only; any given for another kind of
    // caller are not consulted.
    let session = set
        .session
        .as_deref()
        .filter(|_| is_session(request))
        .map(|ps| s.list(ps, PolicySlot::Session, Layer::SessionPolicy, ev));
    Findings { request, set, rbp_layer, scps, rcps, resource, identity, boundary, session }
}

/// Scans the policies of one set for one request.
struct Scanner<'a, 'i> {
    request: &'a Request,
    set: &'a PolicySet,
    index: Option<&'i SetIndex>,
    has_boundary: bool,
}

impl Scanner<'_, '_> {
    fn policy<E: Evidence>(&self, slot: PolicySlot, layer: Layer, policy: &Policy, ev: &mut E) -> LayerResult {
        let index = self.index.and_then(|i| i.policy(slot));
        let scope = Scope { layer, has_boundary: self.has_boundary };
        scan_policy(policy, index, self.request, scope, || self.set.label(slot), ev)
    }

    /// R6.10: the policies of one type are OR'ed.
    fn list<E: Evidence>(
        &self,
        policies: &[Policy],
        slot: impl Fn(usize) -> PolicySlot,
        layer: Layer,
        ev: &mut E,
    ) -> LayerResult {
        policies
            .iter()
            .enumerate()
            .map(|(i, p)| self.policy(slot(i), layer, p, ev))
            .fold(LayerResult::default(), LayerResult::union)
    }

    /// SCP or RCP levels, root first: one result per level.
    fn levels<E: Evidence>(&self, levels: &[Vec<Policy>], layer: Layer, ev: &mut E) -> Vec<LayerResult> {
        let slot = |level, index| match layer {
            Layer::Rcp => PolicySlot::Rcp { level, index },
            _ => PolicySlot::Scp { level, index },
        };
        levels.iter().enumerate().map(|(l, ps)| self.list(ps, |i| slot(l, i), layer, ev)).collect()
    }
}

/// R6.9: role sessions and federated users are sessions.
pub(super) fn is_session(request: &Request) -> bool {
    matches!(request.principal, Principal::RoleSession { .. } | Principal::FederatedUser { .. })
}

/// R9.2: SCPs do not affect service-linked roles, nor service principals (which
/// belong to no account).
fn scps_apply(request: &Request) -> bool {
    !is_service_linked_role(request) && !matches!(request.principal, Principal::Service { .. })
}

/// R9.4: RCPs do not apply to calls by service-linked roles, to kms:RetireGrant, or to
/// services outside the supported list.
fn rcps_apply(request: &Request) -> bool {
    !is_service_linked_role(request) && rcps_cover(&request.action)
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
pub(super) fn is_kms_key_request(request: &Request) -> bool {
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
pub(super) fn root_bucket_policy_exception(request: &Request) -> bool {
    matches!(request.principal, Principal::Root { .. })
        && request.same_account()
        && ["s3:GetBucketPolicy", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy"]
            .iter()
            .any(|a| a.eq_ignore_ascii_case(&request.action))
}

/// R11.1: an `sts:AssumeRole` request on a role (with `sts:TagSession` and
/// `sts:SetSourceIdentity`, authorized the same way, R11.5) is decided against the
/// role's trust policy as its resource-based policy.
pub(super) fn is_role_assumption(request: &Request) -> bool {
    is_role_assumption_of(&request.action, &request.resource)
}

/// [`is_role_assumption`] of an action and a resource.
pub(super) fn is_role_assumption_of(action: &str, resource: &str) -> bool {
    let on_role = crate::pattern::arn_components(resource)
        .is_some_and(|[_, _, service, _, _, resource]| service == "iam" && resource.starts_with("role/"));
    on_role
        && ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"].iter().any(|a| a.eq_ignore_ascii_case(action))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Context;

    /// R11.1: only sts:AssumeRole (and sts:TagSession, sts:SetSourceIdentity) on a
    /// role is decided with the role's trust policy.
    #[test]
    fn role_assumptions_are_sts_calls_on_roles() {
        let role = "arn:aws:iam::111122223333:role/ops";
        assert!(is_role_assumption_of("sts:AssumeRole", role));
        assert!(is_role_assumption_of("STS:tagsession", role));
        assert!(is_role_assumption_of("sts:SetSourceIdentity", role));
        assert!(!is_role_assumption_of("iam:GetRole", role));
        assert!(!is_role_assumption_of("sts:AssumeRole", "arn:aws:iam::111122223333:user/role/x"));
        assert!(!is_role_assumption_of("sts:AssumeRole", "arn:aws:s3:::role/ops"));
        assert!(!is_role_assumption_of("sts:AssumeRole", "*"));
    }

    /// R7.7: a KMS action on a KMS key must be allowed by the key policy; a KMS
    /// action on another resource, or another service's action on a key, is not such
    /// a request.
    #[test]
    fn kms_key_requests_are_kms_actions_on_kms_resources() {
        let request = |action: &str, resource: &str| {
            let caller = crate::principal::Principal::parse("arn:aws:iam::111122223333:user/alice").ok();
            caller.map(|c| Request::new(c, action, resource, None, Context::new()))
        };
        let key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        assert_eq!(request("kms:Decrypt", key).map(|r| is_kms_key_request(&r)), Some(true));
        assert_eq!(request("KMS:Decrypt", key).map(|r| is_kms_key_request(&r)), Some(true));
        assert_eq!(request("kms:Decrypt", "arn:aws:s3:::bucket/x").map(|r| is_kms_key_request(&r)), Some(false));
        assert_eq!(request("s3:GetObject", key).map(|r| is_kms_key_request(&r)), Some(false));
    }
}
