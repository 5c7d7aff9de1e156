//! `GetSessionToken` (R12a.5; FEDERATION.md section 4): temporary credentials of an
//! IAM user or the root user, optionally MFA-authenticated. No policy controls the
//! call; the credentials have the caller's permissions and fixed limits.

use super::session::TokenSession;
use super::validate;
use super::StsError;
use crate::context::Context;
use crate::principal::Principal;
use crate::request::Request;
use crate::world::{Caller, World};

/// The parameters of a GetSessionToken call.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SessionTokenParams {
    /// `DurationSeconds`.
    pub duration_seconds: Option<i64>,
    /// `SerialNumber`.
    pub serial_number: Option<String>,
    /// `TokenCode`.
    pub token_code: Option<String>,
    /// True when the code is wrong (AccessDenied, GST).
    pub wrong_token_code: bool,
    /// The request context.
    pub context: Context,
}

/// Default duration for a user (GST).
pub const DEFAULT_SECONDS: i64 = 43_200;
/// Longest duration (GST).
pub const MAX_SECONDS: i64 = 129_600;
/// The root user's longest and default duration (GST, CMP).
pub const ROOT_SECONDS: i64 = 3600;

/// Runs a GetSessionToken call by `caller`.
pub fn get_session_token(
    world: &World,
    caller: &Caller<'_>,
    params: &SessionTokenParams,
) -> Result<TokenSession, StsError> {
    validate::check_duration(params.duration_seconds, 900, MAX_SECONDS)?;
    validate::check_mfa(params.serial_number.as_deref(), params.token_code.as_deref())?;
    let principal = world.principal_of(caller)?;
    let denied = || {
        let mut ctx = params.context.clone();
        world.caller_context(caller, &mut ctx)?;
        let request = Request::new(principal.clone(), "sts:GetSessionToken", "*", None, ctx);
        Ok::<_, StsError>(StsError::credential_denied(request))
    };
    if !matches!(caller, Caller::User(_) | Caller::Root(_)) || params.wrong_token_code {
        return Err(denied()?);
    }
    let is_root = matches!(principal, Principal::Root { .. });
    let duration = match (is_root, params.duration_seconds) {
        (true, d) => d.unwrap_or(ROOT_SECONDS).min(ROOT_SECONDS),
        (false, d) => d.unwrap_or(DEFAULT_SECONDS),
    };
    Ok(TokenSession {
        principal,
        mfa: params.serial_number.is_some() && params.token_code.is_some(),
        duration_seconds: duration,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::{FederatedSession, User};
    use std::collections::BTreeMap;

    #[test]
    fn callers_durations_and_mfa() {
        let alice = "arn:aws:iam::111122223333:user/alice";
        let root = "arn:aws:iam::111122223333:root";
        let mut w = World::default();
        w.users.insert(alice.into(), User::default());
        let p = SessionTokenParams::default();
        let s = get_session_token(&w, &Caller::User(alice), &p).unwrap();
        assert_eq!((s.duration_seconds, s.mfa), (43_200, false));
        let r = get_session_token(
            &w,
            &Caller::Root(root),
            &SessionTokenParams { duration_seconds: Some(7200), ..p.clone() },
        )
        .unwrap();
        assert_eq!(r.duration_seconds, 3600);
        let mfa = SessionTokenParams {
            serial_number: Some("arn:aws:iam::111122223333:mfa/alice".into()),
            token_code: Some("123456".into()),
            ..p.clone()
        };
        assert!(get_session_token(&w, &Caller::User(alice), &mfa).unwrap().mfa);
        let wrong = SessionTokenParams { wrong_token_code: true, ..mfa };
        assert_eq!(get_session_token(&w, &Caller::User(alice), &wrong).unwrap_err().code(), "AccessDenied");
        assert_eq!(get_session_token(&w, &Caller::SessionToken(&s), &p).unwrap_err().code(), "AccessDenied");
        let f = FederatedSession {
            principal: Principal::parse("arn:aws:sts::111122223333:federated-user/bob").unwrap(),
            caller_arn: alice.into(),
            session_policies: Vec::new(),
            tags: BTreeMap::new(),
            duration_seconds: 900,
        };
        assert_eq!(get_session_token(&w, &Caller::Federated(&f), &p).unwrap_err().code(), "AccessDenied");
        let long = SessionTokenParams { duration_seconds: Some(129_601), ..p };
        assert_eq!(get_session_token(&w, &Caller::User(alice), &long).unwrap_err().code(), "ValidationError");
    }
}
