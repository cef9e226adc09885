//! Domain and auth errors → the v1/v2 dialect (task APIs) and the talents dialect.

use crate::http::auth::AuthError;
use crate::http::ApiError;
use dyopen_core::task::{TalentsError, TaskError};
use dyopen_core::token::TokenProblem;
use dyopen_wire::dialect::{open_codes, talents_codes, Open, Talents};
use dyopen_wire::ParamProblem;

impl From<TaskError> for ApiError<Open> {
    fn from(e: TaskError) -> Self {
        match &e {
            TaskError::BadField(_)
            | TaskError::TooLong { .. }
            | TaskError::TooMany { .. }
            | TaskError::ItemTooLong { .. }
            | TaskError::StartNotBeforeEnd
            | TaskError::EndNotInFuture
            | TaskError::PublicWithTalents
            | TaskError::PageNotPublished
            | TaskError::Terminated
            | TaskError::RangeReversed
            | TaskError::RangeTooLong => {
                ApiError::new(open_codes::PARAM, format!("{}:{e}", open_codes::PARAM_MSG))
            }
            // The platform's own whole text.
            TaskError::UnknownTask => ApiError::new(open_codes::PARAM, e.to_string()),
            TaskError::Storage(cause) => ApiError::system(cause),
        }
    }
}

impl From<AuthError> for ApiError<Open> {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::Token(_) => ApiError::new(open_codes::TOKEN, open_codes::TOKEN_MSG),
            AuthError::AppMismatch => {
                ApiError::new(open_codes::NO_CAPABILITY, open_codes::NO_CAPABILITY_MSG)
            }
            AuthError::Storage(cause) => ApiError::system(cause),
        }
    }
}

impl From<TalentsError> for ApiError<Talents> {
    fn from(e: TalentsError) -> Self {
        let code = match &e {
            TalentsError::BadField(field) => {
                return ApiError::param(ParamProblem::Field((*field).to_owned()))
            }
            TalentsError::NoTask => talents_codes::NO_TASK,
            TalentsError::Terminated => talents_codes::TERMINATED,
            TalentsError::BadCount => talents_codes::BAD_COUNT,
            TalentsError::Storage(cause) => return ApiError::system(cause),
        };
        ApiError::new(code, e.to_string())
    }
}

impl From<AuthError> for ApiError<Talents> {
    fn from(e: AuthError) -> Self {
        let (code, text) = match e {
            AuthError::Token(TokenProblem::Missing) => {
                (talents_codes::TOKEN_ABSENT, talents_codes::TOKEN_ABSENT_MSG)
            }
            AuthError::Token(TokenProblem::Invalid | TokenProblem::Expired) => (
                talents_codes::TOKEN_INVALID,
                talents_codes::TOKEN_INVALID_MSG,
            ),
            AuthError::AppMismatch => {
                (talents_codes::APP_MISMATCH, talents_codes::APP_MISMATCH_MSG)
            }
            AuthError::Storage(cause) => return ApiError::system(cause),
        };
        ApiError::new(code, text)
    }
}
