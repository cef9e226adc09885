//! Link and auth errors → the legacy (`{err_no, err_tips, url_link}`) and v1
//! (`{err_no, err_msg, log_id, data}`) dialects. Exhaustive matches: a new variant must pick
//! its codes here.

use crate::http::auth::AuthError;
use crate::http::ApiError;
use dyopen_core::link::LinkError;
use dyopen_core::token::TokenProblem;
use dyopen_wire::dialect::{link_codes as legacy, open_codes as open, LinkLegacy, Open};

/// Why a link request failed after its body parsed.
#[derive(Debug)]
pub(super) enum Failure {
    /// Token or app authorisation.
    Auth(AuthError),
    /// A link rule or the store.
    Link(LinkError),
}

impl From<AuthError> for Failure {
    fn from(e: AuthError) -> Self {
        Self::Auth(e)
    }
}

impl From<LinkError> for Failure {
    fn from(e: LinkError) -> Self {
        Self::Link(e)
    }
}

impl From<LinkError> for ApiError<LinkLegacy> {
    fn from(e: LinkError) -> Self {
        let code = match &e {
            LinkError::Missing(_)
            | LinkError::BadHost
            | LinkError::PathHasQuery
            | LinkError::PathNotPublished
            | LinkError::NoHomePage
            | LinkError::Query(_)
            | LinkError::UnknownLink => legacy::PARAM,
            LinkError::Banned => legacy::BANNED,
            LinkError::ExpiryOutOfRange => legacy::EXPIRE_RANGE,
            LinkError::TooFast => legacy::TOO_FAST,
            LinkError::QuotaExceeded => legacy::QUOTA,
            LinkError::GenerateFailed(cause) => {
                tracing::error!(error = %cause, "link generation failed after retries");
                legacy::GENERATE_FAILED
            }
            LinkError::Storage(cause) => return ApiError::system(cause),
        };
        ApiError::new(code, e.to_string())
    }
}

impl From<LinkError> for ApiError<Open> {
    fn from(e: LinkError) -> Self {
        let code = match &e {
            LinkError::Missing(_)
            | LinkError::BadHost
            | LinkError::PathHasQuery
            | LinkError::PathNotPublished
            | LinkError::NoHomePage
            | LinkError::Query(_)
            | LinkError::UnknownLink => {
                return ApiError::new(open::PARAM, format!("{}:{}", open::PARAM_MSG, e.detail()))
            }
            LinkError::Banned => open::BANNED,
            LinkError::ExpiryOutOfRange => open::EXPIRE_RANGE,
            LinkError::TooFast => open::TOO_FAST,
            LinkError::QuotaExceeded => open::QUOTA,
            LinkError::GenerateFailed(cause) | LinkError::Storage(cause) => {
                return ApiError::system(cause)
            }
        };
        ApiError::new(code, e.to_string())
    }
}

impl From<Failure> for ApiError<LinkLegacy> {
    fn from(f: Failure) -> Self {
        match f {
            Failure::Link(e) => e.into(),
            Failure::Auth(AuthError::Token(TokenProblem::Missing | TokenProblem::Invalid)) => {
                ApiError::new(legacy::TOKEN_BAD, legacy::TOKEN_BAD_MSG)
            }
            Failure::Auth(AuthError::Token(TokenProblem::Expired) | AuthError::AppMismatch) => {
                ApiError::new(legacy::TOKEN_EXPIRED, legacy::TOKEN_EXPIRED_MSG)
            }
            Failure::Auth(AuthError::Storage(cause)) => ApiError::system(cause),
        }
    }
}

impl From<Failure> for ApiError<Open> {
    fn from(f: Failure) -> Self {
        match f {
            Failure::Link(e) => e.into(),
            Failure::Auth(AuthError::Token(
                TokenProblem::Missing | TokenProblem::Invalid | TokenProblem::Expired,
            )) => ApiError::new(open::TOKEN, open::TOKEN_MSG),
            Failure::Auth(AuthError::AppMismatch) => {
                ApiError::new(open::NO_CAPABILITY, open::NO_CAPABILITY_MSG)
            }
            Failure::Auth(AuthError::Storage(cause)) => ApiError::system(cause),
        }
    }
}
