//! Token endpoints: `POST /api/apps/v2/token` and `POST /oauth/client_token/`.

use crate::dialect::{ClientTokenData, ClientTokenEnvelope};
use serde::{Deserialize, Serialize};

/// `POST /api/apps/v2/token` body.
///
/// ```json
/// {"appid": "ttabc…", "secret": "…", "grant_type": "client_credential"}
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct V2TokenRequest {
    /// The app.
    pub appid: Option<String>,
    /// The app secret.
    pub secret: Option<String>,
    /// Must be `client_credential`.
    pub grant_type: Option<String>,
}

/// `data` of a successful v2 token answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct V2TokenData {
    /// `08…`.
    pub access_token: String,
    /// Seconds, 7200.
    pub expires_in: i64,
}

/// A successful v2 token answer: `{err_no:0, err_tips:"success", data}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct V2TokenResponse {
    /// 0.
    pub err_no: i64,
    /// `success`.
    pub err_tips: String,
    /// The token.
    pub data: V2TokenData,
}

impl V2TokenResponse {
    /// The success answer for `access_token`.
    pub fn success(access_token: String, expires_in: i64) -> Self {
        Self {
            err_no: 0,
            err_tips: "success".into(),
            data: V2TokenData {
                access_token,
                expires_in,
            },
        }
    }
}

/// `POST /oauth/client_token/` body (JSON or form); for mini-programs `client_key` is the appid.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClientTokenRequest {
    /// The appid.
    pub client_key: Option<String>,
    /// The app secret.
    pub client_secret: Option<String>,
    /// Must be `client_credential`.
    pub grant_type: Option<String>,
}

/// Answer of `POST /oauth/client_token/` (same shape for errors).
pub type ClientTokenResponse = ClientTokenEnvelope;

/// The success answer for a client token.
pub fn client_token_success(access_token: String, expires_in: i64) -> ClientTokenResponse {
    ClientTokenEnvelope {
        data: ClientTokenData {
            access_token,
            description: String::new(),
            error_code: 0,
            expires_in,
        },
        message: "success".into(),
    }
}
