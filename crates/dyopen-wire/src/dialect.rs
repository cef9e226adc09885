//! The platform's error envelopes ("dialects"), one per API family, with their codes and texts.
//!
//! Every business error answers HTTP 200 in the envelope of its family; clients depend on that.
//! The server picks a dialect per route and renders every error, including body rejections,
//! through it, so no handler builds an error body by hand.

use serde::{Deserialize, Serialize};

/// Why a request body was rejected before any business rule ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamProblem {
    /// The body is not a JSON object (or not a form), e.g. empty, truncated or not UTF-8.
    Malformed(String),
    /// The body exceeds the 1 MiB limit (answered with HTTP 413).
    TooLarge,
    /// A field has the wrong JSON type or an unacceptable value.
    Field(String),
    /// A required field is absent or null.
    Missing(String),
    /// A field-specific message chosen by the domain (e.g. `path不能携带query`).
    Custom(String),
}

impl ParamProblem {
    /// A short English/Chinese detail suitable after the generic text.
    pub fn detail(&self) -> String {
        match self {
            ParamProblem::Malformed(why) => format!("body is not valid JSON ({why})"),
            ParamProblem::TooLarge => "body exceeds 1 MiB".to_owned(),
            ParamProblem::Field(f) => format!("{f} is invalid"),
            ParamProblem::Missing(f) => format!("{f} is required"),
            ParamProblem::Custom(text) => text.clone(),
        }
    }
}

/// An error envelope: how one API family reports an error code and text.
pub trait Dialect: Send + Sync + 'static {
    /// The serialised error body.
    type ErrorBody: Serialize + Send;
    /// Code of a parameter error (also used for HTTP 413).
    const PARAM_CODE: i64;
    /// Code and text of an internal error.
    const SYSTEM: (i64, &'static str);
    /// HTTP status of a parameter error (200: business errors answer 200 on the open APIs).
    const PARAM_STATUS: u16 = 200;
    /// HTTP status of an internal error.
    const SYSTEM_STATUS: u16 = 200;
    /// The parameter-error text for `problem`.
    fn param_message(problem: &ParamProblem) -> String;
    /// Builds the error body; `log_id` is the request's 53-character log id.
    fn error_body(code: i64, message: String, log_id: String) -> Self::ErrorBody;
}

/// City binding: `{err_no, err_msg, log_id}` (`/api/product/v1/app_region_delete|modify`).
pub struct City;
/// City binding add: as [`City`] plus `data_id: ""` on errors (seed 000's error example).
pub struct CityAdd;

/// City binding codes and texts (seed 000).
pub mod city_codes {
    /// Success.
    pub const OK: i64 = 0;
    /// Success text.
    pub const OK_MSG: &str = "成功";
    /// System error.
    pub const SYSTEM: i64 = 10000;
    /// Parameter error (also every business-rule rejection).
    pub const PARAM: i64 = 10001;
    /// Token missing, unknown or expired.
    pub const AUTH: i64 = 10100;
    /// Text of [`AUTH`].
    pub const AUTH_MSG: &str = "鉴权失败,access_token非法";
    /// Modify/delete inside the 7-day window.
    pub const THROTTLED: i64 = 10101;
    /// Text of [`THROTTLED`].
    pub const THROTTLED_MSG: &str = "修改区域的频率过高";
}

/// The body of every city-binding answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CityEnvelope {
    /// 0 on success.
    pub err_no: i64,
    /// `成功` or the error text.
    pub err_msg: String,
    /// Request log id.
    pub log_id: String,
    /// `region_<19 digits>` on a successful add, `""` on a failed add, absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_id: Option<String>,
}

fn city_param_message(problem: &ParamProblem) -> String {
    match problem {
        ParamProblem::Field(f) | ParamProblem::Missing(f) => format!("参数不合法:{f}参数不合法"),
        ParamProblem::Custom(text) => text.clone(),
        ParamProblem::Malformed(_) | ParamProblem::TooLarge => {
            "参数不合法:请求体参数不合法".to_owned()
        }
    }
}

impl Dialect for City {
    type ErrorBody = CityEnvelope;
    const PARAM_CODE: i64 = city_codes::PARAM;
    const SYSTEM: (i64, &'static str) = (city_codes::SYSTEM, "系统错误");
    fn param_message(problem: &ParamProblem) -> String {
        city_param_message(problem)
    }
    fn error_body(code: i64, message: String, log_id: String) -> CityEnvelope {
        CityEnvelope {
            err_no: code,
            err_msg: message,
            log_id,
            data_id: None,
        }
    }
}

impl Dialect for CityAdd {
    type ErrorBody = CityEnvelope;
    const PARAM_CODE: i64 = city_codes::PARAM;
    const SYSTEM: (i64, &'static str) = (city_codes::SYSTEM, "系统错误");
    fn param_message(problem: &ParamProblem) -> String {
        city_param_message(problem)
    }
    fn error_body(code: i64, message: String, log_id: String) -> CityEnvelope {
        CityEnvelope {
            err_no: code,
            err_msg: message,
            log_id,
            data_id: Some(String::new()),
        }
    }
}

/// `POST /api/apps/v2/token`: `{err_no, err_tips, data}`.
pub struct V2Token;

/// v2 token codes and texts (SPEC §3).
pub mod v2_token_codes {
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

/// An empty JSON object, the `data` of an error answer. Its OpenAPI schema admits no property,
/// which keeps an error envelope apart from a success envelope (see [`crate::answer`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Empty {}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Empty {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .additional_properties(Some(AdditionalProperties::FreeForm(false)))
            .description(Some("Always `{}` (the `data` of an error answer)."))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Empty {}

/// Error body of the v2 token endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct V2TokenError {
    /// Non-zero code.
    pub err_no: i64,
    /// Error text.
    pub err_tips: String,
    /// Always `{}`.
    pub data: Empty,
}

impl Dialect for V2Token {
    type ErrorBody = V2TokenError;
    const PARAM_CODE: i64 = v2_token_codes::PARAM;
    const SYSTEM: (i64, &'static str) = (-1, "系统错误");
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
}

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
    pub message: String,
}

impl Dialect for ClientToken {
    type ErrorBody = ClientTokenEnvelope;
    const PARAM_CODE: i64 = client_token_codes::PARAM;
    const SYSTEM: (i64, &'static str) = (client_token_codes::SYSTEM, "系统错误");
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
}

/// open.douyin.com v1/v2 dialect: `{err_no, err_msg, log_id, data}` (URL link v1, task v2 APIs).
pub struct Open;

/// Codes of the v1/v2 dialect (SPEC §2).
pub mod open_codes {
    /// Parameter error.
    pub const PARAM: i64 = 28005001;
    /// Text of [`PARAM`].
    pub const PARAM_MSG: &str = "参数解析失败";
    /// Internal error.
    pub const SYSTEM: i64 = 28005002;
    /// Banned app.
    pub const BANNED: i64 = 28005015;
    /// Expiry out of range.
    pub const EXPIRE_RANGE: i64 = 28005022;
    /// qps exceeded (dyopen's choice, SPEC §2).
    pub const TOO_FAST: i64 = 28005020;
    /// Daily quota exceeded (dyopen's choice, SPEC §2).
    pub const QUOTA: i64 = 28005021;
    /// Token missing, unknown or expired.
    pub const TOKEN: i64 = 28001003;
    /// Text of [`TOKEN`].
    pub const TOKEN_MSG: &str = "access_token无效";
    /// App and token do not match.
    pub const NO_CAPABILITY: i64 = 28001018;
    /// Text of [`NO_CAPABILITY`].
    pub const NO_CAPABILITY_MSG: &str = "应用未获得该能力";
}

/// Success body of the v1/v2 dialect (errors: [`crate::answer::OpenError`], `data: {}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpenEnvelope<T> {
    /// 0 on success.
    pub err_no: i64,
    /// `""` on success.
    pub err_msg: String,
    /// Request log id.
    pub log_id: String,
    /// The payload.
    pub data: T,
}

impl Dialect for Open {
    type ErrorBody = crate::answer::OpenError;
    const PARAM_CODE: i64 = open_codes::PARAM;
    const SYSTEM: (i64, &'static str) = (open_codes::SYSTEM, "内部错误");
    fn param_message(problem: &ParamProblem) -> String {
        // The same words as the domain's own 28005001 texts (`参数解析失败:<field>参数不合法`).
        let detail = match problem {
            ParamProblem::Field(f) | ParamProblem::Missing(f) => format!("{f}参数不合法"),
            ParamProblem::Malformed(_) => "请求体不是合法的JSON对象".to_owned(),
            ParamProblem::TooLarge => "请求体超过1MiB".to_owned(),
            ParamProblem::Custom(text) => text.clone(),
        };
        format!("{}:{detail}", open_codes::PARAM_MSG)
    }
    fn error_body(code: i64, message: String, log_id: String) -> Self::ErrorBody {
        crate::answer::OpenError {
            err_no: code,
            err_msg: message,
            log_id,
            data: Empty {},
        }
    }
}

/// Talents: `{error, message, log_id, data}` (`/api/apps/taskbox/update_orient_talents`).
pub struct Talents;

/// Codes of the talents dialect (seed 001).
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
    /// Text of [`NO_TASK`].
    pub const NO_TASK_MSG: &str = "任务不存在";
    /// Task terminated.
    pub const TERMINATED: i64 = 5591;
    /// Text of [`TERMINATED`].
    pub const TERMINATED_MSG: &str = "任务已终止,请重新创建";
    /// Zero or more than ten ids.
    pub const BAD_COUNT: i64 = 5592;
    /// Text of [`BAD_COUNT`].
    pub const BAD_COUNT_MSG: &str = "操作达人数量不合法,请调整后重试";
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
}

/// URL link legacy: `{err_no, err_tips, url_link}` (`/api/apps/url_link/generate`).
pub struct LinkLegacy;

/// Codes of the legacy URL-link dialect (seed 002).
pub mod link_codes {
    /// Parameter error.
    pub const PARAM: i64 = 1;
    /// Text of [`PARAM`].
    pub const PARAM_MSG: &str = "参数填写错误";
    /// Banned app.
    pub const BANNED: i64 = 2;
    /// Text of [`BANNED`].
    pub const BANNED_MSG: &str = "权限被封禁";
    /// Internal error.
    pub const SYSTEM: i64 = -1;
    /// Body or field types unparsable.
    pub const UNPARSABLE: i64 = 12018;
    /// Text of [`UNPARSABLE`].
    pub const UNPARSABLE_MSG: &str = "参数解析失败,请检查参数格式";
    /// Expiry out of range.
    pub const EXPIRE_RANGE: i64 = 12019;
    /// Text of [`EXPIRE_RANGE`].
    pub const EXPIRE_RANGE_MSG: &str = "到期时间不在范围内";
    /// qps exceeded.
    pub const TOO_FAST: i64 = 12020;
    /// Text of [`TOO_FAST`].
    pub const TOO_FAST_MSG: &str = "生成URL_Link频率过快";
    /// Daily quota exceeded.
    pub const QUOTA: i64 = 12021;
    /// Text of [`QUOTA`].
    pub const QUOTA_MSG: &str = "生成URL_Link数量超过上限";
    /// Storage failure after retries.
    pub const GENERATE_FAILED: i64 = 12022;
    /// Text of [`GENERATE_FAILED`].
    pub const GENERATE_FAILED_MSG: &str = "链接生成失败,联系开发人员";
    /// Token missing, unknown or malformed.
    pub const TOKEN_BAD: i64 = 12024;
    /// Text of [`TOKEN_BAD`].
    pub const TOKEN_BAD_MSG: &str = "access_token错误";
    /// Token expired, or app and token do not match.
    pub const TOKEN_EXPIRED: i64 = 12025;
    /// Text of [`TOKEN_EXPIRED`].
    pub const TOKEN_EXPIRED_MSG: &str = "access_token过期或无权限";
}

/// Body of every legacy URL-link answer; `url_link` is `""` on errors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkLegacyEnvelope {
    /// 0 on success.
    pub err_no: i64,
    /// `""` on success.
    pub err_tips: String,
    /// The link, `""` on errors.
    pub url_link: String,
}

impl Dialect for LinkLegacy {
    type ErrorBody = LinkLegacyEnvelope;
    const PARAM_CODE: i64 = link_codes::UNPARSABLE;
    const SYSTEM: (i64, &'static str) = (link_codes::SYSTEM, "内部错误");
    fn param_message(_: &ParamProblem) -> String {
        link_codes::UNPARSABLE_MSG.to_owned()
    }
    fn error_body(code: i64, message: String, _log_id: String) -> Self::ErrorBody {
        LinkLegacyEnvelope {
            err_no: code,
            err_tips: message,
            url_link: String::new(),
        }
    }
}

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
    /// 413.
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
}

impl Dialect for Admin {
    type ErrorBody = AdminError;
    const PARAM_CODE: i64 = admin_codes::INVALID_REQUEST;
    const SYSTEM: (i64, &'static str) = (admin_codes::INTERNAL, "internal error");
    const PARAM_STATUS: u16 = 400;
    const SYSTEM_STATUS: u16 = 500;
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
}
