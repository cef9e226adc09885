//! Every answer of an open API as one type: its success envelope or its dialect's error envelope.
//!
//! The v1/v2, talents and v2-token dialects answer errors with `data: {}`, so their success and
//! error bodies have different shapes under one HTTP status (200, business errors included).
//! [`OpenAnswer`], [`TalentsAnswer`] and [`V2TokenAnswer`] are those unions; their OpenAPI schema
//! is a `oneOf` of the two envelopes, which exclude each other because [`Empty`] admits no
//! property while every success `data` requires one. The other dialects (city binding, legacy
//! link, client token, admin) answer errors in the same shape as successes and need no union.

use crate::dialect::{Empty, OpenEnvelope, TalentsEnvelope, V2TokenError};
use crate::token::V2TokenResponse;
use serde::{Deserialize, Serialize};

/// Error body of the v1/v2 dialect: `{err_no, err_msg, log_id, data: {}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpenError {
    /// Non-zero code (28005001, 28001003, …).
    pub err_no: i64,
    /// Error text, e.g. `参数解析失败:app_id参数不合法`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub err_msg: String,
    /// Request log id.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub log_id: String,
    /// Always `{}`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub data: Empty,
}

/// Error body of the talents dialect: `{error, message, log_id, data: {}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TalentsError {
    /// Non-zero code (4001015, 5501, …).
    pub error: i64,
    /// Error text.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub message: String,
    /// Request log id.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub log_id: String,
    /// Always `{}`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub data: Empty,
}

/// Any answer of a v1/v2 endpoint (`/api/apps/v1/url_link/*`, `/api/match/v2/taskbox/*`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum OpenAnswer<T> {
    /// `err_no` 0 with the payload.
    Success(OpenEnvelope<T>),
    /// A non-zero `err_no` with `data: {}`.
    Error(OpenError),
}

/// Any answer of `update_orient_talents`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum TalentsAnswer<T> {
    /// `error` 0 with the payload.
    Success(TalentsEnvelope<T>),
    /// A non-zero `error` with `data: {}`.
    Error(TalentsError),
}

/// Any answer of `POST /api/apps/v2/token`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum V2TokenAnswer {
    /// `err_no` 0 with the token.
    Success(V2TokenResponse),
    /// A non-zero `err_no` with `data: {}`.
    Error(V2TokenError),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::GenerateData;

    #[test]
    fn an_error_body_parses_as_the_error_variant_and_a_success_as_success() {
        let err: OpenAnswer<GenerateData> = serde_json::from_str(
            r#"{"err_no":28005001,"err_msg":"参数解析失败","log_id":"L","data":{}}"#,
        )
        .unwrap();
        assert!(matches!(
            err,
            OpenAnswer::Error(OpenError {
                err_no: 28005001,
                ..
            })
        ));
        let ok: OpenAnswer<GenerateData> = serde_json::from_str(
            r#"{"err_no":0,"err_msg":"","log_id":"L","data":{"url_link":"u"}}"#,
        )
        .unwrap();
        assert!(matches!(ok, OpenAnswer::Success(_)));
        let talents: TalentsAnswer<GenerateData> =
            serde_json::from_str(r#"{"error":5501,"message":"m","log_id":"L","data":{}}"#).unwrap();
        assert!(matches!(talents, TalentsAnswer::Error(_)));
        let token: V2TokenAnswer =
            serde_json::from_str(r#"{"err_no":40015,"err_tips":"appid 错误","data":{}}"#).unwrap();
        assert!(matches!(token, V2TokenAnswer::Error(_)));
    }
}
