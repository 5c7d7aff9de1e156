//! `AssumeRoleWithSAML` (R12a.1 to R12a.3; FEDERATION.md section 2): the provider by
//! `PrincipalArn`, the response checked against the provider's metadata and the
//! clock, the AWS attributes (Role, RoleSessionName, PrincipalTag:, TransitiveTagKeys,
//! SourceIdentity, SessionDuration), the `saml:*` keys of the trust policy, and the
//! keys that survive into the session (`saml:sub`, `saml:sub_type`,
//! `saml:namequalifier`).

use std::collections::BTreeMap;

use base64::Engine;

use super::federated::{arn_account, assume_federated, epoch_time, federated_request, FederatedCall};
use super::session::SessionKind;
use super::validate;
use super::{Issued, StsError};
use crate::context::{Context, ContextValue};
use crate::world::World;

/// A decoded SAML response: the parts AWS reads.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SamlAssertion {
    /// The Issuer.
    pub issuer: Option<String>,
    /// The SubjectConfirmationData `Recipient`: the value of `saml:aud`.
    pub recipient: Option<String>,
    /// The NameID.
    pub subject: Option<String>,
    /// The NameID format, `urn:oasis:names:tc:SAML:2.0:nameid-format:` removed.
    pub subject_type: Option<String>,
    /// `NotOnOrAfter`, epoch seconds.
    pub not_on_or_after: Option<i64>,
    /// `IssueInstant`, epoch seconds.
    pub issue_instant: Option<i64>,
    /// `SessionNotOnOrAfter`, epoch seconds.
    pub session_not_on_or_after: Option<i64>,
    /// Attributes by name.
    pub attributes: BTreeMap<String, Vec<String>>,
}

/// The parameters of an AssumeRoleWithSAML call.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SamlParams {
    /// `RoleArn`.
    pub role_arn: String,
    /// `PrincipalArn`.
    pub principal_arn: String,
    /// `SAMLAssertion`, decoded.
    pub assertion: SamlAssertion,
    /// False when the signature does not match the provider's metadata.
    pub assertion_valid: bool,
    /// `Policy`.
    pub policy: Option<String>,
    /// `PolicyArns`.
    pub policy_arns: Vec<String>,
    /// `DurationSeconds`.
    pub duration_seconds: Option<i64>,
    /// The request context.
    pub context: Context,
}

const ATTR: &str = "https://aws.amazon.com/SAML/Attributes/";

/// Attribute names and the `saml:` keys they map to (SAMLA tables), and whether the
/// key is multivalued (IKEYS marks those `[]`).
pub const ATTRIBUTE_KEYS: [(&str, &str, bool); 30] = [
    ("urn:oid:1.3.6.1.4.1.5923.1.1.1.1", "edupersonaffiliation", true),
    ("urn:oid:1.3.6.1.4.1.5923.1.1.1.2", "edupersonnickname", true),
    ("urn:oid:1.3.6.1.4.1.5923.1.1.1.3", "edupersonorgdn", false),
    ("urn:oid:1.3.6.1.4.1.5923.1.1.1.4", "edupersonorgunitdn", true),
    ("urn:oid:1.3.6.1.4.1.5923.1.1.1.5", "edupersonprimaryaffiliation", false),
    ("urn:oid:1.3.6.1.4.1.5923.1.1.1.6", "edupersonprincipalname", false),
    ("urn:oid:1.3.6.1.4.1.5923.1.1.1.7", "edupersonentitlement", true),
    ("urn:oid:1.3.6.1.4.1.5923.1.1.1.8", "edupersonprimaryorgunitdn", false),
    ("urn:oid:1.3.6.1.4.1.5923.1.1.1.9", "edupersonscopedaffiliation", true),
    ("urn:oid:1.3.6.1.4.1.5923.1.1.1.10", "edupersontargetedid", true),
    ("urn:oid:1.3.6.1.4.1.5923.1.1.1.11", "edupersonassurance", true),
    ("urn:oid:1.3.6.1.4.1.5923.1.2.1.2", "eduorghomepageuri", true),
    ("urn:oid:1.3.6.1.4.1.5923.1.2.1.3", "eduorgidentityauthnpolicyuri", true),
    ("urn:oid:1.3.6.1.4.1.5923.1.2.1.4", "eduorglegalname", true),
    ("urn:oid:1.3.6.1.4.1.5923.1.2.1.5", "eduorgsuperioruri", true),
    ("urn:oid:1.3.6.1.4.1.5923.1.2.1.6", "eduorgwhitepagesuri", true),
    ("urn:oid:2.5.4.3", "cn", true),
    ("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name", "name", true),
    ("http://schemas.xmlsoap.org/claims/CommonName", "commonName", true),
    ("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname", "givenName", true),
    ("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname", "surname", true),
    ("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress", "mail", true),
    ("http://schemas.microsoft.com/ws/2008/06/identity/claims/primarygroupsid", "uid", true),
    ("2.5.4.3", "commonName", true),
    ("2.5.4.4", "surname", true),
    ("2.5.4.42", "givenName", true),
    ("2.5.4.45", "x500UniqueIdentifier", true),
    ("0.9.2342.19200300.100.1.1", "uid", true),
    ("0.9.2342.19200300.100.1.3", "mail", true),
    ("0.9.2342.19200300.100.1.45", "organizationStatus", true),
];

/// "Response signature invalid" (SAMLTS).
pub const SIGNATURE_INVALID: &str = "Response signature invalid";
/// SAMLTS: no RoleSessionName attribute.
pub const SESSION_NAME_REQUIRED: &str = "RoleSessionName is required in AuthnResponse";
/// SAMLTS: a RoleSessionName attribute that breaks its rule.
pub const SESSION_NAME_PATTERN: &str = "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}";
/// SAMLTS: a SourceIdentity attribute that breaks its rule.
pub const SOURCE_IDENTITY_PATTERN: &str =
    "Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64} and not begin with \"aws:\"";
/// The InvalidIdentityToken texts AWS documents (SAMLTS), reported as `message`.
pub const DOCUMENTED_MESSAGES: [&str; 4] =
    [SIGNATURE_INVALID, SESSION_NAME_REQUIRED, SESSION_NAME_PATTERN, SOURCE_IDENTITY_PATTERN];

fn invalid(msg: impl Into<String>) -> StsError {
    StsError::InvalidIdentityToken(msg.into())
}

/// `saml:namequalifier`: Base64(SHA1(issuer + account + "/" + provider name)),
/// following the SAMLAPI pseudocode (no `/` between issuer and account).
pub fn name_qualifier(issuer: &str, account: &str, provider_name: &str) -> String {
    let digest = super::sha1::sha1(format!("{issuer}{account}/{provider_name}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(digest)
}

/// True for a documented `Recipient` (SAMLA).
fn recipient_ok(r: &str) -> bool {
    if r == "https://signin.aws.amazon.com/saml" || r == "https://signin.aws.amazon.com/static/saml" {
        return true;
    }
    r.strip_prefix("https://").and_then(|rest| rest.strip_suffix(".signin.aws.amazon.com/saml")).is_some_and(|region| {
        !region.is_empty() && region.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    })
}

fn session_name_ok(name: &str) -> bool {
    (2..=64).contains(&name.chars().count()) && validate::chars_ok(name, "+=,.@-")
}

/// Runs an AssumeRoleWithSAML call.
pub fn assume_role_with_saml(world: &World, params: &SamlParams, trace: bool) -> Result<Issued, StsError> {
    validate::check_arn("RoleArn", &params.role_arn)?;
    validate::check_arn("PrincipalArn", &params.principal_arn)?;
    validate::check_session_policies(params.policy.as_deref(), &params.policy_arns)?;
    validate::check_duration(params.duration_seconds, 900, 43_200)?;
    let Some([_, _, "iam", _, provider_account, resource]) = crate::pattern::arn_components(&params.principal_arn)
    else {
        return Err(StsError::Validation(format!(
            "PrincipalArn \"{}\" is not an IAM SAML provider ARN",
            params.principal_arn
        )));
    };
    let Some(provider_name) = resource.strip_prefix("saml-provider/") else {
        return Err(StsError::Validation(format!(
            "PrincipalArn \"{}\" is not an IAM SAML provider ARN",
            params.principal_arn
        )));
    };
    let a = &params.assertion;
    let Some(provider) = world.identity_providers.get(&params.principal_arn) else {
        return Err(invalid(format!("the SAML provider {} does not exist", params.principal_arn)));
    };
    if !params.assertion_valid {
        return Err(invalid(SIGNATURE_INVALID));
    }
    let issuer = a.issuer.clone().unwrap_or_default();
    if provider.issuer.as_deref() != Some(issuer.as_str()) {
        return Err(invalid(format!("the assertion's issuer \"{issuer}\" is not the provider's")));
    }
    let now = epoch_time(&params.context);
    if let Some(now) = now {
        for (what, t) in [("NotOnOrAfter", a.not_on_or_after), ("SessionNotOnOrAfter", a.session_not_on_or_after)] {
            if let Some(t) = t.filter(|t| *t <= now) {
                return Err(StsError::ExpiredToken(format!(
                    "the assertion's {what} {t} has passed (aws:EpochTime {now})"
                )));
            }
        }
        if let Some(t) = a.issue_instant.filter(|t| *t > now) {
            return Err(StsError::ExpiredToken(format!(
                "the assertion's IssueInstant {t} is in the future (aws:EpochTime {now})"
            )));
        }
    }
    let recipient = a.recipient.clone().unwrap_or_default();
    if !recipient_ok(&recipient) {
        return Err(invalid(format!("the Recipient \"{recipient}\" is not an AWS sign-in SAML endpoint")));
    }
    let attr = |name: &str| a.attributes.get(&format!("{ATTR}{name}"));
    let session_name = match attr("RoleSessionName").map(Vec::as_slice) {
        None | Some([]) => return Err(invalid(SESSION_NAME_REQUIRED)),
        Some([name]) if session_name_ok(name) => name.clone(),
        Some(_) => return Err(invalid(SESSION_NAME_PATTERN)),
    };
    let source_identity = match attr("SourceIdentity").map(Vec::as_slice) {
        None => None,
        Some([si]) if validate::source_identity_ok(si) => Some(si.clone()),
        Some(_) => {
            return Err(invalid("Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64} and not begin with \"aws:\""))
        }
    };
    let mut tags = Vec::new();
    for (name, values) in &a.attributes {
        if let Some(key) = name.strip_prefix(&format!("{ATTR}PrincipalTag:")) {
            match values.as_slice() {
                [v] => tags.push((key.to_string(), v.clone())),
                _ => return Err(invalid(format!("PrincipalTag:{key} must have exactly one value"))),
            }
        }
    }
    let transitive = attr("TransitiveTagKeys").cloned().unwrap_or_default();
    let mut cap = None;
    if let Some(values) = attr("SessionDuration") {
        let d = values.first().and_then(|v| v.parse::<i64>().ok()).filter(|d| (900..=43_200).contains(d));
        cap = Some(d.ok_or_else(|| invalid("SessionDuration must be one number of seconds from 900 to 43200"))?);
    }
    if let (Some(end), Some(now)) = (a.session_not_on_or_after, now) {
        let left = end - now;
        cap = Some(cap.map_or(left, |c: i64| c.min(left)));
    }

    let account = arn_account(&params.role_arn).unwrap_or_default().to_string();
    let subject_type = a.subject_type.clone().unwrap_or_else(|| "unspecified".to_string());
    let mut keys: Vec<(String, ContextValue)> = Vec::new();
    let mut notes = vec![format!(
        "provider: {} (trust policy principal {{\"Federated\": \"{}\"}})",
        provider_name, params.principal_arn
    )];
    let mut key = |k: &str, v: ContextValue, from: &str, notes: &mut Vec<String>| {
        notes.push(format!("{from} = {:?} -> saml:{k}", v.values));
        keys.push((format!("saml:{k}"), v));
    };
    key("aud", ContextValue::single(recipient), "Recipient", &mut notes);
    key("iss", ContextValue::single(issuer.clone()), "Issuer", &mut notes);
    key("doc", ContextValue::single(format!("{provider_account}/{provider_name}")), "the provider ARN", &mut notes);
    let qualifier = name_qualifier(&issuer, provider_account, provider_name);
    key(
        "namequalifier",
        ContextValue::single(qualifier),
        "Base64(SHA1(Issuer + account + \"/\" + provider name))",
        &mut notes,
    );
    if let Some(sub) = &a.subject {
        key("sub", ContextValue::single(sub.clone()), "NameID", &mut notes);
    }
    key("sub_type", ContextValue::single(subject_type), "NameID Format", &mut notes);
    for (name, values) in &a.attributes {
        if let Some((_, k, multi)) = ATTRIBUTE_KEYS.iter().find(|(n, _, _)| n == name) {
            let v = if *multi {
                ContextValue::multi(values.clone())
            } else {
                match values.first() {
                    Some(first) => ContextValue::single(first.clone()),
                    None => continue,
                }
            };
            key(k, v, &format!("attribute {name}"), &mut notes);
        }
    }
    let carried: Vec<(String, ContextValue)> = keys
        .iter()
        .filter(|(k, _)| ["saml:sub", "saml:sub_type", "saml:namequalifier"].contains(&k.as_str()))
        .cloned()
        .collect();
    if !tags.is_empty() {
        notes.push(format!(
            "PrincipalTag attributes -> session tags {tags:?}, transitive {transitive:?} (needs sts:TagSession)"
        ));
    }
    notes.push("keys kept for the session's later requests: saml:sub, saml:sub_type, saml:namequalifier".to_string());
    let call = FederatedCall {
        action: "sts:AssumeRoleWithSAML",
        role_arn: params.role_arn.clone(),
        session_name,
        provider: params.principal_arn.clone(),
        keys,
        carried_keys: carried,
        tags,
        transitive_tag_keys: transitive,
        source_identity,
        policy: params.policy.clone(),
        policy_arns: params.policy_arns.clone(),
        duration_seconds: params.duration_seconds,
        duration_cap: cap,
        context: params.context.clone(),
        kind: SessionKind::Saml,
        notes,
    };
    // SAMLTS: no NameID, a Role attribute that does not pair this role with this
    // provider, or an IAM Identity Center role (SAMLAPI) are refused as not authorized.
    let pair = format!("{},{}", params.role_arn, params.principal_arn);
    let role_listed =
        attr("Role").is_some_and(|values| values.iter().any(|v| v.split(',').map(str::trim).eq(pair.split(','))));
    let role_name = params.role_arn.rsplit('/').next().unwrap_or_default();
    if a.subject.is_none() || !role_listed || role_name.starts_with("AWSReservedSSO_") || account != provider_account {
        return Err(StsError::trust_denied(federated_request(world, &call, call.action)));
    }
    assume_federated(world, call, trace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_qualifier_is_base64_sha1() {
        let q = name_qualifier("https://example.com/saml", "123456789012", "MySAMLIdP");
        assert_eq!(q.len(), 28);
        assert_ne!(q, name_qualifier("https://example.com/saml", "123456789012", "Other"));
    }

    #[test]
    fn recipients() {
        assert!(recipient_ok("https://signin.aws.amazon.com/saml"));
        assert!(recipient_ok("https://us-west-2.signin.aws.amazon.com/saml"));
        assert!(recipient_ok("https://signin.aws.amazon.com/static/saml"));
        assert!(!recipient_ok("https://evil.example.com/saml"));
        assert!(!recipient_ok("https://.signin.aws.amazon.com/saml"));
    }
}
