//! The open.douyin.com v1/v2 dialect (URL link v1, task v2 APIs): codes and envelope.

use super::*;

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
    const TOKEN_ERROR_CODES: &'static [i64] = &[open_codes::TOKEN];
    const CODES: &'static [(i64, &'static str)] = &[
        (
            open_codes::PARAM,
            "参数解析失败:<detail> (also an unknown or expired link)",
        ),
        (open_codes::SYSTEM, "内部错误"),
        (open_codes::TOKEN, open_codes::TOKEN_MSG),
        (open_codes::NO_CAPABILITY, open_codes::NO_CAPABILITY_MSG),
        (open_codes::BANNED, "权限被封禁 (links)"),
        (open_codes::EXPIRE_RANGE, "到期时间不在范围内 (links)"),
        (open_codes::TOO_FAST, "生成URL_Link频率过快 (links)"),
        (open_codes::QUOTA, "生成URL_Link数量超过上限 (links)"),
    ];
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
    fn error_parts(body: Self::ErrorBody) -> ErrorParts {
        ErrorParts {
            code: body.err_no,
            message: body.err_msg,
            log_id: Some(body.log_id),
        }
    }
}
