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
