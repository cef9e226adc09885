//! URL links (seed 002): legacy `POST /api/apps/url_link/generate` (answers
//! [`crate::dialect::LinkLegacyEnvelope`]) and the v1 `POST /api/apps/v1/url_link/*` endpoints
//! (answers [`crate::dialect::OpenEnvelope`]), plus the admin listing of links.
//!
//! Every field is optional here: which are required is decided in `dyopen-core`; a field of the
//! wrong JSON type is a parse error of the dialect (12018 / 28005001).

use crate::ids::FlexInt;
use serde::{Deserialize, Serialize};

/// Legacy generate body: `{"access_token", "ma_app_id", "app_name", "path", "query", "expire_time"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LegacyGenerateRequest {
    /// Token, unless sent in the header or query string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    /// The mini-program.
    pub ma_app_id: Option<String>,
    /// Host: `douyin` or `douyinlite`.
    pub app_name: Option<String>,
    /// A published page; empty for the home page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// A JSON object as text; empty for `{}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// Unix seconds, as an integer or a decimal string.
    pub expire_time: Option<FlexInt>,
}

/// v1 generate body: `{"app_id", "app_name", "path", "query", "expire_time"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GenerateRequest {
    /// Token, unless sent in the header or query string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    /// The mini-program.
    pub app_id: Option<String>,
    /// Host: `douyin`, `douyinlite`, `toutiao` or `toutiaolite`.
    pub app_name: Option<String>,
    /// A published page; empty for the home page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// A JSON object as text; empty for `{}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// Unix seconds, as an integer or a decimal string.
    pub expire_time: Option<FlexInt>,
}

/// `data` of a v1 generate answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GenerateData {
    /// `{public_base_url}/{code}`.
    pub url_link: String,
}

/// v1 `query_info` body: `{"app_id", "url_link"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueryInfoRequest {
    /// Token, unless sent in the header or query string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    /// The mini-program (the token's app when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    /// A generated link (or its bare code).
    pub url_link: Option<String>,
}

/// `data` of a `query_info` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueryInfoData {
    /// The mini-program.
    pub app_id: String,
    /// The host.
    pub app_name: String,
    /// The page (the home page if generated with an empty path).
    pub path: String,
    /// The query text.
    pub query: String,
    /// Unix seconds.
    pub create_time: i64,
    /// Effective expiry, Unix seconds.
    pub expire_time: i64,
}

/// v1 `query_quota` body: `{"app_id"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueryQuotaRequest {
    /// Token, unless sent in the header or query string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    /// The mini-program (the token's app when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
}

/// `data` of a `query_quota` answer: today's use (Asia/Shanghai) and the daily limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueryQuotaData {
    /// Links generated today.
    pub url_link_used: i64,
    /// Daily quota.
    pub url_link_limit: i64,
}

/// A link as `GET /admin/v1/apps/{appid}/links` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkView {
    /// The 7-character code.
    pub code: String,
    /// The full link.
    pub url_link: String,
    /// The host.
    pub app_name: String,
    /// The page.
    pub path: String,
    /// The query text.
    pub query: String,
    /// Creation (RFC 3339, UTC).
    pub created_at: String,
    /// Effective expiry (RFC 3339, UTC).
    pub expires_at: String,
    /// Whether the link has expired by the server clock.
    pub expired: bool,
    /// Visits counted so far.
    pub visits: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expire_time_accepts_numbers_and_decimal_strings() {
        let a: LegacyGenerateRequest =
            serde_json::from_str(r#"{"expire_time":"1700000000"}"#).unwrap();
        let b: GenerateRequest = serde_json::from_str(r#"{"expire_time":1700000000}"#).unwrap();
        assert_eq!(a.expire_time, b.expire_time);
        assert!(serde_json::from_str::<GenerateRequest>(r#"{"expire_time":1.5}"#).is_err());
        assert!(serde_json::from_str::<GenerateRequest>(r#"{"query":{}}"#).is_err());
    }
}
