//! `POST /api/apps/v2/token`: its dialect, codes and error body.

use super::*;

/// `POST /api/apps/v2/token`: `{err_no, err_tips, data}`.
pub struct V2Token;

/// v2 token codes and texts (SPEC §3).
pub mod v2_token_codes {
    /// Internal error.
    pub const SYSTEM: i64 = -1;
    /// Unparsable body or missing field.
    pub const PARAM: i64 = 40014;
    /// Text of [`PARAM`].
    pub const PARAM_MSG: &str = "参数错误";
    /// Unknown appid.
    pub const BAD_APPID: i64 = 40015;
    /// Text of [`BAD_APPID`].
    pub const BAD_APPID_MSG: &str = "appid 错误";
    /// Wrong secret.
    pub const BAD_SECRET: i64 = 40017;
    /// Text of [`BAD_SECRET`].
    pub const BAD_SECRET_MSG: &str = "secret 错误";
    /// grant_type is not client_credential.
    pub const BAD_GRANT: i64 = 40020;
    /// Text of [`BAD_GRANT`].
    pub const BAD_GRANT_MSG: &str = "grant_type 不是 client_credential";
}

/// Error body of the v2 token endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct V2TokenError {
    /// Non-zero code.
    pub err_no: i64,
    /// Error text.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub err_tips: String,
    /// Always `{}`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub data: Empty,
}

impl Dialect for V2Token {
    type ErrorBody = V2TokenError;
    const PARAM_CODE: i64 = v2_token_codes::PARAM;
    const SYSTEM: (i64, &'static str) = (v2_token_codes::SYSTEM, "系统错误");
    // The token endpoint itself: its errors are about the credentials, not a token.
    const TOKEN_ERROR_CODES: &'static [i64] = &[];
    const CODES: &'static [(i64, &'static str)] = &[
        (v2_token_codes::SYSTEM, "系统错误"),
        (v2_token_codes::PARAM, v2_token_codes::PARAM_MSG),
        (v2_token_codes::BAD_APPID, v2_token_codes::BAD_APPID_MSG),
        (v2_token_codes::BAD_SECRET, v2_token_codes::BAD_SECRET_MSG),
        (v2_token_codes::BAD_GRANT, v2_token_codes::BAD_GRANT_MSG),
    ];
    fn param_message(_: &ParamProblem) -> String {
        v2_token_codes::PARAM_MSG.to_owned()
    }
    fn error_body(code: i64, message: String, _log_id: String) -> V2TokenError {
        V2TokenError {
            err_no: code,
            err_tips: message,
            data: Empty {},
        }
    }
    fn error_parts(body: V2TokenError) -> ErrorParts {
        ErrorParts {
            code: body.err_no,
            message: body.err_tips,
            log_id: None,
        }
    }
}
