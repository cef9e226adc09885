//! `POST /oauth/client_token/`: its dialect, codes and envelope.

use super::*;

/// `POST /oauth/client_token/`: `{data:{access_token, description, error_code, expires_in}, message}`.
pub struct ClientToken;

/// client token codes and texts (SPEC §3).
pub mod client_token_codes {
    /// Unparsable body or missing field, or a wrong grant_type.
    pub const PARAM: i64 = 10002;
    /// Text of [`PARAM`].
    pub const PARAM_MSG: &str = "参数错误";
    /// Unknown client_key.
    pub const BAD_KEY: i64 = 10003;
    /// Text of [`BAD_KEY`].
    pub const BAD_KEY_MSG: &str = "client_key 不存在";
    /// Wrong secret.
    pub const BAD_SECRET: i64 = 10013;
    /// Text of [`BAD_SECRET`].
    pub const BAD_SECRET_MSG: &str = "client_key 或者 client_secret 报错";
    /// System error.
    pub const SYSTEM: i64 = 2190002;
}

/// The `data` object of a client-token answer, success or error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientTokenData {
    /// `clt.…` on success, `""` on error.
    pub access_token: String,
    /// `""` on success, the error text otherwise.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub description: String,
    /// 0 on success.
    pub error_code: i64,
    /// 7200 on success, 0 on error.
    pub expires_in: i64,
}

/// Body of every client-token answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientTokenEnvelope {
    /// The token or the error.
    pub data: ClientTokenData,
    /// `success` or `error`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub message: String,
}

impl Dialect for ClientToken {
    type ErrorBody = ClientTokenEnvelope;
    const PARAM_CODE: i64 = client_token_codes::PARAM;
    const SYSTEM: (i64, &'static str) = (client_token_codes::SYSTEM, "系统错误");
    // The token endpoint itself: its errors are about the credentials, not a token.
    const TOKEN_ERROR_CODES: &'static [i64] = &[];
    const CODES: &'static [(i64, &'static str)] = &[
        (client_token_codes::PARAM, client_token_codes::PARAM_MSG),
        (client_token_codes::BAD_KEY, client_token_codes::BAD_KEY_MSG),
        (
            client_token_codes::BAD_SECRET,
            client_token_codes::BAD_SECRET_MSG,
        ),
        (client_token_codes::SYSTEM, "系统错误"),
    ];
    fn param_message(_: &ParamProblem) -> String {
        client_token_codes::PARAM_MSG.to_owned()
    }
    fn error_body(code: i64, message: String, _log_id: String) -> ClientTokenEnvelope {
        ClientTokenEnvelope {
            data: ClientTokenData {
                access_token: String::new(),
                description: message,
                error_code: code,
                expires_in: 0,
            },
            message: "error".to_owned(),
        }
    }
    fn error_parts(body: ClientTokenEnvelope) -> ErrorParts {
        ErrorParts {
            code: body.data.error_code,
            message: body.data.description,
            log_id: None,
        }
    }
}
