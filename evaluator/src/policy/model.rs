//! The typed policy document.

use crate::condition::Condition;
use crate::pattern::Glob;
use crate::variable::ResourceMatcher;

/// The seven policy types of the case format. Each has its own validation rules
/// (IAM-SPEC.md sections 1 and 9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyType {
    /// An identity-based policy of a user, group or role.
    Identity,
    /// A resource-based policy (bucket policy, key policy, ...).
    Resource,
    /// A role trust policy.
    Trust,
    /// A permissions boundary (a managed policy used as a boundary).
    Boundary,
    /// A session policy passed to AssumeRole or GetFederationToken.
    Session,
    /// A service control policy.
    Scp,
    /// A resource control policy.
    Rcp,
}

impl PolicyType {
    /// Every type, in a fixed order.
    pub const ALL: [PolicyType; 7] = [
        PolicyType::Identity,
        PolicyType::Resource,
        PolicyType::Trust,
        PolicyType::Boundary,
        PolicyType::Session,
        PolicyType::Scp,
        PolicyType::Rcp,
    ];

    /// The name used in case files.
    pub fn name(self) -> &'static str {
        match self {
            PolicyType::Identity => "identity",
            PolicyType::Resource => "resource",
            PolicyType::Trust => "trust",
            PolicyType::Boundary => "boundary",
            PolicyType::Session => "session",
            PolicyType::Scp => "scp",
            PolicyType::Rcp => "rcp",
        }
    }

    /// Looks a type up by its case-file name.
    pub fn from_name(name: &str) -> Option<PolicyType> {
        PolicyType::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Resource-based types carry a `Principal` (R1.6).
    pub fn is_resource_based(self) -> bool {
        matches!(self, PolicyType::Resource | PolicyType::Trust | PolicyType::Rcp)
    }
}

/// `Version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Version {
    /// `2012-10-17`: policy variables are recognized.
    V2012_10_17,
    /// `2008-10-17`: `${...}` is plain text (R4.8).
    V2008_10_17,
}

impl Version {
    /// The version string.
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V2012_10_17 => "2012-10-17",
            Version::V2008_10_17 => "2008-10-17",
        }
    }
}

/// `Effect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    /// `Allow`
    Allow,
    /// `Deny`
    Deny,
}

impl Effect {
    /// The effect string.
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

/// A whole policy document.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// `Version`, if present.
    pub version: Option<Version>,
    /// `Id`, if present.
    pub id: Option<String>,
    /// The statements (a single statement object is a one-element list, R1.1).
    pub statements: Vec<Statement>,
}

/// One statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// `Sid`.
    pub sid: Option<String>,
    /// `Effect`.
    pub effect: Effect,
    /// `Principal` or `NotPrincipal`.
    pub principal: Option<PrincipalBlock>,
    /// `Action` or `NotAction`.
    pub action: ActionBlock,
    /// `Resource` or `NotResource`; absent in trust policies and some resource policies.
    pub resource: Option<ResourceBlock>,
    /// The condition block, one entry per operator and key.
    pub conditions: Vec<Condition>,
}

/// `Action` (`negated == false`) or `NotAction`.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionBlock {
    /// True for `NotAction`.
    pub negated: bool,
    /// The action patterns.
    pub patterns: Vec<ActionPattern>,
}

/// One action pattern such as `s3:Get*`, matched case-insensitively (R2.1).
#[derive(Debug, Clone, PartialEq)]
pub struct ActionPattern {
    /// Compiled, ASCII case-insensitive; keeps the text as written.
    pub glob: Glob,
}

impl ActionPattern {
    /// Compiles an action pattern.
    pub fn new(text: String) -> ActionPattern {
        ActionPattern { glob: Glob::from_string(text, true) }
    }

    /// The pattern as written.
    pub fn text(&self) -> &str {
        self.glob.as_str()
    }

    /// Does the action (already lower-cased or not) match?
    pub fn matches(&self, action: &str) -> bool {
        self.glob.matches(action)
    }
}

/// `Resource` (`negated == false`) or `NotResource`.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceBlock {
    /// True for `NotResource`.
    pub negated: bool,
    /// The resource patterns.
    pub patterns: Vec<ResourcePattern>,
}

/// One resource pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourcePattern {
    /// As written.
    pub text: String,
    /// Compiled, possibly with policy variables.
    pub matcher: ResourceMatcher,
}

/// `Principal` (`negated == false`) or `NotPrincipal`.
#[derive(Debug, Clone, PartialEq)]
pub struct PrincipalBlock {
    /// True for `NotPrincipal`.
    pub negated: bool,
    /// Who.
    pub spec: PrincipalSpec,
}

/// The value of a `Principal` element.
#[derive(Debug, Clone, PartialEq)]
pub enum PrincipalSpec {
    /// `"*"` or `{"AWS": "*"}`: everyone (R2.8).
    Any,
    /// A map of principal kinds to identifiers, entries OR'ed.
    Map(Vec<(PrincipalKind, Vec<String>)>),
}

/// The key of a principal map entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrincipalKind {
    /// `AWS`: accounts, users, roles, sessions, federated users.
    Aws,
    /// `Service`: `x.amazonaws.com`.
    Service,
    /// `Federated`: SAML or OIDC providers.
    Federated,
    /// `CanonicalUser` (S3).
    CanonicalUser,
}

impl PrincipalKind {
    /// The key as written in a policy.
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::Aws => "AWS",
            PrincipalKind::Service => "Service",
            PrincipalKind::Federated => "Federated",
            PrincipalKind::CanonicalUser => "CanonicalUser",
        }
    }

    /// Looks up a key.
    pub fn from_key(key: &str) -> Option<PrincipalKind> {
        match key {
            "AWS" => Some(PrincipalKind::Aws),
            "Service" => Some(PrincipalKind::Service),
            "Federated" => Some(PrincipalKind::Federated),
            "CanonicalUser" => Some(PrincipalKind::CanonicalUser),
            _ => None,
        }
    }
}
