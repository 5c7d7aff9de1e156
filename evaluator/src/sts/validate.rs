//! Parameter checks shared by the STS calls (R11.6; FEDERATION.md sections 1 to 4):
//! lengths, patterns and ranges. Every failure is a `ValidationError` that names the
//! parameter.

use super::StsError;

/// True when every character is `\w` (ASCII letters, digits, `_`) or in `extra`.
pub fn chars_ok(s: &str, extra: &str) -> bool {
    s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || extra.contains(c))
}

/// `value` has `min..=max` characters.
pub fn check_len(name: &str, value: &str, min: usize, max: usize) -> Result<(), StsError> {
    let n = value.chars().count();
    if n < min || n > max {
        return Err(StsError::Validation(format!(
            "{name} must be {min} to {max} characters long, got {n}: \"{value}\""
        )));
    }
    Ok(())
}

/// A name of `min..=max` characters of `[\w+=,.@-]` (RoleSessionName, Name).
pub fn check_name(name: &str, value: &str, min: usize, max: usize) -> Result<(), StsError> {
    check_len(name, value, min, max)?;
    if !chars_ok(value, "+=,.@-") {
        return Err(StsError::Validation(format!("{name} \"{value}\" has characters outside [\\w+=,.@-]")));
    }
    Ok(())
}

/// A role or provider ARN parameter: 20 to 2048 characters.
pub fn check_arn(name: &str, value: &str) -> Result<(), StsError> {
    check_len(name, value, 20, 2048)
}

/// `DurationSeconds` within `min..=max` when given.
pub fn check_duration(value: Option<i64>, min: i64, max: i64) -> Result<(), StsError> {
    match value {
        Some(d) if !(min..=max).contains(&d) => {
            Err(StsError::Validation(format!("DurationSeconds must be {min} to {max}, got {d}")))
        }
        _ => Ok(()),
    }
}

/// `ExternalId`: 2 to 1224 characters of `[\w+=,.@:/-]`.
pub fn check_external_id(value: &str) -> Result<(), StsError> {
    check_len("ExternalId", value, 2, 1224)?;
    if !chars_ok(value, "+=,.@:/-") {
        return Err(StsError::Validation(format!("ExternalId \"{value}\" has characters outside [\\w+=,.@:/-]")));
    }
    Ok(())
}

/// `SerialNumber` (9 to 256 of `[\w+=/:,.@-]`) and `TokenCode` (6 digits).
pub fn check_mfa(serial: Option<&str>, code: Option<&str>) -> Result<(), StsError> {
    if let Some(s) = serial {
        check_len("SerialNumber", s, 9, 256)?;
        if !chars_ok(s, "+=/:,.@-") {
            return Err(StsError::Validation(format!("SerialNumber \"{s}\" has characters outside [\\w+=/:,.@-]")));
        }
    }
    if let Some(t) = code {
        if t.len() != 6 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(StsError::Validation(format!("TokenCode must be 6 digits, got \"{t}\"")));
        }
    }
    Ok(())
}

/// True when the source identity follows its rule: 2 to 64 of `[\w+=,.@-]`, not
/// starting with `aws:` (SRCID).
pub fn source_identity_ok(value: &str) -> bool {
    let n = value.chars().count();
    (2..=64).contains(&n) && chars_ok(value, "+=,.@-") && !starts_with_aws(value)
}

/// `SourceIdentity` as a parameter.
pub fn check_source_identity(value: &str) -> Result<(), StsError> {
    check_len("SourceIdentity", value, 2, 64)?;
    if !chars_ok(value, "+=,.@-") {
        return Err(StsError::Validation(format!("SourceIdentity \"{value}\" has characters outside [\\w+=,.@-]")));
    }
    if starts_with_aws(value) {
        return Err(StsError::Validation(format!("SourceIdentity \"{value}\" cannot start with aws:")));
    }
    Ok(())
}

fn starts_with_aws(s: &str) -> bool {
    s.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("aws:"))
}

/// `\p{Z}`: space separators, not line breaks or tabs.
fn separator(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{1680}' | '\u{202f}' | '\u{205f}' | '\u{3000}' | '\u{2028}' | '\u{2029}')
        || ('\u{2000}'..='\u{200a}').contains(&c)
}

fn tag_chars(s: &str) -> bool {
    s.chars().all(|c| c.is_alphanumeric() || separator(c) || "_.:/=+-@".contains(c))
}

/// Session tags (`Tags`, or tags from token claims and SAML attributes): at most 50,
/// key 1 to 128 and value 0 to 256 characters of `[\p{L}\p{Z}\p{N}_.:/=+\-@]`, no
/// `aws:` key, no two keys equal ignoring case.
pub fn check_tags(tags: &[(String, String)]) -> Result<(), StsError> {
    if tags.len() > 50 {
        return Err(StsError::Validation(format!("at most 50 session tags, got {}", tags.len())));
    }
    for (k, v) in tags {
        check_len("a tag key", k, 1, 128)?;
        check_len("a tag value", v, 0, 256)?;
        if starts_with_aws(k) {
            return Err(StsError::Validation(format!("tag key \"{k}\" cannot start with aws:")));
        }
        if !tag_chars(k) || !tag_chars(v) {
            return Err(StsError::Validation(format!(
                "tag \"{k}\"=\"{v}\" has characters outside [\\p{{L}}\\p{{Z}}\\p{{N}}_.:/=+\\-@]"
            )));
        }
    }
    // Tag keys are not case sensitive: two keys that differ only in case collide.
    for (i, (k, _)) in tags.iter().enumerate() {
        if tags.iter().take(i).any(|(earlier, _)| earlier.eq_ignore_ascii_case(k)) {
            return Err(StsError::Validation(format!("duplicate tag key \"{k}\" (tag keys are not case sensitive)")));
        }
    }
    Ok(())
}

/// `TransitiveTagKeys`: at most 50.
pub fn check_transitive_keys(keys: &[String]) -> Result<(), StsError> {
    if keys.len() > 50 {
        return Err(StsError::Validation(format!("at most 50 transitive tag keys, got {}", keys.len())));
    }
    Ok(())
}

/// Session policies as parameters: at most 10 `PolicyArns`; the inline `Policy` holds
/// only TAB, LF, CR and U+0020 to U+00FF and at most 2,048 characters (every
/// character counted).
pub fn check_session_policies(policy: Option<&str>, policy_arns: &[String]) -> Result<(), StsError> {
    if policy_arns.len() > 10 {
        return Err(StsError::Validation(format!("at most 10 PolicyArns, got {}", policy_arns.len())));
    }
    if let Some(p) = policy {
        if let Some(c) = p.chars().find(|c| !crate::policy::allowed_char(*c)) {
            return Err(StsError::Validation(format!(
                "the inline session policy holds U+{:04X}, outside the Policy parameter's characters",
                c as u32
            )));
        }
        let n = p.chars().count();
        if n > 2048 {
            return Err(StsError::Validation(format!("the inline session policy has {n} characters, more than 2048")));
        }
    }
    Ok(())
}

/// Managed session policies must be AWS managed or in `account` (the role's account;
/// for GetFederationToken the user's).
pub fn check_policy_arn_accounts(policy_arns: &[String], account: &str) -> Result<(), StsError> {
    for arn in policy_arns {
        let owner = crate::pattern::arn_components(arn).map(|[_, _, _, _, a, _]| a);
        match owner {
            Some("aws") => {}
            Some(a) if a == account => {}
            _ => {
                return Err(StsError::Validation(format!(
                    "PolicyArns: \"{arn}\" is neither an AWS managed policy nor in account {account}"
                )))
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_validation(r: Result<(), StsError>) -> bool {
        matches!(r, Err(StsError::Validation(_)))
    }

    #[test]
    fn names_and_lengths() {
        assert!(check_name("RoleSessionName", "ab", 2, 64).is_ok());
        assert!(is_validation(check_name("RoleSessionName", "a", 2, 64)));
        assert!(is_validation(check_name("RoleSessionName", &"a".repeat(65), 2, 64)));
        assert!(check_name("RoleSessionName", &"a".repeat(64), 2, 64).is_ok());
        assert!(is_validation(check_name("Name", "a b", 2, 32)));
        assert!(is_validation(check_name("Name", &"n".repeat(33), 2, 32)));
        assert!(check_name("Name", "bob+=,.@-_9", 2, 32).is_ok());
        let err = check_name("Name", "x", 2, 32).unwrap_err().to_string();
        assert!(err.contains("Name"), "{err}");
        assert!(is_validation(check_arn("RoleArn", "arn:aws:iam::1:r")));
    }

    #[test]
    fn durations() {
        assert!(check_duration(None, 900, 43_200).is_ok());
        assert!(check_duration(Some(900), 900, 43_200).is_ok());
        assert!(is_validation(check_duration(Some(899), 900, 43_200)));
        assert!(is_validation(check_duration(Some(43_201), 900, 43_200)));
        assert!(check_duration(Some(129_600), 900, 129_600).is_ok());
        assert!(is_validation(check_duration(Some(129_601), 900, 129_600)));
    }

    #[test]
    fn mfa_and_source_identity() {
        assert!(check_mfa(Some("GAHT12345678"), Some("123456")).is_ok());
        assert!(is_validation(check_mfa(Some("GAHT1234"), None)));
        assert!(is_validation(check_mfa(None, Some("12345"))));
        assert!(is_validation(check_mfa(None, Some("12345a"))));
        assert!(check_source_identity("alice").is_ok());
        assert!(is_validation(check_source_identity("aws:alice")));
        assert!(is_validation(check_source_identity("a")));
        assert!(!source_identity_ok("AWS:x1"));
        assert!(source_identity_ok("Admin"));
    }

    #[test]
    fn tags_and_policies() {
        let t = |k: &str, v: &str| (k.to_string(), v.to_string());
        assert!(check_tags(&[t("Project", "a b")]).is_ok());
        assert!(is_validation(check_tags(&[t("a", "1"), t("A", "2")])));
        assert!(is_validation(check_tags(&[t("aws:x", "1")])));
        assert!(is_validation(check_tags(&[t("", "1")])));
        assert!(is_validation(check_tags(&[t("k", &"v".repeat(257))])));
        assert!(is_validation(check_tags(&[t("k\t", "v")])));
        let fifty_one: Vec<_> = (0..51).map(|i| t(&format!("k{i}"), "v")).collect();
        assert!(is_validation(check_tags(&fifty_one)));
        assert!(check_tags(fifty_one.get(..50).unwrap()).is_ok());
        let arns: Vec<String> = (0..11).map(|i| format!("arn:aws:iam::111122223333:policy/p{i}")).collect();
        assert!(is_validation(check_session_policies(None, &arns)));
        assert!(check_session_policies(Some(&"x".repeat(2048)), &[]).is_ok());
        assert!(is_validation(check_session_policies(Some(&"x".repeat(2049)), &[])));
        assert!(is_validation(check_session_policies(Some("\u{100}"), &[])));
        assert!(check_policy_arn_accounts(&["arn:aws:iam::aws:policy/ReadOnlyAccess".into()], "1").is_ok());
        assert!(is_validation(check_policy_arn_accounts(
            &["arn:aws:iam::444455556666:policy/p".into()],
            "111122223333"
        )));
    }
}
