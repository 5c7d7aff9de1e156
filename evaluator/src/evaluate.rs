//! The decision procedure of IAM-SPEC.md sections 6 to 10: one request against a
//! policy set, within one account or across accounts.

use crate::condition::Tri;
use crate::decision::{Decision, Layer, Outcome, PolicyTrace, StatementTrace, Trace};
use crate::policy::{ActionPattern, Effect, Policy, Statement};
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
struct Scope<'i> {
    layer: Layer,
    has_boundary: bool,
    /// The action index of a [`PreparedPolicySet`], used when no trace is recorded.
    index: Option<&'i SetIndex>,
}

/// What one layer's policies said.
#[derive(Debug, Clone, Copy, Default)]
struct LayerResult {
    allow: bool,
    deny: bool,
    /// For a resource-based policy: how the strongest matching Allow named the caller.
    grant: Option<PrincipalMatch>,
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

/// Scans SCP or RCP levels, root first; one result per level.
fn scan_levels(
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
fn statement_matches_beyond_action(
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

// ---------------------------------------------------------------------------------
// Deciding many requests against one policy set: an action index built once.
// ---------------------------------------------------------------------------------

/// A policy set prepared for deciding many requests: every policy's statements are
/// indexed by the service prefix of their action patterns, and statements with many
/// action patterns (such as the AWS managed `ReadOnlyAccess`, about 2,900 patterns)
/// get an index of their own, so that a decision looks at the few statements and
/// patterns that can match the request's action instead of all of them.
///
/// The decisions are the same as [`evaluate`]'s on the same set: the index only skips
/// statements whose action cannot match. Building the index costs about half as much
/// as parsing the policies (for ReadOnlyAccess, as much as some 50 unindexed
/// decisions), so prepare a set that decides many requests and use [`evaluate`] for a
/// one-off decision.
///
/// ```
/// use iam_evaluator::evaluate::PreparedPolicySet;
/// use iam_evaluator::{Context, Outcome, Policy, PolicySet, PolicyType, Principal, Request};
///
/// let policy = Policy::parse(
///     r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:Get*","sns:List*"],"Resource":"*"}}"#,
///     PolicyType::Identity,
/// )?;
/// let prepared = PreparedPolicySet::new(PolicySet { identity: vec![policy], ..PolicySet::default() });
/// let caller = Principal::parse("arn:aws:iam::123456789012:user/alice")?;
/// let request = Request::new(caller, "sns:ListTopics", "*", None, Context::new());
/// assert_eq!(prepared.evaluate(&request).outcome, Outcome::Allowed);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct PreparedPolicySet {
    /// Boxed so that the policies keep their addresses, by which the index finds them.
    set: Box<PolicySet>,
    index: SetIndex,
}

impl PreparedPolicySet {
    /// Builds the index of `set`.
    pub fn new(set: PolicySet) -> PreparedPolicySet {
        let set = Box::new(set);
        let index = SetIndex::new(&set);
        PreparedPolicySet { set, index }
    }

    /// The policy set.
    pub fn set(&self) -> &PolicySet {
        &self.set
    }

    /// Gives the policy set back.
    pub fn into_inner(self) -> PolicySet {
        *self.set
    }

    /// Decides `request`, as [`evaluate`] does on the same set.
    pub fn evaluate(&self, request: &Request) -> Decision {
        decide_indexed(request, &self.set, Some(&self.index), None)
    }

    /// Decides `request` and records a trace of every statement, as
    /// [`evaluate_with_trace`] does (a trace looks at every statement, so the index is
    /// not used).
    pub fn evaluate_with_trace(&self, request: &Request) -> Decision {
        evaluate_with_trace(request, &self.set)
    }
}

impl Clone for PreparedPolicySet {
    fn clone(&self) -> Self {
        // The index refers to the policies by address: rebuild it for the copy.
        PreparedPolicySet::new(self.set().clone())
    }
}

impl From<PolicySet> for PreparedPolicySet {
    fn from(set: PolicySet) -> Self {
        PreparedPolicySet::new(set)
    }
}

/// The index of every policy of a set, found by the policy's address (the set is owned
/// by [`PreparedPolicySet`] and never changes).
#[derive(Debug)]
struct SetIndex {
    /// Sorted by address.
    policies: Vec<(usize, PolicyIndex)>,
}

fn address(policy: &Policy) -> usize {
    std::ptr::from_ref(policy).addr()
}

impl SetIndex {
    fn new(set: &PolicySet) -> SetIndex {
        fn levels(l: &Option<Vec<Vec<Policy>>>) -> impl Iterator<Item = &Policy> {
            l.iter().flatten().flatten()
        }
        let all = set
            .identity
            .iter()
            .chain(set.resource_policy.iter())
            .chain(set.boundary.iter())
            .chain(set.session.iter().flatten())
            .chain(levels(&set.scps))
            .chain(levels(&set.rcps));
        let mut policies: Vec<(usize, PolicyIndex)> = all.map(|p| (address(p), PolicyIndex::new(p))).collect();
        policies.sort_by_key(|(a, _)| *a);
        SetIndex { policies }
    }

    fn policy(&self, policy: &Policy) -> Option<&PolicyIndex> {
        let a = address(policy);
        let i = self.policies.binary_search_by_key(&a, |(k, _)| *k).ok()?;
        self.policies.get(i).map(|(_, index)| index)
    }
}

/// Statements with at least this many action patterns get an [`ActionIndex`].
const ACTION_INDEX_MIN: usize = 8;

/// One policy's statements by the service prefix of their action patterns.
#[derive(Debug)]
struct PolicyIndex {
    /// Statements to check for every action: `NotAction`, or an action pattern whose
    /// service prefix is not fixed (`*`, `s3*:Get`, a case-sensitive pattern).
    always: Box<[usize]>,
    /// For each service prefix (lower case, sorted), the other statements with an
    /// action pattern of that service.
    services: Table<Box<[usize]>>,
    /// For each statement, the index of its action patterns when it has many.
    actions: Box<[Option<ActionIndex>]>,
}

/// The service prefix (lower case, without the colon) every action matching `pattern`
/// starts with, or `None` when the pattern does not fix one.
fn fixed_service(pattern: &ActionPattern) -> Option<Box<[u8]>> {
    if !pattern.glob.is_case_insensitive() {
        return None;
    }
    let lead = pattern.glob.leading_literal();
    let colon = memchr::memchr(b':', &lead)?;
    Some(lead.get(..colon)?.to_ascii_lowercase().into_boxed_slice())
}

/// The service prefix of an action: the text before its first colon.
fn action_service(action: &str) -> Option<&[u8]> {
    let bytes = action.as_bytes();
    bytes.get(..memchr::memchr(b':', bytes)?)
}

/// A table sorted by its lower-case byte-string keys.
type Table<V> = Box<[(Box<[u8]>, V)]>;

/// Orders lower-case `key` against `input` folded to lower case.
fn cmp_folded(key: &[u8], input: &[u8]) -> std::cmp::Ordering {
    key.iter().copied().cmp(input.iter().map(u8::to_ascii_lowercase))
}

fn lookup_folded<'v, V>(table: &'v [(Box<[u8]>, V)], input: &[u8]) -> Option<&'v V> {
    let i = table.binary_search_by(|(k, _)| cmp_folded(k, input)).ok()?;
    table.get(i).map(|(_, v)| v)
}

/// Groups `(key, value)` pairs by key, keys sorted.
fn group<V>(mut pairs: Vec<(Box<[u8]>, V)>) -> Table<Box<[V]>> {
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out: Vec<(Box<[u8]>, Vec<V>)> = Vec::new();
    for (k, v) in pairs {
        match out.last_mut() {
            Some((last, values)) if *last == k => values.push(v),
            _ => out.push((k, vec![v])),
        }
    }
    out.into_iter().map(|(k, v)| (k, v.into_boxed_slice())).collect()
}

impl PolicyIndex {
    fn new(policy: &Policy) -> PolicyIndex {
        let mut always = Vec::new();
        let mut by_service = Vec::new();
        for (i, statement) in policy.statements.iter().enumerate() {
            let services: Option<Vec<Box<[u8]>>> = statement.action.patterns.iter().map(fixed_service).collect();
            match services {
                Some(mut services) if !statement.action.negated => {
                    services.sort();
                    services.dedup();
                    by_service.extend(services.into_iter().map(|s| (s, i)));
                }
                _ => always.push(i),
            }
        }
        let actions = policy
            .statements
            .iter()
            .map(|s| (s.action.patterns.len() >= ACTION_INDEX_MIN).then(|| ActionIndex::new(&s.action.patterns)))
            .collect();
        PolicyIndex { always: always.into(), services: group(by_service), actions }
    }

    /// The statements whose action can match `action`, each once (in no fixed order).
    fn candidates<'s>(&'s self, action: &str) -> impl Iterator<Item = usize> + 's {
        let by_service = action_service(action).and_then(|s| lookup_folded(&self.services, s));
        self.always.iter().chain(by_service.into_iter().flatten()).copied()
    }

    /// Does the action of statement `i` match (`NotAction` included)?
    fn action_matches(&self, i: usize, statement: &Statement, action: &str) -> bool {
        let any = match self.actions.get(i) {
            Some(Some(index)) => index.any_match(&statement.action.patterns, action),
            _ => statement.action.patterns.iter().any(|p| p.matches(action)),
        };
        any != statement.action.negated
    }
}

/// The action patterns of one statement: literal patterns in a sorted table, the
/// others grouped by their service prefix.
#[derive(Debug)]
struct ActionIndex {
    /// Case-insensitive patterns without wildcards, lower case, sorted.
    literals: Table<()>,
    /// Other patterns with a fixed service prefix (lower case, sorted): their positions.
    services: Table<Box<[usize]>>,
    /// Patterns to try on every action.
    others: Box<[usize]>,
}

impl ActionIndex {
    fn new(patterns: &[ActionPattern]) -> ActionIndex {
        let mut literals = Vec::new();
        let mut by_service = Vec::new();
        let mut others = Vec::new();
        for (i, p) in patterns.iter().enumerate() {
            match (p.glob.is_case_insensitive(), p.glob.literal_bytes(), fixed_service(p)) {
                (true, Some(bytes), _) => literals.push((bytes.to_ascii_lowercase().into_boxed_slice(), ())),
                (_, _, Some(service)) => by_service.push((service, i)),
                _ => others.push(i),
            }
        }
        literals.sort();
        literals.dedup();
        ActionIndex { literals: literals.into(), services: group(by_service), others: others.into() }
    }

    fn any_match(&self, patterns: &[ActionPattern], action: &str) -> bool {
        let input = action.as_bytes();
        if lookup_folded(&self.literals, input).is_some() {
            return true;
        }
        let matches = |i: &usize| patterns.get(*i).is_some_and(|p| p.matches(action));
        if let Some(group) = action_service(action).and_then(|s| lookup_folded(&self.services, s)) {
            if group.iter().any(matches) {
                return true;
            }
        }
        self.others.iter().any(matches)
    }
}

/// [`scan`] through the index: only the statements whose action can match.
fn scan_indexed(policy: &Policy, index: &PolicyIndex, request: &Request, scope: Scope) -> LayerResult {
    let mut out = LayerResult::default();
    for i in index.candidates(&request.action) {
        let Some(statement) = policy.statements.get(i) else { continue };
        if !index.action_matches(i, statement, &request.action) {
            continue;
        }
        let (matched, grant) = statement_matches_beyond_action(statement, request, scope);
        if matched {
            out.record(statement.effect, grant);
        }
    }
    out
}

#[cfg(test)]
mod prepared_tests {
    use super::*;
    use crate::context::Context;
    use crate::policy::{ParseOptions, PolicyType};
    use proptest::prelude::*;

    fn caller() -> Principal {
        Principal::parse("arn:aws:sts::123456789012:assumed-role/example-dev-role/readonly").unwrap()
    }

    fn same_decisions(set: PolicySet, actions: &[&str]) {
        let prepared = PreparedPolicySet::new(set);
        let copy = prepared.clone();
        for action in actions {
            let request = Request::new(caller(), action, "arn:aws:s3:::bucket/key", None, Context::new());
            let expected = evaluate(&request, prepared.set());
            assert_eq!(prepared.evaluate(&request), expected, "{action}");
            assert_eq!(copy.evaluate(&request), expected, "{action} (clone)");
        }
    }

    #[test]
    fn read_only_access_as_session_policy() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../corpus/managed/ReadOnlyAccess.json");
        let text = std::fs::read_to_string(path).unwrap();
        let ro = Policy::parse_with(&text, PolicyType::Session, ParseOptions { check_size: false }).unwrap();
        // A sample of the patterns (the unindexed decisions are slow in a debug build).
        let mut actions: Vec<String> = ro
            .statements
            .iter()
            .flat_map(|s| s.action.patterns.iter())
            .step_by(17)
            .map(|p| p.text().to_string())
            .collect();
        // Literal actions, the same in other cases, and names the wildcards expand to.
        let variants: Vec<String> = actions
            .iter()
            .flat_map(|a| {
                [a.to_ascii_uppercase(), a.to_ascii_lowercase(), a.replace('*', "Something"), a.replace('*', "")]
            })
            .collect();
        actions.extend(variants);
        actions.extend(
            ["sns:CreateTopic", "s3:PutObject", "iam:CreateUser", "no-colon", "", ":", "*", "s3:"].map(String::from),
        );
        let admin =
            Policy::parse(r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#, PolicyType::Identity)
                .unwrap();
        let actions: Vec<&str> = actions.iter().map(String::as_str).collect();
        same_decisions(
            PolicySet { identity: vec![admin], session: Some(vec![ro.clone()]), ..PolicySet::default() },
            &actions,
        );
        same_decisions(PolicySet { identity: vec![ro], ..PolicySet::default() }, &actions);
    }

    const PATTERNS: [&str; 14] = [
        "s3:Get*",
        "s3:*",
        "*",
        "S3:GetObject",
        "sns:List*",
        "sn?:Create*",
        "*:Get*",
        "iam:CreateUser",
        "ec2:Describe*",
        "s3*:List*",
        "dynamodb:?etItem",
        "IAM:createuser",
        "sts:*Role",
        "s3express:ListBuckets",
    ];
    const ACTIONS: [&str; 14] = [
        "s3:GetObject",
        "S3:GETOBJECT",
        "sns:ListTopics",
        "sns:CreateTopic",
        "SNS:CreateTopic",
        "iam:CreateUser",
        "ec2:DescribeVpcs",
        "s3express:ListBuckets",
        "dynamodb:GetItem",
        "noColon",
        "",
        "sts:AssumeRole",
        "s3:",
        "snx:CreateThing",
    ];

    fn statement() -> impl Strategy<Value = String> {
        (any::<bool>(), any::<bool>(), proptest::collection::vec(0..PATTERNS.len(), 1..14)).prop_map(
            |(deny, not, ps)| {
                let list: Vec<String> = ps.iter().map(|i| format!("\"{}\"", PATTERNS[*i])).collect();
                format!(
                    r#"{{"Effect":"{}","{}":[{}],"Resource":"*"}}"#,
                    if deny { "Deny" } else { "Allow" },
                    if not { "NotAction" } else { "Action" },
                    list.join(",")
                )
            },
        )
    }

    fn policy() -> impl Strategy<Value = Policy> {
        proptest::collection::vec(statement(), 1..5).prop_map(|ss| {
            let text = format!(r#"{{"Version":"2012-10-17","Statement":[{}]}}"#, ss.join(","));
            Policy::parse(&text, PolicyType::Identity).unwrap()
        })
    }

    proptest! {
        #[test]
        fn index_decides_as_the_scan_does(
            identity in proptest::collection::vec(policy(), 0..3),
            boundary in proptest::option::of(policy()),
            session in proptest::option::of(proptest::collection::vec(policy(), 0..2)),
            scps in proptest::option::of(proptest::collection::vec(proptest::collection::vec(policy(), 1..2), 1..3)),
        ) {
            let set = PolicySet { identity, boundary, session, scps, ..PolicySet::default() };
            let prepared = PreparedPolicySet::new(set);
            for action in ACTIONS {
                let request = Request::new(caller(), action, "*", None, Context::new());
                prop_assert_eq!(prepared.evaluate(&request), evaluate(&request, prepared.set()), "{}", action);
            }
        }
    }
}
