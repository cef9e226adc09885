//! Grant errors → the two token dialects: `v2/token`'s `{err_no, err_tips, data:{}}` and
//! `client_token`'s `{data:{error_code, description}, message:"error"}`. Each dialect has its own
//! codes and texts, and `client_token` answers a wrong grant type as a parameter error.

use crate::http::ApiError;
use dyopen_core::token::GrantError;
use dyopen_wire::dialect::{client_token_codes, v2_token_codes, ClientToken, V2Token};

impl From<GrantError> for ApiError<V2Token> {
    fn from(e: GrantError) -> Self {
        use v2_token_codes as codes;
        let (code, msg) = match e {
            GrantError::Missing => (codes::PARAM, codes::PARAM_MSG),
            GrantError::BadGrantType => (codes::BAD_GRANT, codes::BAD_GRANT_MSG),
            GrantError::UnknownApp => (codes::BAD_APPID, codes::BAD_APPID_MSG),
            GrantError::WrongSecret => (codes::BAD_SECRET, codes::BAD_SECRET_MSG),
            GrantError::Storage(cause) => return ApiError::system(cause),
        };
        ApiError::new(code, msg)
    }
}

impl From<GrantError> for ApiError<ClientToken> {
    fn from(e: GrantError) -> Self {
        use client_token_codes as codes;
        let (code, msg) = match e {
            GrantError::Missing | GrantError::BadGrantType => (codes::PARAM, codes::PARAM_MSG),
            GrantError::UnknownApp => (codes::BAD_KEY, codes::BAD_KEY_MSG),
            GrantError::WrongSecret => (codes::BAD_SECRET, codes::BAD_SECRET_MSG),
            GrantError::Storage(cause) => return ApiError::system(cause),
        };
        ApiError::new(code, msg)
    }
}
