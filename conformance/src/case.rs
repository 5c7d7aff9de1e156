//! The case model of CASE-FORMAT.md (version 1.1). Unknown fields are rejected so that
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
    #[serde(deserialize_with = "numbered_steps")]
    pub steps: Vec<Step>,
}

/// Reads the steps, naming the step (from 1) whose action keys are wrong.
fn numbered_steps<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Step>, D::Error> {
    let raw: Vec<RawStep> = Vec::deserialize(d)?;
    raw.into_iter()
        .enumerate()
        .map(|(i, r)| Step::try_from(r).map_err(|e| serde::de::Error::custom(format!("step {}: {e}", i + 1))))
        .collect()
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
    /// IAM OIDC and SAML identity providers by ARN (v1.1).
    #[serde(default, rename = "identityProviders", skip_serializing_if = "BTreeMap::is_empty")]
    pub identity_providers: BTreeMap<String, IdentityProvider>,
}

/// An IAM identity provider; its kind follows from its ARN (`oidc-provider/` or
/// `saml-provider/`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct IdentityProvider {
    /// An OIDC provider's issuer URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// An OIDC provider's audiences.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_ids: Option<Vec<String>>,
    /// A SAML provider's issuer (entity ID) from its metadata.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
}

/// An IAM user.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct User {
    /// The unique ID (`AIDA...`, v1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
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
    /// The unique ID (`AROA...`, v1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
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

/// One step: exactly one action, its `expect` and, for the STS calls, the name the
/// issued session is saved under. In JSON the action is one key of the step object
/// (`{"assumeRole": {...}, "saveAs": "s", "expect": {...}}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawStep", into = "RawStep")]
pub struct Step {
    /// What the step does.
    pub action: Action,
    /// The session name to save an STS call's result under.
    pub save_as: Option<String>,
    /// What the step must produce.
    pub expect: Expect,
}

/// The action of a step: one variant per step kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// `evaluate`
    Evaluate(EvaluateStep),
    /// `request`
    Request(RequestStep),
    /// `assumeRole`
    AssumeRole(AssumeRoleStep),
    /// `assumeRoleWithWebIdentity` (v1.1)
    AssumeRoleWithWebIdentity(WebIdentityStep),
    /// `assumeRoleWithSAML` (v1.1)
    AssumeRoleWithSaml(SamlStep),
    /// `getFederationToken` (v1.1)
    GetFederationToken(FederationTokenStep),
    /// `getSessionToken` (v1.1)
    GetSessionToken(SessionTokenStep),
    /// `getCallerIdentity` (v1.1)
    GetCallerIdentity(CallerIdentityStep),
    /// `whoCan` (v1.2)
    WhoCan(WhoCanStep),
    /// `reach` (v1.2)
    Reach(ReachStep),
    /// `parse`
    Parse(ParseStep),
    /// `importAccount` (v1.2)
    ImportAccount(ImportAccountStep),
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
    /// `assumeRoleWithWebIdentity`
    AssumeRoleWithWebIdentity,
    /// `assumeRoleWithSAML`
    AssumeRoleWithSaml,
    /// `getFederationToken`
    GetFederationToken,
    /// `getSessionToken`
    GetSessionToken,
    /// `getCallerIdentity`
    GetCallerIdentity,
    /// `whoCan`
    WhoCan,
    /// `reach`
    Reach,
    /// `parse`
    Parse,
    /// `importAccount`
    ImportAccount,
}

impl StepKind {
    /// Every step kind, in the order the format lists them.
    pub const ALL: [StepKind; 12] = [
        StepKind::Evaluate,
        StepKind::Request,
        StepKind::AssumeRole,
        StepKind::AssumeRoleWithWebIdentity,
        StepKind::AssumeRoleWithSaml,
        StepKind::GetFederationToken,
        StepKind::GetSessionToken,
        StepKind::GetCallerIdentity,
        StepKind::WhoCan,
        StepKind::Reach,
        StepKind::Parse,
        StepKind::ImportAccount,
    ];

    /// The protocol name (the step's action key).
    pub fn name(self) -> &'static str {
        match self {
            StepKind::Evaluate => "evaluate",
            StepKind::Request => "request",
            StepKind::AssumeRole => "assumeRole",
            StepKind::AssumeRoleWithWebIdentity => "assumeRoleWithWebIdentity",
            StepKind::AssumeRoleWithSaml => "assumeRoleWithSAML",
            StepKind::GetFederationToken => "getFederationToken",
            StepKind::GetSessionToken => "getSessionToken",
            StepKind::GetCallerIdentity => "getCallerIdentity",
            StepKind::WhoCan => "whoCan",
            StepKind::Reach => "reach",
            StepKind::Parse => "parse",
            StepKind::ImportAccount => "importAccount",
        }
    }
}

impl Action {
    /// The step kind.
    pub fn kind(&self) -> StepKind {
        match self {
            Action::Evaluate(_) => StepKind::Evaluate,
            Action::Request(_) => StepKind::Request,
            Action::AssumeRole(_) => StepKind::AssumeRole,
            Action::AssumeRoleWithWebIdentity(_) => StepKind::AssumeRoleWithWebIdentity,
            Action::AssumeRoleWithSaml(_) => StepKind::AssumeRoleWithSaml,
            Action::GetFederationToken(_) => StepKind::GetFederationToken,
            Action::GetSessionToken(_) => StepKind::GetSessionToken,
            Action::GetCallerIdentity(_) => StepKind::GetCallerIdentity,
            Action::WhoCan(_) => StepKind::WhoCan,
            Action::Reach(_) => StepKind::Reach,
            Action::Parse(_) => StepKind::Parse,
            Action::ImportAccount(_) => StepKind::ImportAccount,
        }
    }
}

impl Step {
    /// A step with an empty `expect` and no `saveAs`.
    pub fn new(action: Action) -> Step {
        Step { action, save_as: None, expect: Expect::default() }
    }

    /// The step's kind.
    pub fn kind(&self) -> StepKind {
        self.action.kind()
    }

    /// The `evaluate` action, if this is one.
    pub fn evaluate(&self) -> Option<&EvaluateStep> {
        match &self.action {
            Action::Evaluate(e) => Some(e),
            _ => None,
        }
    }

    /// The `parse` action, if this is one.
    pub fn parse(&self) -> Option<&ParseStep> {
        match &self.action {
            Action::Parse(p) => Some(p),
            _ => None,
        }
    }
}

/// The JSON shape of a step: every action key optional. Exactly one must be present;
/// [`Step`] is read through it and written back to it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawStep {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    evaluate: Option<EvaluateStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    request: Option<RequestStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    assume_role: Option<AssumeRoleStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    assume_role_with_web_identity: Option<WebIdentityStep>,
    #[serde(default, rename = "assumeRoleWithSAML", skip_serializing_if = "Option::is_none")]
    assume_role_with_saml: Option<SamlStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    get_federation_token: Option<FederationTokenStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    get_session_token: Option<SessionTokenStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    get_caller_identity: Option<CallerIdentityStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    who_can: Option<WhoCanStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reach: Option<ReachStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    parse: Option<ParseStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    import_account: Option<ImportAccountStep>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    save_as: Option<String>,
    expect: Expect,
}

/// Why a step object is not a step.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StepError {
    /// No action key.
    #[error("the step has no action key (one of: {})", StepKind::ALL.map(StepKind::name).join(", "))]
    NoAction,
    /// More than one action key.
    #[error("the step has more than one action key: {}", .0.join(", "))]
    SeveralActions(Vec<&'static str>),
}

impl TryFrom<RawStep> for Step {
    type Error = StepError;

    fn try_from(raw: RawStep) -> Result<Step, StepError> {
        let RawStep {
            evaluate,
            request,
            assume_role,
            assume_role_with_web_identity,
            assume_role_with_saml,
            get_federation_token,
            get_session_token,
            get_caller_identity,
            who_can,
            reach,
            parse,
            import_account,
            save_as,
            expect,
        } = raw;
        let mut actions: Vec<Action> = [
            evaluate.map(Action::Evaluate),
            request.map(Action::Request),
            assume_role.map(Action::AssumeRole),
            assume_role_with_web_identity.map(Action::AssumeRoleWithWebIdentity),
            assume_role_with_saml.map(Action::AssumeRoleWithSaml),
            get_federation_token.map(Action::GetFederationToken),
            get_session_token.map(Action::GetSessionToken),
            get_caller_identity.map(Action::GetCallerIdentity),
            who_can.map(Action::WhoCan),
            reach.map(Action::Reach),
            parse.map(Action::Parse),
            import_account.map(Action::ImportAccount),
        ]
        .into_iter()
        .flatten()
        .collect();
        match actions.len() {
            0 => Err(StepError::NoAction),
            1 => match actions.pop() {
                Some(action) => Ok(Step { action, save_as, expect }),
                None => Err(StepError::NoAction),
            },
            _ => Err(StepError::SeveralActions(actions.iter().map(|a| a.kind().name()).collect())),
        }
    }
}

impl From<Step> for RawStep {
    fn from(step: Step) -> RawStep {
        let mut raw = RawStep { save_as: step.save_as, expect: step.expect, ..RawStep::default() };
        match step.action {
            Action::Evaluate(a) => raw.evaluate = Some(a),
            Action::Request(a) => raw.request = Some(a),
            Action::AssumeRole(a) => raw.assume_role = Some(a),
            Action::AssumeRoleWithWebIdentity(a) => raw.assume_role_with_web_identity = Some(a),
            Action::AssumeRoleWithSaml(a) => raw.assume_role_with_saml = Some(a),
            Action::GetFederationToken(a) => raw.get_federation_token = Some(a),
            Action::GetSessionToken(a) => raw.get_session_token = Some(a),
            Action::GetCallerIdentity(a) => raw.get_caller_identity = Some(a),
            Action::WhoCan(a) => raw.who_can = Some(a),
            Action::Reach(a) => raw.reach = Some(a),
            Action::Parse(a) => raw.parse = Some(a),
            Action::ImportAccount(a) => raw.import_account = Some(a),
        }
        raw
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
    /// False for a wrong MFA code (default true; v1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_code_valid: Option<bool>,
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

/// `assumeRoleWithWebIdentity` (v1.1): OIDC or OAuth 2.0 federation.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WebIdentityStep {
    /// `RoleArn`.
    pub role_arn: String,
    /// `RoleSessionName`.
    pub role_session_name: String,
    /// The token's decoded claims (any JSON value; a non-object is an invalid token).
    pub web_identity_token: Value,
    /// False for a token whose signature or format fails (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_valid: Option<bool>,
    /// `ProviderId`: the host of an OAuth 2.0 provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_id: Option<String>,
    /// `Policy`: an inline session policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<PolicyDoc>,
    /// `PolicyArns`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_arns: Option<Vec<String>>,
    /// `DurationSeconds`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_seconds: Option<i64>,
    /// Request context of the call (`aws:EpochTime` for the expiry check).
    #[serde(default, skip_serializing_if = "ContextMap::is_empty")]
    pub context: ContextMap,
}

/// `assumeRoleWithSAML` (v1.1): SAML 2.0 federation.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SamlStep {
    /// `RoleArn`.
    pub role_arn: String,
    /// `PrincipalArn`: the SAML provider's ARN.
    pub principal_arn: String,
    /// The decoded SAML response.
    pub saml_assertion: SamlAssertion,
    /// False for a response whose signature does not match the metadata (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assertion_valid: Option<bool>,
    /// `Policy`: an inline session policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<PolicyDoc>,
    /// `PolicyArns`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_arns: Option<Vec<String>>,
    /// `DurationSeconds`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_seconds: Option<i64>,
    /// Request context of the call.
    #[serde(default, skip_serializing_if = "ContextMap::is_empty")]
    pub context: ContextMap,
}

/// A decoded SAML response (the parts AWS reads).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SamlAssertion {
    /// The Issuer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// The SubjectConfirmationData `Recipient` (`saml:aud`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<String>,
    /// The NameID value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The NameID format, `urn:oasis:names:tc:SAML:2.0:nameid-format:` removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_type: Option<String>,
    /// `NotOnOrAfter`, epoch seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_on_or_after: Option<i64>,
    /// The AudienceRestriction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    /// `IssueInstant`, epoch seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue_instant: Option<i64>,
    /// The AuthnStatement's `SessionNotOnOrAfter`, epoch seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_not_on_or_after: Option<i64>,
    /// Attributes by name, each a list of values.
    #[serde(default)]
    pub attributes: BTreeMap<String, Vec<String>>,
}

/// `getFederationToken` (v1.1): a federated-user session.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FederationTokenStep {
    /// The caller: a user ARN, the root ARN or a saved session name.
    #[serde(rename = "as")]
    pub as_: String,
    /// `Name`.
    pub name: String,
    /// `Policy`: an inline session policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<PolicyDoc>,
    /// `PolicyArns`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_arns: Option<Vec<String>>,
    /// `DurationSeconds`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_seconds: Option<i64>,
    /// `Tags`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
    /// Request context of the call.
    #[serde(default, skip_serializing_if = "ContextMap::is_empty")]
    pub context: ContextMap,
}

/// `getSessionToken` (v1.1): a user's temporary credentials, optionally with MFA.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SessionTokenStep {
    /// The caller: a user ARN, the root ARN or a saved session name.
    #[serde(rename = "as")]
    pub as_: String,
    /// `DurationSeconds`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_seconds: Option<i64>,
    /// `SerialNumber`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial_number: Option<String>,
    /// `TokenCode`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_code: Option<String>,
    /// False for a wrong MFA code (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_code_valid: Option<bool>,
    /// Request context of the call.
    #[serde(default, skip_serializing_if = "ContextMap::is_empty")]
    pub context: ContextMap,
}

/// `getCallerIdentity` (v1.1): who a caller is.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallerIdentityStep {
    /// A user ARN, the root ARN or a saved session name.
    #[serde(rename = "as")]
    pub as_: String,
}

/// `whoCan` (v1.2): every principal of the world that may make one request.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WhoCanStep {
    /// The action.
    pub action: String,
    /// The resource ARN.
    pub resource: String,
    /// The resource's account, where the ARN carries none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_account: Option<String>,
    /// Request context known for every principal; keys not given and not derived by
    /// the world are unknown.
    #[serde(default, skip_serializing_if = "ContextMap::is_empty")]
    pub context: ContextMap,
}

/// `reach` (v1.2): the roles a principal can become through sts:AssumeRole, directly
/// or by chaining.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReachStep {
    /// A user or role ARN of the world.
    pub from: String,
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

/// `importAccount` (v1.2): `GetAccountAuthorizationDetails` documents read into a
/// copy of the case's world, as `world.accountAuthorizationDetails` would be; the
/// step checks whether they import (and where they do not), and changes nothing for
/// later steps.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportAccountStep {
    /// The documents, in order (the pages of a listing, or several accounts).
    pub documents: Vec<serde_json::Value>,
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
    /// Who a getCallerIdentity step says the caller is (v1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<IdentityExpect>,
    /// Whether the policy parsed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid: Option<bool>,
    /// The rule a rejected policy breaks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_kind: Option<String>,
    /// Where in the rejected policy the rule is broken (v1.2): the JSON pointer
    /// (RFC 6901) of the offending value, element or key in the policy document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_pointer: Option<String>,
    /// `whoCan` (v1.2): every principal that is not "no", with `yes` (allowed whatever
    /// the unknown keys are) or `if` (allowed for some of their values).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principals: Option<BTreeMap<String, String>>,
    /// `reach` (v1.2): every role the principal can become, with `yes` (through hops
    /// that are all "yes") or `if` (only through a hop that depends on unknown keys).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<BTreeMap<String, String>>,
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
    /// `aws:PrincipalType` of the session (v1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal_type: Option<String>,
    /// `aws:userid` of the session (v1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The source identity (v1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_identity: Option<String>,
    /// True when the session carries MFA (v1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa: Option<bool>,
    /// The session tags (v1.1): those passed, from claims or attributes, and inherited
    /// transitive ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
}

/// The identity a getCallerIdentity step returns (v1.1).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct IdentityExpect {
    /// The caller's ARN (the session ARN for sessions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// The caller's account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// `aws:userid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
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
