//! Decisions: the outcome, the policy type that decided a denial, the AWS
//! access-denied message (IAM-SPEC.md section 13) and a trace.

use crate::condition::Tri;
use crate::policy::Effect;
use crate::request::Request;

/// The outcome, in the AWS policy simulator's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// `allowed`
    Allowed,
    /// `explicitDeny`: a Deny statement matched.
    ExplicitDeny,
    /// `implicitDeny`: nothing allowed.
    ImplicitDeny,
}

impl Outcome {
    /// The case-file name.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Allowed => "allowed",
            Outcome::ExplicitDeny => "explicitDeny",
            Outcome::ImplicitDeny => "implicitDeny",
        }
    }
}

/// A layer of the policy set: the policy types a decision can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layer {
    /// Service control policies.
    Scp,
    /// Resource control policies.
    Rcp,
    /// The resource-based policy.
    ResourcePolicy,
    /// The role trust policy (the role's resource-based policy in AssumeRole).
    TrustPolicy,
    /// Identity-based policies.
    IdentityPolicy,
    /// The permissions boundary.
    PermissionsBoundary,
    /// Session policies.
    SessionPolicy,
    /// Not a policy: the kind of credentials cannot make the call (a federated user's
    /// IAM call, an STS call GetSessionToken credentials may not make; v1.1).
    CredentialType,
}

impl Layer {
    /// The case-file name (`deniedBy`).
    pub fn name(self) -> &'static str {
        match self {
            Layer::Scp => "scp",
            Layer::Rcp => "rcp",
            Layer::ResourcePolicy => "resourcePolicy",
            Layer::TrustPolicy => "trustPolicy",
            Layer::IdentityPolicy => "identityPolicy",
            Layer::PermissionsBoundary => "permissionsBoundary",
            Layer::SessionPolicy => "sessionPolicy",
            Layer::CredentialType => "credentialType",
        }
    }

    /// Every layer, in the order explicit denies are named (IAM-SPEC.md section 14).
    pub const ALL: [Layer; 7] = [
        Layer::Scp,
        Layer::Rcp,
        Layer::ResourcePolicy,
        Layer::TrustPolicy,
        Layer::IdentityPolicy,
        Layer::PermissionsBoundary,
        Layer::SessionPolicy,
    ];

    fn explicit_phrase(self) -> &'static str {
        match self {
            Layer::Scp => "with an explicit deny in a service control policy",
            Layer::Rcp => "with an explicit deny in a resource control policy",
            Layer::ResourcePolicy => "with an explicit deny in a resource-based policy",
            Layer::TrustPolicy => "with an explicit deny in the role trust policy",
            Layer::IdentityPolicy => "with an explicit deny in an identity-based policy",
            Layer::PermissionsBoundary => "with an explicit deny in a permissions boundary",
            Layer::SessionPolicy => "with an explicit deny in a session policy",
            Layer::CredentialType => "because these credentials cannot make the call",
        }
    }

    /// The policy type in words (`role trust policy`), as the access-denied messages
    /// name it.
    pub fn noun(self) -> &'static str {
        match self {
            Layer::Scp => "service control policy",
            Layer::Rcp => "resource control policy",
            Layer::ResourcePolicy => "resource-based policy",
            Layer::TrustPolicy => "role trust policy",
            Layer::IdentityPolicy => "identity-based policy",
            Layer::PermissionsBoundary => "permissions boundary",
            Layer::SessionPolicy => "session policy",
            Layer::CredentialType => "credential type",
        }
    }
}

/// The result of deciding a request.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// Allowed, explicit deny or implicit deny.
    pub outcome: Outcome,
    /// For a denial, the policy type that decided it (IAM-SPEC.md section 14: an
    /// explicit deny before any implicit one, then the order of section 6).
    pub denied_by: Option<Layer>,
    /// What was consulted and why each statement did or did not match; filled by
    /// [`crate::evaluate_with_trace`].
    pub trace: Option<Trace>,
}

impl Decision {
    /// True when allowed.
    pub fn is_allowed(&self) -> bool {
        self.outcome == Outcome::Allowed
    }

    /// The AWS access-denied message for a denial, spelled as the service prints it
    /// (R13.3), or `None` when allowed.
    pub fn message(&self, request: &Request) -> Option<String> {
        // No AWS message text is documented for a credential-type denial.
        let layer = self.denied_by.filter(|l| *l != Layer::CredentialType)?;
        let action = display_action(&request.action);
        let resource = display_resource(&request.action, &request.resource);
        let reason = match self.outcome {
            Outcome::Allowed => return None,
            Outcome::ExplicitDeny => layer.explicit_phrase().to_string(),
            Outcome::ImplicitDeny => format!("because no {} allows the {action} action", layer.noun()),
        };
        Some(format!("User: {} is not authorized to perform: {action}{resource} {reason}", request.principal.arn()))
    }
}

fn service_of(action: &str) -> String {
    action.split(':').next().unwrap_or("").to_ascii_lowercase()
}

/// The action as the service prints it: SNS upper-cases the prefix (seed 001), SQS
/// lower-cases the whole action (R13.3).
fn display_action(action: &str) -> String {
    match service_of(action).as_str() {
        "sns" => match action.split_once(':') {
            Some((prefix, name)) => format!("{}:{name}", prefix.to_ascii_uppercase()),
            None => action.to_string(),
        },
        "sqs" => action.to_ascii_lowercase(),
        _ => action.to_string(),
    }
}

/// ` on resource: ARN`, omitted for actions without a resource; S3 quotes the ARN.
fn display_resource(action: &str, resource: &str) -> String {
    if resource.is_empty() || resource == "*" {
        return String::new();
    }
    if service_of(action) == "s3" {
        format!(" on resource: \"{resource}\"")
    } else {
        format!(" on resource: {resource}")
    }
}

/// What the evaluator consulted, written by the same functions that decide (so the
/// trace cannot disagree with the decision).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Trace {
    /// One entry per policy consulted, in evaluation order.
    pub policies: Vec<PolicyTrace>,
    /// The steps of the decision procedure, in the order they were taken.
    pub steps: Vec<StepTrace>,
}

/// A step of the decision procedure, named as in the rules document (IAM-SPEC.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    /// R11.10: `sts:GetCallerIdentity` needs no permission.
    CallerIdentity,
    /// R6.2: an explicit deny in any applicable policy decides.
    ExplicitDeny,
    /// R6.3: resource control policies.
    Rcps,
    /// R6.4, R9.1: service control policies, every level.
    Scps,
    /// R6.6, R8.2: a service principal is allowed only by a resource-based policy.
    ServicePrincipal,
    /// R8.1: a cross-account request needs both accounts to allow.
    CrossAccount,
    /// R7.7: a role trust policy or KMS key policy must allow the caller.
    RequiredGrant,
    /// R6.6, R7.1 to R7.6: what the resource-based policy's grant is worth.
    ResourceGrant,
    /// R6.1: the account's root user has full access in its own account.
    RootUser,
    /// R6.7: identity-based policies.
    IdentityPolicies,
    /// R6.8: the permissions boundary.
    Boundary,
    /// R6.9: session policies.
    SessionPolicies,
    /// R6.7 to R6.9 together: the caller's own policies allow.
    CallerPolicies,
}

impl Rule {
    /// The rule's number in the rules document.
    pub fn id(self) -> &'static str {
        match self {
            Rule::CallerIdentity => "R11.10",
            Rule::ExplicitDeny => "R6.2",
            Rule::Rcps => "R6.3",
            Rule::Scps => "R6.4",
            Rule::ServicePrincipal => "R8.2",
            Rule::CrossAccount => "R8.1",
            Rule::RequiredGrant => "R7.7",
            Rule::ResourceGrant => "R6.6",
            Rule::RootUser => "R6.1",
            Rule::IdentityPolicies => "R6.7",
            Rule::Boundary => "R6.8",
            Rule::SessionPolicies => "R6.9",
            Rule::CallerPolicies => "R6.7-R6.9",
        }
    }

    /// The step's name.
    pub fn title(self) -> &'static str {
        match self {
            Rule::CallerIdentity => "sts:GetCallerIdentity",
            Rule::ExplicitDeny => "explicit deny",
            Rule::Rcps => "resource control policies",
            Rule::Scps => "service control policies",
            Rule::ServicePrincipal => "service principal",
            Rule::CrossAccount => "cross-account",
            Rule::RequiredGrant => "trust and key policies must allow",
            Rule::ResourceGrant => "resource-based policy",
            Rule::RootUser => "root user",
            Rule::IdentityPolicies => "identity-based policies",
            Rule::Boundary => "permissions boundary",
            Rule::SessionPolicies => "session policies",
            Rule::CallerPolicies => "the caller's policies",
        }
    }
}

/// One step taken: the rule, what it concluded, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct StepTrace {
    /// The rule applied.
    pub rule: Rule,
    /// The outcome this step decided, or `None` when the procedure went on.
    pub decided: Option<Outcome>,
    /// What the step found, as a sentence.
    pub detail: String,
}

/// One policy's statements.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyTrace {
    /// The layer.
    pub layer: Layer,
    /// Which policy this is: a managed policy's ARN, an inline policy and its owner,
    /// an organization level, or its place in a case file.
    pub label: String,
    /// The statements, in document order.
    pub statements: Vec<StatementTrace>,
}

/// Whether each element of a statement matched, and on what.
#[derive(Debug, Clone, PartialEq)]
pub struct StatementTrace {
    /// Position in the policy, from 0.
    pub index: usize,
    /// The Sid.
    pub sid: Option<String>,
    /// The effect.
    pub effect: Effect,
    /// Action or NotAction.
    pub action: ElementTrace,
    /// Resource or NotResource (`None` when the statement has neither).
    pub resource: Option<ElementTrace>,
    /// Principal or NotPrincipal (`None` when the layer has no principal).
    pub principal: Option<ElementTrace>,
    /// Each condition, in document order.
    pub conditions: Vec<ConditionTrace>,
    /// Did the whole statement match?
    pub matched: bool,
}

/// How one of Action, Resource or Principal (or their `Not` forms) met the request.
#[derive(Debug, Clone, PartialEq)]
pub struct ElementTrace {
    /// The element's name as written (`Action`, `NotResource`, ...).
    pub element: &'static str,
    /// The pattern the request's value matched, if one did. For a `Not` element a
    /// pattern here means the element does *not* match.
    pub pattern: Option<String>,
    /// Did the element match the request?
    pub matched: bool,
    /// More about how it matched (how a principal was named, an index skip).
    pub note: Option<String>,
}

/// One condition, evaluated three-valued.
#[derive(Debug, Clone, PartialEq)]
pub struct ConditionTrace {
    /// The operator as written.
    pub operator: String,
    /// The key as written.
    pub key: String,
    /// The policy's values as written.
    pub policy_values: Vec<String>,
    /// The request's values, or `None` when the key is absent.
    pub request_values: Option<Vec<String>>,
    /// The condition's value.
    pub result: Tri,
    /// Why the result is unknown, when it is.
    pub why_unknown: Option<String>,
    /// Did it count as holding for this statement (an unknown counts for a Deny)?
    pub holds: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::Context;
    use crate::principal::Principal;

    /// Trace wording (class 2 in docs/MUTANTS.md: only traces print it, so the corpus
    /// cannot see it).
    #[test]
    fn trace_names_of_layers_and_rules() {
        assert_eq!(Layer::TrustPolicy.noun(), "role trust policy");
        assert_eq!(Layer::PermissionsBoundary.noun(), "permissions boundary");
        assert_eq!((Rule::ExplicitDeny.id(), Rule::ExplicitDeny.title()), ("R6.2", "explicit deny"));
        assert_eq!((Rule::CallerPolicies.id(), Rule::CallerPolicies.title()), ("R6.7-R6.9", "the caller's policies"));
    }

    #[test]
    fn seed_001_messages() {
        let p = Principal::parse("arn:aws:sts::123456789012:assumed-role/example-dev-role/readonly").unwrap();
        let r = Request::new(
            p,
            "sns:CreateTopic",
            "arn:aws:sns:ap-northeast-1:123456789012:example-topic",
            None,
            Context::new(),
        );
        let d = Decision { outcome: Outcome::ImplicitDeny, denied_by: Some(Layer::SessionPolicy), trace: None };
        assert_eq!(
            d.message(&r).unwrap(),
            "User: arn:aws:sts::123456789012:assumed-role/example-dev-role/readonly is not authorized to perform: SNS:CreateTopic on resource: arn:aws:sns:ap-northeast-1:123456789012:example-topic because no session policy allows the SNS:CreateTopic action"
        );
        let p = Principal::parse("arn:aws:sts::123456789012:assumed-role/example-dev-role/list-region").unwrap();
        let r = Request::new(p, "ec2:DescribeVpcs", "*", None, Context::new());
        assert_eq!(
            d.message(&r).unwrap(),
            "User: arn:aws:sts::123456789012:assumed-role/example-dev-role/list-region is not authorized to perform: ec2:DescribeVpcs because no session policy allows the ec2:DescribeVpcs action"
        );
    }
}
