//! The legacy URL-link dialect (seed 002): codes and envelope.

use super::*;

/// URL link legacy: `{err_no, err_tips, url_link}` (`/api/apps/url_link/generate`).
pub struct LinkLegacy;

/// Codes of the legacy URL-link dialect (seed 002). Their texts are core's `LinkError` texts,
/// which is what the server sends.
pub mod link_codes {
    /// Parameter error.
    pub const PARAM: i64 = 1;
    /// Banned app.
    pub const BANNED: i64 = 2;
    /// Internal error.
    pub const SYSTEM: i64 = -1;
    /// Body or field types unparsable.
    pub const UNPARSABLE: i64 = 12018;
    /// Text of [`UNPARSABLE`].
    pub const UNPARSABLE_MSG: &str = "参数解析失败,请检查参数格式";
    /// Expiry out of range.
    pub const EXPIRE_RANGE: i64 = 12019;
    /// qps exceeded.
    pub const TOO_FAST: i64 = 12020;
    /// Daily quota exceeded.
    pub const QUOTA: i64 = 12021;
    /// Storage failure after retries.
    pub const GENERATE_FAILED: i64 = 12022;
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
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub err_tips: String,
    /// The link, `""` on errors.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub url_link: String,
}

impl Dialect for LinkLegacy {
    type ErrorBody = LinkLegacyEnvelope;
    const PARAM_CODE: i64 = link_codes::UNPARSABLE;
    const SYSTEM: (i64, &'static str) = (link_codes::SYSTEM, "内部错误");
    const TOKEN_ERROR_CODES: &'static [i64] = &[link_codes::TOKEN_BAD, link_codes::TOKEN_EXPIRED];
    const CODES: &'static [(i64, &'static str)] = &[
        (link_codes::PARAM, "参数填写错误[:detail]"),
        (link_codes::BANNED, "权限被封禁"),
        (link_codes::SYSTEM, "内部错误"),
        (link_codes::UNPARSABLE, link_codes::UNPARSABLE_MSG),
        (link_codes::EXPIRE_RANGE, "到期时间不在范围内"),
        (link_codes::TOO_FAST, "生成URL_Link频率过快"),
        (link_codes::QUOTA, "生成URL_Link数量超过上限"),
        (link_codes::GENERATE_FAILED, "链接生成失败,联系开发人员"),
        (link_codes::TOKEN_BAD, link_codes::TOKEN_BAD_MSG),
        (link_codes::TOKEN_EXPIRED, link_codes::TOKEN_EXPIRED_MSG),
    ];
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
    fn error_parts(body: LinkLegacyEnvelope) -> ErrorParts {
        ErrorParts {
            code: body.err_no,
            message: body.err_tips,
            log_id: None,
        }
    }
}
