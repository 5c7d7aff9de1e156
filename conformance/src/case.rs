//! The case model of CASE-FORMAT.md (version 1). Unknown fields are rejected so that
//! a typo never silently turns a check off.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// One sentence saying what the case shows.
    pub description: String,
    /// Where the expected outcome comes from.
    pub sources: Vec<String>,
    /// Feature tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The IAM state for `request` and `assumeRole` steps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub world: Option<World>,
    /// The steps, run in order.
    pub steps: Vec<Step>,
}

/// A policy: a JSON object, or a string holding the raw text.
pub type PolicyDoc = Value;

/// Policy text from a [`PolicyDoc`]: a string is taken as it is, an object is printed.
pub fn policy_text(doc: &PolicyDoc) -> String {
    match doc {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The IAM state of a case.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct World {
    /// Managed policies by ARN.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub policies: BTreeMap<String, PolicyDoc>,
    /// IAM users by ARN.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub users: BTreeMap<String, User>,
    /// IAM groups by ARN.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub groups: BTreeMap<String, Group>,
    /// IAM roles by ARN.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub roles: BTreeMap<String, Role>,
    /// Resources with resource-based policies, by ARN.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub resources: BTreeMap<String, Resource>,
    /// The organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<Organization>,
    /// v1.1: `GetAccountAuthorizationDetails` documents merged into the world.
    #[serde(default, rename = "accountAuthorizationDetails", skip_serializing_if = "Vec::is_empty")]
    pub account_authorization_details: Vec<Value>,
}

/// An IAM user.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct User {
    /// Group ARNs.
    #[serde(default)]
    pub groups: Vec<String>,
    /// Inline policies by name.
    #[serde(default)]
    pub inline_policies: BTreeMap<String, PolicyDoc>,
    /// Managed policy ARNs.
    #[serde(default)]
    pub managed_policies: Vec<String>,
    /// The boundary's managed policy ARN.
    #[serde(default)]
    pub permissions_boundary: Option<String>,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

/// An IAM group.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Group {
    /// Inline policies by name.
    #[serde(default)]
    pub inline_policies: BTreeMap<String, PolicyDoc>,
    /// Managed policy ARNs.
    #[serde(default)]
    pub managed_policies: Vec<String>,
}

/// An IAM role.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Role {
    /// The trust policy.
    #[serde(default)]
    pub trust_policy: Option<PolicyDoc>,
    /// Inline policies by name.
    #[serde(default)]
    pub inline_policies: BTreeMap<String, PolicyDoc>,
    /// Managed policy ARNs.
    #[serde(default)]
    pub managed_policies: Vec<String>,
    /// The boundary's managed policy ARN.
    #[serde(default)]
    pub permissions_boundary: Option<String>,
    /// Maximum session duration in seconds (default 3600).
    #[serde(default)]
    pub max_session_duration: Option<u64>,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

/// A resource with a resource-based policy.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    /// The owning account where the ARN carries none.
    #[serde(default)]
    pub account: Option<String>,
    /// The resource-based policy.
    #[serde(default)]
    pub policy: Option<PolicyDoc>,
}

/// An AWS Organizations organization.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Organization {
    /// `o-...`
    #[serde(default)]
    pub id: Option<String>,
    /// The management account.
    #[serde(default)]
    pub management_account: Option<String>,
    /// Each member account's path from the root through its OUs.
    #[serde(default)]
    pub accounts: BTreeMap<String, Vec<String>>,
    /// SCPs per level (root, OU or account id).
    #[serde(default)]
    pub scps: BTreeMap<String, Vec<PolicyDoc>>,
    /// RCPs per level.
    #[serde(default)]
    pub rcps: BTreeMap<String, Vec<PolicyDoc>>,
}

/// A context: key to string, number, boolean or an array of them.
pub type ContextMap = serde_json::Map<String, Value>;

/// One step: exactly one action key and an `expect`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// An `evaluate` step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluate: Option<EvaluateStep>,
    /// A `request` step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<RequestStep>,
    /// An `assumeRole` step.
    #[serde(default, rename = "assumeRole", skip_serializing_if = "Option::is_none")]
    pub assume_role: Option<AssumeRoleStep>,
    /// A `parse` step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parse: Option<ParseStep>,
    /// The session name to save an assumeRole result under.
    #[serde(default, rename = "saveAs", skip_serializing_if = "Option::is_none")]
    pub save_as: Option<String>,
    /// What the step must produce.
    pub expect: Expect,
}

/// The kind of a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StepKind {
    /// `evaluate`
    Evaluate,
    /// `request`
    Request,
    /// `assumeRole`
    AssumeRole,
    /// `parse`
    Parse,
}

impl StepKind {
    /// The protocol name.
    pub fn name(self) -> &'static str {
        match self {
            StepKind::Evaluate => "evaluate",
            StepKind::Request => "request",
            StepKind::AssumeRole => "assumeRole",
            StepKind::Parse => "parse",
        }
    }
}

impl Step {
    /// The step's kind, or an error when it has none or several action keys.
    pub fn kind(&self) -> Result<StepKind, String> {
        let kinds: Vec<StepKind> = [
            self.evaluate.as_ref().map(|_| StepKind::Evaluate),
            self.request.as_ref().map(|_| StepKind::Request),
            self.assume_role.as_ref().map(|_| StepKind::AssumeRole),
            self.parse.as_ref().map(|_| StepKind::Parse),
        ]
        .into_iter()
        .flatten()
        .collect();
        match kinds.as_slice() {
            [one] => Ok(*one),
            [] => Err("the step has no action key (evaluate, request, assumeRole or parse)".to_string()),
            _ => Err("the step has more than one action key".to_string()),
        }
    }
}

/// `evaluate`: one request against policies given directly.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct EvaluateStep {
    /// The caller's ARN.
    pub principal: String,
    /// The action.
    pub action: String,
    /// The resource ARN (`*` for none).
    pub resource: String,
    /// The resource's account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_account: Option<String>,
    /// Request context.
    #[serde(default, skip_serializing_if = "ContextMap::is_empty")]
    pub context: ContextMap,
    /// Identity-based policies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identity_policies: Vec<PolicyDoc>,
    /// The resource-based policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_policy: Option<PolicyDoc>,
    /// The permissions boundary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<PolicyDoc>,
    /// Session policies; absent means none were passed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_policies: Option<Vec<PolicyDoc>>,
    /// SCP levels, root first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scps: Option<Vec<Vec<PolicyDoc>>>,
    /// RCP levels, root first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rcps: Option<Vec<Vec<PolicyDoc>>>,
}

/// `request`: one request against the world.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestStep {
    /// An IAM user ARN from the world, or a saved session name.
    #[serde(rename = "as")]
    pub as_: String,
    /// The action.
    pub action: String,
    /// The resource ARN.
    pub resource: String,
    /// The resource's account.
    #[serde(default, rename = "resourceAccount", skip_serializing_if = "Option::is_none")]
    pub resource_account: Option<String>,
    /// Request context.
    #[serde(default, skip_serializing_if = "ContextMap::is_empty")]
    pub context: ContextMap,
}

/// `assumeRole`: an sts:AssumeRole call; parameter names follow the STS API.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AssumeRoleStep {
    /// The caller: a user ARN or a saved session name.
    #[serde(rename = "as")]
    pub as_: String,
    /// `RoleArn`.
    pub role_arn: String,
    /// `RoleSessionName`.
    pub role_session_name: String,
    /// `Policy`: an inline session policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<PolicyDoc>,
    /// `PolicyArns`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_arns: Option<Vec<String>>,
    /// `DurationSeconds`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_seconds: Option<i64>,
    /// `ExternalId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// `SerialNumber`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial_number: Option<String>,
    /// `TokenCode`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_code: Option<String>,
    /// `SourceIdentity`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_identity: Option<String>,
    /// `Tags`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
    /// `TransitiveTagKeys`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transitive_tag_keys: Option<Vec<String>>,
    /// Request context of the call.
    #[serde(default, skip_serializing_if = "ContextMap::is_empty")]
    pub context: ContextMap,
}

/// `parse`: policy validation alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParseStep {
    /// The policy type.
    #[serde(rename = "type")]
    pub policy_type: String,
    /// The policy.
    pub policy: PolicyDoc,
}

/// Expected (or actual) results of a step; only the fields present are compared.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Expect {
    /// `allowed`, `explicitDeny` or `implicitDeny`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
    /// The policy type that decided a denial.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub denied_by: Option<String>,
    /// The AWS access-denied message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// An STS error code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The issued session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<SessionExpect>,
    /// Whether the policy parsed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid: Option<bool>,
    /// The rule a rejected policy breaks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_kind: Option<String>,
}

/// The session an assumeRole step issues.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SessionExpect {
    /// The assumed-role session ARN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// The session duration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_seconds: Option<i64>,
    /// True when made by role chaining.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chained: Option<bool>,
}

/// What an implementation returns for one step (the protocol's result object).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StepResult {
    /// The result fields, named as in `expect`.
    #[serde(flatten)]
    pub fields: Expect,
    /// True when the implementation does not support this step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped: Option<bool>,
    /// Free text: an error message, the reason for a skip.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}
