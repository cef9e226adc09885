//! City binding: `City` and `CityAdd`, their codes and envelope (seed 000).

use super::*;

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
    /// Modify/delete inside the 7-day window (the text is core's `CityError::TooFrequent`).
    pub const THROTTLED: i64 = 10101;
}

/// The body of every city-binding answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CityEnvelope {
    /// 0 on success.
    pub err_no: i64,
    /// `成功` or the error text.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub err_msg: String,
    /// Request log id.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
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
    const TOKEN_ERROR_CODES: &'static [i64] = &[city_codes::AUTH];
    const CODES: &'static [(i64, &'static str)] = &[
        (city_codes::SYSTEM, "系统错误"),
        (
            city_codes::PARAM,
            "参数不合法 (with the field, or a rule's text: docs/city-binding.md)",
        ),
        (city_codes::AUTH, city_codes::AUTH_MSG),
        (
            city_codes::THROTTLED,
            "修改区域的频率过高 (the 7-day window)",
        ),
    ];
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
    fn error_parts(body: CityEnvelope) -> ErrorParts {
        ErrorParts {
            code: body.err_no,
            message: body.err_msg,
            log_id: Some(body.log_id),
        }
    }
}

impl Dialect for CityAdd {
    type ErrorBody = CityEnvelope;
    const PARAM_CODE: i64 = City::PARAM_CODE;
    const SYSTEM: (i64, &'static str) = City::SYSTEM;
    const TOKEN_ERROR_CODES: &'static [i64] = City::TOKEN_ERROR_CODES;
    const CODES: &'static [(i64, &'static str)] = City::CODES;
    fn param_message(problem: &ParamProblem) -> String {
        City::param_message(problem)
    }
    fn error_body(code: i64, message: String, log_id: String) -> CityEnvelope {
        CityEnvelope {
            data_id: Some(String::new()),
            ..City::error_body(code, message, log_id)
        }
    }
    fn error_parts(body: CityEnvelope) -> ErrorParts {
        City::error_parts(body)
    }
}
