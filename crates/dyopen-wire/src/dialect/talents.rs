//! The talents dialect (`update_orient_talents`, seed 001): codes and envelope.

use super::*;

/// Talents: `{error, message, log_id, data}` (`/api/apps/taskbox/update_orient_talents`).
pub struct Talents;

/// Codes of the talents dialect (seed 001). The texts of [`NO_TASK`](talents_codes::NO_TASK),
/// [`TERMINATED`](talents_codes::TERMINATED) and [`BAD_COUNT`](talents_codes::BAD_COUNT) are
/// core's `TalentsError` texts, which is what the server sends.
pub mod talents_codes {
    /// Parameter error (the seed's spelling).
    pub const PARAM: i64 = 4001015;
    /// Text of [`PARAM`].
    pub const PARAM_MSG: &str = "Request Paramter Error";
    /// Service unavailable.
    pub const SYSTEM: i64 = 4001010;
    /// Token absent.
    pub const TOKEN_ABSENT: i64 = 5501;
    /// Text of [`TOKEN_ABSENT`].
    pub const TOKEN_ABSENT_MSG: &str = "accessToken不存在";
    /// Token unknown, malformed or expired.
    pub const TOKEN_INVALID: i64 = 5502;
    /// Text of [`TOKEN_INVALID`].
    pub const TOKEN_INVALID_MSG: &str = "accessToken不合法";
    /// appid does not match the token.
    pub const APP_MISMATCH: i64 = 5503;
    /// Text of [`APP_MISMATCH`].
    pub const APP_MISMATCH_MSG: &str = "appID与token不一致";
    /// Task missing or not exclusive.
    pub const NO_TASK: i64 = 5442;
    /// Task terminated.
    pub const TERMINATED: i64 = 5591;
    /// Zero or more than ten ids.
    pub const BAD_COUNT: i64 = 5592;
}

/// Success body of the talents dialect (errors: [`crate::answer::TalentsError`], `data: {}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TalentsEnvelope<T> {
    /// 0 on success.
    pub error: i64,
    /// `success` or the error text.
    pub message: String,
    /// Request log id.
    pub log_id: String,
    /// The payload.
    pub data: T,
}

impl Dialect for Talents {
    type ErrorBody = crate::answer::TalentsError;
    const PARAM_CODE: i64 = talents_codes::PARAM;
    const SYSTEM: (i64, &'static str) = (talents_codes::SYSTEM, "Service Unavailable");
    // Not TOKEN_ABSENT: a token that never arrived would not arrive fresh either.
    const TOKEN_ERROR_CODES: &'static [i64] = &[talents_codes::TOKEN_INVALID];
    const CODES: &'static [(i64, &'static str)] = &[
        (talents_codes::PARAM, "Request Paramter Error[:detail]"),
        (talents_codes::SYSTEM, "Service Unavailable"),
        (talents_codes::TOKEN_ABSENT, talents_codes::TOKEN_ABSENT_MSG),
        (
            talents_codes::TOKEN_INVALID,
            talents_codes::TOKEN_INVALID_MSG,
        ),
        (talents_codes::APP_MISMATCH, talents_codes::APP_MISMATCH_MSG),
        (talents_codes::NO_TASK, "任务不存在"),
        (talents_codes::TERMINATED, "任务已终止,请重新创建"),
        (talents_codes::BAD_COUNT, "操作达人数量不合法,请调整后重试"),
    ];
    fn param_message(problem: &ParamProblem) -> String {
        format!("{}:{}", talents_codes::PARAM_MSG, problem.detail())
    }
    fn error_body(code: i64, message: String, log_id: String) -> Self::ErrorBody {
        crate::answer::TalentsError {
            error: code,
            message,
            log_id,
            data: Empty {},
        }
    }
    fn error_parts(body: Self::ErrorBody) -> ErrorParts {
        ErrorParts {
            code: body.error,
            message: body.message,
            log_id: Some(body.log_id),
        }
    }
}
