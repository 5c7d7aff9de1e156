//! STS: the calls that issue sessions, IAM-SPEC.md sections 11, 12 and 12a.
//!
//! - [`assume_role`]: `sts:AssumeRole` and role chaining (R11, R12);
//! - [`web_identity`]: `AssumeRoleWithWebIdentity` (R12a.1 to R12a.3);
//! - [`saml`]: `AssumeRoleWithSAML` (R12a.1 to R12a.3);
//! - [`federation_token`]: `GetFederationToken` (R12a.4);
//! - [`session_token`]: `GetSessionToken` (R12a.5);
//! - [`session`]: the sessions these calls issue, what their credentials may call,
//!   and `GetCallerIdentity` (R11.10, R12a.6).
//!
//! Shared pieces: [`validate`] (parameter limits), [`federated`] (a role assumed on
//! the word of an identity provider), [`sha1`] (the digest behind
//! `saml:namequalifier`).

pub mod assume_role;
pub mod federated;
pub mod federation_token;
pub mod saml;
pub mod session;
pub mod session_token;
pub mod sha1;
pub mod validate;
pub mod web_identity;

use crate::decision::{Decision, Layer, Outcome};
use crate::evaluate::{evaluate, evaluate_with_trace, PolicySet};
use crate::policy::ParseError;
use crate::request::Request;
use crate::world::WorldError;

pub use assume_role::{AssumeRoleParams, CHAINED_MAX_SECONDS};
pub use federation_token::FederationTokenParams;
pub use saml::{SamlAssertion, SamlParams};
pub use session::{AnySession, CallerIdentity, FederatedSession, Session, SessionKind, TokenSession};
pub use session_token::SessionTokenParams;
pub use web_identity::WebIdentityParams;

/// A successful call: the session, the authorization that allowed it, and notes for
/// a reader (which claims or attributes became which keys).
#[derive(Debug, Clone)]
pub struct Issued<S = Session> {
    /// The new session.
    pub session: S,
    /// The request as authorized (the first action checked: `sts:AssumeRole`, ...).
    pub request: Request,
    /// Its decision (allowed).
    pub decision: Decision,
    /// What a reader should know beyond the decision's trace.
    pub notes: Vec<String>,
}

/// Why an STS call failed, with STS's error codes.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StsError {
    /// A parameter breaks its documented constraint.
    #[error("ValidationError: {0}")]
    Validation(String),
    /// The inline session policy is not a valid policy: the parser's error, with its
    /// kind and location.
    #[error("MalformedPolicyDocument: {0}")]
    MalformedPolicy(ParseError),
    /// The packed session policies and tags are too large.
    #[error("PackedPolicyTooLarge: {0}")]
    PackedPolicyTooLarge(String),
    /// A referenced entity does not exist.
    #[error("NoSuchEntity: {0}")]
    NoSuchEntity(String),
    /// The web identity token or SAML response could not be validated, or names a
    /// provider the account does not have.
    #[error("InvalidIdentityToken: {0}")]
    InvalidIdentityToken(String),
    /// The identity provider rejected the claim.
    #[error("IDPRejectedClaim: {0}")]
    IdpRejectedClaim(String),
    /// The token or assertion has expired or is not yet valid.
    #[error("ExpiredTokenException: {0}")]
    ExpiredToken(String),
    /// Authorization failed.
    #[error("AccessDenied: {}", decision.message(request).unwrap_or_else(|| format!("{} may not call {}", request.principal.arn(), request.action)))]
    AccessDenied {
        /// The request that was denied.
        request: Box<Request>,
        /// Its decision.
        decision: Decision,
    },
    /// The world is inconsistent.
    #[error("{0}")]
    World(#[from] WorldError),
}

impl StsError {
    /// The STS error code.
    pub fn code(&self) -> &'static str {
        match self {
            StsError::Validation(_) => "ValidationError",
            StsError::MalformedPolicy(_) => "MalformedPolicyDocument",
            StsError::PackedPolicyTooLarge(_) => "PackedPolicyTooLarge",
            StsError::NoSuchEntity(_) | StsError::World(_) => "NoSuchEntity",
            StsError::InvalidIdentityToken(_) => "InvalidIdentityToken",
            StsError::IdpRejectedClaim(_) => "IDPRejectedClaim",
            StsError::ExpiredToken(_) => "ExpiredTokenException",
            StsError::AccessDenied { .. } => "AccessDenied",
        }
    }

    /// The AWS error message where one is documented: SAMLTS's texts for
    /// AssumeRoleWithSAML ("Not authorized to perform sts:AssumeRoleWithSAML" for every
    /// denial, the InvalidIdentityToken texts), the access-denied message of a signed
    /// request otherwise. None for an unsigned web identity call (no AWS text).
    pub fn message(&self) -> Option<String> {
        match self {
            StsError::AccessDenied { request, decision } => match &request.principal {
                crate::principal::Principal::Federated { provider } if provider.contains(":saml-provider/") => {
                    Some("Not authorized to perform sts:AssumeRoleWithSAML".to_string())
                }
                crate::principal::Principal::Federated { .. } => None,
                _ => decision.message(request),
            },
            StsError::InvalidIdentityToken(text) if saml::DOCUMENTED_MESSAGES.contains(&text.as_str()) => {
                Some(text.clone())
            }
            _ => None,
        }
    }

    /// The one AccessDenied of a trust policy that cannot allow: a role that does not
    /// exist, a caller the role can never trust (the root user, U13), an attribute that
    /// names another role. An implicit deny by the trust policy.
    pub fn trust_denied(request: Request) -> StsError {
        StsError::denied(request, Layer::TrustPolicy)
    }

    /// AccessDenied because of the kind of credentials, not a policy (CASE-FORMAT
    /// `credentialType`).
    pub fn credential_denied(request: Request) -> StsError {
        StsError::denied(request, Layer::CredentialType)
    }

    fn denied(request: Request, layer: Layer) -> StsError {
        StsError::AccessDenied {
            request: Box::new(request),
            decision: Decision { outcome: Outcome::ImplicitDeny, denied_by: Some(layer), trace: None },
        }
    }
}

/// Decides `request`, with a trace when `trace` (for `explain`).
pub(crate) fn decide(request: &Request, set: &PolicySet, trace: bool) -> Decision {
    if trace {
        evaluate_with_trace(request, set)
    } else {
        evaluate(request, set)
    }
}

/// Authorizes each action of a call in turn (the call's own action first, then
/// `sts:TagSession`, `sts:SetSourceIdentity` where the call needs them): `inputs`
/// gives the request and policy set of an action, `also` any further check of an
/// allowed one. The first denial is the call's AccessDenied; on success, the first
/// action's request and decision.
pub fn authorize_actions(
    actions: &[&str],
    trace: bool,
    inputs: impl Fn(&str) -> Result<(Request, PolicySet), StsError>,
    also: impl Fn(&str, &Request, &PolicySet) -> Result<(), StsError>,
) -> Result<(Request, Decision), StsError> {
    let mut allowed = None;
    for action in actions {
        let (request, set) = inputs(action)?;
        let decision = decide(&request, &set, trace);
        if !decision.is_allowed() {
            return Err(StsError::AccessDenied { request: Box::new(request), decision });
        }
        also(action, &request, &set)?;
        if allowed.is_none() {
            allowed = Some((request, decision));
        }
    }
    allowed.ok_or_else(|| StsError::Validation("no action to authorize".to_string()))
}
