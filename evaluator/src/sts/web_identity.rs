//! `AssumeRoleWithWebIdentity` (R12a.1 to R12a.3; FEDERATION.md section 1): the
//! provider found from the token's `iss` (or `ProviderId` for OAuth 2.0), the audience
//! against the provider's client IDs, the expiry against `aws:EpochTime`, the claims
//! as `<provider>:<claim>` keys of the trust policy, tags and source identity from
//! their claims, and the keys that survive into the session (`amr`, `aud`, `id`,
//! `sub`, `aws:FederatedProvider`).

use serde_json::Value;

use super::federated::{arn_account, assume_federated, epoch_time, FederatedCall};
use super::session::SessionKind;
use super::validate;
use super::{Issued, StsError};
use crate::context::{Context, ContextValue};
use crate::world::World;

/// The parameters of an AssumeRoleWithWebIdentity call.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WebIdentityParams {
    /// `RoleArn`.
    pub role_arn: String,
    /// `RoleSessionName`.
    pub role_session_name: String,
    /// The token's decoded claims.
    pub token: Value,
    /// False for a token whose signature or format fails.
    pub token_valid: bool,
    /// `ProviderId` (OAuth 2.0 providers only).
    pub provider_id: Option<String>,
    /// `Policy`.
    pub policy: Option<String>,
    /// `PolicyArns`.
    pub policy_arns: Vec<String>,
    /// `DurationSeconds`.
    pub duration_seconds: Option<i64>,
    /// The request context.
    pub context: Context,
}

/// The web identity providers that need no IAM OIDC provider (OIDCROLE, PRIN).
pub const BUILT_IN: [&str; 4] =
    ["cognito-identity.amazonaws.com", "accounts.google.com", "graph.facebook.com", "www.amazon.com"];

/// The OAuth 2.0 providers `ProviderId` may name (WI).
pub const OAUTH_PROVIDERS: [&str; 2] = ["www.amazon.com", "graph.facebook.com"];

/// The claim carrying session tags (TAGS).
pub const TAGS_CLAIM: &str = "https://aws.amazon.com/tags";
/// The claim carrying the source identity (SRCID).
pub const SOURCE_IDENTITY_CLAIM: &str = "https://aws.amazon.com/source_identity";

/// The provider a token names.
#[derive(Debug, Clone, PartialEq)]
struct Provider {
    /// The key prefix: the issuer without `https://`, or the built-in host.
    name: String,
    /// How trust policies name it: the IAM OIDC provider ARN or the built-in host.
    principal: String,
    /// The client IDs of an IAM OIDC provider; `None` for a built-in one.
    client_ids: Option<Vec<String>>,
}

fn strip_scheme(url: &str) -> &str {
    url.strip_prefix("https://").unwrap_or(url)
}

fn invalid(msg: impl Into<String>) -> StsError {
    StsError::InvalidIdentityToken(msg.into())
}

/// A claim's value as strings: a string, number or boolean, or a list of them.
fn claim_strings(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::String(s) => Some(vec![s.clone()]),
        Value::Number(n) => Some(vec![n.to_string()]),
        Value::Bool(b) => Some(vec![b.to_string()]),
        Value::Array(items) => items.iter().map(|i| claim_strings(i).and_then(|mut v| v.pop())).collect(),
        _ => None,
    }
}

fn find_provider(
    world: &World,
    params: &WebIdentityParams,
    claims: &serde_json::Map<String, Value>,
) -> Result<Provider, StsError> {
    if let Some(id) = &params.provider_id {
        return Ok(Provider { name: id.clone(), principal: id.clone(), client_ids: None });
    }
    let iss = match claims.get("iss") {
        Some(Value::String(s)) => s,
        Some(_) => return Err(invalid("the token's iss claim is not a string")),
        None => return Err(invalid("the token has no iss claim (and no ProviderId was given)")),
    };
    let host = strip_scheme(iss);
    if BUILT_IN.contains(&host) {
        return Ok(Provider { name: host.to_string(), principal: host.to_string(), client_ids: None });
    }
    let account = arn_account(&params.role_arn).unwrap_or_default();
    let prefix = format!("arn:aws:iam::{account}:oidc-provider/");
    let mut found: Vec<(&String, &crate::world::IdentityProvider)> = world
        .identity_providers
        .iter()
        .filter(|(arn, p)| arn.starts_with(&prefix) && p.url.as_deref().map(strip_scheme) == Some(host))
        .collect();
    found.sort_by(|a, b| a.0.cmp(b.0));
    match found.first() {
        Some((arn, p)) => {
            Ok(Provider { name: host.to_string(), principal: (*arn).clone(), client_ids: Some(p.client_ids.clone()) })
        }
        None => Err(invalid(format!("no OpenID Connect provider for the issuer \"{iss}\" in account {account}"))),
    }
}

/// Session tags and their transitive keys.
type ClaimTags = (Vec<(String, String)>, Vec<String>);

/// Session tags and transitive keys from the tags claim (TAGS): each value a
/// one-element list.
fn tags_from(claim: &Value) -> Result<ClaimTags, StsError> {
    let Value::Object(m) = claim else { return Err(invalid(format!("the {TAGS_CLAIM} claim is not an object"))) };
    let mut tags = Vec::new();
    if let Some(pt) = m.get("principal_tags") {
        let Value::Object(pt) = pt else { return Err(invalid("principal_tags is not an object")) };
        for (k, v) in pt {
            match v {
                Value::Array(items) => match items.as_slice() {
                    [Value::String(s)] => tags.push((k.clone(), s.clone())),
                    _ => {
                        return Err(invalid(format!(
                            "session tag \"{k}\" must have exactly one string value (STS does not support multi-valued session tags)"
                        )))
                    }
                },
                _ => return Err(invalid(format!("session tag \"{k}\" is not a one-element list"))),
            }
        }
    }
    let transitive = match m.get("transitive_tag_keys") {
        None => Vec::new(),
        Some(v) => match claim_strings(v) {
            Some(keys) if v.is_array() => keys,
            _ => return Err(invalid("transitive_tag_keys is not a list of strings")),
        },
    };
    Ok((tags, transitive))
}

/// Runs an AssumeRoleWithWebIdentity call.
pub fn assume_role_with_web_identity(
    world: &World,
    params: &WebIdentityParams,
    trace: bool,
) -> Result<Issued, StsError> {
    validate::check_arn("RoleArn", &params.role_arn)?;
    validate::check_name("RoleSessionName", &params.role_session_name, 2, 64)?;
    if let Some(id) = &params.provider_id {
        validate::check_len("ProviderId", id, 4, 2048)?;
        if !OAUTH_PROVIDERS.contains(&id.as_str()) {
            return Err(StsError::Validation(format!(
                "ProviderId \"{id}\" is not supported (only www.amazon.com and graph.facebook.com)"
            )));
        }
    }
    validate::check_session_policies(params.policy.as_deref(), &params.policy_arns)?;
    validate::check_duration(params.duration_seconds, 900, 43_200)?;
    let Value::Object(claims) = &params.token else {
        return Err(invalid("the web identity token is not a JSON object of claims"));
    };
    if !params.token_valid {
        // An OAuth 2.0 access token is judged by its IdP, which STS calls (WI: the IdP
        // "reported that authentication failed"); an OIDC ID token by AWS itself.
        if let Some(id) = &params.provider_id {
            return Err(StsError::IdpRejectedClaim(format!("{id} reported that authentication failed")));
        }
        return Err(invalid("the token's signature or format could not be validated"));
    }
    let provider = find_provider(world, params, claims)?;
    let aud = claims
        .get("aud")
        .map(|v| claim_strings(v).ok_or_else(|| invalid("aud is not a string or a list")))
        .transpose()?;
    let mut notes = vec![format!(
        "provider: {} (trust policy principal {{\"Federated\": \"{}\"}})",
        provider.name, provider.principal
    )];
    let aud_key = match (&provider.client_ids, &aud) {
        (Some(ids), Some(values)) => match values.iter().find(|a| ids.contains(a)) {
            Some(a) => Some(ContextValue::single(a.clone())),
            None => {
                return Err(invalid(format!(
                    "no audience of the token ({}) is a client ID of {}",
                    values.join(", "),
                    provider.principal
                )))
            }
        },
        (Some(_), None) => return Err(invalid("the token has no aud claim")),
        (None, Some(values)) if values.len() == 1 => values.first().map(|a| ContextValue::single(a.clone())),
        (None, Some(values)) => Some(ContextValue::multi(values.clone())),
        (None, None) => None,
    };
    if let (Some(exp), Some(now)) = (claims.get("exp"), epoch_time(&params.context)) {
        let exp = exp.as_i64().ok_or_else(|| invalid("exp is not an integer"))?;
        if exp <= now {
            return Err(StsError::ExpiredToken(format!("the token expired at {exp} (aws:EpochTime {now})")));
        }
    }

    // Claims as trust-policy keys (IKEYS).
    let p = &provider.name;
    let mut keys: Vec<(String, ContextValue)> = Vec::new();
    let mut key = |name: &str, value: ContextValue, from: &str, notes: &mut Vec<String>| {
        notes.push(format!("claim {from} = {:?} -> {p}:{name}", value.values));
        keys.push((format!("{p}:{name}"), value));
    };
    let single = |claim: &str| {
        claims.get(claim).and_then(claim_strings).and_then(|mut v| if v.len() == 1 { v.pop() } else { None })
    };
    let google = p == "accounts.google.com";
    match (google, single("azp")) {
        (true, Some(azp)) => key("aud", ContextValue::single(azp), "azp", &mut notes),
        _ => {
            if let Some(v) = aud_key {
                key("aud", v, "aud", &mut notes);
            }
        }
    }
    if let Some(values) = &aud {
        let v =
            if values.len() == 1 { ContextValue::single(values.join("")) } else { ContextValue::multi(values.clone()) };
        key("oaud", v, "aud", &mut notes);
    }
    if let Some(sub) = single("sub") {
        key("sub", ContextValue::single(sub), "sub", &mut notes);
    }
    if let Some(amr) = claims.get("amr").and_then(claim_strings) {
        key("amr", ContextValue::multi(amr), "amr", &mut notes);
    }
    let extra: &[&str] = match p.as_str() {
        "graph.facebook.com" => &["email", "app_id", "id"],
        "www.amazon.com" => &["email", "app_id", "user_id"],
        _ => &["email"],
    };
    for claim in extra {
        if let Some(v) = single(claim) {
            key(claim, ContextValue::single(v), claim, &mut notes);
        }
    }
    let survives = |k: &str| {
        ["amr", "aud", "id", "sub"]
            .iter()
            .any(|c| k.strip_prefix(p.as_str()).and_then(|r| r.strip_prefix(':')) == Some(*c))
    };
    let mut carried: Vec<(String, ContextValue)> = keys.iter().filter(|(k, _)| survives(k)).cloned().collect();
    let federated_provider = ("aws:FederatedProvider".to_string(), ContextValue::single(provider.principal.clone()));
    keys.push(federated_provider.clone());
    carried.push(federated_provider);
    keys.push(("sts:RoleSessionName".to_string(), ContextValue::single(params.role_session_name.clone())));

    let (tags, transitive) = match claims.get(TAGS_CLAIM) {
        Some(c) => tags_from(c)?,
        None => (Vec::new(), Vec::new()),
    };
    if !tags.is_empty() {
        notes.push(format!(
            "claim {TAGS_CLAIM} -> session tags {tags:?}, transitive {transitive:?} (needs sts:TagSession)"
        ));
    }
    let source_identity = match claims.get(SOURCE_IDENTITY_CLAIM) {
        None => None,
        Some(Value::String(s)) => {
            validate::check_source_identity(s)?;
            notes.push(format!("claim {SOURCE_IDENTITY_CLAIM} -> source identity {s} (needs sts:SetSourceIdentity)"));
            Some(s.clone())
        }
        Some(_) => return Err(invalid(format!("the {SOURCE_IDENTITY_CLAIM} claim is not a string"))),
    };
    notes.push(format!(
        "keys kept for the session's later requests: {}",
        carried.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>().join(", ")
    ));
    let call = FederatedCall {
        action: "sts:AssumeRoleWithWebIdentity",
        role_arn: params.role_arn.clone(),
        session_name: params.role_session_name.clone(),
        provider: provider.principal.clone(),
        keys,
        carried_keys: carried,
        tags,
        transitive_tag_keys: transitive,
        source_identity,
        policy: params.policy.clone(),
        policy_arns: params.policy_arns.clone(),
        duration_seconds: params.duration_seconds,
        duration_cap: None,
        context: params.context.clone(),
        kind: SessionKind::WebIdentity,
        notes,
    };
    assume_federated(world, call, trace)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{Policy, PolicyType};
    use crate::world::{IdentityProvider, Role};
    use serde_json::json;

    const ROLE: &str = "arn:aws:iam::111122223333:role/deploy";
    const GITHUB: &str = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";

    fn world(trust: Value) -> World {
        let mut w = World::default();
        w.identity_providers.insert(
            GITHUB.to_string(),
            IdentityProvider {
                url: Some("https://token.actions.githubusercontent.com".into()),
                client_ids: vec!["sts.amazonaws.com".into()],
                issuer: None,
            },
        );
        w.roles.insert(
            ROLE.to_string(),
            Role {
                id: Some("AROAEXAMPLE".into()),
                trust_policy: Some(Policy::parse(&trust.to_string(), PolicyType::Trust).unwrap()),
                max_session_duration: 3600,
                ..Role::default()
            },
        );
        w
    }

    fn github_trust(sub: &str) -> Value {
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": GITHUB},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": sub}}}]})
    }

    fn params(token: Value) -> WebIdentityParams {
        WebIdentityParams {
            role_arn: ROLE.into(),
            role_session_name: "run-1".into(),
            token,
            token_valid: true,
            ..WebIdentityParams::default()
        }
    }

    fn token(sub: &str) -> Value {
        json!({"iss": "https://token.actions.githubusercontent.com", "aud": "sts.amazonaws.com", "sub": sub, "exp": 100})
    }

    #[test]
    fn sub_decides_and_the_session_keeps_the_sub_key() {
        let w = world(github_trust("repo:example-org/*"));
        let issued =
            assume_role_with_web_identity(&w, &params(token("repo:example-org/app:ref:refs/heads/main")), false)
                .unwrap();
        assert_eq!(issued.session.user_id.as_deref(), Some("AROAEXAMPLE:run-1"));
        let kept: Vec<&str> = issued.session.carried_keys.iter().map(|(k, _)| k.as_str()).collect();
        assert!(kept.contains(&"token.actions.githubusercontent.com:sub"), "{kept:?}");
        assert!(!kept.contains(&"token.actions.githubusercontent.com:oaud"), "{kept:?}");
        let denied = assume_role_with_web_identity(&w, &params(token("repo:other-org/app:ref:refs/heads/main")), false);
        assert!(matches!(denied, Err(StsError::AccessDenied { .. })));
    }

    /// Claims are read as the text of their JSON value: strings as they are, numbers
    /// and booleans as JSON writes them (`"true"`, as a condition on them compares
    /// text, R3.1), a list item by item; objects and null are no claim value.
    #[test]
    fn claim_values_as_text() {
        assert_eq!(claim_strings(&json!("a")), Some(vec!["a".to_string()]));
        assert_eq!(claim_strings(&json!(42)), Some(vec!["42".to_string()]));
        assert_eq!(claim_strings(&json!(true)), Some(vec!["true".to_string()]));
        assert_eq!(claim_strings(&json!(false)), Some(vec!["false".to_string()]));
        assert_eq!(claim_strings(&json!(["x", 1, false])), Some(vec!["x".into(), "1".into(), "false".into()]));
        assert_eq!(claim_strings(&json!({"a": 1})), None);
        assert_eq!(claim_strings(&json!(null)), None);
        assert_eq!(claim_strings(&json!(["x", {"a": 1}])), None);
    }

    /// A trust denial of AssumeRoleWithWebIdentity has no message: AWS documents no
    /// text for it (docs/CORPUS-CONVENTIONS.md), so neither the SAML sentence nor the
    /// identity-policy message is made up.
    #[test]
    fn denial_has_no_made_up_message() {
        let w = world(github_trust("repo:example-org/*"));
        let denied = assume_role_with_web_identity(&w, &params(token("repo:other-org/app")), false);
        assert!(matches!(&denied, Err(e @ StsError::AccessDenied { .. }) if e.message().is_none()), "{denied:?}");
        // Nor has an invalid token, but for the few documented SAML texts.
        assert_eq!(StsError::InvalidIdentityToken("the token has no iss claim".into()).message(), None);
    }

    #[test]
    fn bad_tokens_are_classified_errors() {
        let w = world(github_trust("*"));
        let code = |t: Value| assume_role_with_web_identity(&w, &params(t), false).map(|_| ()).unwrap_err().code();
        assert_eq!(code(json!("not an object")), "InvalidIdentityToken");
        assert_eq!(code(json!([1, 2])), "InvalidIdentityToken");
        assert_eq!(code(json!({"aud": "sts.amazonaws.com", "sub": "x"})), "InvalidIdentityToken");
        assert_eq!(code(json!({"iss": 5})), "InvalidIdentityToken");
        assert_eq!(
            code(json!({"iss": "https://unknown.example.com", "aud": "sts.amazonaws.com"})),
            "InvalidIdentityToken"
        );
        assert_eq!(
            code(json!({"iss": "https://token.actions.githubusercontent.com", "aud": "other"})),
            "InvalidIdentityToken"
        );
        assert_eq!(code(json!({"iss": "https://token.actions.githubusercontent.com"})), "InvalidIdentityToken");
        let mut tags = token("x");
        tags[TAGS_CLAIM] = json!({"principal_tags": {"a": ["1", "2"]}});
        assert_eq!(code(tags), "InvalidIdentityToken");
        let mut p = params(token("x"));
        p.context.insert("aws:EpochTime", ContextValue::single("100"));
        assert_eq!(
            assume_role_with_web_identity(&w, &p, false).map(|_| ()).unwrap_err().code(),
            "ExpiredTokenException"
        );
        p.context = Context::new();
        p.token_valid = false;
        assert_eq!(
            assume_role_with_web_identity(&w, &p, false).map(|_| ()).unwrap_err().code(),
            "InvalidIdentityToken"
        );
        p.provider_id = Some("graph.facebook.com".into());
        assert_eq!(assume_role_with_web_identity(&w, &p, false).map(|_| ()).unwrap_err().code(), "IDPRejectedClaim");
    }

    #[test]
    fn parameter_limits() {
        let w = world(github_trust("*"));
        let run =
            |p: WebIdentityParams| assume_role_with_web_identity(&w, &p, false).map(|_| ()).unwrap_err().to_string();
        let mut p = params(token("x"));
        p.role_session_name = "a".into();
        assert!(run(p).contains("RoleSessionName"));
        let mut p = params(token("x"));
        p.provider_id = Some("accounts.google.com".into());
        assert!(run(p).contains("ProviderId"));
        let mut p = params(token("x"));
        p.duration_seconds = Some(7200);
        assert!(run(p).contains("MaxSessionDuration"));
        let mut p = params(token("x"));
        p.policy_arns = (0..11).map(|i| format!("arn:aws:iam::aws:policy/P{i}")).collect();
        assert!(run(p).contains("PolicyArns"));
        let mut p = params(token("x"));
        p.policy = Some("x".repeat(2049));
        assert!(run(p).contains("2048"));
        let mut p = params(token("x"));
        p.policy_arns = vec!["arn:aws:iam::444455556666:policy/p".into()];
        p.policy = None;
        let mut w2 = w.clone();
        w2.policies.insert(
            p.policy_arns[0].clone(),
            Policy::parse("{\"Version\":\"2012-10-17\",\"Statement\":[]}", PolicyType::Identity)
                .unwrap_or_else(|_| crate::world::full_aws_access()),
        );
        assert!(assume_role_with_web_identity(&w2, &p, false)
            .map(|_| ())
            .unwrap_err()
            .to_string()
            .contains("PolicyArns"));
    }
}
