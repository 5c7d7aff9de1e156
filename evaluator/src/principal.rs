//! Callers: who makes a request, read from their ARN, and how a policy's `Principal`
//! element matches them (IAM-SPEC.md R2.8 to R2.12).

use crate::policy::{PrincipalKind, PrincipalSpec};

/// The caller of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// An IAM user.
    User {
        /// `arn:aws:iam::ACCOUNT:user/PATH/NAME`
        arn: String,
        /// The account id.
        account: String,
        /// The friendly name (last path component).
        name: String,
    },
    /// A role session.
    RoleSession {
        /// `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION` (no role path, R2.11).
        arn: String,
        /// The account id.
        account: String,
        /// The role's ARN, with its path when known.
        role_arn: String,
        /// The role name.
        role_name: String,
        /// The session name.
        session_name: String,
    },
    /// A federated user (GetFederationToken).
    FederatedUser {
        /// `arn:aws:sts::ACCOUNT:federated-user/NAME`
        arn: String,
        /// The account id.
        account: String,
        /// The name.
        name: String,
    },
    /// The account root user.
    Root {
        /// `arn:aws:iam::ACCOUNT:root`
        arn: String,
        /// The account id.
        account: String,
    },
    /// A web identity or SAML caller before it has a session: the identity provider
    /// on whose word AssumeRoleWithWebIdentity or AssumeRoleWithSAML is called. Matched
    /// only by `"Principal": "*"` and `{"Federated": PROVIDER}` (R12a.1).
    Federated {
        /// The provider as trust policies name it: its IAM ARN, or the host of a
        /// built-in web identity provider.
        provider: String,
    },
    /// An AWS service principal such as `cloudtrail.amazonaws.com`.
    Service {
        /// The service principal name.
        name: String,
    },
}

/// Why a caller ARN could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid principal \"{input}\": {reason}")]
pub struct PrincipalError {
    /// The input.
    pub input: String,
    /// Why.
    pub reason: &'static str,
}

fn is_account(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

impl Principal {
    /// Reads a caller from its ARN (or a service principal name).
    pub fn parse(input: &str) -> Result<Principal, PrincipalError> {
        let bad = |reason| PrincipalError { input: input.to_string(), reason };
        if !input.starts_with("arn:") {
            if input.ends_with(".amazonaws.com") && !input.contains(char::is_whitespace) {
                return Ok(Principal::Service { name: input.to_string() });
            }
            return Err(bad("expected a user, role session, federated user or root ARN, or a service principal"));
        }
        let Some([_, _partition, service, region, account, resource]) = crate::pattern::arn_components(input) else {
            return Err(bad("an ARN has six colon-separated parts"));
        };
        if !region.is_empty() {
            return Err(bad("IAM and STS principal ARNs have no region"));
        }
        if !is_account(account) {
            return Err(bad("the account must be 12 digits"));
        }
        let account = account.to_string();
        match service {
            "iam" if resource == "root" => Ok(Principal::Root { arn: input.to_string(), account }),
            "iam" => match resource.strip_prefix("user/") {
                Some(path_name) if !path_name.is_empty() && !path_name.ends_with('/') => {
                    let name = path_name.rsplit('/').next().unwrap_or(path_name).to_string();
                    Ok(Principal::User { arn: input.to_string(), account, name })
                }
                _ => Err(bad("an IAM caller is a user or the account root")),
            },
            "sts" => {
                if let Some(rest) = resource.strip_prefix("assumed-role/") {
                    let mut it = rest.splitn(2, '/');
                    match (it.next(), it.next()) {
                        (Some(role), Some(session))
                            if !role.is_empty() && !session.is_empty() && !session.contains('/') =>
                        {
                            Ok(Principal::RoleSession {
                                arn: input.to_string(),
                                role_arn: format!("arn:aws:iam::{account}:role/{role}"),
                                account,
                                role_name: role.to_string(),
                                session_name: session.to_string(),
                            })
                        }
                        _ => Err(bad("a role session ARN is assumed-role/ROLE/SESSION")),
                    }
                } else if let Some(name) = resource.strip_prefix("federated-user/") {
                    if name.is_empty() {
                        return Err(bad("a federated user needs a name"));
                    }
                    Ok(Principal::FederatedUser { arn: input.to_string(), account, name: name.to_string() })
                } else {
                    Err(bad("an STS caller is an assumed-role session or a federated user"))
                }
            }
            _ => Err(bad("a caller ARN is in the iam or sts service")),
        }
    }

    /// A session of the role `role_arn` (which keeps its path) named `session`.
    pub fn role_session(role_arn: &str, session: &str) -> Option<Principal> {
        let [_, partition, _, _, account, resource] = crate::pattern::arn_components(role_arn)?;
        let role_name = resource.strip_prefix("role/")?.rsplit('/').next()?.to_string();
        Some(Principal::RoleSession {
            arn: format!("arn:{partition}:sts::{account}:assumed-role/{role_name}/{session}"),
            account: account.to_string(),
            role_arn: role_arn.to_string(),
            role_name,
            session_name: session.to_string(),
        })
    }

    /// The caller's ARN as AWS prints it (the session ARN for a role session).
    pub fn arn(&self) -> &str {
        match self {
            Principal::User { arn, .. }
            | Principal::RoleSession { arn, .. }
            | Principal::FederatedUser { arn, .. }
            | Principal::Root { arn, .. } => arn,
            Principal::Service { name } => name,
            Principal::Federated { provider } => provider,
        }
    }

    /// The caller's account, if it has one.
    pub fn account(&self) -> Option<&str> {
        match self {
            Principal::User { account, .. }
            | Principal::RoleSession { account, .. }
            | Principal::FederatedUser { account, .. }
            | Principal::Root { account, .. } => Some(account),
            Principal::Service { .. } | Principal::Federated { .. } => None,
        }
    }

    /// `aws:PrincipalArn`: the role ARN for a role session (R5 table).
    pub fn principal_arn(&self) -> &str {
        match self {
            Principal::RoleSession { role_arn, .. } => role_arn,
            other => other.arn(),
        }
    }

    /// `aws:PrincipalType`.
    pub fn principal_type(&self) -> &'static str {
        match self {
            Principal::User { .. } => "User",
            Principal::RoleSession { .. } => "AssumedRole",
            Principal::FederatedUser { .. } => "FederatedUser",
            Principal::Root { .. } => "Account",
            Principal::Service { .. } => "AWSService",
            // Not an aws:PrincipalType value: the call has no AWS identity yet.
            Principal::Federated { .. } => "Federated",
        }
    }

    /// How a `Principal` element's value matches this caller.
    pub fn match_spec(&self, spec: &PrincipalSpec) -> PrincipalMatch {
        match spec {
            PrincipalSpec::Any => PrincipalMatch::Wildcard,
            PrincipalSpec::Map(entries) => entries
                .iter()
                .flat_map(|(kind, ids)| ids.iter().map(move |id| self.match_id(*kind, id)))
                .max()
                .unwrap_or(PrincipalMatch::None),
        }
    }

    fn match_id(&self, kind: PrincipalKind, id: &str) -> PrincipalMatch {
        match kind {
            PrincipalKind::Aws => self.match_aws(id),
            PrincipalKind::Service => match self {
                Principal::Service { name } if name == id => PrincipalMatch::Exact,
                _ => PrincipalMatch::None,
            },
            PrincipalKind::Federated => match self {
                Principal::Federated { provider } if provider == id => PrincipalMatch::Exact,
                _ => PrincipalMatch::None,
            },
            PrincipalKind::CanonicalUser => PrincipalMatch::None,
        }
    }

    fn match_aws(&self, id: &str) -> PrincipalMatch {
        if id == "*" {
            return PrincipalMatch::Wildcard;
        }
        let Some(account) = self.account() else { return PrincipalMatch::None };
        let is_root = matches!(self, Principal::Root { .. });
        if is_account(id) {
            // The root user is the account itself: naming the account names it exactly.
            return match (id == account, is_root) {
                (false, _) => PrincipalMatch::None,
                (true, true) => PrincipalMatch::Exact,
                (true, false) => PrincipalMatch::Account,
            };
        }
        let Some([_, id_partition, service, _, id_account, resource]) = crate::pattern::arn_components(id) else {
            return PrincipalMatch::None;
        };
        // A principal ARN names an identity of its own partition only.
        let partition = crate::pattern::arn_components(self.arn()).map(|[_, p, _, _, _, _]| p).unwrap_or("aws");
        if id_account != account || id_partition != partition {
            return PrincipalMatch::None;
        }
        match (service, self) {
            // R2.10: the account principal, bare or as :root, delegates to the account.
            ("iam", Principal::Root { .. }) if resource == "root" => PrincipalMatch::Exact,
            ("iam", _) if resource == "root" => PrincipalMatch::Account,
            // R2.12: user names match case-sensitively.
            ("iam", Principal::User { arn, .. }) if id == arn => PrincipalMatch::Exact,
            // R2.11: a role ARN matches every session of the role. Role names are unique
            // within an account whatever their path, so the name decides.
            ("iam", Principal::RoleSession { role_name, .. }) => match resource.strip_prefix("role/") {
                Some(r) if r.rsplit('/').next() == Some(role_name.as_str()) => PrincipalMatch::Role,
                _ => PrincipalMatch::None,
            },
            ("sts", Principal::RoleSession { arn, .. }) if id == arn => PrincipalMatch::Exact,
            ("sts", Principal::FederatedUser { arn, .. }) if id == arn => PrincipalMatch::Exact,
            _ => PrincipalMatch::None,
        }
    }
}

/// How a resource-based policy's `Principal` named the caller; decides which limits
/// still apply to its grant within one account (R7.1 to R7.6). Ordered from weakest
/// to strongest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PrincipalMatch {
    /// Not named.
    None,
    /// The caller's account (bare id or `:root`): grants nothing by itself (R7.6).
    Account,
    /// The role of a role session: boundary and session policy still apply (R7.3).
    Role,
    /// `*` (R7.4).
    Wildcard,
    /// The exact user, role session, federated user or service (R7.1, R7.2, R7.5).
    Exact,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_callers() {
        assert!(
            matches!(Principal::parse("arn:aws:iam::111122223333:user/division/alice"), Ok(Principal::User { ref name, .. }) if name == "alice")
        );
        let s = Principal::parse("arn:aws:sts::123456789012:assumed-role/example-dev-role/readonly").unwrap();
        assert_eq!(s.principal_arn(), "arn:aws:iam::123456789012:role/example-dev-role");
        assert!(Principal::parse("arn:aws:iam::111122223333:group/g").is_err());
        assert!(Principal::parse("arn:aws:iam::1111:user/x").is_err());
    }

    /// Every malformed caller is refused, each with the reason of its own rule
    /// (IAM-SPEC.md R2.8: callers are users, role sessions, federated users, root
    /// users and service principals).
    #[test]
    fn refuses_malformed_callers_with_their_reason() {
        for (input, reason) in [
            ("alice", "a user, role session"),
            ("s3.amazonaws .com", "a user, role session"),
            ("arn:aws:iam::111122223333", "six colon-separated parts"),
            ("arn:aws:iam:us-east-1:111122223333:user/alice", "no region"),
            ("arn:aws:iam::11112222333a:user/alice", "12 digits"),
            ("arn:aws:iam::111122223333:user/", "a user or the account root"),
            ("arn:aws:iam::111122223333:user/ops/", "a user or the account root"),
            ("arn:aws:iam::111122223333:role/r", "a user or the account root"),
            ("arn:aws:sts::111122223333:assumed-role/r", "assumed-role/ROLE/SESSION"),
            ("arn:aws:sts::111122223333:assumed-role//s", "assumed-role/ROLE/SESSION"),
            ("arn:aws:sts::111122223333:assumed-role/r/", "assumed-role/ROLE/SESSION"),
            ("arn:aws:sts::111122223333:assumed-role/r/s/t", "assumed-role/ROLE/SESSION"),
            ("arn:aws:sts::111122223333:federated-user/", "needs a name"),
            ("arn:aws:sts::111122223333:user/alice", "an assumed-role session or a federated user"),
            ("arn:aws:s3::111122223333:user/alice", "iam or sts service"),
        ] {
            let read = Principal::parse(input);
            assert!(matches!(&read, Err(e) if e.reason.contains(reason)), "{input}: {read:?}");
        }
        for input in [
            "arn:aws:iam::111122223333:root",
            "arn:aws:sts::111122223333:assumed-role/r/s",
            "arn:aws:sts::111122223333:federated-user/bob",
            "lambda.amazonaws.com",
        ] {
            assert!(Principal::parse(input).is_ok(), "{input}");
        }
    }

    #[test]
    fn session_arn_drops_role_path() {
        let s = Principal::role_session("arn:aws:iam::111122223333:role/ops/admin", "me").unwrap();
        assert_eq!(s.arn(), "arn:aws:sts::111122223333:assumed-role/admin/me");
        assert_eq!(s.principal_arn(), "arn:aws:iam::111122223333:role/ops/admin");
    }

    #[test]
    fn principal_matching() {
        let s = Principal::parse("arn:aws:sts::111122223333:assumed-role/r/s").unwrap();
        let spec = |id: &str| PrincipalSpec::Map(vec![(PrincipalKind::Aws, vec![id.to_string()])]);
        assert_eq!(s.match_spec(&spec("111122223333")), PrincipalMatch::Account);
        assert_eq!(s.match_spec(&spec("arn:aws:iam::111122223333:root")), PrincipalMatch::Account);
        assert_eq!(s.match_spec(&spec("arn:aws:iam::111122223333:role/path/r")), PrincipalMatch::Role);
        assert_eq!(s.match_spec(&spec("arn:aws:sts::111122223333:assumed-role/r/s")), PrincipalMatch::Exact);
        assert_eq!(s.match_spec(&spec("arn:aws:sts::111122223333:assumed-role/r/other")), PrincipalMatch::None);
        assert_eq!(s.match_spec(&spec("444455556666")), PrincipalMatch::None);
    }
}
