//! dyopen's own admin/emulator dialect: `{"error": {"code", "message"}}`.

use super::*;

/// dyopen's own admin/emulator API: `{"error": {"code", "message"}}` with a REST status.
pub struct Admin;

/// The admin error object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminErrorDetail {
    /// A stable snake_case code (`not_found`, `invalid_request`, …).
    pub code: String,
    /// Human-readable text.
    pub message: String,
}

/// Body of every admin error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminError {
    /// The error.
    pub error: AdminErrorDetail,
}

/// Admin error codes, as numbers for the [`Dialect`] plumbing and strings on the wire.
pub mod admin_codes {
    /// 400.
    pub const INVALID_REQUEST: i64 = 400;
    /// 401.
    pub const UNAUTHORIZED: i64 = 401;
    /// 404.
    pub const NOT_FOUND: i64 = 404;
    /// 405.
    pub const METHOD_NOT_ALLOWED: i64 = 405;
    /// 409.
    pub const CONFLICT: i64 = 409;
    /// 413 (`payload_too_large`): read back from a body, never sent by dyopen (an oversized
    /// body answers HTTP 413 with `invalid_request`, the parameter code).
    pub const TOO_LARGE: i64 = 413;
    /// 500.
    pub const INTERNAL: i64 = 500;
    /// 503 (a handler that did not answer in time).
    pub const UNAVAILABLE: i64 = 503;

    /// The wire string of a code.
    pub fn name(code: i64) -> &'static str {
        match code {
            INVALID_REQUEST => "invalid_request",
            UNAUTHORIZED => "unauthorized",
            NOT_FOUND => "not_found",
            METHOD_NOT_ALLOWED => "method_not_allowed",
            CONFLICT => "conflict",
            TOO_LARGE => "payload_too_large",
            UNAVAILABLE => "unavailable",
            _ => "internal",
        }
    }

    /// The code of a wire string: the inverse of [`name`] (`internal` for any other string).
    pub fn code(name: &str) -> i64 {
        match name {
            "invalid_request" => INVALID_REQUEST,
            "unauthorized" => UNAUTHORIZED,
            "not_found" => NOT_FOUND,
            "method_not_allowed" => METHOD_NOT_ALLOWED,
            "conflict" => CONFLICT,
            "payload_too_large" => TOO_LARGE,
            "unavailable" => UNAVAILABLE,
            _ => INTERNAL,
        }
    }
}

impl Dialect for Admin {
    type ErrorBody = AdminError;
    const PARAM_CODE: i64 = admin_codes::INVALID_REQUEST;
    const SYSTEM: (i64, &'static str) = (admin_codes::INTERNAL, "internal error");
    const PARAM_STATUS: u16 = 400;
    const SYSTEM_STATUS: u16 = 500;
    // The admin key is no platform token: nothing to refresh.
    const TOKEN_ERROR_CODES: &'static [i64] = &[];
    const CODES: &'static [(i64, &'static str)] = &[
        (
            admin_codes::INVALID_REQUEST,
            "a parameter, query or body is not valid (HTTP 400)",
        ),
        (
            admin_codes::UNAUTHORIZED,
            "missing or wrong admin token (HTTP 401)",
        ),
        (
            admin_codes::NOT_FOUND,
            "unknown route, resource or link, or an expired link (HTTP 404, 410)",
        ),
        (
            admin_codes::METHOD_NOT_ALLOWED,
            "another method is served on this route (HTTP 405)",
        ),
        (
            admin_codes::CONFLICT,
            "the resource exists already (HTTP 409)",
        ),
        (
            admin_codes::INTERNAL,
            "internal error, or an injected http_500 or timeout fault (HTTP 500, 504)",
        ),
        (
            admin_codes::UNAVAILABLE,
            "no answer within the handler timeout (HTTP 503)",
        ),
    ];
    fn param_message(problem: &ParamProblem) -> String {
        problem.detail()
    }
    fn error_body(code: i64, message: String, _log_id: String) -> AdminError {
        AdminError {
            error: AdminErrorDetail {
                code: admin_codes::name(code).to_owned(),
                message,
            },
        }
    }
    fn error_parts(body: AdminError) -> ErrorParts {
        ErrorParts {
            code: admin_codes::code(&body.error.code),
            message: body.error.message,
            log_id: None,
        }
    }
}
